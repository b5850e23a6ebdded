package httpmw

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

type ctxKey struct{}

// fakeAuthn admits "good", refuses "scope" with 403 and everything else
// with a plain error.
type fakeAuthn struct{}

func (fakeAuthn) Authenticate(r *http.Request) (context.Context, error) {
	switch tok, _ := BearerFrom(r); tok {
	case "good":
		return context.WithValue(r.Context(), ctxKey{}, "alice"), nil
	case "scope":
		return nil, &Challenge{Status: http.StatusForbidden, Code: "insufficient_scope", Scope: "threads.publish", ResourceMetadata: "https://m.example/.well-known/oauth-protected-resource/mcp"}
	}
	return nil, errors.New("no")
}

// TestGuardAuthenticator checks that Guard uses a pluggable
// Authenticator: its context reaches the handler, its challenge is
// answered as it says, and another error is a 401 invalid_token.
func TestGuardAuthenticator(t *testing.T) {
	var who any
	h := Guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { who = r.Context().Value(ctxKey{}) }),
		Options{Authenticator: fakeAuthn{}, BearerToken: "ignored-when-an-authenticator-is-set"})
	for _, tc := range []struct {
		auth, wantHeader string
		want             int
	}{
		{"Bearer good", "", 200},
		{"Bearer scope", `Bearer resource_metadata="https://m.example/.well-known/oauth-protected-resource/mcp", error="insufficient_scope", scope="threads.publish"`, 403},
		{"Bearer ignored-when-an-authenticator-is-set", `Bearer realm="threads-mcp", error="invalid_token"`, 401},
	} {
		who = nil
		r := httptest.NewRequest(http.MethodPost, "/mcp", nil)
		r.Header.Set("Authorization", tc.auth)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.want || w.Header().Get("WWW-Authenticate") != tc.wantHeader {
			t.Errorf("%s: %d %q, want %d %q", tc.auth, w.Code, w.Header().Get("WWW-Authenticate"), tc.want, tc.wantHeader)
		}
		if (tc.want == 200) != (who == "alice") {
			t.Errorf("%s: the handler saw principal %v", tc.auth, who)
		}
	}
}

// TestChallengeQuoting escapes quotes and backslashes and drops line
// breaks in parameters (RFC 9110 quoted-string).
func TestChallengeQuoting(t *testing.T) {
	c := &Challenge{Code: "invalid_token", Description: "a \"quoted\" \\ value\r\nX-Injected: 1"}
	want := `Bearer error="invalid_token", error_description="a \"quoted\" \\ value  X-Injected: 1"`
	if got := c.Header(); got != want {
		t.Fatalf("Header() = %q, want %q", got, want)
	}
}
