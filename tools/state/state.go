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
//
// Losing the database silently would be worse than failing: the publish
// ledger in it is what stops a retried publish from posting twice. So the
// first Open writes a random database id both into the database and into a
// marker file next to it (state.db.id). A later Open that finds the marker
// but a missing, empty or different database refuses with a *LostError that
// says what happened and how to recover ([Reset] starts over on purpose,
// keeping the old files aside). A running server asks [Store.Check] before
// publishing: once the file is deleted, emptied or replaced under it, Check
// fails for the rest of the process.
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
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// FileName is the name of the database file inside the state directory.
const FileName = "state.db"

// MarkerSuffix is appended to FileName to name the marker file that holds
// the database id.
const MarkerSuffix = ".id"

// DefaultBusyTimeout is how long a connection waits for another process's
// write lock before failing with SQLITE_BUSY.
const DefaultBusyTimeout = 10 * time.Second

// Option configures Open.
type Option func(*options)

type options struct{ busyTimeout time.Duration }

// WithBusyTimeout sets how long a write waits for another connection's (or
// process's) lock before failing with SQLITE_BUSY (default
// DefaultBusyTimeout). A non-positive d keeps the default.
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.busyTimeout = d
		}
	}
}

// LostError reports a state database that is gone, empty or not the one
// this state directory had: starting over silently would forget the
// publish ledger and could post again what was already posted.
type LostError struct {
	Path string
	// What happened: "is missing", "is empty" or "was replaced".
	What string
	// Running is true when it was found while the server was running.
	Running bool
}

func (e *LostError) Error() string {
	if e.Running {
		return fmt.Sprintf("state: the state database %s %s while the server was running; publishing is stopped "+
			"so that nothing is posted twice. Restore the file and restart the server, or restart it with --reset-state "+
			"to start over on purpose", e.Path, e.What)
	}
	return fmt.Sprintf("state: the state database %s %s (its marker %s says this directory had one). It held the "+
		"publish ledger, the settings and the stored accounts; starting afresh could post again what was already posted. "+
		"Restore the file from a backup, or start with --reset-state to begin with an empty state on purpose "+
		"(the old files are kept aside; log in again with `threads-mcp auth login` afterwards)",
		e.Path, e.What, e.Path+MarkerSuffix)
}

// ErrNoAccount is returned when a requested account (or the default account)
// does not exist in the store.
var ErrNoAccount = errors.New("no such Threads account stored")

// Store is an open state database. It is safe for concurrent use by several
// goroutines, and several Stores (in one or more processes) may share one
// directory.
type Store struct {
	db   *sql.DB
	path string
	file os.FileInfo // the database file as opened, for Check

	mu   sync.Mutex
	lost error // set once Check finds the file gone or replaced
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
//
// When the directory's marker file shows it had a database, a missing,
// empty or different database is a *LostError (see the package doc).
func Open(ctx context.Context, dir string, opts ...Option) (*Store, error) {
	o := options{busyTimeout: DefaultBusyTimeout}
	for _, opt := range opts {
		opt(&o)
	}
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
	dsn := fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate",
		path, o.busyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	db.SetConnMaxIdleTime(time.Minute)
	s := &Store{db: db, path: path}
	if err := s.open(ctx, marker); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// open checks the database against the marker, migrates it and records the
// database id in both.
func (s *Store) open(ctx context.Context, marker string) error {
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
	if err := s.Migrate(ctx, "store", migrations); err != nil {
		return err
	}
	if id == "" {
		id = rand.Text()
		if _, err := s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('database_id', ?)
			ON CONFLICT (key) DO NOTHING`, id); err != nil {
			return fmt.Errorf("state: record database id: %w", err)
		}
		if id, err = s.databaseID(ctx); err != nil {
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

// databaseID reads the id recorded in the database, "" when none (a new or
// emptied database).
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

func writeMarker(path, id string) error {
	tmp := path + MarkerSuffix + ".tmp"
	if err := os.WriteFile(tmp, []byte(id+"\n"), 0o600); err != nil {
		return fmt.Errorf("state: write marker: %w", err)
	}
	if err := os.Rename(tmp, path+MarkerSuffix); err != nil {
		return fmt.Errorf("state: write marker: %w", err)
	}
	return nil
}

// Check reports whether the database file is still the one opened: a
// deleted, emptied or replaced file is a *LostError (Running set), and
// stays one for the life of the Store. Publishing calls it before every
// publish; it costs one stat.
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
// log in again afterwards.
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
// ttl from now. It reports false when another owner holds an unexpired lease
// whose holder may be alive: a holder process of this host that is gone (a
// refresher killed mid-refresh) is taken over at once instead of waiting out
// its ttl, when owners come from NewLeaseOwner. Leases are advisory: use them
// to let one process of several do a job (such as a token refresh) while the
// others wait for its result.
func (s *Store) TryLease(ctx context.Context, name, owner string, ttl time.Duration) (acquired bool, err error) {
	now := time.Now()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var holder string
		var until int64
		err := tx.QueryRowContext(ctx, `SELECT owner, until FROM leases WHERE name = ?`, name).Scan(&holder, &until)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("state: read lease %q: %w", name, err)
		}
		if err == nil && holder != owner && until > now.UnixNano() && !holderDead(holder) {
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
