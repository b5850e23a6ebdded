package tools_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
)

// items returns the list under key of a structured result.
func items(sc map[string]any, key string) []map[string]any {
	raw, _ := sc[key].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, r := range raw {
		if m, ok := r.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// ids returns the "id" of every item.
func ids(list []map[string]any) []string {
	out := make([]string, len(list))
	for i, m := range list {
		out[i], _ = m["id"].(string)
	}
	return out
}

// walk calls tool page by page (following next_cursor) and returns every
// item under key, failing on a tool error or after 50 pages.
func (e *env) walk(t *testing.T, tool string, args map[string]any, key string) []map[string]any {
	t.Helper()
	var all []map[string]any
	a := map[string]any{}
	for k, v := range args {
		a[k] = v
	}
	for range 50 {
		res, sc := e.call(t, tool, a, false)
		if res.IsError {
			t.Fatalf("%s %v: %s", tool, a, text(res))
		}
		all = append(all, items(sc, key)...)
		next, _ := sc["next_cursor"].(string)
		if next == "" {
			return all
		}
		a["cursor"] = next
	}
	t.Fatalf("%s: more than 50 pages", tool)
	return nil
}

// ownPosts returns the demo account's posts as the emulator holds them,
// newest first, keeping those keep accepts.
func ownPosts(e *env, keep func(emulator.Post) bool) []string {
	var out []string
	posts := e.emu.Posts(e.emu.DemoUserID())
	for i := len(posts) - 1; i >= 0; i-- {
		if keep(posts[i]) {
			out = append(out, posts[i].ID)
		}
	}
	return out
}

func TestListPosts(t *testing.T) {
	e := newEnv(t)
	now := time.Now()
	topLevel := func(p emulator.Post) bool { return p.ReplyToID == "" && !p.IsGhost }
	within := func(from, to time.Duration) func(emulator.Post) bool {
		return func(p emulator.Post) bool {
			return topLevel(p) && !p.Timestamp.Before(now.Add(-from)) && !p.Timestamp.After(now.Add(-to))
		}
	}
	tests := []struct {
		name string
		args map[string]any
		want []string
	}{
		{"all, small pages", map[string]any{"limit": 3}, ownPosts(e, topLevel)},
		{"one page", map[string]any{"limit": 100}, ownPosts(e, topLevel)},
		{"relative since", map[string]any{"since": "7d", "limit": 4}, ownPosts(e, within(7*24*time.Hour, 0))},
		{"relative window", map[string]any{"since": "7d", "until": "2d"}, ownPosts(e, within(7*24*time.Hour, 48*time.Hour))},
		{"dates", map[string]any{"since": now.Add(-228 * time.Hour).UTC().Format(time.RFC3339), "until": now.Add(-time.Hour).UTC().Format(time.RFC3339)},
			ownPosts(e, within(228*time.Hour, time.Hour))},
		{"with replies", map[string]any{"include_replies": true, "limit": 4}, ownPosts(e, func(p emulator.Post) bool { return !p.IsGhost })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(e.walk(t, "list_posts", tc.args, "posts"))
			if len(tc.want) == 0 {
				t.Fatal("the demo world has no posts for this case")
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ids\n got %v\nwant %v", got, tc.want)
			}
		})
	}

	// The items carry what the issue asks for.
	all := e.walk(t, "list_posts", map[string]any{"limit": 100}, "posts")
	var sawCarousel, sawRepost, sawQuote, sawAudience bool
	for _, p := range all {
		for _, k := range []string{"id", "permalink", "shortcode", "media_type", "timestamp"} {
			if p[k] == nil || p[k] == "" {
				if !(k == "permalink" && p["media_type"] == "REPOST_FACADE") {
					t.Errorf("item lacks %s: %v", k, p)
				}
			}
		}
		if p["untrusted_content"] == true {
			t.Errorf("own post marked untrusted: %v", p)
		}
		switch {
		case p["media_type"] == "CAROUSEL_ALBUM":
			sawCarousel = len(p["children"].([]any)) == 3
		case p["media_type"] == "REPOST_FACADE":
			sawRepost = p["reposted_post_id"] != nil
		case p["quoted_post_id"] != nil:
			sawQuote = p["is_quote_post"] == true
		}
		if p["reply_audience"] == "MENTIONED_ONLY" {
			sawAudience = true
		}
	}
	if !sawCarousel || !sawRepost || !sawQuote || !sawAudience {
		t.Errorf("carousel %v, repost %v, quote %v, reply audience %v", sawCarousel, sawRepost, sawQuote, sawAudience)
	}
}

func TestListPostsTruncatesText(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("word ", 95) + "end" // 478 characters
	res, sc := e.call(t, "publish_text", map[string]any{"text": long}, false)
	if res.IsError {
		t.Fatal(text(res))
	}
	id := sc["id"].(string)
	_, sc = e.call(t, "list_posts", map[string]any{"limit": 1}, false)
	p := items(sc, "posts")[0]
	if p["id"] != id || p["text_truncated"] != true || len([]rune(p["text"].(string))) > 281 {
		t.Errorf("newest item: %v", p)
	}
	_, sc = e.call(t, "get_post", map[string]any{"post": id}, false)
	if post := sc["post"].(map[string]any); post["text"] != long || post["text_truncated"] == true {
		t.Errorf("get_post text: %v", post)
	}
}

func TestListPostsBadInput(t *testing.T) {
	e := newEnv(t)
	_, first := e.call(t, "list_posts", map[string]any{"limit": 2}, false)
	listCursor := first["next_cursor"].(string)
	_, rep := e.call(t, "list_replies", map[string]any{"post_id": helloPost(t, e), "limit": 1, "scope": "conversation"}, false)
	replyCursor, _ := rep["next_cursor"].(string)
	if replyCursor == "" {
		t.Fatal("list_replies gave no cursor")
	}
	for _, c := range []string{listCursor, replyCursor} {
		if b, _ := json.Marshal(c); strings.Contains(string(b), sentinel) {
			t.Fatalf("cursor holds a token: %s", c)
		}
	}
	tests := []struct {
		name string
		args map[string]any
		want []string
		sent bool // whether anything may reach Threads
	}{
		{"limit high", map[string]any{"limit": 101}, []string{"limit"}, false},
		{"limit negative", map[string]any{"limit": -1}, []string{"limit"}, false},
		{"since garbage", map[string]any{"since": "yesterday-ish"}, []string{"since", "relative"}, false},
		{"since too early", map[string]any{"since": "2020-01-01"}, []string{"since", "too early"}, false},
		{"since in future", map[string]any{"since": "2099-01-01"}, []string{"since", "future"}, false},
		{"until before since", map[string]any{"since": "2d", "until": "7d"}, []string{"until", "not after since"}, false},
		{"unknown argument", map[string]any{"sort": "top"}, []string{"sort"}, false},
		{"garbage cursor", map[string]any{"cursor": "not-a-cursor"}, []string{"cursor", "not a cursor of this server"}, false},
		{"cursor of another tool", map[string]any{"cursor": replyCursor}, []string{"cursor", "list_replies"}, false},
		{"cursor of other arguments", map[string]any{"cursor": listCursor, "include_replies": true}, []string{"cursor", "other arguments"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.emu.ResetRequests()
			res, _ := e.call(t, "list_posts", tc.args, false)
			if !res.IsError {
				t.Fatalf("want isError, got %s", text(res))
			}
			for _, w := range tc.want {
				if !strings.Contains(text(res), w) {
					t.Errorf("message lacks %q: %s", w, text(res))
				}
			}
			if n := len(e.emu.Requests()); !tc.sent && n != 0 {
				t.Errorf("%d requests reached Threads", n)
			}
		})
	}
}

// TestListPostsMetaErrors: Meta's error shapes on the lists come back as
// actionable tool errors.
func TestListPostsMetaErrors(t *testing.T) {
	tests := []struct {
		name string
		spec emulator.ErrorSpec
		want []string
	}{
		{"stale cursor", emulator.ErrorSpec{HTTPStatus: 400, Code: 100, Type: "THApiException", Message: "Invalid cursor"}, []string{"cursor", "stale", "omit cursor"}},
		{"rate limited", emulator.ErrorSpec{HTTPStatus: 400, Code: 4, Type: "OAuthException", Message: "Application request limit reached"}, []string{"Rate limited", "retry"}},
		{"permission", emulator.ErrorSpec{HTTPStatus: 500, Code: 10, Type: "THApiException", Message: "Application does not have permission for this action"}, []string{"permission"}},
		{"token", emulator.ErrorSpec{HTTPStatus: 400, Code: 190, Type: "OAuthException", Message: "Error validating access token: Session has expired"}, []string{"auth login"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			_, first := e.call(t, "list_posts", map[string]any{"limit": 2}, false)
			e.emu.InjectError("GET", "/threads", tc.spec, 10)
			res, _ := e.call(t, "list_posts", map[string]any{"limit": 2, "cursor": first["next_cursor"]}, false)
			if !res.IsError {
				t.Fatalf("want isError, got %s", text(res))
			}
			for _, w := range tc.want {
				if !strings.Contains(text(res), w) {
					t.Errorf("message lacks %q: %s", w, text(res))
				}
			}
		})
	}
}

func TestGetPostResolvesLinks(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	own, _, err := e.api.ListThreads(ctx, threads.ListOptions{Fields: []string{"id", "shortcode", "permalink", "media_type"}, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var mine threads.Media
	for _, m := range own.Data {
		if m.MediaType == threads.MediaTypeCarouselAlbum {
			mine = m
		}
	}
	replies, _, err := e.api.UserReplies(ctx, threads.ListOptions{Fields: []string{"id", "shortcode", "permalink"}, Limit: 1})
	if err != nil || len(replies.Data) == 0 {
		t.Fatal(err)
	}
	myReply := replies.Data[0]
	// A public post of another account: @quill_and_ink's writing tip.
	quill := threads.NewClient(threads.WithBaseURL(e.emu.BaseURL()),
		threads.WithToken(e.emu.IssueToken(e.emu.UserIDByUsername("quill_and_ink"), emulator.DefaultScopes, time.Hour)))
	theirs, _, err := quill.ListThreads(ctx, threads.ListOptions{Fields: []string{"id", "shortcode", "text"}, Limit: 100})
	if err != nil || len(theirs.Data) == 0 {
		t.Fatal(err)
	}
	var tip threads.Media
	for _, m := range theirs.Data {
		if strings.Contains(m.Text, "Writing tip") {
			tip = m
		}
	}
	code := mine.Shortcode
	tests := []struct {
		name, post, hint string
		wantID, wantBy   string
	}{
		{"numeric id", mine.ID, "", mine.ID, "id"},
		{"permalink", mine.Permalink, "", mine.ID, "own_posts"},
		{"threads.net", "https://www.threads.net/@sandbox_demo/post/" + code, "", mine.ID, "own_posts"},
		{"no www, query, trailing slash", "threads.com/@sandbox_demo/post/" + code + "/?xmt=AQGz&slof=1", "", mine.ID, "own_posts"},
		{"http and fragment", "http://threads.net/@sandbox_demo/post/" + code + "#top", "", mine.ID, "own_posts"},
		{"short form", "https://www.threads.net/t/" + code, "", mine.ID, "own_posts"},
		{"media suffix", "https://www.threads.com/@sandbox_demo/post/" + code + "/media", "", mine.ID, "own_posts"},
		{"at form", "@sandbox_demo/post/" + code, "", mine.ID, "own_posts"},
		{"bare shortcode", code, "", mine.ID, "own_posts"},
		{"own reply", myReply.Permalink, "", myReply.ID, "own_replies"},
		{"another author, public profile", "https://www.threads.com/@quill_and_ink/post/" + tip.Shortcode, "", tip.ID, "profile_posts"},
		{"another author by search", "https://www.threads.com/t/" + tip.Shortcode, "cut every sentence", tip.ID, "keyword_search"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, sc := e.call(t, "get_post", map[string]any{"post": tc.post, "search_hint": tc.hint}, false)
			if res.IsError {
				t.Fatal(text(res))
			}
			p := sc["post"].(map[string]any)
			if p["id"] != tc.wantID || sc["resolved_by"] != tc.wantBy {
				t.Errorf("got %v by %v, want %s by %s", p["id"], sc["resolved_by"], tc.wantID, tc.wantBy)
			}
		})
	}
}

func TestGetPostFields(t *testing.T) {
	e := newEnv(t)
	var quote, carousel, hidden, repost string
	for _, p := range e.emu.Posts(e.emu.DemoUserID()) {
		switch {
		case p.QuotePostID != "":
			quote = p.ID
		case p.MediaType == "CAROUSEL_ALBUM":
			carousel = p.ID
		case p.MediaType == "REPOST_FACADE":
			repost = p.ID
		}
	}
	for _, u := range []string{"lin_makes"} {
		for _, p := range e.emu.Posts(e.emu.UserIDByUsername(u)) {
			if p.HideStatus == "HIDDEN" {
				hidden = p.ID
			}
		}
	}
	res, sc := e.call(t, "get_post", map[string]any{"post": quote, "with_insights": true}, false)
	if res.IsError {
		t.Fatal(text(res))
	}
	p := sc["post"].(map[string]any)
	q, _ := p["quoted_post"].(map[string]any)
	if q == nil || q["username"] != "quill_and_ink" || q["untrusted_content"] != true || sc["notice"] == nil {
		t.Errorf("quoted post: %v (notice %v)", q, sc["notice"])
	}
	if len(items(sc, "insights")) == 0 {
		t.Errorf("no insights: %v", sc)
	}
	_, sc = e.call(t, "get_post", map[string]any{"post": carousel}, false)
	if ch, _ := sc["post"].(map[string]any)["children"].([]any); len(ch) != 3 {
		t.Errorf("carousel children: %v", sc["post"])
	}
	_, sc = e.call(t, "get_post", map[string]any{"post": hidden}, false)
	if p := sc["post"].(map[string]any); p["hide_status"] != "HIDDEN" || p["root_post"] == nil || p["replied_to"] == nil || p["untrusted_content"] != true {
		t.Errorf("hidden reply: %v", p)
	}
	_, sc = e.call(t, "get_post", map[string]any{"post": repost}, false)
	if r, _ := sc["post"].(map[string]any)["reposted_post"].(map[string]any); r == nil || r["text"] == nil {
		t.Errorf("repost: %v", sc["post"])
	}
}

func TestGetPostErrors(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		args map[string]any
		want []string
		sent bool
	}{
		{"missing", map[string]any{}, []string{"post"}, false},
		{"profile link", map[string]any{"post": "https://www.threads.com/@sandbox_demo"}, []string{"post", "profile link"}, false},
		{"other host", map[string]any{"post": "https://www.instagram.com/p/ABC123/"}, []string{"post", "neither threads.com nor threads.net"}, false},
		{"bad shortcode", map[string]any{"post": "https://www.threads.com/@x/post/ab$cd"}, []string{"post"}, false},
		{"long id", map[string]any{"post": strings.Repeat("1", 31)}, []string{"post", "digits"}, false},
		{"unknown id", map[string]any{"post": "123456789"}, []string{"check the id"}, true},
		{"unknown shortcode", map[string]any{"post": "https://www.threads.com/@sandbox_demo/post/ZZZnotthere"}, []string{"could not find", "search_hint", "numeric id"}, true},
		{"private author", map[string]any{"post": "https://www.threads.com/@mira_private/post/ZZZnotthere"}, []string{"could not find", "mira_private", "profile could not be read"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.emu.ResetRequests()
			res, _ := e.call(t, "get_post", tc.args, false)
			if !res.IsError {
				t.Fatalf("want isError, got %s", text(res))
			}
			for _, w := range tc.want {
				if !strings.Contains(text(res), w) {
					t.Errorf("message lacks %q: %s", w, text(res))
				}
			}
			if n := len(e.emu.Requests()); !tc.sent && n != 0 {
				t.Errorf("%d requests reached Threads", n)
			}
		})
	}
}

// TestReadScopesCheckedFirst: when the account's scopes are known, a tool
// needing one the account lacks is refused before any request, naming the
// scope and the command that adds it.
func TestReadScopesCheckedFirst(t *testing.T) {
	emu := newEmu(t)
	work := func(api tools.API) tools.Accounts {
		return &tools.SingleAccount{Account: tools.Account{Name: "work", Username: emulator.DemoUsername, API: api,
			Scopes: []string{"threads_basic", "threads_content_publish"}}, Source: "stored"}
	}
	e := newEnvWith(t, emu, emu.DemoToken(), envConfig{account: work})
	tests := []struct {
		tool  string
		args  map[string]any
		scope string
	}{
		{"list_replies", map[string]any{"post_id": "1"}, "threads_read_replies"},
		{"get_top_posts", map[string]any{}, "threads_manage_insights"},
		{"list_mentions", map[string]any{}, "threads_manage_mentions"},
		{"search_posts", map[string]any{"query": "golang"}, "threads_keyword_search"},
		{"get_profile", map[string]any{"username": "quill_and_ink"}, "threads_profile_discovery"},
		{"hide_reply", map[string]any{"reply_id": "1"}, "threads_manage_replies"},
		{"unhide_reply", map[string]any{"reply_id": "1"}, "threads_manage_replies"},
		{"approve_reply", map[string]any{"reply_id": "1"}, "threads_manage_replies"},
		{"ignore_reply", map[string]any{"reply_id": "1"}, "threads_manage_replies"},
		{"list_pending_replies", map[string]any{"post_id": "1"}, "threads_read_replies"},
	}
	for _, tc := range tests {
		t.Run(tc.tool, func(t *testing.T) {
			emu.ResetRequests()
			res, _ := e.call(t, tc.tool, tc.args, false)
			want := fmt.Sprintf("threads-mcp auth login --account 'work' --add-scopes %s", tc.scope)
			if !res.IsError || !strings.Contains(text(res), want) {
				t.Errorf("want an error naming %q, got %s", want, text(res))
			}
			if n := len(emu.Requests()); n != 0 {
				t.Errorf("%d requests reached Threads", n)
			}
		})
	}
	// An optional part needing a missing scope is left out with the advice;
	// the rest of the answer comes.
	emu.ResetRequests()
	res, sc := e.call(t, "get_post", map[string]any{"post": e.demoPost(t), "with_insights": true}, false)
	if res.IsError || !strings.Contains(sc["note"].(string), "--add-scopes threads_manage_insights") {
		t.Errorf("get_post with_insights: %s", text(res))
	}
	for _, r := range emu.Requests() {
		if strings.Contains(r.Path, "insights") || strings.Contains(r.Query.Get("fields"), "hide_status") {
			t.Errorf("asked %s %s despite the missing scope", r.Path, r.Query.Get("fields"))
		}
	}
}

// helloPost is the demo account's first post, with four replies at three depths.
func helloPost(t *testing.T, e *env) string {
	t.Helper()
	for _, p := range e.emu.Posts(e.emu.DemoUserID()) {
		if strings.HasPrefix(p.Text, "Hello, Threads!") {
			return p.ID
		}
	}
	t.Fatal("no hello post in the demo world")
	return ""
}

// TestCursorOfAnotherAccount: a cursor made for one account is refused for
// another, before anything is sent.
func TestCursorOfAnotherAccount(t *testing.T) {
	emu := newEmu(t)
	named := func(name string) func(tools.API) tools.Accounts {
		return func(api tools.API) tools.Accounts {
			return &tools.SingleAccount{Account: tools.Account{Name: name, Username: emulator.DemoUsername, API: api}, Source: "stored"}
		}
	}
	a := newEnvWith(t, emu, emu.DemoToken(), envConfig{account: named("work")})
	b := newEnvWith(t, emu, emu.DemoToken(), envConfig{account: named("home")})
	_, sc := a.call(t, "list_posts", map[string]any{"limit": 1}, false)
	emu.ResetRequests()
	res, _ := b.call(t, "list_posts", map[string]any{"limit": 1, "cursor": sc["next_cursor"]}, false)
	if !res.IsError || !strings.Contains(text(res), "another account") || len(emu.Requests()) != 0 {
		t.Errorf("foreign cursor: %s", text(res))
	}
	if res, _ := a.call(t, "list_posts", map[string]any{"limit": 1, "cursor": sc["next_cursor"]}, false); res.IsError {
		t.Errorf("own cursor: %s", text(res))
	}
}
