package auth_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/auth"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools/state"
	"github.com/threads-mcp/threads-mcp/tools/state/statetest"
)

const pasteRedirect = "https://threads-mcp.test/callback"

// env is one emulator plus a Config pointing at it.
type env struct {
	srv   *emulator.Server
	clock *emulator.ManualClock
	cfg   auth.Config
}

func newEnv(t *testing.T, opts ...emulator.Option) *env {
	t.Helper()
	clock := emulator.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	srv := emulator.NewServer(append([]emulator.Option{emulator.WithDemoWorld(), emulator.WithClock(clock)}, opts...)...)
	t.Cleanup(srv.Close)
	id, secret := srv.DemoApp()
	return &env{srv: srv, clock: clock, cfg: auth.Config{
		AppID: id, AppSecret: secret, RedirectURI: pasteRedirect,
		AuthURL: srv.URL + "/oauth/authorize", GraphURL: srv.URL,
		HTTPClient: srv.Client(), Clock: clock.Now,
	}}
}

// approve plays the user approving the authorization window: it GETs the
// authorize URL (optionally as userID, or denying) and returns the Location
// the emulator redirects to.
func approve(t *testing.T, authURL string, extra url.Values) string {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	for k, v := range extra {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("authorize: HTTP %d", resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

func (e *env) login(t *testing.T, userID string) *state.Account {
	t.Helper()
	l, err := auth.NewLogin(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	extra := url.Values{}
	if userID != "" {
		extra.Set("user_id", userID)
	}
	a, err := l.Complete(t.Context(), approve(t, l.AuthCodeURL(), extra))
	if err != nil {
		t.Fatalf("Complete: %v", err)
	}
	return a
}

func TestNewLoginValidation(t *testing.T) {
	base := auth.Config{AppID: "1", AppSecret: "s", RedirectURI: pasteRedirect}
	tests := []struct {
		name   string
		mutate func(*auth.Config)
		want   string // substring of the error; "" = ok
	}{
		{"ok", func(*auth.Config) {}, ""},
		{"ok with port", func(c *auth.Config) { c.RedirectURI = "https://localhost.threads-mcp.test:8443/callback" }, ""},
		{"http", func(c *auth.Config) { c.RedirectURI = "http://threads-mcp.test/callback" }, "https"},
		{"localhost", func(c *auth.Config) { c.RedirectURI = "https://localhost:8443/callback" }, "localhost"},
		{"LOCALHOST", func(c *auth.Config) { c.RedirectURI = "https://LocalHost/cb" }, "localhost"},
		{"loopback ip", func(c *auth.Config) { c.RedirectURI = "https://127.0.0.1:8443/cb" }, "loopback"},
		{"empty", func(c *auth.Config) { c.RedirectURI = "" }, "redirect"},
		{"no app id", func(c *auth.Config) { c.AppID = "" }, "app id"},
		{"no secret", func(c *auth.Config) { c.AppSecret = "" }, "app secret"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			tc.mutate(&c)
			_, err := auth.NewLogin(c)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want containing %q", err, tc.want)
			}
		})
	}
}

func TestAuthCodeURL(t *testing.T) {
	for _, pkce := range []bool{false, true} {
		cfg := auth.Config{AppID: "123", AppSecret: "s", RedirectURI: pasteRedirect, PKCE: pkce}
		l1, _ := auth.NewLogin(cfg)
		l2, _ := auth.NewLogin(cfg)
		u, err := url.Parse(l1.AuthCodeURL())
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if u.Scheme+"://"+u.Host+u.Path != auth.DefaultAuthURL {
			t.Errorf("auth URL = %s", u)
		}
		want := map[string]string{"client_id": "123", "redirect_uri": pasteRedirect, "response_type": "code",
			"scope": strings.Join(auth.DefaultScopes, ","), "state": l1.State()}
		for k, v := range want {
			if q.Get(k) != v {
				t.Errorf("%s = %q, want %q", k, q.Get(k), v)
			}
		}
		if len(l1.State()) < 16 || l1.State() == l2.State() {
			t.Errorf("state not random: %q %q", l1.State(), l2.State())
		}
		if got := q.Get("code_challenge") != ""; got != pkce {
			t.Errorf("PKCE=%v but code_challenge present=%v", pkce, got)
		}
	}
	if got := (auth.Config{}).OAuth2().Endpoint.TokenURL; got != "https://graph.threads.net/oauth/access_token" {
		t.Errorf("default token URL %s", got)
	}
	if got := (auth.Config{GraphURL: "http://x/v1.0/"}).OAuth2().Endpoint.TokenURL; got != "http://x/oauth/access_token" {
		t.Errorf("versioned graph URL not trimmed: %s", got)
	}
}

func TestLoginPaste(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name  string
		paste func(loc string) string
	}{
		{"full redirect URL with #_ and spaces", func(loc string) string { return "  " + loc + " \n" }},
		{"bare code with #_", func(loc string) string {
			u, _ := url.Parse(loc)
			return " " + u.Query().Get("code") + "#_\n"
		}},
		{"query only", func(loc string) string {
			u, _ := url.Parse(loc)
			return "?" + u.RawQuery
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := auth.NewLogin(e.cfg)
			if err != nil {
				t.Fatal(err)
			}
			loc := approve(t, l.AuthCodeURL(), nil)
			if !strings.HasSuffix(loc, "#_") || !strings.HasPrefix(loc, pasteRedirect+"?") {
				t.Fatalf("unexpected redirect %q", loc)
			}
			a, err := l.Complete(t.Context(), tc.paste(loc))
			if err != nil {
				t.Fatalf("Complete: %v", err)
			}
			if a.UserID != e.srv.DemoUserID() || a.Username == "" || a.Token == "" || a.AppID != e.cfg.AppID || a.AppSecret != "" {
				t.Fatalf("account = %+v", a)
			}
			now := e.clock.Now()
			if !a.ObtainedAt.Equal(now) || a.ExpiresAt.Sub(now) < 59*24*time.Hour || a.ExpiresAt.Sub(now) > 61*24*time.Hour {
				t.Fatalf("times: obtained %v expires %v (now %v)", a.ObtainedAt, a.ExpiresAt, now)
			}
			if auth.DaysLeft(a.ExpiresAt, now) < 59 {
				t.Fatalf("DaysLeft = %d", auth.DaysLeft(a.ExpiresAt, now))
			}
			me, err := auth.FetchMe(t.Context(), e.cfg, a.Token) // the stored token works
			if err != nil || me.ID != a.UserID {
				t.Fatalf("FetchMe = %+v, %v", me, err)
			}
		})
	}
}

func TestLoginRefusals(t *testing.T) {
	e := newEnv(t)
	l, err := auth.NewLogin(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	loc := approve(t, l.AuthCodeURL(), nil)

	// Wrong state: refused before any exchange, so the code stays usable.
	forged := strings.Replace(loc, "state="+url.QueryEscape(l.State()), "state=forged", 1)
	if forged == loc {
		t.Fatal("state not found in redirect")
	}
	if _, err := l.Complete(t.Context(), forged); !errors.Is(err, auth.ErrStateMismatch) {
		t.Fatalf("forged state: %v", err)
	}
	// Another login's redirect is refused too.
	other, _ := auth.NewLogin(e.cfg)
	if _, err := other.Complete(t.Context(), loc); !errors.Is(err, auth.ErrStateMismatch) {
		t.Fatalf("other login's state: %v", err)
	}
	if _, err := l.Complete(t.Context(), loc); err != nil {
		t.Fatalf("genuine redirect after refusals: %v", err)
	}
	// Reused code.
	_, err = l.Complete(t.Context(), loc)
	var api *auth.APIError
	if !errors.As(err, &api) || !strings.Contains(api.Message, "already used") || api.Type != "OAuthException" {
		t.Fatalf("reused code: %v", err)
	}
	// User denied.
	denied := approve(t, l.AuthCodeURL(), url.Values{"deny": {"true"}})
	if _, err := l.Complete(t.Context(), denied); !errors.Is(err, auth.ErrAccessDenied) {
		t.Fatalf("denied: %v", err)
	}
	// Garbage.
	for _, p := range []string{"", "   ", "a b c", pasteRedirect + "?state=" + l.State()} {
		if _, err := l.Complete(t.Context(), p); err == nil {
			t.Errorf("Complete(%q) succeeded", p)
		}
	}
	// Wrong app secret: the exchange fails with a typed error, no secret in it.
	bad := e.cfg
	bad.AppSecret = "WRONG-SECRET-SENTINEL"
	lb, _ := auth.NewLogin(bad)
	_, err = lb.Complete(t.Context(), approve(t, lb.AuthCodeURL(), nil))
	if !errors.As(err, &api) || strings.Contains(err.Error(), "WRONG-SECRET-SENTINEL") {
		t.Fatalf("bad secret: %v", err)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// browse GETs the redirect Location on the local listener (as the browser
// would, with the host mapped to 127.0.0.1), retrying until it listens.
func browse(t *testing.T, loc string, port int) (int, string) {
	t.Helper()
	u, _ := url.Parse(loc)
	u.Host = fmt.Sprintf("127.0.0.1:%d", port)
	u.Fragment = ""
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := c.Get(u.String())
		if err == nil {
			var b bytes.Buffer
			_, _ = b.ReadFrom(resp.Body)
			resp.Body.Close()
			return resp.StatusCode, b.String()
		}
		if time.Now().After(deadline) {
			t.Fatalf("browser could not reach the listener: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// listenLogin is a login whose redirect goes to a free local port, with its
// Listener already bound.
func listenLogin(t *testing.T, e *env, timeout time.Duration) (*auth.Login, *auth.Listener, int) {
	t.Helper()
	port := freePort(t)
	redirect := fmt.Sprintf("https://localhost.threads-mcp.test:%d/callback", port)
	e.srv.RegisterApp("listen-app", "listen-secret", redirect)
	cfg := e.cfg
	cfg.AppID, cfg.AppSecret, cfg.RedirectURI, cfg.ListenTimeout, cfg.PKCE = "listen-app", "listen-secret", redirect, timeout, true
	l, err := auth.NewLogin(cfg)
	if err != nil {
		t.Fatal(err)
	}
	x, err := l.Listen(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	return l, x, port
}

type loginResult struct {
	a   *state.Account
	err error
}

func waitLogin(t *testing.T, x *auth.Listener) <-chan loginResult {
	done := make(chan loginResult, 1)
	go func() {
		a, err := x.Wait(t.Context())
		done <- loginResult{a, err}
	}()
	return done
}

// TestListenAndComplete: stray requests to the callback (wrong state, no
// state, ?error= without state) are answered 400 and the login keeps
// waiting; the genuine redirect completes it; a denial carrying the state
// ends it as denied.
func TestListenAndComplete(t *testing.T) {
	e := newEnv(t)
	l, x, port := listenLogin(t, e, time.Minute)
	done := waitLogin(t, x)
	loc := approve(t, l.AuthCodeURL(), nil)
	u, _ := url.Parse(loc)
	if !strings.Contains(l.AuthCodeURL(), "code_challenge=") {
		t.Error("PKCE is not in the authorize address")
	}
	for _, stray := range []string{
		regexpState(loc, "forged"),
		strings.Replace(loc, "state=", "x=", 1),
		u.Scheme + "://" + u.Host + u.Path + "?error=access_denied&error_description=nope",
	} {
		if status, body := browse(t, stray, port); status != http.StatusBadRequest || !strings.Contains(body, "still waiting") {
			t.Errorf("stray %q: HTTP %d %s", stray, status, body)
		}
		select {
		case r := <-done:
			t.Fatalf("a stray request ended the login: %+v %v", r.a, r.err)
		default:
		}
	}
	status, body := browse(t, loc, port)
	if status != http.StatusOK || !strings.Contains(body, "close this tab") {
		t.Fatalf("genuine redirect: HTTP %d %s", status, body)
	}
	r := <-done
	if r.err != nil || r.a.UserID != e.srv.DemoUserID() || strings.Contains(body, r.a.Token) {
		t.Fatalf("Wait = %+v, %v", r.a, r.err)
	}

	t.Run("denied with the state", func(t *testing.T) {
		l, x, port := listenLogin(t, e, time.Minute)
		done := waitLogin(t, x)
		denied := approve(t, l.AuthCodeURL(), url.Values{"deny": {"true"}})
		if status, _ := browse(t, denied, port); status != http.StatusBadRequest {
			t.Errorf("denial page HTTP %d", status)
		}
		if r := <-done; !errors.Is(r.err, auth.ErrAccessDenied) {
			t.Fatalf("err = %v", r.err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		_, x, _ := listenLogin(t, e, 150*time.Millisecond)
		r := <-waitLogin(t, x)
		if !errors.Is(r.err, auth.ErrListenTimeout) || !strings.Contains(r.err.Error(), "run the login again") {
			t.Fatalf("err = %v", r.err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		_, x, _ := listenLogin(t, e, time.Minute)
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		if _, err := x.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestListenTwoCallbacks: two requests with the right state in flight at
// once (a double click, a reload, a browser retrying) get the same outcome
// as the terminal, and one that disconnects mid-exchange does not burn the
// code.
func TestListenTwoCallbacks(t *testing.T) {
	e := newEnv(t, emulator.WithLatency(200*time.Millisecond))
	l, x, port := listenLogin(t, e, time.Minute)
	done := waitLogin(t, x)
	loc := approve(t, l.AuthCodeURL(), nil)

	// A browser that gives up after 50 ms, in the middle of the exchange.
	u, _ := url.Parse(loc)
	u.Host, u.Fragment = fmt.Sprintf("127.0.0.1:%d", port), ""
	impatient := &http.Client{Timeout: 50 * time.Millisecond, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	// It has given up unless it read the whole page within its timeout
	// (the client's timeout covers reading the body too).
	if resp, err := impatient.Get(u.String()); err == nil {
		b, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		if rerr == nil {
			t.Fatalf("the exchange answered within 50 ms despite the latency (HTTP %d %q): the test proves nothing", resp.StatusCode, b)
		}
	}
	type page struct {
		status int
		body   string
	}
	pages := make(chan page, 2)
	for range 2 {
		go func() { s, b := browse(t, loc, port); pages <- page{s, b} }()
	}
	r := <-done
	if r.err != nil {
		t.Fatalf("terminal: %v", r.err)
	}
	for range 2 {
		p := <-pages
		if p.status != http.StatusOK || !strings.Contains(p.body, "@"+r.a.Username) {
			t.Errorf("a tab says HTTP %d %q while the terminal logged in as @%s", p.status, p.body, r.a.Username)
		}
	}
}

func regexpState(loc, state string) string {
	u, _ := url.Parse(loc)
	q := u.Query()
	q.Set("state", state)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestRefreshTiming(t *testing.T) {
	e := newEnv(t)
	a := e.login(t, "")
	_, err := auth.Refresh(t.Context(), e.cfg, a.Token)
	var re *auth.RefreshError
	if !errors.Is(err, auth.ErrTooYoung) || !errors.As(err, &re) || re.API == nil {
		t.Fatalf("refresh at 0h: %v", err)
	}
	e.clock.Advance(23 * time.Hour)
	if _, err := auth.Refresh(t.Context(), e.cfg, a.Token); !errors.Is(err, auth.ErrTooYoung) {
		t.Fatalf("refresh at 23h: %v", err)
	}
	e.clock.Advance(2 * time.Hour)
	tok, err := auth.Refresh(t.Context(), e.cfg, a.Token)
	if err != nil {
		t.Fatalf("refresh at 25h: %v", err)
	}
	if tok.AccessToken == "" || tok.Expiry.Sub(e.clock.Now()) < 59*24*time.Hour {
		t.Fatalf("refreshed token %+v", tok)
	}
	if _, err := auth.FetchMe(t.Context(), e.cfg, tok.AccessToken); err != nil {
		t.Fatalf("refreshed token rejected: %v", err)
	}
	e.clock.Advance(61 * 24 * time.Hour)
	if _, err := auth.Refresh(t.Context(), e.cfg, tok.AccessToken); !errors.Is(err, auth.ErrTokenExpired) {
		t.Fatalf("refresh after expiry: %v", err)
	}
}

func openStore(t *testing.T, dir string) *state.Store {
	t.Helper()
	s, err := state.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestTokenSourceRefreshAndExpiry(t *testing.T) {
	e := newEnv(t)
	st := openStore(t, t.TempDir())
	for _, name := range []string{auth.DefaultAccountName, "work"} {
		a := e.login(t, "")
		a.Name = name
		if err := st.PutAccount(t.Context(), *a); err != nil {
			t.Fatal(err)
		}
	}
	ts, err := auth.NewTokenSource(t.Context(), st, "work", e.cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := st.Account(t.Context(), "work")
	tok, err := ts.Token()
	if err != nil || tok.AccessToken != stored.Token || ts.DaysLeft() < 59 {
		t.Fatalf("fresh token: %v %v days=%d", tok, err, ts.DaysLeft())
	}
	e.srv.ResetRequests()
	e.clock.Advance(23 * time.Hour)
	if tok2, _ := ts.Token(); tok2.AccessToken != stored.Token || refreshCalls(e) != 0 {
		t.Fatalf("refreshed before 24 h (%d calls)", refreshCalls(e))
	}
	e.clock.Advance(2 * time.Hour)
	tok3, err := ts.Token()
	if err != nil || tok3.AccessToken == stored.Token || refreshCalls(e) != 1 {
		t.Fatalf("no refresh at 25 h: %v calls=%d", err, refreshCalls(e))
	}
	after, _ := st.Account(t.Context(), "work")
	if after.Token != tok3.AccessToken || !after.RefreshedAt.Equal(e.clock.Now()) {
		t.Fatalf("store not updated: %+v", after)
	}
	if _, err := ts.Token(); err != nil || refreshCalls(e) != 1 {
		t.Fatalf("refreshed twice: calls=%d err=%v", refreshCalls(e), err)
	}

	// Expired: message names the exact command.
	e.clock.Advance(61 * 24 * time.Hour)
	for name, want := range map[string]string{
		"work":                  "run `threads-mcp auth login --account work`",
		auth.DefaultAccountName: "run `threads-mcp auth login`",
	} {
		ts, err := auth.NewTokenSource(t.Context(), st, name, e.cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ts.Token()
		var xe *auth.ExpiredError
		if !errors.Is(err, auth.ErrTokenExpired) || !errors.As(err, &xe) || !strings.HasSuffix(err.Error(), want) {
			t.Fatalf("%s expired: %v", name, err)
		}
		if name == auth.DefaultAccountName && strings.Contains(err.Error(), "--account") {
			t.Fatalf("default account message names --account: %v", err)
		}
		if ts.DaysLeft() != 0 {
			t.Fatalf("DaysLeft after expiry = %d", ts.DaysLeft())
		}
	}
	if _, err := auth.NewTokenSource(t.Context(), st, "ghost", e.cfg, nil); !errors.Is(err, state.ErrNoAccount) {
		t.Fatalf("unknown account: %v", err)
	}
}

func refreshCalls(e *env) int {
	n := 0
	for _, r := range e.srv.Requests() {
		if strings.Contains(r.Path, "refresh_access_token") {
			n++
		}
	}
	return n
}

// TestTwoProcessesRefresh: two Store handles and two TokenSources (as two
// server processes) refresh at once; exactly one refresh reaches Threads,
// both end up with the stored token, and Threads accepts it, even when the
// emulator revokes a token once it has been refreshed.
// TestTwoProcessesRefresh: token sources of several stores (processes, or
// replicas on PostgreSQL) on one database, all due at once, refresh the
// token once and all use the new one.
func TestTwoProcessesRefresh(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		e := newEnv(t, emulator.WithConfig(emulator.Config{RevokeOldTokenOnRefresh: true}))
		dir := t.TempDir()
		var stores []*state.Store
		for range 4 {
			s, err := state.Open(t.Context(), dir, state.WithDatabase(db))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			stores = append(stores, s)
		}
		a := e.login(t, "")
		a.Name = "default"
		if err := stores[0].PutAccount(t.Context(), *a); err != nil {
			t.Fatal(err)
		}
		var sources []*auth.TokenSource
		for i, st := range stores {
			query := ""
			if i%2 == 1 {
				query = a.Username // resolved by username
			}
			ts, err := auth.NewTokenSource(t.Context(), st, query, e.cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			sources = append(sources, ts)
		}
		e.clock.Advance(25 * time.Hour)
		e.srv.ResetRequests()
		var wg sync.WaitGroup
		toks := make([]string, len(sources))
		for i, ts := range sources {
			wg.Go(func() {
				tok, err := ts.Token()
				if err != nil {
					t.Errorf("Token: %v", err)
					return
				}
				toks[i] = tok.AccessToken
			})
		}
		wg.Wait()
		stored, _ := stores[1].Account(t.Context(), "default")
		for i, tok := range toks {
			if tok != stored.Token || stored.Token == a.Token {
				t.Fatalf("tokens diverge: source %d has %.8s, stored=%.8s", i, tok, stored.Token)
			}
		}
		if n := refreshCalls(e); n != 1 {
			t.Fatalf("%d refresh calls, want 1", n)
		}
		if _, err := auth.FetchMe(t.Context(), e.cfg, stored.Token); err != nil {
			t.Fatalf("stored token rejected: %v", err)
		}
	})
}

func TestTokenSourceReloadAndStart(t *testing.T) {
	e := newEnv(t)
	st := openStore(t, t.TempDir())
	a := e.login(t, "")
	a.Name = "default"
	if err := st.PutAccount(t.Context(), *a); err != nil {
		t.Fatal(err)
	}
	ts, err := auth.NewTokenSource(t.Context(), st, "", e.cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := ts.Reload(t.Context()); err != nil || changed {
		t.Fatalf("Reload without change = %v, %v", changed, err)
	}
	b := e.login(t, "") // a new login by another process
	b.Name = "default"
	if err := st.PutAccount(t.Context(), *b); err != nil {
		t.Fatal(err)
	}
	if changed, err := ts.Reload(t.Context()); err != nil || !changed {
		t.Fatalf("Reload after new login = %v, %v", changed, err)
	}
	if tok, _ := ts.Token(); tok.AccessToken != b.Token {
		t.Fatal("Token does not return the reloaded token")
	}
	// Start refreshes at start-up when due.
	e.clock.Advance(25 * time.Hour)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	ts.Start(ctx)
	deadline := time.Now().Add(5 * time.Second)
	for {
		cur, _ := st.Account(t.Context(), "default")
		if cur.Token != b.Token {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Start did not refresh")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Logout elsewhere: Reload reports it.
	if err := st.DeleteAccount(t.Context(), "default"); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Reload(t.Context()); !errors.Is(err, state.ErrNoAccount) {
		t.Fatalf("Reload after logout: %v", err)
	}
}

func TestEnvTokenSource(t *testing.T) {
	e := newEnv(t)
	a := e.login(t, "")
	ts := auth.NewEnvTokenSource(a.Token, e.cfg)
	if ts.DaysLeft() != -1 {
		t.Fatalf("DaysLeft unknown = %d", ts.DaysLeft())
	}
	if tok, err := ts.Token(); err != nil || tok.AccessToken != a.Token {
		t.Fatal(err)
	}
	if changed, err := ts.Reload(t.Context()); changed || err != nil {
		t.Fatal("env Reload changed")
	}
	e.clock.Advance(25 * time.Hour)
	tok, err := ts.Token()
	if err != nil || tok.AccessToken == a.Token || ts.DaysLeft() < 59 {
		t.Fatalf("env refresh: %v days=%d", err, ts.DaysLeft())
	}
	// Expired at the API although unknown locally.
	ts2 := auth.NewEnvTokenSource(tok.AccessToken, e.cfg)
	e.srv.ExpireToken(tok.AccessToken)
	e.clock.Advance(25 * time.Hour)
	_, err = ts2.Token()
	if !errors.Is(err, auth.ErrTokenExpired) || !strings.Contains(err.Error(), "THREADS_ACCESS_TOKEN") ||
		!strings.Contains(err.Error(), "run `threads-mcp auth login`") {
		t.Fatalf("env expired: %v", err)
	}
}

func TestSeveralAccounts(t *testing.T) {
	e := newEnv(t)
	st := openStore(t, t.TempDir())
	users := map[string]string{"personal": "alice_t", "work": "bob_corp"}
	for name, username := range users {
		id := e.srv.AddUser(emulator.UserSpec{Username: username})
		a := e.login(t, id)
		if a.Username != username || a.UserID != id {
			t.Fatalf("login as %s gave %+v", username, a)
		}
		a.Name = name
		if err := st.PutAccount(t.Context(), *a); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{"personal", "alice_t", "@alice_t", "work", "bob_corp"} {
		ts, err := auth.NewTokenSource(t.Context(), st, q, e.cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		tok, _ := ts.Token()
		me, err := auth.FetchMe(t.Context(), e.cfg, tok.AccessToken)
		if err != nil {
			t.Fatal(err)
		}
		want := users[q]
		if want == "" {
			want = strings.TrimPrefix(q, "@")
		}
		if me.Username != want {
			t.Errorf("%q resolved to @%s", q, me.Username)
		}
	}
}

// TestSentinelNeverLeaks drives logins, refreshes, failures and expiry with
// slog capturing at debug level, and checks that no token, secret or code
// appears in any log line, error or redacted URL.
func TestSentinelNeverLeaks(t *testing.T) {
	e := newEnv(t)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	st := openStore(t, t.TempDir())
	a := e.login(t, "")
	a.Name = "default"
	_ = st.PutAccount(t.Context(), *a)
	secrets := []string{a.Token, e.cfg.AppSecret}
	var errs []error

	ts, _ := auth.NewTokenSource(t.Context(), st, "", e.cfg, logger)
	e.clock.Advance(25 * time.Hour)
	tok, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	secrets = append(secrets, tok.AccessToken)
	logger.Info("account", "acct", ts.Account())
	errs = append(errs, ts.Refresh(t.Context())) // too young now

	// A dead server: transport errors must not carry the token or secret.
	dead := e.cfg
	dead.GraphURL = "http://127.0.0.1:1"
	_, err = auth.Refresh(t.Context(), dead, tok.AccessToken)
	errs = append(errs, err)
	_, err = auth.ExchangeLongLived(t.Context(), dead, tok.AccessToken)
	errs = append(errs, err)
	// Token refresh failure is logged.
	ts2, _ := auth.NewTokenSource(t.Context(), st, "", dead, logger)
	e.clock.Advance(25 * time.Hour)
	if _, err := ts2.Token(); err != nil {
		t.Fatalf("a failed refresh of a valid token must not fail Token: %v", err)
	}
	// A server that echoes the token in its error message.
	echo := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		fmt.Fprintf(w, `{"error":{"message":"bad token %s / %s","type":"OAuthException","code":190}}`,
			r.URL.Query().Get("access_token"), r.URL.Query().Get("client_secret"))
	})}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go echo.Serve(ln)
	defer echo.Close()
	echoCfg := e.cfg
	echoCfg.GraphURL = "http://" + ln.Addr().String()
	echoCfg.HTTPClient = nil
	_, err = auth.Refresh(t.Context(), echoCfg, tok.AccessToken)
	errs = append(errs, err)
	_, err = auth.ExchangeLongLived(t.Context(), echoCfg, tok.AccessToken)
	errs = append(errs, err)
	e.clock.Advance(70 * 24 * time.Hour)
	_, err = ts.Token()
	errs = append(errs, err)

	var all strings.Builder
	all.WriteString(logs.String())
	for _, err := range errs {
		if err == nil {
			t.Fatal("expected an error")
		}
		for e := err; e != nil; e = errors.Unwrap(e) { // every layer of the chain
			all.WriteString(e.Error() + "\n")
			all.WriteString(fmt.Sprintf("%+v %#v\n", e, e))
		}
	}
	all.WriteString(auth.RedactURL("https://graph.threads.net/refresh_access_token?grant_type=th_refresh_token&access_token=" + tok.AccessToken + "&client_secret=" + e.cfg.AppSecret))
	if !strings.Contains(logs.String(), "refresh") {
		t.Fatalf("expected refresh log lines, got %s", logs.String())
	}
	for _, s := range secrets {
		if strings.Contains(all.String(), s) {
			t.Fatalf("secret %.6s… leaked in:\n%s", s, all.String())
		}
	}
}
