package oauthserver_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"golang.org/x/oauth2"

	"github.com/threads-mcp/threads-mcp/auth"
	"github.com/threads-mcp/threads-mcp/auth/accounts"
	"github.com/threads-mcp/threads-mcp/auth/oauthserver"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/ledger"
	"github.com/threads-mcp/threads-mcp/tools/state"
	"github.com/threads-mcp/threads-mcp/tools/transport"
)

const (
	appID     = "mcp-app"
	appSecret = "mcp-app-secret"
	// clientRedirect is the MCP client's redirect URI: never dialled, the
	// test reads the code from the Location header.
	clientRedirect = "http://127.0.0.1:1/callback"
)

// harness is a threads-mcp HTTP server in OAuth mode over the emulator:
// the built-in authorization server, the resource server guard and the
// tools, with users alice and bob on the emulator.
type harness struct {
	emu   *emulator.Server
	st    *state.Store
	srv   *oauthserver.Server
	pub   string // public URL
	alice string // emulator user ids
	bob   string

	mu     sync.Mutex
	offset time.Duration // added to the server's clock
}

func (h *harness) now() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return time.Now().Add(h.offset)
}

// advance moves the authorization server's clock forward.
func (h *harness) advance(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.offset += d
}

func newHarness(t *testing.T) *harness { t.Helper(); return newHarnessOn(t, "") }

// newHarnessOn is newHarness on the state database db ("" for SQLite, or
// a PostgreSQL URL from statetest).
func newHarnessOn(t *testing.T, db string) *harness {
	t.Helper()
	h := &harness{emu: emulator.NewServer()}
	t.Cleanup(h.emu.Close)
	h.alice = h.emu.AddUser(emulator.UserSpec{Username: "alice"})
	h.bob = h.emu.AddUser(emulator.UserSpec{Username: "bob"})
	st, err := state.Open(t.Context(), t.TempDir(), state.WithDatabase(db))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	h.st = st
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.pub = "http://" + ln.Addr().String()
	h.emu.RegisterApp(appID, appSecret, h.pub+oauthserver.CallbackPath)
	h.srv = h.newServer(t, h.pub)
	h.serve(t, ln, h.srv)
	return h
}

// newServer is an authorization server at pub over the harness's store.
func (h *harness) newServer(t *testing.T, pub string) *oauthserver.Server {
	t.Helper()
	srv, err := oauthserver.New(t.Context(), oauthserver.Config{
		PublicURL: pub, Store: h.st, Clock: h.now,
		Threads: auth.Config{AppID: appID, AppSecret: appSecret, AuthURL: h.emu.URL + "/oauth/authorize", GraphURL: h.emu.URL},
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// serve serves threads-mcp protected by srv on ln, as cmd wires it.
func (h *harness) serve(t *testing.T, ln net.Listener, srv *oauthserver.Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	t.Cleanup(cancel)
	accts, err := accounts.New(ctx, accounts.Options{Store: h.st, BaseURL: h.emu.BaseURL(), AllowEmpty: true})
	if err != nil {
		t.Fatal(err)
	}
	led, err := ledger.Open(t.Context(), h.st)
	if err != nil {
		t.Fatal(err)
	}
	mcpSrv := tools.NewServer(tools.Deps{Accounts: oauthserver.UserAccounts(accts), Settings: h.st, Ledger: led}, "test")
	o := transport.HTTPOptions{Kind: transport.KindHTTP}
	srv.Protect(&o)
	handler, shutdown := transport.NewHandler(mcpSrv, o)
	hs := transport.NewHTTPServer(handler, o)
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() {
		_ = shutdown(context.Background())
		_ = hs.Close()
	})
}

// noRedirect is an HTTP client that returns redirects instead of
// following them.
var noRedirect = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// get fetches u without following redirects.
func get(t *testing.T, u string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// postForm posts form to u (client_secret_basic when basic is set).
func postForm(t *testing.T, u string, form url.Values, basic *[2]string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic != nil {
		req.SetBasicAuth(url.QueryEscape(basic[0]), url.QueryEscape(basic[1]))
	}
	resp, body := do(t, req)
	var m map[string]any
	_ = json.Unmarshal([]byte(body), &m)
	return resp.StatusCode, m
}

func getJSON(t *testing.T, u string) map[string]any {
	t.Helper()
	resp, body := get(t, u)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, body)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return m
}

// client is a registered MCP client.
type client struct {
	id, secret string
	redirect   string
}

// register registers a client with DCR.
func (h *harness) register(t *testing.T, meta map[string]any) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(meta)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, h.pub+oauthserver.RegisterPath, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	resp, body := do(t, req)
	var m map[string]any
	_ = json.Unmarshal([]byte(body), &m)
	return resp.StatusCode, m
}

func (h *harness) newClient(t *testing.T) client {
	t.Helper()
	code, m := h.register(t, map[string]any{"redirect_uris": []string{clientRedirect}, "client_name": "Test <Client>",
		"token_endpoint_auth_method": "none", "grant_types": []string{"authorization_code", "refresh_token"}})
	if code != http.StatusCreated {
		t.Fatalf("register: %d %v", code, m)
	}
	return client{id: m["client_id"].(string), redirect: clientRedirect}
}

// pkce returns a verifier and its S256 challenge.
func pkce() (verifier, challenge string) {
	v := oauth2.GenerateVerifier()
	sum := sha256.Sum256([]byte(v))
	return v, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authParams are a valid authorization request of c.
func (h *harness) authParams(c client, challenge, scope string) url.Values {
	v := url.Values{"client_id": {c.id}, "redirect_uri": {c.redirect}, "response_type": {"code"}, "state": {"st-" + challenge[:8]},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}, "resource": {oauthserver.ResourceURI(h.pub)}}
	if scope != "" {
		v.Set("scope", scope)
	}
	return v
}

var handleRE = regexp.MustCompile(`name="request" value="([^"]+)"`)

// signIn walks a browser through authorize URL authURL as Threads user
// uid: the consent screen (approved), Threads' authorization window (the
// emulator approves as uid) and the callback. It returns the final
// redirect to the client.
func (h *harness) signIn(t *testing.T, authURL, uid string) *url.URL {
	t.Helper()
	resp, page := get(t, authURL)
	if resp.StatusCode != http.StatusOK {
		if loc := resp.Header.Get("Location"); loc != "" {
			u, _ := url.Parse(loc)
			return u
		}
		t.Fatalf("authorize: %d %s", resp.StatusCode, page)
	}
	m := handleRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no consent form in %s", page)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, h.pub+oauthserver.AuthorizePath,
		strings.NewReader(url.Values{"request": {m[1]}, "decision": {"approve"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, _ = do(t, req)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("consent: %d", resp.StatusCode)
	}
	threadsURL, _ := url.Parse(resp.Header.Get("Location"))
	if !strings.HasPrefix(threadsURL.String(), h.emu.URL+"/oauth/authorize") {
		t.Fatalf("consent sent the browser to %s, want Threads' authorization window", threadsURL)
	}
	q := threadsURL.Query()
	q.Set("user_id", uid) // the emulator approves as this user
	threadsURL.RawQuery = q.Encode()
	resp, _ = get(t, threadsURL.String())
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("Threads authorize: %d", resp.StatusCode)
	}
	resp, body := get(t, resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("callback: %d %s", resp.StatusCode, body)
	}
	final, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return final
}

// tokens are the result of a token request.
type tokens struct{ access, refresh, scope string }

func asTokens(t *testing.T) func(int, map[string]any) tokens {
	return func(code int, m map[string]any) tokens {
		t.Helper()
		if code != http.StatusOK {
			t.Fatalf("token: %d %v", code, m)
		}
		s := func(k string) string { v, _ := m[k].(string); return v }
		if s("token_type") != "Bearer" || s("access_token") == "" || s("refresh_token") == "" {
			t.Fatalf("token response %v", m)
		}
		return tokens{access: s("access_token"), refresh: s("refresh_token"), scope: s("scope")}
	}
}

// login runs the whole dance for c as Threads user uid with scope.
func (h *harness) login(t *testing.T, c client, uid, scope string) tokens {
	t.Helper()
	v, ch := pkce()
	final := h.signIn(t, h.pub+oauthserver.AuthorizePath+"?"+h.authParams(c, ch, scope).Encode(), uid)
	code := final.Query().Get("code")
	if code == "" {
		t.Fatalf("no code in %s", final)
	}
	return asTokens(t)(h.exchange(t, c, code, v))
}

func (h *harness) exchange(t *testing.T, c client, code, verifier string) (int, map[string]any) {
	t.Helper()
	return postForm(t, h.pub+oauthserver.TokenPath, url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {c.redirect}, "client_id": {c.id}, "code_verifier": {verifier}, "resource": {oauthserver.ResourceURI(h.pub)}}, nil)
}

func (h *harness) refresh(t *testing.T, c client, refresh string) (int, map[string]any) {
	t.Helper()
	return postForm(t, h.pub+oauthserver.TokenPath, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {c.id}}, nil)
}

// mcpPost sends one JSON-RPC frame to /mcp with token and returns the
// status and the WWW-Authenticate header.
func (h *harness) mcpPost(t *testing.T, token, frame string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, h.pub+"/mcp", strings.NewReader(frame))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, _ := do(t, req)
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate")
}

func callFrame(tool string) string {
	return `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"` + tool + `","arguments":{}}}`
}

// bearerTransport adds a fixed bearer token.
type bearerTransport struct{ token string }

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// session connects the go-sdk client with a fixed token.
func (h *harness) session(t *testing.T, token string) *sdk.ClientSession {
	t.Helper()
	c := sdk.NewClient(&sdk.Implementation{Name: "oauth-test", Version: "0"}, nil)
	cs, err := c.Connect(t.Context(), &sdk.StreamableClientTransport{Endpoint: h.pub + "/mcp",
		HTTPClient: &http.Client{Transport: bearerTransport{token}, Timeout: 30 * time.Second}}, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	return cs
}

// callTool calls tool and returns its structured result (nil on isError)
// and the text.
func callTool(t *testing.T, cs *sdk.ClientSession, tool string, args map[string]any) (map[string]any, string) {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &sdk.CallToolParams{Name: tool, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	var text string
	if len(res.Content) > 0 {
		if tc, ok := res.Content[0].(*sdk.TextContent); ok {
			text = tc.Text
		}
	}
	if res.IsError {
		return nil, text
	}
	m, _ := res.StructuredContent.(map[string]any)
	return m, text
}
