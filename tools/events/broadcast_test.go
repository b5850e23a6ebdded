package events_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/tools/events"
	"github.com/threads-mcp/threads-mcp/tools/state"
	"github.com/threads-mcp/threads-mcp/tools/state/statetest"
)

// recorder is a Fanout that keeps what it was given.
type recorder struct {
	mu  sync.Mutex
	got []events.Event
}

func (r *recorder) Deliver(_ context.Context, _ string, evs []events.Event) {
	r.mu.Lock()
	r.got = append(r.got, evs...)
	r.mu.Unlock()
}

func (r *recorder) events() []events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]events.Event(nil), r.got...)
}

// TestBroadcastReachesOtherReplicas: on one PostgreSQL database, an event
// one replica stores and delivers reaches the subscribers of another
// replica (LISTEN/NOTIFY), once, and the sending replica does not deliver
// its own twice.
func TestBroadcastReachesOtherReplicas(t *testing.T) {
	db := statetest.PostgresURL(t)
	open := func() *state.Store {
		st, err := state.Open(t.Context(), t.TempDir(), state.WithDatabase(db))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
	stA, stB := open(), open()
	localA, localB := &recorder{}, &recorder{}
	fanA, listenA := events.Broadcast(stA, localA, "replica-a", nil)
	_, listenB := events.Broadcast(stB, localB, "replica-b", nil)
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Go(func() { listenA(ctx) })
	wg.Go(func() { listenB(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	// A LISTEN is in place only some time after listen starts: announce
	// until replica b has heard (at most once a second).
	ev := events.Event{ID: "e1", Account: "work", Field: events.FieldReplies, ValueID: "r1", PostID: "p1", Text: "someone's words"}
	sends := 0
	for deadline := time.Now().Add(15 * time.Second); len(localB.events()) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("replica b never heard of replica a's event")
		}
		fanA.Deliver(t.Context(), events.SourceWebhook, []events.Event{ev})
		sends++
		for wait := time.Now().Add(time.Second); len(localB.events()) == 0 && time.Now().Before(wait); {
			time.Sleep(20 * time.Millisecond)
		}
	}
	got := localB.events()[0]
	if got.ID != "e1" || got.Account != "work" || got.PostID != "p1" || got.Field != events.FieldReplies {
		t.Errorf("replica b got %+v", got)
	}
	if got.Text != "" {
		t.Errorf("other people's text crossed replicas in a notification: %q", got.Text)
	}
	time.Sleep(300 * time.Millisecond) // its own announcement, were it delivered, would be back by now
	if n := len(localA.events()); n != sends {
		t.Errorf("replica a delivered its own event %d times for %d announcements, want once each", n, sends)
	}
}
