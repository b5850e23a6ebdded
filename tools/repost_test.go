package tools_test

import (
	"strings"
	"testing"
)

func TestRepost(t *testing.T) {
	e := newEnv(t)
	post := e.demoPost(t)
	args := map[string]any{"post_id": post, "idempotency_key": "rp-1"}
	res, first := e.call(t, "repost", args, false)
	if res.IsError || first["post_id"] != post || first["repost_id"] == "" {
		t.Fatalf("repost: %s", text(res))
	}
	res, again := e.call(t, "repost", args, false)
	if res.IsError || again["repost_id"] != first["repost_id"] || again["replayed"] != true {
		t.Errorf("retry: %s", text(res))
	}
	n := 0
	for _, p := range e.emu.Posts(e.emu.DemoUserID()) {
		if p.RepostedID == post {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d reposts, want 1", n)
	}
	res, _ = e.call(t, "repost", map[string]any{"post_id": "999999999"}, false)
	if !res.IsError || !strings.Contains(text(res), "Fix: check the id") {
		t.Errorf("unknown post: %s", text(res))
	}
	res, _ = e.call(t, "repost", map[string]any{"post_id": "abc"}, false)
	if !res.IsError || !strings.Contains(text(res), "post_id") {
		t.Errorf("bad id: %s", text(res))
	}
}
