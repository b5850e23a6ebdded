package oauthserver_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	sdkauth "github.com/modelcontextprotocol/go-sdk/auth"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"

	"github.com/threads-mcp/threads-mcp/auth"
	"github.com/threads-mcp/threads-mcp/auth/oauthserver"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/state"
	"github.com/threads-mcp/threads-mcp/tools/state/statetest"
)

// TestDiscovery follows what a client does with nothing but the URL: 401
// names the resource metadata (RFC 9728), which names the authorization
// server, whose metadata (RFC 8414) names the endpoints.
func TestDiscovery(t *testing.T) {
	h := newHarness(t)
	status, hdr := h.mcpPost(t, "", callFrame("list_accounts"))
	if status != http.StatusUnauthorized {
		t.Fatalf("no token: %d, want 401", status)
	}
	meta := oauthserver.ResourceMetadataURL(h.pub)
	if !strings.Contains(hdr, `resource_metadata="`+meta+`"`) || strings.Contains(hdr, "error=") {
		t.Fatalf("WWW-Authenticate %q: want resource_metadata=%q and no error (no credentials were sent)", hdr, meta)
	}
	for _, u := range []string{meta, h.pub + oauthserver.ResourceMetadataPath} {
		prm := getJSON(t, u)
		if prm["resource"] != oauthserver.ResourceURI(h.pub) {
			t.Errorf("%s: resource %v, want %s", u, prm["resource"], oauthserver.ResourceURI(h.pub))
		}
		as, _ := prm["authorization_servers"].([]any)
		if len(as) != 1 || as[0] != h.pub {
			t.Fatalf("%s: authorization_servers %v", u, prm["authorization_servers"])
		}
		for _, want := range append(tools.Scopes(), "threads.read", "threads.publish", "threads.moderate", "threads.accounts") {
			if !slices.Contains(prm["scopes_supported"].([]any), any(want)) {
				t.Errorf("%s: scopes_supported %v lacks %s", u, prm["scopes_supported"], want)
			}
		}
	}
	asm := getJSON(t, h.pub+oauthserver.MetadataPath)
	for k, want := range map[string]any{
		"issuer": h.pub, "authorization_endpoint": h.pub + oauthserver.AuthorizePath, "token_endpoint": h.pub + oauthserver.TokenPath,
		"registration_endpoint": h.pub + oauthserver.RegisterPath, "revocation_endpoint": h.pub + oauthserver.RevokePath,
	} {
		if asm[k] != want {
			t.Errorf("metadata %s = %v, want %v", k, asm[k], want)
		}
	}
	if m, _ := asm["code_challenge_methods_supported"].([]any); len(m) != 1 || m[0] != "S256" {
		t.Errorf("code_challenge_methods_supported %v, want [S256] only", asm["code_challenge_methods_supported"])
	}
}

// TestRegistration checks dynamic client registration (RFC 7591) and its
// redirect URI rules.
func TestRegistration(t *testing.T) {
	h := newHarness(t)
	for _, tc := range []struct {
		name       string
		meta       map[string]any
		want       int
		wantSecret bool
	}{
		{"public client, loopback http", map[string]any{"redirect_uris": []string{"http://127.0.0.1:33418/cb"}, "token_endpoint_auth_method": "none"}, 201, false},
		{"confidential client, https", map[string]any{"redirect_uris": []string{"https://claude.ai/api/mcp/auth_callback"}}, 201, true},
		{"localhost http", map[string]any{"redirect_uris": []string{"http://localhost:8976/cb"}, "token_endpoint_auth_method": "none"}, 201, false},
		{"remote http refused", map[string]any{"redirect_uris": []string{"http://evil.example/cb"}}, 400, false},
		{"custom scheme refused", map[string]any{"redirect_uris": []string{"javascript:alert(1)"}}, 400, false},
		{"fragment refused", map[string]any{"redirect_uris": []string{"https://app.example/cb#x"}}, 400, false},
		{"no redirect URIs", map[string]any{"client_name": "x"}, 400, false},
		{"implicit grant refused", map[string]any{"redirect_uris": []string{"https://app.example/cb"}, "grant_types": []string{"implicit"}}, 400, false},
		{"unknown auth method", map[string]any{"redirect_uris": []string{"https://app.example/cb"}, "token_endpoint_auth_method": "private_key_jwt"}, 400, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, m := h.register(t, tc.meta)
			if code != tc.want {
				t.Fatalf("status %d (%v), want %d", code, m, tc.want)
			}
			if code != 201 {
				if m["error"] == nil {
					t.Errorf("no error code in %v", m)
				}
				return
			}
			if _, has := m["client_secret"]; has != tc.wantSecret {
				t.Errorf("client_secret present %v, want %v", has, tc.wantSecret)
			}
			if id, _ := m["client_id"].(string); id == "" {
				t.Errorf("no client_id in %v", m)
			}
		})
	}
}

// TestAuthorizeRefusals covers the authorization request's rules: client
// and redirect URI errors are shown, never redirected; the others come
// back to the client as error redirects.
func TestAuthorizeRefusals(t *testing.T) {
	h := newHarness(t)
	c := h.newClient(t)
	_, ch := pkce()
	for _, tc := range []struct {
		name      string
		edit      func(url.Values)
		wantPage  bool   // 400 page, no redirect
		wantError string // error of the redirect
	}{
		{"unknown client", func(v url.Values) { v.Set("client_id", "nope") }, true, ""},
		{"redirect URI mismatch", func(v url.Values) { v.Set("redirect_uri", clientRedirect+"/other") }, true, ""},
		{"redirect URI prefix", func(v url.Values) { v.Set("redirect_uri", "http://127.0.0.1:1/") }, true, ""},
		{"state missing", func(v url.Values) { v.Del("state") }, false, "invalid_request"},
		{"PKCE missing", func(v url.Values) { v.Del("code_challenge"); v.Del("code_challenge_method") }, false, "invalid_request"},
		{"PKCE plain", func(v url.Values) { v.Set("code_challenge_method", "plain") }, false, "invalid_request"},
		{"PKCE method missing", func(v url.Values) { v.Del("code_challenge_method") }, false, "invalid_request"},
		{"token response type", func(v url.Values) { v.Set("response_type", "token") }, false, "unsupported_response_type"},
		{"unknown scope", func(v url.Values) { v.Set("scope", "threads.read admin") }, false, "invalid_scope"},
		{"wrong resource", func(v url.Values) { v.Set("resource", "https://other.example/mcp") }, false, "invalid_target"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := h.authParams(c, ch, "")
			tc.edit(v)
			resp, body := get(t, h.pub+oauthserver.AuthorizePath+"?"+v.Encode())
			if tc.wantPage {
				if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
					t.Fatalf("status %d, Location %q: want a 400 page and no redirect", resp.StatusCode, resp.Header.Get("Location"))
				}
				if strings.Contains(body, `name="request"`) {
					t.Fatal("a consent form was shown")
				}
				return
			}
			loc, err := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), clientRedirect) {
				t.Fatalf("status %d, Location %q: want an error redirect to the client", resp.StatusCode, resp.Header.Get("Location"))
			}
			q := loc.Query()
			if q.Get("error") != tc.wantError || q.Get("code") != "" {
				t.Fatalf("redirect %s: want error=%s and no code", loc, tc.wantError)
			}
			if q.Get("state") != v.Get("state") || q.Get("iss") != h.pub {
				t.Errorf("redirect %s: state/iss not echoed", loc)
			}
		})
	}
}

// TestConsentScreen checks that the consent screen names the client
// (escaped) and the scopes, and that declining returns access_denied.
func TestConsentScreen(t *testing.T) {
	h := newHarness(t)
	c := h.newClient(t)
	_, ch := pkce()
	v := h.authParams(c, ch, "threads.read threads.publish")
	resp, page := get(t, h.pub+oauthserver.AuthorizePath+"?"+v.Encode())
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("authorize: %d", resp.StatusCode)
	}
	for _, want := range []string{"Test &lt;Client&gt;", "threads.read", "threads.publish", "127.0.0.1:1"} {
		if !strings.Contains(page, want) {
			t.Errorf("consent page lacks %q", want)
		}
	}
	if strings.Contains(page, "<Client>") || strings.Contains(page, "threads.moderate") {
		t.Error("consent page shows the raw client name or a scope not asked for")
	}
	if resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Error("consent page can be framed")
	}
	handle := handleRE.FindStringSubmatch(page)[1]
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, h.pub+oauthserver.AuthorizePath,
		strings.NewReader(url.Values{"request": {handle}, "decision": {"deny"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, _ = do(t, req)
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc == nil || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != v.Get("state") {
		t.Fatalf("deny: %d %s, want access_denied with the state", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The declined request cannot be approved afterwards.
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, h.pub+oauthserver.AuthorizePath,
		strings.NewReader(url.Values{"request": {handle}, "decision": {"approve"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, _ = do(t, req); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("approving a declined request: %d, want 400", resp.StatusCode)
	}
}

// TestFullDance is the whole flow through the emulator's Threads OAuth:
// registration, code + PKCE, token, tool calls as the signed-in user,
// refresh rotation, and reuse of a rotated refresh token revoking the
// whole family.
func TestFullDance(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		h := newHarnessOn(t, db)
		c := h.newClient(t)
		tok := h.login(t, c, h.alice, "")
		if want := strings.Join(tools.Scopes(), " "); tok.scope != want {
			t.Errorf("scope %q, want every scope %q", tok.scope, want)
		}
		// The Threads account is stored and bound to the grant.
		acct, err := h.st.AccountByName(t.Context(), oauthserver.AccountPrefix+h.alice)
		if err != nil || acct.Username != "alice" || acct.Token == "" {
			t.Fatalf("stored account %v, %v", acct, err)
		}
		cs := h.session(t, tok.access)
		res, text := callTool(t, cs, "publish_text", map[string]any{"text": "signed in with Threads", "idempotency_key": "k1"})
		if res == nil {
			t.Fatalf("publish_text: %s", text)
		}
		if posts := h.emu.Posts(h.alice); len(posts) != 1 || posts[0].Text != "signed in with Threads" {
			t.Fatalf("alice's posts: %+v", posts)
		}

		// Refresh rotation: a new pair; the old access token ends with it.
		next := asTokens(t)(h.refresh(t, c, tok.refresh))
		if next.refresh == tok.refresh || next.access == tok.access {
			t.Fatal("refresh did not rotate")
		}
		if st, hdr := h.mcpPost(t, tok.access, callFrame("list_accounts")); st != http.StatusUnauthorized || !strings.Contains(hdr, `error="invalid_token"`) {
			t.Errorf("old access token after rotation: %d %q, want 401 invalid_token", st, hdr)
		}
		if res, text := callTool(t, h.session(t, next.access), "list_accounts", nil); res == nil {
			t.Fatalf("new access token: %s", text)
		}

		// Reusing the rotated refresh token revokes the family.
		if code, m := h.refresh(t, c, tok.refresh); code != http.StatusBadRequest || m["error"] != "invalid_grant" {
			t.Fatalf("reused refresh token: %d %v, want invalid_grant", code, m)
		}
		if code, m := h.refresh(t, c, next.refresh); code != http.StatusBadRequest || m["error"] != "invalid_grant" {
			t.Errorf("current refresh token after reuse: %d %v, want invalid_grant (family revoked)", code, m)
		}
		if st, _ := h.mcpPost(t, next.access, callFrame("list_accounts")); st != http.StatusUnauthorized {
			t.Errorf("current access token after reuse: %d, want 401 (family revoked)", st)
		}
		// Secrets are stored hashed only.
		for _, secret := range []string{tok.access, tok.refresh, next.access, next.refresh} {
			var n int
			err := h.st.DB().QueryRowContext(t.Context(), `SELECT COUNT(*) FROM oauth_tokens WHERE token_hash = $1`, secret).Scan(&n)
			if err != nil || n != 0 {
				t.Fatalf("a token is stored in the clear (%v)", err)
			}
		}
	})
}

// TestTokenRefusals covers the code exchange's rules.
func TestTokenRefusals(t *testing.T) {
	h := newHarness(t)
	c := h.newClient(t)
	other := h.newClient(t)
	codeFor := func(t *testing.T) (code, verifier string) {
		v, ch := pkce()
		final := h.signIn(t, h.pub+oauthserver.AuthorizePath+"?"+h.authParams(c, ch, "").Encode(), h.alice)
		return final.Query().Get("code"), v
	}
	for _, tc := range []struct {
		name      string
		form      func(code, verifier string) url.Values
		before    func()
		wantError string
	}{
		{"wrong verifier", func(code, _ string) url.Values {
			v, _ := pkce()
			return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.redirect}, "client_id": {c.id}, "code_verifier": {v}}
		}, nil, "invalid_grant"},
		{"verifier missing", func(code, _ string) url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.redirect}, "client_id": {c.id}}
		}, nil, "invalid_request"},
		{"redirect URI mismatch", func(code, v string) url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.redirect + "x"}, "client_id": {c.id}, "code_verifier": {v}}
		}, nil, "invalid_grant"},
		{"another client's code", func(code, v string) url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.redirect}, "client_id": {other.id}, "code_verifier": {v}}
		}, nil, "invalid_grant"},
		{"wrong resource", func(code, v string) url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.redirect}, "client_id": {c.id}, "code_verifier": {v}, "resource": {"https://other.example/mcp"}}
		}, nil, "invalid_target"},
		{"expired code", func(code, v string) url.Values {
			return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {c.redirect}, "client_id": {c.id}, "code_verifier": {v}}
		}, func() { h.advance(2 * time.Minute) }, "invalid_grant"},
		{"unknown grant type", func(code, v string) url.Values {
			return url.Values{"grant_type": {"password"}, "client_id": {c.id}}
		}, nil, "unsupported_grant_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, v := codeFor(t)
			if tc.before != nil {
				tc.before()
			}
			st, m := postForm(t, h.pub+oauthserver.TokenPath, tc.form(code, v), nil)
			if st != http.StatusBadRequest || m["error"] != tc.wantError {
				t.Fatalf("%d %v, want 400 %s", st, m, tc.wantError)
			}
		})
	}
	t.Run("replayed code revokes its tokens", func(t *testing.T) {
		code, v := codeFor(t)
		tok := asTokens(t)(h.exchange(t, c, code, v))
		if st, m := h.exchange(t, c, code, v); st != http.StatusBadRequest || m["error"] != "invalid_grant" {
			t.Fatalf("replay: %d %v", st, m)
		}
		if st, _ := h.mcpPost(t, tok.access, callFrame("list_accounts")); st != http.StatusUnauthorized {
			t.Errorf("token of a replayed code: %d, want 401", st)
		}
	})
	t.Run("unknown client", func(t *testing.T) {
		st, m := postForm(t, h.pub+oauthserver.TokenPath, url.Values{"grant_type": {"authorization_code"}, "client_id": {"nope"}, "code": {"x"}}, nil)
		if st != http.StatusUnauthorized || m["error"] != "invalid_client" {
			t.Fatalf("%d %v", st, m)
		}
	})
}

// TestConfidentialClient signs in a client with a secret, sent by Basic
// authentication, and refuses a wrong secret.
func TestConfidentialClient(t *testing.T) {
	h := newHarness(t)
	code, m := h.register(t, map[string]any{"redirect_uris": []string{clientRedirect}, "client_name": "web"})
	if code != http.StatusCreated {
		t.Fatal(m)
	}
	c := client{id: m["client_id"].(string), secret: m["client_secret"].(string), redirect: clientRedirect}
	v, ch := pkce()
	final := h.signIn(t, h.pub+oauthserver.AuthorizePath+"?"+h.authParams(c, ch, "").Encode(), h.alice)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {final.Query().Get("code")}, "redirect_uri": {c.redirect}, "code_verifier": {v}}
	if st, m := postForm(t, h.pub+oauthserver.TokenPath, form, &[2]string{c.id, "wrong"}); st != http.StatusUnauthorized || m["error"] != "invalid_client" {
		t.Fatalf("wrong secret: %d %v", st, m)
	}
	asTokens(t)(postForm(t, h.pub+oauthserver.TokenPath, form, &[2]string{c.id, c.secret}))
}

// TestScopeStepUp checks the toolset scopes: a token without a tool's
// scope gets 403 insufficient_scope naming it; with it the call proceeds.
func TestScopeStepUp(t *testing.T) {
	h := newHarness(t)
	c := h.newClient(t)
	tok := h.login(t, c, h.alice, "threads.read")
	for _, tc := range []struct {
		tool  string
		allow bool
	}{
		{"list_posts", true},
		{"publish_text", false},
		{"hide_reply", false},
		{"list_accounts", false},
	} {
		t.Run(tc.tool, func(t *testing.T) {
			need, ok := tools.ToolScope(tc.tool)
			if !ok {
				t.Fatalf("no tool %s", tc.tool)
			}
			st, hdr := h.mcpPost(t, tok.access, callFrame(tc.tool))
			if tc.allow {
				if st == http.StatusForbidden || st == http.StatusUnauthorized {
					t.Fatalf("%s with %s: %d %q", tc.tool, tok.scope, st, hdr)
				}
				return
			}
			if st != http.StatusForbidden || !strings.Contains(hdr, `error="insufficient_scope"`) ||
				!strings.Contains(hdr, need) || !strings.Contains(hdr, "threads.read") || !strings.Contains(hdr, "resource_metadata=") {
				t.Fatalf("%s: %d %q, want 403 insufficient_scope asking for threads.read and %s", tc.tool, st, hdr, need)
			}
		})
	}
	t.Run("batch with one forbidden call", func(t *testing.T) {
		st, _ := h.mcpPost(t, tok.access, "["+callFrame("list_posts")+","+callFrame("publish_text")+"]")
		if st != http.StatusForbidden {
			t.Fatalf("%d, want 403", st)
		}
	})
	t.Run("narrowing on refresh", func(t *testing.T) {
		full := h.login(t, c, h.alice, "threads.read threads.publish")
		st, m := postForm(t, h.pub+oauthserver.TokenPath, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {full.refresh},
			"client_id": {c.id}, "scope": {"threads.read threads.moderate"}}, nil)
		if st != http.StatusBadRequest || m["error"] != "invalid_scope" {
			t.Fatalf("widening: %d %v", st, m)
		}
		narrow := asTokens(t)(postForm(t, h.pub+oauthserver.TokenPath, url.Values{"grant_type": {"refresh_token"},
			"refresh_token": {full.refresh}, "client_id": {c.id}, "scope": {"threads.read"}}, nil))
		if st, _ := h.mcpPost(t, narrow.access, callFrame("publish_text")); st != http.StatusForbidden {
			t.Fatalf("narrowed token publishing: %d, want 403", st)
		}
	})
}

// TestUserIsolation signs in two users: each acts only as their own
// Threads account, whatever account name they pass.
func TestUserIsolation(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		h := newHarnessOn(t, db)
		c := h.newClient(t)
		// The operator's own account, logged in on the command line, is the
		// store's default: no signed-in user reaches it either.
		if err := h.st.PutAccount(t.Context(), state.Account{Name: "default", UserID: h.bob, Username: "bob",
			Token: h.emu.IssueToken(h.bob, auth.DefaultScopes, 0), ObtainedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		alice := h.session(t, h.login(t, c, h.alice, "").access)
		_ = h.login(t, c, h.bob, "")
		res, text := callTool(t, alice, "list_accounts", nil)
		if res == nil {
			t.Fatal(text)
		}
		if strings.Contains(text, "bob") || !strings.Contains(text, "alice") {
			t.Fatalf("alice's list_accounts: %s", text)
		}
		for _, account := range []string{oauthserver.AccountPrefix + h.bob, "bob", "@bob", "default"} {
			res, text := callTool(t, alice, "publish_text", map[string]any{"text": "as bob?", "account": account, "idempotency_key": "x-" + account})
			if res != nil || !strings.Contains(text, "not available to you") {
				t.Errorf("alice publishing as %q: %v %s", account, res, text)
			}
		}
		if posts := h.emu.Posts(h.bob); len(posts) != 0 {
			t.Fatalf("bob's posts: %+v", posts)
		}
		if res, text := callTool(t, alice, "publish_text", map[string]any{"text": "as myself", "idempotency_key": "self"}); res == nil || res["account"] != "alice" {
			t.Fatalf("alice publishing as herself: %v %s", res, text)
		}
		// The operator logs alice out (threads-mcp auth logout --account
		// oauth-<id>): her connector can act as nothing any more.
		if err := h.st.DeleteAccount(t.Context(), oauthserver.AccountPrefix+h.alice); err != nil {
			t.Fatal(err)
		}
		if res, text := callTool(t, alice, "list_posts", nil); res != nil || !strings.Contains(text, "not available") {
			t.Fatalf("after logout: %v %s", res, text)
		}
	})
}

// TestExpiredAndRevoked checks access token expiry and RFC 7009
// revocation.
func TestExpiredAndRevoked(t *testing.T) {
	h := newHarness(t)
	c := h.newClient(t)
	tok := h.login(t, c, h.alice, "")
	h.advance(oauthserver.DefaultAccessTTL + time.Minute)
	if st, hdr := h.mcpPost(t, tok.access, callFrame("list_accounts")); st != http.StatusUnauthorized || !strings.Contains(hdr, `error="invalid_token"`) {
		t.Fatalf("expired token: %d %q", st, hdr)
	}
	next := asTokens(t)(h.refresh(t, c, tok.refresh))
	if st, _ := h.mcpPost(t, next.access, callFrame("list_accounts")); st != http.StatusOK {
		t.Fatalf("refreshed token: %d", st)
	}
	revoke := func(token, clientID string) int {
		st, _ := postForm(t, h.pub+oauthserver.RevokePath, url.Values{"token": {token}, "client_id": {clientID}}, nil)
		return st
	}
	other := h.newClient(t)
	if st := revoke(next.refresh, other.id); st != http.StatusOK {
		t.Fatalf("revoking another client's token: %d, want 200 (and nothing revoked)", st)
	}
	if st, _ := h.mcpPost(t, next.access, callFrame("list_accounts")); st != http.StatusOK {
		t.Fatalf("another client revoked this client's token: %d", st)
	}
	if st := revoke(next.refresh, c.id); st != http.StatusOK {
		t.Fatalf("revoke: %d", st)
	}
	if st, _ := h.mcpPost(t, next.access, callFrame("list_accounts")); st != http.StatusUnauthorized {
		t.Errorf("access token after revocation: %d, want 401", st)
	}
	if st, m := h.refresh(t, c, next.refresh); st != http.StatusBadRequest || m["error"] != "invalid_grant" {
		t.Errorf("refresh token after revocation: %d %v", st, m)
	}
	if st := revoke("tmca_unknown", c.id); st != http.StatusOK {
		t.Errorf("revoking an unknown token: %d, want 200", st)
	}
	h.advance(oauthserver.DefaultRefreshTTL)
	tok = h.login(t, c, h.alice, "")
	h.advance(oauthserver.DefaultRefreshTTL + time.Minute)
	if st, m := h.refresh(t, c, tok.refresh); st != http.StatusBadRequest || m["error"] != "invalid_grant" {
		t.Errorf("expired refresh token: %d %v", st, m)
	}
}

// TestAudience refuses a token issued for another resource: a second
// server on the same store with another public URL does not accept the
// first one's tokens (RFC 8707).
func TestAudience(t *testing.T) {
	h := newHarness(t)
	c := h.newClient(t)
	tok := h.login(t, c, h.alice, "")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	other := "http://" + ln.Addr().String()
	h.serve(t, ln, h.newServer(t, other))
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, other+"/mcp", strings.NewReader(callFrame("list_accounts")))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+tok.access)
	resp, _ := do(t, req)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Fatalf("token for %s at %s: %d %q, want 401 invalid_token", h.pub, other, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	if st, _ := h.mcpPost(t, tok.access, callFrame("list_accounts")); st != http.StatusOK {
		t.Fatalf("the same token at its own server: %d", st)
	}
}

// TestGoSDKClient connects the official go-sdk client with nothing but the
// URL: it discovers, registers, signs in (the fetcher plays the browser
// through consent and the emulator's Threads login), calls tools as the
// signed-in user, and steps up when a tool needs a scope it lacks.
func TestGoSDKClient(t *testing.T) {
	h := newHarness(t)
	fetches := 0
	handler, err := sdkauth.NewAuthorizationCodeHandler(&sdkauth.AuthorizationCodeHandlerConfig{
		DynamicClientRegistrationConfig: &sdkauth.DynamicClientRegistrationConfig{Metadata: &oauthex.ClientRegistrationMetadata{
			ClientName: "go-sdk test", RedirectURIs: []string{clientRedirect}, TokenEndpointAuthMethod: "none",
			GrantTypes: []string{"authorization_code", "refresh_token"},
		}},
		ScopeFilter: func(discovered []string) []string {
			// Ask for less than offered first, to exercise step-up.
			if slices.Contains(discovered, "threads.publish") && fetches == 0 {
				return []string{"threads.read", "threads.accounts"}
			}
			return discovered
		},
		AuthorizationCodeFetcher: func(ctx context.Context, args *sdkauth.AuthorizationArgs) (*sdkauth.AuthorizationResult, error) {
			fetches++
			final := h.signIn(t, args.URL, h.alice)
			q := final.Query()
			return &sdkauth.AuthorizationResult{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss")}, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	c := sdk.NewClient(&sdk.Implementation{Name: "go-sdk-oauth", Version: "0"}, nil)
	cs, err := c.Connect(t.Context(), &sdk.StreamableClientTransport{Endpoint: h.pub + "/mcp", OAuthHandler: handler}, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	res, text := callTool(t, cs, "list_accounts", nil)
	if res == nil || !strings.Contains(text, "alice") {
		t.Fatalf("list_accounts: %s", text)
	}
	if fetches != 1 {
		t.Fatalf("%d sign-ins before the first call, want 1", fetches)
	}
	res, text = callTool(t, cs, "publish_text", map[string]any{"text": "from the go-sdk, stepped up", "idempotency_key": "sdk"})
	if res == nil {
		t.Fatalf("publish_text after step-up: %s", text)
	}
	if fetches != 2 {
		t.Errorf("%d sign-ins, want 2 (step-up for threads.publish)", fetches)
	}
	if posts := h.emu.Posts(h.alice); len(posts) != 1 || posts[0].Text != "from the go-sdk, stepped up" {
		t.Fatalf("alice's posts: %+v", posts)
	}
}

// TestConcurrentRefresh presents one refresh token twice at once: one
// request rotates it, the other is a reuse, which revokes the family, so
// the winner's new tokens end too.
func TestConcurrentRefresh(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		h := newHarnessOn(t, db)
		c := h.newClient(t)
		tok := h.login(t, c, h.alice, "")
		type result struct {
			status  int
			refresh string
		}
		results := make(chan result, 2)
		for range 2 {
			go func() {
				form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.refresh}, "client_id": {c.id}}
				resp, err := http.PostForm(h.pub+oauthserver.TokenPath, form)
				if err != nil {
					results <- result{}
					return
				}
				defer resp.Body.Close()
				var m map[string]any
				_ = json.NewDecoder(resp.Body).Decode(&m)
				r, _ := m["refresh_token"].(string)
				results <- result{resp.StatusCode, r}
			}()
		}
		var won []string
		for range 2 {
			r := <-results
			switch r.status {
			case http.StatusOK:
				won = append(won, r.refresh)
			case http.StatusBadRequest:
			default:
				t.Fatalf("refresh: status %d", r.status)
			}
		}
		if len(won) != 1 {
			t.Fatalf("%d of two concurrent refreshes with one token succeeded, want exactly 1", len(won))
		}
		if st, m := h.refresh(t, c, won[0]); st != http.StatusBadRequest || m["error"] != "invalid_grant" {
			t.Fatalf("the winner's refresh token after the reuse: %d %v, want invalid_grant", st, m)
		}
	})
}

// TestThreadsCallback covers the Threads side of the sign-in: a user who
// cancels on Threads comes back to the client with access_denied; a
// callback is answered once; an unknown one is a page, not a redirect.
func TestThreadsCallback(t *testing.T) {
	h := newHarness(t)
	c := h.newClient(t)
	// consent walks to Threads' window and returns its URL.
	consent := func(t *testing.T) (*url.URL, url.Values) {
		_, ch := pkce()
		v := h.authParams(c, ch, "")
		_, page := get(t, h.pub+oauthserver.AuthorizePath+"?"+v.Encode())
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, h.pub+oauthserver.AuthorizePath,
			strings.NewReader(url.Values{"request": {handleRE.FindStringSubmatch(page)[1]}, "decision": {"approve"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, _ := do(t, req)
		u, err := url.Parse(resp.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		return u, v
	}
	t.Run("cancelled on Threads", func(t *testing.T) {
		threads, v := consent(t)
		q := threads.Query()
		q.Set("deny", "true")
		threads.RawQuery = q.Encode()
		resp, _ := get(t, threads.String())
		resp, _ = get(t, resp.Header.Get("Location"))
		final, _ := url.Parse(resp.Header.Get("Location"))
		if final == nil || final.Query().Get("error") != "access_denied" || final.Query().Get("state") != v.Get("state") || final.Query().Get("code") != "" {
			t.Fatalf("%d %s, want access_denied with the state", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("answered once", func(t *testing.T) {
		threads, _ := consent(t)
		q := threads.Query()
		q.Set("user_id", h.alice)
		threads.RawQuery = q.Encode()
		resp, _ := get(t, threads.String())
		callback := resp.Header.Get("Location")
		if resp, _ = get(t, callback); resp.StatusCode != http.StatusFound {
			t.Fatalf("first callback: %d", resp.StatusCode)
		}
		if resp, _ = get(t, callback); resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Fatalf("second callback: %d %q, want a 400 page", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("consent expired", func(t *testing.T) {
		_, ch := pkce()
		_, page := get(t, h.pub+oauthserver.AuthorizePath+"?"+h.authParams(c, ch, "").Encode())
		h.advance(11 * time.Minute)
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, h.pub+oauthserver.AuthorizePath,
			strings.NewReader(url.Values{"request": {handleRE.FindStringSubmatch(page)[1]}, "decision": {"approve"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if resp, _ := do(t, req); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("approving an expired request: %d, want 400", resp.StatusCode)
		}
	})
	t.Run("unknown state", func(t *testing.T) {
		resp, _ := get(t, h.pub+oauthserver.CallbackPath+"?code=x&state=forged")
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Fatalf("%d %q, want a 400 page", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}
