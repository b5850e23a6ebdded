package httpmw

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestGuard(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, "body: "+err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	tests := []struct {
		name       string
		opts       Options
		origin     string
		auth       string
		body       string
		chunked    bool
		want       int
		wantHeader string
	}{
		{name: "no origin, no token configured", want: 200},
		{name: "loopback origin", origin: "http://localhost:6274", want: 200},
		{name: "loopback ip origin", origin: "http://127.0.0.1:3000", want: 200},
		{name: "ipv6 loopback origin", origin: "http://[::1]:3000", want: 200},
		{name: "foreign origin", origin: "https://evil.example", want: 403},
		{name: "lookalike origin", origin: "http://localhost.evil.example", want: 403},
		{name: "null origin", origin: "null", want: 403},
		{name: "allow-listed origin", opts: Options{AllowedOrigins: []string{"https://app.example/"}}, origin: "https://app.example", want: 200},
		{name: "missing bearer", opts: Options{BearerToken: "s3cret"}, want: 401, wantHeader: `Bearer realm="threads-mcp"`},
		{name: "wrong bearer", opts: Options{BearerToken: "s3cret"}, auth: "Bearer nope", want: 401, wantHeader: `error="invalid_token"`},
		{name: "basic instead of bearer", opts: Options{BearerToken: "s3cret"}, auth: "Basic czNjcmV0", want: 401},
		{name: "right bearer", opts: Options{BearerToken: "s3cret"}, auth: "Bearer s3cret", want: 200},
		{name: "bearer scheme case-insensitive", opts: Options{BearerToken: "s3cret"}, auth: "bearer s3cret", want: 200},
		{name: "origin checked before auth", opts: Options{BearerToken: "s3cret"}, origin: "https://evil.example", auth: "Bearer s3cret", want: 403},
		{name: "body too large by length", opts: Options{MaxBody: 10}, body: strings.Repeat("x", 11), want: 413},
		{name: "body too large chunked", opts: Options{MaxBody: 10}, body: strings.Repeat("x", 50), chunked: true, want: 413},
		{name: "body within limit", opts: Options{MaxBody: 10}, body: "0123456789", want: 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(tc.body)
			if tc.chunked {
				body = io.MultiReader(strings.NewReader(tc.body)) // unknown length
			}
			r := httptest.NewRequest(http.MethodPost, "/mcp", body)
			if tc.chunked {
				r.ContentLength = -1
			}
			if tc.origin != "" {
				r.Header.Set("Origin", tc.origin)
			}
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			w := httptest.NewRecorder()
			Guard(ok, tc.opts).ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d (%s)", w.Code, tc.want, w.Body.String())
			}
			if tc.wantHeader != "" && !strings.Contains(w.Header().Get("WWW-Authenticate"), tc.wantHeader) {
				t.Errorf("WWW-Authenticate = %q, want it to contain %q", w.Header().Get("WWW-Authenticate"), tc.wantHeader)
			}
			if strings.Contains(w.Body.String(), "s3cret") || strings.Contains(w.Header().Get("WWW-Authenticate"), "s3cret") {
				t.Errorf("response echoes the bearer token")
			}
		})
	}
}

func TestGuardHost(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	loopback := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}
	public := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 10), Port: 8080}
	proxied := []string{"mcp.example.com", "api.example.org:8443", "[2001:db8::1]"}
	tests := []struct {
		name  string
		local net.Addr // the connection's local address
		hosts []string
		host  string
		want  int
	}{
		{"loopback name on loopback", loopback, nil, "127.0.0.1:8080", 200},
		{"localhost on loopback", loopback, nil, "localhost:8080", 200},
		{"foreign name on loopback (DNS rebinding)", loopback, nil, "evil.example", 403},
		{"proxied name without the list", loopback, nil, "mcp.example.com", 403},
		{"proxied name on the list", loopback, proxied, "mcp.example.com", 200},
		{"proxied name with a port", loopback, proxied, "mcp.example.com:443", 200},
		{"proxied name, other case, trailing dot", loopback, proxied, "MCP.Example.COM.", 200},
		{"port-bound entry, its port", loopback, proxied, "api.example.org:8443", 200},
		{"port-bound entry, another port", loopback, proxied, "api.example.org:9000", 403},
		{"port-bound entry, no port", loopback, proxied, "api.example.org", 403},
		{"ipv6 entry", loopback, proxied, "[2001:db8::1]:8080", 200},
		{"lookalike of a listed name", loopback, proxied, "mcp.example.com.evil.example", 403},
		{"loopback name with a list", loopback, proxied, "localhost:8080", 200},
		{"any name off loopback without a list", public, nil, "whatever.example", 200},
		{"unlisted name off loopback with a list", public, proxied, "evil.example", 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/mcp", nil)
			r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, tc.local))
			r.Host = tc.host
			w := httptest.NewRecorder()
			Guard(ok, Options{AllowedHosts: tc.hosts}).ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d (%s)", w.Code, tc.want, w.Body.String())
			}
			if tc.want == 403 && !strings.Contains(w.Body.String(), "--allowed-hosts") {
				t.Errorf("the refusal does not say how to allow the host: %s", w.Body.String())
			}
		})
	}
}

func TestIsLoopbackAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:8080": true, "[::1]:8080": true, "127.1.2.3:1": true,
		":8080": false, "0.0.0.0:8080": false, "[::]:8080": false, "192.168.1.2:8080": false, "example.com:80": false,
	} {
		if got := IsLoopbackAddr(addr); got != want {
			t.Errorf("IsLoopbackAddr(%q) = %v, want %v", addr, got, want)
		}
	}
}
