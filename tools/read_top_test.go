package tools_test

import (
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// TestWhatWorkedThisWeek: "what worked best this week?" is one call on the
// seeded world, and its numbers add up.
func TestWhatWorkedThisWeek(t *testing.T) {
	e := newEnv(t)
	week := time.Now().Add(-7 * 24 * time.Hour)
	want, reposts := 0, 0
	for _, p := range e.emu.Posts(e.emu.DemoUserID()) {
		if p.ReplyToID != "" || p.Timestamp.Before(week) {
			continue
		}
		if p.MediaType == "REPOST_FACADE" {
			reposts++
		} else {
			want++
		}
	}
	for _, metric := range []string{"views", "likes", "replies", "engagement_rate"} {
		t.Run(metric, func(t *testing.T) {
			e.emu.ResetRequests()
			res, sc := e.call(t, "get_top_posts", map[string]any{"metric": metric, "limit": 50}, false)
			if res.IsError {
				t.Fatal(text(res))
			}
			posts := items(sc, "posts")
			if int(sc["considered"].(float64)) != want || len(posts) != want || int(sc["skipped"].(float64)) != reposts {
				t.Fatalf("considered %v, skipped %v, %d posts; want %d and %d reposts skipped", sc["considered"], sc["skipped"], len(posts), want, reposts)
			}
			var sumViews, sumInter float64
			last := -1.0
			for i, p := range posts {
				m := p["metrics"].(map[string]any)
				v := m[metric].(float64)
				if i > 0 && v > last {
					t.Errorf("rank %d has %s %v above rank %d's %v", i+1, metric, v, i, last)
				}
				last = v
				sumViews += m["views"].(float64)
				sumInter += m["interactions"].(float64)
				if views := m["views"].(float64); views > 0 {
					if rate := m["interactions"].(float64) / views; rate-m["engagement_rate"].(float64) > 1e-9 || m["engagement_rate"].(float64)-rate > 1e-9 {
						t.Errorf("engagement rate %v, want %v", m["engagement_rate"], rate)
					}
				}
			}
			tot := sc["totals"].(map[string]any)
			if tot["views"].(float64) != sumViews || tot["interactions"].(float64) != sumInter {
				t.Errorf("totals %v, want views %v interactions %v", tot, sumViews, sumInter)
			}
			if s := sc["summary"].(string); !strings.Contains(s, "Considered") || !strings.Contains(s, "Best:") {
				t.Errorf("summary: %s", s)
			}
			// Bounded calls: one list page, then at most one insights call per
			// post (none when cached by an earlier subtest).
			calls := int(sc["api_calls"].(float64))
			if calls < 1 || calls > 1+want || len(e.emu.Requests()) != calls {
				t.Errorf("api_calls %d, emulator saw %d requests, posts %d", calls, len(e.emu.Requests()), want)
			}
		})
	}
	// A second identical call reads the metrics from the cache.
	_, sc := e.call(t, "get_top_posts", map[string]any{}, false)
	if sc["api_calls"].(float64) != 1 {
		t.Errorf("cached call made %v requests", sc["api_calls"])
	}
}

func TestGetTopPostsArgs(t *testing.T) {
	e := newEnv(t)
	res, sc := e.call(t, "get_top_posts", map[string]any{"since": "14d", "max_posts": 3, "limit": 2}, false)
	if res.IsError {
		t.Fatal(text(res))
	}
	if sc["truncated"] != true || sc["considered"].(float64) > 3 || len(items(sc, "posts")) != 2 || !strings.Contains(sc["summary"].(string), "max_posts") {
		t.Errorf("max_posts 3: %v", sc)
	}
	bad := []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"metric": "clicks"}, "metric"},
		{map[string]any{"limit": 51}, "limit"},
		{map[string]any{"max_posts": 301}, "max_posts"},
		{map[string]any{"since": "soon"}, "since"},
	}
	for _, tc := range bad {
		e.emu.ResetRequests()
		res, _ := e.call(t, "get_top_posts", tc.args, false)
		if !res.IsError || !strings.Contains(text(res), tc.want) || len(e.emu.Requests()) != 0 {
			t.Errorf("%v: %s (%d requests)", tc.args, text(res), len(e.emu.Requests()))
		}
	}
}

// TestGetTopPostsMetaErrors: a post whose insights are gone is skipped; a
// refusal that concerns every post fails the call with Meta's advice.
func TestGetTopPostsMetaErrors(t *testing.T) {
	e := newEnv(t)
	e.emu.InjectError("GET", "/insights", emulator.ErrorSpec{HTTPStatus: 400, Code: 100, Subcode: 33, Type: "THApiException",
		Message: "Unsupported get request. Object does not exist"}, 1)
	res, sc := e.call(t, "get_top_posts", map[string]any{}, false)
	if res.IsError || sc["skipped"].(float64) < 2 { // one repost and the vanished post
		t.Errorf("vanished post: %s", text(res))
	}
	e2 := newEnv(t)
	e2.emu.InjectError("GET", "/insights", emulator.ErrorSpec{HTTPStatus: 500, Code: 10, Type: "THApiException",
		Message: "Application does not have permission for this action"}, 0)
	res, _ = e2.call(t, "get_top_posts", map[string]any{}, false)
	if !res.IsError || !strings.Contains(text(res), "threads_manage_insights") && !strings.Contains(text(res), "permission") {
		t.Errorf("permission: %s", text(res))
	}
}
