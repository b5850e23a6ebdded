package authcmd_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/threads-mcp/threads-mcp/tools/state"
)

// TestLogoutAccountResolution: `auth logout --account X` removes exactly the
// account that X designates (the same rules as the tools' account
// argument), and refuses an ambiguous X without removing anything.
func TestLogoutAccountResolution(t *testing.T) {
	accounts := []state.Account{
		{Name: "alice", Username: "someone"}, // a local account *named* alice, another user
		{Name: "work", Username: "alice"},    // the Threads user @alice
		{Name: "Personal", Username: "carol"},
		{Name: "x1", Username: "dup"},
		{Name: "x2", Username: "dup"},
	}
	for _, tc := range []struct {
		query   string
		removed string // "" : nothing removed, the command fails
		errText string
	}{
		{query: "@alice", removed: "work"},
		{query: "alice", removed: "alice"},
		{query: "Alice", removed: "alice"},
		{query: "someone", removed: "alice"},
		{query: "personal", removed: "Personal"},
		{query: "@personal", errText: "no such Threads account"},
		{query: "dup", errText: `"x1" (@dup) and "x2" (@dup)`},
		{query: "@dup", errText: "more than one"},
		{query: "nobody", errText: "no such Threads account"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			h := newHarness(t)
			st := h.store(t)
			for _, a := range accounts {
				a.Token = "token-of-" + a.Name
				if err := st.PutAccount(t.Context(), a); err != nil {
					t.Fatal(err)
				}
			}
			code, _, stderr := h.run(t, "", "logout", "--account", tc.query)
			left, err := st.Accounts(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, a := range left {
				names = append(names, a.Name)
			}
			if tc.removed == "" {
				if code == 0 || !strings.Contains(stderr, tc.errText) || len(left) != len(accounts) {
					t.Errorf("logout --account %q: exit %d, left %v, stderr %q; want a failure containing %q and nothing removed", tc.query, code, names, stderr, tc.errText)
				}
				return
			}
			if code != 0 || len(left) != len(accounts)-1 || slices.Contains(names, tc.removed) {
				t.Errorf("logout --account %q: exit %d, left %v; want only %q removed\n%s", tc.query, code, names, tc.removed, stderr)
			}
		})
	}
}

// TestLoginRefusesUnsafeNames: names appear in suggested shell commands, so
// whitespace and shell metacharacters are refused, and so is a name that
// differs only in case from a stored one; nothing is stored.
func TestLoginRefusesUnsafeNames(t *testing.T) {
	for _, name := range []string{"my work", "a;rm -rf ~", "$(id)", "`x`", "a|b", "@alice", "-x", "tab\there", "quote'd", "Work"} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			st := h.store(t)
			if err := st.PutAccount(t.Context(), state.Account{Name: "work", Token: "t0123456789"}); err != nil {
				t.Fatal(err)
			}
			code, _, stderr := h.run(t, "", "login", "--account", name)
			if code != 2 || !strings.Contains(stderr, "account name") {
				t.Errorf("login --account %q: exit %d, stderr %q; want a usage error about the name", name, code, stderr)
			}
			if strings.Contains(stderr, "/oauth/authorize") {
				t.Errorf("login --account %q printed the authorize address before refusing the name", name)
			}
			if all, _ := st.Accounts(t.Context()); len(all) != 1 {
				t.Errorf("login --account %q stored an account", name)
			}
		})
	}
}
