package auth_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/auth"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// TestWrongAppSecretMessage: a refused app secret says to check the Threads
// app secret, not the Facebook one.
func TestWrongAppSecretMessage(t *testing.T) {
	e := newEnv(t)
	cfg := e.cfg
	cfg.AppSecret = "not-the-secret"
	l, err := auth.NewLogin(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Complete(t.Context(), approve(t, l.AuthCodeURL(), nil))
	if err == nil || !strings.Contains(err.Error(), "Threads app secret") || !strings.Contains(err.Error(), "not the Facebook app secret") {
		t.Fatalf("wrong secret: %v", err)
	}
}

// TestRefreshFailureMessages: what the log says when a due refresh fails
// while the token is still valid, and what Token returns when Threads says
// the token expired although its recorded expiry is ahead.
func TestRefreshFailureMessages(t *testing.T) {
	for _, tc := range []struct {
		name    string
		spec    emulator.ErrorSpec
		want    []string
		expired bool
	}{
		{"5xx", emulator.ErrorSpec{HTTPStatus: 503, Code: 2, Message: "Service temporarily unavailable", IsTransient: true},
			[]string{"temporary", "retries in 15m0s", "still valid"}, false},
		{"190/460", emulator.ErrorSpec{HTTPStatus: 400, Code: 190, Subcode: 460, Message: "The session has been invalidated because the user changed their password"},
			[]string{"invalidated", "run `threads-mcp auth login --account work`"}, false},
		{"expired early", emulator.ErrorSpec{HTTPStatus: 400, Code: 190, Subcode: 463, Message: "Error validating access token: Session has expired"},
			[]string{"Threads says the access token of Threads account \"work\" has expired", "has not passed", "clock", "run `threads-mcp auth login --account work`"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			st := openStore(t, t.TempDir())
			a := e.login(t, "")
			a.Name = "work"
			if err := st.PutAccount(t.Context(), *a); err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			ts, err := auth.NewTokenSource(t.Context(), st, "work", e.cfg, slog.New(slog.NewTextHandler(&logs, nil)))
			if err != nil {
				t.Fatal(err)
			}
			e.clock.Advance(25 * time.Hour)
			e.srv.InjectError(http.MethodGet, "refresh_access_token", tc.spec, 0)
			_, err = ts.Token()
			text := logs.String()
			if tc.expired {
				var ee *auth.ExpiredError
				if !errors.As(err, &ee) {
					t.Fatalf("Token: %v, want an *auth.ExpiredError", err)
				}
				text = err.Error()
				if strings.Contains(text, "expired on") {
					t.Errorf("says the token expired on its (future) recorded expiry: %s", text)
				}
			} else if err != nil {
				t.Fatalf("Token with a still valid token: %v", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

// TestRefreshAbandonedByCaller: a caller that gives up during a due refresh
// gets its context's error, and the next call refreshes again instead of
// waiting out the 15-minute back-off of a failed refresh.
func TestRefreshAbandonedByCaller(t *testing.T) {
	e := newEnv(t)
	st := openStore(t, t.TempDir())
	a := e.login(t, "")
	a.Name = "work"
	if err := st.PutAccount(t.Context(), *a); err != nil {
		t.Fatal(err)
	}
	ts, err := auth.NewTokenSource(t.Context(), st, "work", e.cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(25 * time.Hour)
	e.srv.SetLatency(300 * time.Millisecond)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := ts.TokenContext(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("abandoned call: %v", err)
	}
	e.srv.SetLatency(0)
	tok, err := ts.TokenContext(t.Context())
	if err != nil || tok.AccessToken == a.Token {
		t.Fatalf("the next call did not refresh: %v (same token %v)", err, tok != nil && tok.AccessToken == a.Token)
	}
}
