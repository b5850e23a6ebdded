package state_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/tools/state"
	"github.com/threads-mcp/threads-mcp/tools/state/statetest"
)

const sentinel = "THQVJ-SENTINEL-TOKEN-0123456789"
const secretSentinel = "APP-SECRET-SENTINEL-42"

func open(t *testing.T, dir string) *state.Store {
	t.Helper()
	s, err := state.Open(t.Context(), dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// openOn opens a handle on database (see statetest.Backend) with dir as the
// state directory.
func openOn(t *testing.T, dir, database string) *state.Store {
	t.Helper()
	s, err := state.Open(t.Context(), dir, state.WithDatabase(database))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestOpenFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	s := open(t, dir)
	// Force WAL/SHM creation with a write.
	if _, err := s.SetSetting(t.Context(), "", "k", "v"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode = %v, %v; want 0700", fi.Mode().Perm(), err)
	}
	if s.Path() != filepath.Join(dir, state.FileName) {
		t.Fatalf("Path = %q", s.Path())
	}
	for _, p := range []string{s.Path(), s.Path() + "-wal", s.Path() + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatalf("stat %s: %v", p, err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	var mode string
	if err := s.DB().QueryRowContext(t.Context(), "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
}

func TestOpenTightensExistingDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	open(t, dir)
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode = %v, want 0700", fi.Mode().Perm())
	}
}

func TestOpenRejectsBadDir(t *testing.T) {
	for _, dir := range []string{"", "/tmp/a?b"} {
		if _, err := state.Open(t.Context(), dir); err == nil {
			t.Errorf("Open(%q) succeeded", dir)
		}
	}
}

func TestMigrationIdempotent(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		dir := t.TempDir()
		ctx := t.Context()
		s1 := openOn(t, dir, db)
		if _, err := s1.SetSetting(ctx, "a", "k", "v1"); err != nil {
			t.Fatal(err)
		}
		v1, err := s1.SchemaVersion(ctx, "store")
		if err != nil || v1 < 1 {
			t.Fatalf("version = %d, %v", v1, err)
		}
		if err := s1.Close(); err != nil {
			t.Fatal(err)
		}
		s2 := openOn(t, dir, db) // second Open re-runs Migrate: must not fail or lose data
		if v, ok, err := s2.Setting(ctx, "a", "k"); err != nil || !ok || v != "v1" {
			t.Fatalf("Setting after reopen = %q %v %v", v, ok, err)
		}
		if v2, _ := s2.SchemaVersion(ctx, "store"); v2 != v1 {
			t.Fatalf("version changed %d -> %d", v1, v2)
		}

		// A component's steps run once each, also when called concurrently.
		steps := []string{
			`CREATE TABLE ledger (id INTEGER PRIMARY KEY)`,
			`ALTER TABLE ledger ADD COLUMN note TEXT`,
		}
		s3 := openOn(t, dir, db)
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for _, s := range []*state.Store{s2, s3, s2, s3} {
			wg.Go(func() { errs <- s.Migrate(ctx, "ledger", steps) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatalf("concurrent Migrate: %v", err)
			}
		}
		if v, _ := s3.SchemaVersion(ctx, "ledger"); v != 2 {
			t.Fatalf("ledger version = %d", v)
		}
		if err := s3.Migrate(ctx, "ledger", steps[:1]); err == nil {
			t.Fatal("Migrate with fewer steps than recorded should fail")
		}
	})
}

func TestSettingsIsolation(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		ctx := t.Context()
		s := openOn(t, t.TempDir(), db)
		if _, ok, err := s.Setting(ctx, "", "reply_control"); err != nil || ok {
			t.Fatalf("unset setting: ok=%v err=%v", ok, err)
		}
		tests := []struct{ account, value, wantPrev string }{
			{"", "everyone", ""},
			{"work", "mentioned_only", ""},
			{"", "followers_only", "everyone"},
			{"work", "accounts_you_follow", "mentioned_only"},
		}
		for _, tc := range tests {
			prev, err := s.SetSetting(ctx, tc.account, "reply_control", tc.value)
			if err != nil || prev != tc.wantPrev {
				t.Fatalf("SetSetting(%q,%q) prev=%q err=%v, want prev %q", tc.account, tc.value, prev, err, tc.wantPrev)
			}
		}
		for acct, want := range map[string]string{"": "followers_only", "work": "accounts_you_follow"} {
			if v, ok, err := s.Setting(ctx, acct, "reply_control"); err != nil || !ok || v != want {
				t.Errorf("Setting(%q) = %q %v %v, want %q", acct, v, ok, err, want)
			}
		}
		if _, ok, _ := s.Setting(ctx, "other", "reply_control"); ok {
			t.Error("setting leaked to another account")
		}
	})
}

func TestConcurrentHandles(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		ctx := t.Context()
		dir := t.TempDir()
		a, b := openOn(t, dir, db), openOn(t, dir, db)
		const n = 25
		var mu sync.Mutex
		prevs := map[string]int{}
		var wg sync.WaitGroup
		for i, s := range []*state.Store{a, b} {
			wg.Go(func() {
				for j := range n {
					// Both handles write unique values to one shared key. If the
					// read+write is atomic, every value written is reported as
					// "previous" exactly once (except the final one).
					prev, err := s.SetSetting(ctx, "", "shared", fmt.Sprintf("h%d-%d", i, j))
					if err != nil {
						t.Errorf("SetSetting: %v", err)
						return
					}
					mu.Lock()
					prevs[prev]++
					mu.Unlock()
					if err := s.PutAccount(ctx, state.Account{Name: fmt.Sprintf("acct%d-%d", i, j), Token: "t"}); err != nil {
						t.Errorf("PutAccount: %v", err)
						return
					}
					if _, err := s.Accounts(ctx); err != nil {
						t.Errorf("Accounts: %v", err)
						return
					}
				}
			})
		}
		wg.Wait()
		final, _, err := a.Setting(ctx, "", "shared")
		if err != nil {
			t.Fatal(err)
		}
		if prevs[""] != 1 || prevs[final] != 0 || len(prevs) != 2*n {
			t.Fatalf("read+write not atomic: %d distinct previous values, empty seen %d times, final seen %d times",
				len(prevs), prevs[""], prevs[final])
		}
		for v, c := range prevs {
			if c != 1 {
				t.Fatalf("previous value %q reported %d times", v, c)
			}
		}
		accts, err := a.Accounts(ctx)
		if err != nil || len(accts) != 2*n {
			t.Fatalf("accounts = %d, %v; want %d", len(accts), err, 2*n)
		}
	})
}

func TestSwapTokenCAS(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		ctx := t.Context()
		dir := t.TempDir()
		a, b := openOn(t, dir, db), openOn(t, dir, db)
		now := time.Now().Truncate(time.Second)
		if err := a.PutAccount(ctx, state.Account{Name: "default", Token: "old", ObtainedAt: now}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make([]bool, 2)
		for i, s := range []*state.Store{a, b} {
			wg.Go(func() {
				ok, err := s.SwapToken(ctx, "default", "old", fmt.Sprintf("new%d", i), now.Add(time.Hour), now.Add(60*24*time.Hour))
				if err != nil {
					t.Errorf("SwapToken: %v", err)
				}
				results[i] = ok
			})
		}
		wg.Wait()
		if results[0] == results[1] {
			t.Fatalf("exactly one swap must win, got %v", results)
		}
		got, err := b.Account(ctx, "default")
		if err != nil {
			t.Fatal(err)
		}
		winner := 0
		if results[1] {
			winner = 1
		}
		if got.Token != fmt.Sprintf("new%d", winner) || !got.ObtainedAt.Equal(now.Add(time.Hour)) ||
			!got.RefreshedAt.Equal(now.Add(time.Hour)) || !got.ExpiresAt.Equal(now.Add(60*24*time.Hour)) {
			t.Fatalf("after swap: %+v token=%q", got, got.Token)
		}
	})
}

func TestAccountsResolution(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		ctx := t.Context()
		s := openOn(t, t.TempDir(), db)
		if _, err := s.Account(ctx, ""); !errors.Is(err, state.ErrNoAccount) {
			t.Fatalf("empty store default: %v", err)
		}
		obtained := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
		for _, a := range []state.Account{
			{Name: "personal", UserID: "1", Username: "alice", Token: "tok-a", ObtainedAt: obtained, Scopes: []string{"threads_basic", "threads_delete"}, AppID: "app", AppSecret: "sec"},
			{Name: "work", UserID: "2", Username: "@BobCorp", Token: "tok-b"},
		} {
			if err := s.PutAccount(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			query    string
			wantName string
			wantErr  error
		}{
			{"", "personal", nil}, // first stored becomes default
			{"personal", "personal", nil},
			{"alice", "personal", nil},
			{"@alice", "personal", nil},
			{"bobcorp", "work", nil},
			{"work", "work", nil},
			{"nobody", "", state.ErrNoAccount},
		}
		for _, tc := range tests {
			a, err := s.Account(ctx, tc.query)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Errorf("Account(%q) err = %v, want %v", tc.query, err, tc.wantErr)
				}
				continue
			}
			if err != nil || a.Name != tc.wantName {
				t.Errorf("Account(%q) = %v, %v; want %s", tc.query, a, err, tc.wantName)
			}
		}
		p, _ := s.Account(ctx, "personal")
		if !p.ObtainedAt.Equal(obtained) || strings.Join(p.Scopes, " ") != "threads_basic threads_delete" || p.AppSecret != "sec" || p.Token != "tok-a" {
			t.Fatalf("round trip lost data: %+v", p)
		}

		if err := s.SetDefaultAccount(ctx, "bobcorp"); err != nil {
			t.Fatal(err)
		}
		if d, _ := s.DefaultAccount(ctx); d != "work" {
			t.Fatalf("default = %q", d)
		}
		if err := s.SetDefaultAccount(ctx, "ghost"); !errors.Is(err, state.ErrNoAccount) {
			t.Fatalf("SetDefaultAccount(ghost) = %v", err)
		}
		if _, err := s.SetSetting(ctx, "work", "k", "v"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteAccount(ctx, "work"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.Setting(ctx, "work", "k"); ok {
			t.Error("settings of deleted account survive")
		}
		if d, _ := s.DefaultAccount(ctx); d != "personal" {
			t.Fatalf("default after delete = %q", d)
		}
		if err := s.DeleteAccount(ctx, "work"); !errors.Is(err, state.ErrNoAccount) {
			t.Fatalf("second delete = %v", err)
		}
		accts, _ := s.Accounts(ctx)
		if len(accts) != 1 || accts[0].Name != "personal" {
			t.Fatalf("Accounts = %v", accts)
		}
		if err := s.PutAccount(ctx, state.Account{}); err == nil {
			t.Fatal("PutAccount without name succeeded")
		}
	})
}

func TestLease(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		ctx := t.Context()
		dir := t.TempDir()
		a, b := openOn(t, dir, db), openOn(t, dir, db)
		if ok, err := a.TryLease(ctx, "refresh:x", "A", time.Minute); err != nil || !ok {
			t.Fatalf("A first: %v %v", ok, err)
		}
		if ok, _ := b.TryLease(ctx, "refresh:x", "B", time.Minute); ok {
			t.Fatal("B took a held lease")
		}
		if ok, _ := a.TryLease(ctx, "refresh:x", "A", time.Minute); !ok {
			t.Fatal("A cannot renew")
		}
		if err := b.ReleaseLease(ctx, "refresh:x", "B"); err != nil { // not the owner: no effect
			t.Fatal(err)
		}
		if ok, _ := b.TryLease(ctx, "refresh:x", "B", time.Minute); ok {
			t.Fatal("non-owner release freed the lease")
		}
		if err := a.ReleaseLease(ctx, "refresh:x", "A"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := b.TryLease(ctx, "refresh:x", "B", time.Nanosecond); !ok {
			t.Fatal("B cannot take a released lease")
		}
		time.Sleep(time.Millisecond)
		if ok, _ := a.TryLease(ctx, "refresh:x", "A", time.Minute); !ok {
			t.Fatal("A cannot take an expired lease")
		}
	})
}

func TestAccountRedaction(t *testing.T) {
	a := state.Account{Name: "n", Username: "u", Token: sentinel, AppSecret: secretSentinel, ExpiresAt: time.Now()}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T %v"} {
		outs = append(outs, fmt.Sprintf(verb, a), fmt.Sprintf(verb, &a), fmt.Sprintf(verb, []state.Account{a}))
	}
	outs = append(outs, fmt.Sprint(a), fmt.Sprintln(&a), a.String(), a.GoString())
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&buf, nil), slog.NewTextHandler(&buf, nil)} {
		l := slog.New(h)
		l.Info("acct", "account", a, "ptr", &a)
		l.Info("acct", slog.Any("account", a))
	}
	outs = append(outs, buf.String())
	j, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jp, _ := json.Marshal(&a)
	outs = append(outs, string(j), string(jp))
	for _, o := range outs {
		if strings.Contains(o, sentinel) || strings.Contains(o, secretSentinel) ||
			strings.Contains(o, fmt.Sprintf("%x", sentinel)) {
			t.Fatalf("secret leaked: %s", o)
		}
	}
	if !strings.Contains(string(j), `"has_token":true`) || !strings.Contains(string(j), `"username":"u"`) {
		t.Fatalf("JSON lost the public fields: %s", j)
	}
	if !strings.Contains(buf.String(), `"username":"u"`) {
		t.Fatalf("slog lost the public fields: %s", buf.String())
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/tmp/xdg-test")
	t.Setenv("HOME", "/tmp/home-test")
	d, err := state.DefaultDir()
	if err != nil || !strings.HasSuffix(d, string(filepath.Separator)+"threads-mcp") {
		t.Fatalf("DefaultDir = %q, %v", d, err)
	}
}
