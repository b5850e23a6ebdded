package main

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestWorkerReceivesWebhooks: `threads-mcp worker --transport http`
// answers Meta's webhook handshake and refuses an unsigned delivery on its
// listener, and serves no MCP endpoint there.
func TestWorkerReceivesWebhooks(t *testing.T) {
	stderr := &syncBuffer{}
	cmd := exec.Command(binary, "worker", "--sandbox", "--transport", "http", "--listen", "127.0.0.1:0")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "THREADS_MCP_STATE_DIR=" + t.TempDir(),
		"THREADS_MCP_WEBHOOK_VERIFY_TOKEN=verify-me", "THREADS_MCP_WEBHOOK_SECRETS=app-secret"}, fastSandboxEnv...)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == ""; time.Sleep(20 * time.Millisecond) {
		if m := loggedURL.FindStringSubmatch(stderr.String()); m != nil {
			base = strings.TrimSuffix(m[1], "/webhooks/threads")
		} else if time.Now().After(deadline) {
			t.Fatalf("the worker did not log its webhook URL:\n%s", stderr)
		}
	}
	tests := []struct {
		name, method, path, body string
		want                     int
		wantBody                 string
	}{
		{"handshake", "GET", "/webhooks/threads?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=4711", "", 200, "4711"},
		{"wrong verify token", "GET", "/webhooks/threads?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=4711", "", 403, ""},
		{"unsigned delivery", "POST", "/webhooks/threads", `{"object":"threads","entry":[]}`, 403, ""},
		{"no MCP endpoint", "POST", "/mcp", `{"jsonrpc":"2.0","id":1,"method":"ping"}`, 404, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tc.method, base+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.want || (tc.wantBody != "" && strings.TrimSpace(string(b)) != tc.wantBody) {
				t.Fatalf("%s %s: %d %q, want %d %q", tc.method, tc.path, resp.StatusCode, b, tc.want, tc.wantBody)
			}
		})
	}
}
