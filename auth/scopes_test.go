package auth_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/threads-mcp/threads-mcp/auth"
)

// TestLoginStoresGrantedScopes: the account keeps the scopes Threads says
// were granted (debug_token), not the requested ones; when debug_token is
// unavailable or malformed the login still succeeds.
func TestLoginStoresGrantedScopes(t *testing.T) {
	granted := []string{"threads_basic", "threads_content_publish"}
	for _, tc := range []struct {
		name  string
		debug func(w http.ResponseWriter, r *http.Request) // nil: the emulator's own answer
		want  []string
	}{
		{"debug_token lists fewer scopes", func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") || r.URL.Query().Get("input_token") == "" {
				http.Error(w, `{"error":{"message":"no token","code":190}}`, http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"data":{"is_valid":true,"user_id":"1","scopes":["threads_basic"," threads_content_publish",""]}}`))
		}, granted},
		{"debug_token missing", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, auth.DefaultScopes},
		{"debug_token without scopes", func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"data":{"is_valid":true}}`))
		}, auth.DefaultScopes},
		{"debug_token not JSON", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`<html>`)) }, auth.DefaultScopes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			target, _ := url.Parse(e.srv.URL)
			emu := httptestProxy(target)
			proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/debug_token") && tc.debug != nil {
					tc.debug(w, r)
					return
				}
				emu.ServeHTTP(w, r)
			}))
			t.Cleanup(proxy.Close)
			e.cfg.GraphURL = proxy.URL
			e.cfg.HTTPClient = proxy.Client()
			a := e.login(t, "")
			if !slices.Equal(a.Scopes, tc.want) {
				t.Errorf("stored scopes %v, want %v", a.Scopes, tc.want)
			}
		})
	}
}

// httptestProxy forwards every request to target.
func httptestProxy(target *url.URL) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out := r.Clone(r.Context())
		out.RequestURI = ""
		out.URL.Scheme, out.URL.Host = target.Scheme, target.Host
		resp, err := http.DefaultTransport.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			_, _ = w.Write(buf[:n])
			if err != nil {
				return
			}
		}
	})
}
