package tools_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
)

// sentParams returns the form of the last container created (POST …/threads).
func sentParams(t *testing.T, e *env) map[string]string {
	t.Helper()
	reqs := e.emu.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		r := reqs[i]
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/threads") {
			out := map[string]string{}
			for k := range r.Form {
				out[k] = r.Form.Get(k)
			}
			for k := range r.Query {
				if _, ok := out[k]; !ok {
					out[k] = r.Query.Get(k)
				}
			}
			return out
		}
	}
	t.Fatal("no container was created")
	return nil
}

func TestTextAttachmentsReachThreads(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		args map[string]any
		want map[string]string // container parameters sent
	}{
		{"poll", map[string]any{"text": "Tabs or spaces?", "poll": []any{" Tabs ", "Spaces", "Both"}},
			map[string]string{"poll_attachment": `{"option_a":"Tabs","option_b":"Spaces","option_c":"Both"}`}},
		{"gif", map[string]any{"text": "mood", "gif": "3o7TKSjRrfIPjeiVyM"},
			map[string]string{"gif_attachment": `{"gif_id":"3o7TKSjRrfIPjeiVyM","provider":"GIPHY"}`}},
		{"text attachment", map[string]any{"text": "long read", "text_attachment": map[string]any{
			"plaintext": "Héllo world, again", "link": "https://example.com/read",
			"styles": []any{map[string]any{"offset": 0, "length": 5, "styles": []any{"bold", "italic"}}, map[string]any{"offset": 6, "length": 5, "styles": []any{"underline"}}}}},
			map[string]string{"text_attachment": `{"plaintext":"Héllo world, again","link_attachment_url":"https://example.com/read",` +
				`"text_with_styling_info":[{"offset":0,"length":5,"styling_info":["bold","italic"]},{"offset":6,"length":5,"styling_info":["underline"]}]}`}},
		{"spoilers counted in code points", map[string]any{"text": "Big 😀 news: the butler did it. Yes, the butler.", "spoilers": []any{"the butler", "the butler"}},
			map[string]string{"text_entities": `[{"entity_type":"SPOILER","offset":12,"length":10},{"entity_type":"SPOILER","offset":36,"length":10}]`}},
		{"ghost", map[string]any{"text": "gone tomorrow", "ghost": true}, map[string]string{"is_ghost_post": "true"}},
		{"settings", map[string]any{"text": "local news", "location_id": "106377336067638", "allowlisted_country_codes": []any{"us", " DE"}, "enable_reply_approvals": true},
			map[string]string{"location_id": "106377336067638", "allowlisted_country_codes": "US,DE", "enable_reply_approvals": "true"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.emu.ResetRequests()
			res, sc := e.call(t, "publish_text", tc.args, false)
			if res.IsError {
				t.Fatalf("isError: %s", text(res))
			}
			got := sentParams(t, e)
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			// validate_post shows the same parameters.
			_, vc := e.call(t, "validate_post", map[string]any{"tool": "publish_text", "arguments": tc.args}, false)
			cs, _ := vc["containers"].([]any)
			if len(cs) != 1 {
				t.Fatalf("validate_post containers: %v", vc)
			}
			params := cs[0].(map[string]any)["params"].(map[string]any)
			for k, v := range tc.want {
				if params[k] != v {
					t.Errorf("validate_post %s = %v, want %q", k, params[k], v)
				}
			}
			if sc["id"] == "" {
				t.Errorf("no id: %v", sc)
			}
		})
	}
}

func TestAttachmentRules(t *testing.T) {
	e := newEnv(t)
	ta := map[string]any{"plaintext": "abc"}
	tests := []struct {
		name string
		tool string
		args map[string]any
		want string
	}{
		{"poll and text attachment", "publish_text", map[string]any{"text": "x", "poll": []any{"a", "b"}, "text_attachment": ta},
			"text_attachment: one attachment per post: poll and text_attachment are both set; a post carries one attachment: a poll, a GIF or a text attachment. Fix: keep one of them, and publish the others as separate posts or replies."},
		{"poll and gif", "publish_text", map[string]any{"text": "x", "poll": []any{"a", "b"}, "gif": "abc"},
			"gif: one attachment per post: poll and gif are both set; a post carries one attachment: a poll, a GIF or a text attachment. Fix: keep one of them, and publish the others as separate posts or replies."},
		{"gif and link", "publish_text", map[string]any{"text": "x", "gif": "abc", "link_attachment": "https://example.com"},
			"gif: not with link_attachment: a post shows one card: a GIF or a link preview. Fix: drop gif or link_attachment (a link in the text stays a link)."},
		{"text attachment link and link", "publish_text", map[string]any{"text": "x", "link_attachment": "https://a.example.com", "text_attachment": map[string]any{"plaintext": "p", "link": "https://b.example.com"}},
			"text_attachment.link: not with link_attachment: the post has a link_attachment and a text_attachment link; Threads takes one. Fix: keep one of the two links."},
		{"ghost and approvals", "publish_text", map[string]any{"text": "x", "ghost": true, "enable_reply_approvals": true},
			"enable_reply_approvals: not with ghost: a ghost post cannot hold replies for approval. Fix: drop enable_reply_approvals, or publish a regular post."},
		{"poll option too long", "publish_text", map[string]any{"text": "x", "poll": []any{"a", strings.Repeat("b", 26)}},
			"poll[1]: wrong length: 26 characters; an option has 1 to 25. Fix: write the option in 1 to 25 characters."},
		{"gif url", "publish_text", map[string]any{"text": "x", "gif": "https://giphy.com/gifs/abc"},
			`gif: not a GIPHY id: got "https://giphy.com/gifs/abc". Fix: give the id of the GIF on GIPHY (the last part of its giphy.com URL), not a URL.`},
		{"attachment too long", "publish_text", map[string]any{"text": "x", "text_attachment": map[string]any{"plaintext": strings.Repeat("a", 10001)}},
			"text_attachment.plaintext: too long: counted 10001 of 10000 characters"},
		{"overlapping styles", "publish_text", map[string]any{"text": "x", "text_attachment": map[string]any{"plaintext": "hello world",
			"styles": []any{map[string]any{"offset": 0, "length": 5, "styles": []any{"bold"}}, map[string]any{"offset": 3, "length": 4, "styles": []any{"italic"}}}}},
			"text_attachment.styles[1]: overlapping styles: styles[1] (3–7) overlaps styles[0] (0–5). Fix: split the ranges so they do not overlap; one range may carry several styles."},
		{"style outside", "publish_text", map[string]any{"text": "x", "text_attachment": map[string]any{"plaintext": "héllo",
			"styles": []any{map[string]any{"offset": 3, "length": 3, "styles": []any{"bold"}}}}},
			"text_attachment.styles[0]: outside plaintext: offset 3, length 3; plaintext has 5 Unicode code points. Fix: give offset ≥ 0 and length ≥ 1, in Unicode code points, ending within plaintext."},
		{"spoiler not in text", "publish_text", map[string]any{"text": "the end", "spoilers": []any{"the butler"}},
			`spoilers[0]: not in text: "the butler" does not occur in text (again, if repeated) without overlapping another spoiler. Fix: copy the passage exactly as it appears in text.`},
		{"country code", "publish_text", map[string]any{"text": "x", "allowlisted_country_codes": []any{"USA"}},
			`allowlisted_country_codes[0]: not an ISO 3166-1 alpha-2 code: got "USA". Fix: use two-letter country codes such as "US", "DE" or "JP".`},
		{"reply alt text without media", "reply", map[string]any{"reply_to_id": "123", "text": "x", "alt_text": "a cat"},
			"alt_text: only with media: alt_text describes an image or video, and the reply has none. Fix: attach image_url or video_url, or drop alt_text."},
		{"reply media and image_url", "reply", map[string]any{"reply_to_id": "123", "image_url": "https://example.com/a.png",
			"media": map[string]any{"type": "image", "url": "https://example.com/b.png"}},
			"media: not with image_url or video_url: a reply carries one media item: media and image_url/video_url are both set. Fix: keep only media, or only image_url/video_url."},
		{"reply media without a source", "reply", map[string]any{"reply_to_id": "123", "media": map[string]any{"type": "video"}},
			"media.url: required"},
		{"ghost reply", "reply", map[string]any{"reply_to_id": "123", "text": "x", "ghost": true},
			"ghost: not on a reply: Threads does not publish a ghost post as a reply. Fix: drop ghost to reply, or publish the ghost post with publish_text."},
		{"ghost reply and a bad id", "reply", map[string]any{"reply_to_id": "abc", "text": "x", "ghost": true},
			"ghost: not on a reply: Threads does not publish a ghost post as a reply. Fix: drop ghost to reply, or publish the ghost post with publish_text.\n" +
				`reply_to_id: invalid format: "abc" does not match ^[0-9]{1,30}$.`},
		{"location on a reply", "reply", map[string]any{"reply_to_id": "123", "text": "x", "location_id": "106377336067638"},
			"location_id: posts only: location_id is a setting of top-level posts (Meta documents it for posts, not replies). Fix: drop location_id to reply, or publish a post with publish_text."},
		{"geo-gated reply", "reply", map[string]any{"reply_to_id": "123", "text": "x", "allowlisted_country_codes": []any{"US"}},
			"allowlisted_country_codes: posts only: allowlisted_country_codes is a setting of top-level posts (Meta documents it for posts, not replies). Fix: drop allowlisted_country_codes to reply, or publish a post with publish_text."},
		{"reply approvals on a reply", "reply", map[string]any{"reply_to_id": "123", "text": "x", "enable_reply_approvals": true},
			"enable_reply_approvals: posts only: enable_reply_approvals is a setting of top-level posts (Meta documents it for posts, not replies). Fix: drop enable_reply_approvals to reply, or publish a post with publish_text."},
		{"reply shared to a story", "reply", map[string]any{"reply_to_id": "123", "text": "x", "share_to_instagram_story": true},
			"share_to_instagram_story: posts only: share_to_instagram_story is a setting of top-level posts (Meta documents it for posts, not replies). Fix: drop share_to_instagram_story to reply, or publish a post with publish_text."},
		{"poll on an image reply", "reply", map[string]any{"reply_to_id": "123", "text": "x", "image_url": "https://cdn.example.com/p.jpg", "poll": []any{"a", "b"}},
			"poll: text posts only: a poll goes on a text-only post or reply, and image_url is set. Fix: drop poll or image_url, and post the other in a reply of its own."},
		{"gif on a video reply", "reply", map[string]any{"reply_to_id": "123", "video_url": "https://cdn.example.com/v.mp4", "gif": "3o7TKSjRrfIPjeiVyM"},
			"gif: text posts only: a GIF goes on a text-only post or reply, and video_url is set. Fix: drop gif or video_url, and post the other in a reply of its own."},
		{"text attachment on an image reply", "reply", map[string]any{"reply_to_id": "123", "image_url": "https://cdn.example.com/p.jpg", "text_attachment": ta},
			"text_attachment: text posts only: a text attachment goes on a text-only post or reply, and image_url is set. Fix: drop text_attachment or image_url, and post the other in a reply of its own."},
		{"reply poll and gif", "reply", map[string]any{"reply_to_id": "123", "text": "x", "poll": []any{"a", "b"}, "gif": "abc"},
			"gif: one attachment per post: poll and gif are both set; a post carries one attachment: a poll, a GIF or a text attachment. Fix: keep one of them, and publish the others as separate posts or replies."},
		{"reply text attachment and poll", "reply", map[string]any{"reply_to_id": "123", "text": "x", "poll": []any{"a", "b"}, "text_attachment": ta},
			"text_attachment: one attachment per post: poll and text_attachment are both set; a post carries one attachment: a poll, a GIF or a text attachment. Fix: keep one of them, and publish the others as separate posts or replies."},
		{"reply poll of one", "reply", map[string]any{"reply_to_id": "123", "text": "x", "poll": []any{"a"}},
			"poll: too few items: got 1, minimum 2. Fix: add at least 1 item(s)."},
		{"reply overlapping styles", "reply", map[string]any{"reply_to_id": "123", "text": "x", "text_attachment": map[string]any{"plaintext": "hello world",
			"styles": []any{map[string]any{"offset": 0, "length": 5, "styles": []any{"bold"}}, map[string]any{"offset": 3, "length": 4, "styles": []any{"italic"}}}}},
			"text_attachment.styles[1]: overlapping styles: styles[1] (3–7) overlaps styles[0] (0–5). Fix: split the ranges so they do not overlap; one range may carry several styles."},
		{"reply spoiler media without media", "reply", map[string]any{"reply_to_id": "123", "text": "x", "spoiler_media": true},
			"spoiler_media: needs media: spoiler_media blurs a reply's image or video, and this reply has none. Fix: remove spoiler_media, or give the reply media."},
		{"thread spoiler without media", "publish_thread", map[string]any{"parts": []any{
			map[string]any{"text": "one"}, map[string]any{"text": "two", "spoiler_media": true}}},
			"parts[1].spoiler_media: needs media: spoiler_media blurs a part's image, video or carousel, and this part has none. Fix: remove parts[1].spoiler_media, or give the part media."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.emu.ResetRequests()
			res, _ := e.call(t, tc.tool, tc.args, false)
			want := tc.tool + ": invalid input, nothing was sent to Threads.\n" + tc.want
			if !res.IsError || !strings.HasPrefix(text(res), want) {
				t.Errorf("got  %s\nwant %s", text(res), want)
			}
			if n := len(e.emu.Requests()); n != 0 {
				t.Errorf("%d requests reached Threads", n)
			}
			// validate_post gives the same verdict.
			_, vc := e.call(t, "validate_post", map[string]any{"tool": tc.tool, "arguments": tc.args}, false)
			if vc["error"] != text(res) {
				t.Errorf("validate_post verdict differs: %v", vc["error"])
			}
		})
	}
}

// containersSent returns the form (and query) of every container created
// (POST …/threads), in order.
func containersSent(e *env) []map[string]string {
	var out []map[string]string
	for _, r := range e.emu.Requests() {
		if r.Method != "POST" || !strings.HasSuffix(r.Path, "/threads") {
			continue
		}
		m := map[string]string{}
		for k := range r.Query {
			m[k] = r.Query.Get(k)
		}
		for k := range r.Form {
			m[k] = r.Form.Get(k)
		}
		out = append(out, m)
	}
	return out
}

// TestSpoilerMediaReachesThreads: spoiler_media on a carousel, and on a
// thread part's media or first-part carousel, is sent as is_spoiler_media
// on that post's container (not on the carousel items, not on other parts),
// exactly as publish_media sends it.
func TestSpoilerMediaReachesThreads(t *testing.T) {
	e := newEnv(t)
	img := func(u string) map[string]any {
		return map[string]any{"type": "image", "url": "https://cdn.example.com/" + u}
	}
	tests := []struct {
		name string
		tool string
		args map[string]any
		// spoiler: the media_type of each container created, in order,
		// and whether it carried is_spoiler_media=true.
		want []string
	}{
		{"carousel", "publish_carousel", map[string]any{"items": []any{img("s1.jpg"), img("s2.jpg")}, "spoiler_media": true},
			[]string{"IMAGE", "IMAGE", "CAROUSEL spoiler"}},
		{"carousel without", "publish_carousel", map[string]any{"items": []any{img("s3.jpg"), img("s4.jpg")}},
			[]string{"IMAGE", "IMAGE", "CAROUSEL"}},
		{"single media", "publish_media", map[string]any{"type": "image", "url": "https://cdn.example.com/s5.jpg", "spoiler_media": true},
			[]string{"IMAGE spoiler"}},
		{"thread part media", "publish_thread", map[string]any{"parts": []any{
			map[string]any{"text": "1. no spoiler", "media": img("s6.jpg")},
			map[string]any{"text": "2. spoiler", "media": map[string]any{"type": "video", "url": "https://cdn.example.com/s7.mp4"}, "spoiler_media": true},
			map[string]any{"text": "3. text"}}},
			[]string{"IMAGE", "VIDEO spoiler", "TEXT"}},
		{"thread first-part carousel", "publish_thread", map[string]any{"parts": []any{
			map[string]any{"text": "1. carousel", "items": []any{img("s8.jpg"), img("s9.jpg")}, "spoiler_media": true},
			map[string]any{"text": "2. text"}}},
			[]string{"IMAGE", "IMAGE", "CAROUSEL spoiler", "TEXT"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.emu.ResetRequests()
			res, _ := e.call(t, tc.tool, tc.args, false)
			if res.IsError {
				t.Fatalf("isError: %s", text(res))
			}
			var got []string
			for _, c := range containersSent(e) {
				s := c["media_type"]
				switch c["is_spoiler_media"] {
				case "true":
					s += " spoiler"
				case "":
				default:
					t.Errorf("is_spoiler_media = %q", c["is_spoiler_media"])
				}
				got = append(got, s)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("containers sent %q, want %q", got, tc.want)
			}
			// validate_post shows the same parameter on the same containers.
			_, vc := e.call(t, "validate_post", map[string]any{"tool": tc.tool, "arguments": tc.args}, false)
			cs, _ := vc["containers"].([]any)
			var spoilers, wantSpoilers int
			for _, c := range cs {
				if c.(map[string]any)["params"].(map[string]any)["is_spoiler_media"] == "true" {
					spoilers++
				}
			}
			for _, w := range tc.want {
				if strings.HasSuffix(w, " spoiler") {
					wantSpoilers++
				}
			}
			if spoilers != wantSpoilers {
				t.Errorf("validate_post shows is_spoiler_media on %d containers, want %d: %v", spoilers, wantSpoilers, cs)
			}
		})
	}
}

func TestGeoGatingEligibility(t *testing.T) {
	emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel))
	t.Cleanup(emu.Close)
	small := emu.IssueToken(emu.UserIDByUsername("lin_makes"), append(emulator.DefaultScopes, "threads_location_tagging"), time.Hour)
	e := newEnvWith(t, emu, small)
	emu.ResetRequests()
	res, _ := e.call(t, "publish_text", map[string]any{"text": "only here", "allowlisted_country_codes": []any{"US"}}, false)
	const want = "publish_text: this account is not eligible for geo-gating (Threads reports is_eligible_for_geo_gating false), so " +
		"allowlisted_country_codes cannot be used; nothing was published. Fix: remove allowlisted_country_codes to publish to everyone."
	if !res.IsError || text(res) != want {
		t.Errorf("got  %s\nwant %s", text(res), want)
	}
	for _, r := range emu.Requests() {
		if r.Method == "POST" {
			t.Errorf("a POST reached Threads: %s", r.Path)
		}
	}
}

func TestReplyAltTextAndSpoilers(t *testing.T) {
	e := newEnv(t)
	post := e.demoPost(t)
	e.emu.ResetRequests()
	res, _ := e.call(t, "reply", map[string]any{"reply_to_id": post, "text": "spoiler: it works", "image_url": "https://cdn.example.com/r.jpg",
		"alt_text": "a screenshot", "spoilers": []any{"it works"}}, false)
	if res.IsError {
		t.Fatalf("reply: %s", text(res))
	}
	got := sentParams(t, e)
	if got["alt_text"] != "a screenshot" || got["text_entities"] != `[{"entity_type":"SPOILER","offset":9,"length":8}]` || got["reply_to_id"] != post {
		t.Errorf("sent %v", got)
	}
}

func TestShareToInstagramStory(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		tool string
		args map[string]any
	}{
		{"publish_text", map[string]any{"text": "also on IG", "share_to_instagram_story": true}},
		{"publish_media", map[string]any{"type": "image", "url": "https://cdn.example.com/ig.jpg", "share_to_instagram_story": true}},
	} {
		e.emu.ResetRequests()
		if res, _ := e.call(t, tc.tool, tc.args, false); res.IsError {
			t.Fatalf("%s: %s", tc.tool, text(res))
		}
		if got := sentParams(t, e)["crossreshare_to_ig"]; got != "true" {
			t.Errorf("%s: crossreshare_to_ig = %q", tc.tool, got)
		}
	}
	emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel))
	t.Cleanup(emu.Close)
	limited := newEnvWith(t, emu, emu.IssueToken(emu.DemoUserID(), emulator.DefaultScopes, time.Hour))
	res, _ := limited.call(t, "publish_text", map[string]any{"text": "no IG scope", "share_to_instagram_story": true}, false)
	if !res.IsError || !strings.Contains(text(res), "permission") {
		t.Errorf("without threads_share_to_instagram: %s", text(res))
	}

	// Threads reports a failed share: the post is live, the note says so.
	failed := newEnvWith(t, emu, emu.DemoToken(), envConfig{wrap: func(a tools.API) tools.API {
		return &hookAPI{API: a, after: func(r *threads.PublishResult, err error) (*threads.PublishResult, error) {
			if r != nil {
				r.CrossShareToIGStatus = "FAILED"
			}
			return r, err
		}}
	}})
	res, sc := failed.call(t, "publish_media", map[string]any{"type": "image", "url": "https://cdn.example.com/ig2.jpg", "share_to_instagram_story": true}, false)
	const note = "The post is live, but sharing it to the Instagram story FAILED (Threads does not retry it; share it from the app)."
	if res.IsError || sc["note"] != note {
		t.Errorf("failed share: %s", text(res))
	}
}

// TestReplyAttachmentsReachThreads: the content attachments publish_text
// takes go on a reply too, with the same container parameters, and the
// emulator (enforcing Meta's rules on its own) publishes them as replies.
func TestReplyAttachmentsReachThreads(t *testing.T) {
	e := newEnv(t)
	post := e.demoPost(t)
	tests := []struct {
		name string
		args map[string]any
		want map[string]string
	}{
		{"poll", map[string]any{"text": "Which one?", "poll": []any{"A ", "B"}},
			map[string]string{"media_type": "TEXT", "poll_attachment": `{"option_a":"A","option_b":"B"}`}},
		{"gif", map[string]any{"text": "same", "gif": "3o7TKSjRrfIPjeiVyM"},
			map[string]string{"media_type": "TEXT", "gif_attachment": `{"gif_id":"3o7TKSjRrfIPjeiVyM","provider":"GIPHY"}`}},
		{"text attachment", map[string]any{"text": "the long answer", "text_attachment": map[string]any{"plaintext": "Long answer here.",
			"link": "https://example.com/more", "styles": []any{map[string]any{"offset": 0, "length": 4, "styles": []any{"bold"}}}}},
			map[string]string{"media_type": "TEXT", "text_attachment": `{"plaintext":"Long answer here.","link_attachment_url":"https://example.com/more",` +
				`"text_with_styling_info":[{"offset":0,"length":4,"styling_info":["bold"]}]}`}},
		{"spoiler image", map[string]any{"text": "do not look", "image_url": "https://cdn.example.com/spoil.jpg", "spoiler_media": true, "spoilers": []any{"look"}},
			map[string]string{"media_type": "IMAGE", "is_spoiler_media": "true", "text_entities": `[{"entity_type":"SPOILER","offset":7,"length":4}]`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := map[string]any{"reply_to_id": post}
			for k, v := range tc.args {
				args[k] = v
			}
			e.emu.ResetRequests()
			res, sc := e.call(t, "reply", args, false)
			if res.IsError {
				t.Fatalf("isError: %s", text(res))
			}
			got := sentParams(t, e)
			if got["reply_to_id"] != post {
				t.Errorf("reply_to_id = %q, want %q", got["reply_to_id"], post)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
			var live bool
			for _, p := range e.emu.Posts(e.emu.DemoUserID()) {
				if p.ID == sc["id"] {
					live = p.ReplyToID == post
				}
			}
			if !live {
				t.Errorf("reply %v is not live as a reply to %s", sc["id"], post)
			}
			_, vc := e.call(t, "validate_post", map[string]any{"tool": "reply", "arguments": args}, false)
			cs, _ := vc["containers"].([]any)
			if len(cs) != 1 {
				t.Fatalf("validate_post containers: %v", vc)
			}
			params := cs[0].(map[string]any)["params"].(map[string]any)
			for k, v := range tc.want {
				if params[k] != v {
					t.Errorf("validate_post %s = %v, want %q", k, params[k], v)
				}
			}
		})
	}
}
