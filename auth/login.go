package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"html"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/threads-mcp/threads-mcp/tools/state"
)

// Login is one OAuth login: it holds the random state (and PKCE verifier)
// that the authorization redirect must echo. Create it with NewLogin, show
// AuthCodeURL to the user, then call Complete with what they paste, or
// ListenAndComplete to receive the redirect on this machine.
type Login struct {
	cfg      Config
	oc       *oauth2.Config
	state    string
	verifier string
	redirect *url.URL
}

// NewLogin validates cfg (app id and secret present; redirect URI https,
// with a host that is not localhost or a loopback IP, since Threads refuses
// those) and starts a login with a fresh random state.
func NewLogin(cfg Config) (*Login, error) {
	if cfg.AppID == "" {
		return nil, errors.New("auth: missing Threads app id (--app-id or THREADS_APP_ID)")
	}
	if cfg.AppSecret == "" {
		return nil, errors.New("auth: missing Threads app secret (--app-secret or THREADS_APP_SECRET)")
	}
	u, err := ValidateRedirectURI(cfg.RedirectURI)
	if err != nil {
		return nil, err
	}
	l := &Login{cfg: cfg, oc: cfg.OAuth2(), state: rand.Text(), redirect: u}
	if cfg.PKCE {
		l.verifier = oauth2.GenerateVerifier()
	}
	return l, nil
}

// ValidateRedirectURI checks a redirect URI against Threads' rules: absolute
// https, a host that is neither localhost nor an IP literal on loopback, no
// fragment.
func ValidateRedirectURI(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return nil, fmt.Errorf("auth: invalid redirect URI %q", raw)
	}
	if u.Scheme != "https" {
		return nil, fmt.Errorf("auth: redirect URI %q must use https (Threads refuses http)", raw)
	}
	host := strings.ToLower(u.Hostname())
	if host == "" {
		return nil, fmt.Errorf("auth: redirect URI %q has no host", raw)
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return nil, fmt.Errorf("auth: redirect URI %q: Threads refuses localhost; map a hostname such as localhost.threads-mcp.test to 127.0.0.1 instead", raw)
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.IsLoopback() {
		return nil, fmt.Errorf("auth: redirect URI %q: Threads refuses loopback addresses; map a hostname to 127.0.0.1 instead", raw)
	}
	if u.Fragment != "" {
		return nil, fmt.Errorf("auth: redirect URI %q must not have a fragment", raw)
	}
	return u, nil
}

// AuthCodeURL returns the authorization window URL to open in a browser
// (client_id, redirect_uri, comma-joined scope, response_type=code, state,
// and the PKCE challenge when enabled).
func (l *Login) AuthCodeURL() string {
	var opts []oauth2.AuthCodeOption
	if l.verifier != "" {
		opts = append(opts, oauth2.S256ChallengeOption(l.verifier))
	}
	return l.oc.AuthCodeURL(l.state, opts...)
}

// State returns the login's state value (for tests and diagnostics; it is
// not a secret once the URL has been shown).
func (l *Login) State() string { return l.state }

// Complete finishes the login from what the user pasted: the full redirect
// address (…/callback?code=XYZ&state=…#_) or the bare code. Spaces and the
// trailing "#_" are stripped. When the pasted address carries a state that
// is not this login's, it returns ErrStateMismatch; an error redirect
// returns ErrAccessDenied. It then exchanges the code, trades the token for
// a long-lived one and reads the profile. The returned account has no Name
// and no AppSecret; the caller sets those.
func (l *Login) Complete(ctx context.Context, pasted string) (*state.Account, error) {
	code, err := l.parsePasted(pasted)
	if err != nil {
		return nil, err
	}
	return l.finish(ctx, code)
}

func (l *Login) parsePasted(pasted string) (string, error) {
	p := strings.TrimSpace(pasted)
	if p == "" {
		return "", errors.New("auth: nothing pasted: paste the address your browser was sent to, or the code in it")
	}
	if !strings.Contains(p, "=") && !strings.Contains(p, "://") {
		code := trimCode(p)
		if code == "" || strings.ContainsAny(code, " \t\r\n/?&") {
			return "", errors.New("auth: that does not look like an authorization code")
		}
		return code, nil
	}
	raw := p
	if !strings.Contains(raw, "://") {
		raw = "https://pasted.invalid/?" + strings.TrimPrefix(raw[strings.Index(raw, "?")+1:], "?")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("auth: could not parse the pasted address")
	}
	return l.codeFromQuery(u.Query(), true)
}

// IsBareCode reports whether pasted is a bare authorization code rather
// than a redirect address. A bare code carries no state, so nothing ties it
// to this login: the caller should show whom it logs in as and ask.
func IsBareCode(pasted string) bool {
	p := strings.TrimSpace(pasted)
	return p != "" && !strings.Contains(p, "=") && !strings.Contains(p, "://")
}

// codeFromQuery extracts the code from a redirect query, checking state
// (required when requireState is set).
func (l *Login) codeFromQuery(q url.Values, requireState bool) (string, error) {
	if q.Has("state") || requireState {
		if q.Get("state") != l.state {
			return "", ErrStateMismatch
		}
	}
	if e := q.Get("error"); e != "" {
		desc := q.Get("error_description")
		if desc == "" {
			desc = q.Get("error_reason")
		}
		return "", fmt.Errorf("%w: %s (%s)", ErrAccessDenied, e, desc)
	}
	code := trimCode(q.Get("code"))
	if code == "" {
		return "", errors.New("auth: the redirect address has no code parameter")
	}
	return code, nil
}

func (l *Login) finish(ctx context.Context, code string) (*state.Account, error) {
	var opts []oauth2.AuthCodeOption
	if l.verifier != "" {
		opts = append(opts, oauth2.VerifierOption(l.verifier))
	}
	short, err := exchangeCode(ctx, l.cfg, l.oc, code, opts...)
	if err != nil {
		return nil, err
	}
	long, err := ExchangeLongLived(ctx, l.cfg, short.AccessToken)
	if err != nil {
		return nil, err
	}
	me, err := FetchMe(ctx, l.cfg, long.AccessToken)
	if err != nil {
		return nil, err
	}
	return &state.Account{
		UserID:     me.ID,
		Username:   me.Username,
		Token:      long.AccessToken,
		ObtainedAt: l.cfg.now(),
		ExpiresAt:  long.Expiry,
		Scopes:     l.grantedScopes(ctx, short, long.AccessToken),
		AppID:      l.cfg.AppID,
	}, nil
}

// grantedScopes are the scopes the user actually granted, which may be fewer
// than requested (the authorization window lets the user untick some):
// debug_token's answer when available, else the scopes the code exchange
// returned, else (neither says) the requested ones.
func (l *Login) grantedScopes(ctx context.Context, short *oauth2.Token, token string) []string {
	if s, ok := DebugScopes(ctx, l.cfg, token); ok {
		return s
	}
	if s := responseScopes(short); len(s) > 0 {
		return s
	}
	return append([]string(nil), l.cfg.scopes()...)
}

// ListenAddr returns the loopback address ListenAndComplete listens on: the
// redirect URI's port (443 when absent) on 127.0.0.1.
func (l *Login) ListenAddr() string {
	port := l.redirect.Port()
	if port == "" {
		port = "443"
	}
	return net.JoinHostPort("127.0.0.1", port)
}

// DefaultListenTimeout is how long a Listener waits for the browser's
// redirect when Config.ListenTimeout is zero.
const DefaultListenTimeout = 12 * time.Minute

// ErrListenTimeout means no redirect for this login reached the listener in time.
var ErrListenTimeout = errors.New("auth: no authorization redirect arrived")

// Listener receives the authorization redirect of one Login on this
// machine. Make it with Login.Listen before showing AuthCodeURL: the port is
// then already this process's, so no other local user can bind it first and
// receive the code.
//
// Requests to the callback path that do not carry this login's state (a
// forged or stale redirect, an ?error= without state) are answered 400 and
// the login keeps waiting. The first redirect with the right state decides
// the one outcome: its code is exchanged under the listener's context (a
// browser that disconnects does not abort it), and every request with the
// right state — the first, a reload, a second tab — is answered with that
// same outcome, which Wait returns to the terminal.
type Listener struct {
	l    *Login
	ln   net.Listener
	srv  *http.Server
	ctx  context.Context
	stop context.CancelFunc

	once    sync.Once
	decided chan struct{} // closed once acct/err are set
	acct    *state.Account
	err     error
	serve   chan error
}

// Listen binds ListenAddr and starts serving https on it with a self-signed
// certificate made on the spot (the browser warns once). ctx bounds the
// code exchange. Close it (Wait does) when done.
func (l *Login) Listen(ctx context.Context) (*Listener, error) {
	cert, err := selfSignedCert(l.redirect.Hostname())
	if err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", l.ListenAddr())
	if err != nil {
		return nil, fmt.Errorf("auth: cannot listen for the redirect on %s (another program, possibly another user's, holds the port; "+
			"the authorization address was not shown, so nothing leaked): %w", l.ListenAddr(), err)
	}
	lctx, stop := context.WithCancel(context.WithoutCancel(ctx))
	x := &Listener{l: l, ln: ln, ctx: lctx, stop: stop, decided: make(chan struct{}), serve: make(chan error, 1)}
	path := l.redirect.EscapedPath()
	if path == "" {
		path = "/"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.EscapedPath() != path || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		q := r.URL.Query()
		if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(l.state)) != 1 {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, page, "Not this login", "This address does not belong to the login running in your terminal "+
				"(its state is missing or different). The login is still waiting for its own redirect.")
			return
		}
		x.decide(q)
		select {
		case <-x.decided:
		case <-r.Context().Done():
			// The tab gave up: abort the response rather than let net/http
			// answer it with an empty 200 page.
			panic(http.ErrAbortHandler)
		}
		if x.err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, page, "Login failed", html.EscapeString(x.err.Error())+"<br>Return to the terminal for details.")
			return
		}
		fmt.Fprintf(w, page, "Logged in", "Logged in to Threads as @"+html.EscapeString(x.acct.Username)+". You can close this tab.")
	})
	x.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ErrorLog:          discardLog(),
		BaseContext:       func(net.Listener) context.Context { return lctx },
	}
	go func() { x.serve <- x.srv.ServeTLS(ln, "", "") }()
	return x, nil
}

// decide starts the one exchange, for the first redirect with the right state.
func (x *Listener) decide(q url.Values) {
	x.once.Do(func() {
		go func() {
			code, err := x.l.codeFromQuery(q, true)
			var acct *state.Account
			if err == nil {
				acct, err = x.l.finish(x.ctx, code)
			}
			x.acct, x.err = acct, err
			close(x.decided)
		}()
	})
}

// Addr is the address the listener is bound to.
func (x *Listener) Addr() string { return x.ln.Addr().String() }

// Wait returns the login's one outcome, or ErrListenTimeout after the
// listen timeout (Config.ListenTimeout, DefaultListenTimeout when zero), or
// ctx's error. It closes the listener.
func (x *Listener) Wait(ctx context.Context) (*state.Account, error) {
	defer x.Close()
	timeout := x.l.cfg.ListenTimeout
	if timeout <= 0 {
		timeout = DefaultListenTimeout
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-x.decided:
		return x.acct, x.err
	case err := <-x.serve:
		return nil, fmt.Errorf("auth: redirect listener: %w", err)
	case <-timer.C:
		return nil, fmt.Errorf("%w at %s within %v: the browser never came back with this login's code "+
			"(was the address opened and approved, and does the redirect host map to 127.0.0.1?); run the login again", ErrListenTimeout, x.l.redirect.Host, timeout)
	case <-ctx.Done():
		return nil, fmt.Errorf("auth: waiting for the browser redirect: %w", ctx.Err())
	}
}

// Close stops the listener, letting requests in flight get their answer.
func (x *Listener) Close() {
	shutCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = x.srv.Shutdown(shutCtx)
	x.stop()
}

// ListenAndComplete is Listen followed by Wait. Prefer calling them apart,
// showing AuthCodeURL in between, so the port is bound before the address
// is shown.
func (l *Login) ListenAndComplete(ctx context.Context) (*state.Account, error) {
	x, err := l.Listen(ctx)
	if err != nil {
		return nil, err
	}
	return x.Wait(ctx)
}

const page = `<!doctype html><html><head><meta charset="utf-8"><title>threads-mcp: %[1]s</title></head>
<body style="font-family:sans-serif;margin:3em"><h1>%[1]s</h1><p>%[2]s</p></body></html>`

// selfSignedCert makes a short-lived ECDSA P-256 certificate for host and
// 127.0.0.1.
func selfSignedCert(host string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("auth: generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("auth: serial: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: host, Organization: []string{"threads-mcp login"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	if net.ParseIP(host) == nil {
		tmpl.DNSNames = []string{host}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("auth: self-signed certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// ResolvesToLoopback reports whether host resolves only to loopback
// addresses on this machine (so ListenAndComplete can receive the redirect).
func ResolvesToLoopback(ctx context.Context, host string) bool {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return false
	}
	for _, a := range addrs {
		if !a.Unmap().IsLoopback() {
			return false
		}
	}
	return true
}
