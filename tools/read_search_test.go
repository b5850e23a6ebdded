package tools_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

func TestSearchPosts(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name  string
		args  map[string]any
		check func(t *testing.T, posts []map[string]any)
	}{
		{"keyword", map[string]any{"query": "golang"}, func(t *testing.T, posts []map[string]any) {
			if len(posts) < 2 {
				t.Errorf("want results from other accounts: %v", posts)
			}
			for _, p := range posts {
				if p["username"] != emulator.DemoUsername && p["untrusted_content"] != true {
					t.Errorf("another account's post not marked untrusted: %v", p)
				}
				if !strings.Contains(strings.ToLower(p["text"].(string)), "golang") {
					t.Errorf("result without the keyword: %v", p)
				}
			}
		}},
		{"tag", map[string]any{"query": "#golang", "search_mode": "tag", "limit": 1}, func(t *testing.T, posts []map[string]any) {
			if len(posts) < 3 {
				t.Errorf("tag results: %v", posts)
			}
			for _, p := range posts {
				if p["topic_tag"] != "golang" {
					t.Errorf("result without the tag: %v", p)
				}
			}
		}},
		{"author", map[string]any{"query": "golang", "author_username": "@ada_builds"}, func(t *testing.T, posts []map[string]any) {
			if len(posts) == 0 {
				t.Error("no results")
			}
			for _, p := range posts {
				if p["username"] != "ada_builds" {
					t.Errorf("result by %v", p["username"])
				}
			}
		}},
		{"recent", map[string]any{"query": "mcp", "search_type": "recent", "limit": 2}, func(t *testing.T, posts []map[string]any) {
			for i := 1; i < len(posts); i++ {
				if posts[i]["timestamp"].(string) > posts[i-1]["timestamp"].(string) {
					t.Errorf("not newest first: %v", posts)
				}
			}
		}},
		{"media type", map[string]any{"query": "trail", "media_type": "image"}, func(t *testing.T, posts []map[string]any) {
			if len(posts) != 1 || posts[0]["media_type"] != "IMAGE" {
				t.Errorf("image results: %v", posts)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			posts := e.walk(t, "search_posts", tc.args, "posts")
			tc.check(t, posts)
		})
	}
	// One page reports the quota, the notice, and no own-posts-only flag.
	res, sc := e.call(t, "search_posts", map[string]any{"query": "golang"}, false)
	if res.IsError || sc["notice"] == nil || sc["own_posts_only"] != nil {
		t.Fatalf("search: %s", text(res))
	}
	q := sc["search_quota"].(map[string]any)
	used := q["used"].(float64)
	if q["limit"].(float64) != 2200 || used < 1 {
		t.Errorf("quota: %v", q)
	}
	_, sc = e.call(t, "search_posts", map[string]any{"query": "golang"}, false)
	if got := sc["search_quota"].(map[string]any)["used"].(float64); got != used+1 {
		t.Errorf("quota used %v after one more search, want %v", got, used+1)
	}
	// Pages of one equal one page of all.
	all := ids(items(sc, "posts"))
	if got := ids(e.walk(t, "search_posts", map[string]any{"query": "golang", "limit": 1}, "posts")); !slices.Equal(got, all) {
		t.Errorf("paged %v, one page %v", got, all)
	}
}

// TestSearchOwnPostsOnly: without App Review approval Meta searches only
// the account's own posts; the result says so and is not an error.
func TestSearchOwnPostsOnly(t *testing.T) {
	e := newEnv(t, emulator.WithConfig(emulator.Config{KeywordSearchOwnPostsOnly: true}))
	res, sc := e.call(t, "search_posts", map[string]any{"query": "golang", "search_mode": "tag"}, false)
	if res.IsError {
		t.Fatal(text(res))
	}
	if sc["own_posts_only"] != true || !strings.Contains(sc["note"].(string), "App Review") || len(items(sc, "posts")) == 0 {
		t.Errorf("own-only search: %v", sc)
	}
	// Asking for the account's own posts is not flagged.
	_, sc = e.call(t, "search_posts", map[string]any{"query": "golang", "search_mode": "tag", "author_username": emulator.DemoUsername}, false)
	if sc["own_posts_only"] != nil {
		t.Errorf("own author flagged: %v", sc)
	}
	_, sc = e.call(t, "search_posts", map[string]any{"query": "podcast"}, false)
	if len(items(sc, "posts")) != 0 || !strings.Contains(sc["note"].(string), "own posts") {
		t.Errorf("empty own-only search: %v", sc)
	}
}

func TestSearchPostsErrors(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		args map[string]any
		want []string
		sent bool
	}{
		{map[string]any{}, []string{"query"}, false},
		{map[string]any{"query": strings.Repeat("x", 101)}, []string{"query"}, false},
		{map[string]any{"query": "go", "search_mode": "fuzzy"}, []string{"search_mode"}, false},
		{map[string]any{"query": "go", "search_type": "best"}, []string{"search_type"}, false},
		{map[string]any{"query": "go", "media_type": "carousel"}, []string{"media_type"}, false},
		{map[string]any{"query": "go.lang", "search_mode": "tag"}, []string{"query"}, false},
		{map[string]any{"query": "go", "author_username": "not a name"}, []string{"author_username"}, false},
		{map[string]any{"query": "go", "limit": 500}, []string{"limit"}, false},
		{map[string]any{"query": "go", "since": "2023-01-01"}, []string{"since"}, false},
	}
	for _, tc := range tests {
		e.emu.ResetRequests()
		res, _ := e.call(t, "search_posts", tc.args, false)
		if !res.IsError {
			t.Errorf("%v: want isError, got %s", tc.args, text(res))
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(text(res), w) {
				t.Errorf("%v: message lacks %q: %s", tc.args, w, text(res))
			}
		}
		if n := len(e.emu.Requests()); !tc.sent && n != 0 {
			t.Errorf("%v: %d requests reached Threads", tc.args, n)
		}
	}
	// Meta's answers when the search quota is spent or the call rate limited.
	for _, spec := range []emulator.ErrorSpec{
		{HTTPStatus: 400, Code: 4, Type: "OAuthException", Message: "Application request limit reached"},
		{HTTPStatus: 400, Code: 9, Subcode: 2207042, Type: "OAuthException", Message: "You reached the maximum number of searches"},
	} {
		e.emu.InjectError("GET", "keyword_search", spec, 5)
		res, _ := e.call(t, "search_posts", map[string]any{"query": "golang"}, false)
		if !res.IsError || !strings.Contains(text(res), "Rate limited") {
			t.Errorf("code %d: %s", spec.Code, text(res))
		}
		e.emu.Reset()
	}
}

func TestListMentions(t *testing.T) {
	e := newEnv(t)
	all := e.walk(t, "list_mentions", map[string]any{"limit": 1}, "mentions")
	if len(all) < 4 {
		t.Fatalf("mentions: %v", all)
	}
	for i, m := range all {
		if m["untrusted_content"] != true || !strings.Contains(m["text"].(string), "@sandbox_demo") || m["username"] == "mira_private" {
			t.Errorf("mention %v", m)
		}
		if i > 0 && m["timestamp"].(string) > all[i-1]["timestamp"].(string) {
			t.Errorf("not newest first")
		}
	}
	_, sc := e.call(t, "list_mentions", map[string]any{"since": "7d"}, false)
	week := items(sc, "mentions")
	if len(week) == 0 || len(week) >= len(all) || sc["notice"] == nil {
		t.Errorf("this week's mentions: %v of %d", week, len(all))
	}
	res, _ := e.call(t, "list_mentions", map[string]any{"until": "7d", "since": "1d"}, false)
	if !res.IsError || !strings.Contains(text(res), "until") {
		t.Errorf("reversed window: %s", text(res))
	}
	e.emu.InjectError("GET", "mentions", emulator.ErrorSpec{HTTPStatus: 500, Code: 10, Type: "THApiException",
		Message: "Application does not have permission for this action"}, 1)
	res, _ = e.call(t, "list_mentions", map[string]any{}, false)
	if !res.IsError || !strings.Contains(text(res), "permission") {
		t.Errorf("permission: %s", text(res))
	}
}

func TestGetProfile(t *testing.T) {
	e := newEnv(t)
	res, sc := e.call(t, "get_profile", map[string]any{}, false)
	if res.IsError {
		t.Fatal(text(res))
	}
	if sc["own"] != true || sc["username"] != emulator.DemoUsername || sc["followers"] == nil || sc["eligible_for_geo_gating"] == nil || sc["untrusted_content"] != nil {
		t.Errorf("own profile: %v", sc)
	}
	_, sc = e.call(t, "get_profile", map[string]any{"username": "@" + emulator.DemoUsername}, false)
	if sc["own"] != true {
		t.Errorf("own username: %v", sc)
	}
	res, sc = e.call(t, "get_profile", map[string]any{"username": "quill_and_ink", "posts_limit": 2}, false)
	if res.IsError {
		t.Fatal(text(res))
	}
	posts := items(sc, "recent_posts")
	if sc["own"] != false || sc["is_verified"] != true || sc["followers"].(float64) != 15800 || sc["last_7_days"] == nil ||
		sc["untrusted_content"] != true || sc["notice"] == nil || len(posts) != 2 || posts[0]["untrusted_content"] != true {
		t.Errorf("public profile: %v", sc)
	}
	for _, u := range []string{"lin_makes", "mira_private", "nobody_here"} {
		res, _ := e.call(t, "get_profile", map[string]any{"username": u}, false)
		if !res.IsError || !strings.Contains(text(res), "no public profile @"+u) || !strings.Contains(text(res), "100 followers") {
			t.Errorf("%s: %s", u, text(res))
		}
	}
	res, _ = e.call(t, "get_profile", map[string]any{"username": "bad name"}, false)
	if !res.IsError || !strings.Contains(text(res), "username") {
		t.Errorf("bad username: %s", text(res))
	}
	// Before App Review only Meta's own profiles resolve.
	meta := newEnv(t, emulator.WithConfig(emulator.Config{ProfileDiscoveryMetaOnly: true}))
	if res, _ := meta.call(t, "get_profile", map[string]any{"username": "quill_and_ink"}, false); !res.IsError || !strings.Contains(text(res), "@meta") {
		t.Errorf("meta-only quill: %s", text(res))
	}
	if res, sc := meta.call(t, "get_profile", map[string]any{"username": "threads"}, false); res.IsError || sc["username"] != "threads" {
		t.Errorf("meta-only threads: %s", text(res))
	}
}
