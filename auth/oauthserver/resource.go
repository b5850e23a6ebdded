package oauthserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/httpmw"
)

// Principal is who an access token speaks for.
type Principal struct {
	// Subject is the user: the Threads user id for the built-in server,
	// the token's sub claim for an external one.
	Subject string
	// ClientID is the MCP client the token was issued to.
	ClientID string
	// Scopes are the token's scopes.
	Scopes []string
	// Accounts are the stored accounts the token may act as (the Threads
	// account the user signed in with).
	Accounts []string
	// AllAccounts lets the token act as every account of the server (an
	// external authorization server's tokens: its users are the server's
	// operators, as with the static bearer).
	AllAccounts bool
}

// HasScope reports whether the principal was granted scope.
func (p *Principal) HasScope(scope string) bool { return slices.Contains(p.Scopes, scope) }

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal of an authenticated request's
// context, nil when there is none.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// ErrInvalidToken is wrapped by a Verifier's error for a token that is
// unknown, expired, revoked, malformed or meant for another resource.
var ErrInvalidToken = errors.New("the access token is invalid, expired, revoked or not meant for this server")

// Verifier checks an access token and returns its principal.
type Verifier interface {
	Verify(ctx context.Context, token string) (*Principal, error)
}

// Verify implements Verifier for the built-in server's tokens: live,
// issued under a grant that is not revoked, for this server's resource.
func (s *Server) Verify(ctx context.Context, token string) (*Principal, error) {
	if !strings.HasPrefix(token, accessPrefix) {
		return nil, ErrInvalidToken
	}
	a, err := s.db.lookupAccess(ctx, token, s.now())
	if errors.Is(err, errNotFound) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, err
	}
	if a.Grant.Resource != s.resource {
		return nil, ErrInvalidToken // audience: RFC 8707 section 2
	}
	return &Principal{Subject: a.Grant.Subject, ClientID: a.Grant.ClientID, Scopes: strings.Fields(a.Scope), Accounts: a.Grant.Accounts}, nil
}

// NewAuthenticator is the resource server's httpmw.Authenticator: a
// request without a bearer token gets 401 naming the resource metadata
// (RFC 9728 section 5.1) and the scopes; an invalid token 401
// invalid_token (RFC 6750 section 3.1). A valid one proceeds with its
// Principal in the request context.
func NewAuthenticator(v Verifier, resourceMetadataURL string) httpmw.Authenticator {
	return &authenticator{v: v, meta: resourceMetadataURL}
}

type authenticator struct {
	v    Verifier
	meta string
}

func (a *authenticator) Authenticate(r *http.Request) (context.Context, error) {
	tok, ok := httpmw.BearerFrom(r)
	if !ok {
		// No credentials: no error code (RFC 6750 section 3.1), the
		// metadata and the scopes to ask for.
		return nil, &httpmw.Challenge{ResourceMetadata: a.meta, Scope: strings.Join(tools.Scopes(), " ")}
	}
	p, err := a.v.Verify(r.Context(), tok)
	if err != nil {
		desc := ErrInvalidToken.Error()
		if !errors.Is(err, ErrInvalidToken) {
			desc = "the access token could not be checked"
		}
		return nil, &httpmw.Challenge{ResourceMetadata: a.meta, Code: "invalid_token", Description: desc}
	}
	return WithPrincipal(r.Context(), p), nil
}

// maxScanBody bounds the body RequireToolScopes reads (the transport's
// guard has already limited and buffered it).
const maxScanBody = 8 << 20

// RequireToolScopes is the resource server's scope check, as transport
// middleware on the MCP endpoint: a tools/call (single or batched) whose
// tool's toolset scope (tools.ToolScope) the request's principal lacks is
// answered 403 insufficient_scope, naming the scopes to ask for (those
// held plus the missing ones), so the client can step up (MCP
// authorization, "Scope challenge handling"). Requests without a
// principal, other methods and unknown tools pass (the server answers
// those itself).
func RequireToolScopes(resourceMetadataURL string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := PrincipalFrom(r.Context())
			if p == nil || r.Method != http.MethodPost || r.Body == nil {
				next.ServeHTTP(w, r)
				return
			}
			body, err := io.ReadAll(io.LimitReader(r.Body, maxScanBody))
			if err != nil {
				http.Error(w, "Bad request: reading the body failed", http.StatusBadRequest)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			var missing []string
			for _, name := range calledTools(body) {
				if sc, ok := tools.ToolScope(name); ok && !p.HasScope(sc) && !slices.Contains(missing, sc) {
					missing = append(missing, sc)
				}
			}
			if len(missing) > 0 {
				want := append(slices.Clone(p.Scopes), missing...)
				(&httpmw.Challenge{Status: http.StatusForbidden, ResourceMetadata: resourceMetadataURL, Code: "insufficient_scope",
					Scope: strings.Join(want, " "), Description: "this tool needs the scope " + strings.Join(missing, " ")}).Write(w)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// calledTools returns the tool names of the tools/call messages in a
// JSON-RPC body (one message or a batch).
func calledTools(body []byte) []string {
	type msg struct {
		Method string `json:"method"`
		Params struct {
			Name string `json:"name"`
		} `json:"params"`
	}
	var batch []msg
	body = bytes.TrimSpace(body)
	if len(body) > 0 && body[0] == '[' {
		if json.Unmarshal(body, &batch) != nil {
			return nil
		}
	} else {
		var m msg
		if json.Unmarshal(body, &m) != nil {
			return nil
		}
		batch = []msg{m}
	}
	var out []string
	for _, m := range batch {
		if m.Method == "tools/call" {
			out = append(out, m.Params.Name)
		}
	}
	return out
}
