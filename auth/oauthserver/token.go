package oauthserver

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Token prefixes: they make a leaked token recognisable (secret scanners)
// and say which kind it is. The rest is 256 random bits.
const (
	accessPrefix  = "tmca_"
	refreshPrefix = "tmcr_"
)

// tokenError is an error response of the token endpoint (RFC 6749 section 5.2).
type tokenError struct {
	status      int
	code, desc  string
	basicFailed bool
}

func (e *tokenError) Error() string { return e.code + ": " + e.desc }

func (e *tokenError) write(w http.ResponseWriter) {
	if e.basicFailed {
		w.Header().Set("WWW-Authenticate", `Basic realm="threads-mcp"`)
	}
	writeJSON(w, e.status, map[string]string{"error": e.code, "error_description": e.desc})
}

func badRequest(code, desc string) *tokenError {
	return &tokenError{status: http.StatusBadRequest, code: code, desc: desc}
}

// errGrant is the answer to a code or refresh token that cannot be used
// (unknown, expired, replayed, revoked, or another client's).
var errGrant = badRequest("invalid_grant", "the authorization code or refresh token is invalid, expired or revoked")

// authClient authenticates the client of a token or revocation request:
// a public client by its client_id, a confidential one by its secret in
// the form (client_secret_post) or in Basic authentication
// (client_secret_basic).
func (s *Server) authClient(r *http.Request) (*client, *tokenError) {
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	fail := &tokenError{status: http.StatusUnauthorized, code: "invalid_client", desc: "client authentication failed", basicFailed: basic}
	if id == "" {
		return nil, fail
	}
	c, err := s.db.client(r.Context(), id)
	if err != nil {
		return nil, fail
	}
	if c.AuthMethod == authNone {
		return c, nil
	}
	if secret == "" || subtle.ConstantTimeCompare([]byte(hash(secret)), []byte(c.SecretHash)) != 1 {
		return nil, fail
	}
	return c, nil
}

// clientRequest reads a client's form POST to the token or revocation
// endpoint (at most 16 KB) and authenticates the client; on failure it has
// answered and ok is false.
func (s *Server) clientRequest(w http.ResponseWriter, r *http.Request) (c *client, ok bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		badRequest("invalid_request", "the body must be application/x-www-form-urlencoded").write(w)
		return nil, false
	}
	c, terr := s.authClient(r)
	if terr != nil {
		terr.write(w)
		return nil, false
	}
	return c, true
}

// token serves the token endpoint: authorization_code (PKCE verified)
// and refresh_token (rotated).
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	c, ok := s.clientRequest(w, r)
	if !ok {
		return
	}
	var (
		resp map[string]any
		terr *tokenError
	)
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		resp, terr = s.exchangeCode(r, c)
	case "refresh_token":
		resp, terr = s.refresh(r, c)
	default:
		terr = badRequest("unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
	}
	if terr != nil {
		terr.write(w)
		return
	}
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

// pkceMatches reports whether verifier hashes to challenge (S256, RFC 7636
// section 4.6).
func pkceMatches(verifier, challenge string) bool {
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	return subtle.ConstantTimeCompare([]byte(got), []byte(challenge)) == 1
}

func (s *Server) exchangeCode(r *http.Request, c *client) (map[string]any, *tokenError) {
	f := r.PostForm
	verifier := f.Get("code_verifier")
	if verifier == "" {
		return nil, badRequest("invalid_request", "code_verifier is required (PKCE)")
	}
	now := s.now()
	u, err := s.db.redeemCode(r.Context(), f.Get("code"), now)
	if errors.Is(err, errNotFound) {
		return nil, errGrant
	}
	if err != nil {
		s.cfg.Logger.Error("oauth: redeem code", "err", err)
		return nil, &tokenError{status: http.StatusInternalServerError, code: "server_error", desc: "the code could not be redeemed"}
	}
	if u.Replayed {
		s.cfg.Logger.Warn("oauth: authorization code replayed; its grant is revoked", "client_id", u.Grant.ClientID)
		return nil, errGrant
	}
	switch {
	case u.Expired, u.Grant.Revoked, u.Grant.ClientID != c.ID:
		return nil, errGrant
	case f.Get("redirect_uri") != u.RedirectURI:
		return nil, badRequest("invalid_grant", "redirect_uri does not match the authorization request")
	case !pkceMatches(verifier, u.Challenge):
		return nil, badRequest("invalid_grant", "code_verifier does not match the code challenge")
	case f.Get("resource") != "" && f.Get("resource") != u.Grant.Resource:
		return nil, badRequest("invalid_target", "resource must be "+u.Grant.Resource)
	}
	t := s.newTokens(u.Grant.Scope, now)
	if err := s.db.putTokens(r.Context(), u.Grant.ID, *t, now); err != nil {
		s.cfg.Logger.Error("oauth: store tokens", "err", err)
		return nil, &tokenError{status: http.StatusInternalServerError, code: "server_error", desc: "the tokens could not be stored"}
	}
	return s.tokenResponse(t, now), nil
}

func (s *Server) refresh(r *http.Request, c *client) (map[string]any, *tokenError) {
	f := r.PostForm
	now := s.now()
	var refusal *tokenError
	rot, t, err := s.db.rotate(r.Context(), f.Get("refresh_token"), now, func(g grant, scope string) (*issued, error) {
		switch want := strings.Fields(f.Get("scope")); {
		case g.ClientID != c.ID:
			refusal = errGrant
		case f.Get("resource") != "" && f.Get("resource") != g.Resource:
			refusal = badRequest("invalid_target", "resource must be "+g.Resource)
		case len(want) > 0 && !subset(want, strings.Fields(scope)):
			refusal = badRequest("invalid_scope", "a refresh may narrow the scope, not widen it")
		case len(want) > 0:
			scope = strings.Join(want, " ")
		}
		if refusal != nil {
			return nil, refusal
		}
		return s.newTokens(scope, now), nil
	})
	if refusal != nil {
		return nil, refusal
	}
	if errors.Is(err, errNotFound) {
		return nil, errGrant
	}
	if err != nil {
		s.cfg.Logger.Error("oauth: rotate refresh token", "err", err)
		return nil, &tokenError{status: http.StatusInternalServerError, code: "server_error", desc: "the refresh failed"}
	}
	if rot.Reused {
		s.cfg.Logger.Warn("oauth: a rotated refresh token was used again; the grant and all its tokens are revoked",
			"client_id", rot.Grant.ClientID, "subject", rot.Grant.Subject)
		return nil, errGrant
	}
	if t == nil {
		return nil, errGrant
	}
	return s.tokenResponse(t, now), nil
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func (s *Server) newTokens(scope string, now time.Time) *issued {
	return &issued{
		Access: accessPrefix + rand.Text() + rand.Text(), Refresh: refreshPrefix + rand.Text() + rand.Text(),
		Scope: scope, AccessExpiry: now.Add(s.cfg.AccessTTL), RefreshExpiry: now.Add(s.cfg.RefreshTTL),
	}
}

func (s *Server) tokenResponse(t *issued, now time.Time) map[string]any {
	return map[string]any{
		"access_token":  t.Access,
		"token_type":    "Bearer",
		"expires_in":    int64(t.AccessExpiry.Sub(now) / time.Second),
		"refresh_token": t.Refresh,
		"scope":         t.Scope,
	}
}

// revoke serves token revocation (RFC 7009): revoking either token of a
// grant revokes the grant and every token issued under it. Unknown tokens
// are answered 200 as well (section 2.2).
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	c, ok := s.clientRequest(w, r)
	if !ok {
		return
	}
	tok := r.PostForm.Get("token")
	if tok == "" {
		badRequest("invalid_request", "token is required").write(w)
		return
	}
	if err := s.db.revokeToken(r.Context(), tok, c.ID, s.now()); err != nil {
		s.cfg.Logger.Error("oauth: revoke", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "temporarily_unavailable"})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}
