package oauthserver_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/threads-mcp/threads-mcp/auth/oauthserver"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/transport"
)

// externalAS is a fake external authorization server: RFC 8414 metadata
// and a JWKS with one ES256 key.
type externalAS struct {
	*httptest.Server
	key *ecdsa.PrivateKey
}

func newExternalAS(t *testing.T) *externalAS {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	as := &externalAS{key: key}
	mux := http.NewServeMux()
	mux.HandleFunc(oauthserver.MetadataPath, func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": as.URL, "jwks_uri": as.URL + "/jwks",
			"authorization_endpoint": as.URL + "/authorize", "token_endpoint": as.URL + "/token"})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "ES256", Use: "sig"}}})
	})
	as.Server = httptest.NewServer(mux)
	t.Cleanup(as.Close)
	return as
}

// sign makes a JWT with claims, signed by key (the server's when nil).
func (as *externalAS) sign(t *testing.T, claims map[string]any, key *ecdsa.PrivateKey) string {
	t.Helper()
	if key == nil {
		key = as.key
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key}, (&jose.SignerOptions{}).WithType("at+jwt").WithHeader("kid", "k1"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(claims)
	obj, err := s.Sign(b)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestJWTVerifier(t *testing.T) {
	as := newExternalAS(t)
	const resource = "https://mcp.example.com/mcp"
	v, err := oauthserver.NewJWTVerifier(t.Context(), as.URL, resource, nil)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now().Unix()
	valid := func() map[string]any {
		return map[string]any{"iss": as.URL, "sub": "user-1", "aud": resource, "exp": now + 300, "iat": now,
			"scope": "threads.read threads.publish", "client_id": "c1"}
	}
	for _, tc := range []struct {
		name   string
		edit   func(map[string]any)
		key    *ecdsa.PrivateKey
		raw    string
		wantOK bool
	}{
		{name: "valid", edit: func(map[string]any) {}, wantOK: true},
		{name: "audience array", edit: func(c map[string]any) { c["aud"] = []string{"x", resource} }, wantOK: true},
		{name: "scp array", edit: func(c map[string]any) { delete(c, "scope"); c["scp"] = []string{"threads.read"} }, wantOK: true},
		{name: "wrong audience", edit: func(c map[string]any) { c["aud"] = "https://other.example/mcp" }},
		{name: "no audience", edit: func(c map[string]any) { delete(c, "aud") }},
		{name: "wrong issuer", edit: func(c map[string]any) { c["iss"] = "https://evil.example" }},
		{name: "expired", edit: func(c map[string]any) { c["exp"] = now - 120 }},
		{name: "no expiry", edit: func(c map[string]any) { delete(c, "exp") }},
		{name: "not yet valid", edit: func(c map[string]any) { c["nbf"] = now + 600 }},
		{name: "no subject", edit: func(c map[string]any) { delete(c, "sub") }},
		{name: "signed by another key", edit: func(map[string]any) {}, key: other},
		{name: "alg none", raw: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."},
		{name: "not a JWT", raw: "tmca_opaque"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := tc.raw
			if tok == "" {
				c := valid()
				tc.edit(c)
				tok = as.sign(t, c, tc.key)
			}
			p, err := v.Verify(t.Context(), tok)
			if tc.wantOK {
				if err != nil || p.Subject != "user-1" || !p.HasScope("threads.read") || !p.AllAccounts {
					t.Fatalf("Verify: %+v, %v", p, err)
				}
				return
			}
			if !errors.Is(err, oauthserver.ErrInvalidToken) {
				t.Fatalf("Verify: %+v, %v; want ErrInvalidToken", p, err)
			}
		})
	}
}

// TestExternalIssuerTransport protects the HTTP transport with an
// external issuer: its metadata is published, its tokens admitted by
// audience and scope.
func TestExternalIssuerTransport(t *testing.T) {
	as := newExternalAS(t)
	h := &harness{}
	ts := httptest.NewUnstartedServer(nil)
	pub := "http://" + ts.Listener.Addr().String()
	v, err := oauthserver.NewJWTVerifier(t.Context(), as.URL, oauthserver.ResourceURI(pub), nil)
	if err != nil {
		t.Fatal(err)
	}
	mcpSrv := tools.NewServer(tools.Deps{Accounts: oauthserver.UserAccounts(&tools.SingleAccount{Account: tools.Account{Name: "ops"}})}, "test")
	o := transport.HTTPOptions{Kind: transport.KindHTTP}
	oauthserver.ProtectWith(&o, v, pub, as.URL, tools.Scopes())
	handler, shutdown := transport.NewHandler(mcpSrv, o)
	ts.Config.Handler = handler
	ts.Start()
	t.Cleanup(func() { _ = shutdown(t.Context()); ts.Close() })
	h.pub = pub

	prm := getJSON(t, oauthserver.ResourceMetadataURL(pub))
	if as0, _ := prm["authorization_servers"].([]any); len(as0) != 1 || as0[0] != as.URL {
		t.Fatalf("authorization_servers %v, want the external issuer", prm["authorization_servers"])
	}
	now := time.Now().Unix()
	tok := as.sign(t, map[string]any{"iss": as.URL, "sub": "op", "aud": oauthserver.ResourceURI(pub), "exp": now + 300, "scope": "threads.accounts"}, nil)
	if st, hdr := h.mcpPost(t, tok, callFrame("list_accounts")); st != http.StatusOK {
		t.Fatalf("list_accounts: %d %q", st, hdr)
	}
	if st, hdr := h.mcpPost(t, tok, callFrame("publish_text")); st != http.StatusForbidden || !strings.Contains(hdr, "threads.publish") {
		t.Fatalf("publish_text: %d %q, want 403 naming threads.publish", st, hdr)
	}
	wrong := as.sign(t, map[string]any{"iss": as.URL, "sub": "op", "aud": "https://other.example/mcp", "exp": now + 300, "scope": "threads.accounts"}, nil)
	if st, _ := h.mcpPost(t, wrong, callFrame("list_accounts")); st != http.StatusUnauthorized {
		t.Fatalf("wrong audience: %d, want 401", st)
	}
}
