package events

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/threads-mcp/threads-mcp/tools/state"
)

// This file holds every SQL statement of the event store. They run on
// SQLite and PostgreSQL alike: $n placeholders, ON CONFLICT, BIGINT unix
// milliseconds, TEXT columns.

// component is the store's name in state's schema_version table.
const component = "events"

// migrations are the store's schema steps; append only, never edit.
var migrations = []string{
	`CREATE TABLE events (
		id TEXT PRIMARY KEY,
		account TEXT NOT NULL,
		field TEXT NOT NULL,
		value_id TEXT NOT NULL,
		post_id TEXT NOT NULL,
		root_id TEXT NOT NULL,
		username TEXT NOT NULL,
		body TEXT NOT NULL,
		permalink TEXT NOT NULL,
		event_time BIGINT NOT NULL,
		received_at BIGINT NOT NULL,
		source TEXT NOT NULL,
		payload TEXT NOT NULL
	);
	CREATE INDEX events_by_account ON events (account, received_at, id);
	CREATE TABLE event_seen (
		account TEXT NOT NULL,
		event_id TEXT NOT NULL,
		seen_at BIGINT NOT NULL,
		PRIMARY KEY (account, event_id)
	);
	CREATE TABLE event_polls (
		account TEXT PRIMARY KEY,
		baseline BIGINT NOT NULL,
		polled_at BIGINT NOT NULL
	);`,
}

// Store is the durable event store; safe for concurrent use.
type Store struct {
	db  *sql.DB
	now func() time.Time

	mu     sync.Mutex
	fanout Fanout
	last   int64 // the last received_at handed out, so arrival order is strict
}

// Open creates or upgrades the store's tables in st.
func Open(ctx context.Context, st *state.Store) (*Store, error) {
	if err := st.Migrate(ctx, component, migrations); err != nil {
		return nil, fmt.Errorf("events: %w", err)
	}
	return &Store{db: st.DB(), now: time.Now}, nil
}

// SetFanout sets where new events go (nil: nowhere).
func (s *Store) SetFanout(f Fanout) {
	s.mu.Lock()
	s.fanout = f
	s.mu.Unlock()
}

// Deliver hands evs to the fanout, if any.
func (s *Store) Deliver(ctx context.Context, source string, evs []Event) {
	s.mu.Lock()
	f := s.fanout
	s.mu.Unlock()
	if f != nil && len(evs) > 0 {
		f.Deliver(ctx, source, evs)
	}
}

// stamp returns a received_at for a new event: now in milliseconds, but
// always after the last one, so that the cursor order is arrival order.
func (s *Store) stamp() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	ms := s.now().UnixMilli()
	if ms <= s.last {
		ms = s.last + 1
	}
	s.last = ms
	return ms
}

// Add stores evs (filling ID and ReceivedAt) and returns those that were
// not stored before: an event whose key is already there is dropped.
func (s *Store) Add(ctx context.Context, evs ...Event) ([]Event, error) {
	var fresh []Event
	for _, ev := range evs {
		if ev.ID == "" {
			ev.ID = Key(ev.Field, ev.ValueID, ev.Time)
		}
		ev.ReceivedAt = time.UnixMilli(s.stamp())
		payload := string(ev.Payload)
		if payload == "" {
			payload = "{}"
		}
		res, err := s.db.ExecContext(ctx, `INSERT INTO events (id, account, field, value_id, post_id, root_id,
			username, body, permalink, event_time, received_at, source, payload)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING`,
			ev.ID, ev.Account, ev.Field, ev.ValueID, ev.PostID, ev.RootID, ev.Username, ev.Text, ev.Permalink,
			ev.Time.UnixMilli(), ev.ReceivedAt.UnixMilli(), ev.Source, payload)
		if err != nil {
			return fresh, fmt.Errorf("events: store %s event: %w", ev.Field, err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 1 {
			fresh = append(fresh, ev)
		}
	}
	return fresh, nil
}

// Query selects events for List.
type Query struct {
	// Account selects one account's events.
	Account string
	// Fields keeps only these fields (nil: every field).
	Fields []string
	// UnseenOnly keeps only events the account has not marked seen.
	UnseenOnly bool
	// Cursor continues after a previous page (Page.Next).
	Cursor string
	// Limit caps the page (0: DefaultLimit; at most MaxLimit).
	Limit int
}

// Page sizes of List.
const (
	DefaultLimit = 25
	MaxLimit     = 100
)

// Page is one page of events, oldest first.
type Page struct {
	Events []Event
	// Next continues after the last event of the page; it is set on every
	// page, so a client can come back for what arrives later.
	Next string
	// More reports whether more events matched beyond this page.
	More bool
}

// ErrBadCursor is a cursor List did not issue.
var ErrBadCursor = errors.New("events: not a cursor from list_events")

// cursor encodes a position (received_at, id) opaquely.
func cursor(receivedAt int64, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(receivedAt, 10) + "." + id))
}

func parseCursor(c string) (int64, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, "", ErrBadCursor
	}
	ms, id, ok := strings.Cut(string(b), ".")
	n, err := strconv.ParseInt(ms, 10, 64)
	if !ok || err != nil {
		return 0, "", ErrBadCursor
	}
	return n, id, nil
}

// List returns a page of q's events, in arrival order.
func (s *Store) List(ctx context.Context, q Query) (Page, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	where := []string{"e.account = $1"}
	args := []any{q.Account}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.Cursor != "" {
		ms, id, err := parseCursor(q.Cursor)
		if err != nil {
			return Page{}, err
		}
		a, b, c := arg(ms), arg(ms), arg(id)
		where = append(where, "(e.received_at > "+a+" OR (e.received_at = "+b+" AND e.id > "+c+"))")
	}
	if len(q.Fields) > 0 {
		ph := make([]string, len(q.Fields))
		for i, f := range q.Fields {
			ph[i] = arg(f)
		}
		where = append(where, "e.field IN ("+strings.Join(ph, ", ")+")")
	}
	if q.UnseenOnly {
		where = append(where, "s.event_id IS NULL")
	}
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.account, e.field, e.value_id, e.post_id, e.root_id,
		e.username, e.body, e.permalink, e.event_time, e.received_at, e.source, e.payload,
		CASE WHEN s.event_id IS NULL THEN 0 ELSE 1 END
		FROM events e LEFT JOIN event_seen s ON s.account = e.account AND s.event_id = e.id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY e.received_at, e.id LIMIT `+arg(limit+1), args...)
	if err != nil {
		return Page{}, fmt.Errorf("events: list: %w", err)
	}
	defer rows.Close()
	var p Page
	for rows.Next() {
		var ev Event
		var t, rcv int64
		var payload string
		var seen int
		if err := rows.Scan(&ev.ID, &ev.Account, &ev.Field, &ev.ValueID, &ev.PostID, &ev.RootID, &ev.Username,
			&ev.Text, &ev.Permalink, &t, &rcv, &ev.Source, &payload, &seen); err != nil {
			return Page{}, fmt.Errorf("events: list: %w", err)
		}
		ev.Time, ev.ReceivedAt, ev.Payload, ev.Seen = time.UnixMilli(t), time.UnixMilli(rcv), []byte(payload), seen == 1
		p.Events = append(p.Events, ev)
	}
	if err := rows.Err(); err != nil {
		return Page{}, fmt.Errorf("events: list: %w", err)
	}
	if len(p.Events) > limit {
		p.Events, p.More = p.Events[:limit], true
	}
	p.Next = q.Cursor
	if n := len(p.Events); n > 0 {
		last := p.Events[n-1]
		p.Next = cursor(last.ReceivedAt.UnixMilli(), last.ID)
	}
	return p, nil
}

// MarkSeen marks the account's events with the given ids seen (ids of other
// accounts' events are ignored) and returns how many were newly marked.
func (s *Store) MarkSeen(ctx context.Context, account string, ids []string) (int, error) {
	now := s.now().UnixMilli()
	marked := 0
	for _, id := range ids {
		res, err := s.db.ExecContext(ctx, `INSERT INTO event_seen (account, event_id, seen_at)
			SELECT account, id, $1 FROM events WHERE account = $2 AND id = $3
			ON CONFLICT (account, event_id) DO NOTHING`, now, account, id)
		if err != nil {
			return marked, fmt.Errorf("events: mark seen: %w", err)
		}
		if n, err := res.RowsAffected(); err == nil {
			marked += int(n)
		}
	}
	return marked, nil
}

// MarkAllSeen marks every event of the account in fields (nil: all)
// seen, and returns how many were newly marked.
func (s *Store) MarkAllSeen(ctx context.Context, account string, fields []string) (int, error) {
	args := []any{s.now().UnixMilli(), account}
	cond := ""
	if len(fields) > 0 {
		ph := make([]string, len(fields))
		for i, f := range fields {
			args = append(args, f)
			ph[i] = "$" + strconv.Itoa(len(args))
		}
		cond = " AND field IN (" + strings.Join(ph, ", ") + ")"
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO event_seen (account, event_id, seen_at)
		SELECT account, id, $1 FROM events WHERE account = $2`+cond+`
		ON CONFLICT (account, event_id) DO NOTHING`, args...)
	if err != nil {
		return 0, fmt.Errorf("events: mark seen: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Unseen counts the account's events in fields (nil: all) not marked seen.
func (s *Store) Unseen(ctx context.Context, account string, fields []string) (int, error) {
	args := []any{account}
	cond := ""
	if len(fields) > 0 {
		ph := make([]string, len(fields))
		for i, f := range fields {
			args = append(args, f)
			ph[i] = "$" + strconv.Itoa(len(args))
		}
		cond = " AND e.field IN (" + strings.Join(ph, ", ") + ")"
	}
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM events e
		LEFT JOIN event_seen s ON s.account = e.account AND s.event_id = e.id
		WHERE e.account = $1 AND s.event_id IS NULL`+cond, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("events: count unseen: %w", err)
	}
	return n, nil
}

// baseline returns the time polling of account started, recording now
// when it never did.
func (s *Store) baseline(ctx context.Context, account string) (time.Time, error) {
	now := s.now().UnixMilli()
	if _, err := s.db.ExecContext(ctx, `INSERT INTO event_polls (account, baseline, polled_at) VALUES ($1, $2, $3)
		ON CONFLICT (account) DO NOTHING`, account, now, 0); err != nil {
		return time.Time{}, fmt.Errorf("events: poll baseline: %w", err)
	}
	var ms int64
	if err := s.db.QueryRowContext(ctx, `SELECT baseline FROM event_polls WHERE account = $1`, account).Scan(&ms); err != nil {
		return time.Time{}, fmt.Errorf("events: poll baseline: %w", err)
	}
	return time.UnixMilli(ms), nil
}

// polled records when account was last polled.
func (s *Store) polled(ctx context.Context, account string, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE event_polls SET polled_at = $1 WHERE account = $2`,
		at.UnixMilli(), account); err != nil {
		return fmt.Errorf("events: record poll: %w", err)
	}
	return nil
}

// LastPolled returns when account was last polled (zero: never).
func (s *Store) LastPolled(ctx context.Context, account string) (time.Time, error) {
	var ms int64
	err := s.db.QueryRowContext(ctx, `SELECT polled_at FROM event_polls WHERE account = $1`, account).Scan(&ms)
	if errors.Is(err, sql.ErrNoRows) || ms == 0 {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("events: last poll: %w", err)
	}
	return time.UnixMilli(ms), nil
}
