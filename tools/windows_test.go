package tools_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/ledger"
)

// fakeClock is a settable clock for the ledger.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) set(d time.Duration, from time.Time) {
	c.mu.Lock()
	c.t = from.Add(d)
	c.mu.Unlock()
}

// TestReplayWindows pins the lengths of the two replay windows with a fake
// clock: identical content replays for 10 minutes, a key for 24 hours.
func TestReplayWindows(t *testing.T) {
	start := time.Now()
	tests := []struct {
		name     string
		args     map[string]any
		after    time.Duration
		replayed bool
	}{
		{"identical at +9m50s", map[string]any{"text": "window a"}, 9*time.Minute + 50*time.Second, true},
		{"identical at +10m10s", map[string]any{"text": "window b"}, 10*time.Minute + 10*time.Second, false},
		{"keyed at +23h50m", map[string]any{"text": "window c", "idempotency_key": "kc"}, 23*time.Hour + 50*time.Minute, true},
		{"keyed at +24h10m", map[string]any{"text": "window d", "idempotency_key": "kd"}, 24*time.Hour + 10*time.Minute, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := &fakeClock{t: start}
			emu := newEmu(t)
			e := newEnvWith(t, emu, emu.DemoToken(), envConfig{ledgerOpts: []ledger.Option{ledger.WithClock(clk.now)}})
			_, a := e.call(t, "publish_text", tc.args, false)
			clk.set(tc.after, start)
			res, b := e.call(t, "publish_text", tc.args, false)
			if res.IsError {
				t.Fatal(text(res))
			}
			posts := len(e.postsWithText(tc.args["text"].(string)))
			if tc.replayed {
				if b["replayed"] != true || b["id"] != a["id"] || posts != 1 {
					t.Errorf("want a replay of %v: got %v (replayed %v), %d posts", a["id"], b["id"], b["replayed"], posts)
				}
			} else if b["replayed"] == true || b["id"] == a["id"] || posts != 2 {
				t.Errorf("want a new post: got %v (replayed %v), %d posts", b["id"], b["replayed"], posts)
			}
		})
	}
	if tools.DuplicateWindow != 10*time.Minute || tools.KeyTTL != 24*time.Hour {
		t.Errorf("windows are %s and %s; the descriptions promise 10 minutes and 24 h", tools.DuplicateWindow, tools.KeyTTL)
	}
}

// TestOutcomeUnknownIsResumed: the post went live but the caller got an
// error: the key is released for resume (never marked failed), and the
// retry returns that post; exactly one exists.
func TestOutcomeUnknownIsResumed(t *testing.T) {
	emu := newEmu(t)
	var once sync.Once
	hook := &hookAPI{after: func(res *threads.PublishResult, err error) (*threads.PublishResult, error) {
		lost := false
		once.Do(func() { lost = err == nil })
		if lost {
			return nil, errors.New("threads: publishing container: read tcp: connection reset by peer")
		}
		return res, err
	}}
	e := newEnvWith(t, emu, emu.DemoToken(), envConfig{wrap: func(api tools.API) tools.API { hook.API = api; return hook }})
	const body = "published, but the caller heard an error"
	args := map[string]any{"text": body, "idempotency_key": "k-unknown"}
	res, _ := e.call(t, "publish_text", args, false)
	if msg := text(res); !res.IsError || !strings.Contains(msg, "outcome is unknown") || !strings.Contains(msg, "same idempotency_key") {
		t.Fatalf("first call: want an outcome-unknown error naming the fix, got %s", msg)
	}
	if n := len(e.postsWithText(body)); n != 1 {
		t.Fatalf("%d posts after the first call, want 1 (it went live)", n)
	}
	entry, err := e.led.Get(t.Context(), ledger.Scope{Sandbox: true}, "k-unknown")
	if err != nil || entry == nil {
		t.Fatalf("ledger entry: %v %v", entry, err)
	}
	if entry.State == ledger.StateFailed || entry.ContainerID == "" {
		t.Fatalf("an unknown outcome was recorded as %s (container %q), want it kept for resume", entry.State, entry.ContainerID)
	}
	res, sc := e.call(t, "publish_text", args, false)
	if res.IsError {
		t.Fatal(text(res))
	}
	posts := e.postsWithText(body)
	if len(posts) != 1 || sc["id"] != posts[0].ID {
		t.Fatalf("%d posts after the retry, result %v; want exactly 1 and its id", len(posts), sc["id"])
	}
}

// TestPublishLongerThanTheLease: a publish that outlasts the ledger lease
// keeps its claim (the heartbeat), so an identical retry meanwhile waits and
// gets the same post instead of taking over and posting again.
func TestPublishLongerThanTheLease(t *testing.T) {
	emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel),
		emulator.WithProcessingDelay(2500*time.Millisecond, 2500*time.Millisecond))
	t.Cleanup(emu.Close)
	e := newEnvWith(t, emu, emu.DemoToken(), envConfig{ledgerOpts: []ledger.Option{ledger.WithLease(500 * time.Millisecond)}})
	const body = "slower than the lease"
	args := map[string]any{"text": body, "idempotency_key": "k-slow", "items": []any{
		map[string]any{"type": "image", "url": "https://cdn.example.com/slow1.jpg"},
		map[string]any{"type": "image", "url": "https://cdn.example.com/slow2.jpg"},
	}}
	var wg sync.WaitGroup
	results := make([]map[string]any, 2)
	for i := range 2 {
		wg.Go(func() {
			time.Sleep(time.Duration(i) * 1200 * time.Millisecond) // the second starts after the lease ran out
			res, sc := e.callNoFatal("publish_carousel", args)
			if res == nil || res.IsError {
				t.Errorf("call %d failed: %v", i, res)
			}
			results[i] = sc
		})
	}
	wg.Wait()
	posts := e.postsWithText(body)
	if len(posts) != 1 {
		t.Fatalf("%d carousels posted, want exactly 1", len(posts))
	}
	for i, r := range results {
		if r["id"] != posts[0].ID {
			t.Errorf("call %d returned %v, the post is %s", i, r["id"], posts[0].ID)
		}
	}
}
