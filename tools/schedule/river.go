package schedule

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/threads-mcp/threads-mcp/tools/state"
)

// queue is the part of a River client the engine uses. None of its methods
// carries the driver's transaction type, so *river.Client[*sql.Tx] (SQLite)
// and *river.Client[pgx.Tx] (PostgreSQL, riverpgxv5) both satisfy it: the
// driver is chosen in one place, [openQueue]: [openSQLiteQueue] or
// [openPgxQueue] by the store's database.
type queue interface {
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	JobCancel(ctx context.Context, jobID int64) (*rivertype.JobRow, error)
	JobGet(ctx context.Context, jobID int64) (*rivertype.JobRow, error)
	Start(ctx context.Context) error
	Stop(ctx context.Context) error
	PeriodicJobs() *river.PeriodicJobBundle
}

// queueDB is River's own connection pool on the state database file and
// how to close it.
type queueDB struct {
	q     queue
	close func() error
}

// openQueue opens River on the store's own database: SQLite's file, or
// the PostgreSQL pool every replica shares (River's leader election and
// its row locks then make one replica fire each job).
func openQueue(ctx context.Context, st *state.Store, cfg *river.Config) (*queueDB, error) {
	if st.Dialect() == state.Postgres {
		return openPgxQueue(ctx, st, cfg)
	}
	return openSQLiteQueue(ctx, st, cfg)
}

// openPgxQueue opens River with its pgx driver on the store's PostgreSQL
// pool and migrates River's tables while holding an advisory lock: River's
// migrator takes no lock of its own, and replicas starting together would
// otherwise create the same types twice (seen: a unique violation on
// pg_type). The migrations cannot share one transaction (one adds an enum
// value that the next uses), hence a session lock. The pool is the
// store's: it is closed with the store, not here.
func openPgxQueue(ctx context.Context, st *state.Store, cfg *river.Config) (*queueDB, error) {
	driver := riverpgxv5.New(st.Pool())
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("schedule: queue migrator: %w", err)
	}
	unlock, err := st.LockSession(ctx, "schedule.river-migrate")
	if err != nil {
		return nil, err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	unlock()
	if err != nil {
		return nil, fmt.Errorf("schedule: migrate queue tables: %w", err)
	}
	c, err := river.NewClient(driver, cfg)
	if err != nil {
		return nil, fmt.Errorf("schedule: queue client: %w", err)
	}
	return &queueDB{q: c, close: func() error { return nil }}, nil
}

// openSQLiteQueue opens River on the state database file of st with the
// SQLite driver, migrates River's tables (river_job, river_leader, …) into
// that file, and returns an unstarted client.
//
// River's SQLite driver wants a pool of one connection: River runs its
// producer, completer, leader elector and maintenance services
// concurrently, and SQLite allows one writer at a time, so a larger pool
// turns that concurrency into SQLITE_BUSY errors
// (https://pkg.go.dev/github.com/riverqueue/river/riverdriver/riversqlite).
// The pool is River's own, separate from the state store's: the ledger and
// the tools keep their connections, and the two pools meet only at
// SQLite's file lock (WAL mode, busy timeout), as two processes do. What
// one connection costs in throughput is measured by BenchmarkSchedulerFire
// and recorded in the README.
func openSQLiteQueue(ctx context.Context, st *state.Store, cfg *river.Config) (*queueDB, error) {
	dsn := fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate",
		st.Path(), state.DefaultBusyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("schedule: open queue database: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(time.Minute)
	driver := riversqlite.New(db)
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: cfg.Logger})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("schedule: queue migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("schedule: migrate queue tables: %w", err)
	}
	c, err := river.NewClient(driver, cfg)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("schedule: queue client: %w", err)
	}
	return &queueDB{q: c, close: db.Close}, nil
}

// discardLogger is River's logger when the engine is given none: River's
// defaults would write to stdout, which carries JSON-RPC in stdio mode.
func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// warnOnly passes only records at warn and above: River logs its routine
// (client started, leadership gained) at info, which would flood a server's
// log at every start.
type warnOnly struct{ slog.Handler }

func (h warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}
func (h warnOnly) WithAttrs(as []slog.Attr) slog.Handler { return warnOnly{h.Handler.WithAttrs(as)} }
func (h warnOnly) WithGroup(n string) slog.Handler       { return warnOnly{h.Handler.WithGroup(n)} }
