package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/url"

	"golang.org/x/oauth2"

	"github.com/threads-mcp/threads-mcp/tools/state"
)

// WebLogin is a Threads login run by a web server for a visitor, rather
// than by a terminal: the server keeps State and Verifier between sending
// the browser to AuthCodeURL and receiving its redirect, and finishes with
// CompleteWebLogin. It is the same login as Login (PKCE S256, a state
// checked on the redirect, the code exchange, the long-lived token and the
// profile), without the loopback listener.
type WebLogin struct {
	// AuthCodeURL is Threads' authorization window for this login.
	AuthCodeURL string
	// State is the random state the redirect must echo.
	State string
	// Verifier is the PKCE verifier (secret until the exchange).
	Verifier string
}

// StartWebLogin begins a login whose redirect comes to cfg.RedirectURI. The
// caller has validated that URI (Threads itself refuses non-https and
// localhost redirects; the emulator does not).
func StartWebLogin(cfg Config) (*WebLogin, error) {
	if cfg.AppID == "" || cfg.AppSecret == "" {
		return nil, errors.New("auth: the Threads app id and secret are required (THREADS_APP_ID, THREADS_APP_SECRET)")
	}
	if cfg.RedirectURI == "" {
		return nil, errors.New("auth: the Threads redirect URI is required")
	}
	st, v := rand.Text(), oauth2.GenerateVerifier()
	u := cfg.OAuth2().AuthCodeURL(st, oauth2.S256ChallengeOption(v))
	return &WebLogin{AuthCodeURL: u, State: st, Verifier: v}, nil
}

// CompleteWebLogin finishes a login from the query of Threads' redirect:
// it requires the state to be wl's (ErrStateMismatch otherwise), returns
// ErrAccessDenied when the user cancelled, then exchanges the code with
// the verifier, trades the token for a long-lived one and reads the
// profile. The account has no Name; the caller sets it.
func CompleteWebLogin(ctx context.Context, cfg Config, wl WebLogin, q url.Values) (*state.Account, error) {
	u, err := url.Parse(cfg.RedirectURI)
	if err != nil {
		return nil, fmt.Errorf("auth: redirect URI: %w", err)
	}
	if wl.State == "" {
		return nil, ErrStateMismatch
	}
	l := &Login{cfg: cfg, oc: cfg.OAuth2(), state: wl.State, verifier: wl.Verifier, redirect: u}
	code, err := l.codeFromQuery(q, true)
	if err != nil {
		return nil, err
	}
	return l.finish(ctx, code)
}
