package tools_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// postsWithText counts the demo user's posts and replies with text.
func (e *env) postsWithText(text string) []emulator.Post {
	var out []emulator.Post
	for _, p := range e.emu.Posts(e.emu.DemoUserID()) {
		if p.Text == text {
			out = append(out, p)
		}
	}
	return out
}

// TestExactlyOnce drives each way a publish can be repeated or interrupted;
// every case must end with exactly one post and the agent holding its id.
func TestExactlyOnce(t *testing.T) {
	tests := []struct {
		name  string
		fault func(e *env)
		calls func(t *testing.T, e *env, text string) []map[string]any // results of every call
	}{
		{
			name: "retry with the same key replays",
			calls: func(t *testing.T, e *env, text string) []map[string]any {
				args := map[string]any{"text": text, "idempotency_key": "k-retry"}
				_, a := e.call(t, "publish_text", args, false)
				_, b := e.call(t, "publish_text", args, false)
				if b["replayed"] != true || a["replayed"] == true {
					t.Errorf("replayed flags: first %v, second %v", a["replayed"], b["replayed"])
				}
				return []map[string]any{a, b}
			},
		},
		{
			name: "identical publish without a key within 10 minutes replays",
			calls: func(t *testing.T, e *env, text string) []map[string]any {
				_, a := e.call(t, "publish_text", map[string]any{"text": text}, false)
				_, b := e.call(t, "publish_text", map[string]any{"text": text}, false)
				if b["replayed"] != true || !strings.Contains(b["replay_note"].(string), "idempotency_key") {
					t.Errorf("duplicate not replayed with a note: %v", b)
				}
				return []map[string]any{a, b}
			},
		},
		{
			name: "concurrent identical calls",
			calls: func(t *testing.T, e *env, text string) []map[string]any {
				var mu sync.Mutex
				var out []map[string]any
				var wg sync.WaitGroup
				for range 8 {
					wg.Go(func() {
						res, sc := e.callNoFatal("publish_text", map[string]any{"text": text, "idempotency_key": "k-conc"})
						if res == nil || res.IsError {
							t.Errorf("concurrent call failed: %v", res)
							return
						}
						mu.Lock()
						out = append(out, sc)
						mu.Unlock()
					})
				}
				wg.Wait()
				return out
			},
		},
		{
			name:  "publish answers 500 but publishes",
			fault: func(e *env) { e.emu.SetPublishFault(emulator.PublishFault500ButPublished, 1) },
			calls: func(t *testing.T, e *env, text string) []map[string]any {
				args := map[string]any{"text": text, "idempotency_key": "k-500"}
				_, a := e.call(t, "publish_text", args, false)
				_, b := e.call(t, "publish_text", args, false)
				return []map[string]any{a, b}
			},
		},
		{
			name:  "connection dropped after the publish is committed",
			fault: func(e *env) { e.emu.SetPublishFault(emulator.PublishFaultDropAfterCommit, 1) },
			calls: func(t *testing.T, e *env, text string) []map[string]any {
				_, a := e.call(t, "publish_text", map[string]any{"text": text, "idempotency_key": "k-drop"}, false)
				return []map[string]any{a}
			},
		},
		{
			name: "4279009 storm",
			fault: func(e *env) {
				e.emu.InjectError("POST", "threads_publish", emulator.ErrorSpec{HTTPStatus: 400, Code: 24, Subcode: 4279009,
					Type: "OAuthException", Message: "The requested resource does not exist"}, 6)
			},
			calls: func(t *testing.T, e *env, text string) []map[string]any {
				_, a := e.call(t, "publish_text", map[string]any{"text": text, "idempotency_key": "k-storm"}, false)
				return []map[string]any{a}
			},
		},
		{
			name:  "client times out, then retries",
			fault: func(e *env) { e.emu.SetLatency(150 * time.Millisecond) },
			calls: func(t *testing.T, e *env, text string) []map[string]any {
				args := map[string]any{"text": text, "idempotency_key": "k-timeout"}
				ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
				req := mcp.CallToolRequest{}
				req.Params.Name, req.Params.Arguments = "publish_text", args
				if res, err := e.client.CallTool(ctx, req); err == nil && !res.IsError {
					t.Log("first call finished before the client timeout")
				}
				cancel()
				_, b := e.call(t, "publish_text", args, false)
				return []map[string]any{b}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if tc.fault != nil {
				tc.fault(e)
			}
			text := "exactly once: " + tc.name
			results := tc.calls(t, e, text)
			posts := e.postsWithText(text)
			if len(posts) != 1 {
				t.Fatalf("%d posts with the text exist, want exactly 1", len(posts))
			}
			for i, r := range results {
				if r["id"] != posts[0].ID {
					t.Errorf("call %d returned id %v, the post is %s", i, r["id"], posts[0].ID)
				}
			}
		})
	}
}

func TestIdempotencyKeyMismatch(t *testing.T) {
	e := newEnv(t)
	_, a := e.call(t, "publish_text", map[string]any{"text": "first words", "idempotency_key": "same-key"}, false)
	if a["id"] == nil {
		t.Fatal("first publish failed")
	}
	e.emu.ResetRequests()
	res, _ := e.call(t, "publish_text", map[string]any{"text": "other words", "idempotency_key": "same-key"}, false)
	if !res.IsError || !strings.Contains(text(res), "idempotency_key") || !strings.Contains(text(res), "different arguments") {
		t.Fatalf("key reuse: %s", text(res))
	}
	for _, r := range e.emu.Requests() {
		if r.Method == "POST" {
			t.Errorf("a mismatched key reached Threads: %s %s", r.Method, r.Path)
		}
	}
	// A different tool with the same key is a mismatch too.
	res, _ = e.call(t, "reply", map[string]any{"reply_to_id": a["id"], "text": "first words", "idempotency_key": "same-key"}, false)
	if !res.IsError {
		t.Errorf("same key on another tool accepted: %s", text(res))
	}
	// A new key posts again, on purpose.
	_, c := e.call(t, "publish_text", map[string]any{"text": "first words", "idempotency_key": "new-key"}, false)
	if c["id"] == a["id"] || c["replayed"] == true {
		t.Errorf("a new key did not publish: %v", c)
	}
}

func TestQuotaSpentRefusesAtOnce(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	// Spend the 250-post quota directly.
	lim, _, err := e.api.PublishingLimit(ctx, "quota_usage", "config")
	if err != nil {
		t.Fatal(err)
	}
	for i := lim.QuotaUsage; i < 250; i++ {
		if _, err := e.api.PublishPost(ctx, threads.Post{Text: "filler " + string(rune('a'+i%26)) + strings.Repeat("x", i/26)}); err != nil {
			t.Fatalf("filler %d: %v", i, err)
		}
	}
	e.emu.ResetRequests()
	res, _ := e.call(t, "publish_text", map[string]any{"text": "one too many"}, false)
	msg := text(res)
	if !res.IsError || !strings.Contains(msg, "quota") || !strings.Contains(msg, "frees up") || !strings.Contains(msg, "retryable: true") {
		t.Fatalf("spent quota: %s", msg)
	}
	for _, r := range e.emu.Requests() {
		if r.Method == "POST" {
			t.Errorf("publish attempted with the quota spent: %s", r.Path)
		}
	}
	// Replies have their own quota and still go through.
	posts := e.emu.Posts(e.emu.DemoUserID())
	res, _ = e.call(t, "reply", map[string]any{"reply_to_id": posts[0].ID, "text": "replies still work"}, false)
	if res.IsError {
		t.Errorf("reply refused: %s", text(res))
	}
	res, sc := e.call(t, "get_publishing_limit", map[string]any{}, false)
	if res.IsError {
		t.Fatal(text(res))
	}
	p := sc["posts"].(map[string]any)
	if p["used"] != float64(250) || p["left"] != float64(0) || p["limit"] != float64(250) {
		t.Errorf("posts quota = %v", p)
	}
}

// callNoFatal is call without t (safe from goroutines).
func (e *env) callNoFatal(name string, args map[string]any) (*mcp.CallToolResult, map[string]any) {
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := e.client.CallTool(ctx, req)
	if err != nil {
		return nil, nil
	}
	return res, structuredMap(res)
}
