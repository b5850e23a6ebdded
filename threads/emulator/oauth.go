package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// authorize serves GET /oauth/authorize: it approves at once and redirects
// to redirect_uri?code=...&state=...#_. Emulator extensions: user_id picks
// the approving user (default: the demo user, else the first user), and
// deny=true simulates the user cancelling.
func (e *Emulator) authorize(rc *reqCtx) (any, error) {
	if rc.r.Method != http.MethodGet {
		return nil, errParam("Unsupported request - method type: %s", strings.ToLower(rc.r.Method))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	clientID, redirectURI := rc.get("client_id"), rc.get("redirect_uri")
	if clientID == "" {
		return nil, &apiError{status: 400, code: 100, subcode: 4476002, typ: "OAuthException",
			msg: "No app ID was provided in the request"}
	}
	a, ok := e.apps[clientID]
	if !ok {
		return nil, &apiError{status: 400, code: 100, typ: "OAuthException",
			msg: "Invalid platform app ID: the client_id does not belong to a Threads app"}
	}
	if redirectURI == "" || !slices.Contains(a.redirects, redirectURI) {
		return nil, &apiError{status: 400, code: 100, typ: "OAuthException",
			msg: "URL Blocked: This redirect failed because the redirect URI is not whitelisted in the app's Client OAuth Settings. Make sure Client and Web OAuth Login are on and add all your app domains as Valid OAuth Redirect URIs."}
	}
	if rt := rc.get("response_type"); rt != "" && rt != "code" {
		return nil, errParam("Param response_type must be code")
	}
	scopes := splitScopes(rc.get("scope"))
	for _, s := range scopes {
		if !slices.Contains(AllScopes, s) {
			return nil, errParam("Invalid Scopes: %s. This message is only shown to developers.", s)
		}
	}
	if !slices.Contains(scopes, ScopeBasic) {
		return nil, errParam("Invalid Scopes: the scope parameter must include threads_basic")
	}
	target, _ := url.Parse(redirectURI)
	q := target.Query()
	if deny, _ := rc.boolParam("deny"); deny {
		q.Set("error", "access_denied")
		q.Set("error_reason", "user_denied")
		q.Set("error_description", "The user denied your request")
	} else {
		uid := rc.get("user_id")
		if uid == "" {
			uid = e.demoUserID
		}
		if uid == "" && len(e.userOrder) > 0 {
			uid = e.userOrder[0]
		}
		if _, ok := e.users[uid]; !ok {
			return nil, errParam("Emulator: no such user %q to approve the authorization", uid)
		}
		e.touch()
		code := e.randString(40)
		e.codes[code] = &authCode{code: code, appID: a.id, redirect: redirectURI, userID: uid,
			scopes: scopes, issuedAt: e.now()}
		q.Set("code", code)
	}
	if st := rc.params.Get("state"); st != "" {
		q.Set("state", st)
	}
	target.RawQuery = q.Encode()
	target.Fragment = "_"
	return redirect(target.String()), nil
}

func splitScopes(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '+' }) {
		if p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// oauthAccessToken serves /oauth/access_token: the code exchange (POST,
// grant_type=authorization_code) and app tokens (grant_type=client_credentials).
func (e *Emulator) oauthAccessToken(rc *reqCtx) (any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	a, ok := e.apps[rc.get("client_id")]
	grant := rc.get("grant_type")
	if grant == "client_credentials" {
		if !ok || a.secret != rc.get("client_secret") {
			return nil, &oauthError{msg: "Error validating client secret."}
		}
		t := e.issueLocked("", a.id, nil, longLivedExpiresIn*time.Second, false)
		t.app = true
		delete(e.tokens, t.value)
		t.value = "TH|" + a.id + "|" + e.randString(27)
		e.tokens[t.value] = t
		return map[string]any{"access_token": t.value, "token_type": "bearer"}, nil
	}
	if rc.r.Method != http.MethodPost {
		return nil, errParam("Unsupported request - method type: %s", strings.ToLower(rc.r.Method))
	}
	if grant != "authorization_code" {
		return nil, &oauthError{msg: "Unsupported grant_type: expected authorization_code"}
	}
	if !ok {
		return nil, &oauthError{msg: "Invalid platform app"}
	}
	if a.secret != rc.get("client_secret") {
		return nil, &oauthError{msg: "Error validating client secret."}
	}
	c, ok := e.codes[rc.get("code")]
	if !ok || c.used || c.appID != a.id {
		return nil, &oauthError{msg: "Matching code was not found or was already used"}
	}
	if !now.Before(c.issuedAt.Add(authCodeTTL)) {
		return nil, &oauthError{msg: "This authorization code has expired."}
	}
	if rc.get("redirect_uri") != c.redirect {
		return nil, &oauthError{msg: "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request"}
	}
	e.touch()
	c.used = true
	t := e.issueLocked(c.userID, a.id, c.scopes, shortLivedTTL, true)
	return map[string]any{"access_token": t.value, "user_id": json.Number(c.userID)}, nil
}

// tokenParam reads the token of the token endpoints: the access_token
// parameter, else the Authorization header.
func tokenParam(rc *reqCtx) string {
	if t := rc.get("access_token"); t != "" {
		return t
	}
	if v, ok := strings.CutPrefix(rc.r.Header.Get("Authorization"), "Bearer "); ok {
		return strings.TrimSpace(v)
	}
	return ""
}

// grantToken checks what the two token grants share (GET, the grant type,
// a live access_token) and returns that token. Callers hold e.mu.
func (e *Emulator) grantToken(rc *reqCtx, grantType string) (*token, time.Time, error) {
	now := e.now()
	if rc.r.Method != http.MethodGet {
		return nil, now, errParam("Unsupported request - method type: %s", strings.ToLower(rc.r.Method))
	}
	if rc.get("grant_type") != grantType {
		return nil, now, errParam("Param grant_type must be %s", grantType)
	}
	raw := tokenParam(rc)
	if raw == "" {
		return nil, now, &apiError{status: 400, code: 190, typ: "OAuthException",
			msg: "An active access token must be used to query information about the current user."}
	}
	t, err := e.lookupToken(raw, now)
	return t, now, err
}

// exchangeToken serves GET /access_token?grant_type=th_exchange_token.
func (e *Emulator) exchangeToken(rc *reqCtx) (any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, _, err := e.grantToken(rc, "th_exchange_token")
	if err != nil {
		return nil, err
	}
	secret := rc.get("client_secret")
	valid := false
	for _, a := range e.apps {
		if a.secret == secret && secret != "" && (t.appID == "" || t.appID == a.id) {
			valid = true
		}
	}
	if !valid {
		return nil, &apiError{status: 400, code: 1, typ: "OAuthException", msg: "Error validating client secret."}
	}
	if !t.short || t.app {
		return nil, errParam("Invalid token: th_exchange_token requires a short-lived user access token")
	}
	scopes := make([]string, 0, len(t.scopes))
	for s := range t.scopes {
		scopes = append(scopes, s)
	}
	slices.Sort(scopes)
	nt := e.issueLocked(t.userID, t.appID, scopes, e.longLivedTTL(), false)
	return map[string]any{"access_token": nt.value, "token_type": "bearer", "expires_in": int64(e.longLivedTTL() / time.Second)}, nil
}

// refreshToken serves GET /refresh_access_token?grant_type=th_refresh_token.
func (e *Emulator) refreshToken(rc *reqCtx) (any, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	t, now, err := e.grantToken(rc, "th_refresh_token")
	if err != nil {
		return nil, err
	}
	if t.app || t.short {
		return nil, errParam("Invalid token: th_refresh_token requires a long-lived user access token")
	}
	if !t.scopes[ScopeBasic] {
		return nil, e.scopeError()
	}
	if now.Sub(t.issuedAt) < 24*time.Hour {
		return nil, &apiError{status: 400, code: 100, typ: "OAuthException",
			msg: "Invalid token: a long-lived access token can only be refreshed once it is at least 24 hours old"}
	}
	scopes := make([]string, 0, len(t.scopes))
	for s := range t.scopes {
		scopes = append(scopes, s)
	}
	slices.Sort(scopes)
	nt := e.issueLocked(t.userID, t.appID, scopes, e.longLivedTTL(), false)
	if e.cfg.api.RevokeOldTokenOnRefresh {
		t.revoked = true
	}
	return map[string]any{"access_token": nt.value, "token_type": "bearer", "expires_in": int64(e.longLivedTTL() / time.Second)}, nil
}
