package events_test

import (
	"errors"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/tools/events"
)

// TestStorePagingAndSeen: the cursor walks events in arrival order and
// picks up later arrivals; seen marks are per account and hide events from
// the unseen view only.
func TestStorePagingAndSeen(t *testing.T) {
	s := openStore(t)
	ctx := t.Context()
	at := time.Unix(1767225600, 0)
	var evs []events.Event
	for i, f := range []string{events.FieldReplies, events.FieldMentions, events.FieldPublish, events.FieldReplies} {
		evs = append(evs, events.Event{Account: "me", Field: f, ValueID: string(rune('a' + i)), Time: at.Add(time.Duration(i) * time.Minute)})
	}
	evs = append(evs, events.Event{Account: "other", Field: events.FieldReplies, ValueID: "z", Time: at})
	fresh, err := s.Add(ctx, evs...)
	if err != nil || len(fresh) != 5 {
		t.Fatalf("Add: %d fresh, %v", len(fresh), err)
	}
	if again, _ := s.Add(ctx, evs[0]); len(again) != 0 {
		t.Fatalf("a repeated event was stored again")
	}
	p1, err := s.List(ctx, events.Query{Account: "me", Limit: 2})
	if err != nil || len(p1.Events) != 2 || !p1.More || p1.Events[0].ValueID != "a" {
		t.Fatalf("page 1: %+v, %v", p1, err)
	}
	p2, err := s.List(ctx, events.Query{Account: "me", Limit: 2, Cursor: p1.Next})
	if err != nil || len(p2.Events) != 2 || p2.More || p2.Events[0].ValueID != "c" {
		t.Fatalf("page 2: %+v, %v", p2, err)
	}
	p3, err := s.List(ctx, events.Query{Account: "me", Cursor: p2.Next})
	if err != nil || len(p3.Events) != 0 || p3.Next != p2.Next {
		t.Fatalf("page 3: %+v, %v (want empty, same cursor)", p3, err)
	}
	if _, err := s.Add(ctx, events.Event{Account: "me", Field: events.FieldMentions, ValueID: "e", Time: at}); err != nil {
		t.Fatal(err)
	}
	if p4, _ := s.List(ctx, events.Query{Account: "me", Cursor: p2.Next}); len(p4.Events) != 1 || p4.Events[0].ValueID != "e" {
		t.Fatalf("a later arrival is not after the cursor: %+v", p4)
	}
	inbox := events.Query{Account: "me", Fields: events.InboxFields(), UnseenOnly: true}
	if p, _ := s.List(ctx, inbox); len(p.Events) != 4 {
		t.Fatalf("inbox holds %d, want 4 (replies and mentions)", len(p.Events))
	}
	n, err := s.MarkSeen(ctx, "me", []string{fresh[0].ID, fresh[4].ID, "nonexistent"})
	if err != nil || n != 1 {
		t.Fatalf("MarkSeen: %d, %v; want 1 (the other account's event is not this one's)", n, err)
	}
	if n, _ := s.MarkSeen(ctx, "me", []string{fresh[0].ID}); n != 0 {
		t.Fatalf("marked twice")
	}
	if p, _ := s.List(ctx, inbox); len(p.Events) != 3 {
		t.Fatalf("inbox holds %d after one seen, want 3", len(p.Events))
	}
	if p, _ := s.List(ctx, events.Query{Account: "me"}); !p.Events[0].Seen {
		t.Fatalf("the seen event is not marked seen in the full list")
	}
	if n, _ := s.MarkAllSeen(ctx, "me", events.InboxFields()); n != 3 {
		t.Fatalf("MarkAllSeen marked %d, want 3", n)
	}
	if u, _ := s.Unseen(ctx, "me", nil); u != 1 {
		t.Fatalf("unseen %d, want 1 (the publish event)", u)
	}
	if u, _ := s.Unseen(ctx, "other", nil); u != 1 {
		t.Fatalf("other account's unseen %d, want 1", u)
	}
	if _, err := s.List(ctx, events.Query{Account: "me", Cursor: "!!"}); !errors.Is(err, events.ErrBadCursor) {
		t.Fatalf("bad cursor: %v", err)
	}
}
