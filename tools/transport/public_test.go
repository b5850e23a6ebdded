package transport

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/server"
)

// TestPublicRoutes: a public route is served without the bearer and
// without the MCP body limit, still behind the Host check; the MCP
// endpoint keeps its bearer.
func TestPublicRoutes(t *testing.T) {
	srv := server.NewMCPServer("t", "1")
	hook := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		_, _ = io.WriteString(w, "public "+r.Method+" "+strings.Repeat("x", int(min(n, 1))))
	})
	h, shutdown := NewHandler(srv, HTTPOptions{Kind: KindHTTP, BearerToken: strings.Repeat("s", 40), MaxBody: 10,
		Public: []Route{{Pattern: "/webhooks/threads", Handler: hook}}})
	defer func() { _ = shutdown(t.Context()) }()
	ts := httptest.NewServer(h)
	defer ts.Close()
	tests := []struct {
		name, method, path, host, origin, body string
		want                                   int
	}{
		{"public GET without bearer", "GET", "/webhooks/threads", "", "", "", 200},
		{"public POST over the MCP body limit", "POST", "/webhooks/threads", "", "", strings.Repeat("b", 100), 200},
		{"public route from a foreign Origin", "POST", "/webhooks/threads", "", "https://evil.example", "{}", 200},
		{"public route with a foreign Host", "GET", "/webhooks/threads", "evil.example", "", "", 403},
		{"MCP endpoint still needs the bearer", "POST", "/mcp", "", "", "{}", 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tc.method, ts.URL+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.host != "" {
				req.Host = tc.host
			}
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.want {
				b, _ := io.ReadAll(resp.Body)
				t.Fatalf("%s %s: status %d (%s), want %d", tc.method, tc.path, resp.StatusCode, b, tc.want)
			}
		})
	}
}
