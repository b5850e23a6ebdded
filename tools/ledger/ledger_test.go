package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/tools/state"
	"github.com/threads-mcp/threads-mcp/tools/state/statetest"
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

func open(t *testing.T, dir string, clk *clock) *Ledger { return openDB(t, dir, "", clk) }

// openDB opens a ledger on database (see statetest.Backend).
func openDB(t *testing.T, dir, database string, clk *clock) *Ledger {
	t.Helper()
	st, err := state.Open(t.Context(), dir, state.WithDatabase(database))
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
	statetest.Run(t, func(t *testing.T, db string) {
		clk := &clock{t: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)}
		l := openDB(t, t.TempDir(), db, clk)
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
	})
}

// TestConcurrentClaimsAcrossProcesses: two store handles (two server
// processes) and many goroutines claim one key: exactly one runs.
func TestConcurrentClaimsAcrossProcesses(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		dir := t.TempDir()
		clk := &clock{t: time.Now()}
		ls := []*Ledger{openDB(t, dir, db, clk), openDB(t, dir, db, clk)}
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
	})
}

// BenchmarkPublishCycle is the ledger's share of one publish: claim, record
// the container, complete (prepared statements).
func BenchmarkPublishCycle(b *testing.B) {
	st, err := state.Open(b.Context(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	l, err := Open(b.Context(), st)
	if err != nil {
		b.Fatal(err)
	}
	ctx := b.Context()
	i := 0
	for b.Loop() {
		i++
		c, err := l.Claim(ctx, Request{Scope: Scope{Account: "a"}, Key: fmt.Sprint("k", i), Tool: "publish_text", ArgsHash: fmt.Sprint(i), TTL: time.Hour})
		if err != nil {
			b.Fatal(err)
		}
		if err := l.SetContainer(ctx, c, "c", nil); err != nil {
			b.Fatal(err)
		}
		if err := l.Complete(ctx, c, "p", json.RawMessage(`{}`)); err != nil {
			b.Fatal(err)
		}
	}
}

// TestScopesAndContent: sandbox and live entries never match; a claim
// without a key matches a keyed entry with the same content in the window.
func TestScopesAndContent(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		clk := &clock{t: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)}
		l := openDB(t, t.TempDir(), db, clk)
		ctx := t.Context()
		live := Request{Scope: Scope{Account: "sandbox"}, Key: "k", Tool: "publish_text", ArgsHash: "h", TTL: 24 * time.Hour}
		c, err := l.Claim(ctx, live)
		if err != nil || c.Action != Run {
			t.Fatalf("live: %+v %v", c, err)
		}
		if err := l.Complete(ctx, c, "p1", json.RawMessage(`{}`)); err != nil {
			t.Fatal(err)
		}
		sb := live
		sb.Sandbox = true
		if c, err := l.Claim(ctx, sb); err != nil || c.Action != Run {
			t.Fatalf("sandbox claim of a live key: %+v %v", c, err)
		}
		auto := live
		auto.Key, auto.TTL = "", 10*time.Minute
		if c, err := l.Claim(ctx, auto); err != nil || c.Action != Replay || c.Entry.PostID != "p1" {
			t.Fatalf("unkeyed after keyed: %+v %v", c, err)
		}
		clk.advance(11 * time.Minute)
		if c, err := l.Claim(ctx, auto); err != nil || c.Action != Run || c.Entry.Key != AutoKeyPrefix+"h" {
			t.Fatalf("unkeyed after the window: %+v %v", c, err)
		}
		if known, err := l.PostKnown(ctx, live.Scope, "p1"); err != nil || !known {
			t.Errorf("PostKnown(p1) = %v %v", known, err)
		}
		if known, _ := l.PostKnown(ctx, sb.Scope, "p1"); known {
			t.Error("a live post is known in the sandbox scope")
		}
	})
}

// TestMigrateSandboxRowsApart: rows written before scopes existed move to
// the sandbox scope when their result says sandbox, else stay live.
func TestMigrateSandboxRowsApart(t *testing.T) {
	ctx := t.Context()
	st, err := state.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Migrate(ctx, "ledger", migrations[:2]); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UnixMilli()
	for _, r := range []struct{ key, result string }{{"from-sandbox", `{"sandbox":true,"id":"1"}`}, {"from-live", `{"id":"2"}`}} {
		if _, err := st.DB().ExecContext(ctx, `INSERT INTO publish_ledger (account, key, tool, args_hash, state, post_id, result, created_at, expires_at, updated_at)
			VALUES ('sandbox', ?, 'publish_text', 'h', 'published', 'p', ?, ?, ?, ?)`, r.key, r.result, now, now+3600_000, now); err != nil {
			t.Fatal(err)
		}
	}
	l, err := Open(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		key     string
		sandbox bool
	}{{"from-sandbox", true}, {"from-live", false}} {
		e, err := l.Get(ctx, Scope{Sandbox: tc.sandbox, Account: "sandbox"}, tc.key)
		if err != nil || e == nil {
			t.Errorf("%s not in scope sandbox=%v: %v", tc.key, tc.sandbox, err)
		}
		if e, _ := l.Get(ctx, Scope{Sandbox: !tc.sandbox, Account: "sandbox"}, tc.key); e != nil {
			t.Errorf("%s also in scope sandbox=%v", tc.key, !tc.sandbox)
		}
	}
}

func TestMarkDeleted(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		clk := &clock{t: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)}
		l := openDB(t, t.TempDir(), db, clk)
		ctx := t.Context()
		scope := Scope{Account: "acct"}
		publish := func(key, hash, post string) {
			t.Helper()
			c, err := l.Claim(ctx, req("acct", key, hash, 24*time.Hour))
			if err != nil || c.Action != Run {
				t.Fatalf("claim %s: %v %v", key, c.Action, err)
			}
			if err := l.Complete(ctx, c, post, json.RawMessage(`{"id":"`+post+`"}`)); err != nil {
				t.Fatal(err)
			}
		}
		publish("keyed", "h1", "p1")
		publish("", "h2", "p2")
		publish("other", "h3", "p3")

		tests := []struct {
			name   string
			post   string
			scope  Scope
			marked bool
		}{
			{"keyed entry", "p1", scope, true},
			{"content entry", "p2", scope, true},
			{"again", "p1", scope, false},
			{"unknown post", "p9", scope, false},
			{"another account's", "p3", Scope{Account: "b"}, false},
			{"sandbox is apart", "p3", Scope{Sandbox: true, Account: "acct"}, false},
		}
		for _, tc := range tests {
			got, err := l.MarkDeleted(ctx, tc.scope, tc.post)
			if err != nil || got != tc.marked {
				t.Errorf("%s: MarkDeleted = %v, %v; want %v", tc.name, got, err, tc.marked)
			}
		}
		// A deleted post's key and content run anew; the others still replay.
		for _, c := range []struct {
			key, hash string
			want      Action
		}{{"keyed", "h1", Run}, {"", "h2", Run}, {"other", "h3", Replay}} {
			cl, err := l.Claim(ctx, req("acct", c.key, c.hash, 24*time.Hour))
			if err != nil || cl.Action != c.want {
				t.Errorf("claim %q/%s after delete: %v %v, want %v", c.key, c.hash, cl.Action, err, c.want)
			}
		}
	})
}

// TestExactlyOnceAcrossHandles: claimants on several handles (processes, or
// replicas on PostgreSQL) publish one key concurrently, each running,
// waiting and claiming again as a publisher does: one publish happens and
// every claimant gets its result.
func TestExactlyOnceAcrossHandles(t *testing.T) {
	statetest.Run(t, func(t *testing.T, db string) {
		dir := t.TempDir()
		clk := &clock{t: time.Now()}
		var ls []*Ledger
		for range 4 {
			ls = append(ls, openDB(t, dir, db, clk))
		}
		var mu sync.Mutex
		posts := 0
		var wg sync.WaitGroup
		for i := range 64 {
			wg.Go(func() {
				l := ls[i%len(ls)]
				for {
					c, err := l.Claim(t.Context(), req("a", "k", "h", time.Hour))
					if err != nil {
						t.Error(err)
						return
					}
					switch c.Action {
					case Run:
						mu.Lock()
						posts++
						mu.Unlock()
						if err := l.SetContainer(t.Context(), c, "c1", nil); err != nil {
							t.Error(err)
						}
						if err := l.Complete(t.Context(), c, "p1", json.RawMessage(`{"id":"p1"}`)); err != nil {
							t.Error(err)
						}
						return
					case Replay:
						if string(c.Entry.Result) != `{"id":"p1"}` {
							t.Errorf("replayed %s", c.Entry.Result)
						}
						return
					case Wait:
						time.Sleep(time.Millisecond)
					default:
						t.Errorf("action %v", c.Action)
						return
					}
				}
			})
		}
		wg.Wait()
		if posts != 1 {
			t.Fatalf("%d publishes of one key, want 1", posts)
		}
	})
}
