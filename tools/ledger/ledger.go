// Package ledger records every publish in the state database so that none
// happens twice: before its first request to Threads (key, argument hash,
// account), then its container id, then the post id and the result.
//
// A call claims its key. A fresh key, an expired one or one whose earlier
// attempt failed is claimed to run; a published key is replayed; a key that
// another call is publishing right now (its lease is live) is waited for; a
// key whose publisher died (its lease ran out) is taken over and resumed
// from its container. Several server processes may share the ledger: every
// claim is one BEGIN IMMEDIATE transaction.
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

// Entry is one key's record.
type Entry struct {
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
	now   func() time.Time
	lease time.Duration
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
}

// Open migrates the ledger's table in st and drops long-expired rows.
func Open(ctx context.Context, st *state.Store, opts ...Option) (*Ledger, error) {
	l := &Ledger{db: st.DB(), now: time.Now, lease: DefaultLease}
	for _, o := range opts {
		o(l)
	}
	if err := st.Migrate(ctx, "ledger", migrations); err != nil {
		return nil, fmt.Errorf("ledger: migrate: %w", err)
	}
	if _, err := l.db.ExecContext(ctx, `DELETE FROM publish_ledger WHERE expires_at < ?`, l.now().Add(-retention).UnixMilli()); err != nil {
		return nil, fmt.Errorf("ledger: purge: %w", err)
	}
	return l, nil
}

const columns = `account, key, tool, args_hash, state, container_id, item_ids, post_id, result, error, owner, lease_until, created_at, expires_at`

func scan(row interface{ Scan(...any) error }) (Entry, string, error) {
	var (
		e                       Entry
		items, result, owner    string
		lease, created, expires int64
	)
	err := row.Scan(&e.Account, &e.Key, &e.Tool, &e.ArgsHash, &e.State, &e.ContainerID, &items, &e.PostID,
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

// Claim claims key for account. ttl is how long a published result is
// replayed (24 h for an idempotency key, 10 minutes for the automatic
// duplicate check). A key known with another argsHash is a *MismatchError.
func (l *Ledger) Claim(ctx context.Context, account, key, tool, argsHash string, ttl time.Duration) (Claim, error) {
	owner := rand.Text()
	now := l.now()
	var c Claim
	err := l.tx(ctx, func(tx *sql.Tx) error {
		e, curOwner, err := scan(tx.QueryRowContext(ctx, `SELECT `+columns+` FROM publish_ledger WHERE account = ? AND key = ?`, account, key))
		fresh := errors.Is(err, sql.ErrNoRows)
		if err != nil && !fresh {
			return err
		}
		if !fresh && now.After(e.ExpiresAt) {
			fresh = true
		}
		if !fresh && e.ArgsHash != argsHash {
			return &MismatchError{Key: key, Tool: e.Tool, CreatedAt: e.CreatedAt}
		}
		switch {
		case fresh || e.State == StateFailed:
			e = Entry{Account: account, Key: key, Tool: tool, ArgsHash: argsHash, State: StateStarted,
				CreatedAt: now, ExpiresAt: now.Add(ttl), LeaseUntil: now.Add(l.lease)}
			_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO publish_ledger (`+columns+`, updated_at)
				VALUES (?, ?, ?, ?, ?, '', '', '', '', '', ?, ?, ?, ?, ?)`,
				account, key, tool, argsHash, StateStarted, owner, e.LeaseUntil.UnixMilli(), now.UnixMilli(), e.ExpiresAt.UnixMilli(), now.UnixMilli())
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
			_, err := tx.ExecContext(ctx, `UPDATE publish_ledger SET owner = ?, lease_until = ?, updated_at = ? WHERE account = ? AND key = ?`,
				owner, e.LeaseUntil.UnixMilli(), now.UnixMilli(), account, key)
			c = Claim{Action: Resume, Entry: e, Owner: owner}
			return err
		}
	})
	return c, err
}

// SetContainer records the container about to be published.
func (l *Ledger) SetContainer(ctx context.Context, c Claim, containerID string, itemIDs []string) error {
	return l.update(ctx, c, `state = ?, container_id = ?, item_ids = ?, lease_until = ?`,
		StateContainer, containerID, strings.Join(itemIDs, ","), l.now().Add(l.lease).UnixMilli())
}

// Restart forgets the container of an entry being resumed from scratch.
func (l *Ledger) Restart(ctx context.Context, c Claim) error {
	return l.update(ctx, c, `state = ?, container_id = '', item_ids = '', lease_until = ?`,
		StateStarted, l.now().Add(l.lease).UnixMilli())
}

// Renew extends the claimant's lease.
func (l *Ledger) Renew(ctx context.Context, c Claim) error {
	return l.update(ctx, c, `lease_until = ?`, l.now().Add(l.lease).UnixMilli())
}

// Complete records the published post and the result to replay.
func (l *Ledger) Complete(ctx context.Context, c Claim, postID string, result json.RawMessage) error {
	return l.update(ctx, c, `state = ?, post_id = ?, result = ?, owner = '', lease_until = 0`,
		StatePublished, postID, string(result))
}

// Fail records a failed attempt; the key may be claimed to run again.
func (l *Ledger) Fail(ctx context.Context, c Claim, reason string) error {
	return l.update(ctx, c, `state = ?, error = ?, owner = '', lease_until = 0`, StateFailed, reason)
}

// Get returns the entry of key, or nil.
func (l *Ledger) Get(ctx context.Context, account, key string) (*Entry, error) {
	e, _, err := scan(l.db.QueryRowContext(ctx, `SELECT `+columns+` FROM publish_ledger WHERE account = ? AND key = ?`, account, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("ledger: get: %w", err)
	}
	return &e, nil
}

// Lease returns the lease duration.
func (l *Ledger) Lease() time.Duration { return l.lease }

// update sets columns of the claimant's entry, failing with ErrNotOwner when
// another claimant took it over.
func (l *Ledger) update(ctx context.Context, c Claim, set string, args ...any) error {
	args = append(args, l.now().UnixMilli(), c.Entry.Account, c.Entry.Key, c.Owner)
	res, err := l.db.ExecContext(ctx, `UPDATE publish_ledger SET `+set+`, updated_at = ? WHERE account = ? AND key = ? AND owner = ?`, args...)
	if err != nil {
		return fmt.Errorf("ledger: update: %w", err)
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

// Release gives up the claimant's lease but keeps the entry's state, so the
// next claim resumes from the recorded container: used when the outcome of
// a publish is unknown.
func (l *Ledger) Release(ctx context.Context, c Claim, reason string) error {
	return l.update(ctx, c, `error = ?, owner = '', lease_until = 0`, reason)
}
