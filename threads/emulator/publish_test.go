package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// Nothing is visible until threads_publish, which returns a different id.
func TestTwoStepPublishing(t *testing.T) {
	s, _, a := newWorld(t)
	before := len(s.Posts(s.DemoUserID()))
	cid := a.container("media_type", "TEXT", "text", "two steps")
	if got := len(s.Posts(s.DemoUserID())); got != before {
		t.Fatalf("post visible before publish: %d posts, want %d", got, before)
	}
	list := mustOK(t, a.get("/v1.0/me/threads", "fields", "id,text"))
	for _, d := range list.data() {
		if d["text"] == "two steps" {
			t.Fatal("container listed in /me/threads before publish")
		}
	}
	mid := mustOK(t, a.post("/v1.0/me/threads_publish", "creation_id", cid)).id()
	if mid == "" || mid == cid {
		t.Fatalf("media id %q must differ from container id %q", mid, cid)
	}
	first := mustOK(t, a.get("/v1.0/me/threads", "fields", "id,text", "limit", "1")).data()
	if len(first) != 1 || first[0]["id"] != mid || first[0]["text"] != "two steps" {
		t.Fatalf("newest post = %v, want %s", first, mid)
	}
	posts := s.Posts(s.DemoUserID())
	last := posts[len(posts)-1]
	if last.ID != mid || last.ContainerID != cid || last.MediaType != "TEXT_POST" {
		t.Fatalf("Posts() last = %+v", last)
	}
}

// The container state machine, driven by the ManualClock.
func TestContainerStateMachine(t *testing.T) {
	s, clk, a := newWorld(t, WithProcessingDelay(5*time.Second, time.Minute))
	bad := "https://cdn.example.com/bad.mp4"
	s.SetMediaOutcome(bad, MediaOutcome{Delay: 10 * time.Second, ErrorMessage: "FAILED_DOWNLOADING_VIDEO"})

	text := a.container("media_type", "TEXT", "text", "hi")
	img := a.container("media_type", "IMAGE", "image_url", "https://cdn.example.com/a.jpg")
	vid := a.container("media_type", "VIDEO", "video_url", "https://cdn.example.com/a.mp4")
	broken := a.container("media_type", "VIDEO", "video_url", bad)

	check := func(step string, want map[string]string) {
		t.Helper()
		for id, st := range want {
			if got := a.status(id); got != st {
				t.Errorf("%s: container %s status %s, want %s", step, id, got, st)
			}
		}
	}
	check("t=0", map[string]string{text: StatusFinished, img: StatusInProgress, vid: StatusInProgress, broken: StatusInProgress})
	clk.Advance(6 * time.Second)
	check("t=6s", map[string]string{img: StatusFinished, vid: StatusInProgress, broken: StatusInProgress})
	clk.Advance(5 * time.Second)
	check("t=11s", map[string]string{broken: StatusError})
	r := mustOK(t, a.get("/v1.0/"+broken, "fields", "status,error_message"))
	if r.body["error_message"] != "FAILED_DOWNLOADING_VIDEO" {
		t.Errorf("error_message = %v", r.body["error_message"])
	}
	r = mustOK(t, a.get("/v1.0/"+img, "fields", "id,status,error_message"))
	if _, ok := r.body["error_message"]; ok || r.body["id"] != img {
		t.Errorf("FINISHED status body = %v; error_message must be absent", r.body)
	}
	if r := mustOK(t, a.get("/v1.0/"+img)); r.body["status"] != StatusFinished {
		t.Errorf("default container fields = %v, want id,status", r.body)
	}
	mustOK(t, a.post("/v1.0/me/threads_publish", "creation_id", text))
	check("published", map[string]string{text: StatusPublished})
	clk.Advance(24 * time.Hour)
	check("t=24h", map[string]string{text: StatusPublished, img: StatusExpired, vid: StatusExpired, broken: StatusError})
	snaps := s.Containers(s.DemoUserID())
	idx := slices.IndexFunc(snaps, func(c ContainerSnapshot) bool { return c.ID == broken })
	if idx < 0 || snaps[idx].Status != StatusError || snaps[idx].ErrorMessage != "FAILED_DOWNLOADING_VIDEO" {
		t.Errorf("Containers() snapshot = %+v", snaps)
	}
}

// Without a ManualClock processing waits are real.
func TestProcessingDelayRealClock(t *testing.T) {
	s := NewServer(WithDemoWorld(), WithProcessingDelay(150*time.Millisecond, 0))
	defer s.Close()
	a := &api{t: t, s: s, tok: s.DemoToken()}
	cid := a.container("media_type", "IMAGE", "image_url", "https://cdn.example.com/x.jpg")
	if st := a.status(cid); st != StatusInProgress {
		t.Fatalf("status %s, want IN_PROGRESS", st)
	}
	time.Sleep(200 * time.Millisecond)
	if st := a.status(cid); st != StatusFinished {
		t.Fatalf("status %s, want FINISHED", st)
	}
}

// Publishing a container that is not ready (24/4279009), publish lag, and consumed containers.
func TestPublishStates(t *testing.T) {
	s, clk, a := newWorld(t, WithProcessingDelay(10*time.Second, 0))
	cid := a.container("media_type", "IMAGE", "image_url", "https://cdn.example.com/a.jpg")
	e := wantErr(t, a.post("/v1.0/me/threads_publish", "creation_id", cid), 400, 24)
	if num(e["error_subcode"]) != 4279009 || e["type"] != "OAuthException" || e["message"] != "The requested resource does not exist" {
		t.Fatalf("not-finished error = %v", e)
	}
	s.SetPublishLag(3 * time.Second)
	clk.Advance(11 * time.Second) // FINISHED 1 s ago, lag 3 s
	wantErr(t, a.post("/v1.0/me/threads_publish", "creation_id", cid), 400, 24)
	clk.Advance(3 * time.Second)
	mustOK(t, a.post("/v1.0/me/threads_publish", "creation_id", cid))
	e = wantErr(t, a.post("/v1.0/me/threads_publish", "creation_id", cid), 400, 100)
	if !strings.Contains(fmt.Sprint(e["error_user_msg"]), "PUBLISHED") {
		t.Errorf("republish error = %v", e)
	}
	wantErr(t, a.post("/v1.0/me/threads_publish", "creation_id", "123"), 400, 24)
	wantErr(t, a.post("/v1.0/me/threads_publish"), 400, 100)

	expired := a.container("media_type", "TEXT", "text", "late")
	clk.Advance(25 * time.Hour)
	wantErr(t, a.post("/v1.0/me/threads_publish", "creation_id", expired), 400, 100)

	custom := ErrorSpec{HTTPStatus: 400, Code: 24, Subcode: 4279009, Type: "OAuthException", Message: "gone"}
	s2, _, a2 := newWorld(t, WithConfig(Config{PublishConsumedError: custom}))
	_ = s2
	id := a2.container("media_type", "TEXT", "text", "x")
	mustOK(t, a2.post("/v1.0/me/threads_publish", "creation_id", id))
	if e := wantErr(t, a2.post("/v1.0/me/threads_publish", "creation_id", id), 400, 24); e["message"] != "gone" {
		t.Errorf("configured consumed error = %v", e)
	}
}

// Carousel rules.
func TestCarousel(t *testing.T) {
	s, clk, a := newWorld(t, WithProcessingDelay(0, time.Minute))
	item := func(kv ...string) string {
		return a.container(append([]string{"is_carousel_item", "true"}, kv...)...)
	}
	img := func(n int) string {
		return item("media_type", "IMAGE", "image_url", fmt.Sprintf("https://cdn.example.com/%d.jpg", n))
	}
	ok1, ok2 := img(1), img(2)
	notItem := a.container("media_type", "IMAGE", "image_url", "https://cdn.example.com/n.jpg")
	slow := item("media_type", "VIDEO", "video_url", "https://cdn.example.com/v.mp4")
	other := s.AddUser(UserSpec{Username: "other"})
	b := a.as(s.IssueToken(other, AllScopes, 0))
	foreign := b.container("media_type", "IMAGE", "is_carousel_item", "true", "image_url", "https://cdn.example.com/f.jpg")
	many := make([]string, 21)
	for i := range many {
		many[i] = img(100 + i)
	}

	tests := []struct {
		name     string
		children []string
		sub      int
		bad      []string
	}{
		{"one child", []string{ok1}, 0, nil},
		{"21 children", many, 0, nil},
		{"not a carousel item", []string{ok1, notItem}, 4279004, []string{notItem}},
		{"in progress", []string{ok1, slow}, 4279004, []string{slow}},
		{"other user's child", []string{ok1, foreign}, 4279004, []string{foreign}},
		{"nonexistent", []string{ok1, "99"}, 4279004, []string{"99"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := a.post("/v1.0/me/threads", "media_type", "CAROUSEL", "children", strings.Join(tc.children, ","))
			e := wantErr(t, r, 400, 100)
			if num(e["error_subcode"]) != tc.sub && tc.sub != 0 {
				t.Fatalf("subcode %v, want %d", e["error_subcode"], tc.sub)
			}
			if tc.sub != 0 {
				if e["error_user_title"] != "Invalid Carousel Children" || e["type"] != "OAuthException" {
					t.Errorf("error = %v", e)
				}
				for _, id := range tc.bad {
					if !strings.Contains(fmt.Sprint(e["error_user_msg"]), id) {
						t.Errorf("error_user_msg %q does not name %s", e["error_user_msg"], id)
					}
				}
			}
		})
	}
	clk.Advance(time.Minute)
	before := num(mustOK(t, a.get("/v1.0/me/threads_publishing_limit")).data()[0]["quota_usage"])
	parent := a.container("media_type", "CAROUSEL", "children", ok1+","+ok2+","+slow, "text", "album")
	mid := mustOK(t, a.post("/v1.0/me/threads_publish", "creation_id", parent)).id()
	r := mustOK(t, a.get("/v1.0/"+mid, "fields", "media_type,children,media_url"))
	if r.body["media_type"] != "CAROUSEL_ALBUM" {
		t.Errorf("media_type %v", r.body["media_type"])
	}
	ch, _ := r.body["children"].(map[string]any)
	if d, _ := ch["data"].([]any); len(d) != 3 {
		t.Errorf("children = %v", r.body["children"])
	}
	lim := mustOK(t, a.get("/v1.0/me/threads_publishing_limit"))
	if got := num(lim.data()[0]["quota_usage"]); got != before+1 {
		t.Errorf("quota_usage = %d, want %d (carousel counts once)", got, before+1)
	}
	if st := a.status(ok1); st != StatusPublished {
		t.Errorf("child status %s", st)
	}
}

// Validation at container creation.
func TestCreateValidation(t *testing.T) {
	_, _, a := newWorld(t)
	long := strings.Repeat("a", 501)
	emoji := strings.Repeat("😀", 125) // 125 × 4 bytes = 500: allowed
	links := "https://a.example https://b.example https://c.example https://d.example https://e.example"
	tests := []struct {
		name   string
		params []string
		status int
		code   int
		msg    string // substring of the message; "" = success expected
	}{
		{"text too long", []string{"media_type", "TEXT", "text", long}, 400, 100, "Param text must be at most 500 characters long."},
		{"emoji count bytes", []string{"media_type", "TEXT", "text", emoji + "😀"}, 400, 100, "at most 500"},
		{"emoji at the limit", []string{"media_type", "TEXT", "text", emoji}, 200, 0, ""},
		{"accented letters count 1", []string{"media_type", "TEXT", "text", strings.Repeat("é", 500)}, 200, 0, ""},
		{"curly quotes cost bytes", []string{"media_type", "TEXT", "text", strings.Repeat("”", 167)}, 400, 100, "at most 500"},
		{"caption too long on image", []string{"media_type", "IMAGE", "image_url", "https://x.example/a.jpg", "text", long}, 400, 100, "at most 500"},
		{"missing media_type", []string{"text", "hi"}, 400, 100, "media_type"},
		{"bad media_type", []string{"media_type", "GIF", "text", "hi"}, 400, 100, "media_type"},
		{"lowercase media_type", []string{"media_type", "text", "text", "hi"}, 200, 0, ""},
		{"text without text", []string{"media_type", "TEXT"}, 400, 100, "text"},
		{"image without url", []string{"media_type", "IMAGE"}, 400, 100, "image_url"},
		{"video without url", []string{"media_type", "VIDEO"}, 400, 100, "video_url"},
		{"image bad url", []string{"media_type", "IMAGE", "image_url", "not a url"}, 400, 100, "Param image_url is not a valid URI."},
		{"carousel item needs https", []string{"media_type", "IMAGE", "is_carousel_item", "true", "image_url", "http://x.example/a.jpg"}, 400, 100, "image_url"},
		{"five links ok", []string{"media_type", "TEXT", "text", links}, 200, 0, ""},
		{"duplicate links dedup", []string{"media_type", "TEXT", "text", links, "link_attachment", "https://a.example"}, 200, 0, ""},
		{"six links", []string{"media_type", "TEXT", "text", links, "link_attachment", "https://f.example"}, 400, 100, "THREADS_API__LINK_LIMIT_EXCEEDED"},
		{"link_attachment on image", []string{"media_type", "IMAGE", "image_url", "https://x.example/a.jpg", "link_attachment", "https://y.example"}, 400, 100, "link_attachment"},
		{"poll on image", []string{"media_type", "IMAGE", "image_url", "https://x.example/a.jpg", "poll_attachment", `{"option_a":"a","option_b":"b"}`}, 400, 100, "poll_attachment"},
		{"auto_publish on image", []string{"media_type", "IMAGE", "image_url", "https://x.example/a.jpg", "auto_publish_text", "true"}, 400, 100, "auto_publish_text"},
		{"topic tag with dot", []string{"media_type", "TEXT", "text", "hi", "topic_tag", "a.b"}, 400, 100, "topic_tag"},
		{"topic tag too long", []string{"media_type", "TEXT", "text", "hi", "topic_tag", strings.Repeat("t", 51)}, 400, 100, "topic_tag"},
		{"topic tag 50 ok", []string{"media_type", "TEXT", "text", "hi", "topic_tag", strings.Repeat("t", 50)}, 200, 0, ""},
		{"two in-text tags", []string{"media_type", "TEXT", "text", "#golang and #rust"}, 400, 100, "#golang, #rust"},
		{"param and different in-text tag", []string{"media_type", "TEXT", "text", "#rust", "topic_tag", "golang"}, 400, 100, "rust"},
		{"same tag twice ok", []string{"media_type", "TEXT", "text", "#go is #Go", "topic_tag", "go"}, 200, 0, ""},
		{"number is not a tag", []string{"media_type", "TEXT", "text", "#1 and #golang"}, 200, 0, ""},
		{"poll one option", []string{"media_type", "TEXT", "text", "q", "poll_attachment", `{"option_a":"a"}`}, 400, 100, "poll"},
		{"poll option too long", []string{"media_type", "TEXT", "text", "q", "poll_attachment", `{"option_a":"a","option_b":"` + strings.Repeat("b", 26) + `"}`}, 400, 100, "option_b"},
		{"poll not json", []string{"media_type", "TEXT", "text", "q", "poll_attachment", `option_a=a`}, 400, 100, "poll"},
		{"poll ok", []string{"media_type", "TEXT", "text", "q", "poll_attachment", `{"option_a":"a","option_b":"b","option_c":"c","option_d":"d"}`}, 200, 0, ""},
		{"11 spoilers", []string{"media_type", "TEXT", "text", "q", "text_entities", "[" + strings.Repeat(`{"entity_type":"SPOILER","offset":0,"length":1},`, 10) + `{"entity_type":"spoiler","offset":0,"length":1}]`}, 400, 100, "at most 10"},
		{"10 spoilers ok", []string{"media_type", "TEXT", "text", "q", "text_entities", "[" + strings.Repeat(`{"entity_type":"SPOILER","offset":0,"length":1},`, 9) + `{"entity_type":"spoiler","offset":0,"length":1}]`}, 200, 0, ""},
		{"alt_text on text", []string{"media_type", "TEXT", "text", "q", "alt_text", "x"}, 400, 100, "alt_text"},
		{"alt_text too long", []string{"media_type", "IMAGE", "image_url", "https://x.example/a.jpg", "alt_text", strings.Repeat("x", 1001)}, 400, 100, "alt_text"},
		{"text_attachment too long", []string{"media_type", "TEXT", "text", "q", "text_attachment", `{"plaintext":"` + strings.Repeat("x", 10001) + `"}`}, 400, 100, "10000"},
		{"text_attachment with poll", []string{"media_type", "TEXT", "text", "q", "poll_attachment", `{"option_a":"a","option_b":"b"}`, "text_attachment", `{"plaintext":"long"}`}, 400, 100, "poll"},
		{"text_attachment overlap", []string{"media_type", "TEXT", "text", "q", "text_attachment", `{"plaintext":"long text","text_with_styling_info":[{"offset":0,"length":4,"styling_info":["bold"]},{"offset":2,"length":3,"styling_info":["italic"]}]}`}, 400, 100, "overlap"},
		{"text_attachment ok", []string{"media_type", "TEXT", "text", "q", "text_attachment", `{"plaintext":"long text","text_with_styling_info":[{"offset":0,"length":4,"styling_info":["bold","italic"]}]}`}, 200, 0, ""},
		{"reply_control invalid", []string{"media_type", "TEXT", "text", "q", "reply_control", "nobody"}, 400, 100, "reply_control"},
		{"reply_control ok", []string{"media_type", "TEXT", "text", "q", "reply_control", "followers_only"}, 200, 0, ""},
		{"ghost with approvals", []string{"media_type", "TEXT", "text", "q", "is_ghost_post", "true", "enable_reply_approvals", "true"}, 400, 100, "is_ghost_post"},
		{"gif wrong provider", []string{"media_type", "TEXT", "text", "q", "gif_attachment", `{"gif_id":"x","provider":"TENOR"}`}, 400, 100, "GIPHY"},
		{"bad boolean", []string{"media_type", "TEXT", "text", "q", "is_ghost_post", "maybe"}, 400, 100, "boolean"},
		{"bad country", []string{"media_type", "TEXT", "text", "q", "allowlisted_country_codes", "US,usa"}, 400, 100, "THREADS_API__GEO_GATING_INVALID_COUNTRY_CODES"},
		{"reply to nothing", []string{"media_type", "TEXT", "text", "q", "reply_to_id", "42"}, 500, 100, "Param reply_to_id is not a valid threads_media ID"},
		{"quote nothing", []string{"media_type", "TEXT", "text", "q", "quote_post_id", "42"}, 400, 100, "quote_post_id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := a.post("/v1.0/me/threads", tc.params...)
			if tc.msg == "" {
				if mustOK(t, r).id() == "" {
					t.Fatalf("no id: %s", r.raw)
				}
				return
			}
			e := wantErr(t, r, tc.status, tc.code)
			if !strings.Contains(fmt.Sprint(e["message"]), tc.msg) {
				t.Fatalf("message %q does not contain %q", e["message"], tc.msg)
			}
		})
	}
}

func TestConfigShapes(t *testing.T) {
	link := ErrorSpec{HTTPStatus: 400, Code: 1, Type: "THApiException", Message: "THREADS_API__LINK_LIMIT_EXCEEDED"}
	_, _, a := newWorld(t, WithConfig(Config{LinkLimitError: link, MissingScopeError: ScopeError100Sub10, LenientTopicTags: true}))
	links := "https://a.example https://b.example https://c.example https://d.example https://e.example https://f.example"
	wantErr(t, a.post("/v1.0/me/threads", "media_type", "TEXT", "text", links), 400, 1)
	cid := a.container("media_type", "TEXT", "text", "#first then #second", "topic_tag", "param")
	mid := mustOK(t, a.post("/v1.0/me/threads_publish", "creation_id", cid)).id()
	if r := mustOK(t, a.get("/v1.0/"+mid, "fields", "topic_tag")); r.body["topic_tag"] != "param" {
		t.Errorf("lenient topic = %v, want param", r.body["topic_tag"])
	}
	b := a.as(a.s.IssueToken(a.s.DemoUserID(), []string{ScopeBasic}, time.Hour))
	if e := wantErr(t, b.post("/v1.0/me/threads", "media_type", "TEXT", "text", "x"), 400, 100); num(e["error_subcode"]) != 10 {
		t.Errorf("scope error = %v", e)
	}
}

// Quotas roll over with the clock.
func TestQuotas(t *testing.T) {
	s, clk, a := newWorld(t)
	clk.Advance(48 * time.Hour) // demo posts leave the window
	r := mustOK(t, a.get("/v1.0/me/threads_publishing_limit", "fields",
		"quota_usage,config,reply_quota_usage,reply_config,delete_quota_usage,delete_config,location_search_quota_usage,location_search_config"))
	d := r.data()
	if len(d) != 1 {
		t.Fatalf("want data wrapper with one element: %s", r.raw)
	}
	for f, total := range map[string]int{"config": 250, "reply_config": 1000, "delete_config": 100, "location_search_config": 500} {
		c, _ := d[0][f].(map[string]any)
		if num(c["quota_total"]) != total || num(c["quota_duration"]) != 86400 {
			t.Errorf("%s = %v", f, d[0][f])
		}
	}
	var first string
	for i := range 250 {
		id := mustOK(t, a.post("/v1.0/me/threads", "media_type", "TEXT", "text", fmt.Sprint("post ", i), "auto_publish_text", "true")).id()
		if i == 0 {
			first = id
			clk.Advance(time.Hour)
		}
	}
	e := wantErr(t, a.post("/v1.0/me/threads", "media_type", "TEXT", "text", "one too many", "auto_publish_text", "true"), 400, 9)
	if num(e["error_subcode"]) != 2207042 || e["type"] != "THApiException" {
		t.Errorf("quota error = %v", e)
	}
	// A reply does not count against posts (default).
	mustOK(t, a.post("/v1.0/me/threads", "media_type", "TEXT", "text", "a reply", "reply_to_id", first, "auto_publish_text", "true"))
	r = mustOK(t, a.get("/v1.0/me/threads_publishing_limit", "fields", "quota_usage,reply_quota_usage"))
	if num(r.data()[0]["quota_usage"]) != 250 || num(r.data()[0]["reply_quota_usage"]) != 1 {
		t.Errorf("usage = %v", r.data()[0])
	}
	clk.Advance(23 * time.Hour) // the first post leaves the window
	mustOK(t, a.post("/v1.0/me/threads", "media_type", "TEXT", "text", "rolled", "auto_publish_text", "true"))
	wantErr(t, a.post("/v1.0/me/threads", "media_type", "TEXT", "text", "again", "auto_publish_text", "true"), 400, 9)

	// Deletes: 100 per 24 h.
	posts := s.Posts(s.DemoUserID())
	for i := range 100 {
		mustOK(t, a.do(http.MethodDelete, "/v1.0/"+posts[len(posts)-1-i].ID, nil))
	}
	wantErr(t, a.do(http.MethodDelete, "/v1.0/"+posts[0].ID, nil), 400, 9)
	clk.Advance(24 * time.Hour)
	mustOK(t, a.do(http.MethodDelete, "/v1.0/"+posts[0].ID, nil))
}

func TestRepliesCountAgainstPostsKnob(t *testing.T) {
	_, clk, a := newWorld(t, WithConfig(Config{RepliesCountAgainstPostQuota: true}))
	clk.Advance(48 * time.Hour)
	root := a.publishText("root")
	cid := a.container("media_type", "TEXT", "text", "reply", "reply_to_id", root)
	mustOK(t, a.post("/v1.0/me/threads_publish", "creation_id", cid))
	r := mustOK(t, a.get("/v1.0/me/threads_publishing_limit", "fields", "quota_usage,reply_quota_usage"))
	if num(r.data()[0]["quota_usage"]) != 2 || num(r.data()[0]["reply_quota_usage"]) != 1 {
		t.Errorf("usage = %v", r.data()[0])
	}
}

// With auto_publish_text the media id comes back at once.
func TestAutoPublishText(t *testing.T) {
	s, _, a := newWorld(t)
	id := mustOK(t, a.post("/v1.0/me/threads", "media_type", "TEXT", "text", "instant", "auto_publish_text", "true")).id()
	posts := s.Posts(s.DemoUserID())
	if last := posts[len(posts)-1]; last.ID != id || last.Text != "instant" {
		t.Fatalf("auto-published post = %+v, id %s", last, id)
	}
	if r := mustOK(t, a.get("/v1.0/"+id, "fields", "id,media_type")); r.body["media_type"] != "TEXT_POST" {
		t.Fatalf("GET media = %v", r.body)
	}
}

// Publish ambiguity (HTTP 500 although published) and the other publish faults.
func TestPublishFaults(t *testing.T) {
	tests := []struct {
		fault     PublishFault
		status    int
		code      int
		published bool
		dropped   bool
	}{
		{PublishFault500ButPublished, 500, 10, true, false},
		{PublishFault500NotPublished, 500, 2, false, false},
		{PublishFaultDropAfterCommit, 0, 0, true, true},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.fault), func(t *testing.T) {
			s, _, a := newWorld(t)
			s.SetPublishFault(tc.fault, 1)
			cid := a.container("media_type", "TEXT", "text", "fault")
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.BaseURL()+"/me/threads_publish?creation_id="+cid, nil)
			req.Header.Set("Authorization", "Bearer "+a.tok)
			res, err := http.DefaultClient.Do(req)
			if tc.dropped {
				if err == nil {
					res.Body.Close()
					t.Fatalf("want a dropped connection, got HTTP %d", res.StatusCode)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != tc.status {
					t.Fatalf("status %d, want %d", res.StatusCode, tc.status)
				}
			}
			want := StatusFinished
			if tc.published {
				want = StatusPublished
			}
			if st := a.status(cid); st != want {
				t.Fatalf("container status %s, want %s", st, want)
			}
			posts := s.Posts(s.DemoUserID())
			if got := posts[len(posts)-1].Text == "fault"; got != tc.published {
				t.Fatalf("post created = %v, want %v", got, tc.published)
			}
			// times=1: the next publish is normal.
			cid2 := a.container("media_type", "TEXT", "text", "after")
			mustOK(t, a.post("/v1.0/me/threads_publish", "creation_id", cid2))
		})
	}
	t.Run("body of 500 but published", func(t *testing.T) {
		s, _, a := newWorld(t)
		s.SetPublishFault(PublishFault500ButPublished, 0)
		for range 2 {
			cid := a.container("media_type", "TEXT", "text", "x")
			e := wantErr(t, a.post("/v1.0/me/threads_publish", "creation_id", cid), 500, 10)
			if e["type"] != "THApiException" || e["message"] != "Application does not have permission for this action" {
				t.Errorf("error = %v", e)
			}
		}
		s.Reset()
		mustOK(t, a.post("/v1.0/me/threads_publish", "creation_id", a.container("media_type", "TEXT", "text", "y")))
	})
	t.Run("transient flag", func(t *testing.T) {
		s, _, a := newWorld(t)
		s.SetPublishFault(PublishFault500NotPublished, 1)
		e := wantErr(t, a.post("/v1.0/me/threads_publish", "creation_id", a.container("media_type", "TEXT", "text", "x")), 500, 2)
		if e["is_transient"] != true {
			t.Errorf("error = %v", e)
		}
	})
}

// Status on a published media id.
func TestStatusOnMediaID(t *testing.T) {
	_, _, a := newWorld(t)
	mid := a.publishText("x")
	e := wantErr(t, a.get("/v1.0/"+mid, "fields", "id,status"), 400, 100)
	if e["message"] != "Tried accessing nonexisting field (status)" || e["type"] != "THApiException" {
		t.Fatalf("error = %v", e)
	}
}
