package tools_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestRequestBudget states how many Graph API requests each tool makes (the
// round trips a user waits for; the README's performance section quotes
// this table), counted through the emulator. The quota read that guards
// publishing is cached for 30 s, so it is warmed first and counted apart.
func TestRequestBudget(t *testing.T) {
	e := newEnv(t)
	post := e.demoPost(t)
	// Warm the quota cache, and learn what a cold publish costs on top.
	e.emu.ResetRequests()
	if res, _ := e.call(t, "publish_text", map[string]any{"text": "warm the quota cache"}, false); res.IsError {
		t.Fatal(text(res))
	}
	if got := countPaths(e, "threads_publishing_limit"); got != 1 {
		t.Errorf("a cold publish read the quota %d times, want 1", got)
	}
	// That one reading covers replies too.
	images := func(n int) []any {
		items := make([]any, n)
		for i := range items {
			items[i] = map[string]any{"type": "image", "url": fmt.Sprintf("https://cdn.example.com/budget-%d.jpg", i)}
		}
		return items
	}
	tests := []struct {
		tool string
		args map[string]any
		// want is the exact number of requests, or the most when atMost.
		want   int
		atMost bool
		why    string
	}{
		{"publish_text", map[string]any{"text": "budget text"}, 3, false, "create, publish, permalink read"},
		{"reply", map[string]any{"reply_to_id": post, "text": "budget reply"}, 3, false, "create, publish, permalink read"},
		{"publish_carousel", map[string]any{"items": images(2)}, 2*2 + 2 + 2, true, "2 items + parent + publish + read, 2 status checks at most with instant processing"},
		{"publish_carousel", map[string]any{"items": images(20)}, 2*20 + 2 + 3, true, "20 items + parent + publish + read, polled as a group"},
		{"get_insights", map[string]any{"post_id": post}, 1, false, "one insights read"},
		{"list_replies", map[string]any{"post_id": post}, 1, false, "one page"},
		{"get_publishing_limit", map[string]any{}, 2, false, "posts and replies, then deletes apart (they need threads_delete, which a login may lack)"},
		{"set_reply_control", map[string]any{"value": "everyone"}, 0, false, "a local setting"},
		{"list_accounts", map[string]any{}, 0, false, "local state"},
	}
	for _, tc := range tests {
		t.Run(tc.tool, func(t *testing.T) {
			e.emu.ResetRequests()
			res, _ := e.call(t, tc.tool, tc.args, false)
			if res.IsError {
				t.Fatal(text(res))
			}
			reqs := e.emu.Requests()
			got := len(reqs)
			if got > tc.want || (!tc.atMost && got != tc.want) {
				var paths []string
				for _, r := range reqs {
					paths = append(paths, r.Method+" "+r.Path)
				}
				t.Errorf("%s made %d Graph requests, budget %d (%s):\n%s", tc.tool, got, tc.want, tc.why, strings.Join(paths, "\n"))
			}
		})
	}
}

func countPaths(e *env, suffix string) int {
	n := 0
	for _, r := range e.emu.Requests() {
		if strings.HasSuffix(r.Path, suffix) {
			n++
		}
	}
	return n
}
