package tools_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// TestKeyedThenUnkeyed: the identical-content check covers keyed publishes
// too: the same publish without a key replays the keyed one.
func TestKeyedThenUnkeyed(t *testing.T) {
	e := newEnv(t)
	const body = "keyed, then the same without a key"
	_, a := e.call(t, "publish_text", map[string]any{"text": body, "idempotency_key": "k-first"}, false)
	res, b := e.call(t, "publish_text", map[string]any{"text": body}, false)
	if res.IsError {
		t.Fatal(text(res))
	}
	if n := len(e.postsWithText(body)); n != 1 {
		t.Fatalf("%d posts, want exactly 1", n)
	}
	if b["id"] != a["id"] || b["replayed"] != true {
		t.Errorf("unkeyed call: id %v replayed %v, want the keyed post %v replayed", b["id"], b["replayed"], a["id"])
	}
	// A new key is a new post on purpose.
	_, c := e.call(t, "publish_text", map[string]any{"text": body, "idempotency_key": "k-second"}, false)
	if c["id"] == a["id"] || len(e.postsWithText(body)) != 2 {
		t.Errorf("a new key did not post again: %v", c)
	}
}

// TestSandboxAndLiveDoNotShareTheLedger: a live account stored under the
// name "sandbox" never replays what sandbox mode published, with the same
// state directory, key and content.
func TestSandboxAndLiveDoNotShareTheLedger(t *testing.T) {
	emu := newEmu(t)
	dir := t.TempDir()
	named := func(api tools.API) tools.Accounts {
		return &tools.SingleAccount{Account: tools.Account{Name: "sandbox", API: api}, Source: "stored"}
	}
	sandbox := newEnvWith(t, emu, emu.DemoToken(), envConfig{dir: dir, account: named})
	live := newEnvWith(t, emu, emu.DemoToken(), envConfig{dir: dir, account: named, deps: func(d *tools.Deps) { d.Sandbox = false }})
	for _, args := range []map[string]any{
		{"text": "same words, two modes", "idempotency_key": "k"},
		{"text": "same words, two modes, no key"},
	} {
		_, s := sandbox.call(t, "publish_text", args, false)
		res, l := live.call(t, "publish_text", args, false)
		if res.IsError {
			t.Fatal(text(res))
		}
		if l["replayed"] == true || l["id"] == s["id"] || l["sandbox"] == true {
			t.Errorf("live replayed the sandbox's post: sandbox %v, live %v", s, l)
		}
	}
	// Settings too.
	sandbox.call(t, "set_reply_control", map[string]any{"value": "mentioned_only"}, false)
	_, l := live.call(t, "publish_text", map[string]any{"text": "live default audience"}, false)
	if l["reply_control"] != "everyone" {
		t.Errorf("live inherited the sandbox's reply default: %v", l["reply_control"])
	}
}

// TestDatabaseReplacedWhileRunning: once the state database file is gone,
// publishing stops with a message that says so, and nothing is posted.
func TestDatabaseReplacedWhileRunning(t *testing.T) {
	emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel))
	t.Cleanup(emu.Close)
	e := newEnvWith(t, emu, emu.DemoToken())
	if res, _ := e.call(t, "publish_text", map[string]any{"text": "before"}, false); res.IsError {
		t.Fatal(text(res))
	}
	if err := os.Remove(filepath.Join(e.dir, state.FileName)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		emu.ResetRequests()
		res, _ := e.call(t, "publish_text", map[string]any{"text": "after the database vanished"}, false)
		if msg := text(res); !res.IsError || !strings.Contains(msg, "was deleted") || !strings.Contains(msg, "publishing is stopped") {
			t.Fatalf("publish after the database vanished: %s", msg)
		}
		for _, r := range emu.Requests() {
			if r.Method == "POST" {
				t.Errorf("a request reached Threads: %s %s", r.Method, r.Path)
			}
		}
	}
	if n := len(e.postsWithText("after the database vanished")); n != 0 {
		t.Errorf("%d posts", n)
	}
}
