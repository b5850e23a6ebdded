package events

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/threads-mcp/threads-mcp/tools/state"
)

// BroadcastChannel is the notification channel replicas announce new
// events on.
const BroadcastChannel = "threads_mcp_events"

// announcement is what a replica tells the others of events it stored:
// enough to say which resources changed, never other people's text (the
// subscribers re-read the resources).
type announcement struct {
	Origin string      `json:"o"`
	Source string      `json:"s"`
	Events []announced `json:"e"`
}

type announced struct {
	ID      string `json:"i"`
	Account string `json:"a,omitempty"`
	Field   string `json:"f"`
	ValueID string `json:"v,omitempty"`
	PostID  string `json:"p,omitempty"`
	RootID  string `json:"r,omitempty"`
}

// Broadcast returns a Fanout that delivers to local and announces the
// events to the other processes on st's database (PostgreSQL LISTEN/NOTIFY:
// an event received by one replica reaches the subscribers of every
// replica), and listen, which delivers what the others announce to local
// until ctx ends. origin names this process (state.NewLeaseOwner); its own
// announcements are not delivered twice. On SQLite, Notify reaches this
// process only, so Broadcast changes nothing there.
func Broadcast(st *state.Store, local Fanout, origin string, logger *slog.Logger) (f Fanout, listen func(ctx context.Context)) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	f = FanoutFunc(func(ctx context.Context, source string, evs []Event) {
		local.Deliver(ctx, source, evs)
		for _, msg := range announcements(origin, source, evs) {
			if err := st.Notify(context.WithoutCancel(ctx), BroadcastChannel, msg); err != nil {
				logger.Warn("events: cannot tell the other replicas", "err", err)
			}
		}
	})
	listen = func(ctx context.Context) {
		for ctx.Err() == nil {
			ch, err := st.Listen(ctx, BroadcastChannel)
			if err != nil {
				logger.Warn("events: cannot listen to the other replicas; retrying", "err", err)
				select {
				case <-ctx.Done():
					return
				case <-time.After(5 * time.Second):
				}
				continue
			}
			for msg := range ch {
				var a announcement
				if json.Unmarshal([]byte(msg), &a) != nil || a.Origin == origin {
					continue
				}
				evs := make([]Event, len(a.Events))
				for i, e := range a.Events {
					evs[i] = Event{ID: e.ID, Account: e.Account, Field: e.Field, ValueID: e.ValueID, PostID: e.PostID, RootID: e.RootID, Source: a.Source}
				}
				local.Deliver(ctx, a.Source, evs)
			}
		}
	}
	return f, listen
}

// announcements splits the events into messages within state.MaxPayload.
func announcements(origin, source string, evs []Event) []string {
	var out []string
	a := announcement{Origin: origin, Source: source}
	flush := func() {
		if len(a.Events) > 0 {
			b, _ := json.Marshal(a)
			out = append(out, string(b))
			a.Events = nil
		}
	}
	for _, ev := range evs {
		e := announced{ID: ev.ID, Account: ev.Account, Field: ev.Field, ValueID: ev.ValueID, PostID: ev.PostID, RootID: ev.RootID}
		a.Events = append(a.Events, e)
		if b, _ := json.Marshal(a); len(b) > state.MaxPayload {
			a.Events = a.Events[:len(a.Events)-1]
			flush()
			a.Events = []announced{e}
		}
	}
	flush()
	return out
}
