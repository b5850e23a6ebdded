package main

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// putAccount stores account name for uid with a fresh token of scopes, as a
// login in another process would.
func putAccount(t *testing.T, emu *emulator.Server, dir, name, uid, username string, scopes []string, age time.Duration) string {
	t.Helper()
	st, err := state.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tok := emu.IssueToken(uid, scopes, 0)
	now := time.Now()
	if err := st.PutAccount(t.Context(), state.Account{Name: name, UserID: uid, Username: username, Token: tok,
		ObtainedAt: now.Add(-age), ExpiresAt: now.Add(59 * 24 * time.Hour), Scopes: scopes}); err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestRunningServerFollowsReLogin: a server keeps running while `work` is
// logged in again as another Threads user with other scopes; its next
// publish goes to the new user and list_accounts shows the new user and
// scopes, with no restart.
func TestRunningServerFollowsReLogin(t *testing.T) {
	emu := emulator.NewServer()
	t.Cleanup(emu.Close)
	alice := emu.AddUser(emulator.UserSpec{Username: "alice_f"})
	bob := emu.AddUser(emulator.UserSpec{Username: "bob_f"})
	dir := t.TempDir()
	putAccount(t, emu, dir, "work", alice, "alice_f", emulator.DefaultScopes, 0)
	s := startLive(t, emu, dir, "")

	publish := func(id int, text string) {
		t.Helper()
		s.send(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"publish_text","arguments":{"account":"work","text":%q}}}`, id, text))
		if res := s.await(t, id); res == nil || res["isError"] == true {
			t.Fatalf("publish %q: %v", text, res)
		}
	}
	has := func(uid, text string) bool {
		return slices.ContainsFunc(emu.Posts(uid), func(p emulator.Post) bool { return p.Text == text })
	}
	publish(10, "before the re-login")
	if !has(alice, "before the re-login") {
		t.Fatal("first publish did not go to alice")
	}

	scopes := append(slices.Clone(emulator.DefaultScopes), "threads_delete")
	putAccount(t, emu, dir, "work", bob, "bob_f", scopes, 0) // `auth login --account work` as bob

	publish(11, "after the re-login")
	if !has(bob, "after the re-login") || has(alice, "after the re-login") {
		t.Errorf("after the re-login the post went to alice=%v bob=%v, want bob only", has(alice, "after the re-login"), has(bob, "after the re-login"))
	}
	s.send(t, `{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"list_accounts","arguments":{}}}`)
	res := s.await(t, 12)
	text := fmt.Sprint(res["structuredContent"])
	if !strings.Contains(text, "bob_f") || !strings.Contains(text, "threads_delete") {
		t.Errorf("list_accounts after the re-login: %s", text)
	}
}

// deadPid returns the pid of a process that has exited.
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run `true` to get a dead pid: %v", err)
	}
	return cmd.Process.Pid
}

// TestRefreshLeaseOfAnotherProcess: a due token whose refresh lease is held
// by another process. A dead holder (killed mid-refresh) is taken over at
// once and the token refreshed; a live holder is not waited for — the call
// uses the still valid token. Either way the first call answers promptly
// (it used to wait out the 45 s lease while holding the token lock).
func TestRefreshLeaseOfAnotherProcess(t *testing.T) {
	host, _ := os.Hostname()
	for _, tc := range []struct {
		name        string
		holderPid   func(t *testing.T) int
		wantRefresh bool
	}{
		{"dead holder", deadPid, true},
		{"live holder", func(*testing.T) int { return os.Getpid() }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := emulator.NewManualClock(time.Now())
			emu := emulator.NewServer(emulator.WithClock(clock))
			t.Cleanup(emu.Close)
			uid := emu.AddUser(emulator.UserSpec{Username: "leasy"})
			dir := t.TempDir()
			old := putAccount(t, emu, dir, "work", uid, "leasy", emulator.DefaultScopes, 25*time.Hour)
			clock.Advance(25 * time.Hour)

			st, err := state.Open(t.Context(), dir)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			holder := fmt.Sprintf("%s/%d/holder", host, tc.holderPid(t))
			if ok, err := st.TryLease(t.Context(), "auth.refresh:work", holder, 45*time.Second); !ok || err != nil {
				t.Fatalf("TryLease: %v %v", ok, err)
			}

			start := time.Now()
			env := []string{
				"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
				"THREADS_API_BASE_URL=" + emu.BaseURL(), "THREADS_MCP_STATE_DIR=" + dir,
			}
			stderr := runCall(t, env, "get_publishing_limit", `{"account":"work"}`)
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("the first call took %v: it waited for the other process's lease", d)
			}
			a, err := st.AccountByName(t.Context(), "work")
			if err != nil {
				t.Fatal(err)
			}
			if refreshed := a.Token != old; refreshed != tc.wantRefresh {
				t.Errorf("token refreshed = %v, want %v\n%s", refreshed, tc.wantRefresh, stderr)
			}
		})
	}
}
