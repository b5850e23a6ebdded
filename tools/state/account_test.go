package state_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/tools/state"
	"github.com/threads-mcp/threads-mcp/tools/state/statetest"
)

func TestLeaseTakesOverDeadHolder(t *testing.T) {
	host, _ := os.Hostname()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip(err)
	}
	for _, tc := range []struct {
		name   string
		holder string
		want   bool
	}{
		{"dead process of this host", fmt.Sprintf("%s/%d/x", host, dead.Process.Pid), true},
		{"live process of this host", fmt.Sprintf("%s/%d/x", host, os.Getppid()), false},
		{"this process", fmt.Sprintf("%s/%d/other", host, os.Getpid()), false},
		{"another host", fmt.Sprintf("elsewhere.invalid/%d/x", dead.Process.Pid), false},
		{"not a NewLeaseOwner id", "some-owner", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := open(t, t.TempDir())
			if ok, err := st.TryLease(t.Context(), "l", tc.holder, time.Minute); !ok || err != nil {
				t.Fatal(ok, err)
			}
			got, err := st.TryLease(t.Context(), "l", state.NewLeaseOwner(), time.Minute)
			if err != nil || got != tc.want {
				t.Errorf("TryLease over %q = %v, %v; want %v", tc.holder, got, err, tc.want)
			}
		})
	}
}

// TestFind is the account resolution table: "@x" is a username only; a bare
// name is a stored name, then a username; matching is case-insensitive
// everywhere; ties are errors listing every match.
func TestFind(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		st := openOn(t, t.TempDir(), db)
		for _, a := range []state.Account{
			{Name: "alice", Username: "bob_u"}, // stored first: the default
			{Name: "work", Username: "alice"},
			{Name: "Personal", Username: "carol"},
			{Name: "x1", Username: "dup"},
			{Name: "x2", Username: "dup"},
		} {
			a.Token = "tok-" + a.Name
			if err := st.PutAccount(t.Context(), a); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			query string
			want  string // stored name; "" with wantErr
			err   error
			msg   []string
		}{
			{query: "", want: "alice"},
			{query: "alice", want: "alice"}, // the name wins over work's username
			{query: "ALICE", want: "alice"},
			{query: "@alice", want: "work"}, // @ is the username only
			{query: "@ALICE", want: "work"},
			{query: "bob_u", want: "alice"}, // no such name: the username
			{query: "@bob_u", want: "alice"},
			{query: "personal", want: "Personal"},
			{query: "Personal", want: "Personal"},
			{query: "@personal", err: state.ErrNoAccount},
			{query: "@work", err: state.ErrNoAccount},
			{query: "dup", err: state.ErrAmbiguousAccount, msg: []string{`"x1" (@dup)`, `"x2" (@dup)`}},
			{query: "@dup", err: state.ErrAmbiguousAccount, msg: []string{`"x1"`, `"x2"`}},
			{query: "nobody", err: state.ErrNoAccount},
			{query: "@", err: state.ErrNoAccount},
		} {
			t.Run(tc.query, func(t *testing.T) {
				a, err := st.Find(t.Context(), tc.query)
				if tc.err != nil {
					if !errors.Is(err, tc.err) {
						t.Fatalf("Find(%q) = %v, %v; want %v", tc.query, a, err, tc.err)
					}
					for _, m := range tc.msg {
						if !strings.Contains(err.Error(), m) {
							t.Errorf("error %q lacks %q", err, m)
						}
					}
					return
				}
				if err != nil || a.Name != tc.want {
					t.Fatalf("Find(%q) = %v, %v; want %s", tc.query, a, err, tc.want)
				}
			})
		}
	})
}

// TestDeleteAccountLeavesNoSecret: after DeleteAccount, neither the database
// file nor its write-ahead log holds the token or the app secret anywhere
// (free pages included).
func TestDeleteAccountLeavesNoSecret(t *testing.T) {
	dir := t.TempDir()
	st := open(t, dir)
	const token, secret = "DELETEDTOKEN0123456789abcdefghij", "DELETEDSECRET0123456789abcdefgh"
	for _, a := range []state.Account{
		{Name: "keep", Username: "k", Token: "KEEPTOKEN0123456789"},
		{Name: "gone", Username: "g", Token: token, AppSecret: secret},
	} {
		if err := st.PutAccount(t.Context(), a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.SwapToken(t.Context(), "gone", token, token, time.Now(), time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteAccount(t.Context(), "gone"); err != nil {
		t.Fatal(err)
	}
	check := func(when string) {
		for _, f := range []string{state.FileName, state.FileName + "-wal"} {
			b, err := os.ReadFile(dir + "/" + f)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, sec := range []string{token, secret} {
				if strings.Contains(string(b), sec) {
					t.Errorf("%s: %s still holds a deleted secret", when, f)
				}
			}
		}
	}
	check("while open")
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	check("after close")
}

func TestCheckOwnerAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("not running as root: the check applies to root only")
	}
	dir := t.TempDir()
	if err := state.CheckOwner(dir); err != nil {
		t.Fatalf("root's own dir refused: %v", err)
	}
	if err := os.Chown(dir, 65534, 65534); err != nil {
		t.Skipf("cannot chown to nobody: %v", err)
	}
	err := state.CheckOwner(dir)
	if err == nil || !strings.Contains(err.Error(), "uid 65534") || !strings.Contains(err.Error(), "THREADS_MCP_STATE_DIR") {
		t.Fatalf("another user's dir as root: %v", err)
	}
}

// TestUserAccountNeverDefault: an account a remote user signed in with
// (UserAccountPrefix) never becomes the default the command line and
// stdio clients act as, neither when stored first nor when the default is
// deleted.
func TestUserAccountNeverDefault(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		st := openOn(t, t.TempDir(), db)
		put := func(name string) {
			t.Helper()
			if err := st.PutAccount(t.Context(), state.Account{Name: name, Token: "tok-" + name}); err != nil {
				t.Fatal(err)
			}
		}
		put(state.UserAccountPrefix + "1")
		if name, err := st.DefaultAccount(t.Context()); !errors.Is(err, state.ErrNoAccount) {
			t.Fatalf("with only a signed-in user's account, DefaultAccount = %q, %v; want ErrNoAccount", name, err)
		}
		put("zed")
		put("me")
		if name, err := st.DefaultAccount(t.Context()); err != nil || name != "zed" {
			t.Fatalf("DefaultAccount = %q, %v; want the first operator account, zed", name, err)
		}
		put(state.UserAccountPrefix + "0")
		if err := st.DeleteAccount(t.Context(), "zed"); err != nil {
			t.Fatal(err)
		}
		if name, err := st.DefaultAccount(t.Context()); err != nil || name != "me" {
			t.Fatalf("after deleting the default, DefaultAccount = %q, %v; want me, not a signed-in user's", name, err)
		}
	})
}
