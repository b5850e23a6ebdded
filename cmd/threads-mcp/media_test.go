package main

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// writeMP4 writes a small fast-start H.264 MP4 (720×1280, 30 fps, 1 s) into
// dir: the boxes Meta's rules read, and a stub of media data.
func writeMP4(t *testing.T, dir string) string {
	t.Helper()
	be := func(v uint32) []byte { return []byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)} }
	box := func(typ string, parts ...[]byte) []byte {
		body := bytes.Join(parts, nil)
		return append(append(be(uint32(8+len(body))), typ...), body...)
	}
	zero := func(n int) []byte { return make([]byte, n) }
	file := bytes.Join([][]byte{
		box("ftyp", []byte("isom"), be(512), []byte("isomavc1")),
		box("moov",
			box("mvhd", be(0), be(0), be(0), be(1000), be(1000), zero(80)),
			box("trak",
				box("tkhd", be(3), zero(20), zero(8), zero(8), zero(36), be(720<<16), be(1280<<16)),
				box("mdia",
					box("mdhd", be(0), be(0), be(0), be(30000), be(30000), be(0)),
					box("hdlr", be(0), be(0), []byte("vide"), zero(12), []byte("v\x00")),
					box("minf", box("stbl", box("stsd", be(0), be(1), box("avc1", zero(78))), box("stts", be(0), be(1), be(30), be(1000))))))),
		box("mdat", zero(2048)),
	}, nil)
	p := filepath.Join(dir, "clip.mp4")
	if err := os.WriteFile(p, file, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestE2EStdioLocalMedia publishes a local PNG and a local MP4 through the built binary in
// sandbox mode (stdio): the file is staged on the emulator's media host,
// pre-flighted, downloaded by the emulator and deleted after publishing;
// a key file renamed .png is refused.
func TestE2EStdioLocalMedia(t *testing.T) {
	root := t.TempDir()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 900, 600))); err != nil {
		t.Fatal(err)
	}
	chart := filepath.Join(root, "chart.png")
	if err := os.WriteFile(chart, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(root, "id_ed25519.png")
	if err := os.WriteFile(key, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stderr := &syncBuffer{}
	tr := transport.NewStdioWithOptions(binary, append(sandboxEnv(t), "THREADS_MCP_MEDIA_ROOT="+root), nil, transport.WithCommandStderrWriter(stderr))
	if err := tr.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	c := mcpclient.NewClient(tr)
	t.Cleanup(func() { c.Close() })
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	initialize(t, c)
	call := func(args map[string]any) *mcp.CallToolResult {
		req := mcp.CallToolRequest{}
		req.Params.Name = "publish_media"
		req.Params.Arguments = args
		res, err := c.CallTool(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := call(map[string]any{"type": "image", "path": chart, "text": "chart of the week"})
	if res.IsError {
		t.Fatalf("publish_media: %v\n%s", res.Content, stderr.String())
	}
	m := regexp.MustCompile(`emulator=(http://\S+)/v1\.0`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("no emulator URL on stderr:\n%s", stderr.String())
	}
	resp, err := http.Get(m[1] + "/_emulator/downloads")
	if err != nil {
		t.Fatal(err)
	}
	var downloads struct {
		Data []struct {
			URL    string
			Status int
			Bytes  int64
			Error  string
		}
	}
	err = json.NewDecoder(resp.Body).Decode(&downloads)
	resp.Body.Close()
	if err != nil || len(downloads.Data) != 1 {
		t.Fatalf("downloads = %+v, %v", downloads, err)
	}
	d := downloads.Data[0]
	if d.Status != 200 || d.Bytes != int64(b.Len()) || d.Error != "" || !strings.HasPrefix(d.URL, m[1]+"/media/") {
		t.Errorf("the emulator's download: %+v (file: %d bytes)", d, b.Len())
	}
	if resp, err := http.Get(d.URL); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("staged file still served after publishing: %v %v", resp.Status, err)
	}
	res = call(map[string]any{"type": "video", "path": writeMP4(t, root), "text": "and a clip"})
	if res.IsError {
		t.Fatalf("publish_media video: %v", res.Content)
	}
	res = call(map[string]any{"type": "image", "path": key})
	tc, _ := res.Content[0].(mcp.TextContent)
	if !res.IsError || !strings.Contains(tc.Text, "not an image or video") || strings.Contains(tc.Text, "b3BlbnNzaC1rZXk") {
		t.Errorf("a key file named .png: %v", res.Content)
	}
}
