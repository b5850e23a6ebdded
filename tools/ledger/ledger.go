// Package ledger records every publish in the state database so that none
// happens twice: before its first request to Threads (key, argument hash,
// account), then its container id, then the post id and the result.
//
// A call claims its key. A fresh key, an expired one or one whose earlier
// attempt failed is claimed to run; a published key is replayed; a key that
// another call is publishing right now (its lease is live) is waited for; a
// key whose publisher died (its lease ran out) is taken over and resumed
// from its container.
//
// Several server processes may share the ledger, on one machine (SQLite) or
// as replicas on one PostgreSQL database: every claim is one transaction
// that reads the key's entry and writes the outcome, and two claims of one
// scope (account and mode) never interleave. On SQLite the transaction is
// BEGIN IMMEDIATE (one writer at a time). On PostgreSQL it first takes a
// transaction-scoped advisory lock on the scope (state.Store.LockTx), so a
// second replica claiming the same key waits until the first has committed
// its claim and then sees it (Wait, or Replay once published). A row lock
// (SELECT … FOR UPDATE) would not do: a fresh key has no row to lock, and
// two replicas would both insert. Locking the scope rather than the key also
// orders a keyed claim against an unkeyed claim of the same content. The
// later steps (SetContainer, Complete, ...) are single UPDATEs guarded by
// the claimant's owner id, so a claimant whose entry was taken over gets
// ErrNotOwner on any database.
//
// A call without a key is matched by content instead: any entry of the
// same account with the same tool and arguments claimed within the window
// (10 minutes for the publishing tools) is that call's entry, whether it was
// made with a key or without one, so a keyed publish followed by the same
// publish without a key posts once.
//
// Entries are scoped by account and by mode: sandbox entries (the built-in
// emulator) and live entries never match each other, whatever the account
// names.
//
// Every write is checked: a publisher must not publish a container the
// ledger failed to record (SetContainer's error), and [Ledger.Check] stops
// publishing once the database file is deleted or replaced under the
// server. The statements are prepared once, at Open.
package ledger

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/threads-mcp/threads-mcp/tools/state"
)

// State is how far a publish got.
type State string

// States of a ledger entry.
const (
	StateStarted   State = "started"   // claimed; no container known yet
	StateContainer State = "container" // a container was created
	StatePublished State = "published" // the post exists; Result is final
	StateFailed    State = "failed"    // the attempt failed; the key may run again
	StateDeleted   State = "deleted"   // the post was deleted; the key may run again
)

// Action is what a claimant must do.
type Action int

// Actions returned by Claim.
const (
	// Run: nothing is known for this key; publish from scratch.
	Run Action = iota
	// Resume: an earlier publisher died; continue from Entry.ContainerID
	// (empty when it died before creating a container).
	Resume
	// Replay: the key is published; return Entry.Result.
	Replay
	// Wait: another call is publishing this key now; wait and claim again.
	Wait
)

// Scope is whose publishes an entry belongs to: an account, in sandbox or
// live mode.
type Scope struct {
	Sandbox bool
	Account string
}

// AutoKeyPrefix starts the key of an entry claimed without an idempotency
// key; the rest is the argument hash.
const AutoKeyPrefix = "auto:"

// Entry is one key's record.
type Entry struct {
	Sandbox     bool
	Account     string
	Key         string
	Tool        string
	ArgsHash    string
	State       State
	ContainerID string
	ItemIDs     []string
	PostID      string
	Result      json.RawMessage
	Error       string
	CreatedAt   time.Time
	ExpiresAt   time.Time
	LeaseUntil  time.Time
}

// Claim is the outcome of claiming a key. Owner identifies the claimant in
// the later calls (SetContainer, Complete, Fail, Renew).
type Claim struct {
	Action Action
	Entry  Entry
	Owner  string
}

// MismatchError reports a key reused with different arguments.
type MismatchError struct {
	Key       string
	Tool      string
	CreatedAt time.Time
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("idempotency_key %q was first used at %s (%s) with different arguments; nothing was published. "+
		"Fix: use a new key for a new post, or repeat the original arguments exactly to get the first result.",
		e.Key, e.CreatedAt.UTC().Format(time.RFC3339), e.Tool)
}

// ErrNotOwner means the entry was taken over by another claimant (this one's
// lease ran out).
var ErrNotOwner = errors.New("ledger: entry is owned by another claimant")

// Ledger is the publish ledger.
type Ledger struct {
	db    *sql.DB
	st    *state.Store
	now   func() time.Time
	lease time.Duration
	stmt  map[string]*sql.Stmt
}

// Option configures a Ledger.
type Option func(*Ledger)

// WithClock sets the time source (tests).
func WithClock(now func() time.Time) Option { return func(l *Ledger) { l.now = now } }

// WithLease sets how long a claim stays live without renewal (default 30 s):
// a publisher that dies is taken over this long after its last renewal.
// A non-positive d keeps the default.
func WithLease(d time.Duration) Option {
	return func(l *Ledger) {
		if d > 0 {
			l.lease = d
		}
	}
}

// DefaultLease is how long a claim stays live without renewal.
const DefaultLease = 30 * time.Second

// retention is how long rows are kept after they expire.
const retention = 48 * time.Hour

var migrations = []string{
	`CREATE TABLE publish_ledger (
		account      TEXT    NOT NULL,
		key          TEXT    NOT NULL,
		tool         TEXT    NOT NULL,
		args_hash    TEXT    NOT NULL,
		state        TEXT    NOT NULL,
		container_id TEXT    NOT NULL DEFAULT '',
		item_ids     TEXT    NOT NULL DEFAULT '',
		post_id      TEXT    NOT NULL DEFAULT '',
		result       TEXT    NOT NULL DEFAULT '',
		error        TEXT    NOT NULL DEFAULT '',
		owner        TEXT    NOT NULL DEFAULT '',
		lease_until  INTEGER NOT NULL DEFAULT 0,
		created_at   INTEGER NOT NULL,
		expires_at   INTEGER NOT NULL,
		updated_at   INTEGER NOT NULL,
		PRIMARY KEY (account, key)
	)`,
	`CREATE INDEX publish_ledger_expires ON publish_ledger (expires_at)`,
	// Version 3: sandbox entries get their own scope (rows published in
	// sandbox mode carry "sandbox":true in their result), and lookups by
	// content and by post id get indexes.
	`CREATE TABLE publish_ledger_v3 (
		sandbox      INTEGER NOT NULL DEFAULT 0,
		account      TEXT    NOT NULL,
		key          TEXT    NOT NULL,
		tool         TEXT    NOT NULL,
		args_hash    TEXT    NOT NULL,
		state        TEXT    NOT NULL,
		container_id TEXT    NOT NULL DEFAULT '',
		item_ids     TEXT    NOT NULL DEFAULT '',
		post_id      TEXT    NOT NULL DEFAULT '',
		result       TEXT    NOT NULL DEFAULT '',
		error        TEXT    NOT NULL DEFAULT '',
		owner        TEXT    NOT NULL DEFAULT '',
		lease_until  INTEGER NOT NULL DEFAULT 0,
		created_at   INTEGER NOT NULL,
		expires_at   INTEGER NOT NULL,
		updated_at   INTEGER NOT NULL,
		PRIMARY KEY (sandbox, account, key)
	);
	INSERT INTO publish_ledger_v3 (sandbox, account, key, tool, args_hash, state, container_id, item_ids, post_id,
		result, error, owner, lease_until, created_at, expires_at, updated_at)
		SELECT CASE WHEN result LIKE '%"sandbox":true%' THEN 1 ELSE 0 END, account, key, tool, args_hash, state,
			container_id, item_ids, post_id, result, error, owner, lease_until, created_at, expires_at, updated_at
		FROM publish_ledger;
	DROP TABLE publish_ledger;
	ALTER TABLE publish_ledger_v3 RENAME TO publish_ledger;
	CREATE INDEX publish_ledger_expires ON publish_ledger (expires_at);
	CREATE INDEX publish_ledger_content ON publish_ledger (sandbox, account, args_hash, created_at);
	CREATE INDEX publish_ledger_post ON publish_ledger (sandbox, account, post_id);`,
}

const columns = `sandbox, account, key, tool, args_hash, state, container_id, item_ids, post_id, result, error, owner, lease_until, created_at, expires_at`

// statements are every SQL statement of the ledger, prepared once at Open.
var statements = map[string]string{
	"get": `SELECT ` + columns + ` FROM publish_ledger WHERE sandbox = $1 AND account = $2 AND key = $3`,
	// The newest entry with the same content claimed within the window that
	// can still be replayed, waited for or resumed.
	"content": `SELECT ` + columns + ` FROM publish_ledger
		WHERE sandbox = $1 AND account = $2 AND args_hash = $3 AND created_at >= $4 AND expires_at > $5 AND state NOT IN ('failed', 'deleted')
		ORDER BY created_at DESC LIMIT 1`,
	"insert": `INSERT INTO publish_ledger (` + columns + `, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, '', '', '', '', '', $7, $8, $9, $10, $11)
		ON CONFLICT (sandbox, account, key) DO UPDATE SET tool = excluded.tool, args_hash = excluded.args_hash,
			state = excluded.state, container_id = '', item_ids = '', post_id = '', result = '', error = '',
			owner = excluded.owner, lease_until = excluded.lease_until, created_at = excluded.created_at,
			expires_at = excluded.expires_at, updated_at = excluded.updated_at`,
	"takeover":  `UPDATE publish_ledger SET owner = $1, lease_until = $2, updated_at = $3 WHERE sandbox = $4 AND account = $5 AND key = $6`,
	"container": `UPDATE publish_ledger SET state = $1, container_id = $2, item_ids = $3, lease_until = $4, updated_at = $5 WHERE sandbox = $6 AND account = $7 AND key = $8 AND owner = $9`,
	"restart":   `UPDATE publish_ledger SET state = $1, container_id = '', item_ids = '', lease_until = $2, updated_at = $3 WHERE sandbox = $4 AND account = $5 AND key = $6 AND owner = $7`,
	"renew":     `UPDATE publish_ledger SET lease_until = $1, updated_at = $2 WHERE sandbox = $3 AND account = $4 AND key = $5 AND owner = $6`,
	"complete":  `UPDATE publish_ledger SET state = $1, post_id = $2, result = $3, owner = '', lease_until = 0, updated_at = $4 WHERE sandbox = $5 AND account = $6 AND key = $7 AND owner = $8`,
	"fail":      `UPDATE publish_ledger SET state = $1, error = $2, owner = '', lease_until = 0, updated_at = $3 WHERE sandbox = $4 AND account = $5 AND key = $6 AND owner = $7`,
	"release":   `UPDATE publish_ledger SET error = $1, owner = '', lease_until = 0, updated_at = $2 WHERE sandbox = $3 AND account = $4 AND key = $5 AND owner = $6`,
	"post":      `SELECT count(*) FROM publish_ledger WHERE sandbox = $1 AND account = $2 AND post_id = $3`,
	"deleted":   `UPDATE publish_ledger SET state = $1, updated_at = $2 WHERE sandbox = $3 AND account = $4 AND post_id = $5 AND state = $6`,
}

// Open migrates the ledger's table in st, drops long-expired rows and
// prepares the statements.
func Open(ctx context.Context, st *state.Store, opts ...Option) (*Ledger, error) {
	l := &Ledger{db: st.DB(), st: st, now: time.Now, lease: DefaultLease, stmt: map[string]*sql.Stmt{}}
	for _, o := range opts {
		o(l)
	}
	if err := st.Migrate(ctx, "ledger", migrations); err != nil {
		return nil, fmt.Errorf("ledger: migrate: %w", err)
	}
	if _, err := l.db.ExecContext(ctx, `DELETE FROM publish_ledger WHERE expires_at < $1`, l.now().Add(-retention).UnixMilli()); err != nil {
		return nil, fmt.Errorf("ledger: purge: %w", err)
	}
	for name, q := range statements {
		stmt, err := l.db.PrepareContext(ctx, q)
		if err != nil {
			l.Close()
			return nil, fmt.Errorf("ledger: prepare %s: %w", name, err)
		}
		l.stmt[name] = stmt
	}
	return l, nil
}

// Close releases the prepared statements; the store stays open.
func (l *Ledger) Close() {
	for _, s := range l.stmt {
		_ = s.Close()
	}
}

// Check reports whether the state database is still the one opened (see
// state.Store.Check); publishers call it before publishing.
func (l *Ledger) Check() error { return l.st.Check() }

func scan(row interface{ Scan(...any) error }) (Entry, string, error) {
	var (
		e                       Entry
		items, result, owner    string
		lease, created, expires int64
	)
	err := row.Scan(&e.Sandbox, &e.Account, &e.Key, &e.Tool, &e.ArgsHash, &e.State, &e.ContainerID, &items, &e.PostID,
		&result, &e.Error, &owner, &lease, &created, &expires)
	if err != nil {
		return Entry{}, "", err
	}
	if items != "" {
		e.ItemIDs = strings.Split(items, ",")
	}
	if result != "" {
		e.Result = json.RawMessage(result)
	}
	e.LeaseUntil, e.CreatedAt, e.ExpiresAt = time.UnixMilli(lease), time.UnixMilli(created), time.UnixMilli(expires)
	return e, owner, nil
}

// Request is what a claim asks for.
type Request struct {
	Scope
	// Key is the idempotency key; "" claims by content (see the package doc).
	Key      string
	Tool     string
	ArgsHash string
	// TTL is how long a published result is replayed (24 h for an
	// idempotency key); for a claim by content it is also the window in
	// which an identical publish matches (10 minutes).
	TTL time.Duration
}

// Claim claims r's key (or, without a key, the newest entry with the same
// content in the window). A key known with another ArgsHash is a
// *MismatchError. Claim fails once the state database was deleted or
// replaced under the server (Check).
func (l *Ledger) Claim(ctx context.Context, r Request) (Claim, error) {
	if err := l.Check(); err != nil {
		return Claim{}, err
	}
	owner := rand.Text()
	now := l.now()
	var c Claim
	err := l.tx(ctx, func(tx *sql.Tx) error {
		// Serialise the claims of one scope across replicas (a no-op on
		// SQLite, where the transaction is BEGIN IMMEDIATE).
		if err := l.st.LockTx(ctx, tx, claimLock(r.Scope)); err != nil {
			return err
		}
		var (
			e        Entry
			curOwner string
			err      error
		)
		key := r.Key
		if key == "" {
			key = AutoKeyPrefix + r.ArgsHash
			e, curOwner, err = scan(tx.StmtContext(ctx, l.stmt["content"]).QueryRowContext(ctx,
				sandboxCol(r.Sandbox), r.Account, r.ArgsHash, now.Add(-r.TTL).UnixMilli(), now.UnixMilli()))
		} else {
			e, curOwner, err = scan(tx.StmtContext(ctx, l.stmt["get"]).QueryRowContext(ctx, sandboxCol(r.Sandbox), r.Account, key))
		}
		fresh := errors.Is(err, sql.ErrNoRows)
		if err != nil && !fresh {
			return err
		}
		if !fresh && now.After(e.ExpiresAt) {
			fresh = true
		}
		if !fresh && e.ArgsHash != r.ArgsHash {
			return &MismatchError{Key: key, Tool: e.Tool, CreatedAt: e.CreatedAt}
		}
		switch {
		case fresh || e.State == StateFailed || e.State == StateDeleted:
			e = Entry{Sandbox: r.Sandbox, Account: r.Account, Key: key, Tool: r.Tool, ArgsHash: r.ArgsHash, State: StateStarted,
				CreatedAt: now, ExpiresAt: now.Add(r.TTL), LeaseUntil: now.Add(l.lease)}
			_, err := tx.StmtContext(ctx, l.stmt["insert"]).ExecContext(ctx,
				sandboxCol(r.Sandbox), r.Account, key, r.Tool, r.ArgsHash, StateStarted, owner, e.LeaseUntil.UnixMilli(), now.UnixMilli(), e.ExpiresAt.UnixMilli(), now.UnixMilli())
			c = Claim{Action: Run, Entry: e, Owner: owner}
			return err
		case e.State == StatePublished:
			c = Claim{Action: Replay, Entry: e}
			return nil
		case now.Before(e.LeaseUntil) && curOwner != "":
			c = Claim{Action: Wait, Entry: e}
			return nil
		default: // the publisher's lease ran out: take over
			e.LeaseUntil = now.Add(l.lease)
			_, err := tx.StmtContext(ctx, l.stmt["takeover"]).ExecContext(ctx,
				owner, e.LeaseUntil.UnixMilli(), now.UnixMilli(), sandboxCol(e.Sandbox), e.Account, e.Key)
			c = Claim{Action: Resume, Entry: e, Owner: owner}
			return err
		}
	})
	return c, err
}

// claimLock names the lock that serialises the claims of scope s.
func claimLock(s Scope) string {
	return fmt.Sprintf("ledger:%t:%s", s.Sandbox, s.Account)
}

// sandboxCol is the sandbox column's value for sandbox (0 or 1: an integer
// column, which PostgreSQL will not compare with a boolean parameter).
func sandboxCol(sandbox bool) int {
	if sandbox {
		return 1
	}
	return 0
}

// SetContainer records the container about to be published. The caller
// must not publish it when this fails.
func (l *Ledger) SetContainer(ctx context.Context, c Claim, containerID string, itemIDs []string) error {
	if err := l.Check(); err != nil {
		return err
	}
	return l.update(ctx, c, "container", StateContainer, containerID, strings.Join(itemIDs, ","), l.now().Add(l.lease).UnixMilli())
}

// Restart forgets the container of an entry being resumed from scratch.
func (l *Ledger) Restart(ctx context.Context, c Claim) error {
	return l.update(ctx, c, "restart", StateStarted, l.now().Add(l.lease).UnixMilli())
}

// Renew extends the claimant's lease.
func (l *Ledger) Renew(ctx context.Context, c Claim) error {
	return l.update(ctx, c, "renew", l.now().Add(l.lease).UnixMilli())
}

// Complete records the published post and the result to replay.
func (l *Ledger) Complete(ctx context.Context, c Claim, postID string, result json.RawMessage) error {
	return l.update(ctx, c, "complete", StatePublished, postID, string(result))
}

// Fail records a failed attempt; the key may be claimed to run again.
func (l *Ledger) Fail(ctx context.Context, c Claim, reason string) error {
	return l.update(ctx, c, "fail", StateFailed, reason)
}

// Release gives up the claimant's lease but keeps the entry's state, so the
// next claim resumes from the recorded container: used when the outcome of
// a publish is unknown.
func (l *Ledger) Release(ctx context.Context, c Claim, reason string) error {
	return l.update(ctx, c, "release", reason)
}

// MarkDeleted records that postID, published by an entry of s, was
// deleted: a later claim of that entry's key (or content) runs anew instead
// of replaying a post that no longer exists. It reports whether an entry
// held the post.
func (l *Ledger) MarkDeleted(ctx context.Context, s Scope, postID string) (bool, error) {
	res, err := l.stmt["deleted"].ExecContext(ctx, StateDeleted, l.now().UnixMilli(), sandboxCol(s.Sandbox), s.Account, postID, StatePublished)
	if err != nil {
		return false, fmt.Errorf("ledger: mark deleted: %w", err)
	}
	n, err := res.RowsAffected()
	return err == nil && n > 0, nil
}

// Get returns the entry of key, or nil.
func (l *Ledger) Get(ctx context.Context, s Scope, key string) (*Entry, error) {
	e, _, err := scan(l.stmt["get"].QueryRowContext(ctx, sandboxCol(s.Sandbox), s.Account, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: get: %w", err)
	}
	return &e, nil
}

// PostKnown reports whether postID is the recorded post of an entry of s:
// a post found while looking for a lost publish is not that publish's when
// another entry already owns it.
func (l *Ledger) PostKnown(ctx context.Context, s Scope, postID string) (bool, error) {
	var n int
	if err := l.stmt["post"].QueryRowContext(ctx, sandboxCol(s.Sandbox), s.Account, postID).Scan(&n); err != nil {
		return false, fmt.Errorf("ledger: look up post: %w", err)
	}
	return n > 0, nil
}

// Now returns the ledger's current time (its clock).
func (l *Ledger) Now() time.Time { return l.now() }

// Lease returns the lease duration.
func (l *Ledger) Lease() time.Duration { return l.lease }

// update runs the named update for the claimant's entry (args, then
// updated_at and the entry's key), failing with ErrNotOwner when another
// claimant took it over.
func (l *Ledger) update(ctx context.Context, c Claim, stmt string, args ...any) error {
	args = append(args, l.now().UnixMilli(), sandboxCol(c.Entry.Sandbox), c.Entry.Account, c.Entry.Key, c.Owner)
	res, err := l.stmt[stmt].ExecContext(ctx, args...)
	if err != nil {
		return fmt.Errorf("ledger: %s: %w", stmt, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return ErrNotOwner
	}
	return nil
}

// tx runs fn in one transaction (BEGIN IMMEDIATE through the store's DSN).
func (l *Ledger) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("ledger: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		var me *MismatchError
		if errors.As(err, &me) {
			return err
		}
		return fmt.Errorf("ledger: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("ledger: commit: %w", err)
	}
	return nil
}
