package state

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// openSQLite opens the SQLite file in dir (already created), checks it
// against its marker and migrates it.
func openSQLite(ctx context.Context, dir string, o options) (*Store, error) {
	path := filepath.Join(dir, FileName)
	marker, err := readMarker(path)
	if err != nil {
		return nil, err
	}
	if marker != "" {
		switch fi, err := os.Stat(path); {
		case errors.Is(err, os.ErrNotExist):
			return nil, &LostError{Path: path, What: "is missing"}
		case err != nil:
			return nil, fmt.Errorf("state: %w", err)
		case fi.Size() == 0:
			return nil, &LostError{Path: path, What: "is empty"}
		}
	}
	// Create the file ourselves so that SQLite (which gives -wal and -shm the
	// main file's mode) never creates it with the process umask.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("state: create database file: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("state: create database file: %w", err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("state: restrict database file: %w", err)
		}
	}
	// secure_delete: content freed by a delete or an update (an old token's
	// ciphertext, a plaintext token being encrypted) is overwritten with zeros.
	dsn := fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=secure_delete(ON)&_txlock=immediate",
		path, o.busyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	db.SetConnMaxIdleTime(time.Minute)
	s := &Store{db: db, dialect: SQLite, path: path}
	if err := s.openSQLite(ctx, marker); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// openSQLite checks the database against the marker, migrates it and
// records the database id in both.
func (s *Store) openSQLite(ctx context.Context, marker string) error {
	id, err := s.databaseID(ctx)
	if err != nil {
		return err
	}
	if marker != "" && id != marker {
		what := "was replaced"
		if id == "" {
			what = "is empty"
		}
		return &LostError{Path: s.path, What: what}
	}
	if err := s.Migrate(ctx, "store", migrations[SQLite]); err != nil {
		return err
	}
	if id == "" {
		if id, err = s.recordID(ctx); err != nil {
			return err
		}
	}
	if marker != id {
		if err := writeMarker(s.path, id); err != nil {
			return err
		}
	}
	fi, err := os.Stat(s.path)
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	s.file = fi
	return nil
}

// recordID records a new random database id unless one is there, and
// returns the recorded one.
func (s *Store) recordID(ctx context.Context) (string, error) {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('database_id', $1)
		ON CONFLICT (key) DO NOTHING`, rand.Text()); err != nil {
		return "", fmt.Errorf("state: record database id: %w", err)
	}
	var id string
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'database_id'`).Scan(&id); err != nil {
		return "", fmt.Errorf("state: read database id: %w", err)
	}
	return id, nil
}

// databaseID reads the id recorded in the SQLite database, "" when none (a
// new or emptied database).
func (s *Store) databaseID(ctx context.Context) (string, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).Scan(&n); err != nil {
		return "", fmt.Errorf("state: read %s: %w", s.path, err)
	}
	if n == 0 {
		return "", nil
	}
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'database_id'`).Scan(&id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("state: read database id: %w", err)
	}
	return id, nil
}

func readMarker(path string) (string, error) {
	b, err := os.ReadFile(path + MarkerSuffix)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("state: read marker: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// writeMarker writes the marker through a temporary file of its own, so
// that processes opening a new directory together (each writing the same
// id) do not rename each other's file away.
func writeMarker(path, id string) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+MarkerSuffix+".tmp*")
	if err != nil {
		return fmt.Errorf("state: write marker: %w", err)
	}
	tmp := f.Name()
	_, werr := f.WriteString(id + "\n")
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp, path+MarkerSuffix)
	}
	if werr != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("state: write marker: %w", werr)
	}
	return nil
}

// Check reports whether the SQLite database file is still the one opened: a
// deleted, emptied or replaced file is a *LostError (Running set), and
// stays one for the life of the Store. Publishing calls it before every
// publish; it costs one stat. On PostgreSQL it reports nil.
func (s *Store) Check() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lost != nil {
		return s.lost
	}
	if s.file == nil {
		return nil
	}
	var what string
	switch fi, err := os.Stat(s.path); {
	case errors.Is(err, os.ErrNotExist):
		what = "was deleted"
	case err != nil:
		return fmt.Errorf("state: %w", err)
	case !os.SameFile(fi, s.file):
		what = "was replaced"
	case fi.Size() == 0:
		what = "was emptied"
	default:
		return nil
	}
	s.lost = &LostError{Path: s.path, What: what, Running: true}
	return s.lost
}

// Reset starts the state directory dir over on purpose: it moves the
// database files (state.db and its -wal and -shm companions) aside to
// names ending in ".reset-<time>", removes the marker, and returns the
// new path of the database file ("" when there was none). The next Open
// creates an empty database. Stored accounts are kept in the moved file;
// log in again afterwards. It does not touch a PostgreSQL database.
func Reset(dir string) (string, error) {
	path := filepath.Join(dir, FileName)
	suffix := ".reset-" + time.Now().UTC().Format("20060102T150405Z")
	moved := ""
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		err := os.Rename(p, p+suffix)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("state: reset: %w", err)
		}
		if p == path {
			moved = p + suffix
		}
	}
	if err := os.Remove(path + MarkerSuffix); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("state: reset: %w", err)
	}
	return moved, nil
}
