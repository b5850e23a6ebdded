// Package auth handles Threads accounts: the OAuth login (authorization
// window, code exchange, long-lived token exchange), token refresh, and an
// oauth2.TokenSource that keeps a stored account's token fresh across the
// several server processes that may share one state database.
//
// Threads' token lifecycle is not standard OAuth 2.0 (Meta documents it at
// https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
// and https://developers.facebook.com/docs/threads/get-started/long-lived-tokens):
// the code exchange yields a 1-hour token, th_exchange_token turns it into a
// 60-day token, and th_refresh_token refreshes a long-lived token that is at
// least 24 hours old and not yet expired, using the token itself as the
// refresh credential. golang.org/x/oauth2 builds the authorization URL and
// performs the code exchange; the rest is implemented here.
//
// The layers, bottom up: a TokenSource owns one account's token (it re-reads
// the stored account on every use, refreshes it when due, coordinates with
// other processes through a lease in the state store, and never holds its
// lock across I/O). A Transport puts a TokenSource under an http.Client: it
// sets the bearer, fails at once with the account's own error when the
// token is unusable, and on a code-190 answer reloads and retries once — so
// every API call made through that client gets the same token handling. A
// Login obtains the token in the first place (PKCE, a state checked on every
// path, the callback port bound before the address is shown).
//
// Secrets (tokens, app secret, authorization codes) never appear in log
// lines, error strings or returned URLs: query parameters carrying them are
// redacted from every *url.Error, and API error messages are scrubbed.
package auth

import (
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/threads-mcp/threads-mcp/threads"
)

// Default endpoints.
const (
	// DefaultAuthURL is Threads' authorization window.
	DefaultAuthURL = "https://threads.net/oauth/authorize"
	// DefaultGraphURL is the unversioned root of the Threads Graph API.
	DefaultGraphURL = "https://graph.threads.net"
	// APIVersion is the Graph API version used for non-token calls.
	APIVersion = "v1.0"
)

// DefaultScopes are the permissions requested at login when none are given.
var DefaultScopes = []string{"threads_basic", "threads_content_publish", "threads_manage_replies", "threads_read_replies", "threads_manage_insights"}

// Config describes a Threads app and the endpoints to talk to. The zero
// values of AuthURL, GraphURL, HTTPClient and Clock select the defaults.
type Config struct {
	// AppID and AppSecret are the Threads app's id and secret (the Threads
	// pair, not the Facebook app pair).
	AppID, AppSecret string
	// RedirectURI must be https, must not be localhost, and must exactly
	// match one of the app's "Valid OAuth redirect URIs".
	RedirectURI string
	// Scopes to request; nil means DefaultScopes. Joined with commas.
	Scopes []string
	// AuthURL is the authorization window; default DefaultAuthURL.
	AuthURL string
	// GraphURL is the unversioned Graph root; default DefaultGraphURL.
	GraphURL string
	// HTTPClient makes every request; default a client with a 30 s timeout.
	HTTPClient *http.Client
	// Clock returns the current time; default time.Now.
	Clock func() time.Time
	// Secrets, when set, is told every access token a TokenSource of this
	// config holds (at creation, reload and refresh), so text leaving the
	// process can be scrubbed of it. Add is called with the token source's
	// lock held: it must not block on, or call back into, a token source.
	Secrets interface{ Add(secrets ...string) }
	// ListenTimeout bounds how long a Listener waits for the redirect; zero
	// means DefaultListenTimeout.
	ListenTimeout time.Duration
	// PKCE adds an S256 code challenge to the login (Threads does not
	// document PKCE; sending it is harmless and it never replaces the
	// secret or the state).
	PKCE bool
}

var defaultHTTPClient = &http.Client{Timeout: 30 * time.Second}

func (c Config) client() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return defaultHTTPClient
}

func (c Config) now() time.Time {
	if c.Clock != nil {
		return c.Clock()
	}
	return time.Now()
}

func (c Config) scopes() []string {
	if len(c.Scopes) == 0 {
		return DefaultScopes
	}
	return c.Scopes
}

func (c Config) authURL() string {
	if c.AuthURL == "" {
		return DefaultAuthURL
	}
	return c.AuthURL
}

// graphRoot returns the unversioned Graph root without a trailing slash
// (a trailing version such as /v1.0 is dropped: token endpoints are
// unversioned).
func (c Config) graphRoot() string {
	if strings.TrimRight(c.GraphURL, "/") == "" {
		return DefaultGraphURL
	}
	return threads.GraphRoot(c.GraphURL)
}

// OAuth2 returns the golang.org/x/oauth2 configuration for the authorization
// window and the code exchange: client id and secret in the form body
// (AuthStyleInParams) and the scopes joined with commas, as Threads expects.
func (c Config) OAuth2() *oauth2.Config {
	return &oauth2.Config{
		ClientID:     c.AppID,
		ClientSecret: c.AppSecret,
		RedirectURL:  c.RedirectURI,
		// One comma-joined element: oauth2 joins Scopes with spaces.
		Scopes: []string{strings.Join(c.scopes(), ",")},
		Endpoint: oauth2.Endpoint{
			AuthURL:   c.authURL(),
			TokenURL:  c.graphRoot() + "/oauth/access_token",
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

// Now returns the current time from Clock (time.Now when nil).
func (c Config) Now() time.Time { return c.now() }
