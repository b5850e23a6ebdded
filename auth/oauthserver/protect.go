package oauthserver

import (
	"github.com/threads-mcp/threads-mcp/tools/transport"
)

// Protect makes the HTTP transport o a resource server of s: tokens are
// checked by s (audience s.Resource), tool calls by scope, and the
// metadata and authorization routes are mounted beside /mcp.
func (s *Server) Protect(o *transport.HTTPOptions) {
	meta := ResourceMetadataURL(s.issuer)
	o.Authenticator = NewAuthenticator(s, meta)
	o.Middleware = RequireToolScopes(meta)
	o.Public = append(o.Public, s.Routes()...)
}

// ProtectWith makes the HTTP transport o at publicURL (as
// ValidatePublicURL returns it) a resource server of an external
// authorization server issuer, whose tokens v verifies.
func ProtectWith(o *transport.HTTPOptions, v Verifier, publicURL, issuer string, scopes []string) {
	meta := ResourceMetadataURL(publicURL)
	o.Authenticator = NewAuthenticator(v, meta)
	o.Middleware = RequireToolScopes(meta)
	prm := ResourceMetadataHandler(ResourceMetadata{Resource: ResourceURI(publicURL), AuthorizationServers: []string{issuer}, Scopes: scopes})
	o.Public = append(o.Public,
		transport.Route{Pattern: ResourceMetadataPath, Handler: prm},
		transport.Route{Pattern: ResourceMetadataPath + transport.Path(transport.KindHTTP), Handler: prm})
}
