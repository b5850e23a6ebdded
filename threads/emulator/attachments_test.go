package emulator

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// metaErr is the error object Meta answers for a refused parameter: HTTP 400,
// code 100, THApiException, with message msg (fbtrace_id aside).
func metaErr(msg string) map[string]any {
	return map[string]any{"message": msg, "type": "THApiException", "code": 100.0}
}

// wantMetaErr asserts r is exactly the error object want (fbtrace_id aside).
func wantMetaErr(t *testing.T, r resp, status int, want map[string]any) {
	t.Helper()
	got := map[string]any{}
	for k, v := range r.errObj() {
		if k != "fbtrace_id" {
			got[k] = v
		}
	}
	if r.status != status || !reflect.DeepEqual(got, want) {
		w, _ := json.Marshal(want)
		t.Fatalf("got HTTP %d %s\nwant HTTP %d {\"error\":%s}", r.status, r.raw, status, w)
	}
}

// attachmentCase is one container-create request and Meta's answer: msg ""
// means the container is created.
type attachmentCase struct {
	name   string
	params []string
	msg    string
}

func runAttachmentCases(t *testing.T, a *api, tests []attachmentCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := a.post("/v1.0/me/threads", tc.params...)
			if tc.msg == "" {
				if mustOK(t, r).id() == "" {
					t.Fatalf("no id: %s", r.raw)
				}
				return
			}
			wantMetaErr(t, r, 400, metaErr(tc.msg))
		})
	}
}

func text(kv ...string) []string { return append([]string{"media_type", "TEXT", "text", "q"}, kv...) }

func image(kv ...string) []string {
	return append([]string{"media_type", "IMAGE", "image_url", "https://x.example/a.jpg"}, kv...)
}

// Polls: https://developers.facebook.com/docs/threads/create-posts/polls
// ("at least 2 options and no more than 4", "between 1 and 25 characters",
// "only to text-only posts"; replies are not excluded).
func TestPollRules(t *testing.T) {
	_, _, a := newWorld(t)
	parent := a.publishText("parent")
	runAttachmentCases(t, a, []attachmentCase{
		{"two options", text("poll_attachment", `{"option_a":"a","option_b":"b"}`), ""},
		{"four options of 25", text("poll_attachment", `{"option_a":"`+strings.Repeat("é", 25)+`","option_b":"b","option_c":"c","option_d":"d"}`), ""},
		{"on a reply", text("reply_to_id", parent, "poll_attachment", `{"option_a":"a","option_b":"b"}`), ""},
		{"one option", text("poll_attachment", `{"option_a":"a"}`), "Param poll_attachment must have 2 to 4 options"},
		{"no options", text("poll_attachment", `{}`), "Param poll_attachment must have 2 to 4 options"},
		{"fifth option", text("poll_attachment", `{"option_a":"a","option_b":"b","option_c":"c","option_d":"d","option_e":"e"}`), `Param poll_attachment has an unknown key "option_e"`},
		{"gap", text("poll_attachment", `{"option_a":"a","option_b":"b","option_d":"d"}`), "Param poll_attachment: option_d requires option_c"},
		{"empty option", text("poll_attachment", `{"option_a":"","option_b":"b"}`), "Param poll_attachment.option_a must be 1 to 25 characters long"},
		{"26 characters", text("poll_attachment", `{"option_a":"a","option_b":"`+strings.Repeat("b", 26)+`"}`), "Param poll_attachment.option_b must be 1 to 25 characters long"},
		{"not JSON", text("poll_attachment", `option_a=a`), "Param poll_attachment must be a JSON object of option_a..option_d strings"},
		{"on an image", image("poll_attachment", `{"option_a":"a","option_b":"b"}`), "Param poll_attachment is only supported on TEXT posts"},
		{"with a text attachment", text("poll_attachment", `{"option_a":"a","option_b":"b"}`, "text_attachment", `{"plaintext":"long"}`), "Param text_attachment cannot be combined with poll_attachment"},
	})
}

// GIFs: https://developers.facebook.com/docs/threads/posts (GIPHY is the
// only provider; text posts only); one attachment, one card per post.
func TestGIFRules(t *testing.T) {
	_, _, a := newWorld(t)
	gif := `{"gif_id":"3o7TKSjRrfIPjeiVyM","provider":"GIPHY"}`
	runAttachmentCases(t, a, []attachmentCase{
		{"GIPHY", text("gif_attachment", gif), ""},
		{"with a link in the text", []string{"media_type", "TEXT", "text", "see https://a.example", "gif_attachment", gif}, ""},
		{"Tenor", text("gif_attachment", `{"gif_id":"x","provider":"TENOR"}`), "Param gif_attachment.provider must be GIPHY"},
		{"no provider", text("gif_attachment", `{"gif_id":"x"}`), "Param gif_attachment.provider must be GIPHY"},
		{"no id", text("gif_attachment", `{"provider":"GIPHY"}`), "Param gif_attachment must be a JSON object with gif_id and provider"},
		{"on an image", image("gif_attachment", gif), "Param gif_attachment is only supported on TEXT posts"},
		{"on a video", []string{"media_type", "VIDEO", "video_url", "https://x.example/v.mp4", "gif_attachment", gif}, "Param gif_attachment is only supported on TEXT posts"},
		{"with link_attachment", text("gif_attachment", gif, "link_attachment", "https://a.example"), "Param gif_attachment cannot be combined with link_attachment"},
		{"with a poll", text("gif_attachment", gif, "poll_attachment", `{"option_a":"a","option_b":"b"}`), "Param gif_attachment cannot be combined with poll_attachment"},
		{"with a text attachment", text("gif_attachment", gif, "text_attachment", `{"plaintext":"long"}`), "Param gif_attachment cannot be combined with text_attachment"},
	})
}

// Text attachments: https://developers.facebook.com/docs/threads/create-posts/text-attachments
// (10,000 characters, text-only posts and replies, not with a poll, no
// link_attachment_url when the post has a link_attachment; styling ranges
// must not overlap).
func TestTextAttachmentRules(t *testing.T) {
	_, _, a := newWorld(t)
	parent := a.publishText("parent")
	ta := func(plain string, styles ...string) string {
		return `{"plaintext":"` + plain + `","text_with_styling_info":[` + strings.Join(styles, ",") + `]}`
	}
	style := func(off, n int, s string) string {
		b, _ := json.Marshal(map[string]any{"offset": off, "length": n, "styling_info": []string{s}})
		return string(b)
	}
	runAttachmentCases(t, a, []attachmentCase{
		{"10,000 characters", text("text_attachment", ta(strings.Repeat("x", 10000))), ""},
		{"emoji cost their bytes: 2,500 fit", text("text_attachment", ta(strings.Repeat("😀", 2500))), ""},
		{"styles up to the end", text("text_attachment", ta("héllo", style(0, 1, "bold"), style(1, 4, "italic"))), ""},
		{"every style", text("text_attachment", `{"plaintext":"hello","text_with_styling_info":[{"offset":0,"length":5,"styling_info":["bold","italic","highlight","underline","strikethrough"]}]}`), ""},
		{"with link_attachment but no own link", text("text_attachment", `{"plaintext":"p"}`, "link_attachment", "https://a.example"), ""},
		{"own link", text("text_attachment", `{"plaintext":"p","link_attachment_url":"https://b.example"}`), ""},
		{"on a reply", text("reply_to_id", parent, "text_attachment", `{"plaintext":"p"}`), ""},
		{"10,001 characters", text("text_attachment", ta(strings.Repeat("x", 10001))), "Param text_attachment.plaintext must be at most 10000 characters long."},
		{"2,501 emoji", text("text_attachment", ta(strings.Repeat("😀", 2501))), "Param text_attachment.plaintext must be at most 10000 characters long."},
		{"no plaintext", text("text_attachment", `{"link_attachment_url":"https://b.example"}`), "Param text_attachment.plaintext is required"},
		{"not JSON", text("text_attachment", `plaintext`), "Param text_attachment must be a JSON object"},
		{"bad link", text("text_attachment", `{"plaintext":"p","link_attachment_url":"nope"}`), "Param text_attachment.link_attachment_url is not a valid URI."},
		{"style past the end", text("text_attachment", ta("héllo", style(3, 3, "bold"))), "Param text_attachment.text_with_styling_info range (offset 3, length 3) is outside plaintext (5 code_points)"},
		{"style after the end", text("text_attachment", ta("héllo", style(5, 1, "bold"))), "Param text_attachment.text_with_styling_info range (offset 5, length 1) is outside plaintext (5 code_points)"},
		{"empty style", text("text_attachment", ta("hello", style(0, 0, "bold"))), "Param text_attachment.text_with_styling_info needs offset >= 0 and length >= 1"},
		{"overlapping styles", text("text_attachment", ta("hello world", style(0, 5, "bold"), style(4, 3, "italic"))), "Param text_attachment.text_with_styling_info ranges must not overlap"},
		{"unknown style", text("text_attachment", ta("hello", style(0, 5, "shadow"))), `Param text_attachment.text_with_styling_info has an unknown style "shadow"`},
		{"on an image", image("text_attachment", `{"plaintext":"p"}`), "Param text_attachment is only supported on TEXT posts"},
		{"own link and link_attachment", text("text_attachment", `{"plaintext":"p","link_attachment_url":"https://b.example"}`, "link_attachment", "https://a.example"), "Param text_attachment.link_attachment_url cannot be combined with link_attachment"},
	})
}

// Spoilers: https://developers.facebook.com/docs/threads/create-posts/spoilers
// (at most 10 text entities of type SPOILER or spoiler; media spoilers on
// IMAGE, VIDEO and CAROUSEL only).
func TestSpoilerRules(t *testing.T) {
	_, _, a := newWorld(t)
	ent := func(off, n int) string {
		return `{"entity_type":"SPOILER","offset":` + itoa(int64(off)) + `,"length":` + itoa(int64(n)) + `}`
	}
	list := func(e ...string) string { return "[" + strings.Join(e, ",") + "]" }
	ten := list(strings.Split(strings.Repeat(ent(0, 1)+";", 10), ";")[:10]...)
	eleven := list(strings.Split(strings.Repeat(ent(0, 1)+";", 11), ";")[:11]...)
	runAttachmentCases(t, a, []attachmentCase{
		{"ten", text("text_entities", ten), ""},
		{"lowercase type", text("text_entities", `[{"entity_type":"spoiler","offset":0,"length":1}]`), ""},
		{"up to the end", []string{"media_type", "TEXT", "text", "big 😀 news", "text_entities", list(ent(4, 6))}, ""},
		{"on an image caption", image("text", "caption", "text_entities", list(ent(0, 7))), ""},
		{"spoiler media on an image", image("is_spoiler_media", "true"), ""},
		{"spoiler media on a video", []string{"media_type", "VIDEO", "video_url", "https://x.example/v.mp4", "is_spoiler_media", "true"}, ""},
		{"eleven", text("text_entities", eleven), "Param text_entities must contain at most 10 entities"},
		{"past the end", []string{"media_type", "TEXT", "text", "big 😀 news", "text_entities", list(ent(4, 7))}, "Param text_entities range (offset 4, length 7) is outside text (10 code_points)"},
		{"caption-less image", image("text_entities", list(ent(0, 1))), "Param text_entities range (offset 0, length 1) is outside text (0 code_points)"},
		{"empty range", text("text_entities", list(ent(0, 0))), "Param text_entities needs offset >= 0 and length >= 1"},
		{"negative offset", text("text_entities", list(ent(-1, 1))), "Param text_entities needs offset >= 0 and length >= 1"},
		{"other entity type", text("text_entities", `[{"entity_type":"BOLD","offset":0,"length":1}]`), "Param text_entities.entity_type must be SPOILER"},
		{"not a list", text("text_entities", `{"entity_type":"SPOILER"}`), "Param text_entities must be a JSON array"},
		{"spoiler media on text", text("is_spoiler_media", "true"), "Param is_spoiler_media is not supported on TEXT posts"},
	})
}

// TestSpoilerOffsetUnit: the unit of ranges is UNCONFIRMED, so
// Config.EntityOffsetUnit selects it; code points by default.
func TestSpoilerOffsetUnit(t *testing.T) {
	const txt = "😀😀 secret" // 9 code points, 11 UTF-16 units
	spoiler := `[{"entity_type":"SPOILER","offset":3,"length":8}]`
	styled := `{"plaintext":"` + txt + `","text_with_styling_info":[{"offset":3,"length":8,"styling_info":["bold"]}]}`
	tests := []struct {
		unit     OffsetUnit
		spoiler  string // "" when accepted
		styleMsg string
	}{
		{"", "Param text_entities range (offset 3, length 8) is outside text (9 code_points)",
			"Param text_attachment.text_with_styling_info range (offset 3, length 8) is outside plaintext (9 code_points)"},
		{OffsetCodePoints, "Param text_entities range (offset 3, length 8) is outside text (9 code_points)",
			"Param text_attachment.text_with_styling_info range (offset 3, length 8) is outside plaintext (9 code_points)"},
		{OffsetUTF16, "", ""},
	}
	for _, tc := range tests {
		t.Run(string(tc.unit), func(t *testing.T) {
			_, _, a := newWorld(t, WithConfig(Config{EntityOffsetUnit: tc.unit}))
			runAttachmentCases(t, a, []attachmentCase{
				{"spoiler", []string{"media_type", "TEXT", "text", txt, "text_entities", spoiler}, tc.spoiler},
				{"style", text("text_attachment", styled), tc.styleMsg},
			})
		})
	}
}

// Ghost posts: https://developers.facebook.com/docs/threads/create-posts/ghost-posts
// ("text-only posts", "cannot reply to any post with a ghost post", "the
// only feature supported with ghost posts is text spoilers"; archived after
// 24 hours).
func TestGhostRules(t *testing.T) {
	_, _, a := newWorld(t)
	parent := a.publishText("parent")
	g := func(kv ...string) []string { return text(append([]string{"is_ghost_post", "true"}, kv...)...) }
	runAttachmentCases(t, a, []attachmentCase{
		{"text", g(), ""},
		{"with a spoiler", g("text_entities", `[{"entity_type":"SPOILER","offset":0,"length":1}]`), ""},
		{"on an image", image("is_ghost_post", "true"), "Param is_ghost_post is only supported on TEXT posts"},
		{"as a reply", g("reply_to_id", parent), "Param is_ghost_post cannot be used on a reply"},
		{"with a poll", g("poll_attachment", `{"option_a":"a","option_b":"b"}`), "Param poll_attachment cannot be combined with is_ghost_post"},
		{"with a GIF", g("gif_attachment", `{"gif_id":"x","provider":"GIPHY"}`), "Param gif_attachment cannot be combined with is_ghost_post"},
		{"with a text attachment", g("text_attachment", `{"plaintext":"p"}`), "Param text_attachment cannot be combined with is_ghost_post"},
		{"with link_attachment", g("link_attachment", "https://a.example"), "Param link_attachment cannot be combined with is_ghost_post"},
		{"quoting", g("quote_post_id", parent), "Param quote_post_id cannot be combined with is_ghost_post"},
		{"with a location", g("location_id", "106377336067638"), "Param location_id cannot be combined with is_ghost_post"},
		{"geo-gated", g("allowlisted_country_codes", "US"), "Param allowlisted_country_codes cannot be combined with is_ghost_post"},
		{"with reply approvals", g("enable_reply_approvals", "true"), "Param enable_reply_approvals cannot be combined with is_ghost_post"},
	})
}

// TestGhostArchivedAfter24h: a ghost post is ACTIVE until 24 h after
// publishing on the emulator's clock, then ARCHIVED.
func TestGhostArchivedAfter24h(t *testing.T) {
	_, clk, a := newWorld(t)
	id := a.publishText("gone tomorrow", "is_ghost_post", "true")
	status := func() any {
		return mustOK(t, a.get("/v1.0/"+id, "fields", "ghost_post_status")).body["ghost_post_status"]
	}
	clk.Advance(24*time.Hour - time.Second)
	if s := status(); s != "ACTIVE" {
		t.Fatalf("after 23:59:59 status = %v, want ACTIVE", s)
	}
	clk.Advance(time.Second)
	if s := status(); s != "ARCHIVED" {
		t.Fatalf("after 24 h status = %v, want ARCHIVED", s)
	}
}

// Geo-gating: https://developers.facebook.com/docs/threads/posts/geo-gating
// ("valid ISO 3166-1 alpha-2 country codes"; eligible users only).
func TestGeoGatingRules(t *testing.T) {
	s, _, a := newWorld(t)
	runAttachmentCases(t, a, []attachmentCase{
		{"two codes", text("allowlisted_country_codes", "US,GB"), ""},
		{"spaces", text("allowlisted_country_codes", "US, SI"), ""},
		{"three letters", text("allowlisted_country_codes", "US,USA"), `THREADS_API__GEO_GATING_INVALID_COUNTRY_CODES: "USA" is not an ISO 3166-1 alpha-2 country code`},
		{"lowercase", text("allowlisted_country_codes", "us"), `THREADS_API__GEO_GATING_INVALID_COUNTRY_CODES: "us" is not an ISO 3166-1 alpha-2 country code`},
		{"unassigned", text("allowlisted_country_codes", "XX"), `THREADS_API__GEO_GATING_INVALID_COUNTRY_CODES: "XX" is not an ISO 3166-1 alpha-2 country code`},
		{"UK is not ISO", text("allowlisted_country_codes", "UK"), `THREADS_API__GEO_GATING_INVALID_COUNTRY_CODES: "UK" is not an ISO 3166-1 alpha-2 country code`},
		{"empty item", text("allowlisted_country_codes", "US,"), `THREADS_API__GEO_GATING_INVALID_COUNTRY_CODES: "" is not an ISO 3166-1 alpha-2 country code`},
	})

	notAvailable := metaErr("THREADS_API__FEATURE_NOT_AVAILABLE: this account is not eligible for geo-gating (allowlisted_country_codes)")
	eligible := func(b *api) any {
		return mustOK(t, b.get("/v1.0/me", "fields", "is_eligible_for_geo_gating")).body["is_eligible_for_geo_gating"]
	}
	t.Run("few followers", func(t *testing.T) {
		b := a.as(s.IssueToken(s.UserIDByUsername("lin_makes"), AllScopes, time.Hour))
		if eligible(b) != false {
			t.Errorf("lin_makes eligible = %v", eligible(b))
		}
		wantMetaErr(t, b.post("/v1.0/me/threads", text("allowlisted_country_codes", "US")...), 400, notAvailable)
	})
	t.Run("UserSpec", func(t *testing.T) {
		b := a.as(s.IssueToken(s.AddUser(UserSpec{Username: "big_but_gated", Followers: 50000, GeoGatingIneligible: true}), AllScopes, time.Hour))
		if eligible(b) != false {
			t.Errorf("eligible = %v", eligible(b))
		}
		wantMetaErr(t, b.post("/v1.0/me/threads", text("allowlisted_country_codes", "US")...), 400, notAvailable)
		mustOK(t, b.post("/v1.0/me/threads", text()...))
	})
	t.Run("admin endpoint", func(t *testing.T) {
		_, _, a := newWorld(t)
		if eligible(a) != true {
			t.Fatalf("demo eligible = %v", eligible(a))
		}
		if r := a.admin(http.MethodPost, "/_emulator/faults", `{"geo_gating_ineligible":["nobody_here"]}`); r.status != 400 {
			t.Errorf("unknown user: HTTP %d %s", r.status, r.raw)
		}
		if r := a.admin(http.MethodPost, "/_emulator/faults", `{"geo_gating_ineligible":["demo"]}`); r.status != 200 {
			t.Fatalf("HTTP %d %s", r.status, r.raw)
		}
		if eligible(a) != false {
			t.Errorf("demo eligible after the admin call = %v", eligible(a))
		}
		wantMetaErr(t, a.post("/v1.0/me/threads", text("allowlisted_country_codes", "US")...), 400, notAvailable)
	})
	t.Run("Config shape", func(t *testing.T) {
		spec := ErrorSpec{HTTPStatus: 400, Code: 1, Type: "OAuthException", Message: "THREADS_API__FEATURE_NOT_AVAILABLE"}
		s, _, a := newWorld(t, WithConfig(Config{GeoGatingNotAvailableError: spec}))
		b := a.as(s.IssueToken(s.UserIDByUsername("lin_makes"), AllScopes, time.Hour))
		wantMetaErr(t, b.post("/v1.0/me/threads", text("allowlisted_country_codes", "US")...), 400,
			map[string]any{"message": "THREADS_API__FEATURE_NOT_AVAILABLE", "type": "OAuthException", "code": 1.0})
	})
}

// Locations: https://developers.facebook.com/docs/threads/create-posts/location-tagging
// (tag with an id location_search returns; needs threads_location_tagging).
func TestLocationRules(t *testing.T) {
	_, _, a := newWorld(t)
	runAttachmentCases(t, a, []attachmentCase{
		{"known place", text("location_id", "106377336067638"), ""},
		{"on an image", image("location_id", "108424279189115"), ""},
		{"unknown place", text("location_id", "112233"), "Param location_id is not a valid location ID"},
	})
	mid := a.publishText("at the lake", "location_id", "108424279189115")
	if r := mustOK(t, a.get("/v1.0/"+mid, "fields", "location_id")); r.body["location_id"] != "108424279189115" {
		t.Errorf("location_id read back = %v", r.body["location_id"])
	}
}

// Reply approvals (https://developers.facebook.com/docs/threads/reply-management)
// and media spoilers on carousels.
func TestReplyApprovalsAndCarouselSpoiler(t *testing.T) {
	_, _, a := newWorld(t)
	c1 := a.container("media_type", "IMAGE", "image_url", "https://x.example/1.jpg", "is_carousel_item", "true")
	c2 := a.container("media_type", "IMAGE", "image_url", "https://x.example/2.jpg", "is_carousel_item", "true")
	runAttachmentCases(t, a, []attachmentCase{
		{"approvals on text", text("enable_reply_approvals", "true"), ""},
		{"approvals on an image", image("enable_reply_approvals", "true"), ""},
		{"spoiler carousel", []string{"media_type", "CAROUSEL", "children", c1 + "," + c2, "is_spoiler_media", "true"}, ""},
		{"approvals not boolean", text("enable_reply_approvals", "maybe"), "Param enable_reply_approvals must be a boolean"},
		{"spoiler media not boolean", image("is_spoiler_media", "maybe"), "Param is_spoiler_media must be a boolean"},
	})
}

// TestOneAttachmentKind: every incompatible pair of attachments is refused,
// whichever order the parameters come in.
func TestOneAttachmentKind(t *testing.T) {
	_, _, a := newWorld(t)
	kinds := map[string][]string{
		"poll": {"poll_attachment", `{"option_a":"a","option_b":"b"}`},
		"gif":  {"gif_attachment", `{"gif_id":"x","provider":"GIPHY"}`},
		"text": {"text_attachment", `{"plaintext":"p"}`},
		"link": {"link_attachment", "https://a.example"},
	}
	tests := []struct{ a, b, msg string }{
		{"poll", "text", "Param text_attachment cannot be combined with poll_attachment"},
		{"poll", "gif", "Param gif_attachment cannot be combined with poll_attachment"},
		{"gif", "text", "Param gif_attachment cannot be combined with text_attachment"},
		{"gif", "link", "Param gif_attachment cannot be combined with link_attachment"},
	}
	for _, tc := range tests {
		for _, order := range [][2]string{{tc.a, tc.b}, {tc.b, tc.a}} {
			t.Run(order[0]+"+"+order[1], func(t *testing.T) {
				p := text(append(append([]string{}, kinds[order[0]]...), kinds[order[1]]...)...)
				wantMetaErr(t, a.post("/v1.0/me/threads", p...), 400, metaErr(tc.msg))
			})
		}
	}
	for _, media := range [][]string{image(), {"media_type", "VIDEO", "video_url", "https://x.example/v.mp4"}} {
		for name, kv := range kinds {
			t.Run(media[1]+"+"+name, func(t *testing.T) {
				wantMetaErr(t, a.post("/v1.0/me/threads", append(append([]string{}, media...), kv...)...), 400,
					metaErr("Param "+kv[0]+" is only supported on TEXT posts"))
			})
		}
	}
}

// TestReplyAttachmentRules: a reply is a container with reply_to_id, and
// the attachment rules hold for it as for a post. A text attachment is
// "long-form writing in a post or a reply"
// (https://developers.facebook.com/docs/threads/create-posts/text-attachments);
// polls and GIFs go on text-only posts, replies not excluded, and replies
// read back poll_attachment and gif_url
// (https://developers.facebook.com/docs/threads/retrieve-and-manage-replies/replies-and-conversations);
// media spoilers go on image, video and carousel containers
// (https://developers.facebook.com/docs/threads/create-posts/spoilers);
// a ghost post cannot reply
// (https://developers.facebook.com/docs/threads/create-posts/ghost-posts).
func TestReplyAttachmentRules(t *testing.T) {
	_, _, a := newWorld(t)
	parent := a.publishText("parent")
	reply := func(p []string) []string { return append(p, "reply_to_id", parent) }
	video := func(kv ...string) []string {
		return append([]string{"media_type", "VIDEO", "video_url", "https://x.example/v.mp4"}, kv...)
	}
	const (
		poll = `{"option_a":"a","option_b":"b"}`
		gif  = `{"gif_id":"x","provider":"GIPHY"}`
		ta   = `{"plaintext":"p","text_with_styling_info":[{"offset":0,"length":1,"styling_info":["bold"]}]}`
	)
	runAttachmentCases(t, a, []attachmentCase{
		{"text reply with a poll", reply(text("poll_attachment", poll)), ""},
		{"text reply with a GIF", reply(text("gif_attachment", gif)), ""},
		{"text reply with a text attachment", reply(text("text_attachment", ta)), ""},
		{"text reply with a spoiler", reply(text("text_entities", `[{"entity_type":"SPOILER","offset":0,"length":1}]`)), ""},
		{"image reply blurred", reply(image("is_spoiler_media", "true", "alt_text", "a photo")), ""},
		{"video reply blurred", reply(video("is_spoiler_media", "true")), ""},
		{"image reply with a poll", reply(image("poll_attachment", poll)), "Param poll_attachment is only supported on TEXT posts"},
		{"video reply with a GIF", reply(video("gif_attachment", gif)), "Param gif_attachment is only supported on TEXT posts"},
		{"image reply with a text attachment", reply(image("text_attachment", ta)), "Param text_attachment is only supported on TEXT posts"},
		{"text reply blurred", reply(text("is_spoiler_media", "true")), "Param is_spoiler_media is not supported on TEXT posts"},
		{"reply with a poll and a text attachment", reply(text("poll_attachment", poll, "text_attachment", ta)), "Param text_attachment cannot be combined with poll_attachment"},
		{"reply with a poll and a GIF", reply(text("poll_attachment", poll, "gif_attachment", gif)), "Param gif_attachment cannot be combined with poll_attachment"},
		{"reply with a GIF and a link", reply(text("gif_attachment", gif, "link_attachment", "https://a.example")), "Param gif_attachment cannot be combined with link_attachment"},
		{"reply with an overlapping style", reply(text("text_attachment", `{"plaintext":"hello","text_with_styling_info":[{"offset":0,"length":3,"styling_info":["bold"]},{"offset":2,"length":2,"styling_info":["italic"]}]}`)),
			"Param text_attachment.text_with_styling_info ranges must not overlap"},
		{"ghost reply", reply(text("is_ghost_post", "true")), "Param is_ghost_post cannot be used on a reply"},
	})
	// A published poll reply reads back as a reply with its poll.
	id := a.publishText("vote", "reply_to_id", parent, "poll_attachment", poll)
	r := mustOK(t, a.get("/v1.0/"+id, "fields", "replied_to,is_reply,poll_attachment"))
	if rt, _ := r.body["replied_to"].(map[string]any); rt["id"] != parent || r.body["is_reply"] != true || r.body["poll_attachment"] == nil {
		t.Errorf("poll reply read back: %s", r.raw)
	}
}
