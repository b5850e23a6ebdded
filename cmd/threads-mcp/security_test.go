package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/threads-mcp/threads-mcp/cmd/internal/config"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	srvtransport "github.com/threads-mcp/threads-mcp/tools/transport"
)

// proc is a running threads-mcp binary with its captured output.
type proc struct {
	url            string // the URL it logged ("" for stdio)
	stdout, stderr *syncBuffer
}

var loggedURL = regexp.MustCompile(`url=(http://\S+)`)

// startBinary runs the binary with args and env, waits until it logs its
// URL and stops it with SIGINT when the test ends.
func startBinary(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	cmd := exec.Command(binary, args...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server exit after SIGINT: %v\n%s", err, p.stderr)
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("server did not stop on SIGINT")
		}
	})
	deadline := time.After(20 * time.Second)
	for {
		if m := loggedURL.FindStringSubmatch(p.stderr.String()); m != nil {
			p.url = m[1]
			return p
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("server exited before serving: %v\n%s", err, p.stderr)
		case <-deadline:
			t.Fatalf("server did not log its URL:\n%s", p.stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// loopbackURL rewrites a logged wildcard URL (0.0.0.0, [::]) to 127.0.0.1.
func loopbackURL(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = net.JoinHostPort("127.0.0.1", u.Port())
	return u.String()
}

// initFrame is an initialize request with a padded client name.
func initFrame(pad int) string {
	return `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},` +
		`"clientInfo":{"name":"raw` + strings.Repeat("x", pad) + `","version":"0"}}}`
}

// do sends one raw HTTP request and returns the response with its body read.
func do(t *testing.T, method, u string, body io.Reader, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range hdr {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// openSSE opens the SSE stream and returns the message endpoint it announces
// (or the response status when it is not 200) and a function closing it.
func openSSE(t *testing.T, sseURL string, hdr map[string]string) (status int, endpoint string, closeFn func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, sseURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	closeFn = func() { cancel(); res.Body.Close() }
	if res.StatusCode != http.StatusOK {
		closeFn()
		return res.StatusCode, "", func() {}
	}
	sc := bufio.NewScanner(res.Body)
	timer := time.AfterFunc(10*time.Second, cancel)
	defer timer.Stop()
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			ref, err := url.Parse(data)
			if err != nil {
				t.Fatalf("endpoint %q: %v", data, err)
			}
			base, _ := url.Parse(sseURL)
			return res.StatusCode, base.ResolveReference(ref).String(), closeFn
		}
	}
	closeFn()
	t.Fatalf("no endpoint event on %s: %v", sseURL, sc.Err())
	return 0, "", nil
}

// testHTTPToken is a bearer token strong enough for the server to accept.
const testHTTPToken = "7f3c9a1e5b2d8f4067a9c3e1b5d7f20a"

func bearerHdr(tok string) map[string]string {
	if tok == "" {
		return nil
	}
	return map[string]string{"Authorization": "Bearer " + tok}
}

func TestHTTPListenAddress(t *testing.T) {
	t.Run("default is loopback", func(t *testing.T) {
		for _, tr := range []string{"http", "sse"} {
			c, _, err := config.Parse("serve", []string{"--transport", tr, "--sandbox"}, io.Discard, func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			host, _, err := net.SplitHostPort(c.Listen)
			if err != nil || host != "127.0.0.1" {
				t.Errorf("%s: default listen %q, want 127.0.0.1:PORT", tr, c.Listen)
			}
		}
		p := startBinary(t, sandboxEnv(t), "--transport", "http", "--listen", "127.0.0.1:0")
		if !strings.HasPrefix(p.url, "http://127.0.0.1:") {
			t.Errorf("logged URL %s is not on 127.0.0.1", p.url)
		}
	})
	refusals := []struct {
		name string
		args []string
		env  []string
	}{
		{"http on 0.0.0.0", []string{"--transport", "http", "--listen", "0.0.0.0:0"}, nil},
		{"sse on 0.0.0.0", []string{"--transport", "sse", "--listen", "0.0.0.0:0"}, nil},
		{"empty host", []string{"--transport", "http", "--listen", ":0"}, nil},
		{"from the environment", nil, []string{"THREADS_MCP_TRANSPORT=http", "THREADS_MCP_LISTEN=0.0.0.0:0"}},
	}
	for _, tc := range refusals {
		t.Run("refuses "+tc.name+" without a token", func(t *testing.T) {
			cmd := exec.Command(binary, tc.args...)
			cmd.Env = append(sandboxEnv(t), tc.env...)
			var errb bytes.Buffer
			cmd.Stderr = &errb
			done := make(chan error, 1)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			go func() { done <- cmd.Wait() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(15 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("the server started off loopback without a token")
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitUsage {
				t.Fatalf("exit %v, want %d\n%s", err, exitUsage, errb.String())
			}
			for _, w := range []string{"--http-token", "THREADS_MCP_HTTP_TOKEN"} {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("message lacks %q: %s", w, errb.String())
				}
			}
		})
	}
	weak := []struct{ name, tok, want string }{
		{"blank", "   ", "blank"},
		{"short", "s3cret-http-token", "17 bytes"},
		{"repetitive", strings.Repeat("a", 40), "repetitive"},
	}
	for _, w := range weak {
		t.Run("refuses a "+w.name+" token", func(t *testing.T) {
			cmd := exec.Command(binary, "--transport", "http", "--listen", "0.0.0.0:0")
			cmd.Env = append(sandboxEnv(t), "THREADS_MCP_HTTP_TOKEN="+w.tok)
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(15 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("the server started with a weak token")
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitUsage {
				t.Fatalf("exit %v, want %d\n%s", err, exitUsage, errb.String())
			}
			for _, s := range []string{w.want, "openssl rand -hex 32", "THREADS_MCP_HTTP_TOKEN"} {
				if !strings.Contains(errb.String(), s) {
					t.Errorf("message lacks %q: %s", s, errb.String())
				}
			}
		})
	}
	t.Run("refuses --allowed-hosts without a token", func(t *testing.T) {
		_, _, err := config.Parse("serve", []string{"--transport", "http", "--allowed-hosts", "mcp.example.com"}, io.Discard, func(string) string { return "" })
		if err == nil || !strings.Contains(err.Error(), "--http-token") {
			t.Errorf("config.Parse: %v, want a refusal naming --http-token", err)
		}
	})
	t.Run("starts off loopback with a token", func(t *testing.T) {
		for _, tr := range []string{"http", "sse"} {
			env := append(sandboxEnv(t), "THREADS_MCP_HTTP_TOKEN="+testHTTPToken)
			p := startBinary(t, env, "--transport", tr, "--listen", "0.0.0.0:0")
			u := loopbackURL(t, p.url)
			if tr == "sse" {
				st, _, closeFn := openSSE(t, u, bearerHdr(testHTTPToken))
				closeFn()
				if st != http.StatusOK {
					t.Errorf("sse with token: %d", st)
				}
				continue
			}
			if res, body := do(t, http.MethodPost, u, strings.NewReader(initFrame(0)), bearerHdr(testHTTPToken)); res.StatusCode != http.StatusOK {
				t.Errorf("http with token: %d %s", res.StatusCode, body)
			}
			if res, _ := do(t, http.MethodPost, u, strings.NewReader(initFrame(0)), nil); res.StatusCode != http.StatusUnauthorized {
				t.Errorf("http without token: %d, want 401", res.StatusCode)
			}
		}
	})
}

func TestHTTPBearerAuth(t *testing.T) {
	const tok = "correct-horse-battery-staple-2f9c41d7"
	env := append(sandboxEnv(t), "THREADS_MCP_HTTP_TOKEN="+tok)
	mcpURL := startBinary(t, env, "--transport", "http", "--listen", "127.0.0.1:0").url
	sseURL := startBinary(t, env, "--transport", "sse", "--listen", "127.0.0.1:0").url

	// The message endpoint of an SSE session opened with the right token.
	_, msgURL, closeSSE := openSSE(t, sseURL, bearerHdr(tok))
	defer closeSSE()

	cases := []struct {
		name       string
		tok        string
		wantStatus int
	}{
		{"missing", "", http.StatusUnauthorized},
		{"wrong", "not-the-token", http.StatusUnauthorized},
		{"prefix of the right one", tok[:10], http.StatusUnauthorized},
		{"right", tok, 0}, // 200 for /mcp and /sse, 202 for /message
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			check := func(endpoint string, status int, hdr http.Header, want int) {
				t.Helper()
				if status != want {
					t.Errorf("%s: status %d, want %d", endpoint, status, want)
				}
				if want == http.StatusUnauthorized && !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer ") {
					t.Errorf("%s: WWW-Authenticate %q, want a Bearer challenge", endpoint, hdr.Get("WWW-Authenticate"))
				}
			}
			want := func(ok int) int {
				if tc.wantStatus != 0 {
					return tc.wantStatus
				}
				return ok
			}
			res, _ := do(t, http.MethodPost, mcpURL, strings.NewReader(initFrame(0)), bearerHdr(tc.tok))
			check("/mcp", res.StatusCode, res.Header, want(http.StatusOK))

			res, _ = do(t, http.MethodPost, msgURL, strings.NewReader(initFrame(0)), bearerHdr(tc.tok))
			check("/message", res.StatusCode, res.Header, want(http.StatusAccepted))

			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, sseURL, nil)
			if tc.tok != "" {
				req.Header.Set("Authorization", "Bearer "+tc.tok)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			check("/sse", res.StatusCode, res.Header, want(http.StatusOK))
		})
	}

	t.Run("mcp-go clients", func(t *testing.T) {
		newHTTP := func(hdr map[string]string) (*mcpclient.Client, error) {
			return mcpclient.NewStreamableHttpClient(mcpURL, transport.WithHTTPHeaders(hdr))
		}
		newSSE := func(hdr map[string]string) (*mcpclient.Client, error) {
			return mcpclient.NewSSEMCPClient(sseURL, mcpclient.WithHeaders(hdr))
		}
		for _, c := range []struct {
			name string
			new  func(map[string]string) (*mcpclient.Client, error)
		}{{"streamable http", newHTTP}, {"sse", newSSE}} {
			t.Run(c.name, func(t *testing.T) {
				for _, hdr := range []map[string]string{bearerHdr(tok), bearerHdr("wrong"), {}} {
					ok := hdr["Authorization"] == "Bearer "+tok
					err := mcpSession(t, c.new, hdr)
					if ok && err != nil {
						t.Errorf("with the token: %v", err)
					}
					if !ok && err == nil {
						t.Errorf("headers %v: session worked without the token", hdr)
					}
				}
			})
		}
	})
}

// mcpSession starts a client, initializes and calls get_publishing_limit.
func mcpSession(t *testing.T, newClient func(map[string]string) (*mcpclient.Client, error), hdr map[string]string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	c, err := newClient(hdr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Start(ctx); err != nil {
		return err
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "security", Version: "0"}
	if _, err := c.Initialize(ctx, init); err != nil {
		return err
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = "get_publishing_limit"
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return err
	}
	if res.IsError {
		return fmt.Errorf("get_publishing_limit: %v", res.Content)
	}
	return nil
}

func TestHTTPOriginAllowList(t *testing.T) {
	env := append(sandboxEnv(t), "THREADS_MCP_ALLOWED_ORIGINS=https://app.example.com, https://other.example.org")
	mcpURL := startBinary(t, env, "--transport", "http", "--listen", "127.0.0.1:0").url
	sseURL := startBinary(t, env, "--transport", "sse", "--listen", "127.0.0.1:0").url
	_, msgURL, closeSSE := openSSE(t, sseURL, nil)
	defer closeSSE()

	cases := []struct {
		origin string
		ok     bool
	}{
		{"", true}, // non-browser clients send none
		{"http://localhost:6274", true},
		{"http://127.0.0.1:3000", true},
		{"http://[::1]:8080", true},
		{"https://localhost", true},
		{"https://app.example.com", true},
		{"https://other.example.org", true},
		{"https://evil.example", false},
		{"https://app.example.com.evil.example", false},
		{"http://app.example.com", false}, // scheme matters
		{"http://localhost.evil.example", false},
		{"http://127.0.0.1.nip.io", false},
		{"null", false},
		{"file://", false},
	}
	for _, tc := range cases {
		t.Run("origin="+tc.origin, func(t *testing.T) {
			hdr := map[string]string{}
			if tc.origin != "" {
				hdr["Origin"] = tc.origin
			}
			want := map[string]int{"/mcp": http.StatusOK, "/message": http.StatusAccepted, "/sse": http.StatusOK}
			if !tc.ok {
				want = map[string]int{"/mcp": http.StatusForbidden, "/message": http.StatusForbidden, "/sse": http.StatusForbidden}
			}
			res, body := do(t, http.MethodPost, mcpURL, strings.NewReader(initFrame(0)), hdr)
			if res.StatusCode != want["/mcp"] {
				t.Errorf("/mcp: %d %s, want %d", res.StatusCode, body, want["/mcp"])
			}
			res, body = do(t, http.MethodPost, msgURL, strings.NewReader(initFrame(0)), hdr)
			if res.StatusCode != want["/message"] {
				t.Errorf("/message: %d %s, want %d", res.StatusCode, body, want["/message"])
			}
			st, _, closeFn := openSSE(t, sseURL, hdr)
			closeFn()
			if st != want["/sse"] {
				t.Errorf("/sse: %d, want %d", st, want["/sse"])
			}
		})
	}
}

// TestHTTPAllowedHosts runs the binary behind a real reverse proxy that
// forwards Host: mcp.example.com (as Caddy and Traefik do by default):
// refused without --allowed-hosts, served with the flag or the variable.
func TestHTTPAllowedHosts(t *testing.T) {
	const host = "mcp.example.com"
	cases := []struct {
		name string
		args []string
		env  []string
		want int
	}{
		{"not allowed", nil, nil, http.StatusForbidden},
		{"flag", []string{"--allowed-hosts", "other.example.org," + host}, nil, http.StatusOK},
		{"environment", nil, []string{"THREADS_MCP_ALLOWED_HOSTS=" + host}, http.StatusOK},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--transport", "http", "--listen", "127.0.0.1:0"}, tc.args...)
			env := append(sandboxEnv(t), "THREADS_MCP_HTTP_TOKEN="+testHTTPToken)
			p := startBinary(t, append(env, tc.env...), args...)
			backend, err := url.Parse(p.url)
			if err != nil {
				t.Fatal(err)
			}
			proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
				r.SetURL(&url.URL{Scheme: "http", Host: backend.Host})
				r.Out.Host = r.In.Host // keep the client's Host
			}})
			defer proxy.Close()
			hdr := map[string]string{"Host": host, "Authorization": "Bearer " + testHTTPToken}
			res, body := do(t, http.MethodPost, proxy.URL+"/mcp", strings.NewReader(initFrame(0)), hdr)
			if res.StatusCode != tc.want {
				t.Fatalf("Host %s through the proxy: %d %s, want %d", host, res.StatusCode, body, tc.want)
			}
			if tc.want == http.StatusForbidden && !strings.Contains(body, "--allowed-hosts") {
				t.Errorf("the 403 does not say how to allow the host: %s", body)
			}
			hdr["Host"] = "evil.example"
			if res, body := do(t, http.MethodPost, proxy.URL+"/mcp", strings.NewReader(initFrame(0)), hdr); res.StatusCode != http.StatusForbidden {
				t.Errorf("Host evil.example: %d %s, want 403", res.StatusCode, body)
			}
		})
	}
}

// chunked hides a reader's length so the request is sent chunked.
type chunked struct{ io.Reader }

func TestHTTPBodyLimit(t *testing.T) {
	mcpURL := startBinary(t, sandboxEnv(t), "--transport", "http", "--listen", "127.0.0.1:0").url
	sseURL := startBinary(t, sandboxEnv(t), "--transport", "sse", "--listen", "127.0.0.1:0").url
	_, msgURL, closeSSE := openSSE(t, sseURL, nil)
	defer closeSSE()

	big := initFrame(2 << 20)    // 2 MiB: over the 1 MiB limit
	fits := initFrame(512 << 10) // 512 KiB: a large but acceptable request
	cases := []struct {
		name string
		body func() io.Reader
		want map[string]int
	}{
		{"oversized with Content-Length", func() io.Reader { return strings.NewReader(big) },
			map[string]int{"/mcp": 413, "/message": 413}},
		{"oversized chunked", func() io.Reader { return chunked{strings.NewReader(big)} },
			map[string]int{"/mcp": 413, "/message": 413}},
		{"under the limit", func() io.Reader { return strings.NewReader(fits) },
			map[string]int{"/mcp": 200, "/message": 202}},
		{"under the limit, chunked", func() io.Reader { return chunked{strings.NewReader(fits)} },
			map[string]int{"/mcp": 200, "/message": 202}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, ep := range []struct{ name, url string }{{"/mcp", mcpURL}, {"/message", msgURL}} {
				res, body := do(t, http.MethodPost, ep.url, tc.body(), nil)
				if res.StatusCode != tc.want[ep.name] {
					t.Errorf("%s: status %d, want %d: %.200s", ep.name, res.StatusCode, tc.want[ep.name], body)
				}
			}
		})
	}
	// The server is still up and serving.
	if res, body := do(t, http.MethodPost, mcpURL, strings.NewReader(initFrame(0)), nil); res.StatusCode != http.StatusOK {
		t.Errorf("after the oversized requests: %d %s", res.StatusCode, body)
	}
}

// testConfig is the configuration of a sandboxed server on transport tr,
// parsed like the binary's (so every default is set), with its own state.
func testConfig(t *testing.T, tr string) *config.Config {
	t.Helper()
	env := map[string]string{"THREADS_MCP_STATE_DIR": t.TempDir(), "THREADS_MCP_LOG_LEVEL": "error"}
	c, _, err := config.Parse("serve", []string{"--transport", tr, "--sandbox", "--listen", "127.0.0.1:0"}, io.Discard, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startInProcess serves the sandboxed app with transport.ServeHTTP and the
// binary's options (timeouts included) on a loopback port.
func startInProcess(t *testing.T, c *config.Config) string {
	t.Helper()
	logger, err := config.NewLogger(io.Discard, c.LogLevel)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := build(ctx, c, logger)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srvtransport.ServeHTTP(ctx, a.mcp, ln, c.HTTPOptions(a.inflight, slog.New(a.logger))) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("srvtransport.ServeHTTP: %v", err)
		}
		a.close()
	})
	return "http://" + ln.Addr().String()
}

func TestHTTPTimeouts(t *testing.T) {
	const short = 300 * time.Millisecond
	for _, tr := range []string{"http", "sse"} {
		c := testConfig(t, tr)
		c.ReadHeaderTimeout, c.IdleTimeout = short, short
		base := startInProcess(t, c)
		addr := strings.TrimPrefix(base, "http://")
		t.Run(tr+"/slowloris is cut off", func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			// Headers that never end: one more header line now and then.
			if _, err := io.WriteString(conn, "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"); err != nil {
				t.Fatal(err)
			}
			_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
			stop := make(chan struct{})
			defer close(stop)
			go func() {
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					case <-time.After(100 * time.Millisecond):
						if _, err := fmt.Fprintf(conn, "X-Drip-%d: 1\r\n", i); err != nil {
							return
						}
					}
				}
			}()
			_, err = io.ReadAll(conn)
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("the connection was still open after %v", time.Since(start))
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("cut off after %v", d)
			}
		})
		t.Run(tr+"/idle keep-alive connection is closed", func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			path := "/mcp"
			body := initFrame(0)
			if tr == "sse" {
				path = "/message" // without a session: a quick 400
			}
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"+
				"Accept: application/json, text/event-stream\r\nContent-Length: %d\r\n\r\n%s", path, len(body), body)
			_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
			br := bufio.NewReader(conn)
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.Close {
				t.Fatalf("the server closed the connection after one request (status %d)", res.StatusCode)
			}
			start := time.Now()
			_, err = io.ReadAll(br)
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatalf("the idle connection was still open after %v", time.Since(start))
			}
		})
	}
	t.Run("sse stream outlives the timeouts", func(t *testing.T) {
		c := testConfig(t, "sse")
		c.ReadHeaderTimeout, c.IdleTimeout = short, short
		base := startInProcess(t, c)
		st, msgURL, closeFn := openSSE(t, base+"/sse", nil)
		defer closeFn()
		if st != http.StatusOK {
			t.Fatalf("sse: %d", st)
		}
		time.Sleep(3 * short)
		if res, body := do(t, http.MethodPost, msgURL, strings.NewReader(initFrame(0)), nil); res.StatusCode != http.StatusAccepted {
			t.Errorf("message after %v: %d %s", 3*short, res.StatusCode, body)
		}
	})
}

// recorder is an http.RoundTripper keeping every response (headers and
// body) an HTTP client saw.
type recorder struct {
	next http.RoundTripper
	buf  syncBuffer
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	var h bytes.Buffer
	_ = res.Header.Write(&h)
	_, _ = r.buf.Write(h.Bytes())
	res.Body = struct {
		io.Reader
		io.Closer
	}{io.TeeReader(res.Body, &r.buf), res.Body}
	return res, nil
}

// clientHTTPToken is the HTTP bearer token of TestThreadsTokenNeverCrossesHTTP.
const clientHTTPToken = "CLIENT-HTTP-TOKEN-5e0b7c2a9d4f1836"

// TestThreadsTokenNeverCrossesHTTP runs the binary live against an emulator
// whose tokens carry a sentinel prefix, drives a full session over both HTTP
// transports with client-supplied credentials everywhere, and checks that the
// emulator only ever saw the server's own token and that the sentinel never
// reached a client, stdout or stderr.
func TestThreadsTokenNeverCrossesHTTP(t *testing.T) {
	const sentinel = "SENTINELTOKEN"
	clientSecrets := []string{clientHTTPToken, "CLIENT-QUERY-TOKEN", "CLIENT-ARG-TOKEN", "CLIENT-META-TOKEN", "CLIENT-OTHER-BEARER"}
	liveEnv := func(t *testing.T, emu *emulator.Server, extra ...string) []string {
		return append([]string{
			"PATH=" + os.Getenv("PATH"),
			"HOME=" + t.TempDir(),
			"THREADS_MCP_STATE_DIR=" + t.TempDir(),
			"THREADS_MCP_LOG_LEVEL=debug",
			"THREADS_API_BASE_URL=" + emu.BaseURL(),
			"THREADS_ACCESS_TOKEN=" + emu.DemoToken(),
			"THREADS_MCP_MEDIA_PREFLIGHT=staged", // the made-up media URLs cannot be fetched
		}, extra...)
	}
	cases := []struct {
		transport string
		httpToken string // the server's --http-token; the client sends it
		bearer    string // what the client sends as its bearer
	}{
		{"http", clientHTTPToken, clientHTTPToken},
		{"http", "", "CLIENT-OTHER-BEARER"},
		{"sse", clientHTTPToken, clientHTTPToken},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/http-token=%v", tc.transport, tc.httpToken != ""), func(t *testing.T) {
			emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel))
			defer emu.Close()
			serverToken := emu.DemoToken()
			if !strings.HasPrefix(serverToken, sentinel) {
				t.Fatalf("demo token %q lacks the sentinel", serverToken)
			}
			var extra []string
			if tc.httpToken != "" {
				extra = append(extra, "THREADS_MCP_HTTP_TOKEN="+tc.httpToken)
			}
			p := startBinary(t, liveEnv(t, emu, extra...), "--transport", tc.transport, "--listen", "127.0.0.1:0")
			rec := &recorder{next: http.DefaultTransport.(*http.Transport).Clone()}
			hdr := map[string]string{"Authorization": "Bearer " + tc.bearer, "X-Access-Token": clientHTTPToken}
			u := p.url + "?access_token=CLIENT-QUERY-TOKEN"
			var c *mcpclient.Client
			var err error
			if tc.transport == "http" {
				c, err = mcpclient.NewStreamableHttpClient(u, transport.WithHTTPHeaders(hdr),
					transport.WithHTTPBasicClient(&http.Client{Transport: rec}))
			} else {
				c, err = mcpclient.NewSSEMCPClient(u, mcpclient.WithHeaders(hdr),
					transport.WithHTTPClient(&http.Client{Transport: rec}))
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			liveSession(t, c, emu)

			reqs := emu.Requests()
			if len(reqs) < 8 {
				t.Fatalf("only %d requests reached the emulator", len(reqs))
			}
			for _, r := range reqs {
				var creds []string
				if h := r.Header.Get("Authorization"); h != "" {
					creds = append(creds, strings.TrimPrefix(h, "Bearer "))
				}
				creds = append(creds, r.Query["access_token"]...)
				creds = append(creds, r.Form["access_token"]...)
				if len(creds) != 1 || creds[0] != serverToken {
					t.Errorf("%s %s carried credentials %q, want only the server's token", r.Method, r.Path, creds)
				}
				all := fmt.Sprint(r.Header, r.Query, r.Form)
				for _, s := range clientSecrets {
					if strings.Contains(all, s) {
						t.Errorf("%s %s carried the client's %s: %s", r.Method, r.Path, s, all)
					}
				}
			}
			c.Close()
			for name, out := range map[string]string{"HTTP responses": rec.buf.String(), "stdout": p.stdout.String(), "stderr": p.stderr.String()} {
				if strings.Contains(out, sentinel) {
					i := strings.Index(out, sentinel)
					ctx := strings.ReplaceAll(out[max(0, i-200):min(len(out), i+100)], serverToken, sentinel+"<redacted>")
					t.Errorf("the Threads token leaked into %s: …%s…", name, ctx)
				}
			}
			if !strings.Contains(p.stderr.String(), "level=DEBUG") && !strings.Contains(p.stderr.String(), "DEBU") {
				t.Errorf("no debug logging captured; the check is vacuous:\n%.500s", p.stderr.String())
			}
			if rec.buf.String() == "" {
				t.Error("no HTTP response recorded")
			}
		})
	}
}

// liveSession lists the tools and calls every one, successfully and with
// errors (bad input, Threads API errors, client credentials as arguments).
func liveSession(t *testing.T, c *mcpclient.Client, emu *emulator.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "sentinel", Version: "0"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil || len(list.Tools) != len(toolNames) {
		t.Fatalf("tools/list: %v (%d tools)", err, len(list.Tools))
	}
	call := func(name string, args map[string]any, wantError bool) map[string]any {
		t.Helper()
		req := mcp.CallToolRequest{}
		req.Params.Name = name
		req.Params.Arguments = args
		req.Params.Meta = &mcp.Meta{AdditionalFields: map[string]any{"access_token": "CLIENT-META-TOKEN"}}
		res, err := c.CallTool(ctx, req)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.IsError != wantError {
			t.Errorf("%s %v: isError=%v, want %v: %v", name, args, res.IsError, wantError, res.Content)
		}
		b, _ := json.Marshal(res.StructuredContent)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return m
	}
	post := call("publish_text", map[string]any{"text": "sentinel session " + time.Now().Format(time.RFC3339Nano)}, false)
	id, _ := post["id"].(string)
	if id == "" {
		t.Fatalf("publish_text returned no id: %v", post)
	}
	call("publish_carousel", map[string]any{"items": []any{
		map[string]any{"type": "image", "url": "https://cdn.example.com/a.jpg"},
		map[string]any{"type": "image", "url": "https://cdn.example.com/b.jpg"},
	}}, false)
	call("reply", map[string]any{"reply_to_id": id, "text": "sentinel reply"}, false)
	call("set_reply_control", map[string]any{"value": "everyone"}, false)
	call("get_insights", map[string]any{"post_id": id}, false)
	call("list_replies", map[string]any{"post_id": id}, false)
	call("list_accounts", map[string]any{}, false)
	call("get_publishing_limit", map[string]any{}, false)

	// Error cases: credentials as arguments, unknown ids, Threads API errors.
	call("publish_text", map[string]any{"text": "x", "access_token": "CLIENT-ARG-TOKEN"}, true)
	call("get_publishing_limit", map[string]any{"account": "CLIENT-ARG-TOKEN"}, true)
	call("get_insights", map[string]any{"post_id": "999999999999"}, true)
	call("list_replies", map[string]any{"post_id": "999999999999"}, true)
	emu.InjectError("", "/threads_insights", emulator.ErrorSpec{HTTPStatus: 500, Code: 2, Type: "OAuthException",
		Message: "An unexpected error has occurred. Please retry your request later."}, 100)
	call("get_insights", map[string]any{}, true)
	emu.InjectError("", "/threads_publishing_limit", emulator.ErrorSpec{HTTPStatus: 400, Code: 190, Type: "OAuthException",
		Message: "Error validating access token: Session has expired"}, 100)
	call("get_publishing_limit", map[string]any{}, true)
}

// TestStdioGarbage feeds the stdio transport malformed and hostile input;
// each request gets a JSON-RPC error (notifications none), the server stays
// up, a valid call afterwards succeeds and stdout stays pure JSON-RPC.
func TestStdioGarbage(t *testing.T) {
	const (
		parseError     = -32700
		invalidRequest = -32600
		methodNotFound = -32601
		invalidParams  = -32602
	)
	huge := strings.Repeat("A", 5<<20)
	cases := []struct {
		name  string
		frame string
		id    float64 // 0: no response expected under this id
		codes []int   // accepted error codes; nil: a result (isError allowed when toolError)
		// toolError: the answer may be a tool error result instead of a JSON-RPC error.
		toolError bool
		nullError bool // an error answer with id null is expected
	}{
		{name: "malformed JSON", frame: `{"jsonrpc":"2.0","id":10,"method":`, nullError: true},
		{name: "not JSON at all", frame: `hello, server`, nullError: true},
		{name: "binary junk", frame: "\x00\x01\x02\xff\xfe\xfd\x80garbage\x1b[31m", nullError: true},
		{name: "huge junk line (5 MB)", frame: huge, nullError: true},
		{name: "huge valid call (5 MB text)", id: 11, toolError: true, codes: []int{invalidParams, invalidRequest},
			frame: `{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"publish_text","arguments":{"text":"` + huge + `"}}}`},
		{name: "params not an object", id: 12, codes: []int{invalidParams, invalidRequest, parseError},
			frame: `{"jsonrpc":"2.0","id":12,"method":"tools/call","params":"publish_text"}`},
		{name: "tool name a number", id: 13, codes: []int{invalidParams, invalidRequest, parseError},
			frame: `{"jsonrpc":"2.0","id":13,"method":"tools/call","params":{"name":42}}`},
		{name: "arguments of the wrong type", id: 14, toolError: true, codes: []int{invalidParams},
			frame: `{"jsonrpc":"2.0","id":14,"method":"tools/call","params":{"name":"publish_text","arguments":{"text":123}}}`},
		{name: "arguments an array", id: 15, toolError: true, codes: []int{invalidParams, invalidRequest, parseError},
			frame: `{"jsonrpc":"2.0","id":15,"method":"tools/call","params":{"name":"get_insights","arguments":[1,2]}}`},
		{name: "unknown tool", id: 16, toolError: true, codes: []int{invalidParams, methodNotFound},
			frame: `{"jsonrpc":"2.0","id":16,"method":"tools/call","params":{"name":"delete_everything","arguments":{}}}`},
		{name: "unknown method", id: 17, codes: []int{methodNotFound},
			frame: `{"jsonrpc":"2.0","id":17,"method":"threads/steal_token"}`},
		{name: "no method", id: 18, codes: []int{invalidRequest, methodNotFound},
			frame: `{"jsonrpc":"2.0","id":18}`},
		{name: "wrong jsonrpc version", id: 19, codes: []int{invalidRequest},
			frame: `{"jsonrpc":"1.0","id":19,"method":"tools/list"}`},
		{name: "request without id (a notification)",
			frame: `{"jsonrpc":"2.0","method":"tools/list"}`},
		{name: "unknown notification",
			frame: `{"jsonrpc":"2.0","method":"notifications/bogus","params":{"x":1}}`},
		{name: "empty line", frame: ``, nullError: true},
		{name: "nested 20,000 levels (deeper than encoding/json parses)", id: 20, codes: []int{invalidRequest},
			frame: `{"jsonrpc":"2.0","id":20,"method":"ping","params":{"x":` + strings.Repeat("[", 20_000) + strings.Repeat("]", 20_000) + `}}`},
		{name: "object id", frame: `{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}`, nullError: true},
		{name: "boolean id", frame: `{"jsonrpc":"2.0","id":true,"method":"tools/list"}`, nullError: true},
	}
	cmd := exec.Command(binary)
	cmd.Env = sandboxEnv(t)
	var stdout bytes.Buffer
	stderr := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	write := func(frame string) {
		if _, err := io.WriteString(in, frame+"\n"); err != nil {
			t.Fatalf("write: %v\n%s", err, stderr)
		}
	}
	write(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"garbage","version":"0"}}}`)
	write(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	for _, tc := range cases {
		write(tc.frame)
	}
	// The server is still up: a valid call afterwards succeeds.
	write(`{"jsonrpc":"2.0","id":99,"method":"tools/call","params":{"name":"get_publishing_limit","arguments":{}}}`)
	write(`{"jsonrpc":"2.0","id":100,"method":"ping"}`)
	in.Close()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, stderr)
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("server did not exit after stdin closed\n%s", stderr)
	}

	type rpcError struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	type message struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Result  *struct {
			IsError bool `json:"isError"`
		} `json:"result"`
		Error *rpcError `json:"error"`
	}
	byID := map[string]message{}
	lines := map[string]string{}
	nullErrors := 0
	for _, line := range strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n") {
		var m message
		if err := json.Unmarshal([]byte(line), &m); err != nil || m.JSONRPC != "2.0" {
			t.Fatalf("stdout line is not JSON-RPC 2.0: %.300q", line)
		}
		if (m.Result == nil) == (m.Error == nil) {
			t.Errorf("not a response with exactly one of result and error: %.300s", line)
		}
		id := string(m.ID)
		if id == "" || id == "null" {
			if m.Error == nil {
				t.Errorf("a result without an id: %.300s", line)
			}
			nullErrors++
			continue
		}
		if _, dup := byID[id]; dup {
			t.Errorf("two responses to id %s", id)
		}
		byID[id] = m
		lines[id] = line
	}
	wantNull, withID := 0, 0
	for _, tc := range cases {
		if tc.nullError {
			wantNull++
		}
		if tc.id == 0 {
			continue
		}
		withID++
		m, ok := byID[fmt.Sprint(tc.id)]
		switch {
		case !ok:
			t.Errorf("%s: no response to id %v", tc.name, tc.id)
		case m.Error != nil:
			if !slices.Contains(tc.codes, m.Error.Code) {
				t.Errorf("%s: error code %d (%s), want one of %v", tc.name, m.Error.Code, m.Error.Message, tc.codes)
			}
		case tc.toolError && m.Result.IsError:
		default:
			t.Errorf("%s: answered with a success result", tc.name)
		}
	}
	if nullErrors != wantNull {
		t.Errorf("%d parse errors with a null id, want %d", nullErrors, wantNull)
	}
	// Only requests with an id were answered (notifications never are).
	if len(byID) != 3+withID {
		keys := make([]string, 0, len(byID))
		for k := range byID {
			keys = append(keys, k)
		}
		t.Errorf("responses to ids %v, want the initialize, %d cases, 99 and 100", keys, withID)
	}
	for _, id := range []string{"1", "99", "100"} {
		if m, ok := byID[id]; !ok || m.Error != nil || m.Result == nil || m.Result.IsError {
			t.Errorf("request %s after the garbage did not succeed: %.500s", id, lines[id])
		}
	}
	if strings.Contains(stderr.String(), "panic") {
		t.Errorf("stderr mentions a panic:\n%s", stderr)
	}
}

// TestStdioAnswersEverythingBeforeEOF writes a burst of slow calls and
// closes stdin at once (as `printf ... | threads-mcp` does): every call, even
// those still queued behind the worker pool, must be answered successfully
// before the server exits.
func TestStdioAnswersEverythingBeforeEOF(t *testing.T) {
	cmd := exec.Command(binary)
	cmd.Env = sandboxEnv(t)
	var stdout bytes.Buffer
	stderr := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	var in bytes.Buffer
	in.WriteString(`{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"eof","version":"0"}}}` + "\n")
	in.WriteString(`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n")
	const n = 12
	for i := range n {
		fmt.Fprintf(&in, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"publish_carousel","arguments":{"items":[`+
			`{"type":"image","url":"https://cdn.example.com/%d-a.jpg"},{"type":"image","url":"https://cdn.example.com/%d-b.jpg"}]}}}`+"\n", i, i, i)
	}
	// The last request has no trailing newline.
	in.WriteString(`{"jsonrpc":"2.0","id":"last","method":"ping"}`)
	cmd.Stdin = &in
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, stderr)
		}
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("server did not exit after stdin closed\n%s", stderr)
	}
	answered := map[string]bool{}
	for _, line := range strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n") {
		var m struct {
			ID     json.RawMessage `json:"id"`
			Result *struct {
				IsError bool `json:"isError"`
			} `json:"result"`
		}
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("stdout line is not JSON: %.200q", line)
		}
		if m.Result == nil || m.Result.IsError {
			t.Errorf("request %s failed: %.300s", m.ID, line)
		}
		answered[string(m.ID)] = true
	}
	for i := range n {
		if !answered[fmt.Sprint(i)] {
			t.Errorf("call %d was never answered", i)
		}
	}
	for _, id := range []string{`"init"`, `"last"`} {
		if !answered[id] {
			t.Errorf("request %s was never answered", id)
		}
	}
}
