package authcmd_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/auth/authcmd"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools/state"
	"github.com/threads-mcp/threads-mcp/tools/state/statetest"
)

// syncBuffer is a bytes.Buffer safe for a writer and a concurrent reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type harness struct {
	srv    *emulator.Server
	clock  *emulator.ManualClock
	dir    string
	env    map[string]string
	output strings.Builder // everything ever printed, for the leak check
}

func newHarness(t *testing.T) *harness {
	clock := emulator.NewManualClock(time.Now())
	srv := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithClock(clock))
	t.Cleanup(srv.Close)
	id, secret := srv.DemoApp()
	return &harness{srv: srv, clock: clock, dir: t.TempDir(), env: map[string]string{
		"THREADS_APP_ID": id, "THREADS_APP_SECRET": secret,
		"THREADS_GRAPH_URL": srv.URL, "THREADS_AUTH_URL": srv.URL + "/oauth/authorize",
	}}
}

func (h *harness) run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = authcmd.Run(t.Context(), args, authcmd.IO{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return h.env[k] }, StateDir: h.dir,
		LoopbackHost: func(context.Context, string) bool { return false }, // no DNS in tests
	})
	h.output.WriteString(out.String() + errb.String())
	return code, out.String(), errb.String()
}

// code obtains an authorization code from the emulator for redirect.
func (h *harness) code(t *testing.T, redirect string, userID string) string {
	t.Helper()
	q := url.Values{"client_id": {h.env["THREADS_APP_ID"]}, "redirect_uri": {redirect}, "response_type": {"code"},
		"scope": {"threads_basic,threads_content_publish"}, "state": {"x"}}
	if userID != "" {
		q.Set("user_id", userID)
	}
	loc := location(t, h.srv.URL+"/oauth/authorize?"+q.Encode())
	u, _ := url.Parse(loc)
	return u.Query().Get("code")
}

func location(t *testing.T, authURL string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: HTTP %d", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

func (h *harness) store(t *testing.T) *state.Store {
	s, err := state.Open(t.Context(), h.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestEndToEnd(t *testing.T) {
	h := newHarness(t)
	const redirect = authcmd.DefaultRedirectURI

	// login (paste a bare code with the trailing #_) as the default account.
	code, _, stderr := h.run(t, h.code(t, redirect, "")+"#_\ny\n", "login")
	if code != 0 || !strings.Contains(stderr, "Logged in as @") || !strings.Contains(stderr, h.srv.URL+"/oauth/authorize?") {
		t.Fatalf("login: %d\n%s", code, stderr)
	}
	// login a second, named account as another user, with the secret stored.
	uid := h.srv.AddUser(emulator.UserSpec{Username: "bob_corp"})
	code, _, stderr = h.run(t, h.code(t, redirect, uid)+"\nyes\n", "login", "--account", "work", "--store-secret")
	if code != 0 || !strings.Contains(stderr, "@bob_corp") {
		t.Fatalf("login work: %d\n%s", code, stderr)
	}
	st := h.store(t)
	def, _ := st.Account(t.Context(), "default")
	work, _ := st.Account(t.Context(), "bob_corp")
	if def == nil || work == nil || work.Name != "work" || work.AppSecret == "" || def.AppSecret != "" {
		t.Fatalf("stored accounts: %v / %v", def, work)
	}

	// status --json.
	code, stdout, _ := h.run(t, "", "status", "--json")
	var rep struct {
		Default  string `json:"default"`
		Accounts []struct {
			Name, Username string
			DaysLeft       int  `json:"days_left"`
			Default        bool `json:"default"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); code != 0 || err != nil {
		t.Fatalf("status --json: %d %v\n%s", code, err, stdout)
	}
	if rep.Default != "default" || len(rep.Accounts) != 2 || !rep.Accounts[0].Default || rep.Accounts[1].Username != "bob_corp" ||
		rep.Accounts[0].DaysLeft < 58 {
		t.Fatalf("status report: %+v", rep)
	}
	// human status.
	code, stdout, _ = h.run(t, "", "status")
	if code != 0 || !regexp.MustCompile(`(?m)^\*\s+default\s+@`).MatchString(stdout) || !strings.Contains(stdout, "@bob_corp") {
		t.Fatalf("status: %d\n%s", code, stdout)
	}

	// refresh: too young, then fine after 25 h (emulator clock).
	code, _, stderr = h.run(t, "", "refresh", "--account", "work")
	if code != 1 || !strings.Contains(stderr, "24 hours") {
		t.Fatalf("early refresh: %d %s", code, stderr)
	}
	h.clock.Advance(25 * time.Hour)
	code, _, stderr = h.run(t, "", "refresh", "--account", "work")
	if code != 0 || !strings.Contains(stderr, "Refreshed") {
		t.Fatalf("refresh: %d %s", code, stderr)
	}
	work2, _ := st.Account(t.Context(), "work")
	if work2.Token == work.Token || work2.RefreshedAt.IsZero() {
		t.Fatal("refresh did not store a new token")
	}
	h.srv.ResetRequests()
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/v1.0/me?fields=username", nil)
	req.Header.Set("Authorization", "Bearer "+work2.Token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("refreshed token rejected: %v %v", resp, err)
	}

	// default, logout.
	if code, _, stderr = h.run(t, "", "default", "@bob_corp"); code != 0 {
		t.Fatalf("default: %d %s", code, stderr)
	}
	if d, _ := st.DefaultAccount(t.Context()); d != "work" {
		t.Fatalf("default = %s", d)
	}
	if code, _, stderr = h.run(t, "", "logout"); code != 0 || !strings.Contains(stderr, `"work"`) {
		t.Fatalf("logout: %d %s", code, stderr)
	}
	if code, _, _ = h.run(t, "", "logout", "--account", "work"); code != 1 {
		t.Fatalf("second logout: %d", code)
	}
	if code, _, _ = h.run(t, "", "logout", "--account", "default"); code != 0 {
		t.Fatal("logout default")
	}
	if code, stdout, _ = h.run(t, "", "status"); code != 0 || !strings.Contains(stdout, "No Threads account") {
		t.Fatalf("final status: %s", stdout)
	}

	// No token or secret was ever printed.
	for _, s := range []string{def.Token, work.Token, work2.Token, h.env["THREADS_APP_SECRET"]} {
		if strings.Contains(h.output.String(), s) {
			t.Fatalf("secret %.6s… printed", s)
		}
	}
}

func TestLoginFailures(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name   string
		stdin  string
		args   []string
		env    map[string]string
		want   int
		stderr string
	}{
		{"no subcommand", "", nil, nil, 2, "usage"},
		{"unknown", "", []string{"frobnicate"}, nil, 2, "unknown command"},
		{"bad flag", "", []string{"login", "--nope"}, nil, 2, "nope"},
		{"extra arg", "", []string{"status", "x"}, nil, 2, "unexpected argument"},
		{"default without name", "", []string{"default"}, nil, 2, "exactly one"},
		{"no app id", "", []string{"login"}, map[string]string{"THREADS_APP_ID": ""}, 2, "app id"},
		{"localhost redirect", "", []string{"login", "--redirect-uri", "https://localhost:8443/cb"}, nil, 2, "localhost"},
		{"reused/invalid code", "not-a-real-code\n", []string{"login"}, nil, 1, "Matching code was not found"},
		{"forged state", authcmd.DefaultRedirectURI + "?code=abc&state=forged#_\n", []string{"login"}, nil, 1, "state mismatch"},
		{"empty stdin", "", []string{"login"}, nil, 1, "EOF"},
		{"refresh without account", "", []string{"refresh"}, nil, 1, "threads-mcp auth login"},
		{"default unknown", "", []string{"default", "ghost"}, nil, 1, "no such"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			saved := map[string]string{}
			for k, v := range tc.env {
				saved[k] = h.env[k]
				h.env[k] = v
			}
			defer func() {
				for k, v := range saved {
					h.env[k] = v
				}
			}()
			code, _, stderr := h.run(t, tc.stdin, tc.args...)
			if code != tc.want || !strings.Contains(stderr, tc.stderr) {
				t.Fatalf("exit %d (want %d), stderr:\n%s", code, tc.want, stderr)
			}
		})
	}
}

// TestLoginListen runs `auth login --listen` and plays the browser: it reads
// the authorization URL from stderr, approves it at the emulator and GETs
// the https callback on the local listener.
func TestLoginListen(t *testing.T) {
	h := newHarness(t)
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	redirect := fmt.Sprintf("https://localhost.threads-mcp.test:%d/callback", port)
	h.srv.RegisterApp("listen-app", "listen-secret", redirect)
	h.env["THREADS_APP_ID"], h.env["THREADS_APP_SECRET"] = "listen-app", "listen-secret"

	stderr := &syncBuffer{}
	done := make(chan int, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	go func() {
		done <- authcmd.Run(ctx, []string{"login", "--listen", "--redirect-uri", redirect, "--account", "listened"}, authcmd.IO{
			Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: stderr,
			Getenv: func(k string) string { return h.env[k] }, StateDir: h.dir,
			LoopbackHost: func(context.Context, string) bool { t.Error("--listen must not resolve"); return false },
		})
	}()
	urlRE := regexp.MustCompile(`https?://\S+/oauth/authorize\?\S+`)
	var authURL string
	for authURL == "" {
		if ctx.Err() != nil {
			t.Fatalf("no URL printed: %s", stderr.String())
		}
		authURL = urlRE.FindString(stderr.String())
		time.Sleep(10 * time.Millisecond)
	}
	u, _ := url.Parse(location(t, authURL))
	u.Host, u.Fragment = fmt.Sprintf("127.0.0.1:%d", port), ""
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	for {
		resp, err := c.Get(u.String())
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("callback: HTTP %d", resp.StatusCode)
			}
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("listener unreachable: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code := <-done; code != 0 {
		t.Fatalf("login --listen exit %d: %s", code, stderr.String())
	}
	a, err := h.store(t).Account(t.Context(), "listened")
	if err != nil || a.UserID != h.srv.DemoUserID() || strings.Contains(stderr.String(), a.Token) {
		t.Fatalf("stored %v, %v", a, err)
	}
}

// TestRotateKey: `auth rotate-key` moves the stored token to a new key
// file key, and the account still works afterwards; on the database given
// by THREADS_MCP_DATABASE_URL when set.
func TestRotateKey(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		h := newHarness(t)
		h.env[state.EnvDatabaseURL] = db
		if code, _, stderr := h.run(t, h.code(t, authcmd.DefaultRedirectURI, "")+"\ny\n", "login"); code != 0 {
			t.Fatalf("login: %d %s", code, stderr)
		}
		keyFile := filepath.Join(h.dir, state.KeyFileName)
		before, err := os.ReadFile(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		code, _, stderr := h.run(t, "", "rotate-key")
		if code != 0 || !strings.Contains(stderr, "Re-encrypted the secrets of 1 account(s)") {
			t.Fatalf("rotate-key: %d %s", code, stderr)
		}
		after, err := os.ReadFile(keyFile)
		if err != nil || string(after) == string(before) {
			t.Fatalf("key file unchanged: %v", err)
		}
		if code, out, stderr := h.run(t, "", "status"); code != 0 || !strings.Contains(out, "default") {
			t.Fatalf("status after rotation: %d %s %s", code, out, stderr)
		}
		st, err := state.Open(t.Context(), h.dir, state.WithDatabase(db))
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if a, err := st.AccountByName(t.Context(), "default"); err != nil || a.Token == "" {
			t.Fatalf("account after rotation: %v", err)
		}
	})
}
