package accounts_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/threads-mcp/threads-mcp/auth"
	"github.com/threads-mcp/threads-mcp/auth/accounts"
	"github.com/threads-mcp/threads-mcp/auth/authcmd"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/ledger"
	"github.com/threads-mcp/threads-mcp/tools/redact"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// sentinel prefixes every token the emulator issues in these tests: it must
// never appear in a log line or a tool result.
const sentinel = "SENTINELTOKEN"

const (
	acctAppID     = "7700112233"
	acctAppSecret = "acct-test-app-secret"
)

// acctHarness is an emulator, a state directory and everything the servers
// and auth commands of one test printed, checked for the sentinel at the end.
type acctHarness struct {
	emu   *emulator.Server
	clock *emulator.ManualClock
	dir   string
	logs  *syncBuffer // server logs (debug level)

	mu   sync.Mutex
	seen strings.Builder // tool result texts and auth command output
}

// newAcctHarness starts an emulator whose tokens start with the sentinel and
// registers a check, run after every other cleanup, that nothing printed
// holds the sentinel.
func newAcctHarness(t *testing.T) *acctHarness {
	t.Helper()
	h := &acctHarness{logs: &syncBuffer{}, dir: t.TempDir(), clock: emulator.NewManualClock(time.Now())}
	t.Cleanup(func() { // registered first: runs after the servers are closed
		if i := strings.Index(h.logs.String(), sentinel); i >= 0 {
			t.Errorf("a token leaked into the server log: %q", excerpt(h.logs.String(), i))
		}
		if s := h.seenText(); strings.Contains(s, sentinel) {
			t.Errorf("a token leaked into a tool result or auth output: %q", excerpt(s, strings.Index(s, sentinel)))
		}
	})
	h.emu = emulator.NewServer(emulator.WithClock(h.clock), emulator.WithTokenPrefix(sentinel))
	t.Cleanup(h.emu.Close)
	h.emu.RegisterApp(acctAppID, acctAppSecret, authcmd.DefaultRedirectURI)
	return h
}

// excerpt is the text around s[i], with the leaked token itself cut short.
func excerpt(s string, i int) string {
	return leakedToken.ReplaceAllString(s[max(0, i-120):min(len(s), i+100)], sentinel+"…")
}

var leakedToken = regexp.MustCompile(sentinel + `[A-Za-z0-9]+`)

func (h *acctHarness) record(s string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seen.WriteString(s)
	h.seen.WriteByte('\n')
}

func (h *acctHarness) seenText() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seen.String()
}

// user adds an emulator user.
func (h *acctHarness) user(username string) string {
	return h.emu.AddUser(emulator.UserSpec{Username: username})
}

// token issues a long-lived emulator token for uid valid for ttl.
func (h *acctHarness) token(t *testing.T, uid string, ttl time.Duration) string {
	t.Helper()
	tok := h.emu.IssueToken(uid, auth.DefaultScopes, ttl)
	if !strings.HasPrefix(tok, sentinel) {
		t.Fatalf("emulator token lacks the sentinel prefix: the leak check would prove nothing")
	}
	return tok
}

// put stores an account directly, as a previous login would have.
func (h *acctHarness) put(t *testing.T, a state.Account) {
	t.Helper()
	st := h.store(t)
	if err := st.PutAccount(t.Context(), a); err != nil {
		t.Fatal(err)
	}
}

// putFresh stores account name for uid with a new 60-day token obtained now.
func (h *acctHarness) putFresh(t *testing.T, name, uid, username string) string {
	t.Helper()
	tok := h.token(t, uid, 0)
	now := time.Now()
	h.put(t, state.Account{Name: name, UserID: uid, Username: username, Token: tok, ObtainedAt: now,
		ExpiresAt: now.Add(60 * 24 * time.Hour), Scopes: auth.DefaultScopes, AppID: acctAppID})
	return tok
}

// store opens a second handle on the state database ("another process").
func (h *acctHarness) store(t *testing.T) *state.Store {
	t.Helper()
	st, err := state.Open(t.Context(), h.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// authIO is the environment of `threads-mcp auth` against the emulator.
func (h *acctHarness) authIO(stdin io.Reader, stderr io.Writer) authcmd.IO {
	env := map[string]string{
		"THREADS_APP_ID": acctAppID, "THREADS_APP_SECRET": acctAppSecret,
		"THREADS_GRAPH_URL": h.emu.URL, "THREADS_AUTH_URL": h.emu.URL + "/oauth/authorize",
	}
	return authcmd.IO{
		Stdin: stdin, Stdout: stderr, Stderr: stderr, StateDir: h.dir,
		Getenv:       func(k string) string { return env[k] },
		LoopbackHost: func(context.Context, string) bool { return false }, // paste mode, no DNS
	}
}

// authCmd runs `threads-mcp auth ARGS` and fails the test unless it succeeds.
func (h *acctHarness) authCmd(t *testing.T, args ...string) {
	t.Helper()
	out := &syncBuffer{}
	code := authcmd.Run(t.Context(), args, h.authIO(nil, out))
	h.record(out.String())
	if code != authcmd.ExitOK {
		t.Fatalf("auth %v: exit %d\n%s", args, code, out)
	}
}

var authorizeURL = regexp.MustCompile(`http://127\.0\.0\.1:\d+/oauth/authorize\?\S+`)

// login runs `threads-mcp auth login --account name` for real, acting as the
// user's browser: it opens the printed address as user uid and pastes the
// address the emulator redirects to.
func (h *acctHarness) login(t *testing.T, name, uid string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	stdin, paste := io.Pipe()
	out := &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- authcmd.Run(ctx, []string{"login", "--account", name}, h.authIO(stdin, out)) }()
	defer func() { h.record(out.String()) }()

	var authURL string
	for authURL == "" {
		select {
		case code := <-done:
			t.Fatalf("login exited (%d) before printing the address:\n%s", code, out)
		case <-ctx.Done():
			t.Fatalf("login printed no address:\n%s", out)
		case <-time.After(10 * time.Millisecond):
			authURL = authorizeURL.FindString(out.String())
		}
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authURL + "&user_id=" + uid)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, authcmd.DefaultRedirectURI+"?code=") {
		t.Fatalf("authorize: HTTP %d, Location %q", resp.StatusCode, loc)
	}
	go func() { _, _ = io.WriteString(paste, loc+"\n") }()
	select {
	case code := <-done:
		if code != authcmd.ExitOK || !strings.Contains(out.String(), "Logged in as @") {
			t.Fatalf("login: exit %d\n%s", code, out)
		}
	case <-ctx.Done():
		t.Fatalf("login did not finish:\n%s", out)
	}
}

// acctServer is a server built by build() and an in-process MCP client.
type acctServer struct {
	h *acctHarness
	c *mcpclient.Client
}

// start builds the server as `threads-mcp serve` does (envToken is
// THREADS_ACCESS_TOKEN) and connects an in-process client to it.
func (h *acctHarness) start(t *testing.T, envToken string) *acctServer {
	t.Helper()
	secrets := &redact.Set{}
	secrets.Add(envToken)
	// The real logger: through the redaction writer, as cmd builds it (a
	// logger without it hid a deadlock between a refresh's log line and the
	// redactor).
	logger := log.NewWithOptions(secrets.Writer(h.logs), log.Options{Level: log.DebugLevel})
	slogger := slog.New(logger)
	st, err := state.Open(t.Context(), h.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	t.Cleanup(cancel)
	accts, err := accounts.New(ctx, accounts.Options{Store: st, BaseURL: h.emu.BaseURL(), EnvToken: envToken,
		Secrets: secrets, Logger: slogger, UserAgent: "threads-mcp/test"})
	if err != nil {
		t.Fatalf("accounts.New: %v", err)
	}
	led, err := ledger.Open(t.Context(), st)
	if err != nil {
		t.Fatal(err)
	}
	srv := tools.NewServer(tools.Deps{Accounts: accts, Settings: st, Logger: slogger, Ledger: led}, "test",
		server.WithToolHandlerMiddleware(secrets.Middleware))
	mc, err := mcpclient.NewInProcessClient(srv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mc.Close() })
	if err := mc.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	req.Params.ClientInfo = mcp.Implementation{Name: "accounts-test", Version: "0"}
	if _, err := mc.Initialize(t.Context(), req); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	return &acctServer{h: h, c: mc}
}

// syncBuffer is a goroutine-safe buffer.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
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

// call calls a tool and returns its result, its text and, for a success,
// its structured content decoded from the text.
func (s *acctServer) call(t *testing.T, tool string, args map[string]any) (res *mcp.CallToolResult, text string, out map[string]any) {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	res, err := s.c.CallTool(ctx, req)
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			text += tc.Text
		}
	}
	b, _ := json.Marshal(res.StructuredContent)
	s.h.record(text + string(b))
	if !res.IsError {
		if err := json.Unmarshal([]byte(text), &out); err != nil {
			t.Fatalf("%s: result text is not JSON: %v\n%s", tool, err, text)
		}
	}
	return res, text, out
}

// publish publishes text as account ("" omits the argument) and fails the
// test on a tool error.
func (s *acctServer) publish(t *testing.T, account, text string) map[string]any {
	t.Helper()
	args := map[string]any{"text": text}
	if account != "" {
		args["account"] = account
	}
	res, msg, out := s.call(t, "publish_text", args)
	if res.IsError {
		t.Fatalf("publish_text as %q: %s", account, msg)
	}
	return out
}

// hasPost reports whether uid published a post with exactly text.
func (h *acctHarness) hasPost(uid, text string) bool {
	return slices.ContainsFunc(h.emu.Posts(uid), func(p emulator.Post) bool { return p.Text == text })
}

// postBy returns uid's post with exactly text.
func (h *acctHarness) postBy(t *testing.T, uid, text string) emulator.Post {
	t.Helper()
	for _, p := range h.emu.Posts(uid) {
		if p.Text == text {
			return p
		}
	}
	t.Fatalf("user %s has no post %q", uid, text)
	return emulator.Post{}
}

// listedAccount is one entry of list_accounts.
type listedAccount struct {
	Name      string   `json:"name"`
	Username  string   `json:"username"`
	UserID    string   `json:"user_id"`
	Default   bool     `json:"default"`
	DaysLeft  *int     `json:"days_left"`
	ExpiresAt string   `json:"expires_at"`
	Scopes    []string `json:"scopes"`
	Source    string   `json:"source"`
}

func (s *acctServer) listAccounts(t *testing.T) (map[string]listedAccount, string) {
	t.Helper()
	res, text, _ := s.call(t, "list_accounts", nil)
	if res.IsError {
		t.Fatalf("list_accounts: %s", text)
	}
	var out struct {
		Accounts []listedAccount `json:"accounts"`
	}
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		t.Fatal(err)
	}
	m := map[string]listedAccount{}
	for _, a := range out.Accounts {
		m[a.Name] = a
	}
	if len(m) != len(out.Accounts) {
		t.Fatalf("list_accounts repeats a name: %s", text)
	}
	return m, text
}

func TestAccountsSeveralInOneServer(t *testing.T) {
	h := newAcctHarness(t)
	alice, bob := h.user("alice_t"), h.user("bob_t")
	h.login(t, "personal", alice) // the first stored account becomes the default
	bobToken := h.putFresh(t, "work", bob, "bob_t")
	s := h.start(t, "")

	t.Run("account argument selects the user", func(t *testing.T) {
		for i, tc := range []struct {
			account string
			uid     string
			as      string
		}{
			{"personal", alice, "alice_t"},
			{"work", bob, "bob_t"},
			{"alice_t", alice, "alice_t"},
			{"@bob_t", bob, "bob_t"},
			{"BOB_T", bob, "bob_t"}, // usernames match case-insensitively
			{"", alice, "alice_t"},  // omitted: the default account
		} {
			text := fmt.Sprintf("post %d as %q", i, tc.account)
			out := s.publish(t, tc.account, text)
			if out["account"] != tc.as {
				t.Errorf("account %q: result account = %v, want %s", tc.account, out["account"], tc.as)
			}
			other := map[string]string{alice: bob, bob: alice}[tc.uid]
			if !h.hasPost(tc.uid, text) || h.hasPost(other, text) {
				t.Errorf("account %q: post %q not published as user %s only", tc.account, text, tc.uid)
			}
		}
	})

	t.Run("auth default changes the default", func(t *testing.T) {
		h.authCmd(t, "default", "work") // from "another process", while the server runs
		s.publish(t, "", "after auth default")
		if !h.hasPost(bob, "after auth default") || h.hasPost(alice, "after auth default") {
			t.Error("omitted account did not follow `auth default work`")
		}
		h.authCmd(t, "default", "@alice_t")
		s.publish(t, "", "back to alice")
		if !h.hasPost(alice, "back to alice") {
			t.Error("omitted account did not follow `auth default @alice_t`")
		}
	})

	t.Run("unknown account", func(t *testing.T) {
		before := len(h.emu.Posts(alice)) + len(h.emu.Posts(bob))
		for _, tool := range []struct {
			name string
			args map[string]any
		}{
			{"publish_text", map[string]any{"text": "nope", "account": "nobody"}},
			{"set_reply_control", map[string]any{"value": "mentioned_only", "account": "nobody"}},
			{"get_publishing_limit", map[string]any{"account": "@nobody"}},
		} {
			res, text, _ := s.call(t, tool.name, tool.args)
			if !res.IsError {
				t.Errorf("%s with an unknown account succeeded: %s", tool.name, text)
				continue
			}
			for _, want := range []string{`"nobody"`, "personal", "work", "list_accounts"} {
				if !strings.Contains(text, want) {
					t.Errorf("%s: error lacks %q: %s", tool.name, want, text)
				}
			}
		}
		if after := len(h.emu.Posts(alice)) + len(h.emu.Posts(bob)); after != before {
			t.Errorf("an unknown account published %d posts", after-before)
		}
	})

	t.Run("list_accounts", func(t *testing.T) {
		h.authCmd(t, "default", "work")
		got, text := s.listAccounts(t)
		if len(got) != 2 {
			t.Fatalf("list_accounts lists %d accounts, want 2: %s", len(got), text)
		}
		for _, want := range []struct {
			name, username, uid string
			def                 bool
		}{
			{"personal", "alice_t", alice, false},
			{"work", "bob_t", bob, true},
		} {
			a := got[want.name]
			if a.Username != want.username || a.UserID != want.uid || a.Default != want.def || a.Source != "stored" {
				t.Errorf("%s: %+v, want username %s, user_id %s, default %v, source stored", want.name, a, want.username, want.uid, want.def)
			}
			if a.DaysLeft == nil || *a.DaysLeft < 58 || *a.DaysLeft > 60 {
				t.Errorf("%s: days_left = %v, want about 59", want.name, a.DaysLeft)
			}
			// Granted scopes, as debug_token lists them (in its own order).
			if !slices.Equal(slices.Sorted(slices.Values(a.Scopes)), slices.Sorted(slices.Values(auth.DefaultScopes))) {
				t.Errorf("%s: scopes = %v, want %v", want.name, a.Scopes, auth.DefaultScopes)
			}
			if _, err := time.Parse(time.RFC3339, a.ExpiresAt); err != nil {
				t.Errorf("%s: expires_at %q: %v", want.name, a.ExpiresAt, err)
			}
		}
		stored, err := h.store(t).Account(t.Context(), "personal")
		if err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{stored.Token, bobToken} {
			if strings.Contains(text, tok) || strings.Contains(text, tok[len(sentinel):]) {
				t.Error("list_accounts shows a token")
			}
		}
	})

	t.Run("set_reply_control is per account", func(t *testing.T) {
		res, text, out := s.call(t, "set_reply_control", map[string]any{"value": "mentioned_only", "account": "personal"})
		if res.IsError || out["current"] != "mentioned_only" || out["account"] != "alice_t" {
			t.Fatalf("set_reply_control: %s", text)
		}
		for _, tc := range []struct {
			account, uid, text, want string
		}{
			{"personal", alice, "alice after the default", "MENTIONED_ONLY"},
			{"work", bob, "bob after alice's default", "EVERYONE"},
			{"alice_t", alice, "alice by username", "MENTIONED_ONLY"},
		} {
			out := s.publish(t, tc.account, tc.text)
			if got := h.postBy(t, tc.uid, tc.text).ReplyAudience; got != tc.want {
				t.Errorf("%s: reply audience %s, want %s", tc.account, got, tc.want)
			}
			if rc := strings.ToUpper(fmt.Sprint(out["reply_control"])); rc != tc.want {
				t.Errorf("%s: result reply_control %s, want %s", tc.account, rc, tc.want)
			}
		}
	})
}

func TestAccountsEnvTokenNextToStored(t *testing.T) {
	h := newAcctHarness(t)
	bob, carol := h.user("bob_t"), h.user("carol_env")
	h.putFresh(t, "work", bob, "bob_t")
	envToken := h.token(t, carol, 0)
	s := h.start(t, envToken)

	for i, tc := range []struct {
		account string
		uid     string
	}{
		{"", carol}, // THREADS_ACCESS_TOKEN is the default when set
		{"work", bob},
		{"@bob_t", bob},
	} {
		text := fmt.Sprintf("env test %d", i)
		s.publish(t, tc.account, text)
		if !h.hasPost(tc.uid, text) {
			t.Errorf("account %q: not published as user %s", tc.account, tc.uid)
		}
	}

	got, text := s.listAccounts(t)
	if len(got) != 2 {
		t.Fatalf("list_accounts: %s", text)
	}
	if env := got[""]; env.Source != "environment" || !env.Default {
		t.Errorf("env account: %+v, want source environment, default", env)
	}
	if work := got["work"]; work.Default || work.Source != "stored" {
		t.Errorf("stored account next to THREADS_ACCESS_TOKEN: %+v, want not default", work)
	}

	res, msg, _ := s.call(t, "publish_text", map[string]any{"text": "x", "account": "nobody"})
	if !res.IsError || !strings.Contains(msg, "THREADS_ACCESS_TOKEN") || !strings.Contains(msg, "work") {
		t.Errorf("unknown account next to the env token: %s", msg)
	}

	// A rejected env token cannot be reloaded from the store: the error says
	// to replace THREADS_ACCESS_TOKEN, and stored accounts keep working.
	h.emu.ExpireToken(envToken)
	res, msg, _ = s.call(t, "publish_text", map[string]any{"text": "env token rejected"})
	if !res.IsError || !strings.Contains(msg, "THREADS_ACCESS_TOKEN") || !strings.Contains(msg, "code 190") {
		t.Errorf("rejected env token: %s", msg)
	}
	s.publish(t, "work", "stored account still works")
	if !h.hasPost(bob, "stored account still works") {
		t.Error("stored account broken by a rejected env token")
	}
}

func TestAccountsTokenReplacedByAnotherProcess(t *testing.T) {
	for _, tc := range []struct {
		name     string
		replace  func(t *testing.T, h *acctHarness, uid, old string) string // returns the new token
		wantErr  []string
		wantPost bool
	}{
		{
			name: "newer token stored",
			replace: func(t *testing.T, h *acctHarness, uid, old string) string {
				tok := h.token(t, uid, 0)
				now := time.Now()
				ok, err := h.store(t).SwapToken(t.Context(), "work", old, tok, now, now.Add(60*24*time.Hour))
				if err != nil || !ok {
					t.Fatalf("SwapToken: %v, %v", ok, err)
				}
				return tok
			},
			wantPost: true,
		},
		{
			name: "re-login stored",
			replace: func(t *testing.T, h *acctHarness, uid, _ string) string {
				h.login(t, "work", uid)
				a, err := h.store(t).Account(t.Context(), "work")
				if err != nil {
					t.Fatal(err)
				}
				return a.Token
			},
			wantPost: true,
		},
		{
			name:    "nothing newer stored",
			wantErr: []string{"publish_text", "`threads-mcp auth login --account work`"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newAcctHarness(t)
			bob := h.user("bob_t")
			h.user("alice_t")
			h.putFresh(t, "personal", h.emu.UserIDByUsername("alice_t"), "alice_t")
			old := h.putFresh(t, "work", bob, "bob_t")
			s := h.start(t, "")
			s.publish(t, "work", "with the first token")

			var newTok string
			if tc.replace != nil {
				newTok = tc.replace(t, h, bob, old)
			}
			h.emu.ExpireToken(old) // the old token is now refused with code 190
			res, text, _ := s.call(t, "publish_text", map[string]any{"text": "after the swap", "account": "work"})
			if res.IsError == tc.wantPost {
				t.Fatalf("isError = %v: %s", res.IsError, text)
			}
			if got := h.hasPost(bob, "after the swap"); got != tc.wantPost {
				t.Errorf("published = %v, want %v", got, tc.wantPost)
			}
			for _, want := range tc.wantErr {
				if !strings.Contains(text, want) {
					t.Errorf("error lacks %q: %s", want, text)
				}
			}
			if newTok != "" {
				a, err := h.store(t).Account(t.Context(), "work")
				if err != nil || a.Token != newTok {
					t.Errorf("the store no longer holds the other process's token")
				}
			}
		})
	}
}

func TestExpiredStoredToken(t *testing.T) {
	for _, tc := range []struct {
		account string
		want    string
	}{
		{"work", "run `threads-mcp auth login --account work`"},
		{"default", "run `threads-mcp auth login`"},
	} {
		t.Run(tc.account, func(t *testing.T) {
			h := newAcctHarness(t)
			uid := h.user("bob_t")
			now := time.Now()
			h.put(t, state.Account{Name: tc.account, UserID: uid, Username: "bob_t", Token: h.token(t, uid, 0),
				ObtainedAt: now.Add(-61 * 24 * time.Hour), ExpiresAt: now.Add(-time.Hour), Scopes: auth.DefaultScopes})
			s := h.start(t, "")
			for _, call := range []struct {
				tool string
				args map[string]any
			}{
				{"publish_text", map[string]any{"text": "expired", "account": tc.account}},
				{"publish_text", map[string]any{"text": "expired, default"}},
				{"get_publishing_limit", map[string]any{"account": "@bob_t"}},
			} {
				res, text, _ := s.call(t, call.tool, call.args)
				if !res.IsError || !strings.Contains(text, tc.want) || !strings.Contains(text, "expired") {
					t.Errorf("%s %v: isError %v, want a message containing %q: %s", call.tool, call.args, res.IsError, tc.want, text)
				}
			}
			if n := len(h.emu.Requests()); n != 0 {
				t.Errorf("%d requests reached Threads with an expired token, want none", n)
			}
			got, text := s.listAccounts(t)
			if a := got[tc.account]; a.DaysLeft == nil || *a.DaysLeft != 0 {
				t.Errorf("list_accounts days_left of an expired token: %s", text)
			}
		})
	}
}

func TestAccountsTokenDaysLeft(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		name string
		ttl  time.Duration
		want int // -1: token_days_left absent
	}{
		{"3 days left", 3*day + time.Hour, 3},
		{"6 days left", 6*day + time.Hour, 6},
		{"7 days left", 7*day + time.Hour, -1},
		{"60 days left", 60 * day, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newAcctHarness(t)
			uid := h.user("bob_t")
			now := time.Now()
			h.put(t, state.Account{Name: "work", UserID: uid, Username: "bob_t", Token: h.token(t, uid, tc.ttl),
				ObtainedAt: now, ExpiresAt: now.Add(tc.ttl), Scopes: auth.DefaultScopes})
			s := h.start(t, "")
			out := s.publish(t, "work", "days left "+tc.name)
			res, text, quota := s.call(t, "get_publishing_limit", map[string]any{"account": "work"})
			if res.IsError {
				t.Fatalf("get_publishing_limit: %s", text)
			}
			for _, o := range []map[string]any{out, quota} {
				v, ok := o["token_days_left"]
				switch {
				case tc.want < 0 && ok:
					t.Errorf("token_days_left = %v, want absent", v)
				case tc.want >= 0 && v != float64(tc.want):
					t.Errorf("token_days_left = %v, want %d", v, tc.want)
				}
			}
		})
	}
}

func TestRefreshAtStartup(t *testing.T) {
	for _, tc := range []struct {
		name        string
		age         time.Duration
		wantRefresh bool
	}{
		{"older than 24 h", 25 * time.Hour, true},
		{"younger than 24 h", 23 * time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newAcctHarness(t)
			uid := h.user("bob_t")
			old := h.token(t, uid, 0)
			h.clock.Advance(tc.age) // the emulator sees the token as this old
			now := time.Now()
			h.put(t, state.Account{Name: "work", UserID: uid, Username: "bob_t", Token: old,
				ObtainedAt: now.Add(-tc.age), ExpiresAt: now.Add(60*24*time.Hour - tc.age), Scopes: auth.DefaultScopes})
			st := h.store(t)
			s := h.start(t, "")

			if tc.wantRefresh {
				// No tool call: the refresh must come from start-up alone.
				deadline := time.Now().Add(10 * time.Second)
				var a *state.Account
				for {
					var err error
					if a, err = st.Account(t.Context(), "work"); err != nil {
						t.Fatal(err)
					}
					if a.Token != old || time.Now().After(deadline) {
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
				if a.Token == old {
					t.Fatalf("the token was not refreshed at start-up; log:\n%s", h.logs)
				}
				if a.RefreshedAt.IsZero() || auth.DaysLeft(a.ExpiresAt, time.Now()) < 59 {
					t.Errorf("refreshed account: %v", a)
				}
				h.emu.ExpireToken(old) // calls must now use the refreshed token
			}
			s.publish(t, "work", "after start-up")
			if !h.hasPost(uid, "after start-up") {
				t.Error("not published")
			}
			refreshes := 0
			for _, r := range h.emu.Requests() {
				if strings.HasSuffix(r.Path, "/refresh_access_token") {
					refreshes++
				}
			}
			if want := map[bool]int{true: 1, false: 0}[tc.wantRefresh]; refreshes != want {
				t.Errorf("%d refresh requests, want %d", refreshes, want)
			}
			a, err := st.Account(t.Context(), "work")
			if err != nil {
				t.Fatal(err)
			}
			if (a.Token != old) != tc.wantRefresh {
				t.Errorf("stored token changed = %v, want %v", a.Token != old, tc.wantRefresh)
			}
		})
	}
}

// TestSentinelCheckIsMeaningful proves the leak check of every test in this
// file can fail: tokens carry the sentinel, the debug log is captured (and
// shows requests made with those tokens), and the check flags a leak.
func TestSentinelCheckIsMeaningful(t *testing.T) {
	h := newAcctHarness(t)
	uid := h.user("bob_t")
	h.login(t, "work", uid)
	a, err := h.store(t).Account(t.Context(), "work")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a.Token, sentinel) {
		t.Fatal("a logged-in token lacks the sentinel prefix")
	}
	s := h.start(t, "")
	s.publish(t, "", "sentinel")
	logs := h.logs.String()
	for _, want := range []string{"DEBU", "threads request", "/threads_publish"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the captured server log lacks %q (is debug logging captured?):\n%s", want, logs)
		}
	}
	if !strings.Contains(h.seenText(), "Logged in as @bob_t") || !strings.Contains(h.seenText(), `"account":"bob_t"`) {
		t.Errorf("auth output or tool results are not captured:\n%s", h.seenText())
	}
	// The harness's cleanup check would flag this.
	probe := &acctHarness{}
	probe.record("oops " + a.Token)
	if !strings.Contains(probe.seenText(), sentinel) {
		t.Error("the leak check cannot see a recorded token")
	}
}
