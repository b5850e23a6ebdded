package threads_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// TestRateLimitShapes: every throttling or quota shape Meta's Graph API is
// known to send is rate-limited — the generic throttling codes 4, 17, 32
// and 613 (https://developers.facebook.com/docs/graph-api/overview/rate-limiting),
// and the quota error, whose Threads shape is undocumented: code 9 with
// Instagram's subcode 2207042, or without a subcode — over HTTP 400, 429 or
// 500, through the client against the emulator.
func TestRateLimitShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec emulator.ErrorSpec
	}{
		{"4 application request limit", emulator.ErrorSpec{HTTPStatus: 400, Code: 4, Type: "OAuthException", Message: "Application request limit reached"}},
		{"4 over 429", emulator.ErrorSpec{HTTPStatus: 429, Code: 4, Message: "Application request limit reached"}},
		{"17 user request limit", emulator.ErrorSpec{HTTPStatus: 400, Code: 17, Type: "OAuthException", Message: "User request limit reached"}},
		{"32 page request limit", emulator.ErrorSpec{HTTPStatus: 400, Code: 32, Message: "Page request limit reached"}},
		{"613 calls within one hour", emulator.ErrorSpec{HTTPStatus: 400, Code: 613, Message: "Calls to this api have exceeded the rate limit."}},
		{"613 over 500", emulator.ErrorSpec{HTTPStatus: 500, Code: 613, Message: "Calls to this api have exceeded the rate limit."}},
		{"9 with subcode 2207042", emulator.ErrorSpec{HTTPStatus: 400, Code: 9, Subcode: 2207042, Type: "THApiException",
			Message: "You have reached the maximum number of posts that is allowed within 24 hours"}},
		{"9 without subcode", emulator.ErrorSpec{HTTPStatus: 400, Code: 9, Type: "THApiException", Message: "Quota exceeded"}},
		{"9 over 429", emulator.ErrorSpec{HTTPStatus: 429, Code: 9, Subcode: 2207042, Message: "Quota exceeded"}},
		{"bare 429", emulator.ErrorSpec{HTTPStatus: 429}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			c := e.client(e.token, threads.WithRetryPolicy(threads.RetryPolicy{MaxAttempts: 1}))
			e.srv.InjectError(http.MethodGet, "/me", tc.spec, 1)
			_, _, err := c.Me(t.Context())
			var ae *threads.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("error = %v, want an *APIError", err)
			}
			if ae.Kind() != threads.KindRateLimited || !errors.Is(err, threads.ErrRateLimited) || !ae.Retryable() {
				t.Errorf("%v: Kind = %v, Is(ErrRateLimited) = %v, Retryable = %v; want rate_limited",
					err, ae.Kind(), errors.Is(err, threads.ErrRateLimited), ae.Retryable())
			}
			if ae.RetryAfter() < time.Second {
				t.Errorf("RetryAfter = %v, want a rate-limit backoff", ae.RetryAfter())
			}
		})
	}
}
