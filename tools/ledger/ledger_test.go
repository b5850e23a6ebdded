package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/tools/state"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func open(t *testing.T, dir string, clk *clock) *Ledger {
	t.Helper()
	st, err := state.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	l, err := Open(t.Context(), st, WithClock(clk.now), WithLease(10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// req is a live publish_text claim request.
func req(account, key, hash string, ttl time.Duration) Request {
	return Request{Scope: Scope{Account: account}, Key: key, Tool: "publish_text", ArgsHash: hash, TTL: ttl}
}

func TestClaimLifecycle(t *testing.T) {
	clk := &clock{t: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)}
	l := open(t, t.TempDir(), clk)
	ctx := t.Context()
	claim := func(key, hash string, ttl time.Duration) Claim {
		t.Helper()
		c, err := l.Claim(ctx, req("acct", key, hash, ttl))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	first := claim("k", "h1", 24*time.Hour)
	if first.Action != Run || first.Owner == "" {
		t.Fatalf("fresh key: %+v", first)
	}
	if c := claim("k", "h1", 24*time.Hour); c.Action != Wait {
		t.Fatalf("live lease: action %v, want Wait", c.Action)
	}
	if _, err := l.Claim(ctx, req("acct", "k", "other", 24*time.Hour)); !errors.As(err, new(*MismatchError)) {
		t.Fatalf("different args: err %v, want MismatchError", err)
	}
	if err := l.SetContainer(ctx, first, "c1", []string{"i1", "i2"}); err != nil {
		t.Fatal(err)
	}
	// The publisher dies: after its lease the key is taken over, with its container.
	clk.advance(11 * time.Second)
	resumed := claim("k", "h1", 24*time.Hour)
	if resumed.Action != Resume || resumed.Entry.ContainerID != "c1" || len(resumed.Entry.ItemIDs) != 2 || resumed.Entry.State != StateContainer {
		t.Fatalf("dead publisher: %+v", resumed)
	}
	// The dead publisher's late writes are refused.
	if err := l.Complete(ctx, first, "p0", json.RawMessage(`{}`)); !errors.Is(err, ErrNotOwner) {
		t.Fatalf("stale owner Complete: %v", err)
	}
	if err := l.Complete(ctx, resumed, "p1", json.RawMessage(`{"id":"p1"}`)); err != nil {
		t.Fatal(err)
	}
	if c := claim("k", "h1", 24*time.Hour); c.Action != Replay || c.Entry.PostID != "p1" || string(c.Entry.Result) != `{"id":"p1"}` {
		t.Fatalf("published: %+v", c)
	}
	// Replayed for the ttl only.
	clk.advance(24 * time.Hour)
	if c := claim("k", "h1", 24*time.Hour); c.Action != Run {
		t.Fatalf("after ttl: action %v, want Run", c.Action)
	}
	// A failed attempt lets the key run again.
	f := claim("f", "h", time.Hour)
	if err := l.Fail(ctx, f, "boom"); err != nil {
		t.Fatal(err)
	}
	if c := claim("f", "h", time.Hour); c.Action != Run {
		t.Fatalf("after failure: action %v, want Run", c.Action)
	}
	// Keys are per account.
	if c, err := l.Claim(ctx, req("other", "k", "zzz", time.Hour)); err != nil || c.Action != Run {
		t.Fatalf("other account: %+v %v", c, err)
	}
	if e, err := l.Get(ctx, Scope{Account: "acct"}, "nope"); e != nil || err != nil {
		t.Fatalf("Get missing: %v %v", e, err)
	}
}

// TestConcurrentClaimsAcrossProcesses: two store handles (two server
// processes) and many goroutines claim one key: exactly one runs.
func TestConcurrentClaimsAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Now()}
	ls := []*Ledger{open(t, dir, clk), open(t, dir, clk)}
	var mu sync.Mutex
	runs := 0
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			c, err := ls[i%2].Claim(context.Background(), req("a", "same", "h", time.Hour))
			if err != nil {
				t.Error(err)
				return
			}
			if c.Action == Run {
				mu.Lock()
				runs++
				mu.Unlock()
			} else if c.Action != Wait {
				t.Errorf("action %v", c.Action)
			}
		})
	}
	wg.Wait()
	if runs != 1 {
		t.Fatalf("%d claimants ran, want exactly 1", runs)
	}
}
