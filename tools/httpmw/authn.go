package httpmw

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// Authenticator decides who a request to the MCP endpoint comes from.
// Guard calls it after the Host and Origin checks; the static bearer of
// Options.BearerToken is one implementation (NewBearerAuthenticator), the
// OAuth resource server another.
type Authenticator interface {
	// Authenticate returns the context the request proceeds with (it may
	// carry the authenticated principal), or an error refusing it. A
	// *Challenge error is answered as it says (status and
	// WWW-Authenticate); any other error with 401.
	Authenticate(r *http.Request) (context.Context, error)
}

// Challenge is a refusal of a request's credentials, answered with Status
// and a Bearer WWW-Authenticate header (RFC 6750 section 3; the
// resource_metadata parameter is RFC 9728 section 5.1).
type Challenge struct {
	// Status is 401 (missing or invalid credentials) or 403 (insufficient
	// scope); 0 means 401.
	Status int
	// Realm is the realm parameter; "" leaves it out.
	Realm string
	// Code is the RFC 6750 error code: "" when no credentials were sent,
	// "invalid_token", "insufficient_scope" or "invalid_request".
	Code string
	// Description is the human-readable error_description; it must never
	// contain a credential.
	Description string
	// Scope is the space-separated scope the request needs (for step-up
	// authorization on 403).
	Scope string
	// ResourceMetadata is the URL of the protected resource metadata.
	ResourceMetadata string
}

// Error describes the refusal.
func (c *Challenge) Error() string {
	s := http.StatusText(c.status())
	if c.Code != "" {
		s += ": " + c.Code
	}
	if c.Description != "" {
		s += ": " + c.Description
	}
	return s
}

func (c *Challenge) status() int {
	if c.Status == 0 {
		return http.StatusUnauthorized
	}
	return c.Status
}

// Header is the WWW-Authenticate value.
func (c *Challenge) Header() string {
	var params []string
	add := func(k, v string) {
		if v != "" {
			params = append(params, k+`="`+quoteParam(v)+`"`)
		}
	}
	add("realm", c.Realm)
	add("resource_metadata", c.ResourceMetadata)
	add("error", c.Code)
	add("error_description", c.Description)
	add("scope", c.Scope)
	return "Bearer " + strings.Join(params, ", ")
}

// quoteParam escapes a quoted-string (RFC 9110 section 5.6.4).
func quoteParam(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", " ", "\n", " ").Replace(v)
}

// Write answers the request with the challenge.
func (c *Challenge) Write(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", c.Header())
	http.Error(w, c.Error(), c.status())
}

// refuse answers a failed authentication.
func refuse(w http.ResponseWriter, err error, realm string) {
	var c *Challenge
	if !errors.As(err, &c) {
		c = &Challenge{Realm: realm, Code: "invalid_token"}
	}
	c.Write(w)
}

// BearerFrom returns the bearer credential of r's Authorization header.
func BearerFrom(r *http.Request) (string, bool) { return bearer(r) }

// NewBearerAuthenticator is the static bearer: every request must send
// "Authorization: Bearer <token>" with exactly token (compared in constant
// time). realm "" means "threads-mcp".
func NewBearerAuthenticator(token, realm string) Authenticator {
	if realm == "" {
		realm = "threads-mcp"
	}
	return &staticBearer{m: newTokenMatcher(token), realm: realm}
}

// staticBearer is the Authenticator of Options.BearerToken.
type staticBearer struct {
	m     *tokenMatcher
	realm string
}

func (s *staticBearer) Authenticate(r *http.Request) (context.Context, error) {
	got, ok := bearer(r)
	if !ok {
		return nil, &Challenge{Realm: s.realm, Description: "bearer token required"}
	}
	if !s.m.match(got) {
		return nil, &Challenge{Realm: s.realm, Code: "invalid_token", Description: "the bearer token is not valid for this server"}
	}
	return r.Context(), nil
}

// approverKey marks a request context authenticated with the approver
// token.
type approverKey struct{}

// IsApprover reports whether ctx belongs to a request that presented the
// approver token (NewApproverBearerAuthenticator): a person's, distinct
// from the agent's.
func IsApprover(ctx context.Context) bool { v, _ := ctx.Value(approverKey{}).(bool); return v }

// NewApproverBearerAuthenticator is the static bearer with a second token
// for the person who approves posts: a request with agent proceeds as
// with NewBearerAuthenticator, one with approver proceeds marked
// (IsApprover). Both are compared in constant time.
func NewApproverBearerAuthenticator(agent, approver, realm string) Authenticator {
	if realm == "" {
		realm = "threads-mcp"
	}
	return &approverBearer{agent: newTokenMatcher(agent), approver: newTokenMatcher(approver), realm: realm}
}

// approverBearer is the Authenticator of Options.ApproverToken.
type approverBearer struct {
	agent, approver *tokenMatcher
	realm           string
}

func (s *approverBearer) Authenticate(r *http.Request) (context.Context, error) {
	got, ok := bearer(r)
	if !ok {
		return nil, &Challenge{Realm: s.realm, Description: "bearer token required"}
	}
	// Both comparisons run, so timing does not tell which token was close.
	agent, approver := s.agent.match(got), s.approver.match(got)
	switch {
	case approver:
		return context.WithValue(r.Context(), approverKey{}, true), nil
	case agent:
		return r.Context(), nil
	}
	return nil, &Challenge{Realm: s.realm, Code: "invalid_token", Description: "the bearer token is not valid for this server"}
}
