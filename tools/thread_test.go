package tools_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
)

// chainOf returns the emulator posts with the given ids, checking that each
// replies to the one before it and the first to nothing.
func chainOf(t *testing.T, e *env, ids []string) []emulator.Post {
	t.Helper()
	byID := map[string]emulator.Post{}
	for _, p := range e.emu.Posts(e.emu.DemoUserID()) {
		byID[p.ID] = p
	}
	out := make([]emulator.Post, len(ids))
	for i, id := range ids {
		p, ok := byID[id]
		if !ok {
			t.Fatalf("part %d (%s) is not live", i, id)
		}
		want := ""
		if i > 0 {
			want = ids[i-1]
		}
		if p.ReplyToID != want {
			t.Errorf("part %d replies to %q, want %q", i, p.ReplyToID, want)
		}
		out[i] = p
	}
	return out
}

func partIDs(t *testing.T, sc map[string]any) []string {
	t.Helper()
	parts, _ := sc["parts"].([]any)
	ids := make([]string, len(parts))
	for i, p := range parts {
		ids[i], _ = p.(map[string]any)["id"].(string)
	}
	return ids
}

func TestPublishThread(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name  string
		args  map[string]any
		types []string // media types as read back
		texts []string // expected texts (suffix match)
	}{
		{"text, image and video", map[string]any{"topic_tag": "golang", "reply_control": "followers_only", "parts": []any{
			map[string]any{"text": "1. a thread"},
			map[string]any{"text": "2. with a picture", "media": map[string]any{"type": "image", "url": "https://cdn.example.com/t1.jpg", "alt_text": "pic"}},
			map[string]any{"media": map[string]any{"type": "video", "url": "https://cdn.example.com/t2.mp4"}},
		}}, []string{"TEXT_POST", "IMAGE", "VIDEO"}, []string{"1. a thread", "2. with a picture", ""}},
		{"carousel first", map[string]any{"parts": []any{
			map[string]any{"text": "album", "items": []any{
				map[string]any{"type": "image", "url": "https://cdn.example.com/c1.jpg"},
				map[string]any{"type": "image", "url": "https://cdn.example.com/c2.jpg"}}},
			map[string]any{"text": "and more"},
		}}, []string{"CAROUSEL_ALBUM", "TEXT_POST"}, []string{"album", "and more"}},
		{"split and numbered", map[string]any{"split": true, "numbering": true, "text": strings.Repeat("Lorem ipsum dolor sit amet. ", 40)},
			[]string{"TEXT_POST", "TEXT_POST", "TEXT_POST"}, []string{" 1/3", " 2/3", " 3/3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, sc := e.call(t, "publish_thread", tc.args, true)
			if res.IsError {
				t.Fatalf("isError: %s", text(res))
			}
			ids := partIDs(t, sc)
			if len(ids) != len(tc.types) || sc["id"] != ids[0] || sc["permalink"] == "" {
				t.Fatalf("result: %v", sc)
			}
			for i, p := range chainOf(t, e, ids) {
				if p.MediaType != tc.types[i] {
					t.Errorf("part %d is %s, want %s", i, p.MediaType, tc.types[i])
				}
				if !strings.HasSuffix(p.Text, tc.texts[i]) {
					t.Errorf("part %d text %q, want suffix %q", i, p.Text, tc.texts[i])
				}
				if CountOK := len([]rune(p.Text)) <= 500; !CountOK {
					t.Errorf("part %d too long", i)
				}
			}
		})
	}
}

func TestPublishThreadResumesAfterFailure(t *testing.T) {
	e := newEnv(t)
	bad := "https://cdn.example.com/broken.mp4"
	e.emu.SetMediaOutcome(bad, emulator.MediaOutcome{ErrorMessage: "FAILED_PROCESSING_VIDEO"})
	args := map[string]any{"idempotency_key": "chain-1", "parts": []any{
		map[string]any{"text": "first"},
		map[string]any{"text": "second"},
		map[string]any{"text": "third", "media": map[string]any{"type": "video", "url": bad}},
		map[string]any{"text": "fourth"},
	}}
	res, _ := e.call(t, "publish_thread", args, false)
	msg := text(res)
	if !res.IsError {
		t.Fatalf("want a failure, got %s", msg)
	}
	var live []emulator.Post
	for _, p := range e.emu.Posts(e.emu.DemoUserID()) {
		if p.Text == "first" || p.Text == "second" {
			live = append(live, p)
		}
	}
	if len(live) != 2 {
		t.Fatalf("%d parts live before the failure, want 2", len(live))
	}
	for _, want := range []string{
		"publish_thread: part 3 of 4 (parts[2]) failed: Threads could not process the media",
		"Published before it: parts[0] " + live[0].ID, "parts[1] " + live[1].ID, "https://",
		`To resume: fix the cause if it is yours to fix, then call publish_thread again with the same arguments and idempotency_key "chain-1": it continues at parts[2] without reposting the published parts.`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	// The media is fixed on the server side; the retry resumes at part 3.
	e.emu.SetMediaOutcome(bad, emulator.MediaOutcome{})
	res, sc := e.call(t, "publish_thread", args, false)
	if res.IsError {
		t.Fatalf("resume: %s", text(res))
	}
	ids := partIDs(t, sc)
	chainOf(t, e, ids)
	if ids[0] != live[0].ID || ids[1] != live[1].ID {
		t.Errorf("resume reposted the first parts: %v", ids)
	}
	if note, _ := sc["note"].(string); !strings.Contains(note, "resumed at part 2") {
		t.Errorf("note: %q", note)
	}
	counts := map[string]int{}
	for _, p := range e.emu.Posts(e.emu.DemoUserID()) {
		counts[p.Text]++
	}
	for _, s := range []string{"first", "second", "third", "fourth"} {
		if counts[s] != 1 {
			t.Errorf("%q posted %d times", s, counts[s])
		}
	}
	// Once complete, the key replays the whole thread.
	res, sc = e.call(t, "publish_thread", args, false)
	if res.IsError || sc["replayed"] != true || fmt.Sprint(partIDs(t, sc)) != fmt.Sprint(ids) {
		t.Errorf("replay: %s", text(res))
	}
	// The same key with other parts is refused.
	args["parts"] = []any{map[string]any{"text": "other"}, map[string]any{"text": "parts"}}
	res, _ = e.call(t, "publish_thread", args, false)
	if !res.IsError || !strings.Contains(text(res), "with different arguments") {
		t.Errorf("changed parts: %s", text(res))
	}
}

// replyQuotaAPI reports a chosen reply quota usage.
type replyQuotaAPI struct {
	tools.API
	used int
}

func (r *replyQuotaAPI) PublishingLimit(ctx context.Context, fields ...string) (*threads.PublishingLimit, *threads.Response, error) {
	lim, resp, err := r.API.PublishingLimit(ctx, fields...)
	if lim != nil {
		lim.ReplyQuotaUsage = r.used
	}
	return lim, resp, err
}

func TestPublishThreadChecksQuotaAndPartsFirst(t *testing.T) {
	emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel))
	t.Cleanup(emu.Close)
	e := newEnvWith(t, emu, emu.DemoToken(), envConfig{wrap: func(a tools.API) tools.API { return &replyQuotaAPI{API: a, used: 998} }})
	parts := []any{map[string]any{"text": "a"}, map[string]any{"text": "b"}, map[string]any{"text": "c"}, map[string]any{"text": "d"}}
	tests := []struct {
		name string
		args map[string]any
		want string
	}{
		{"quota", map[string]any{"parts": parts}, "publish_thread: Threads publishing quota too low for this thread: it needs 3 replies and 2 of 1000 are left " +
			"in the rolling 24 hours; nothing was published. Fix: publish fewer parts, or wait until older posts leave the window (get_publishing_limit shows the usage)."},
		{"last part bad", map[string]any{"parts": []any{map[string]any{"text": "a"}, map[string]any{"text": "b", "media": map[string]any{"type": "image", "url": "ftp://x/y.jpg"}}}},
			"publish_thread: invalid input, nothing was sent to Threads.\nparts[1].media.url: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(emu.Posts(emu.DemoUserID()))
			res, _ := e.call(t, "publish_thread", tc.args, false)
			if !res.IsError || !strings.HasPrefix(text(res), tc.want) {
				t.Errorf("got  %s\nwant %s", text(res), tc.want)
			}
			if n := len(emu.Posts(emu.DemoUserID())); n != before {
				t.Errorf("%d posts published", n-before)
			}
			for _, r := range emu.Requests() {
				if r.Method == "POST" {
					t.Errorf("a POST reached Threads: %s", r.Path)
				}
			}
		})
	}
}

func TestReplyNotLinkedIsReported(t *testing.T) {
	emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel))
	t.Cleanup(emu.Close)
	// The client reports a media reply Threads published standalone.
	unlinked := func(res *threads.PublishResult, err error) (*threads.PublishResult, error) {
		if res != nil {
			res.ReplyNotLinked = true
			res.Note = "Threads shows the reply as a standalone post."
		}
		return res, err
	}
	e := newEnvWith(t, emu, emu.DemoToken(), envConfig{wrap: func(a tools.API) tools.API { return &hookAPI{API: a, after: unlinked} }})
	res, sc := e.call(t, "reply", map[string]any{"reply_to_id": e.demoPost(t), "video_url": "https://cdn.example.com/q.mp4"}, false)
	if res.IsError || sc["reply_not_linked"] != true || sc["note"] != "Threads shows the reply as a standalone post." {
		t.Errorf("reply: %s", text(res))
	}
	res, sc = e.call(t, "publish_thread", map[string]any{"parts": []any{map[string]any{"text": "one"}, map[string]any{"text": "two"}}}, false)
	parts, _ := sc["parts"].([]any)
	if res.IsError || len(parts) != 2 || parts[1].(map[string]any)["reply_not_linked"] != true ||
		!strings.Contains(fmt.Sprint(sc["note"]), "Threads shows parts[1]") {
		t.Errorf("thread: %s", text(res))
	}
}

// TestPublishThreadProgress: with a progress token, publish_thread reports
// each part's steps while it is published, its media processing included
// ("part 2/3: processing video…"), then each part published, with progress
// only growing and the part count as total.
func TestPublishThreadProgress(t *testing.T) {
	e := newEnv(t, emulator.WithProcessingDelay(50*time.Millisecond, 300*time.Millisecond))
	args := map[string]any{"parts": []any{
		map[string]any{"text": "1. progress"},
		map[string]any{"text": "2. a video", "media": map[string]any{"type": "video", "url": "https://cdn.example.com/progress.mp4"}},
		map[string]any{"text": "3. done"},
	}}
	// Drop what earlier calls left.
	for len(e.notes) > 0 {
		<-e.notes
	}
	res, _ := e.call(t, "publish_thread", args, true)
	if res.IsError {
		t.Fatalf("isError: %s", text(res))
	}
	var msgs []string
	last := -1.0
	deadline := time.After(5 * time.Second)
collect:
	for {
		select {
		case n := <-e.notes:
			f := n.Params.AdditionalFields
			if n.Method != "notifications/progress" || f["progressToken"] != "p-publish_thread" {
				continue
			}
			msg, _ := f["message"].(string)
			msgs = append(msgs, msg)
			v, _ := f["progress"].(float64)
			if v <= last {
				t.Errorf("progress %v after %v (%q)", v, last, msg)
			}
			last = v
			if fmt.Sprint(f["total"]) != "3" {
				t.Errorf("total %v in %q, want 3", f["total"], msg)
			}
			if msg == "part 3/3 published" {
				break collect
			}
		case <-deadline:
			break collect
		}
	}
	joined := strings.Join(msgs, "\n")
	for _, want := range []string{"part 1/3: container created", "part 1/3 published", "part 2/3: container created",
		"part 2/3: processing video…", "part 2/3: publishing", "part 2/3 published", "part 3/3 published"} {
		if !slices.ContainsFunc(msgs, func(m string) bool { return strings.HasPrefix(m, want) }) {
			t.Errorf("no progress %q in:\n%s", want, joined)
		}
	}
	if last != 3 {
		t.Errorf("last progress %v, want 3:\n%s", last, joined)
	}
	if strings.Contains(joined, "processing text") {
		t.Errorf("a text part reported processing:\n%s", joined)
	}
}
