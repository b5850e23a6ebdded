package auth

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

	"golang.org/x/oauth2"
)

// DefaultAccountName is the stored name of the account logged in without
// --account.
const DefaultAccountName = "default"

// maxBody bounds every response body read.
const maxBody = 1 << 20

// tokenResponse is the body of th_exchange_token and th_refresh_token.
type tokenResponse struct {
	AccessToken string      `json:"access_token"`
	TokenType   string      `json:"token_type"`
	ExpiresIn   json.Number `json:"expires_in"`
}

// getJSON performs a GET and decodes a 2xx JSON body into out. bearer, when
// set, goes in the Authorization header. secrets are scrubbed from errors.
func getJSON(ctx context.Context, cfg Config, rawURL, bearer string, out any, secrets ...string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return fmt.Errorf("auth: build request: %w", redactErr(err, secrets...))
	}
	req.Header.Set("Accept", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := cfg.client().Do(req)
	if err != nil {
		return fmt.Errorf("auth: %w", redactErr(err, secrets...))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return fmt.Errorf("auth: read response: %w", redactErr(err, secrets...))
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return parseAPIError(resp.StatusCode, body, secrets...)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("auth: decode response from %s: %w", RedactURL(rawURL), err)
	}
	return nil
}

func (r tokenResponse) token(now time.Time) (*oauth2.Token, error) {
	if r.AccessToken == "" {
		return nil, errors.New("auth: token response has no access_token")
	}
	t := &oauth2.Token{AccessToken: r.AccessToken, TokenType: "Bearer"}
	if r.ExpiresIn != "" {
		secs, err := r.ExpiresIn.Int64()
		if err != nil {
			f, ferr := r.ExpiresIn.Float64()
			if ferr != nil {
				return nil, fmt.Errorf("auth: bad expires_in %q", r.ExpiresIn)
			}
			secs = int64(f)
		}
		if secs > 0 {
			t.ExpiresIn = secs
			t.Expiry = now.Add(time.Duration(secs) * time.Second)
		}
	}
	return t, nil
}

// ExchangeLongLived trades a short-lived token for a long-lived (~60 day)
// one: GET {graph}/access_token?grant_type=th_exchange_token. Expiry is set
// from expires_in. The request carries the app secret and the token in its
// query string, as Meta documents; both are redacted from every error.
func ExchangeLongLived(ctx context.Context, cfg Config, shortLived string) (*oauth2.Token, error) {
	if cfg.AppSecret == "" {
		return nil, errors.New("auth: the long-lived token exchange needs the app secret")
	}
	q := url.Values{"grant_type": {"th_exchange_token"}, "client_secret": {cfg.AppSecret}, "access_token": {shortLived}}
	var r tokenResponse
	if err := getJSON(ctx, cfg, cfg.graphRoot()+"/access_token?"+q.Encode(), "", &r, shortLived, cfg.AppSecret); err != nil {
		return nil, secretHint(fmt.Errorf("auth: long-lived token exchange: %w", err))
	}
	return r.token(cfg.now())
}

// Refresh refreshes a long-lived token: GET
// {graph}/refresh_access_token?grant_type=th_refresh_token. Meta refuses it
// while the token is less than 24 hours old and after it has expired; the
// refusal is a *RefreshError matching ErrTooYoung or ErrTokenExpired.
func Refresh(ctx context.Context, cfg Config, longLived string) (*oauth2.Token, error) {
	q := url.Values{"grant_type": {"th_refresh_token"}, "access_token": {longLived}}
	var r tokenResponse
	if err := getJSON(ctx, cfg, cfg.graphRoot()+"/refresh_access_token?"+q.Encode(), "", &r, longLived); err != nil {
		var api *APIError
		if errors.As(err, &api) {
			return nil, classifyRefresh(api)
		}
		return nil, fmt.Errorf("auth: token refresh: %w", err)
	}
	return r.token(cfg.now())
}

// Me is the result of GET /me?fields=id,username.
type Me struct {
	ID       string `json:"id"`
	Username string `json:"username"`
}

// FetchMe returns the id and username of the token's user
// (GET {graph}/v1.0/me?fields=id,username, token in the Authorization header).
func FetchMe(ctx context.Context, cfg Config, token string) (*Me, error) {
	var m Me
	if err := getJSON(ctx, cfg, cfg.graphRoot()+"/"+APIVersion+"/me?fields=id,username", token, &m, token); err != nil {
		return nil, fmt.Errorf("auth: read profile: %w", err)
	}
	if m.ID == "" {
		return nil, errors.New("auth: profile response has no id")
	}
	return &m, nil
}

// exchangeCode performs the code → short-lived token exchange with
// golang.org/x/oauth2 and converts its errors into *APIError.
func exchangeCode(ctx context.Context, cfg Config, oc *oauth2.Config, code string, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, cfg.client())
	tok, err := oc.Exchange(ctx, code, opts...)
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			status := 0
			if re.Response != nil {
				status = re.Response.StatusCode
			}
			return nil, secretHint(fmt.Errorf("auth: code exchange: %w", parseAPIError(status, re.Body, code, cfg.AppSecret)))
		}
		return nil, fmt.Errorf("auth: code exchange: %w", redactErr(err, code, cfg.AppSecret))
	}
	return tok, nil
}

// trimCode cleans a pasted authorization code: spaces and the trailing "#_"
// Threads appends.
func trimCode(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, "#_")
	return strings.TrimSuffix(s, "#")
}

// debugTokenResponse is the body of GET /debug_token.
type debugTokenResponse struct {
	Data struct {
		IsValid bool     `json:"is_valid"`
		Scopes  []string `json:"scopes"`
		UserID  string   `json:"user_id"`
	} `json:"data"`
}

// DebugScopes returns the scopes granted to token, as GET
// {graph}/v1.0/debug_token?input_token=TOKEN reports them
// (https://developers.facebook.com/docs/threads/troubleshooting — Meta's
// access-token debugger endpoint; the token itself authorizes the call).
// ok is false when the endpoint is unavailable or its answer has no scopes.
func DebugScopes(ctx context.Context, cfg Config, token string) (scopes []string, ok bool) {
	q := url.Values{"input_token": {token}}
	var r debugTokenResponse
	if err := getJSON(ctx, cfg, cfg.graphRoot()+"/"+APIVersion+"/debug_token?"+q.Encode(), token, &r, token); err != nil {
		return nil, false
	}
	if len(r.Data.Scopes) == 0 {
		return nil, false
	}
	return cleanScopes(r.Data.Scopes), true
}

// responseScopes returns the scopes a token response lists ("scope" or
// "permissions", a comma- or space-separated string or an array), if any.
func responseScopes(tok *oauth2.Token) []string {
	if tok == nil {
		return nil
	}
	for _, key := range []string{"scope", "permissions", "scopes"} {
		switch v := tok.Extra(key).(type) {
		case string:
			if s := cleanScopes(strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })); len(s) > 0 {
				return s
			}
		case []any:
			var out []string
			for _, x := range v {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
			if s := cleanScopes(out); len(s) > 0 {
				return s
			}
		}
	}
	return nil
}

// cleanScopes trims, drops empties and duplicates, keeping the order.
func cleanScopes(in []string) []string {
	var out []string
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
