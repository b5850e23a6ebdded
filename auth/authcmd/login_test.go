package authcmd_test

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threads-mcp/threads-mcp/auth/authcmd"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// TestLoginPasteRules: a pasted address must carry this login's state
// (removing it is refused); a bare code is stored only after the user
// confirms the account it logs into.
func TestLoginPasteRules(t *testing.T) {
	h := newHarness(t)
	uid := h.srv.AddUser(emulator.UserSpec{Username: "mallory"})
	stripped := func() string {
		u, _ := url.Parse(authcmd.DefaultRedirectURI + "?code=" + h.code(t, authcmd.DefaultRedirectURI, uid) + "#_")
		return u.String()
	}
	for _, tc := range []struct {
		name   string
		stdin  func() string
		exit   int
		want   []string
		stored bool
	}{
		{"address without state", func() string { return stripped() + "\n" }, 1, []string{"state mismatch"}, false},
		{"bare code declined", func() string { return h.code(t, authcmd.DefaultRedirectURI, uid) + "\nn\n" }, 1,
			[]string{"logs in as @mallory", `stored as account "default"`, "nothing stored"}, false},
		{"bare code, no answer", func() string { return h.code(t, authcmd.DefaultRedirectURI, uid) + "\n" }, 1,
			[]string{"logs in as @mallory", "nothing stored"}, false},
		{"bare code confirmed", func() string { return h.code(t, authcmd.DefaultRedirectURI, uid) + "\ny\n" }, 0,
			[]string{"logs in as @mallory", "Logged in as @mallory"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exit, _, stderr := h.run(t, tc.stdin(), "login")
			if exit != tc.exit {
				t.Errorf("exit %d, want %d\n%s", exit, tc.exit, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			all, err := h.store(t).Accounts(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if (len(all) > 0) != tc.stored {
				t.Errorf("%d accounts stored, want stored=%v", len(all), tc.stored)
			}
			for _, a := range all {
				_ = h.store(t).DeleteAccount(t.Context(), a.Name)
			}
		})
	}
}

// TestLoginAppSecretSources: the secret comes from THREADS_APP_SECRET, a
// file, or a prompt; on the command line it works but warns.
func TestLoginAppSecretSources(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, h *harness, secret string) (args []string, stdinBefore string)
		warn  bool
	}{
		{"environment", func(t *testing.T, h *harness, secret string) ([]string, string) {
			h.env["THREADS_APP_SECRET"] = secret
			return nil, ""
		}, false},
		{"file flag", func(t *testing.T, h *harness, secret string) ([]string, string) {
			f := filepath.Join(t.TempDir(), "secret")
			if err := os.WriteFile(f, []byte(secret+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			return []string{"--app-secret-file", f}, ""
		}, false},
		{"file environment", func(t *testing.T, h *harness, secret string) ([]string, string) {
			f := filepath.Join(t.TempDir(), "secret")
			if err := os.WriteFile(f, []byte(secret), 0o600); err != nil {
				t.Fatal(err)
			}
			h.env["THREADS_APP_SECRET_FILE"] = f
			return nil, ""
		}, false},
		{"prompt", func(t *testing.T, h *harness, secret string) ([]string, string) {
			return nil, secret + "\n"
		}, false},
		{"flag", func(t *testing.T, h *harness, secret string) ([]string, string) {
			return []string{"--app-secret", secret}, ""
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			secret := h.env["THREADS_APP_SECRET"]
			delete(h.env, "THREADS_APP_SECRET")
			args, before := tc.setup(t, h, secret)
			stdin := before + h.code(t, authcmd.DefaultRedirectURI, "") + "\ny\n"
			exit, _, stderr := h.run(t, stdin, append([]string{"login"}, args...)...)
			if exit != 0 || !strings.Contains(stderr, "Logged in as @") {
				t.Fatalf("exit %d\n%s", exit, stderr)
			}
			if warned := strings.Contains(stderr, "process list"); warned != tc.warn {
				t.Errorf("warned about the command line = %v, want %v\n%s", warned, tc.warn, stderr)
			}
			if strings.Contains(stderr, secret) {
				t.Error("the secret was printed")
			}
		})
	}
	t.Run("none", func(t *testing.T) {
		h := newHarness(t)
		delete(h.env, "THREADS_APP_SECRET")
		exit, _, stderr := h.run(t, "", "login")
		if exit != 2 || !strings.Contains(stderr, "missing Threads app secret") || strings.Contains(stderr, "/oauth/authorize") {
			t.Errorf("exit %d\n%s", exit, stderr)
		}
	})
}
