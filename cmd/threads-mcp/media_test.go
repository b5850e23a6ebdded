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

// TestE2EStdioLocalMedia publishes a local PNG through the built binary in
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
	res = call(map[string]any{"type": "image", "path": key})
	tc, _ := res.Content[0].(mcp.TextContent)
	if !res.IsError || !strings.Contains(tc.Text, "not an image or video") || strings.Contains(tc.Text, "b3BlbnNzaC1rZXk") {
		t.Errorf("a key file named .png: %v", res.Content)
	}
}
