package tools_test

import (
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

func TestPublishMedia(t *testing.T) {
	e := newEnv(t, emulator.WithProcessingDelay(50*time.Millisecond, 150*time.Millisecond))
	quoted := e.demoPost(t)
	tests := []struct {
		name      string
		args      map[string]any
		mediaType string // as the emulator records it
	}{
		{"image", map[string]any{"type": "image", "url": "https://cdn.example.com/one.jpg", "alt_text": "a cat", "text": "one pic #cats"}, "IMAGE"},
		{"video with everything", map[string]any{"type": "video", "url": "https://cdn.example.com/one.mp4", "text": "watch",
			"topic_tag": "#film", "reply_control": "followers_only", "quote_post_id": quoted, "spoiler_media": true}, "VIDEO"},
		{"image without caption", map[string]any{"type": "image", "url": "https://cdn.example.com/two.png"}, "IMAGE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, sc := e.call(t, "publish_media", tc.args, true)
			if res.IsError {
				t.Fatalf("isError: %s", text(res))
			}
			id, _ := sc["id"].(string)
			var found bool
			for _, p := range e.emu.Posts(e.emu.DemoUserID()) {
				if p.ID != id {
					continue
				}
				found = true
				if string(p.MediaType) != tc.mediaType {
					t.Errorf("media type %q, want %q", p.MediaType, tc.mediaType)
				}
			}
			if !found {
				t.Fatalf("post %s not in the emulator", id)
			}
			if sc["permalink"] == "" || sc["media_type"] != strings.ToLower(tc.mediaType) {
				t.Errorf("result: %v", sc)
			}
		})
	}
	// A video reports progress while it processes.
	var progress int
	for {
		select {
		case n := <-e.notes:
			if n.Method == "notifications/progress" && n.Params.AdditionalFields["progressToken"] == "p-publish_media" {
				progress++
			}
			continue
		default:
		}
		break
	}
	if progress < 3 {
		t.Errorf("got %d progress notifications for publish_media", progress)
	}
}

func TestPublishMediaRefusesBeforeSending(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		args map[string]any
		want string // the exact message after the "invalid input" line
	}{
		{"no type", map[string]any{"url": "https://cdn.example.com/a.jpg"}, "type: required: \"type\" is missing. Fix: add \"type\": image (JPEG/PNG, ≤ 8 MB) or video (MP4/MOV, ≤ 5 min)."},
		{"gif", map[string]any{"type": "gif", "url": "https://cdn.example.com/a.gif"}, "type: not an allowed value: got \"gif\"; allowed: image, video. Fix: use one of the allowed values exactly as written."},
		{"http url", map[string]any{"type": "image", "url": "http://cdn.example.com/a.jpg"}, "url: "},
		{"alt text", map[string]any{"type": "image", "url": "https://cdn.example.com/a.jpg", "alt_text": strings.Repeat("é", 1001)}, "alt_text: too long: 1001 characters, limit 1000. Fix: shorten it by at least 1 characters."},
		{"caption", map[string]any{"type": "image", "url": "https://cdn.example.com/a.jpg", "text": strings.Repeat("a", 497) + "😀"}, "text: too long"},
		{"two tags", map[string]any{"type": "image", "url": "https://cdn.example.com/a.jpg", "text": "#one #two"}, "text: "},
		{"quote id", map[string]any{"type": "image", "url": "https://cdn.example.com/a.jpg", "quote_post_id": "x1"}, "quote_post_id"},
		{"link attachment is text only", map[string]any{"type": "image", "url": "https://cdn.example.com/a.jpg", "link_attachment": "https://example.com"}, "link_attachment"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.emu.ResetRequests()
			res, _ := e.call(t, "publish_media", tc.args, false)
			msg := text(res)
			if !res.IsError || !strings.Contains(msg, "nothing was sent to Threads") {
				t.Fatalf("want an invalid-input error, got %s", msg)
			}
			if !strings.Contains(msg, "\n"+tc.want) {
				t.Errorf("message lacks %q:\n%s", tc.want, msg)
			}
			if n := len(e.emu.Requests()); n != 0 {
				t.Errorf("emulator received %d requests", n)
			}
		})
	}
}

func TestPublishMediaIsExactlyOnce(t *testing.T) {
	e := newEnv(t)
	args := map[string]any{"type": "image", "url": "https://cdn.example.com/once.jpg", "idempotency_key": "media-once"}
	_, first := e.call(t, "publish_media", args, false)
	res, again := e.call(t, "publish_media", args, false)
	if res.IsError || again["id"] != first["id"] || again["replayed"] != true {
		t.Fatalf("retry: %s (first %v)", text(res), first)
	}
	n := 0
	for _, p := range e.emu.Posts(e.emu.DemoUserID()) {
		if p.MediaURL == "https://cdn.example.com/once.jpg" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d posts of the image, want 1", n)
	}
}

func TestCarouselOfOnePointsToPublishMedia(t *testing.T) {
	e := newEnv(t)
	res, _ := e.call(t, "publish_carousel", map[string]any{"items": []any{map[string]any{"type": "image", "url": "https://cdn.example.com/x.jpg"}}}, false)
	if !res.IsError || !strings.Contains(text(res), "use publish_media") {
		t.Errorf("one-item carousel: %s", text(res))
	}
}
