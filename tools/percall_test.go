package tools_test

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/threads-mcp/threads-mcp/tools"
)

// records keeps log records at or above a level.
type records struct {
	mu    sync.Mutex
	level slog.Level
	got   []slog.Record
}

func (r *records) Enabled(_ context.Context, l slog.Level) bool { return l >= r.level }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	r.got = append(r.got, rec)
	r.mu.Unlock()
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

func (r *records) take() []slog.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.got
	r.got = nil
	return out
}

// countingSettings counts reads of the settings store.
type countingSettings struct {
	tools.Settings
	reads atomic.Int32
}

func (c *countingSettings) Setting(ctx context.Context, account, key string) (string, bool, error) {
	c.reads.Add(1)
	return c.Settings.Setting(ctx, account, key)
}

// TestOneInfoLinePerCall: a tool call writes exactly one info line (tool,
// outcome, duration); mcp-go's own request lines are demoted to debug.
func TestOneInfoLinePerCall(t *testing.T) {
	emu := newEmu(t)
	logs := &records{level: slog.LevelInfo}
	e := newEnvWith(t, emu, emu.DemoToken(), envConfig{deps: func(d *tools.Deps) { d.Logger = slog.New(logs) }})
	logs.take()
	for _, tc := range []struct {
		tool    string
		args    map[string]any
		outcome string
	}{
		{"get_publishing_limit", map[string]any{}, "ok"},
		{"publish_text", map[string]any{"text": "logged once"}, "ok"},
		{"publish_text", map[string]any{"text": "logged once"}, "replayed"},
		{"publish_text", map[string]any{}, "invalid"},
	} {
		e.call(t, tc.tool, tc.args, false)
		got := logs.take()
		if len(got) != 1 {
			var msgs []string
			for _, r := range got {
				msgs = append(msgs, r.Message)
			}
			t.Fatalf("%s: %d info lines %q, want 1", tc.tool, len(got), msgs)
		}
		attrs := map[string]string{}
		got[0].Attrs(func(a slog.Attr) bool { attrs[a.Key] = a.Value.String(); return true })
		if attrs["tool"] != tc.tool || attrs["outcome"] != tc.outcome || attrs["took"] == "" {
			t.Errorf("%s: line %q %v", tc.tool, got[0].Message, attrs)
		}
	}
}

// TestDefaultReplyControlIsCached: publishing does not read the default
// reply audience from the database every time, and a change through
// set_reply_control is seen at once.
func TestDefaultReplyControlIsCached(t *testing.T) {
	emu := newEmu(t)
	var cs *countingSettings
	e := newEnvWith(t, emu, emu.DemoToken(), envConfig{deps: func(d *tools.Deps) {
		cs = &countingSettings{Settings: d.Settings}
		d.Settings = cs
	}})
	for i := range 3 {
		if res, _ := e.call(t, "publish_text", map[string]any{"text": "cached default " + string(rune('a'+i))}, false); res.IsError {
			t.Fatal(text(res))
		}
	}
	if n := cs.reads.Load(); n != 1 {
		t.Errorf("%d settings reads for 3 publishes, want 1", n)
	}
	e.call(t, "set_reply_control", map[string]any{"value": "mentioned_only"}, false)
	_, sc := e.call(t, "publish_text", map[string]any{"text": "after the change"}, false)
	if sc["reply_control"] != "mentioned_only" {
		t.Errorf("the change was not seen: %v", sc["reply_control"])
	}
}

// BenchmarkNewServer measures building a server: tool schemas and
// validators are built once per process, not per server.
func BenchmarkNewServer(b *testing.B) {
	tools.Tools() // the one-time build
	for b.Loop() {
		tools.NewServer(tools.Deps{}, "bench")
	}
}
