package state_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/tools/state"
	"github.com/threads-mcp/threads-mcp/tools/state/statetest"
)

// TestLeaseExclusiveUnderContention: many handles (processes or replicas)
// racing for one free lease: exactly one wins each round.
func TestLeaseExclusiveUnderContention(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		dir := t.TempDir()
		var handles []*state.Store
		for range 6 {
			handles = append(handles, openOn(t, dir, db))
		}
		for round := range 5 {
			name := fmt.Sprintf("job:%d", round)
			var mu sync.Mutex
			var winners []string
			var wg sync.WaitGroup
			for i, s := range handles {
				for j := range 4 {
					owner := fmt.Sprintf("h%d-%d", i, j)
					wg.Go(func() {
						ok, err := s.TryLease(t.Context(), name, owner, time.Minute)
						if err != nil {
							t.Errorf("TryLease: %v", err)
						}
						if ok {
							mu.Lock()
							winners = append(winners, owner)
							mu.Unlock()
						}
					})
				}
			}
			wg.Wait()
			if len(winners) != 1 {
				t.Fatalf("round %d: %d holders of one lease: %v", round, len(winners), winners)
			}
		}
	})
}

// TestMigrateConcurrentOpens: handles opening a new database together run
// each migration step once (a second run of the CREATE TABLE would fail).
func TestMigrateConcurrentOpens(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		dir := t.TempDir()
		steps := []string{`CREATE TABLE jobs (id TEXT PRIMARY KEY, due_at INTEGER NOT NULL)`,
			`CREATE INDEX jobs_due ON jobs (due_at)`}
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				s, err := state.Open(t.Context(), dir, state.WithDatabase(db))
				if err != nil {
					t.Errorf("Open: %v", err)
					return
				}
				defer s.Close()
				if err := s.Migrate(t.Context(), "jobs", steps); err != nil {
					t.Errorf("Migrate: %v", err)
				}
			})
		}
		wg.Wait()
		s := openOn(t, dir, db)
		// INTEGER holds unix milliseconds on both (BIGINT on PostgreSQL).
		ms := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
		if _, err := s.DB().ExecContext(t.Context(), `INSERT INTO jobs (id, due_at) VALUES ($1, $2)`, "a", ms); err != nil {
			t.Fatalf("insert a unix-ms time: %v", err)
		}
		if v, _ := s.SchemaVersion(t.Context(), "jobs"); v != 2 {
			t.Fatalf("version %d", v)
		}
	})
}

// TestNotifyListen: a Notify reaches every Listen on the channel (on
// PostgreSQL, across handles as across replicas), not other channels, and a
// listener's channel closes when its context ends.
func TestNotifyListen(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		dir := t.TempDir()
		a := openOn(t, dir, db)
		listeners := []*state.Store{a}
		if db != "" {
			listeners = append(listeners, openOn(t, dir, db))
		}
		ctx, cancel := context.WithCancel(t.Context())
		var subs []<-chan string
		for _, s := range listeners {
			c, err := s.Listen(ctx, "events")
			if err != nil {
				t.Fatal(err)
			}
			subs = append(subs, c)
		}
		other, err := a.Listen(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Notify(t.Context(), "events", "id-1"); err != nil {
			t.Fatal(err)
		}
		for i, c := range subs {
			select {
			case p := <-c:
				if p != "id-1" {
					t.Errorf("listener %d got %q", i, p)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("listener %d got nothing", i)
			}
		}
		select {
		case p := <-other:
			t.Fatalf("another channel got %q", p)
		case <-time.After(100 * time.Millisecond):
		}
		if err := a.Notify(t.Context(), "events", strings.Repeat("x", state.MaxPayload+1)); err == nil {
			t.Fatal("an oversized payload was sent")
		}
		cancel()
		for i, c := range subs {
			select {
			case _, ok := <-c:
				for ok {
					_, ok = <-c
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("listener %d not closed after cancel", i)
			}
		}
	})
}

// dump is every stored byte a thief could copy: the SQLite files, or every
// row of every table of the PostgreSQL database as text (what pg_dump
// writes).
func dump(t *testing.T, s *state.Store, dir string) string {
	t.Helper()
	if s.Dialect() == state.SQLite {
		var b strings.Builder
		for _, f := range []string{state.FileName, state.FileName + "-wal"} {
			data, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			b.Write(data)
		}
		return b.String()
	}
	rows, err := s.DB().QueryContext(t.Context(), `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, tbl := range tables {
		rows, err := s.DB().QueryContext(t.Context(), `SELECT t::text FROM `+tbl+` t`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			b.WriteString(line + "\n")
		}
		rows.Close()
	}
	return b.String()
}

// TestSecretsEncryptedAtRest: a stored token and app secret appear nowhere
// in the database, every read gives them back, and the key file is 0600.
func TestSecretsEncryptedAtRest(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		dir := t.TempDir()
		s := openOn(t, dir, db)
		if err := s.PutAccount(t.Context(), state.Account{Name: "work", Username: "w", Token: sentinel, AppSecret: secretSentinel}); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.SwapToken(t.Context(), "work", sentinel, sentinel+"-2", time.Now(), time.Now()); err != nil || !ok {
			t.Fatalf("SwapToken = %v, %v", ok, err)
		}
		a, err := s.Account(t.Context(), "work")
		if err != nil || a.Token != sentinel+"-2" || a.AppSecret != secretSentinel {
			t.Fatalf("read back: %v token ok=%v secret ok=%v", err, a != nil && a.Token == sentinel+"-2", a != nil && a.AppSecret == secretSentinel)
		}
		d := dump(t, s, dir)
		for _, sec := range []string{sentinel, secretSentinel} {
			if strings.Contains(d, sec) {
				t.Errorf("the database holds a secret in plaintext")
			}
		}
		if !strings.Contains(d, "enc1:") {
			t.Errorf("no ciphertext in the dump: the test looked in the wrong place")
		}
		fi, err := os.Stat(filepath.Join(dir, state.KeyFileName))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("key file: %v %v", fi, err)
		}
		// A ciphertext moved to another row does not decrypt there.
		if err := s.PutAccount(t.Context(), state.Account{Name: "other", Token: "x"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(t.Context(), `UPDATE accounts SET token = (SELECT token FROM accounts WHERE name = 'work') WHERE name = 'other'`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AccountByName(t.Context(), "other"); err == nil {
			t.Fatal("a token moved to another account decrypted")
		}
	})
}

// TestPlaintextRowsEncryptedOnOpen: rows written by a version without
// encryption are encrypted by the next Open and read back unchanged.
func TestPlaintextRowsEncryptedOnOpen(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		dir := t.TempDir()
		s := openOn(t, dir, db)
		if _, err := s.DB().ExecContext(t.Context(), `INSERT INTO accounts (name, username, token, app_secret, updated_at)
			VALUES ('old', 'o', $1, $2, 0), ('notoken', 'n', '', '', 0)`, sentinel, secretSentinel); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(dump(t, s, dir), sentinel) {
			t.Fatal("setup: the plaintext row is not in the dump")
		}
		s.Close()
		s = openOn(t, dir, db)
		a, err := s.Account(t.Context(), "old")
		if err != nil || a.Token != sentinel || a.AppSecret != secretSentinel {
			t.Fatalf("after migration: %v", err)
		}
		d := dump(t, s, dir)
		if strings.Contains(d, sentinel) || strings.Contains(d, secretSentinel) {
			t.Fatal("a plaintext secret survived the migration")
		}
	})
}

func newKey() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// TestRotateKeyFile: rotation makes a new key file key, re-encrypts every
// secret under it, and leaves the old key unable to read any of them; a
// process still running on the old key file follows the rotation.
func TestRotateKeyFile(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		dir := t.TempDir()
		s, other := openOn(t, dir, db), openOn(t, dir, db)
		for i := range 3 {
			if err := s.PutAccount(t.Context(), state.Account{Name: fmt.Sprint("a", i), Token: fmt.Sprint(sentinel, i)}); err != nil {
				t.Fatal(err)
			}
		}
		oldKey, err := os.ReadFile(filepath.Join(dir, state.KeyFileName))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := s.RotateKey(t.Context())
		if err != nil || rep.Reencrypted != 3 || rep.FromEnv {
			t.Fatalf("RotateKey = %+v, %v", rep, err)
		}
		// The other handle was opened before: it reads the new ciphertexts
		// and writes under the new key.
		if a, err := other.Account(t.Context(), "a1"); err != nil || a.Token != sentinel+"1" {
			t.Fatalf("other handle after rotation: %v", err)
		}
		if err := other.PutAccount(t.Context(), state.Account{Name: "a3", Token: sentinel + "3"}); err != nil {
			t.Fatal(err)
		}
		// The old key alone reads nothing: open a copy of the database in a
		// directory without the key file.
		old := strings.TrimSpace(strings.Split(strings.TrimSpace(string(oldKey)), "\n")[1])
		elsewhere := t.TempDir()
		if db == "" {
			if _, err := other.DB().ExecContext(t.Context(), `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{state.FileName, state.FileName + state.MarkerSuffix} {
				b, err := os.ReadFile(filepath.Join(dir, f))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(elsewhere, f), b, 0o600); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := state.Open(t.Context(), elsewhere, state.WithDatabase(db), state.WithSecretKey(old)); !errors.Is(err, state.ErrUnknownKey) {
			t.Fatalf("open with the old key only: %v, want ErrUnknownKey", err)
		}
		if rep, err := s.RotateKey(t.Context()); err != nil || rep.Reencrypted != 4 {
			t.Fatalf("second rotation = %+v, %v", rep, err)
		}
	})
}

// TestRotateEnvKey: with THREADS_MCP_SECRET_KEY, rotation moves the secrets
// from the previous key to the given one; a process without the right key
// refuses to start.
func TestRotateEnvKey(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		dir := t.TempDir()
		k1, k2 := newKey(), newKey()
		open := func(opts ...state.Option) (*state.Store, error) {
			return state.Open(t.Context(), dir, append([]state.Option{state.WithDatabase(db)}, opts...)...)
		}
		s, err := open(state.WithSecretKey(k1))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.PutAccount(t.Context(), state.Account{Name: "a", Token: sentinel}); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if _, err := os.Stat(filepath.Join(dir, state.KeyFileName)); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("a key file was made although THREADS_MCP_SECRET_KEY is set: %v", err)
		}
		if _, err := open(state.WithSecretKey(k2)); !errors.Is(err, state.ErrUnknownKey) {
			t.Fatalf("open with another key: %v", err)
		}
		s, err = open(state.WithSecretKey(k2, k1))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := s.RotateKey(t.Context())
		if err != nil || rep.Reencrypted != 1 || !rep.FromEnv {
			t.Fatalf("RotateKey = %+v, %v", rep, err)
		}
		s.Close()
		s, err = open(state.WithSecretKey(k2))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if a, err := s.Account(t.Context(), "a"); err != nil || a.Token != sentinel {
			t.Fatalf("after rotation: %v", err)
		}
		if _, err := open(state.WithSecretKey("c2hvcnQ=")); err == nil || strings.Contains(err.Error(), "c2hvcnQ") {
			t.Fatalf("a short key: %v", err)
		}
	})
}

// TestPreviousKeysDoNotBecomeCurrent: older keys given without
// THREADS_MCP_SECRET_KEY are for reading only; new secrets go under the key
// file's key, readable without them.
func TestPreviousKeysDoNotBecomeCurrent(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		dir := t.TempDir()
		s, err := state.Open(t.Context(), dir, state.WithDatabase(db), state.WithSecretKey("", newKey()))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.PutAccount(t.Context(), state.Account{Name: "a", Token: sentinel}); err != nil {
			t.Fatal(err)
		}
		s.Close()
		s = openOn(t, dir, db)
		if a, err := s.Account(t.Context(), "a"); err != nil || a.Token != sentinel {
			t.Fatalf("read with the key file alone: %v", err)
		}
	})
}
