package media

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
)

// allowServer lets a Prober reach the loopback test server srv only.
func allowServer(t *testing.T, srv *httptest.Server) func(netip.AddrPort) bool {
	u, _ := url.Parse(srv.URL)
	ap := netip.MustParseAddrPort(u.Host)
	return func(a netip.AddrPort) bool { return a == ap }
}

type served struct {
	status int
	ct     string
	body   []byte
	ranges bool // honour Range (http.ServeContent)
}

func mediaServer(t *testing.T, files map[string]served) (*httptest.Server, *[]http.Header) {
	var mu sync.Mutex
	var seen []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		if strings.HasPrefix(r.URL.Path, "/redirect/") {
			n := 0
			fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/redirect/"), "%d", &n)
			next := "/ok.png"
			if n > 0 {
				next = fmt.Sprintf("/redirect/%d", n-1)
			}
			http.Redirect(w, r, next, http.StatusFound)
			return
		}
		f, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", f.ct)
		if f.status != 0 && f.status != 200 {
			w.WriteHeader(f.status)
			return
		}
		if f.ranges {
			http.ServeContent(w, r, "", timeZero, strings.NewReader(string(f.body)))
			return
		}
		w.Write(f.body)
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

func TestPreflight(t *testing.T) {
	moovEnd := goodVideo()
	moovEnd.moovAtEnd = true
	slow := goodVideo()
	slow.frames, slow.frameDelta = 150, 2000 // 15 fps
	long := goodVideo()
	long.seconds = 301
	wide := goodVideo()
	wide.w, wide.h = 2560, 1440
	vp9 := goodVideo()
	vp9.codec = "vp09"
	bigMoovFirst := goodVideo()
	bigMoovFirst.mdatBytes = 3 << 20 // past the first request
	bigMoovEnd := bigMoovFirst
	bigMoovEnd.moovAtEnd = true
	files := map[string]served{
		"/ok.png":        {ct: "image/png", body: pngBytes(t, 1080, 1080), ranges: true},
		"/ok.jpg":        {ct: "image/jpeg; charset=binary", body: jpegBytes(t, 1440, 144), ranges: true},
		"/narrow.png":    {ct: "image/png", body: pngBytes(t, 1441, 144), ranges: true},
		"/small.png":     {ct: "image/png", body: pngBytes(t, 200, 200)},
		"/forbidden.png": {status: 403, ct: "text/html"},
		"/page.png":      {ct: "text/html", body: []byte("<html>")},
		"/fake.png":      {ct: "image/png", body: []byte("this is text, named .png")},
		"/gif.png":       {ct: "image/png", body: []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00")},
		"/ok.mp4":        {ct: "video/mp4", body: mp4Bytes(goodVideo()), ranges: true},
		"/moovend.mp4":   {ct: "video/mp4", body: mp4Bytes(moovEnd), ranges: true},
		"/slow.mp4":      {ct: "video/mp4", body: mp4Bytes(slow), ranges: true},
		"/long.mp4":      {ct: "video/mp4", body: mp4Bytes(long), ranges: true},
		"/wide.mp4":      {ct: "video/mp4", body: mp4Bytes(wide), ranges: true},
		"/vp9.mp4":       {ct: "video/mp4", body: mp4Bytes(vp9), ranges: true},
		"/bigfirst.mp4":  {ct: "video/mp4", body: mp4Bytes(bigMoovFirst), ranges: true},
		"/bigend.mp4":    {ct: "video/mp4", body: mp4Bytes(bigMoovEnd), ranges: true},
		"/noranges.mp4":  {ct: "video/mp4", body: mp4Bytes(bigMoovEnd)},
		"/octet.mp4":     {ct: "application/octet-stream", body: mp4Bytes(goodVideo())},
	}
	srv, seen := mediaServer(t, files)
	p := NewProber(ProberOptions{Allow: allowServer(t, srv)})
	tests := []struct {
		path, kind string
		rule       string // "" passes
		fix        string
		note       bool
	}{
		{"/ok.png", KindImage, "", "", false},
		{"/ok.jpg", KindImage, "", "", false}, // exactly 10:1 and 1440 px
		{"/narrow.png", KindImage, "aspect ratio", "crop", false},
		{"/small.png", KindImage, "", "", true}, // Threads scales it up
		{"/forbidden.png", KindImage, "refused to Meta's crawler", "facebookexternalhit", false},
		{"/missing.png", KindImage, "not found", "check the URL", false},
		{"/page.png", KindImage, "wrong content type", "image/jpeg", false},
		{"/fake.png", KindImage, "not an image or video", "JPEG or PNG", false},
		{"/gif.png", KindImage, "not an image or video", "", false},
		{"/ok.png", KindVideo, "wrong content type", "", false},
		{"/ok.mp4", KindVideo, "", "", false},
		{"/moovend.mp4", KindVideo, "moov atom at the end", "-movflags +faststart", false},
		{"/slow.mp4", KindVideo, "frame rate", "-r 30", false},
		{"/long.mp4", KindVideo, "too long", "trim", false},
		{"/wide.mp4", KindVideo, "too wide", "scale", false},
		{"/vp9.mp4", KindVideo, "unsupported codec", "libx264", false},
		{"/bigfirst.mp4", KindVideo, "", "", false},
		{"/bigend.mp4", KindVideo, "moov atom at the end", "faststart", false},
		{"/noranges.mp4", KindVideo, "moov atom at the end", "faststart", false},
		{"/octet.mp4", KindVideo, "wrong content type", "video/mp4", false},
		{"/redirect/4", KindImage, "", "", false}, // 5 redirects
		{"/redirect/5", KindImage, "too many redirects", "final URL", false},
	}
	for _, tt := range tests {
		t.Run(tt.kind+tt.path, func(t *testing.T) {
			note, err := p.Check(context.Background(), "items[1].url", tt.kind, srv.URL+tt.path)
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				if (note != "") != tt.note {
					t.Errorf("note = %q", note)
				}
				return
			}
			var fe *schemas.FieldError
			if !errors.As(err, &fe) || fe.Rule != tt.rule || fe.Field != "items[1].url" || !strings.Contains(fe.Error(), tt.fix) {
				t.Fatalf("Check = %v; want rule %q for items[1].url with fix %q", err, tt.rule, tt.fix)
			}
		})
	}
	for _, h := range *seen {
		if h.Get("User-Agent") != CrawlerUserAgent || !strings.HasPrefix(h.Get("Range"), "bytes=") && h.Get("Range") != "" {
			t.Fatalf("request headers %v: want Meta's crawler User-Agent and a Range", h)
		}
	}
}

func TestPreflightRefusesNonPublicAddresses(t *testing.T) {
	srv, _ := mediaServer(t, map[string]served{"/ok.png": {ct: "image/png", body: pngBytes(t, 400, 400)}})
	other, _ := mediaServer(t, map[string]served{"/ok.png": {ct: "image/png", body: pngBytes(t, 400, 400)}})
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/ok.png", http.StatusFound)
	}))
	t.Cleanup(redirector.Close)
	u, _ := url.Parse(srv.URL)
	port := u.Port()
	tests := []struct {
		name  string
		p     *Prober
		url   string
		allow bool
	}{
		{"loopback IP", NewProber(ProberOptions{}), srv.URL + "/ok.png", false},
		{"localhost name (after DNS)", NewProber(ProberOptions{}), "http://localhost:" + port + "/ok.png", false},
		{"IPv6 loopback", NewProber(ProberOptions{}), "http://[::1]:" + port + "/ok.png", false},
		{"redirect to a loopback address not allowed", NewProber(ProberOptions{Allow: allowServer(t, redirector)}), redirector.URL, false},
		{"the allowed test server", NewProber(ProberOptions{Allow: allowServer(t, srv)}), srv.URL + "/ok.png", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.p.Check(context.Background(), "url", KindImage, tt.url)
			if tt.allow {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var fe *schemas.FieldError
			if !errors.As(err, &fe) || (fe.Rule != "not a public address" && fe.Rule != "unreachable") {
				t.Fatalf("Check = %v, want a refusal of the address", err)
			}
			if fe.Rule == "unreachable" && !strings.Contains(fe.Detail, "not a public address") {
				t.Fatalf("Check = %v, want a refusal of the address", err)
			}
		})
	}
}

func TestPublicAddr(t *testing.T) {
	for s, want := range map[string]bool{
		"8.8.8.8": true, "2606:4700::1111": true,
		"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false, "169.254.169.254": false,
		"100.64.0.1": false, "0.0.0.0": false, "::1": false, "fe80::1": false, "fc00::1": false, "::ffff:127.0.0.1": false,
		"64:ff9b::a00:1": false, "224.0.0.1": false,
	} {
		if got := PublicAddr(netip.MustParseAddr(s)); got != want {
			t.Errorf("PublicAddr(%s) = %v, want %v", s, got, want)
		}
	}
}

var (
	timeZero  = time.Time{}
	farFuture = time.Now().Add(1000 * time.Hour)
)
