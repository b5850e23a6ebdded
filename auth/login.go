package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
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
	return l.codeFromQuery(u.Query(), false)
}

// codeFromQuery extracts the code from a redirect query, checking state
// (required when requireState is set).
func (l *Login) codeFromQuery(q url.Values, requireState bool) (string, error) {
	if e := q.Get("error"); e != "" {
		desc := q.Get("error_description")
		if desc == "" {
			desc = q.Get("error_reason")
		}
		return "", fmt.Errorf("%w: %s (%s)", ErrAccessDenied, e, desc)
	}
	if q.Has("state") || requireState {
		if q.Get("state") != l.state {
			return "", ErrStateMismatch
		}
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

// ListenAndComplete receives the authorization redirect on this machine. It
// is meant for a redirect URI whose host resolves to 127.0.0.1 (e.g.
// https://localhost.threads-mcp.test:8443/callback with an /etc/hosts
// entry): it serves https on ListenAddr with a self-signed certificate made
// on the spot (the browser will warn once), answers the callback path,
// checks the state (ErrStateMismatch otherwise), completes the login and
// shows a "you can close this tab" page. It returns when the login finished
// or failed, or when ctx is done.
func (l *Login) ListenAndComplete(ctx context.Context) (*state.Account, error) {
	cert, err := selfSignedCert(l.redirect.Hostname())
	if err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", l.ListenAddr())
	if err != nil {
		return nil, fmt.Errorf("auth: listen for the redirect on %s: %w", l.ListenAddr(), err)
	}
	type result struct {
		acct *state.Account
		err  error
	}
	done := make(chan result, 1)
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
		code, err := l.codeFromQuery(r.URL.Query(), true)
		var acct *state.Account
		if err == nil {
			acct, err = l.finish(r.Context(), code)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, page, "Login failed", html.EscapeString(err.Error())+"<br>Return to the terminal for details.")
		} else {
			fmt.Fprintf(w, page, "Logged in", "Logged in to Threads as @"+html.EscapeString(acct.Username)+". You can close this tab.")
		}
		select {
		case done <- result{acct, err}:
		default:
		}
	})
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ErrorLog:          discardLog(),
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.ServeTLS(ln, "", "") }()
	defer func() {
		shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutCtx)
	}()
	select {
	case r := <-done:
		return r.acct, r.err
	case err := <-serveErr:
		return nil, fmt.Errorf("auth: redirect listener: %w", err)
	case <-ctx.Done():
		return nil, fmt.Errorf("auth: waiting for the browser redirect: %w", ctx.Err())
	}
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
