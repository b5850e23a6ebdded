package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// processBound is how long any call of the real binary may take in these
// tests. Every call answers in well under a second; a hang (the refresh
// deadlock this guards against never answered at all) fails the test here.
const processBound = 20 * time.Second

// liveSentinel prefixes every emulator token in these tests: it must never
// appear in a process's output.
const liveSentinel = "LIVESENTINEL"

// refreshWorld is an emulator behind a proxy that can drop the connection
// of token refreshes (the network going down for them), plus a state
// directory holding one stored account whose token is older than 24 h.
type refreshWorld struct {
	emu      *emulator.Emulator
	url      string
	dir      string
	uid      string
	token    string
	drop     atomic.Bool  // drop refresh connections
	refreshN atomic.Int32 // refresh requests seen
}

func newRefreshWorld(t *testing.T) *refreshWorld {
	t.Helper()
	clock := emulator.NewManualClock(time.Now())
	w := &refreshWorld{emu: emulator.NewEmulator(emulator.WithClock(clock), emulator.WithTokenPrefix(liveSentinel)), dir: t.TempDir()}
	h := w.emu.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "refresh_access_token") {
			w.refreshN.Add(1)
			if w.drop.Load() {
				conn, _, err := rw.(http.Hijacker).Hijack()
				if err == nil {
					_ = conn.Close()
				}
				return
			}
		}
		h.ServeHTTP(rw, r)
	}))
	t.Cleanup(srv.Close)
	w.url = srv.URL
	w.uid = w.emu.AddUser(emulator.UserSpec{Username: "daytwo"})
	w.token = w.emu.IssueToken(w.uid, emulator.DefaultScopes, 0)
	clock.Advance(25 * time.Hour) // Threads sees the token as 25 h old: refreshable
	st, err := state.Open(t.Context(), w.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	if err := st.PutAccount(t.Context(), state.Account{Name: "work", UserID: w.uid, Username: "daytwo", Token: w.token,
		ObtainedAt: now.Add(-25 * time.Hour), ExpiresAt: now.Add(59 * 24 * time.Hour), Scopes: emulator.DefaultScopes}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *refreshWorld) env(t *testing.T, level string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"THREADS_API_BASE_URL=" + w.url + "/v1.0",
		"THREADS_MCP_STATE_DIR=" + w.dir,
		"THREADS_MCP_LOG_LEVEL=" + level,
	}
}

// storedToken is the token the state database holds now.
func (w *refreshWorld) storedToken(t *testing.T) string {
	t.Helper()
	st, err := state.Open(t.Context(), w.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, err := st.AccountByName(t.Context(), "work")
	if err != nil {
		t.Fatal(err)
	}
	return a.Token
}

// refreshModes are the refresh outcomes every call must survive.
var refreshModes = []struct {
	name string
	set  func(w *refreshWorld)
	// refreshed: the stored token must have changed afterwards.
	refreshed bool
}{
	{"success", func(*refreshWorld) {}, true},
	{"5xx", func(w *refreshWorld) {
		w.emu.InjectError(http.MethodGet, "refresh_access_token", emulator.ErrorSpec{HTTPStatus: 503, Code: 2, Type: "OAuthException",
			Message: "Service temporarily unavailable", IsTransient: true}, 0)
	}, false},
	{"190", func(w *refreshWorld) {
		w.emu.InjectError(http.MethodGet, "refresh_access_token", emulator.ErrorSpec{HTTPStatus: 400, Code: 190, Subcode: 460,
			Type: "OAuthException", Message: "Error validating access token: the session has been invalidated because the user changed their password"}, 0)
	}, false},
	{"network down", func(w *refreshWorld) { w.drop.Store(true) }, false},
}

var logLevels = []string{"debug", "info", "warn", "error"}

// TestDueRefreshNeverHangs runs the real binary, with its real logger and
// redaction, on a stored token older than 24 h, at every log level, for a
// refresh that succeeds and for each way it fails: `threads-mcp call
// get_publishing_limit` and a stdio `serve` (initialize, then a tool call)
// each answer within processBound. A refresh that logs while holding the
// token source's lock, with a log writer that asks the token source for its
// token, never answered.
func TestDueRefreshNeverHangs(t *testing.T) {
	for _, mode := range refreshModes {
		for _, level := range logLevels {
			for _, how := range []string{"call", "serve"} {
				t.Run(mode.name+"/"+level+"/"+how, func(t *testing.T) {
					w := newRefreshWorld(t)
					mode.set(w)
					var stderr string
					if how == "call" {
						stderr = runCall(t, w.env(t, level), "get_publishing_limit", `{"account":"work"}`)
					} else {
						stderr = runServe(t, w.env(t, level))
					}
					if strings.Contains(stderr, liveSentinel) {
						t.Errorf("a token leaked into the log")
					}
					if w.refreshN.Load() == 0 {
						t.Errorf("no refresh was attempted: the test proves nothing\n%s", stderr)
					}
					if got := w.storedToken(t) != w.token; got != mode.refreshed {
						t.Errorf("stored token refreshed = %v, want %v\n%s", got, mode.refreshed, stderr)
					}
				})
			}
		}
	}
}

// runCall runs `threads-mcp call TOOL ARGS` and fails unless it answers a
// successful result within processBound. It returns the stderr.
func runCall(t *testing.T, env []string, tool, args string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), processBound)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, "call", tool, args)
	cmd.Env = env
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	start := time.Now()
	out, err := cmd.Output()
	if ctx.Err() != nil {
		t.Fatalf("call %s did not answer within %v (hung); stderr:\n%s", tool, processBound, stderr)
	}
	if err != nil {
		t.Fatalf("call %s: %v after %v\nstdout: %s\nstderr:\n%s", tool, err, time.Since(start), out, stderr)
	}
	var res struct {
		IsError bool `json:"isError"`
	}
	if err := json.Unmarshal(out, &res); err != nil || res.IsError {
		t.Fatalf("call %s: %v %s", tool, err, out)
	}
	return stderr.String()
}

// runServe starts a stdio `serve`, sends initialize and then calls
// get_publishing_limit; each answer must arrive within processBound. It
// returns the stderr.
func runServe(t *testing.T, env []string) string {
	t.Helper()
	cmd := exec.Command(binary)
	cmd.Env = env
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	frames := make(chan map[string]any, 8)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				frames <- m
			}
		}
		close(frames)
	}()
	await := func(id int, what string) map[string]any {
		deadline := time.After(processBound)
		for {
			select {
			case m, ok := <-frames:
				if !ok {
					t.Fatalf("%s: the server closed stdout; stderr:\n%s", what, stderr)
				}
				if m["id"] == float64(id) {
					return m
				}
			case <-deadline:
				t.Fatalf("%s: no answer within %v (hung); stderr:\n%s", what, processBound, stderr)
			}
		}
	}
	send := func(frame string) {
		if _, err := io.WriteString(in, frame+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"refresh","version":"0"}}}`)
	if m := await(1, "initialize"); m["result"] == nil {
		t.Fatalf("initialize: %v", m)
	}
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_publishing_limit","arguments":{"account":"work"}}}`)
	m := await(2, "tools/call get_publishing_limit")
	if res, _ := m["result"].(map[string]any); res == nil || res["isError"] == true {
		t.Fatalf("get_publishing_limit: %v", m)
	}
	_ = in.Close()
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(processBound):
		t.Fatalf("the server did not exit within %v of stdin closing; stderr:\n%s", processBound, stderr)
	}
	return stderr.String()
}

// TestRefreshModesAreDistinct checks that the failure modes above really
// fail the refresh (so the success row is not the only one exercised).
func TestRefreshModesAreDistinct(t *testing.T) {
	for _, mode := range refreshModes[1:] {
		t.Run(mode.name, func(t *testing.T) {
			w := newRefreshWorld(t)
			mode.set(w)
			stderr := runCall(t, w.env(t, "info"), "get_publishing_limit", `{"account":"work"}`)
			if !strings.Contains(stderr, "refresh failed") {
				t.Errorf("the refresh did not fail visibly:\n%s", stderr)
			}
			if strings.Contains(stderr, liveSentinel) {
				t.Error("a token leaked into the log")
			}
		})
	}
}
