package main

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	sdkauth "github.com/modelcontextprotocol/go-sdk/auth"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"

	"github.com/threads-mcp/threads-mcp/auth/oauthserver"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// TestOAuthRemoteConnector runs the binary as a remote connector
// (--oauth, users signing in with Threads through the emulator) and
// connects the go-sdk client with nothing but the URL: discovery, dynamic
// registration, consent, the Threads sign-in, and a publish as the
// signed-in user.
func TestOAuthRemoteConnector(t *testing.T) {
	emu := emulator.NewServer()
	t.Cleanup(emu.Close)
	uid := emu.AddUser(emulator.UserSpec{Username: "carol"})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close() // the server binds it again: the public URL must be known up front
	pub := "http://" + addr
	emu.RegisterApp("app-1", "app-1-secret", pub+oauthserver.CallbackPath)

	cmd := exec.Command(binary, "serve")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "THREADS_MCP_STATE_DIR=" + t.TempDir(),
		"THREADS_MCP_TRANSPORT=http", "THREADS_MCP_LISTEN=" + addr, "THREADS_MCP_OAUTH=1", "THREADS_MCP_PUBLIC_URL=" + pub,
		"THREADS_APP_ID=app-1", "THREADS_APP_SECRET=app-1-secret", "THREADS_AUTH_URL=" + emu.URL + "/oauth/authorize",
		"THREADS_API_BASE_URL=" + emu.BaseURL()}
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("server did not stop on SIGINT")
		}
		if strings.Contains(stderr.String(), "app-1-secret") {
			t.Error("the Threads app secret reached the log")
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(stderr.String(), "serving") {
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	browser := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	step := func(req *http.Request) (*http.Response, string) {
		t.Helper()
		resp, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		var b strings.Builder
		for sc.Scan() {
			b.WriteString(sc.Text())
		}
		return resp, b.String()
	}
	getReq := func(u string) *http.Request {
		r, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
		return r
	}
	handle := regexp.MustCompile(`name="request" value="([^"]+)"`)
	handler, err := sdkauth.NewAuthorizationCodeHandler(&sdkauth.AuthorizationCodeHandlerConfig{
		DynamicClientRegistrationConfig: &sdkauth.DynamicClientRegistrationConfig{Metadata: &oauthex.ClientRegistrationMetadata{
			ClientName: "binary test", RedirectURIs: []string{"http://127.0.0.1:1/cb"}, TokenEndpointAuthMethod: "none",
			GrantTypes: []string{"authorization_code", "refresh_token"}}},
		AuthorizationCodeFetcher: func(ctx context.Context, args *sdkauth.AuthorizationArgs) (*sdkauth.AuthorizationResult, error) {
			_, page := step(getReq(args.URL))
			m := handle.FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("no consent form: %s", page)
			}
			post, _ := http.NewRequestWithContext(ctx, http.MethodPost, pub+oauthserver.AuthorizePath,
				strings.NewReader(url.Values{"request": {m[1]}, "decision": {"approve"}}.Encode()))
			post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, _ := step(post)
			threads, _ := url.Parse(resp.Header.Get("Location"))
			q := threads.Query()
			q.Set("user_id", uid)
			threads.RawQuery = q.Encode()
			resp, _ = step(getReq(threads.String()))
			resp, body := step(getReq(resp.Header.Get("Location")))
			final, err := url.Parse(resp.Header.Get("Location"))
			if err != nil || final.Query().Get("code") == "" {
				t.Fatalf("callback: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
			}
			return &sdkauth.AuthorizationResult{Code: final.Query().Get("code"), State: final.Query().Get("state"), Iss: final.Query().Get("iss")}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	c := sdk.NewClient(&sdk.Implementation{Name: "connector", Version: "0"}, nil)
	cs, err := c.Connect(t.Context(), &sdk.StreamableClientTransport{Endpoint: pub + "/mcp", OAuthHandler: handler}, nil)
	if err != nil {
		t.Fatalf("connect: %v\n%s", err, stderr.String())
	}
	defer cs.Close()
	res, err := cs.CallTool(t.Context(), &sdk.CallToolParams{Name: "publish_text", Arguments: map[string]any{"text": "via the connector", "idempotency_key": "c1"}})
	if err != nil || res.IsError {
		t.Fatalf("publish_text: %v %+v", err, res)
	}
	if posts := emu.Posts(uid); len(posts) != 1 || posts[0].Text != "via the connector" {
		t.Fatalf("carol's posts: %+v", posts)
	}
}
