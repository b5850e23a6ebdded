package tools_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/ledger"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// sentinel prefixes every token the emulator issues here; no tool result
// may ever contain it.
const sentinel = "SENTINELTOKEN"

var update = flag.Bool("update", false, "rewrite golden tool snapshots and the README tool reference")

// env is one test's world: the emulator, the state store and an in-process
// MCP client talking to the server built by tools.NewServer.
type env struct {
	emu    *emulator.Server
	store  *state.Store
	client *client.Client
	notes  chan mcp.JSONRPCNotification
	api    *threads.Client
	led    *ledger.Ledger
	dir    string
}

func newEnv(t *testing.T, opts ...emulator.Option) *env {
	t.Helper()
	emu := emulator.NewServer(append([]emulator.Option{emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel)}, opts...)...)
	t.Cleanup(emu.Close)
	return newEnvWith(t, emu, emu.DemoToken())
}

// envConfig changes how newEnvWith builds a test's world.
type envConfig struct {
	dir        string                             // state directory; default a temp dir
	stateOpts  []state.Option                     // options of state.Open
	ledgerOpts []ledger.Option                    // options of ledger.Open
	wrap       func(tools.API) tools.API          // wraps the Threads client
	deps       func(*tools.Deps)                  // last changes to the dependencies
	account    func(api tools.API) tools.Accounts // default: the unnamed environment account
}

func newEnvWith(t *testing.T, emu *emulator.Server, token string, cfgs ...envConfig) *env {
	t.Helper()
	var cfg envConfig
	if len(cfgs) > 0 {
		cfg = cfgs[0]
	}
	if cfg.dir == "" {
		cfg.dir = t.TempDir()
	}
	st, err := state.Open(t.Context(), cfg.dir, cfg.stateOpts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	api := threads.NewClient(threads.WithBaseURL(emu.BaseURL()), threads.WithToken(token),
		threads.WithPollPolicy(threads.PollPolicy{Initial: 20 * time.Millisecond, Max: 100 * time.Millisecond, Multiplier: 1.5, Deadline: 20 * time.Second, VideoDeadline: 20 * time.Second}),
		threads.WithRetryPolicy(threads.RetryPolicy{MaxAttempts: 4, Base: 10 * time.Millisecond, Max: 200 * time.Millisecond, NotReadyAttempts: 3}))
	led, err := ledger.Open(t.Context(), st, cfg.ledgerOpts...)
	if err != nil {
		t.Fatal(err)
	}
	var toolsAPI tools.API = api
	if cfg.wrap != nil {
		toolsAPI = cfg.wrap(api)
	}
	var accts tools.Accounts = &tools.SingleAccount{Account: tools.Account{Name: "", API: toolsAPI}, Source: "environment"}
	if cfg.account != nil {
		accts = cfg.account(toolsAPI)
	}
	deps := tools.Deps{
		Accounts: accts,
		Settings: st,
		Sandbox:  true,
		Ledger:   led,
	}
	if cfg.deps != nil {
		cfg.deps(&deps)
	}
	srv := tools.NewServer(deps, "test")
	c, err := client.NewInProcessClient(srv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	notes := make(chan mcp.JSONRPCNotification, 256)
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		select {
		case notes <- n:
		default:
		}
	})
	ctx := t.Context()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "tools-test", Version: "0"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	return &env{emu: emu, store: st, client: c, notes: notes, api: api, led: led, dir: cfg.dir}
}

// call calls a tool and returns its result and structured content.
func (e *env) call(t *testing.T, name string, args map[string]any, progress bool) (*mcp.CallToolResult, map[string]any) {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	if progress {
		req.Params.Meta = &mcp.Meta{ProgressToken: "p-" + name}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	res, err := e.client.CallTool(ctx, req)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if b, _ := json.Marshal(res); strings.Contains(string(b), sentinel) {
		t.Errorf("%s: a token leaked into the result: %s", name, b)
	}
	return res, structuredMap(res)
}

// structuredMap returns a result's structured content as a map.
func structuredMap(res *mcp.CallToolResult) map[string]any {
	var sc map[string]any
	if res.StructuredContent != nil {
		b, _ := json.Marshal(res.StructuredContent)
		_ = json.Unmarshal(b, &sc)
	}
	return sc
}

func text(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// demoPost returns the id of one of the demo account's own posts.
func (e *env) demoPost(t *testing.T) string {
	t.Helper()
	posts := e.emu.Posts(e.emu.DemoUserID())
	for _, p := range posts {
		if p.ReplyToID == "" {
			return p.ID
		}
	}
	t.Fatal("demo world has no top-level post")
	return ""
}

func TestToolsSucceed(t *testing.T) {
	e := newEnv(t)
	post := e.demoPost(t)
	tests := []struct {
		name string
		tool string
		args map[string]any
		want []string // keys that must be present and non-empty
	}{
		{"text", "publish_text", map[string]any{"text": "Hello from the tools test #golang"}, []string{"id", "permalink", "published_at", "reply_control"}},
		{"text with everything", "publish_text", map[string]any{"text": "Link https://example.com/a", "topic_tag": "GoLang", "link_attachment": "https://example.com/b", "reply_control": "mentioned_only"}, []string{"id", "permalink"}},
		{"carousel", "publish_carousel", map[string]any{"text": "two pics", "items": []any{
			map[string]any{"type": "image", "url": "https://cdn.example.com/1.jpg", "alt_text": "first"},
			map[string]any{"type": "video", "url": "https://cdn.example.com/2.mp4"},
		}}, []string{"id", "permalink", "item_container_ids"}},
		{"reply", "reply", map[string]any{"reply_to_id": post, "text": "thanks!"}, []string{"id", "reply_to_id"}},
		{"set reply control", "set_reply_control", map[string]any{"value": "followers_only"}, []string{"previous", "current"}},
		{"post insights", "get_insights", map[string]any{"post_id": post}, []string{"metrics", "scope"}},
		{"account insights", "get_insights", map[string]any{"metrics": []any{"views", "likes", "followers_count"}}, []string{"metrics"}},
		{"demographics", "get_insights", map[string]any{"metrics": []any{"follower_demographics"}, "breakdown": "country"}, []string{"metrics"}},
		{"list replies", "list_replies", map[string]any{"post_id": post, "scope": "conversation", "order": "oldest", "limit": 5}, []string{"replies", "notice"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, sc := e.call(t, tc.tool, tc.args, false)
			if res.IsError {
				t.Fatalf("isError: %s", text(res))
			}
			for _, k := range tc.want {
				v, ok := sc[k]
				if !ok || v == "" || v == nil {
					t.Errorf("result lacks %q: %v", k, sc)
				}
			}
			if sc["sandbox"] != true {
				t.Errorf("result not marked sandbox: %v", sc)
			}
			// The text mirror is the same JSON on one line.
			if txt := text(res); strings.Contains(txt, "\n") || !json.Valid([]byte(txt)) {
				t.Errorf("text mirror is not one line of JSON: %q", txt)
			}
		})
	}
}

func TestBadInputNeverReachesThreads(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("a", 499) + "😀" // 499 + 4 = 503 counted
	items := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = map[string]any{"type": "image", "url": "https://cdn.example.com/x.jpg"}
		}
		return out
	}
	tests := []struct {
		tool string
		args map[string]any
		want []string
	}{
		{"publish_text", map[string]any{}, []string{"text"}},
		{"publish_text", map[string]any{"text": long}, []string{"text", "503", "500"}},
		{"publish_text", map[string]any{"text": "#one and #two"}, []string{"one", "two"}},
		{"publish_text", map[string]any{"text": "hi #golang", "topic_tag": "rust"}, []string{"golang", "rust"}},
		{"publish_text", map[string]any{"text": "a https://a.com b https://b.com c https://c.com d https://d.com e https://e.com f https://f.com"}, []string{"link"}},
		{"publish_text", map[string]any{"text": "hi", "reply_control": "nobody"}, []string{"reply_control", "nobody"}},
		{"publish_text", map[string]any{"text": "hi", "link_attachment": "not a url"}, []string{"link_attachment"}},
		{"publish_text", map[string]any{"text": "hi", "surprise": true}, []string{"surprise"}},
		{"publish_carousel", map[string]any{"items": items(1)}, []string{"items"}},
		{"publish_carousel", map[string]any{"items": items(21)}, []string{"items"}},
		{"publish_carousel", map[string]any{"items": []any{
			map[string]any{"type": "image", "url": "https://cdn.example.com/ok.jpg"},
			map[string]any{"type": "image", "url": "http://127.0.0.1/evil.jpg"},
		}}, []string{"items[1].url"}},
		{"publish_carousel", map[string]any{"items": []any{
			map[string]any{"type": "image", "url": "https://cdn.example.com/ok.jpg"},
			map[string]any{"type": "gif", "url": "https://cdn.example.com/ok.gif"},
		}}, []string{"type"}},
		{"reply", map[string]any{"text": "hi"}, []string{"reply_to_id"}},
		{"reply", map[string]any{"reply_to_id": "abc", "text": "hi"}, []string{"reply_to_id"}},
		{"reply", map[string]any{"reply_to_id": "123", "image_url": "file:///etc/passwd"}, []string{"image_url"}},
		{"set_reply_control", map[string]any{"value": "friends"}, []string{"value"}},
		{"get_insights", map[string]any{"post_id": "1", "metrics": []any{"followers_count"}}, []string{"followers_count"}},
		{"get_insights", map[string]any{"metrics": []any{"follower_demographics"}}, []string{"breakdown"}},
		{"get_insights", map[string]any{"since": "yesterday-ish"}, []string{"since"}},
		{"list_replies", map[string]any{"post_id": "1", "limit": 101}, []string{"limit"}},
		{"list_replies", map[string]any{"post_id": "1", "scope": "everything"}, []string{"scope"}},
	}
	for _, tc := range tests {
		b, _ := json.Marshal(tc.args)
		t.Run(tc.tool+" "+string(b), func(t *testing.T) {
			e.emu.ResetRequests()
			res, _ := e.call(t, tc.tool, tc.args, false)
			if !res.IsError {
				t.Fatalf("want isError, got %s", text(res))
			}
			msg := text(res)
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
			if n := len(e.emu.Requests()); n != 0 {
				t.Errorf("emulator received %d requests for a rejected input", n)
			}
		})
	}
}

func TestSetReplyControlAppliesAndPersists(t *testing.T) {
	e := newEnv(t)
	res, sc := e.call(t, "set_reply_control", map[string]any{"value": "mentioned_only"}, false)
	if res.IsError || sc["previous"] != "everyone" || sc["current"] != "mentioned_only" {
		t.Fatalf("first set: %s", text(res))
	}
	res, sc = e.call(t, "set_reply_control", map[string]any{"value": "followers_only"}, false)
	if res.IsError || sc["previous"] != "mentioned_only" {
		t.Fatalf("second set: %s", text(res))
	}
	// The stored default survives in the store (a restart re-reads it).
	// Sandbox settings are kept apart from live ones.
	v, ok, err := e.store.Setting(t.Context(), "", "sandbox:reply_control")
	if err != nil || !ok || v != "followers_only" {
		t.Fatalf("stored default = %q, %v, %v", v, ok, err)
	}
	res, sc = e.call(t, "publish_text", map[string]any{"text": "who may reply?"}, false)
	if res.IsError || sc["reply_control"] != "followers_only" {
		t.Fatalf("publish: %s", text(res))
	}
	id := sc["id"].(string)
	found := false
	for _, p := range e.emu.Posts(e.emu.DemoUserID()) {
		if p.ID == id {
			found = true
			if p.ReplyAudience != "FOLLOWERS_ONLY" {
				t.Errorf("published with audience %q, want FOLLOWERS_ONLY", p.ReplyAudience)
			}
		}
	}
	if !found {
		t.Fatalf("post %s not in emulator", id)
	}
	// A per-call value overrides the default.
	_, sc = e.call(t, "publish_text", map[string]any{"text": "override", "reply_control": "everyone"}, false)
	if sc["reply_control"] != "everyone" {
		t.Errorf("override ignored: %v", sc)
	}
	// Asking about a published post says plainly it cannot change.
	res, _ = e.call(t, "set_reply_control", map[string]any{"value": "everyone", "post_id": id}, false)
	if !res.IsError || !strings.Contains(text(res), "cannot change") || !strings.Contains(text(res), "hide") {
		t.Errorf("published-post answer: %s", text(res))
	}
}

func TestCarouselProgressNotifications(t *testing.T) {
	e := newEnv(t, emulator.WithProcessingDelay(50*time.Millisecond, 100*time.Millisecond))
	items := []any{}
	for i := range 4 {
		kind, ext := "image", "jpg"
		if i%2 == 1 {
			kind, ext = "video", "mp4"
		}
		items = append(items, map[string]any{"type": kind, "url": "https://cdn.example.com/p" + string(rune('a'+i)) + "." + ext})
	}
	res, sc := e.call(t, "publish_carousel", map[string]any{"items": items, "text": "progress"}, true)
	if res.IsError {
		t.Fatalf("carousel: %s", text(res))
	}
	if ids, _ := sc["item_container_ids"].([]any); len(ids) != 4 {
		t.Errorf("item_container_ids = %v", sc["item_container_ids"])
	}
	var got []map[string]any
	deadline := time.After(5 * time.Second)
collect:
	for {
		select {
		case n := <-e.notes:
			if n.Method == "notifications/progress" {
				got = append(got, n.Params.AdditionalFields)
				if msg, _ := n.Params.AdditionalFields["message"].(string); strings.Contains(strings.ToLower(msg), "published") {
					break collect
				}
			}
		case <-deadline:
			break collect
		}
	}
	if len(got) < 6 { // 4 items created + publishing + published at least
		t.Fatalf("got %d progress notifications: %v", len(got), got)
	}
	last := -1.0
	for _, p := range got {
		if p["progressToken"] != "p-publish_carousel" {
			t.Errorf("wrong token: %v", p)
		}
		v, _ := p["progress"].(float64)
		if v < last {
			t.Errorf("progress went backwards: %v", got)
		}
		last = v
	}
}

func TestAPIErrorsAreActionable(t *testing.T) {
	emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel))
	t.Cleanup(emu.Close)
	other := emu.AddUser(emulator.UserSpec{Username: "someone_else"})
	otherTok := emu.IssueToken(other, emulator.DefaultScopes, time.Hour)
	otherAPI := threads.NewClient(threads.WithBaseURL(emu.BaseURL()), threads.WithToken(otherTok))
	theirs, err := otherAPI.PublishText(t.Context(), threads.Post{Text: "their post"})
	if err != nil {
		t.Fatal(err)
	}
	// The demo user with only the default scopes cannot reply to someone else's post.
	limited := emu.IssueToken(emu.DemoUserID(), emulator.DefaultScopes, time.Hour)
	e := newEnvWith(t, emu, limited)
	res, _ := e.call(t, "reply", map[string]any{"reply_to_id": theirs.ID, "text": "hi"}, false)
	if !res.IsError {
		t.Fatalf("reply to another user's post succeeded: %s", text(res))
	}
	if msg := text(res); !strings.Contains(msg, "threads_keyword_search") && !strings.Contains(msg, "threads_manage_mentions") {
		t.Errorf("permission error does not name the scope: %s", msg)
	}

	// An expired token says how to log in again.
	emu.ExpireToken(limited)
	res, _ = e.call(t, "publish_text", map[string]any{"text": "after expiry"}, false)
	if !res.IsError || !strings.Contains(text(res), "auth login") {
		t.Errorf("expired token: %s", text(res))
	}

	// A media processing error names the item and Meta's error code.
	e2 := newEnv(t)
	e2.emu.SetMediaOutcome("https://cdn.example.com/broken.mp4", emulator.MediaOutcome{ErrorMessage: "FAILED_DOWNLOADING_VIDEO"})
	res, _ = e2.call(t, "publish_carousel", map[string]any{"items": []any{
		map[string]any{"type": "image", "url": "https://cdn.example.com/fine.jpg"},
		map[string]any{"type": "video", "url": "https://cdn.example.com/broken.mp4"},
	}}, false)
	if msg := text(res); !res.IsError || !strings.Contains(msg, "item 2") || !strings.Contains(msg, "FAILED_DOWNLOADING_VIDEO") {
		t.Errorf("media error: %s", msg)
	}
}

func TestToolDefinitions(t *testing.T) {
	all := tools.Tools()
	names := map[string]bool{}
	for _, st := range all {
		tool := st.Definition()
		names[tool.Name] = true
		a := tool.Annotations
		if a.Title == "" {
			t.Errorf("%s: no title", tool.Name)
		}
		// All four hints are stated: the specification's defaults
		// (destructive, open world) are the wrong guess for most tools.
		if a.ReadOnlyHint == nil || a.DestructiveHint == nil || a.IdempotentHint == nil || a.OpenWorldHint == nil {
			t.Errorf("%s: a hint is not set: %+v", tool.Name, a)
		} else if *a.ReadOnlyHint && *a.DestructiveHint {
			t.Errorf("%s: read-only and destructive", tool.Name)
		}
		for kind, raw := range map[string]json.RawMessage{"input": tool.RawInputSchema, "output": tool.RawOutputSchema} {
			var s map[string]any
			if err := json.Unmarshal(raw, &s); err != nil {
				t.Fatalf("%s %s schema: %v", tool.Name, kind, err)
			}
			if s["type"] != "object" {
				t.Errorf("%s %s schema root is not an object", tool.Name, kind)
			}
			for _, bad := range []string{`"$ref"`, `"$defs"`, `"$schema"`, `"allOf"`, `"anyOf"`, `"oneOf"`} {
				if strings.Contains(string(raw), bad) {
					t.Errorf("%s %s schema contains %s", tool.Name, kind, bad)
				}
			}
		}
		b, err := json.MarshalIndent(tool, "", "  ")
		if err != nil {
			t.Fatalf("%s: marshal: %v", tool.Name, err)
		}
		golden(t, filepath.Join("testdata", "toolsnaps", tool.Name+".json"), append(b, '\n'))
	}
	for _, want := range []string{"publish_text", "publish_carousel", "reply", "set_reply_control", "get_insights", "list_replies"} {
		if !names[want] {
			t.Errorf("tool %s missing", want)
		}
	}
}

// golden compares got with the file at path, rewriting it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./tools -update` and review the diff)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s is stale: the tool definition changed. Review, then run `go test ./tools -update`.\n--- got ---\n%s", path, got)
	}
}

func TestReadmeToolReference(t *testing.T) {
	path := filepath.Join("..", "README.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i := strings.Index(readme, tools.ReferenceBegin)
	j := strings.Index(readme, tools.ReferenceEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the tool reference markers")
	}
	want := readme[:i+len(tools.ReferenceBegin)] + "\n\n" + tools.Reference() + readme[j:]
	if want == readme {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md tool reference is stale: run `go test ./tools -update`")
}

func TestConcurrentCallsInProcess(t *testing.T) {
	e := newEnv(t)
	var wg sync.WaitGroup
	errs := make(chan string, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, _ := e.callNoFatal("publish_text", map[string]any{"text": "parallel post " + string(rune('A'+i))})
			if res == nil || res.IsError {
				errs <- fmt.Sprint(res)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}
