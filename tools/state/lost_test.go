package state_test

import (
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threads-mcp/threads-mcp/tools/state"
)

// TestLostDatabaseRefusesToStart: once a directory had a database, a
// missing, emptied or different one is an error that says what happened
// and how to recover, and Reset starts over on purpose.
func TestLostDatabaseRefusesToStart(t *testing.T) {
	tests := []struct {
		name string
		lose func(t *testing.T, path string)
		what string
	}{
		{"deleted", func(t *testing.T, p string) {
			for _, f := range []string{p, p + "-wal", p + "-shm"} {
				_ = os.Remove(f)
			}
		}, "is missing"},
		{"truncated to zero bytes", func(t *testing.T, p string) {
			for _, f := range []string{p + "-wal", p + "-shm"} {
				_ = os.Remove(f)
			}
			if err := os.Truncate(p, 0); err != nil {
				t.Fatal(err)
			}
		}, "is empty"},
		{"replaced by an empty SQLite database", func(t *testing.T, p string) {
			for _, f := range []string{p, p + "-wal", p + "-shm"} {
				_ = os.Remove(f)
			}
			db, err := sql.Open("sqlite", p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(`CREATE TABLE unrelated (x)`); err != nil {
				t.Fatal(err)
			}
			db.Close()
		}, "is empty"},
		{"replaced by another state database", func(t *testing.T, p string) {
			other := t.TempDir()
			s, err := state.Open(t.Context(), other)
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			for _, f := range []string{p, p + "-wal", p + "-shm"} {
				_ = os.Remove(f)
			}
			b, err := os.ReadFile(filepath.Join(other, state.FileName))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "was replaced"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := state.Open(t.Context(), dir)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.SetSetting(t.Context(), "", "k", "v"); err != nil {
				t.Fatal(err)
			}
			s.Close()
			path := filepath.Join(dir, state.FileName)
			tc.lose(t, path)
			_, err = state.Open(t.Context(), dir)
			var le *state.LostError
			if !errors.As(err, &le) || le.What != tc.what || le.Running {
				t.Fatalf("Open after the database %s: %v, want a LostError %q", tc.name, err, tc.what)
			}
			for _, want := range []string{path, tc.what, "--reset-state", "posted"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("message lacks %q: %v", want, err)
				}
			}
			// Still refused on a second try: nothing was silently recreated.
			if _, err := state.Open(t.Context(), dir); !errors.As(err, &le) {
				t.Fatalf("second Open: %v", err)
			}
			moved, err := state.Reset(dir)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("Reset left %s: %v", path, err)
			}
			if moved != "" {
				if _, err := os.Stat(moved); err != nil {
					t.Errorf("Reset did not keep the old file aside: %v", err)
				}
			}
			s, err = state.Open(t.Context(), dir)
			if err != nil {
				t.Fatalf("Open after Reset: %v", err)
			}
			if _, ok, _ := s.Setting(t.Context(), "", "k"); ok {
				t.Error("the reset database kept a setting")
			}
			s.Close()
		})
	}
}

// TestFirstOpenOfAnExistingDirectory: a directory without a marker (new,
// or made by an older version) opens, and adopts its database.
func TestFirstOpenOfAnExistingDirectory(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	if _, err := s.SetSetting(t.Context(), "", "k", "v"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// An older version wrote no marker.
	if err := os.Remove(filepath.Join(dir, state.FileName+state.MarkerSuffix)); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	if v, ok, _ := s.Setting(t.Context(), "", "k"); !ok || v != "v" {
		t.Fatalf("setting lost: %q %v", v, ok)
	}
	if _, err := os.Stat(filepath.Join(dir, state.FileName+state.MarkerSuffix)); err != nil {
		t.Fatalf("marker not written: %v", err)
	}
}

// TestCheckWhileRunning: a running store notices its file deleted,
// emptied or replaced, and keeps saying so.
func TestCheckWhileRunning(t *testing.T) {
	tests := []struct {
		name string
		lose func(t *testing.T, path string)
		what string
	}{
		{"deleted", func(t *testing.T, p string) { os.Remove(p) }, "was deleted"},
		{"replaced", func(t *testing.T, p string) {
			if err := os.Rename(p, p+".old"); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte("not a database"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "was replaced"},
		{"emptied", func(t *testing.T, p string) {
			if err := os.Truncate(p, 0); err != nil {
				t.Fatal(err)
			}
		}, "was emptied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir)
			if err := s.Check(); err != nil {
				t.Fatalf("fresh store: %v", err)
			}
			tc.lose(t, filepath.Join(dir, state.FileName))
			err := s.Check()
			var le *state.LostError
			if !errors.As(err, &le) || !le.Running || le.What != tc.what {
				t.Fatalf("Check: %v, want a running LostError %q", err, tc.what)
			}
			if !strings.Contains(err.Error(), "publishing is stopped") {
				t.Errorf("message: %v", err)
			}
			if err := s.Check(); !errors.As(err, &le) {
				t.Errorf("Check forgot: %v", err)
			}
		})
	}
}
