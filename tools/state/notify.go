package state

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
)

// listenBuffer is how many notifications a subscriber may fall behind
// before further ones are dropped for it.
const listenBuffer = 256

// MaxPayload is the largest payload Notify sends (PostgreSQL's limit is
// just under 8000 bytes): send an id and re-read the row, not the row.
const MaxPayload = 7999

// Notify sends payload to every Listen on channel. On PostgreSQL it is
// pg_notify: subscribers on every replica receive it (once the sending
// transaction — here, this statement — commits). On SQLite it reaches the
// subscribers of this Store only. Delivery is best effort: a subscriber that
// falls more than 256 notifications behind, or whose connection drops,
// misses some; treat a notification as "re-read", never as the data. Call
// it once the transaction that wrote what it announces has committed, so a
// subscriber that re-reads finds it.
func (s *Store) Notify(ctx context.Context, channel, payload string) error {
	if len(payload) > MaxPayload {
		return fmt.Errorf("state: notify %q: payload of %d bytes is over %d", channel, len(payload), MaxPayload)
	}
	if s.dialect != Postgres {
		s.hub.send(channel, payload)
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `SELECT pg_notify($1, $2)`, channel, payload); err != nil {
		return fmt.Errorf("state: notify %q: %w", channel, err)
	}
	return nil
}

// Listen subscribes to channel until ctx ends; the returned channel then
// closes. On PostgreSQL each Listen holds one connection of its own (outside
// the pool) running LISTEN, and its channel also closes if that connection
// fails: listen again and re-read what may have been missed. Listen returns
// once the subscription is in place, so a Notify after it is received.
func (s *Store) Listen(ctx context.Context, channel string) (<-chan string, error) {
	if s.dialect != Postgres {
		return s.hub.listen(ctx, channel)
	}
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, fmt.Errorf("state: listen %q: %w", channel, err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		_ = conn.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("state: listen %q: %w", channel, err)
	}
	out := make(chan string, listenBuffer)
	go func() {
		defer close(out)
		defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
		for {
			n, err := conn.WaitForNotification(ctx)
			if err != nil {
				return
			}
			select {
			case out <- n.Payload:
			default: // the subscriber is behind: drop
			}
		}
	}()
	return out, nil
}

// hub is the in-process Notify/Listen of a SQLite Store.
type hub struct {
	mu     sync.Mutex
	subs   map[string]map[chan string]struct{}
	closed bool
}

func (h *hub) init() {
	h.mu.Lock()
	h.subs = map[string]map[chan string]struct{}{}
	h.mu.Unlock()
}

func (h *hub) listen(ctx context.Context, channel string) (<-chan string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errors.New("state: listen on a closed store")
	}
	c := make(chan string, listenBuffer)
	if h.subs[channel] == nil {
		h.subs[channel] = map[chan string]struct{}{}
	}
	h.subs[channel][c] = struct{}{}
	go func() {
		<-ctx.Done()
		h.drop(channel, c)
	}()
	return c, nil
}

func (h *hub) drop(channel string, c chan string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[channel][c]; ok {
		delete(h.subs[channel], c)
		close(c)
	}
}

func (h *hub) send(channel, payload string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.subs[channel] {
		select {
		case c <- payload:
		default:
		}
	}
}

// close ends every subscription.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for _, subs := range h.subs {
		for c := range subs {
			close(c)
		}
	}
	h.subs = nil
}
