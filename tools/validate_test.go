package tools_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// badInputs is the bad-input corpus of the publishing tools: every one is
// refused before anything is sent.
func badInputs() []struct {
	tool string
	args map[string]any
} {
	img := func(u string) map[string]any { return map[string]any{"type": "image", "url": u} }
	long := strings.Repeat("a", 499) + "😀"
	return []struct {
		tool string
		args map[string]any
	}{
		{"publish_text", map[string]any{}},
		{"publish_text", map[string]any{"text": long}},
		{"publish_text", map[string]any{"text": "#one and #two"}},
		{"publish_text", map[string]any{"text": "hi #golang", "topic_tag": "rust"}},
		{"publish_text", map[string]any{"text": "a https://a.com b https://b.com c https://c.com d https://d.com e https://e.com f https://f.com"}},
		{"publish_text", map[string]any{"text": "hi", "reply_control": "nobody"}},
		{"publish_text", map[string]any{"text": "hi", "link_attachment": "not a url"}},
		{"publish_text", map[string]any{"text": "hi", "surprise": true}},
		{"publish_text", map[string]any{"text": "hi", "idempotency_key": strings.Repeat("k", 300)}},
		{"publish_text", map[string]any{"text": "hi", "account": "nobody-configured"}},
		{"publish_media", map[string]any{"url": "https://cdn.example.com/a.jpg"}},
		{"publish_media", map[string]any{"type": "image", "url": "http://cdn.example.com/a.jpg"}},
		{"publish_media", map[string]any{"type": "image", "url": "https://cdn.example.com/a.jpg", "alt_text": strings.Repeat("x", 1001)}},
		{"publish_media", map[string]any{"type": "video", "url": "https://cdn.example.com/a.mp4", "text": long}},
		{"publish_carousel", map[string]any{"items": []any{img("https://cdn.example.com/x.jpg")}}},
		{"publish_carousel", map[string]any{"items": []any{img("https://cdn.example.com/x.jpg"), img("https://cdn.example.com/x.jpg")}}},
		{"publish_carousel", map[string]any{"items": []any{img("https://cdn.example.com/ok.jpg"), img("http://127.0.0.1/evil.jpg")}}},
		{"reply", map[string]any{"text": "hi"}},
		{"reply", map[string]any{"reply_to_id": "abc", "text": "hi"}},
		{"reply", map[string]any{"reply_to_id": "123", "image_url": "https://a.com/x.jpg", "video_url": "https://a.com/x.mp4"}},
		{"reply", map[string]any{"reply_to_id": "123", "text": "hi", "ghost": true}},
		{"reply", map[string]any{"reply_to_id": "123", "image_url": "https://a.com/x.jpg", "poll": []any{"a", "b"}}},
		{"reply", map[string]any{"reply_to_id": "123", "text": "hi", "gif": "abc", "text_attachment": map[string]any{"plaintext": "p"}}},
		{"publish_thread", map[string]any{"parts": []any{map[string]any{"text": "only one"}}}},
		{"publish_thread", map[string]any{"parts": []any{map[string]any{"text": "a"}, map[string]any{"text": long}}}},
		{"publish_thread", map[string]any{"parts": []any{map[string]any{"text": "a"}, map[string]any{"text": "b", "items": []any{img("https://x.com/1.jpg"), img("https://x.com/2.jpg")}}}}},
		{"publish_thread", map[string]any{"split": true, "text": strings.Repeat("word ", 2600)}},
		{"publish_thread", map[string]any{"text": "no split"}},
	}
}

func TestValidatePostGivesTheRealVerdict(t *testing.T) {
	e := newEnv(t)
	for _, in := range badInputs() {
		b, _ := json.Marshal(in.args)
		t.Run(in.tool+" "+string(b[:min(len(b), 60)]), func(t *testing.T) {
			e.emu.ResetRequests()
			real, _ := e.call(t, in.tool, in.args, false)
			if !real.IsError {
				t.Fatalf("the real call accepted it: %s", text(real))
			}
			res, sc := e.call(t, "validate_post", map[string]any{"tool": in.tool, "arguments": in.args}, false)
			if res.IsError {
				t.Fatalf("validate_post failed: %s", text(res))
			}
			if sc["valid"] != false || sc["error"] != text(real) {
				t.Errorf("verdicts differ:\nreal:     %s\nvalidate: %v", text(real), sc["error"])
			}
			if n := len(e.emu.Requests()); n != 0 {
				t.Errorf("%d requests reached Threads", n)
			}
		})
	}
}

func TestValidatePostPreview(t *testing.T) {
	e := newEnv(t)
	// A publish caches the quota reading validate_post shows.
	if res, _ := e.call(t, "publish_text", map[string]any{"text": "warm the quota cache"}, false); res.IsError {
		t.Fatal(text(res))
	}
	e.emu.ResetRequests()
	res, sc := e.call(t, "validate_post", map[string]any{"tool": "publish_text", "arguments": map[string]any{
		"text": "Go 😀😀 and “quotes” https://go.dev #golang", "link_attachment": "https://example.com/x", "reply_control": "everyone"}}, false)
	if res.IsError || sc["valid"] != true {
		t.Fatalf("validate: %s", text(res))
	}
	if n := len(e.emu.Requests()); n != 0 {
		t.Errorf("%d requests reached Threads", n)
	}
	b, _ := json.Marshal(sc["containers"])
	const want = `[{"costliest":[{"cost":4,"count":2,"text":"😀"},{"cost":3,"count":1,"text":"“"},{"cost":3,"count":1,"text":"”"}],` +
		`"length":51,"links":["https://go.dev","https://example.com/x"],"params":{"link_attachment":"https://example.com/x","media_type":"TEXT",` +
		`"reply_control":"everyone","text":"Go 😀😀 and “quotes” https://go.dev #golang"},"part":0,"tag":"golang"}]`
	if string(b) != want {
		t.Errorf("containers:\n got %s\nwant %s", b, want)
	}
	if sc["intent_url"] != "https://www.threads.com/intent/post?text=Go+%F0%9F%98%80%F0%9F%98%80+and+%E2%80%9Cquotes%E2%80%9D+https%3A%2F%2Fgo.dev+%23golang" {
		t.Errorf("intent_url %v", sc["intent_url"])
	}
	if fmt.Sprint(sc["quota_cost"]) != "map[posts:1 replies:0]" {
		t.Errorf("quota_cost %v", sc["quota_cost"])
	}
	left, _ := sc["quota_left"].(map[string]any)
	if left["posts_left"] == nil || left["read_at"] == "" {
		t.Errorf("quota_left %v", sc["quota_left"])
	}

	// A thread: one container per part (carousel items first), replies chained.
	_, sc = e.call(t, "validate_post", map[string]any{"tool": "publish_thread", "arguments": map[string]any{"parts": []any{
		map[string]any{"text": "album", "items": []any{map[string]any{"type": "image", "url": "https://x.com/1.jpg"}, map[string]any{"type": "video", "url": "https://x.com/2.mp4"}}},
		map[string]any{"text": "two"}, map[string]any{"text": "three", "media": map[string]any{"type": "image", "url": "https://x.com/3.jpg", "alt_text": "alt"}},
	}}}, false)
	cs, _ := sc["containers"].([]any)
	var got []string
	for _, c := range cs {
		m := c.(map[string]any)
		p := m["params"].(map[string]any)
		got = append(got, fmt.Sprintf("%v:%v:%v:%v", m["part"], p["media_type"], p["reply_to_id"], p["children"]))
	}
	if s := strings.Join(got, " "); s != "0:IMAGE:<nil>:<nil> 0:VIDEO:<nil>:<nil> 0:CAROUSEL:<nil>:<item 0>,<item 1> 1:TEXT:<id of part 0>:<nil> 2:IMAGE:<id of part 1>:<nil>" {
		t.Errorf("thread containers: %s", s)
	}
	if fmt.Sprint(sc["quota_cost"]) != "map[posts:1 replies:2]" {
		t.Errorf("thread quota_cost %v", sc["quota_cost"])
	}
	ws, _ := sc["warnings"].([]any)
	if len(ws) != 3 {
		t.Errorf("warnings %v", ws)
	}
}
