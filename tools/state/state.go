// Package state is the threads-mcp server's state database: per-account
// settings, stored accounts with their Threads tokens, small cross-process
// leases, and the tables other packages keep in it (the publish ledger, ...).
//
// # Two databases, one Store
//
// A Store is one database/sql implementation with a [Dialect]: SQLite by
// default (a single file in the state directory, modernc.org/sqlite, pure
// Go), or PostgreSQL when [WithDatabase] gets a postgres:// URL (pgx v5
// through its database/sql driver, github.com/jackc/pgx/v5/stdlib, on one
// *pgxpool.Pool). Every caller — the ledger, the accounts, the settings and
// any component with its own tables — uses the same methods and
// [Store.DB], and writes SQL that runs on both: $1 placeholders,
// INSERT … ON CONFLICT, BIGINT unix-millisecond times, TEXT columns. One
// implementation rather than two keeps the two databases from drifting
// apart; the few places that differ (how a database is found and checked,
// DDL types, secure deletion) switch on the dialect, and a component that
// truly needs dialect-specific SQL asks [Store.Dialect]. [Store.Pool] gives
// the *pgxpool.Pool on PostgreSQL for libraries that want pgx itself (River's
// riverpgxv5 driver).
//
// # Concurrency: one machine or many replicas
//
// On SQLite several server processes may share the file at once (two MCP
// hosts may each start one). It runs in WAL mode with a busy timeout and
// opens every transaction with BEGIN IMMEDIATE, so one transaction writes at a
// time and every read-modify-write sequence (SetSetting, SwapToken, TryLease,
// a ledger claim) is atomic across processes.
//
// On PostgreSQL many replicas share the database, and transactions run at
// READ COMMITTED, concurrently. A read-modify-write sequence therefore takes
// a transaction-scoped advisory lock on what it is about first
// ([Store.LockTx], pg_advisory_xact_lock on a 64-bit hash of a name such as
// "lease:auth.refresh:default"): the second replica waits at the lock until
// the first commits, then reads what the first wrote. Advisory locks were
// chosen over SELECT … FOR UPDATE because the row often does not exist yet
// (a fresh idempotency key, a first lease) and FOR UPDATE locks no absent
// row; over SERIALIZABLE because they need no retry loop. The same call is a
// no-op on SQLite, where BEGIN IMMEDIATE already serialises writers. A
// hash collision of two names only makes unrelated work wait briefly.
//
// Migrations ([Store.Migrate]) are versioned per component in the
// schema_version table and run at start in one transaction; on PostgreSQL
// that transaction first takes a fixed advisory lock, so replicas starting
// together migrate once and the others find the schema current. PostgreSQL's
// INTEGER is 32 bits, too small for the unix-millisecond times portable SQL
// stores, so on PostgreSQL Migrate maps the column type INTEGER to BIGINT.
//
// [Store.Notify] and [Store.Listen] broadcast small messages: PostgreSQL's
// NOTIFY/LISTEN reaches subscribers on every replica; on SQLite they reach
// the subscribers of the same Store (one process). A notification is a hint
// to re-read a table, never the data itself.
//
// # Secrets at rest
//
// Tokens and app secrets are encrypted with AES-256-GCM before they are
// written, in both databases (see secrets.go): under THREADS_MCP_SECRET_KEY
// when it is set (every replica must be given the same key), else under a key
// file created with mode 0600 in the state directory. Each ciphertext names
// its key's id, so a rotation ([Store.RotateKey]) stopped half-way leaves
// every row readable. Rows written before encryption existed are encrypted at
// the first Open. A copy of the database without the key holds no usable
// token.
//
// # Losing the database
//
// Losing the database silently would be worse than failing: the publish
// ledger in it is what stops a retried publish from posting twice. So the
// first Open of a SQLite directory writes a random database id both into the
// database and into a marker file next to it (state.db.id). A later Open that
// finds the marker but a missing, empty or different database refuses with a
// *LostError that says what happened and how to recover ([Reset] starts over
// on purpose, keeping the old files aside). A running server asks
// [Store.Check] before publishing: once the file is deleted, emptied or
// replaced under it, Check fails for the rest of the process. A PostgreSQL
// database is the operator's to keep (backups, replication); Check has
// nothing to watch there.
//
// The state directory is created with mode 0700 and the SQLite files (and
// the key file) with mode 0600.
package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// FileName is the name of the database file inside the state directory.
const FileName = "state.db"

// MarkerSuffix is appended to FileName to name the marker file that holds
// the database id.
const MarkerSuffix = ".id"

// DefaultBusyTimeout is how long a connection waits for another process's
// write lock before failing with SQLITE_BUSY.
const DefaultBusyTimeout = 10 * time.Second

// Dialect is the kind of database a Store is on.
type Dialect string

// The dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Option configures Open.
type Option func(*options)

type options struct {
	busyTimeout time.Duration
	database    string
	secretKey   string
	previous    []string
}

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

// WithDatabase chooses the database: "" (or "sqlite") is the SQLite file in
// the state directory; a postgres:// or postgresql:// URL is that
// PostgreSQL database (the state directory then holds only the key file, if
// any). pgx's pool parameters may be given in the URL (pool_max_conns, ...).
func WithDatabase(url string) Option { return func(o *options) { o.database = url } }

// WithSecretKey sets the key that encrypts tokens at rest: base64 of 32
// random bytes (`openssl rand -base64 32`). previous are older keys still
// accepted for reading while a rotation moves rows to the new one. Without
// a key, the key file in the state directory is used (created if needed).
func WithSecretKey(key string, previous ...string) Option {
	return func(o *options) { o.secretKey, o.previous = key, previous }
}

// Environment variables read by EnvOptions.
const (
	EnvDatabaseURL       = "THREADS_MCP_DATABASE_URL"
	EnvSecretKey         = "THREADS_MCP_SECRET_KEY"
	EnvSecretKeyPrevious = "THREADS_MCP_SECRET_KEY_PREVIOUS"
)

// EnvOptions are the Open options given by the environment:
// THREADS_MCP_DATABASE_URL, THREADS_MCP_SECRET_KEY and
// THREADS_MCP_SECRET_KEY_PREVIOUS (comma-separated older keys). Options
// given after them win.
func EnvOptions(getenv func(string) string) []Option {
	var prev []string
	for p := range strings.SplitSeq(getenv(EnvSecretKeyPrevious), ",") {
		if p = strings.TrimSpace(p); p != "" {
			prev = append(prev, p)
		}
	}
	opts := []Option{WithSecretKey(strings.TrimSpace(getenv(EnvSecretKey)), prev...)}
	if u := getenv(EnvDatabaseURL); u != "" {
		opts = append(opts, WithDatabase(u))
	}
	return opts
}

// IsPostgresURL reports whether url names a PostgreSQL database.
func IsPostgresURL(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
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
// goroutines, and several Stores (in one or more processes, on one or more
// machines for PostgreSQL) may share one database.
type Store struct {
	db      *sql.DB
	dialect Dialect
	pool    *pgxpool.Pool // PostgreSQL only
	path    string        // the SQLite file, or the PostgreSQL URL without its password
	file    os.FileInfo   // the SQLite file as opened, for Check
	keys    *keyring
	hub     hub // Notify/Listen on SQLite

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

// Open opens (creating if needed) the state database and brings its schema
// up to date: the SQLite file in dir, or the PostgreSQL database of
// [WithDatabase]. The directory is created with mode 0700 (and tightened to
// 0700 if it already exists); the SQLite files and the key file get mode
// 0600. Plaintext secrets left by an older version are encrypted.
//
// When the directory's marker file shows it had a SQLite database, a
// missing, empty or different database is a *LostError (see the package
// doc).
func Open(ctx context.Context, dir string, opts ...Option) (*Store, error) {
	o := options{busyTimeout: DefaultBusyTimeout}
	for _, opt := range opts {
		opt(&o)
	}
	if dir == "" {
		return nil, errors.New("state: empty state directory")
	}
	sqlite := o.database == "" || o.database == "sqlite"
	if sqlite && strings.ContainsAny(dir, "?#") {
		return nil, fmt.Errorf("state: state directory %q must not contain '?' or '#'", dir)
	}
	if !sqlite && !IsPostgresURL(o.database) {
		return nil, errors.New("state: the database must be a postgres:// URL (or empty for the SQLite file in the state directory)")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state: create state dir: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state: restrict state dir: %w", err)
	}
	keys, err := loadKeys(dir, o.secretKey, o.previous)
	if err != nil {
		return nil, err
	}
	var s *Store
	if sqlite {
		s, err = openSQLite(ctx, dir, o)
	} else {
		s, err = openPostgres(ctx, o.database)
	}
	if err != nil {
		return nil, err
	}
	s.keys = keys
	s.hub.init()
	if err := s.encryptPlaintext(ctx); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.hub.close()
	err := s.db.Close()
	if s.pool != nil {
		s.pool.Close()
	}
	if err != nil {
		return fmt.Errorf("state: close: %w", err)
	}
	return nil
}

// DB returns the underlying database so other packages can keep their own
// tables in it (see [Store.Migrate]). On SQLite, transactions begun on it are
// BEGIN IMMEDIATE; on PostgreSQL they are READ COMMITTED, and a
// read-modify-write transaction takes [Store.LockTx] first.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect reports which database the Store is on.
func (s *Store) Dialect() Dialect { return s.dialect }

// Pool returns the pgx pool on PostgreSQL (for River's riverpgxv5 driver and
// other pgx users; [Store.DB] shares it), nil on SQLite.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Path returns the SQLite database file's path, or the PostgreSQL URL
// without its password.
func (s *Store) Path() string { return s.path }

// LockTx serialises tx with every other transaction, in any process or
// replica, that locks the same name, until tx ends: on PostgreSQL it takes
// pg_advisory_xact_lock on a 64-bit hash of name; on SQLite it does nothing,
// since BEGIN IMMEDIATE already lets one transaction write at a time. Take it
// first in a transaction that reads a row and then writes on what it read.
func (s *Store) LockTx(ctx context.Context, tx *sql.Tx, name string) error {
	if s.dialect != Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, lockKey(name)); err != nil {
		return fmt.Errorf("state: lock %q: %w", name, err)
	}
	return nil
}

// LockSession takes the advisory lock name on a connection of its own,
// for work that cannot run in one transaction (River's migrations add enum
// values and use them, which PostgreSQL allows only across transactions),
// and returns the function that releases it. On SQLite it does nothing.
func (s *Store) LockSession(ctx context.Context, name string) (unlock func(), err error) {
	if s.dialect != Postgres || s.pool == nil {
		return func() {}, nil
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("state: lock %q: %w", name, err)
	}
	key := lockKey(name)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		conn.Release()
		return nil, fmt.Errorf("state: lock %q: %w", name, err)
	}
	return func() {
		if _, err := conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, key); err != nil {
			// A lock that could not be released ends with its connection.
			_ = conn.Conn().Close(context.WithoutCancel(ctx))
		}
		conn.Release()
	}, nil
}

// lockKey is the advisory lock key of name.
func lockKey(name string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("threads-mcp:" + name))
	return int64(h.Sum64())
}

// migrations are the store's own schema steps; index i brings the "store"
// component from version i to i+1. Append only, never edit.
var migrations = map[Dialect][]string{
	SQLite: {storeTables + `CREATE INDEX accounts_username ON accounts (username COLLATE NOCASE);`},
	// The same tables; PostgreSQL has no NOCASE collation.
	Postgres: {storeTables + `CREATE INDEX accounts_username ON accounts (lower(username));`},
}

const storeTables = `CREATE TABLE settings (
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
	CREATE TABLE meta (
		key TEXT PRIMARY KEY,
		value TEXT NOT NULL
	);
	CREATE TABLE leases (
		name TEXT PRIMARY KEY,
		owner TEXT NOT NULL,
		until INTEGER NOT NULL
	);
	`

// integerType matches the INTEGER column type that Migrate widens to BIGINT
// on PostgreSQL.
var integerType = regexp.MustCompile(`(?i)\bINTEGER\b`)

// migrateLock is the advisory lock name Migrate holds on PostgreSQL.
const migrateLock = "migrate"

// Migrate brings the tables of component up to len(steps): it runs, in one
// transaction, every step whose index is at or above the component's
// recorded version, then records the new version. Concurrent callers (in any
// process or replica) are serialised — on SQLite by BEGIN IMMEDIATE, on
// PostgreSQL by an advisory lock — so a step never runs twice. Steps are
// append-only: never edit or reorder a released step.
//
// Write steps that run on both databases (TEXT, BIGINT, ON CONFLICT; no
// AUTOINCREMENT, rowid or SQLite functions). On PostgreSQL the column type
// INTEGER becomes BIGINT; a step may hold several statements. A component
// whose DDL must differ passes a different list by [Store.Dialect].
func (s *Store) Migrate(ctx context.Context, component string, steps []string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.LockTx(ctx, tx, migrateLock); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			component TEXT PRIMARY KEY, version INTEGER NOT NULL)`); err != nil {
			return fmt.Errorf("state: create schema_version: %w", err)
		}
		var v int
		err := tx.QueryRowContext(ctx, `SELECT version FROM schema_version WHERE component = $1`, component).Scan(&v)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("state: read schema version of %s: %w", component, err)
		}
		if v > len(steps) {
			return fmt.Errorf("state: %s schema version %d is newer than this program knows (%d); upgrade threads-mcp", component, v, len(steps))
		}
		for i := v; i < len(steps); i++ {
			step := steps[i]
			if s.dialect == Postgres {
				step = integerType.ReplaceAllString(step, "BIGINT")
			}
			if _, err := tx.ExecContext(ctx, step); err != nil {
				return fmt.Errorf("state: migrate %s to version %d: %w", component, i+1, err)
			}
		}
		if v == len(steps) {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_version (component, version) VALUES ($1, $2)
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
	err := s.db.QueryRowContext(ctx, `SELECT version FROM schema_version WHERE component = $1`, component).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("state: read schema version of %s: %w", component, err)
	}
	return v, nil
}

// tx runs fn in a transaction (BEGIN IMMEDIATE on SQLite), committing when
// fn returns nil.
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
	err = s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE account = $1 AND key = $2`, account, key).Scan(&value)
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
		if err := s.LockTx(ctx, tx, "setting:"+account+"\x00"+key); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE account = $1 AND key = $2`, account, key).Scan(&previous)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("state: read setting %q: %w", key, err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO settings (account, key, value, updated_at) VALUES ($1, $2, $3, $4)
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
// its ttl, when owners come from NewLeaseOwner; a holder on another host
// (another replica) is waited out. Leases are advisory: use them to let one
// process of several do a job (such as a token refresh) while the others
// wait for its result. On PostgreSQL they hold across replicas.
func (s *Store) TryLease(ctx context.Context, name, owner string, ttl time.Duration) (acquired bool, err error) {
	now := time.Now()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.LockTx(ctx, tx, "lease:"+name); err != nil {
			return err
		}
		var holder string
		var until int64
		err := tx.QueryRowContext(ctx, `SELECT owner, until FROM leases WHERE name = $1`, name).Scan(&holder, &until)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("state: read lease %q: %w", name, err)
		}
		if err == nil && holder != owner && until > now.UnixNano() && !holderDead(holder) {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO leases (name, owner, until) VALUES ($1, $2, $3)
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
	if _, err := s.db.ExecContext(ctx, `DELETE FROM leases WHERE name = $1 AND owner = $2`, name, owner); err != nil {
		return fmt.Errorf("state: release lease %q: %w", name, err)
	}
	return nil
}
