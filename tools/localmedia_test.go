package tools_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"image"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/ledger"
	"github.com/threads-mcp/threads-mcp/tools/media"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

func pngFile(t *testing.T, dir, name string, w, h int) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p, b.Bytes()
}

// mp4File writes a small fast-start H.264 MP4 (1080×1920, 30 fps, 2 s).
func mp4File(t *testing.T, dir, name string, moovAtEnd bool) string {
	t.Helper()
	be := func(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }
	box := func(typ string, parts ...[]byte) []byte {
		body := bytes.Join(parts, nil)
		return append(append(be(uint32(8+len(body))), typ...), body...)
	}
	zero := func(n int) []byte { return make([]byte, n) }
	moov := box("moov",
		box("mvhd", be(0), be(0), be(0), be(1000), be(2000), zero(80)),
		box("trak",
			box("tkhd", be(3), zero(20), zero(8), zero(8), zero(36), be(1080<<16), be(1920<<16)),
			box("mdia",
				box("mdhd", be(0), be(0), be(0), be(30000), be(60000), be(0)),
				box("hdlr", be(0), be(0), []byte("vide"), zero(12), []byte("v\x00")),
				box("minf", box("stbl", box("stsd", be(0), be(1), box("avc1", zero(78))), box("stts", be(0), be(1), be(60), be(1000)))))))
	ftyp := box("ftyp", []byte("isom"), be(512), []byte("isomavc1"))
	mdat := box("mdat", zero(4096))
	parts := [][]byte{ftyp, moov, mdat}
	if moovAtEnd {
		parts = [][]byte{ftyp, mdat, moov}
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, bytes.Join(parts, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// mediaEnv is a server whose local media inputs are staged by m, its
// client declaring roots when roots is not nil.
func mediaEnv(t *testing.T, emu *emulator.Server, m *media.Media, roots []string) *env {
	t.Helper()
	dir := t.TempDir()
	st, err := state.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	api := threads.NewClient(threads.WithBaseURL(emu.BaseURL()), threads.WithToken(emu.DemoToken()),
		threads.WithPollPolicy(threads.PollPolicy{Initial: 20 * time.Millisecond, Max: 100 * time.Millisecond, Multiplier: 1.5, Deadline: 20 * time.Second, VideoDeadline: 20 * time.Second}))
	led, err := ledger.Open(t.Context(), st)
	if err != nil {
		t.Fatal(err)
	}
	srv := tools.NewServer(tools.Deps{
		Accounts: &tools.SingleAccount{Account: tools.Account{Name: "sandbox", API: api}, Source: "sandbox"},
		Settings: st, Sandbox: true, Ledger: led, Media: m,
	}, "test")
	var opts []client.ClientOption
	if roots != nil {
		opts = append(opts, client.WithRootsHandler(rootsList(roots)))
	}
	c, err := client.NewInProcessClientWithOptions(srv, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "media-test", Version: "0"}
	if _, err := c.Initialize(t.Context(), init); err != nil {
		t.Fatal(err)
	}
	return &env{emu: emu, store: st, client: c, api: api, led: led, dir: dir}
}

type rootsList []string

func (r rootsList) ListRoots(context.Context, mcp.ListRootsRequest) (*mcp.ListRootsResult, error) {
	out := &mcp.ListRootsResult{}
	for _, d := range r {
		out.Roots = append(out.Roots, mcp.Root{URI: "file://" + filepath.ToSlash(d), Name: filepath.Base(d)})
	}
	return out, nil
}

// sandboxEmu is an emulator that downloads what it hosts, as the sandbox.
func sandboxEmu(t *testing.T, opts ...emulator.Option) *emulator.Server {
	emu := emulator.NewServer(append([]emulator.Option{emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel),
		emulator.WithMediaDownload(emulator.DownloadHosted, nil), emulator.WithProcessingDelay(10*time.Millisecond, 10*time.Millisecond)}, opts...)...)
	t.Cleanup(emu.Close)
	return emu
}

func containers(emu *emulator.Server) int { return len(emu.Containers(emu.DemoUserID())) }

func TestPublishLocalMediaSandbox(t *testing.T) {
	emu := sandboxEmu(t)
	dir := t.TempDir()
	m, _, err := media.Open(media.Setup{Sandbox: emu.URL, Roots: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	e := mediaEnv(t, emu, m, nil)
	chart, chartBytes := pngFile(t, dir, "chart.png", 1200, 800)
	clip := mp4File(t, dir, "clip.mp4", false)
	small, _ := pngFile(t, dir, "small.png", 640, 640)
	inline := base64.StdEncoding.EncodeToString(chartBytes)
	posts := emu.Posts(emu.DemoUserID())
	if len(posts) == 0 {
		t.Fatal("the sandbox world has no post to reply to")
	}
	target := posts[0].ID

	tests := []struct {
		name      string
		tool      string
		args      map[string]any
		downloads int
	}{
		{"image path", "publish_media", map[string]any{"type": "image", "path": chart, "text": "the chart"}, 1},
		{"video path", "publish_media", map[string]any{"type": "video", "path": clip, "text": "the clip"}, 1},
		{"carousel of path, data and url", "publish_carousel", map[string]any{"items": []any{
			map[string]any{"type": "image", "path": small}, map[string]any{"type": "image", "data": inline},
			map[string]any{"type": "image", "url": "https://example.com/elsewhere.jpg"},
		}}, 2},
		{"thread with a local image", "publish_thread", map[string]any{"parts": []any{
			map[string]any{"text": "first"}, map[string]any{"text": "second", "media": map[string]any{"type": "image", "path": chart}},
		}}, 1},
		{"reply with a local image", "reply", map[string]any{"reply_to_id": target, "text": "look",
			"media": map[string]any{"type": "image", "path": small, "alt_text": "a square"}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(emu.Downloads())
			res, sc := e.call(t, tt.tool, tt.args, false)
			if res.IsError {
				t.Fatalf("%s: %s", tt.tool, text(res))
			}
			if sc["id"] == "" {
				t.Fatalf("no post id: %v", sc)
			}
			got := emu.Downloads()[before:]
			if len(got) != tt.downloads {
				t.Fatalf("emulator downloads = %+v, want %d", got, tt.downloads)
			}
			for _, d := range got {
				if d.Status != 200 || d.Error != "" || d.Bytes == 0 {
					t.Errorf("download %+v", d)
				}
				id := strings.TrimPrefix(mustURL(t, d.URL).Path, "/media/")
				if emu.HostedMedia(id) {
					t.Errorf("staged object %s still hosted after publishing", id)
				}
			}
			if tt.name == "image path" && got[0].Bytes != int64(len(chartBytes)) {
				t.Errorf("emulator fetched %d bytes, the file has %d", got[0].Bytes, len(chartBytes))
			}
		})
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestLocalMediaRefusals(t *testing.T) {
	emu := sandboxEmu(t)
	base := t.TempDir()
	dir := filepath.Join(base, "allowed")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	secret := filepath.Join(base, "id_ed25519")
	if err := os.WriteFile(secret, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	renamed := filepath.Join(dir, "photo.jpg")
	if err := os.WriteFile(renamed, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "chart.png")
	if err := os.Symlink(secret, link); err != nil {
		t.Skip(err)
	}
	late := mp4File(t, dir, "late.mp4", true)
	ok, _ := pngFile(t, dir, "ok.png", 500, 500)
	m, _, err := media.Open(media.Setup{Sandbox: emu.URL, Roots: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	e := mediaEnv(t, emu, m, nil)
	bare := mediaEnv(t, emu, nil, nil)
	tests := []struct {
		name string
		e    *env
		args map[string]any
		want []string
	}{
		{"a key renamed .jpg", e, map[string]any{"type": "image", "path": renamed}, []string{"path: not an image or video", "a key or certificate"}},
		{"a symlink out of the root", e, map[string]any{"type": "image", "path": link}, []string{"path: outside the allowed roots"}},
		{"a path with ..", e, map[string]any{"type": "image", "path": dir + "/../id_ed25519"}, []string{"path: outside the allowed roots"}},
		{"moov at the end", e, map[string]any{"type": "video", "path": late}, []string{"moov atom at the end", "-movflags +faststart"}},
		{"two sources", e, map[string]any{"type": "image", "path": ok, "url": "https://example.com/a.png"}, []string{"path: exactly one source"}},
		{"no source", e, map[string]any{"type": "image"}, []string{"url: required"}},
		{"bad base64", e, map[string]any{"type": "image", "data": "%%%"}, []string{"data: not base64"}},
		{"no store configured", bare, map[string]any{"type": "image", "path": ok}, []string{"no media store", "--media-store"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := containers(emu)
			res, _ := tt.e.call(t, "publish_media", tt.args, false)
			if !res.IsError {
				t.Fatalf("published: %s", text(res))
			}
			for _, w := range tt.want {
				if !strings.Contains(text(res), w) {
					t.Errorf("error %q lacks %q", text(res), w)
				}
			}
			if strings.Contains(text(res), "OPENSSH") || strings.Contains(text(res), "AAAA") {
				t.Errorf("the file's content leaked into the error: %s", text(res))
			}
			if n := containers(emu); n != before {
				t.Errorf("%d containers created", n-before)
			}
		})
	}
	// validate_post with check_media gives the same verdict, without staging.
	res, sc := e.call(t, "validate_post", map[string]any{"tool": "publish_media", "check_media": true,
		"arguments": map[string]any{"type": "video", "path": late}}, false)
	if res.IsError || sc["valid"] != false || !strings.Contains(sc["error"].(string), "moov atom at the end") {
		t.Errorf("validate_post = %s", text(res))
	}
	res, sc = e.call(t, "validate_post", map[string]any{"tool": "publish_media", "check_media": true,
		"arguments": map[string]any{"type": "image", "path": ok}}, false)
	if res.IsError || sc["valid"] != true {
		t.Errorf("validate_post of a good file = %s", text(res))
	}
}

func TestLocalMediaClientRoots(t *testing.T) {
	emu := sandboxEmu(t)
	declared := t.TempDir()
	other := t.TempDir()
	inRoot, _ := pngFile(t, declared, "a.png", 400, 400)
	outside, _ := pngFile(t, other, "b.png", 400, 400)
	m, _, err := media.Open(media.Setup{Sandbox: emu.URL}) // no --media-root
	if err != nil {
		t.Fatal(err)
	}
	e := mediaEnv(t, emu, m, []string{declared})
	if res, _ := e.call(t, "publish_media", map[string]any{"type": "image", "path": inRoot}, false); res.IsError {
		t.Fatalf("a file in a declared root: %s", text(res))
	}
	res, _ := e.call(t, "publish_media", map[string]any{"type": "image", "path": outside}, false)
	if !res.IsError || !strings.Contains(text(res), "outside the allowed roots") {
		t.Errorf("a file outside the declared roots: %s", text(res))
	}
	noRoots := mediaEnv(t, emu, m, nil)
	res, _ = noRoots.call(t, "publish_media", map[string]any{"type": "image", "path": inRoot}, false)
	if !res.IsError || !strings.Contains(text(res), "no allowed roots") {
		t.Errorf("a client without roots and no --media-root: %s", text(res))
	}
}

func TestPublishLocalMediaSelfStore(t *testing.T) {
	var handler http.Handler = http.NotFoundHandler()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	emu := sandboxEmu(t, emulator.WithMediaDownload(emulator.DownloadAll, srv.Client()))
	stateDir, dir := t.TempDir(), t.TempDir()
	st, err := media.NewSelfStore(stateDir, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	handler = st.Handler()
	ap := netip.MustParseAddrPort(mustURL(t, srv.URL).Host)
	m := media.New(media.Options{Store: st, Roots: []string{dir},
		Prober: media.NewProber(media.ProberOptions{Allow: func(a netip.AddrPort) bool { return a == ap }, TLS: &tls.Config{RootCAs: pool}})})
	e := mediaEnv(t, emu, m, nil)
	chart, chartBytes := pngFile(t, dir, "chart.png", 1000, 1000)
	res, sc := e.call(t, "publish_media", map[string]any{"type": "image", "path": chart}, false)
	if res.IsError {
		t.Fatalf("publish_media: %s", text(res))
	}
	downloads := emu.Downloads()
	if len(downloads) != 1 || downloads[0].Bytes != int64(len(chartBytes)) || !strings.HasPrefix(downloads[0].URL, srv.URL+"/media/") ||
		!strings.Contains(downloads[0].URL, "sig=") {
		t.Fatalf("downloads = %+v (post %v)", downloads, sc["id"])
	}
	if left, _ := filepath.Glob(filepath.Join(stateDir, "media", "*.bin")); len(left) != 0 {
		t.Errorf("staged files left after publishing: %v", left)
	}
	// The URL Meta fetched no longer serves anything.
	if resp, err := srv.Client().Get(downloads[0].URL); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET after publishing = %v, %v", resp.Status, err)
	}
}

func TestPublishLocalMediaS3Store(t *testing.T) {
	backend := s3mem.New()
	if err := backend.CreateBucket("posts"); err != nil {
		t.Fatal(err)
	}
	s3 := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(s3.Close)
	env := map[string]string{"AWS_ENDPOINT_URL": s3.URL, "AWS_REGION": "auto", "AWS_ACCESS_KEY_ID": "AKIATEST", "AWS_SECRET_ACCESS_KEY": "test-secret"}
	st, err := media.NewS3Store("s3://posts/staged", func(k string) string { return env[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	emu := sandboxEmu(t, emulator.WithMediaDownload(emulator.DownloadAll, nil))
	dir := t.TempDir()
	ap := netip.MustParseAddrPort(mustURL(t, s3.URL).Host)
	m := media.New(media.Options{Store: st, Roots: []string{dir},
		Prober: media.NewProber(media.ProberOptions{Allow: func(a netip.AddrPort) bool { return a == ap }})})
	e := mediaEnv(t, emu, m, nil)
	chart, chartBytes := pngFile(t, dir, "chart.png", 800, 600)
	clip := mp4File(t, dir, "clip.mp4", false)
	for _, args := range []map[string]any{{"type": "image", "path": chart}, {"type": "video", "path": clip}} {
		before := len(emu.Downloads())
		res, _ := e.call(t, "publish_media", args, false)
		if res.IsError {
			t.Fatalf("publish_media %v: %s", args, text(res))
		}
		d := emu.Downloads()[before:]
		if len(d) != 1 || d[0].Status != 200 || !strings.Contains(d[0].URL, "X-Amz-Signature=") {
			t.Fatalf("downloads = %+v", d)
		}
		if args["type"] == "image" && d[0].Bytes != int64(len(chartBytes)) {
			t.Errorf("emulator fetched %d bytes of %d", d[0].Bytes, len(chartBytes))
		}
	}
	if n, err := st.Sweep(t.Context(), time.Now().Add(time.Hour)); n != 0 || err != nil {
		t.Errorf("%d staged objects left after publishing (%v)", n, err)
	}
}

func TestCreateMediaUpload(t *testing.T) {
	emu := sandboxEmu(t)
	m, _, err := media.Open(media.Setup{Sandbox: emu.URL})
	if err != nil {
		t.Fatal(err)
	}
	e := mediaEnv(t, emu, m, nil)
	res, sc := e.call(t, "create_media_upload", map[string]any{"type": "image"}, false)
	if res.IsError {
		t.Fatal(text(res))
	}
	id, u := sc["upload_id"].(string), sc["upload_url"].(string)
	_, img := pngFile(t, t.TempDir(), "x.png", 500, 500)
	req, _ := http.NewRequest(http.MethodPut, u, bytes.NewReader(img))
	req.Header.Set("Content-Type", "image/png")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT upload: %v %v", resp, err)
	}
	resp.Body.Close()
	res, _ = e.call(t, "publish_media", map[string]any{"type": "image", "upload_id": id}, false)
	if res.IsError {
		t.Fatalf("publish_media upload_id: %s", text(res))
	}
	if emu.HostedMedia(id) {
		t.Error("the upload is still hosted after publishing")
	}
	res, _ = e.call(t, "publish_media", map[string]any{"type": "image", "upload_id": id, "text": "again"}, false)
	if !res.IsError || !strings.Contains(text(res), "unknown upload") {
		t.Errorf("a used upload_id: %s", text(res))
	}
	// A text file uploaded is refused when used.
	_, sc = e.call(t, "create_media_upload", map[string]any{"type": "image"}, false)
	req, _ = http.NewRequest(http.MethodPut, sc["upload_url"].(string), strings.NewReader("not an image at all"))
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
	res, _ = e.call(t, "publish_media", map[string]any{"type": "image", "upload_id": sc["upload_id"]}, false)
	if !res.IsError || !strings.Contains(text(res), "not an image or video") {
		t.Errorf("a text upload: %s", text(res))
	}
}

func TestPreflightBeforeAnyContainer(t *testing.T) {
	host := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no crawlers", http.StatusForbidden)
	}))
	t.Cleanup(host.Close)
	pool := x509.NewCertPool()
	pool.AddCert(host.Certificate())
	// example.com (a name the httptest certificate holds) is served by the
	// loopback test server, for the pre-flight and the emulator alike.
	loop := mustURL(t, host.URL).Host
	resolve := map[string]string{"example.com:443": loop}
	crawler := host.Client()
	crawler.Transport.(*http.Transport).DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, loop)
	}
	emu := sandboxEmu(t, emulator.WithMediaDownload(emulator.DownloadAll, crawler))
	ap := netip.MustParseAddrPort(loop)
	m := media.New(media.Options{Prober: media.NewProber(media.ProberOptions{
		Allow: func(a netip.AddrPort) bool { return a == ap }, TLS: &tls.Config{RootCAs: pool}, Resolve: resolve})})
	e := mediaEnv(t, emu, m, nil)
	items := []any{map[string]any{"type": "image", "url": "https://example.com/1.png"}, map[string]any{"type": "image", "url": "https://example.com/2.png"}}
	before := containers(emu)
	res, _ := e.call(t, "publish_carousel", map[string]any{"items": items}, false)
	if !res.IsError || !strings.Contains(text(res), "items[0].url: refused to Meta's crawler") || !strings.Contains(text(res), "facebookexternalhit") {
		t.Fatalf("pre-flight of a URL refused to the crawler: %s", text(res))
	}
	if containers(emu) != before {
		t.Error("a container was created before the pre-flight refused the media")
	}
	// preflight: false sends it; the emulator's own download then fails
	// the container with a Meta-like code, and the error says what to fix.
	res, _ = e.call(t, "publish_carousel", map[string]any{"preflight": false, "items": items}, false)
	if !res.IsError || !strings.Contains(text(res), "FAILED_DOWNLOADING_IMAGE") || !strings.Contains(text(res), "public over https") {
		t.Errorf("preflight false: %s", text(res))
	}
}

// A staged file is deleted when the post fails for good too: here the
// emulator cannot download it (it does not trust the store's certificate)
// and fails the container.
func TestStagedMediaDeletedAfterFailure(t *testing.T) {
	var handler http.Handler = http.NotFoundHandler()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	emu := sandboxEmu(t, emulator.WithMediaDownload(emulator.DownloadAll, nil))
	stateDir, dir := t.TempDir(), t.TempDir()
	st, err := media.NewSelfStore(stateDir, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	handler = st.Handler()
	e := mediaEnv(t, emu, media.New(media.Options{Store: st, Roots: []string{dir}, Preflight: media.PreflightNone}), nil)
	chart, _ := pngFile(t, dir, "chart.png", 1000, 1000)
	res, _ := e.call(t, "publish_media", map[string]any{"type": "image", "path": chart}, false)
	if !res.IsError || !strings.Contains(text(res), "FAILED_DOWNLOADING_IMAGE") {
		t.Fatalf("publish_media: %s", text(res))
	}
	if d := emu.Downloads(); len(d) != 1 || d[0].Error == "" {
		t.Fatalf("downloads = %+v", d)
	}
	if left, _ := filepath.Glob(filepath.Join(stateDir, "media", "*.bin")); len(left) != 0 {
		t.Errorf("staged files left after the post failed: %v", left)
	}
}

func TestThreadMediaCheckedBeforeTheFirstPart(t *testing.T) {
	emu := sandboxEmu(t)
	dir := t.TempDir()
	m, _, err := media.Open(media.Setup{Sandbox: emu.URL, Roots: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	e := mediaEnv(t, emu, m, nil)
	late := mp4File(t, dir, "late.mp4", true)
	before := containers(emu)
	res, _ := e.call(t, "publish_thread", map[string]any{"parts": []any{
		map[string]any{"text": "one"}, map[string]any{"text": "two"},
		map[string]any{"text": "three", "media": map[string]any{"type": "video", "path": late}},
	}}, false)
	if !res.IsError || !strings.Contains(text(res), "parts[2].media.path: moov atom at the end") {
		t.Fatalf("publish_thread: %s", text(res))
	}
	if n := containers(emu) - before; n != 0 {
		t.Errorf("%d containers created before the last part's media was refused", n)
	}
}
