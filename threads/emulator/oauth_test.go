package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// noRedirect returns the 302 instead of following it.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func authorizeURL(s *Server, redirect, state string) string {
	appID, _ := s.DemoApp()
	q := url.Values{"client_id": {appID}, "redirect_uri": {redirect}, "scope": {"threads_basic,threads_content_publish"},
		"response_type": {"code"}, "state": {state}}
	return s.URL + "/oauth/authorize?" + q.Encode()
}

func authorize(t *testing.T, s *Server, redirect string) (code string, loc *url.URL) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, authorizeURL(s, redirect, "st8"), nil)
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("authorize status %d", res.StatusCode)
	}
	loc, err = url.Parse(res.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc.Query().Get("code"), loc
}

func exchangeCode(t *testing.T, s *Server, code, redirect string) resp {
	t.Helper()
	appID, secret := s.DemoApp()
	form := url.Values{"client_id": {appID}, "client_secret": {secret}, "code": {code},
		"grant_type": {"authorization_code"}, "redirect_uri": {redirect}}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/oauth/access_token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return send(t, req)
}

func TestOAuthFlow(t *testing.T) {
	s, clk, _ := newWorld(t)
	redirect := demoRedirectLocalhost

	code, loc := authorize(t, s, redirect)
	if code == "" || loc.Query().Get("state") != "st8" || loc.Fragment != "_" ||
		loc.Scheme+"://"+loc.Host+loc.Path != redirect {
		t.Fatalf("redirect = %s", loc)
	}

	// Exchange: user_id is a JSON number.
	r := exchangeCode(t, s, code, redirect)
	if r.status != 200 {
		t.Fatalf("exchange: %d %s", r.status, r.raw)
	}
	var ex struct {
		AccessToken string      `json:"access_token"`
		UserID      json.Number `json:"user_id"`
	}
	dec := json.NewDecoder(strings.NewReader(r.raw))
	dec.UseNumber()
	if err := dec.Decode(&ex); err != nil || ex.UserID.String() != s.DemoUserID() || !strings.Contains(r.raw, `"user_id":`+s.DemoUserID()) {
		t.Fatalf("exchange body %s (%v)", r.raw, err)
	}
	short := ex.AccessToken
	a := &api{t: t, s: s, tok: short}
	if me := mustOK(t, a.get("/v1.0/me", "fields", "id,username")); me.body["username"] != DemoUsername {
		t.Fatalf("me = %v", me.body)
	}
	// Only the granted scopes: no insights.
	wantErr(t, a.get("/v1.0/me/threads_insights", "metric", "views"), 500, 10)

	// Reused code.
	if r := exchangeCode(t, s, code, redirect); r.status != 400 || r.body["error_type"] != "OAuthException" ||
		num(r.body["code"]) != 400 || !strings.Contains(r.body["error_message"].(string), "already used") {
		t.Fatalf("reused code: %d %s", r.status, r.raw)
	}
	// Wrong redirect_uri.
	code2, _ := authorize(t, s, redirect)
	if r := exchangeCode(t, s, code2, demoRedirectProduction); r.status != 400 || r.body["error_type"] != "OAuthException" {
		t.Fatalf("wrong redirect: %d %s", r.status, r.raw)
	}
	// Expired code (1 h).
	code3, _ := authorize(t, s, redirect)
	clk.Advance(61 * time.Minute)
	if r := exchangeCode(t, s, code3, redirect); r.status != 400 || r.body["error_type"] != "OAuthException" {
		t.Fatalf("expired code: %d %s", r.status, r.raw)
	}
	clk.Advance(-61 * time.Minute)

	// Long-lived exchange (unversioned only).
	_, secret := s.DemoApp()
	pub := &api{t: t, s: s}
	wantErr(t, pub.get("/v1.0/access_token", "grant_type", "th_exchange_token", "client_secret", secret, "access_token", short), 400, 100)
	wantErr(t, pub.get("/access_token", "grant_type", "th_exchange_token", "client_secret", "wrong", "access_token", short), 400, 1)
	r = mustOK(t, pub.get("/access_token", "grant_type", "th_exchange_token", "client_secret", secret, "access_token", short))
	long, _ := r.body["access_token"].(string)
	if long == "" || long == short || r.body["token_type"] != "bearer" || num(r.body["expires_in"]) != 5183944 {
		t.Fatalf("long-lived body %s", r.raw)
	}

	// Refresh too early.
	wantErr(t, pub.get("/refresh_access_token", "grant_type", "th_refresh_token", "access_token", long), 400, 100)
	clk.Advance(25 * time.Hour)
	// The short-lived token has expired by now.
	wantErr(t, a.get("/v1.0/me"), 400, 190)
	wantErr(t, pub.get("/access_token", "grant_type", "th_exchange_token", "client_secret", secret, "access_token", short), 400, 190)
	r = mustOK(t, pub.get("/refresh_access_token", "grant_type", "th_refresh_token", "access_token", long))
	fresh, _ := r.body["access_token"].(string)
	if fresh == "" || fresh == long || num(r.body["expires_in"]) != 5183944 {
		t.Fatalf("refresh body %s", r.raw)
	}
	// Default: the old token stays valid.
	mustOK(t, a.as(long).get("/v1.0/me"))
	mustOK(t, a.as(fresh).get("/me"))
	// The refreshed token lives 60 days from the refresh.
	clk.Advance(59 * 24 * time.Hour)
	mustOK(t, a.as(fresh).get("/me"))
	wantErr(t, a.as(long).get("/me"), 400, 190)
	wantErr(t, pub.get("/refresh_access_token", "grant_type", "th_refresh_token", "access_token", long), 400, 190)
}

func TestRefreshRevokesOldTokenKnob(t *testing.T) {
	s, clk, a := newWorld(t, WithConfig(Config{RevokeOldTokenOnRefresh: true}))
	old := s.IssueToken(s.DemoUserID(), DefaultScopes, 0)
	clk.Advance(25 * time.Hour)
	r := mustOK(t, (&api{t: t, s: s}).get("/refresh_access_token", "grant_type", "th_refresh_token", "access_token", old))
	wantErr(t, a.as(old).get("/me"), 400, 190)
	mustOK(t, a.as(r.body["access_token"].(string)).get("/me"))
}

func TestAuthorizeValidation(t *testing.T) {
	s, _, _ := newWorld(t)
	appID, _ := s.DemoApp()
	tests := []struct {
		name   string
		params url.Values
	}{
		{"unknown client", url.Values{"client_id": {"999"}, "redirect_uri": {demoRedirectLocalhost}, "scope": {"threads_basic"}}},
		{"unregistered redirect", url.Values{"client_id": {appID}, "redirect_uri": {"https://evil.example/cb"}, "scope": {"threads_basic"}}},
		{"trailing slash differs", url.Values{"client_id": {appID}, "redirect_uri": {demoRedirectLocalhost + "/"}, "scope": {"threads_basic"}}},
		{"no threads_basic", url.Values{"client_id": {appID}, "redirect_uri": {demoRedirectLocalhost}, "scope": {"threads_delete"}}},
		{"unknown scope", url.Values{"client_id": {appID}, "redirect_uri": {demoRedirectLocalhost}, "scope": {"threads_basic,email"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/oauth/authorize?"+tc.params.Encode(), nil)
			res, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 400 {
				t.Fatalf("status %d, want 400", res.StatusCode)
			}
		})
	}
	// Deny and an explicit user.
	other := s.AddUser(UserSpec{Username: "someone"})
	q := url.Values{"client_id": {appID}, "redirect_uri": {demoRedirectLocalhost}, "scope": {"threads_basic threads_delete"}, "user_id": {other}}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/oauth/authorize?"+q.Encode(), nil)
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, _ := url.Parse(res.Header.Get("Location"))
	r := exchangeCode(t, s, loc.Query().Get("code"), demoRedirectLocalhost)
	if !strings.Contains(r.raw, `"user_id":`+other) {
		t.Fatalf("exchange for user_id: %s", r.raw)
	}
	q.Set("deny", "true")
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/oauth/authorize?"+q.Encode(), nil)
	res, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, _ = url.Parse(res.Header.Get("Location"))
	if loc.Query().Get("error") != "access_denied" || loc.Query().Get("code") != "" {
		t.Fatalf("deny redirect %s", loc)
	}
}

// Token errors, and the token as a Bearer header or an access_token parameter.
func TestTokens(t *testing.T) {
	s, _, a := newWorld(t)
	expired := s.IssueToken(s.DemoUserID(), AllScopes, time.Hour)
	s.ExpireToken(expired)
	tests := []struct {
		name   string
		tok    string
		param  bool
		status int
		sub    int
	}{
		{"bearer", s.DemoToken(), false, 200, 0},
		{"access_token param", s.DemoToken(), true, 200, 0},
		{"missing", "", false, 400, 0},
		{"unknown", "THAAnope", false, 400, 0},
		{"unknown param", "THAAnope", true, 400, 0},
		{"expired", expired, false, 400, 463},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &api{t: t, s: s, tok: tc.tok, param: tc.param}
			r := c.get("/v1.0/me", "fields", "id")
			if tc.status == 200 {
				if mustOK(t, r).body["id"] != s.DemoUserID() {
					t.Fatalf("me = %v", r.body)
				}
				return
			}
			e := wantErr(t, r, tc.status, 190)
			if e["type"] != "OAuthException" || (tc.sub != 0 && num(e["error_subcode"]) != tc.sub) {
				t.Fatalf("error = %v", e)
			}
			if tc.tok != "" && strings.Contains(r.raw, tc.tok) {
				t.Fatalf("error echoes the token: %s", r.raw)
			}
		})
	}
	_ = a
}
