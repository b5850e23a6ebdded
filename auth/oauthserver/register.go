package oauthserver

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/threads-mcp/threads-mcp/tools/httpmw"
)

// Client authentication methods at the token and revocation endpoints.
const (
	authNone   = "none"
	authPost   = "client_secret_post"
	authBasic  = "client_secret_basic"
	maxURIs    = 10
	maxRegBody = 64 << 10
	// maxClientsPerHour bounds open registration (an MCP client registers
	// once per user and server).
	maxClientsPerHour = 500
)

var authMethods = []string{authNone, authPost, authBasic}

// registration is the client metadata of RFC 7591 section 2 that the server
// reads.
type registration struct {
	RedirectURIs            []string `json:"redirect_uris"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	ClientName              string   `json:"client_name"`
	ClientURI               string   `json:"client_uri"`
	Scope                   string   `json:"scope"`
}

// ValidateRedirectURI checks a client's redirect URI: absolute, https, or
// http on a loopback host (native clients, RFC 8252 section 7.3), without a
// fragment.
func ValidateRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return fmt.Errorf("redirect URI %q is not an absolute URL", raw)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return fmt.Errorf("redirect URI %q must not have a fragment", raw)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && httpmw.IsLoopbackHost(u.Hostname()):
	default:
		return fmt.Errorf("redirect URI %q must use https (http only on a loopback host)", raw)
	}
	return nil
}

// register serves dynamic client registration (RFC 7591 section 3).
func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var m registration
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRegBody))
	if err == nil {
		err = json.Unmarshal(body, &m)
	}
	if err != nil {
		regError(w, "invalid_client_metadata", "the body must be a JSON client metadata document of at most 64 KiB")
		return
	}
	if len(m.RedirectURIs) == 0 || len(m.RedirectURIs) > maxURIs {
		regError(w, "invalid_redirect_uri", fmt.Sprintf("redirect_uris must list 1 to %d URIs", maxURIs))
		return
	}
	for _, u := range m.RedirectURIs {
		if err := ValidateRedirectURI(u); err != nil {
			regError(w, "invalid_redirect_uri", err.Error())
			return
		}
	}
	if m.TokenEndpointAuthMethod == "" {
		m.TokenEndpointAuthMethod = authBasic // RFC 7591 section 2
	}
	if !slices.Contains(authMethods, m.TokenEndpointAuthMethod) {
		regError(w, "invalid_client_metadata", "token_endpoint_auth_method must be one of "+strings.Join(authMethods, ", "))
		return
	}
	if len(m.GrantTypes) == 0 {
		m.GrantTypes = []string{"authorization_code"}
	}
	for _, g := range m.GrantTypes {
		if g != "authorization_code" && g != "refresh_token" {
			regError(w, "invalid_client_metadata", "grant_types may only be authorization_code and refresh_token")
			return
		}
	}
	if len(m.ResponseTypes) == 0 {
		m.ResponseTypes = []string{"code"}
	}
	if len(m.ResponseTypes) != 1 || m.ResponseTypes[0] != "code" {
		regError(w, "invalid_client_metadata", "response_types must be [\"code\"]")
		return
	}
	name := strings.TrimSpace(m.ClientName)
	if len([]rune(name)) > 100 {
		name = string([]rune(name)[:100])
	}
	c := client{ID: "mcp_" + rand.Text(), AuthMethod: m.TokenEndpointAuthMethod, Name: name, RedirectURIs: m.RedirectURIs}
	var secret string
	if c.AuthMethod != authNone {
		secret = "tmcs_" + rand.Text() + rand.Text()
		c.SecretHash = hash(secret)
	}
	now := s.now()
	if err := s.db.putClient(r.Context(), c, now); errors.Is(err, errTooManyClients) {
		s.cfg.Logger.Warn("oauth: registration refused", "err", err)
		w.Header().Set("Retry-After", "3600")
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "temporarily_unavailable", "error_description": "too many registrations; try again later"})
		return
	} else if err != nil {
		s.cfg.Logger.Error("oauth: register client", "err", err)
		http.Error(w, "server error", http.StatusInternalServerError)
		return
	}
	s.cfg.Logger.Info("oauth: client registered", "client_id", c.ID, "client_name", c.Name)
	resp := map[string]any{
		"client_id":                  c.ID,
		"client_id_issued_at":        now.Unix(),
		"redirect_uris":              c.RedirectURIs,
		"token_endpoint_auth_method": c.AuthMethod,
		"grant_types":                m.GrantTypes,
		"response_types":             m.ResponseTypes,
	}
	if c.Name != "" {
		resp["client_name"] = c.Name
	}
	if secret != "" {
		resp["client_secret"] = secret
		resp["client_secret_expires_at"] = 0
	}
	writeJSON(w, http.StatusCreated, resp)
}

func regError(w http.ResponseWriter, code, desc string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": desc})
}

// writeJSON writes v with status, never cached.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
