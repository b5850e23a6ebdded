// Package state is the threads-mcp server's state database: per-account
// settings, stored accounts with their Threads tokens, and small cross-process
// leases.
//
// The database is a single SQLite file (modernc.org/sqlite, pure Go) that
// several server processes may share at once — two MCP hosts may each start
// one. It therefore runs in WAL mode with a busy timeout, keeps every
// transaction short, and opens every transaction with BEGIN IMMEDIATE so
// read-modify-write sequences (SetSetting, SwapToken, TryLease) are atomic
// across processes. The state directory is created with mode 0700 and the
// database file (and its -wal/-shm companions) with mode 0600, because the
// file holds access tokens.
//
// The schema is versioned per component in the schema_version table; other
// packages add their own tables with [Store.Migrate] on [Store.DB].
package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// FileName is the name of the database file inside the state directory.
const FileName = "state.db"

// busyTimeout is how long a connection waits for another process's write
// lock before failing with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// ErrNoAccount is returned when a requested account (or the default account)
// does not exist in the store.
var ErrNoAccount = errors.New("no such Threads account stored")

// Store is an open state database. It is safe for concurrent use by several
// goroutines, and several Stores (in one or more processes) may share one
// directory.
type Store struct {
	db   *sql.DB
	path string
}

// DefaultDir returns the default state directory, os.UserConfigDir()/threads-mcp.
// The THREADS_MCP_STATE_DIR override is handled by cmd, not here.
func DefaultDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("state: locate config dir: %w", err)
	}
	return filepath.Join(base, "threads-mcp"), nil
}

// Open opens (creating if needed) the state database in dir and brings its
// schema up to date. The directory is created with mode 0700 (and tightened
// to 0700 if it already exists); the database files get mode 0600.
func Open(ctx context.Context, dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("state: empty state directory")
	}
	if strings.ContainsAny(dir, "?#") {
		return nil, fmt.Errorf("state: state directory %q must not contain '?' or '#'", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state: create state dir: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state: restrict state dir: %w", err)
	}
	path := filepath.Join(dir, FileName)
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
	dsn := fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate",
		path, busyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	db.SetConnMaxIdleTime(time.Minute)
	s := &Store{db: db, path: path}
	if err := s.Migrate(ctx, "store", migrations); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("state: close: %w", err)
	}
	return nil
}

// DB returns the underlying database so other packages can keep their own
// tables in it (see [Store.Migrate]). Transactions begun on it are
// BEGIN IMMEDIATE.
func (s *Store) DB() *sql.DB { return s.db }

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// migrations are the store's own schema steps; index i brings the "store"
// component from version i to i+1. Append only, never edit.
var migrations = []string{
	`CREATE TABLE settings (
		account TEXT NOT NULL,
		key TEXT NOT NULL,
		value TEXT NOT NULL,
		updated_at INTEGER NOT NULL,
		PRIMARY KEY (account, key)
	);
	CREATE TABLE accounts (
		name TEXT PRIMARY KEY,
		user_id TEXT NOT NULL DEFAULT '',
		username TEXT NOT NULL DEFAULT '',
		token TEXT NOT NULL DEFAULT '',
		obtained_at INTEGER NOT NULL DEFAULT 0,
		expires_at INTEGER NOT NULL DEFAULT 0,
		refreshed_at INTEGER NOT NULL DEFAULT 0,
		scopes TEXT NOT NULL DEFAULT '',
		app_id TEXT NOT NULL DEFAULT '',
		app_secret TEXT NOT NULL DEFAULT '',
		updated_at INTEGER NOT NULL
	);
	CREATE INDEX accounts_username ON accounts (username COLLATE NOCASE);
	CREATE TABLE meta (
		key TEXT PRIMARY KEY,
		value TEXT NOT NULL
	);
	CREATE TABLE leases (
		name TEXT PRIMARY KEY,
		owner TEXT NOT NULL,
		until INTEGER NOT NULL
	);`,
}

// Migrate brings the tables of component up to len(steps): it runs, in one
// BEGIN IMMEDIATE transaction, every step whose index is at or above the
// component's recorded version, then records the new version. Concurrent
// callers (in any process) are serialised; a step never runs twice. Steps are
// append-only: never edit or reorder a released step.
func (s *Store) Migrate(ctx context.Context, component string, steps []string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			component TEXT PRIMARY KEY, version INTEGER NOT NULL)`); err != nil {
			return fmt.Errorf("state: create schema_version: %w", err)
		}
		var v int
		err := tx.QueryRowContext(ctx, `SELECT version FROM schema_version WHERE component = ?`, component).Scan(&v)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("state: read schema version of %s: %w", component, err)
		}
		if v > len(steps) {
			return fmt.Errorf("state: %s schema version %d is newer than this program knows (%d); upgrade threads-mcp", component, v, len(steps))
		}
		for i := v; i < len(steps); i++ {
			if _, err := tx.ExecContext(ctx, steps[i]); err != nil {
				return fmt.Errorf("state: migrate %s to version %d: %w", component, i+1, err)
			}
		}
		if v == len(steps) {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_version (component, version) VALUES (?, ?)
			ON CONFLICT (component) DO UPDATE SET version = excluded.version`, component, len(steps))
		if err != nil {
			return fmt.Errorf("state: record schema version of %s: %w", component, err)
		}
		return nil
	})
}

// SchemaVersion reports the recorded schema version of component (0 when none).
func (s *Store) SchemaVersion(ctx context.Context, component string) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT version FROM schema_version WHERE component = ?`, component).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("state: read schema version of %s: %w", component, err)
	}
	return v, nil
}

// tx runs fn in a BEGIN IMMEDIATE transaction, committing when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("state: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state: commit: %w", err)
	}
	return nil
}

// Setting returns the value of key for account ("" is the unnamed account
// configured through the environment). ok is false when it was never set.
func (s *Store) Setting(ctx context.Context, account, key string) (value string, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE account = ? AND key = ?`, account, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("state: read setting %q: %w", key, err)
	}
	return value, true, nil
}

// SetSetting sets key for account to value and returns the previous value
// ("" when unset), atomically across processes.
func (s *Store) SetSetting(ctx context.Context, account, key, value string) (previous string, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE account = ? AND key = ?`, account, key).Scan(&previous)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("state: read setting %q: %w", key, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO settings (account, key, value, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (account, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
			account, key, value, time.Now().UnixNano())
		if err != nil {
			return fmt.Errorf("state: write setting %q: %w", key, err)
		}
		return nil
	})
	return previous, err
}

// TryLease takes or renews the named cross-process lease for owner until
// ttl from now. It reports false when another owner holds an unexpired lease.
// Leases are advisory: use them to let one process of several do a job (such
// as a token refresh) while the others wait for its result.
func (s *Store) TryLease(ctx context.Context, name, owner string, ttl time.Duration) (acquired bool, err error) {
	now := time.Now()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var holder string
		var until int64
		err := tx.QueryRowContext(ctx, `SELECT owner, until FROM leases WHERE name = ?`, name).Scan(&holder, &until)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("state: read lease %q: %w", name, err)
		}
		if err == nil && holder != owner && until > now.UnixNano() {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO leases (name, owner, until) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until`,
			name, owner, now.Add(ttl).UnixNano())
		if err != nil {
			return fmt.Errorf("state: write lease %q: %w", name, err)
		}
		acquired = true
		return nil
	})
	return acquired, err
}

// ReleaseLease drops the named lease if owner holds it.
func (s *Store) ReleaseLease(ctx context.Context, name, owner string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM leases WHERE name = ? AND owner = ?`, name, owner); err != nil {
		return fmt.Errorf("state: release lease %q: %w", name, err)
	}
	return nil
}
