// Package oauthserver makes the HTTP transport an OAuth 2.1 resource server
// and, for deployments without one, its authorization server, so that chat
// clients can add threads-mcp as a remote connector by URL and each user
// signs in with their own Threads account (MCP authorization:
// https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization).
//
// The resource server publishes its protected resource metadata (RFC 9728)
// at /.well-known/oauth-protected-resource (and the path-suffixed variant
// for /mcp), answers a request without a valid token with 401 and
// WWW-Authenticate: Bearer resource_metadata="…", accepts only tokens whose
// audience is its canonical resource URI (RFC 8707), and grants toolsets by
// scope (tools.ToolsetScope: threads.read, threads.publish, …): a tool call
// whose toolset's scope the token lacks is answered 403 insufficient_scope
// naming the scope, so the client can step up. [Authenticator] is the
// httpmw.Authenticator, [RequireToolScopes] the scope check (it reads the
// JSON-RPC body, so no tool checks its own scope).
//
// The authorization server ([Server]) publishes RFC 8414 metadata, registers
// clients dynamically (RFC 7591; redirect URIs https or loopback http,
// matched exactly), and issues tokens by authorization code with PKCE S256
// only and a mandatory state. Its authorize step shows a consent screen
// naming the client and the scopes, then signs the user in with Threads
// (auth.StartWebLogin, the same login as `threads-mcp auth login`): the
// Threads token is stored as an account in the state store and the grant is
// bound to it, so the MCP token acts only as that user's account
// ([UserAccounts]). Access tokens are opaque, short-lived and stored hashed;
// refresh tokens rotate on every use, and a rotated one presented again
// revokes the whole grant (the token family). Revocation is RFC 7009.
//
// A small implementation rather than github.com/ory/fosite: fosite brings
// its own storage interfaces (a dozen, each to implement over the state
// store's portable SQL), its own session model to map the Threads login
// onto, and neither dynamic client registration nor protected resource
// metadata; what MCP needs is one grant type with PKCE, refresh rotation and
// revocation, which fits in this package and is tested end to end.
//
// With an external authorization server instead (--oauth-issuer),
// [NewJWTVerifier] validates its JWT access tokens against its JWKS.
package oauthserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/threads-mcp/threads-mcp/auth"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/httpmw"
	"github.com/threads-mcp/threads-mcp/tools/state"
	"github.com/threads-mcp/threads-mcp/tools/transport"
)

// Endpoint paths of the authorization server and the Threads callback.
const (
	MetadataPath         = "/.well-known/oauth-authorization-server"
	ResourceMetadataPath = "/.well-known/oauth-protected-resource"
	RegisterPath         = "/oauth/register"
	AuthorizePath        = "/oauth/authorize"
	TokenPath            = "/oauth/token"
	RevokePath           = "/oauth/revoke"
	// CallbackPath receives Threads' redirect; PublicURL + CallbackPath is
	// the redirect URI to register in the Threads app.
	CallbackPath = "/oauth/threads/callback"
)

// Token lifetimes when Config leaves them zero.
const (
	DefaultAccessTTL  = time.Hour
	DefaultRefreshTTL = 30 * 24 * time.Hour
	codeTTL           = time.Minute
	requestTTL        = 10 * time.Minute
)

// AccountPrefix starts the name of an account stored by a sign-in: the
// account of Threads user 123 is "oauth-123".
const AccountPrefix = state.UserAccountPrefix

// Config configures the authorization server.
type Config struct {
	// PublicURL is the server's public address (https, or http on a
	// loopback host for tests), without a path: the issuer, and the base
	// of the resource URI PublicURL + "/mcp".
	PublicURL string
	// Store holds clients, grants, codes and tokens (their hashes), and the
	// Threads accounts of the signed-in users.
	Store *state.Store
	// Threads is the Threads app users sign in with (AppID, AppSecret, and
	// the AuthURL/GraphURL of the emulator in tests). RedirectURI is set to
	// PublicURL + CallbackPath.
	Threads auth.Config
	// AccessTTL and RefreshTTL are token lifetimes; zero selects the defaults.
	AccessTTL, RefreshTTL time.Duration
	// Clock returns the time; nil is time.Now.
	Clock func() time.Time
	// Logger receives one line per grant event, never a secret; nil discards.
	Logger *slog.Logger
}

// Server is the built-in authorization server.
type Server struct {
	cfg      Config
	db       db
	issuer   string
	resource string
	scopes   []string
}

// ValidatePublicURL checks a public URL: absolute https (http only on a
// loopback host), no path beyond "/", no query or fragment. It returns the
// URL without a trailing slash.
func ValidatePublicURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("the public URL %q is not an absolute URL such as https://mcp.example.com", raw)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && httpmw.IsLoopbackHost(u.Hostname()):
	default:
		return "", fmt.Errorf("the public URL %q must use https (http is allowed only on a loopback host)", raw)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("the public URL %q must be scheme and host only (the MCP endpoint is its /mcp)", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

// ResourceURI is the canonical resource URI of the MCP endpoint behind
// publicURL (as ValidatePublicURL returns it): the audience tokens must name.
func ResourceURI(publicURL string) string { return publicURL + transport.Path(transport.KindHTTP) }

// ResourceMetadataURL is the URL of the protected resource metadata of the
// MCP endpoint behind publicURL (RFC 9728 section 3.1, path-suffixed).
func ResourceMetadataURL(publicURL string) string {
	return publicURL + ResourceMetadataPath + transport.Path(transport.KindHTTP)
}

// New migrates the server's tables and returns the server.
func New(ctx context.Context, cfg Config) (*Server, error) {
	pub, err := ValidatePublicURL(cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	if cfg.Store == nil {
		return nil, errors.New("oauthserver: a state store is required")
	}
	if cfg.Threads.AppID == "" || cfg.Threads.AppSecret == "" {
		return nil, errors.New("oauthserver: users sign in with Threads: set THREADS_APP_ID and THREADS_APP_SECRET (the Threads app's id and secret)")
	}
	if err := cfg.Store.Migrate(ctx, component, migrations); err != nil {
		return nil, err
	}
	cfg.PublicURL = pub
	cfg.Threads.RedirectURI = pub + CallbackPath
	cfg.Threads.PKCE = true
	if cfg.AccessTTL <= 0 {
		cfg.AccessTTL = DefaultAccessTTL
	}
	if cfg.RefreshTTL <= 0 {
		cfg.RefreshTTL = DefaultRefreshTTL
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Server{cfg: cfg, db: db{cfg.Store.DB()}, issuer: pub, resource: ResourceURI(pub), scopes: tools.Scopes()}, nil
}

func (s *Server) now() time.Time {
	if s.cfg.Clock != nil {
		return s.cfg.Clock()
	}
	return time.Now()
}

// Issuer is the authorization server's issuer identifier (the public URL).
func (s *Server) Issuer() string { return s.issuer }

// Resource is the canonical resource URI its tokens are bound to.
func (s *Server) Resource() string { return s.resource }

// Routes are the authorization server's and the resource metadata's
// routes, mounted outside the MCP bearer check (transport.HTTPOptions.Public).
func (s *Server) Routes() []transport.Route {
	prm := ResourceMetadataHandler(ResourceMetadata{Resource: s.resource, AuthorizationServers: []string{s.issuer}, Scopes: s.scopes})
	return []transport.Route{
		{Pattern: ResourceMetadataPath, Handler: prm},
		{Pattern: ResourceMetadataPath + transport.Path(transport.KindHTTP), Handler: prm},
		{Pattern: MetadataPath, Handler: http.HandlerFunc(s.metadata)},
		{Pattern: RegisterPath, Handler: http.HandlerFunc(s.register)},
		{Pattern: AuthorizePath, Handler: http.HandlerFunc(s.authorize)},
		{Pattern: CallbackPath, Handler: http.HandlerFunc(s.callback)},
		{Pattern: TokenPath, Handler: http.HandlerFunc(s.token)},
		{Pattern: RevokePath, Handler: http.HandlerFunc(s.revoke)},
	}
}

// metadata serves the authorization server metadata (RFC 8414 section 2).
func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                         s.issuer,
		"authorization_endpoint":                         s.issuer + AuthorizePath,
		"token_endpoint":                                 s.issuer + TokenPath,
		"registration_endpoint":                          s.issuer + RegisterPath,
		"revocation_endpoint":                            s.issuer + RevokePath,
		"scopes_supported":                               s.scopes,
		"response_types_supported":                       []string{"code"},
		"response_modes_supported":                       []string{"query"},
		"grant_types_supported":                          []string{"authorization_code", "refresh_token"},
		"code_challenge_methods_supported":               []string{"S256"},
		"token_endpoint_auth_methods_supported":          authMethods,
		"revocation_endpoint_auth_methods_supported":     authMethods,
		"authorization_response_iss_parameter_supported": true,
	})
}

// ResourceMetadata is the protected resource metadata of RFC 9728
// section 2.
type ResourceMetadata struct {
	Resource             string
	AuthorizationServers []string
	Scopes               []string
}

// ResourceMetadataHandler serves m as RFC 9728 JSON (GET, no credentials,
// cacheable for an hour).
func ResourceMetadataHandler(m ResourceMetadata) http.Handler {
	body := map[string]any{
		"resource":                 m.Resource,
		"authorization_servers":    m.AuthorizationServers,
		"scopes_supported":         m.Scopes,
		"bearer_methods_supported": []string{"header"},
		"resource_name":            "threads-mcp",
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		writeJSON(w, http.StatusOK, body)
	})
}
