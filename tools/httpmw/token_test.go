package httpmw

import (
	"crypto/subtle"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

func TestCheckToken(t *testing.T) {
	tests := []struct {
		name, tok string
		ok        bool
		want      string // in the error
	}{
		{"empty", "", false, "blank"},
		{"spaces", "   ", false, "blank"},
		{"tabs and newline", "\t\n", false, "blank"},
		{"short", "s3cret-http-token", false, "17 bytes"},
		{"short once trimmed", "   s3cret-http-token-0123456   ", false, "25 bytes"},
		{"one repeated byte", strings.Repeat("a", 64), false, "repetitive"},
		{"two alternating bytes", strings.Repeat("ab", 32), false, "repetitive"},
		{"four repeating bytes", strings.Repeat("abcd", 16), false, "repetitive"},
		{"openssl rand -hex 32", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", true, ""},
		{"openssl rand -hex 16", "7f3c9a1e5b2d8f4067a9c3e1b5d7f20a", true, ""},
		{"base64 of 32 random bytes", "q1Ck0Vq3mYz9bT2rXw8J+u5Lh6pN4sDfGeKa7oRiUcM=", true, ""},
		{"surrounded by whitespace", "  7f3c9a1e5b2d8f4067a9c3e1b5d7f20a\n", true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CheckToken(tc.tok)
			if tc.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if got != strings.TrimSpace(tc.tok) {
					t.Errorf("token %q, want it trimmed", got)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted %q", tc.tok)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || !strings.Contains(msg, "openssl rand -hex 32") {
				t.Errorf("error %q lacks %q or how to generate a token", msg, tc.want)
			}
			if strings.TrimSpace(tc.tok) != "" && strings.Contains(msg, strings.TrimSpace(tc.tok)) {
				t.Errorf("the error repeats the token: %s", msg)
			}
		})
	}
}

// TestBearerComparedInConstantTime proves that the bearer check is decided by
// subtle.ConstantTimeCompare: the matcher Guard installs uses it, every
// authenticated request goes through it, and its verdict alone decides (a
// comparator that says "different" refuses even the right token, which an
// == anywhere on the path would let through).
func TestBearerComparedInConstantTime(t *testing.T) {
	const tok = "7f3c9a1e5b2d8f4067a9c3e1b5d7f20a"
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	g := newGuard(ok, Options{BearerToken: tok})
	sb, _ := g.authn.(*staticBearer)
	if sb == nil || sb.m == nil {
		t.Fatal("no token matcher installed")
	}
	if reflect.ValueOf(sb.m.equal).Pointer() != reflect.ValueOf(subtle.ConstantTimeCompare).Pointer() {
		t.Fatal("the token matcher does not compare with subtle.ConstantTimeCompare")
	}
	status := func(auth string) int {
		r := httptest.NewRequest(http.MethodPost, "/mcp", nil)
		r.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		g.ServeHTTP(w, r)
		return w.Code
	}
	calls := 0
	verdict := -1 // -1: subtle's own answer
	sb.m.equal = func(x, y []byte) int {
		calls++
		if len(x) != len(y) || len(x) != 32 {
			t.Errorf("compared %d and %d bytes, want two SHA-256 sums", len(x), len(y))
		}
		if verdict >= 0 {
			return verdict
		}
		return subtle.ConstantTimeCompare(x, y)
	}
	for _, c := range []struct {
		auth    string
		verdict int
		want    int
	}{
		{"Bearer " + tok, -1, 200},
		{"Bearer " + tok[:31], -1, 401},
		{"Bearer " + tok + "x", -1, 401},
		{"Bearer " + tok, 0, 401}, // the comparator's verdict decides
		{"Bearer wrong", 1, 200},
	} {
		verdict = c.verdict
		before := calls
		if got := status(c.auth); got != c.want {
			t.Errorf("%q with comparator verdict %d: status %d, want %d", c.auth, c.verdict, got, c.want)
		}
		if calls != before+1 {
			t.Errorf("%q: the comparator ran %d times, want once", c.auth, calls-before)
		}
	}
}
