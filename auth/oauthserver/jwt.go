package oauthserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
)

// jwtAlgs are the signature algorithms accepted from an external
// authorization server: asymmetric only (an HMAC key would be a secret
// shared with every resource server; "none" is never accepted).
var jwtAlgs = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA}

// clockSkew is the leeway on exp and nbf.
const clockSkew = time.Minute

// JWTVerifier verifies JWT access tokens of an external authorization
// server (RFC 9068 profile) against its JWKS: signature, iss (the
// issuer), aud (this server's resource URI, RFC 8707), exp and nbf. The
// scopes come from the scope claim (space-separated) or scp (an array).
// Its tokens act as every account of the server (Principal.AllAccounts):
// with an external server, its users are the server's operators.
type JWTVerifier struct {
	issuer, resource string
	keys             *oidc.RemoteKeySet
	now              func() time.Time
}

// NewJWTVerifier fetches the RFC 8414 metadata of issuer (falling back to
// OpenID discovery), checks that it names issuer, and returns a verifier
// for tokens meant for resource, with its JWKS fetched (and refreshed on an
// unknown key id) through client (nil: a client with a 30 s timeout).
func NewJWTVerifier(ctx context.Context, issuer, resource string, client *http.Client) (*JWTVerifier, error) {
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("oauthserver: the issuer %q is not an http(s) URL", issuer)
	}
	var lastErr error
	for _, meta := range metadataURLs(u) {
		jwks, err := fetchJWKSURI(ctx, client, meta, issuer)
		if err != nil {
			lastErr = err
			continue
		}
		return &JWTVerifier{issuer: issuer, resource: resource, now: time.Now,
			keys: oidc.NewRemoteKeySet(oidc.ClientContext(ctx, client), jwks)}, nil
	}
	return nil, fmt.Errorf("oauthserver: authorization server metadata of %s: %w", issuer, lastErr)
}

// metadataURLs are the RFC 8414 section 3.1 and OpenID discovery
// addresses of an issuer.
func metadataURLs(u *url.URL) []string {
	path := strings.TrimRight(u.Path, "/")
	base := u.Scheme + "://" + u.Host
	return []string{base + MetadataPath + path, base + "/.well-known/openid-configuration" + path, base + path + "/.well-known/openid-configuration"}
}

func fetchJWKSURI(ctx context.Context, client *http.Client, metaURL, issuer string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, metaURL, nil)
	if err != nil {
		return "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: HTTP %d", metaURL, resp.StatusCode)
	}
	var m struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&m); err != nil {
		return "", fmt.Errorf("%s: %w", metaURL, err)
	}
	if m.Issuer != issuer {
		return "", fmt.Errorf("%s names issuer %q, want %q", metaURL, m.Issuer, issuer)
	}
	if m.JWKSURI == "" {
		return "", fmt.Errorf("%s has no jwks_uri", metaURL)
	}
	return m.JWKSURI, nil
}

// audience is the aud claim: a string or an array of strings.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*a = many
	return nil
}

type jwtClaims struct {
	Issuer   string   `json:"iss"`
	Subject  string   `json:"sub"`
	Audience audience `json:"aud"`
	Expiry   *int64   `json:"exp"`
	NotBef   *int64   `json:"nbf"`
	ClientID string   `json:"client_id"`
	Scope    string   `json:"scope"`
	Scp      []string `json:"scp"`
}

// Verify implements Verifier.
func (v *JWTVerifier) Verify(ctx context.Context, token string) (*Principal, error) {
	if _, err := jose.ParseSigned(token, jwtAlgs); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	payload, err := v.keys.VerifySignature(ctx, token)
	if err != nil {
		return nil, fmt.Errorf("%w: signature: %v", ErrInvalidToken, err)
	}
	var c jwtClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrInvalidToken, err)
	}
	now := v.now()
	switch {
	case c.Issuer != v.issuer:
		return nil, fmt.Errorf("%w: issuer %q", ErrInvalidToken, c.Issuer)
	case !slices.Contains(c.Audience, v.resource):
		return nil, fmt.Errorf("%w: audience %v is not %s", ErrInvalidToken, c.Audience, v.resource)
	case c.Expiry == nil || !now.Before(time.Unix(*c.Expiry, 0).Add(clockSkew)):
		return nil, fmt.Errorf("%w: expired or without exp", ErrInvalidToken)
	case c.NotBef != nil && now.Add(clockSkew).Before(time.Unix(*c.NotBef, 0)):
		return nil, fmt.Errorf("%w: not yet valid", ErrInvalidToken)
	case c.Subject == "":
		return nil, errors.Join(ErrInvalidToken, errors.New("no sub claim"))
	}
	scopes := strings.Fields(c.Scope)
	if len(scopes) == 0 {
		scopes = c.Scp
	}
	return &Principal{Subject: c.Subject, ClientID: c.ClientID, Scopes: scopes, AllAccounts: true}, nil
}
