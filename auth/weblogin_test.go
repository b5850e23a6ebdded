package auth

import (
	"errors"
	"net/url"
	"testing"
)

// TestWebLoginRefusals checks that a web login requires its own state on
// the redirect and reports a cancelled sign-in, before any exchange.
func TestWebLoginRefusals(t *testing.T) {
	cfg := Config{AppID: "1", AppSecret: "s", RedirectURI: "https://mcp.example.com/oauth/threads/callback"}
	wl, err := StartWebLogin(cfg)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(wl.AuthCodeURL)
	q := u.Query()
	if q.Get("state") != wl.State || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("redirect_uri") != cfg.RedirectURI {
		t.Fatalf("authorization URL %s", wl.AuthCodeURL)
	}
	for _, tc := range []struct {
		name  string
		wl    WebLogin
		query url.Values
		want  error
	}{
		{"state missing", *wl, url.Values{"code": {"c"}}, ErrStateMismatch},
		{"another state", *wl, url.Values{"code": {"c"}, "state": {"other"}}, ErrStateMismatch},
		{"no state kept", WebLogin{}, url.Values{"code": {"c"}, "state": {""}}, ErrStateMismatch},
		{"user cancelled", *wl, url.Values{"state": {wl.State}, "error": {"access_denied"}, "error_reason": {"user_denied"}}, ErrAccessDenied},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := CompleteWebLogin(t.Context(), cfg, tc.wl, tc.query); !errors.Is(err, tc.want) {
				t.Fatalf("CompleteWebLogin: %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := StartWebLogin(Config{AppID: "1"}); err == nil {
		t.Error("StartWebLogin without the app secret succeeded")
	}
}
