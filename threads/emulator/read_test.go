package emulator

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Read model and field selection.
func TestReadModel(t *testing.T) {
	s, _, a := newWorld(t)
	mid := a.publishText("tagged #Golang post", "reply_control", "accounts_you_follow")
	all := "id,media_type,media_product_type,owner,username,text,timestamp,topic_tag,reply_audience,permalink,shortcode,is_quote_post,is_reply,has_replies,thumbnail_url,children,media_url"
	r := mustOK(t, a.get("/v1.0/"+mid, "fields", all))
	b := r.body
	checks := map[string]any{"media_type": "TEXT_POST", "media_product_type": "THREADS", "topic_tag": "Golang",
		"reply_audience": "ACCOUNTS_YOU_FOLLOW", "username": DemoUsername, "is_quote_post": false, "is_reply": false, "has_replies": false}
	for k, want := range checks {
		if b[k] != want {
			t.Errorf("%s = %v, want %v", k, b[k], want)
		}
	}
	if ts, err := time.Parse("2006-01-02T15:04:05-0700", b["timestamp"].(string)); err != nil || !ts.Equal(t0) ||
		!strings.HasSuffix(b["timestamp"].(string), "+0000") {
		t.Errorf("timestamp %v (%v)", b["timestamp"], err)
	}
	if o, _ := b["owner"].(map[string]any); o["id"] != s.DemoUserID() {
		t.Errorf("owner = %v", b["owner"])
	}
	if p, _ := b["permalink"].(string); p != "https://www.threads.com/@sandbox_demo/post/"+b["shortcode"].(string) {
		t.Errorf("permalink = %v", p)
	}
	for _, absent := range []string{"thumbnail_url", "children", "media_url"} {
		if _, ok := b[absent]; ok {
			t.Errorf("%s present on a text post", absent)
		}
	}
	// Default: only id.
	if r := mustOK(t, a.get("/v1.0/"+mid)); len(r.body) != 1 || r.body["id"] != mid {
		t.Errorf("default fields = %v", r.body)
	}
	// Unknown field.
	wantErr(t, a.get("/v1.0/"+mid, "fields", "id,bogus"), 400, 100)

	// Quote and repost.
	qid := a.publishText("quoting", "quote_post_id", mid)
	r = mustOK(t, a.get("/v1.0/"+qid, "fields", "is_quote_post,quoted_post"))
	if r.body["is_quote_post"] != true || r.body["quoted_post"].(map[string]any)["id"] != mid {
		t.Errorf("quote = %v", r.body)
	}
	rid := mustOK(t, a.post("/v1.0/"+mid+"/repost")).id()
	list := mustOK(t, a.get("/v1.0/me/threads", "fields", "id,media_type,reposted_post", "limit", "1")).data()
	if list[0]["id"] != rid || list[0]["media_type"] != "REPOST_FACADE" || list[0]["reposted_post"].(map[string]any)["id"] != mid {
		t.Errorf("repost = %v", list[0])
	}

	// owner only on the caller's own top-level posts; other users' replies have none.
	conv := mustOK(t, a.get("/v1.0/"+s.Posts(s.DemoUserID())[0].ID+"/conversation", "fields", "id,owner,username,is_reply_owned_by_me,hide_status")).data()
	for _, d := range conv {
		if _, ok := d["owner"]; ok {
			t.Errorf("owner on a reply: %v", d)
		}
		if (d["username"] == DemoUsername) != (d["is_reply_owned_by_me"] == true) || d["hide_status"] != "NOT_HUSHED" {
			t.Errorf("reply fields = %v", d)
		}
	}
	// Image: media_url and alt_text, no thumbnail.
	img := a.container("media_type", "IMAGE", "image_url", "https://cdn.example.com/p.jpg", "alt_text", "a cat")
	imgID := mustOK(t, a.post("/v1.0/me/threads_publish", "creation_id", img)).id()
	r = mustOK(t, a.get("/v1.0/"+imgID, "fields", "media_type,media_url,alt_text,thumbnail_url,children"))
	if r.body["media_url"] != "https://cdn.example.com/p.jpg" || r.body["alt_text"] != "a cat" || len(r.body) != 3 {
		t.Errorf("image = %v", r.body)
	}
	vid := a.container("media_type", "VIDEO", "video_url", "https://cdn.example.com/v.mp4")
	vidID := mustOK(t, a.post("/v1.0/me/threads_publish", "creation_id", vid)).id()
	if r := mustOK(t, a.get("/v1.0/"+vidID, "fields", "thumbnail_url")); r.body["thumbnail_url"] == nil {
		t.Errorf("video without thumbnail_url: %v", r.body)
	}
}

// Pagination walks all pages through next URLs.
func TestPagination(t *testing.T) {
	s, clk, a := newWorld(t)
	want := []string{}
	for _, p := range s.Posts(s.DemoUserID()) {
		if p.ReplyToID == "" {
			want = append(want, p.ID)
		}
	}
	for i := range 8 {
		clk.Advance(time.Minute)
		want = append(want, a.publishText("page "+strings.Repeat("x", i+1)))
	}
	slices.Reverse(want) // newest first

	var got []string
	next := a.s.URL + "/v1.0/me/threads?limit=3&fields=id&access_token=" + url.QueryEscape(a.tok)
	pages := 0
	var lastPage resp
	for next != "" {
		pages++
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, next, nil) // no header: token embedded
		lastPage = mustOK(t, send(t, req))
		for _, d := range lastPage.data() {
			got = append(got, d["id"].(string))
		}
		paging, _ := lastPage.body["paging"].(map[string]any)
		cur, _ := paging["cursors"].(map[string]any)
		if cur["before"] == nil || cur["after"] == nil {
			t.Fatalf("cursors missing: %v", paging)
		}
		if pages > 1 && paging["previous"] == nil {
			t.Fatalf("page %d without previous", pages)
		}
		next, _ = paging["next"].(string)
		if next != "" && !strings.Contains(next, "access_token="+url.QueryEscape(a.tok)) {
			t.Fatalf("next URL does not embed access_token: %s", next)
		}
	}
	if !slices.Equal(got, want) || pages != (len(want)+2)/3 {
		t.Fatalf("walked %d pages: %v, want %v", pages, got, want)
	}
	// Walk back with before.
	prev := lastPage.body["paging"].(map[string]any)["previous"].(string)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, prev, nil)
	back := mustOK(t, send(t, req)).data()
	n := len(want) - len(lastPage.data())
	if len(back) != 3 || back[2]["id"] != want[n-1] || back[0]["id"] != want[n-3] {
		t.Fatalf("previous page = %v", back)
	}

	tests := []struct {
		name string
		kv   []string
	}{
		{"limit too big", []string{"limit", "101"}},
		{"negative limit", []string{"limit", "-1"}},
		{"both cursors", []string{"before", "QVFI", "after", "QVFI"}},
		{"bad cursor", []string{"after", "!!"}},
		{"since too early", []string{"since", "1688540399"}},
		{"since after until", []string{"since", "1700000000", "until", "1699999999"}},
		{"until in future", []string{"until", "4102444800"}},
		{"bad since", []string{"since", "yesterday-ish"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, a.get("/v1.0/me/threads", tc.kv...), 400, 100)
		})
	}
	// since filters.
	since := clk.Now().Add(-3 * time.Minute).Unix()
	d := mustOK(t, a.get("/v1.0/me/threads", "since", strings.TrimSpace(time.Unix(since, 0).UTC().Format("2006-01-02T15:04:05Z07:00")))).data()
	if len(d) != 4 {
		t.Fatalf("since filter returned %d items, want 4", len(d))
	}
	if d := mustOK(t, a.get("/v1.0/me/threads", "limit", "100")).data(); len(d) != len(want) {
		t.Fatalf("limit 100 returned %d", len(d))
	}
}

// Replies and conversation.
func TestRepliesAndConversation(t *testing.T) {
	s, clk, a := newWorld(t)
	root := a.publishText("root")
	other := s.AddUser(UserSpec{Username: "friend"})
	b := a.as(s.IssueToken(other, append(slices.Clone(DefaultScopes), ScopeKeywordSearch), 0))
	clk.Advance(time.Second)
	r1 := b.publishText("first", "reply_to_id", root)
	clk.Advance(time.Second)
	r2 := a.publishText("second", "reply_to_id", root)
	clk.Advance(time.Second)
	nested := b.publishText("nested", "reply_to_id", r1)

	ids := func(r resp) []string {
		var out []string
		for _, d := range mustOK(t, r).data() {
			out = append(out, d["id"].(string))
		}
		return out
	}
	if got := ids(a.get("/v1.0/" + root + "/replies")); !slices.Equal(got, []string{r2, r1}) {
		t.Errorf("replies (reverse default) = %v", got)
	}
	if got := ids(a.get("/v1.0/"+root+"/replies", "reverse", "false")); !slices.Equal(got, []string{r1, r2}) {
		t.Errorf("replies reverse=false = %v", got)
	}
	if got := ids(a.get("/v1.0/" + root + "/conversation")); !slices.Equal(got, []string{nested, r2, r1}) {
		t.Errorf("conversation = %v", got)
	}
	r := mustOK(t, a.get("/v1.0/"+nested, "fields", "is_reply,root_post,replied_to,is_reply_owned_by_me"))
	if r.body["root_post"].(map[string]any)["id"] != root || r.body["replied_to"].(map[string]any)["id"] != r1 ||
		r.body["is_reply_owned_by_me"] != false || r.body["is_reply"] != true {
		t.Errorf("nested = %v", r.body)
	}
	if r := mustOK(t, a.get("/v1.0/"+r1, "fields", "has_replies")); r.body["has_replies"] != true {
		t.Errorf("has_replies = %v", r.body)
	}
	if got := ids(b.get("/v1.0/me/replies")); !slices.Equal(got, []string{nested, r1}) {
		t.Errorf("user replies = %v", got)
	}
	// Replies are not in /me/threads.
	for _, id := range ids(a.get("/v1.0/me/threads", "limit", "100")) {
		if id == r2 {
			t.Error("reply listed in /me/threads")
		}
	}
	// replying to another user's post needs keyword_search or manage_mentions.
	c := a.as(s.IssueToken(other, DefaultScopes, 0))
	wantErr(t, c.post("/v1.0/me/threads", "media_type", "TEXT", "text", "x", "reply_to_id", root), 500, 10)
	d := a.as(s.IssueToken(other, append(slices.Clone(DefaultScopes), ScopeManageMentions), 0))
	mustOK(t, d.post("/v1.0/me/threads", "media_type", "TEXT", "text", "x", "reply_to_id", root))
	// Without threads_read_replies.
	e := a.as(s.IssueToken(s.DemoUserID(), []string{ScopeBasic}, 0))
	wantErr(t, e.get("/v1.0/"+root+"/replies"), 500, 10)
}

// Hiding and reply approvals.
func TestHideAndApprovals(t *testing.T) {
	s, _, a := newWorld(t)
	other := s.AddUser(UserSpec{Username: "friend"})
	b := a.as(s.IssueToken(other, append(slices.Clone(DefaultScopes), ScopeKeywordSearch), 0))
	root := a.publishText("root", "enable_reply_approvals", "true")
	pending := b.publishText("needs approval", "reply_to_id", root)
	own := a.publishText("author's own reply skips approval", "reply_to_id", root)

	list := func(path string, kv ...string) []string {
		var out []string
		for _, d := range mustOK(t, a.get(path, kv...)).data() {
			out = append(out, d["id"].(string))
		}
		return out
	}
	if got := list("/v1.0/" + root + "/replies"); !slices.Equal(got, []string{own}) {
		t.Fatalf("visible replies = %v", got)
	}
	p := mustOK(t, a.get("/v1.0/"+root+"/pending_replies", "fields", "id,reply_approval_status")).data()
	if len(p) != 1 || p[0]["id"] != pending || p[0]["reply_approval_status"] != "pending" {
		t.Fatalf("pending = %v", p)
	}
	wantErr(t, a.get("/v1.0/"+root+"/pending_replies", "approval_status", "PENDING"), 400, 100)
	mustOK(t, a.post("/v1.0/"+pending+"/manage_pending_reply", "approve", "false"))
	if got := list("/v1.0/"+root+"/pending_replies", "approval_status", "ignored"); !slices.Equal(got, []string{pending}) {
		t.Fatalf("ignored = %v", got)
	}
	if got := list("/v1.0/"+root+"/pending_replies", "approval_status", "pending"); len(got) != 0 {
		t.Fatalf("pending after ignore = %v", got)
	}
	mustOK(t, a.post("/v1.0/"+pending+"/manage_pending_reply", "approve", "true"))
	if got := list("/v1.0/" + root + "/replies"); len(got) != 2 {
		t.Fatalf("replies after approval = %v", got)
	}
	// Ghost posts can't be replies.
	wantErr(t, a.post("/v1.0/me/threads", "media_type", "TEXT", "text", "g", "is_ghost_post", "true", "reply_to_id", root), 400, 100)

	// Hide cascades to nested replies; only top-level replies to own posts.
	nested := a.publishText("nested", "reply_to_id", pending)
	wantErr(t, a.post("/v1.0/"+nested+"/manage_reply", "hide", "true"), 400, 100)
	wantErr(t, b.post("/v1.0/"+pending+"/manage_reply", "hide", "true"), 400, 100)
	mustOK(t, a.post("/v1.0/"+pending+"/manage_reply", "hide", "true"))
	for _, id := range []string{pending, nested} {
		if r := mustOK(t, a.get("/v1.0/"+id, "fields", "hide_status")); r.body["hide_status"] != "HIDDEN" {
			t.Errorf("%s hide_status = %v", id, r.body["hide_status"])
		}
	}
	mustOK(t, a.post("/v1.0/"+pending+"/manage_reply", "hide", "false"))
	if r := mustOK(t, a.get("/v1.0/"+nested, "fields", "hide_status")); r.body["hide_status"] != "UNHUSHED" {
		t.Errorf("nested hide_status = %v", r.body["hide_status"])
	}
}

// Immutability and delete.
func TestImmutableAndDelete(t *testing.T) {
	s, _, a := newWorld(t)
	mid := a.publishText("x")
	e := wantErr(t, a.post("/v1.0/"+mid, "reply_control", "everyone"), 400, 100)
	if !strings.Contains(e["message"].(string), "Unsupported post request") {
		t.Errorf("update error = %v", e)
	}
	noDel := a.as(s.IssueToken(s.DemoUserID(), DefaultScopes, 0))
	wantErr(t, noDel.do(http.MethodDelete, "/v1.0/"+mid, nil), 500, 10)
	other := s.AddUser(UserSpec{Username: "friend"})
	b := a.as(s.IssueToken(other, AllScopes, 0))
	wantErr(t, b.do(http.MethodDelete, "/v1.0/"+mid, nil), 400, 100)
	r := mustOK(t, a.do(http.MethodDelete, "/v1.0/"+mid, nil))
	if r.body["success"] != true || r.body["deleted_id"] != mid {
		t.Fatalf("delete = %v", r.body)
	}
	if e := wantErr(t, a.get("/v1.0/"+mid), 400, 100); num(e["error_subcode"]) != 33 {
		t.Errorf("deleted GET = %v", e)
	}
	lim := mustOK(t, a.get("/v1.0/me/threads_publishing_limit", "fields", "delete_quota_usage")).data()
	if num(lim[0]["delete_quota_usage"]) != 1 {
		t.Errorf("delete usage = %v", lim)
	}
}

// Insights.
func TestInsights(t *testing.T) {
	s, _, a := newWorld(t)
	var post Post
	for _, p := range s.Posts(s.DemoUserID()) {
		if strings.HasPrefix(p.Text, "Hello, Threads!") {
			post = p // the hello post: 4 replies in the demo world
		}
	}
	r := mustOK(t, a.get("/v1.0/"+post.ID+"/insights", "metric", "views,likes,replies"))
	d := r.data()
	if len(d) != 3 || d[0]["period"] != "lifetime" || d[0]["id"] != post.ID+"/insights/views/lifetime" {
		t.Fatalf("media insights = %s", r.raw)
	}
	if v := num(d[2]["values"].([]any)[0].(map[string]any)["value"]); v != 4 {
		t.Errorf("replies = %d, want 4", v)
	}
	// Deterministic.
	if r2 := mustOK(t, a.get("/v1.0/"+post.ID+"/insights", "metric", "views,likes,replies")); r2.raw != r.raw {
		t.Errorf("insights not deterministic")
	}
	rid := mustOK(t, a.post("/v1.0/"+post.ID+"/repost")).id()
	if d := mustOK(t, a.get("/v1.0/"+rid+"/insights", "metric", "views")).data(); len(d) != 0 {
		t.Errorf("repost insights = %v", d)
	}
	wantErr(t, a.get("/v1.0/"+post.ID+"/insights"), 400, 100)
	wantErr(t, a.get("/v1.0/"+post.ID+"/insights", "metric", "follows"), 400, 100)

	since := t0.Add(-72 * time.Hour).Unix()
	r = mustOK(t, a.get("/v1.0/me/threads_insights", "metric", "views,likes,clicks,followers_count",
		"since", itoa(since), "until", itoa(t0.Unix())))
	d = r.data()
	views := d[0]["values"].([]any)
	if len(views) < 3 || views[0].(map[string]any)["end_time"] == nil {
		t.Errorf("views series = %v", d[0])
	}
	if _, ok := d[1]["total_value"].(map[string]any); !ok {
		t.Errorf("likes = %v", d[1])
	}
	links := d[2]["link_total_values"].([]any)
	if len(links) == 0 || !slices.ContainsFunc(links, func(l any) bool {
		return l.(map[string]any)["link_url"] == "https://modelcontextprotocol.io"
	}) {
		t.Errorf("clicks = %v", d[2])
	}
	if num(d[3]["total_value"].(map[string]any)["value"]) != 1200 {
		t.Errorf("followers_count = %v", d[3])
	}
	r = mustOK(t, a.get("/v1.0/me/threads_insights", "metric", "follower_demographics", "breakdown", "country"))
	tv := r.data()[0]["total_value"].(map[string]any)
	bd := tv["breakdowns"].([]any)[0].(map[string]any)
	sum := 0
	for _, res := range bd["results"].([]any) {
		sum += num(res.(map[string]any)["value"])
	}
	if sum != 1200 || bd["dimension_keys"].([]any)[0] != "country" {
		t.Errorf("demographics = %s", r.raw)
	}
	tests := [][]string{
		{"metric", "follower_demographics"},
		{"metric", "follower_demographics", "breakdown", "age,gender"},
		{"metric", "follower_demographics", "breakdown", "shoe_size"},
		{"metric", "views", "since", "1712991599"},
		{"metric", "views", "since", itoa(t0.Unix()), "until", itoa(t0.Unix() - 10)},
	}
	for _, kv := range tests {
		wantErr(t, a.get("/v1.0/me/threads_insights", kv...), 400, 100)
	}
	small := s.AddUser(UserSpec{Username: "small", Followers: 99})
	wantErr(t, a.as(s.IssueToken(small, AllScopes, 0)).get("/v1.0/me/threads_insights", "metric", "follower_demographics", "breakdown", "age"), 400, 100)
	wantErr(t, a.as(s.IssueToken(s.DemoUserID(), []string{ScopeBasic}, 0)).get("/v1.0/me/threads_insights", "metric", "views"), 500, 10)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Path tolerance, hosts, parameter locations.
func TestPathTolerance(t *testing.T) {
	s, _, a := newWorld(t)
	uid := s.DemoUserID()
	for _, path := range []string{"/v1.0/me", "/me", "/v1.0/" + uid, "/" + uid, "/v1.0/me/"} {
		if r := mustOK(t, a.get(path, "fields", "id")); r.body["id"] != uid {
			t.Errorf("%s: %v", path, r.body)
		}
	}
	for _, host := range []string{"graph.threads.net", "graph.threads.com"} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/v1.0/me", nil)
		req.Host = host
		req.Header.Set("Authorization", "Bearer "+a.tok)
		mustOK(t, send(t, req))
	}
	// Query-string parameters on a POST with an empty body (Meta's sample app).
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost,
		s.URL+"/v1.0/me/threads?media_type=TEXT&text=query&access_token="+url.QueryEscape(a.tok), nil)
	if mustOK(t, send(t, req)).id() == "" {
		t.Error("query-string POST returned no id")
	}
	// Multipart body with a JSON-string object parameter.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("media_type", "TEXT")
	_ = mw.WriteField("text", "multipart poll")
	_ = mw.WriteField("poll_attachment", `{"option_a":"yes","option_b":"no"}`)
	_ = mw.WriteField("auto_publish_text", "true")
	_ = mw.Close()
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/me/threads", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+a.tok)
	mid := mustOK(t, send(t, req)).id()
	r := mustOK(t, a.get("/v1.0/"+mid, "fields", "poll_attachment"))
	if p := r.body["poll_attachment"].(map[string]any); p["option_a"] != "yes" || p["option_b"] != "no" {
		t.Errorf("poll = %v", p)
	}
	// JSON bodies: ignored by default, accepted with the knob.
	jsonPost := func(s *Server) resp {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/v1.0/me/threads",
			strings.NewReader(`{"media_type":"TEXT","text":"json body"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+s.DemoToken())
		return send(t, req)
	}
	wantErr(t, jsonPost(s), 400, 100)
	s2, _, _ := newWorld(t, WithConfig(Config{AcceptJSONBody: true}))
	mustOK(t, jsonPost(s2))
	// Unknown routes.
	wantErr(t, a.get("/v1.0/me/nothing_here"), 400, 100)
	wantErr(t, a.get("/v1.0/a/b/c"), 400, 100)
	// Another user's profile.
	other := s.AddUser(UserSpec{Username: "x"})
	wantErr(t, a.get("/v1.0/"+other), 400, 100)
	wantErr(t, a.get("/v1.0/"+other+"/threads"), 400, 100)
}

// The exact error envelope.
func TestErrorEnvelope(t *testing.T) {
	_, _, a := newWorld(t)
	r := a.get("/v1.0/12345")
	e := wantErr(t, r, 400, 100)
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"code", "error_subcode", "fbtrace_id", "message", "type"}) {
		t.Fatalf("envelope keys = %v (%s)", keys, r.raw)
	}
	r = a.post("/v1.0/me/threads", "media_type", "TEXT", "text", strings.Repeat("x", 501))
	e = wantErr(t, r, 400, 100)
	for _, k := range []string{"error_subcode", "is_transient", "error_user_title", "error_user_msg"} {
		if _, ok := e[k]; ok {
			t.Errorf("optional member %s present: %s", k, r.raw)
		}
	}
}

func TestInjectErrorAndInspection(t *testing.T) {
	s, _, a := newWorld(t, WithConfig(Config{RateLimitStatus429: true}))
	s.InjectError(http.MethodGet, "/threads_insights", ErrorSpec{Code: 4, Message: "Application request limit reached", IsTransient: true}, 2)
	for range 2 {
		e := wantErr(t, a.get("/v1.0/me/threads_insights", "metric", "views"), 429, 4)
		if e["is_transient"] != true || e["message"] != "Application request limit reached" {
			t.Errorf("injected = %v", e)
		}
	}
	mustOK(t, a.get("/v1.0/me/threads_insights", "metric", "views"))
	s.InjectError("", "/me/threads", ErrorSpec{Code: 2, Message: "Service temporarily unavailable", IsTransient: true}, 1)
	wantErr(t, a.get("/v1.0/me/threads"), 500, 2)
	mustOK(t, a.get("/v1.0/me/threads"))
	s.InjectError("", "/me", ErrorSpec{HTTPStatus: 503, Code: 1, Message: "x"}, 0)
	wantErr(t, a.get("/me"), 503, 1)
	wantErr(t, a.get("/me"), 503, 1)
	s.Reset()
	mustOK(t, a.get("/me"))

	s.ResetRequests()
	a.param = true
	mustOK(t, a.get("/v1.0/me", "fields", "id"))
	reqs := s.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/v1.0/me" || reqs[0].Query.Get("access_token") != a.tok || reqs[0].At != t0 {
		t.Fatalf("requests = %+v", reqs)
	}
	a.param = false
	mustOK(t, a.post("/v1.0/me/threads", "media_type", "TEXT", "text", "form"))
	if r := s.Requests()[1]; r.Form.Get("text") != "form" || r.Header.Get("Authorization") != "Bearer "+a.tok {
		t.Fatalf("recorded POST = %+v", r)
	}
}

func TestLatency(t *testing.T) {
	s := NewServer(WithDemoWorld(), WithLatency(300*time.Millisecond))
	defer s.Close()
	a := &api{t: t, s: s, tok: s.DemoToken()}
	start := time.Now()
	mustOK(t, a.get("/me"))
	if d := time.Since(start); d < 300*time.Millisecond {
		t.Fatalf("latency %v < 300ms", d)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/me", nil)
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("want a context deadline error")
	}
	s.SetLatency(0)
	start = time.Now()
	mustOK(t, a.get("/me"))
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Fatalf("latency after SetLatency(0): %v", d)
	}
}

func TestDemoWorld(t *testing.T) {
	build := func() ([]Post, string, string) {
		e := NewEmulator(WithClock(NewManualClock(t0)), WithDemoWorld())
		return e.Posts(e.DemoUserID()), e.DemoToken(), e.DemoUserID()
	}
	p1, tok1, uid1 := build()
	p2, tok2, uid2 := build()
	if tok1 != tok2 || uid1 != uid2 || len(p1) != len(p2) {
		t.Fatal("demo world is not deterministic")
	}
	for i := range p1 {
		if p1[i].ID != p2[i].ID || p1[i].Text != p2[i].Text || !p1[i].Timestamp.Equal(p2[i].Timestamp) {
			t.Fatalf("post %d differs: %+v vs %+v", i, p1[i], p2[i])
		}
	}
	kinds := map[string]int{}
	for _, p := range p1 {
		if p.ReplyToID == "" {
			kinds[p.MediaType]++
			if p.TopicTag != "" {
				kinds["tag"]++
			}
			if p.LinkURL != "" {
				kinds["link"]++
			}
		}
	}
	if kinds["TEXT_POST"] < 3 || kinds["IMAGE"] != 1 || kinds["CAROUSEL_ALBUM"] != 1 || kinds["VIDEO"] != 1 ||
		kinds["REPOST_FACADE"] != 1 || kinds["tag"] < 2 || kinds["link"] < 2 {
		t.Fatalf("demo post kinds = %v", kinds)
	}
	empty := NewEmulator()
	if empty.DemoToken() != "" || empty.DemoUserID() != "" {
		t.Fatal("demo token without WithDemoWorld")
	}
	if id, secret := NewEmulator(WithDemoWorld()).DemoApp(); id == "" || secret == "" {
		t.Fatal("no demo app")
	}
	if NewEmulator(WithSeed(7), WithDemoWorld()).DemoToken() == tok1 {
		t.Fatal("seed does not change tokens")
	}
}
