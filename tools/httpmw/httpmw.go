// Package httpmw hardens the MCP server's HTTP transports (Streamable HTTP and
// SSE): a Host allow-list and an Origin allow-list answering 403 (DNS
// rebinding), bearer authentication with 401 + WWW-Authenticate, and a
// request body limit. Authentication is pluggable (Authenticator): a static
// bearer token, or the OAuth 2.1 resource server of auth/oauthserver.
//
// mcp-go's HTTP servers check neither Origin nor credentials; the MCP
// specification (2025-11-25 and later) requires the Origin check, and any
// server reachable beyond loopback must authenticate every request. mcp-go
// does check Host, but only against loopback names, which refuses every
// request a reverse proxy forwards with the public name (Caddy and Traefik
// keep the client's Host by default); Guard's Host check replaces it and
// takes the proxy's names as AllowedHosts.
package httpmw

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// DefaultMaxBody is the default request body limit: MCP requests are small.
const DefaultMaxBody = 1 << 20

// Options configure Guard.
type Options struct {
	// BearerToken, when set, is required as "Authorization: Bearer <token>" on
	// every request.
	BearerToken string
	// AllowedOrigins are the Origin values accepted besides loopback origins
	// (http(s)://localhost, 127.0.0.1, [::1] on any port). A request with no
	// Origin header (every non-browser client) is accepted.
	AllowedOrigins []string
	// AllowedHosts are Host header values accepted besides loopback names
	// (localhost, *.localhost, 127.0.0.0/8, [::1]). An entry without a port
	// matches that name on any port; "host:port" matches only that port.
	// With none, a request arriving on a loopback address must name a
	// loopback host (as mcp-go checks it); with some, every request must
	// name a loopback host or one of them.
	AllowedHosts []string
	// MaxBody caps request bodies; 0 means DefaultMaxBody.
	MaxBody int64
	// Realm is the WWW-Authenticate realm; "" means "threads-mcp".
	Realm string
	// AnyOrigin skips the Origin check, for routes that are not the MCP
	// endpoint and whose callers are not browsers running a client.
	AnyOrigin bool
	// ApproverToken, with BearerToken, is a second bearer for the person
	// who approves posts awaiting approval (IsApprover); the agent's
	// token cannot approve.
	ApproverToken string
	// Authenticator, when set, authenticates every request instead of
	// BearerToken (the OAuth resource server, for one).
	Authenticator Authenticator
}

// Guard wraps next with the Host check, the Origin check, bearer
// authentication and the body limit, in that order.
func Guard(next http.Handler, o Options) http.Handler {
	return newGuard(next, o)
}

// guard is the handler Guard returns.
type guard struct {
	next      http.Handler
	hosts     hostList
	origins   map[string]bool
	authn     Authenticator // nil: no credentials required
	maxBody   int64
	realm     string
	anyOrigin bool
}

func newGuard(next http.Handler, o Options) *guard {
	g := &guard{next: next, hosts: newHostList(o.AllowedHosts), origins: map[string]bool{}, maxBody: o.MaxBody, realm: o.Realm, anyOrigin: o.AnyOrigin}
	if g.maxBody <= 0 {
		g.maxBody = DefaultMaxBody
	}
	if g.realm == "" {
		g.realm = "threads-mcp"
	}
	for _, a := range o.AllowedOrigins {
		if a = strings.TrimRight(strings.TrimSpace(a), "/"); a != "" {
			g.origins[strings.ToLower(a)] = true
		}
	}
	switch {
	case o.Authenticator != nil:
		g.authn = o.Authenticator
	case o.BearerToken != "" && o.ApproverToken != "":
		g.authn = NewApproverBearerAuthenticator(o.BearerToken, o.ApproverToken, g.realm)
	case o.BearerToken != "":
		g.authn = NewBearerAuthenticator(o.BearerToken, g.realm)
	}
	return g
}

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !g.hosts.allowed(r) {
		http.Error(w, fmt.Sprintf("Forbidden: Host %q is not allowed (add it with --allowed-hosts or THREADS_MCP_ALLOWED_HOSTS)", r.Host), http.StatusForbidden)
		return
	}
	if origin := r.Header.Get("Origin"); origin != "" && !g.anyOrigin && !originAllowed(origin, g.origins) {
		http.Error(w, "Forbidden: Origin not allowed", http.StatusForbidden)
		return
	}
	if g.authn != nil {
		ctx, err := g.authn.Authenticate(r)
		if err != nil {
			refuse(w, err, g.realm)
			return
		}
		r = r.WithContext(ctx)
	}
	if r.ContentLength > g.maxBody {
		http.Error(w, "Request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, g.maxBody)
	}
	g.next.ServeHTTP(w, r)
}

// bearer returns the bearer credential of r.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	cred = strings.TrimSpace(cred)
	return cred, cred != ""
}

// originAllowed accepts loopback origins and those on the allow-list.
func originAllowed(origin string, allowed map[string]bool) bool {
	o := strings.ToLower(strings.TrimRight(origin, "/"))
	if allowed[o] || allowed["*"] {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return IsLoopbackHost(u.Hostname())
}

// hostList is the Host allow-list of Guard.
type hostList struct {
	names map[string]bool // entries without a port
	exact map[string]bool // host:port entries
}

func newHostList(entries []string) hostList {
	h := hostList{names: map[string]bool{}, exact: map[string]bool{}}
	for _, e := range entries {
		e = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(e), "."))
		if e == "" {
			continue
		}
		if host, port, err := net.SplitHostPort(e); err == nil && port != "" {
			h.exact[net.JoinHostPort(strings.TrimSuffix(host, "."), port)] = true
			continue
		}
		h.names[strings.Trim(e, "[]")] = true
	}
	return h
}

// allowed reports whether r's Host may be served.
func (h hostList) allowed(r *http.Request) bool {
	host := strings.ToLower(r.Host)
	name := host
	if n, _, err := net.SplitHostPort(host); err == nil {
		name = n
	}
	name = strings.TrimSuffix(strings.Trim(name, "[]"), ".")
	if IsLoopbackHost(name) {
		return true
	}
	if len(h.names) == 0 && len(h.exact) == 0 {
		// No list: refuse a foreign name only on a loopback connection,
		// where DNS rebinding is the threat.
		local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
		return !ok || local == nil || !IsLoopbackAddr(local.String())
	}
	return h.names[name] || h.exact[host]
}

// IsLoopbackHost reports whether host names this machine's loopback
// interface: localhost, *.localhost, 127.0.0.0/8 or ::1.
func IsLoopbackHost(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// IsLoopbackAddr reports whether a listen address binds loopback only.
// An empty host (":8080") binds every interface and is not loopback.
func IsLoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "" {
		return false
	}
	return IsLoopbackHost(host)
}
