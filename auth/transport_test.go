package auth_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/auth"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func answer(status int, body string) *http.Response {
	return &http.Response{StatusCode: status, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
}

const code190 = `{"error":{"message":"Error validating access token: Session has expired","type":"OAuthException","code":190,"error_subcode":463}}`

// TestTransport drives auth.Transport with a fake Threads: it must set the
// bearer, resend a refused request once when the store holds another token
// (a new login between the read and the answer), and otherwise fail with the
// account's own error.
func TestTransport(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		name        string
		swapOnFirst bool // the store gets a new token while the first request is in flight
		answers     []string
		wantCalls   int
		wantErr     string
		wantBody    string
	}{
		{name: "ok", answers: []string{`{"id":"1"}`}, wantCalls: 1, wantBody: `{"id":"1"}`},
		{name: "other error passes through", answers: []string{`{"error":{"message":"bad","code":100}}`}, wantCalls: 1, wantBody: `"code":100`},
		{name: "190, nothing newer stored", answers: []string{code190}, wantCalls: 1,
			wantErr: "Threads refused the access token of Threads account \"work\" (code 190/463: Error validating access token: Session has expired). Fix: run `threads-mcp auth login --account work`"},
		{name: "190, newer token stored", swapOnFirst: true, answers: []string{code190, `{"id":"2"}`}, wantCalls: 2, wantBody: `{"id":"2"}`},
		{name: "190 twice", swapOnFirst: true, answers: []string{code190, code190}, wantCalls: 2, wantErr: "--account work"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openStore(t, t.TempDir())
			const first, second = "FIRSTTOKEN-abcdefgh", "SECONDTOKEN-abcdefgh"
			if err := st.PutAccount(t.Context(), state.Account{Name: "work", UserID: "1", Username: "bob", Token: first,
				ObtainedAt: now, ExpiresAt: now.Add(24 * time.Hour * 60)}); err != nil {
				t.Fatal(err)
			}
			ts, err := auth.NewTokenSource(t.Context(), st, "work", auth.Config{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var calls atomic.Int32
			var bodies []string
			base := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				n := int(calls.Add(1))
				b, _ := io.ReadAll(r.Body)
				bodies = append(bodies, string(b))
				want := first
				if n == 2 {
					want = second
				}
				if got := r.Header.Get("Authorization"); got != "Bearer "+want {
					t.Errorf("request %d: Authorization %q, want the bearer of %s", n, got, want)
				}
				if n == 1 && tc.swapOnFirst {
					if ok, err := st.SwapToken(t.Context(), "work", first, second, now, now.Add(60*24*time.Hour)); !ok || err != nil {
						t.Fatal(ok, err)
					}
				}
				status := http.StatusOK
				if strings.Contains(tc.answers[n-1], `"error"`) {
					status = http.StatusBadRequest
				}
				return answer(status, tc.answers[n-1]), nil
			})
			c := &http.Client{Transport: &auth.Transport{Source: ts, Base: base}}
			resp, err := c.Post("http://threads.invalid/v1.0/me/threads", "application/x-www-form-urlencoded", strings.NewReader("text=hi"))
			if int(calls.Load()) != tc.wantCalls {
				t.Errorf("%d requests, want %d", calls.Load(), tc.wantCalls)
			}
			for i, b := range bodies {
				if b != "text=hi" {
					t.Errorf("request %d body %q, want the original body", i+1, b)
				}
			}
			if tc.wantErr != "" {
				var rej *auth.RejectedError
				if !errors.As(err, &rej) || !auth.IsPermanent(err) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want a permanent *auth.RejectedError containing %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), first) || strings.Contains(err.Error(), second) {
					t.Error("the error shows a token")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if !strings.Contains(string(b), tc.wantBody) {
				t.Errorf("body %q, want %q", b, tc.wantBody)
			}
		})
	}
}
