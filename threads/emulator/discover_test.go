package emulator

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// texts returns the text of each item of a list response.
func texts(r resp) []string {
	var out []string
	for _, d := range r.data() {
		s, _ := d["text"].(string)
		out = append(out, s)
	}
	return out
}

func anyContains(list []string, sub string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.Contains(s, sub) })
}

// demoPost finds a seeded post of the demo world by the start of its text.
func demoPost(t *testing.T, s *Server, user, prefix string) Post {
	t.Helper()
	for _, p := range s.Posts(s.UserIDByUsername(user)) {
		if strings.HasPrefix(p.Text, prefix) {
			return p
		}
	}
	t.Fatalf("no post of %s starting %q", user, prefix)
	return Post{}
}

func TestDebugToken(t *testing.T) {
	s, clk, a := newWorld(t)
	appID, secret := s.DemoApp()
	appTok := mustOK(t, a.as("").get("/oauth/access_token", "client_id", appID, "client_secret", secret,
		"grant_type", "client_credentials")).body["access_token"].(string)
	expired := s.IssueToken(s.DemoUserID(), DefaultScopes, time.Hour)
	tests := []struct {
		name         string
		caller       string
		input        string
		status, code int
		valid        bool
	}{
		{"self", a.tok, a.tok, 200, 0, true},
		{"app token inspects a user token", appTok, a.tok, 200, 0, true},
		{"unknown input", a.tok, "THAAnope", 200, 0, false},
		{"missing input_token", a.tok, "", 400, 100, false},
		{"no caller token", "", a.tok, 400, 190, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := a.as("").get("/v1.0/debug_token", "input_token", tc.input, "access_token", tc.caller)
			if tc.status != 200 {
				wantErr(t, r, tc.status, tc.code)
				return
			}
			d := mustOK(t, r).body["data"].(map[string]any)
			if d["is_valid"] != tc.valid {
				t.Fatalf("is_valid = %v: %s", d["is_valid"], r.raw)
			}
			if !tc.valid {
				return
			}
			for _, k := range []string{"app_id", "type", "application", "data_access_expires_at", "expires_at", "scopes", "user_id"} {
				if d[k] == nil {
					t.Errorf("debug_token lacks %s: %s", k, r.raw)
				}
			}
			if d["type"] != "USER" || d["user_id"] != s.DemoUserID() {
				t.Errorf("type/user_id = %v/%v (user_id must be a string)", d["type"], d["user_id"])
			}
			if !slices.Contains(d["scopes"].([]any), any(ScopeBasic)) {
				t.Errorf("scopes = %v", d["scopes"])
			}
		})
	}
	clk.Advance(2 * time.Hour)
	d := mustOK(t, a.get("/v1.0/debug_token", "input_token", expired)).body["data"].(map[string]any)
	if d["is_valid"] != false {
		t.Errorf("expired token reported valid: %v", d)
	}
}

func TestKeywordSearch(t *testing.T) {
	s, _, a := newWorld(t)
	noScope := a.as(s.IssueToken(s.DemoUserID(), DefaultScopes, 0))
	tests := []struct {
		name         string
		api          *api
		kv           []string
		status, code int
		want, not    []string // substrings of result texts
	}{
		{name: "keyword finds other users' posts", kv: []string{"q", "golang"},
			want: []string{"Go 1.26 is out!", "golang podcast"}},
		{name: "tag mode matches the topic only", kv: []string{"q", "#golang", "search_mode", "TAG"},
			want: []string{"Go 1.26 is out!", "Go generics, one year in"}, not: []string{"golang podcast"}},
		{name: "media type", kv: []string{"q", "harbor", "media_type", "VIDEO"},
			want: []string{"timelapse of the harbor"}},
		{name: "author", kv: []string{"q", "MCP", "author_username", "ada_builds"},
			want: []string{"testing MCP servers"}, not: []string{"Notes on building MCP"}},
		{name: "private authors are not found", kv: []string{"q", "private account"}},
		{name: "whole words only", kv: []string{"q", "go"}, want: []string{"Shipping a small Go tool"},
			not: []string{"Good", "golang podcast"}},
		{name: "q required", kv: []string{"search_type", "TOP"}, status: 400, code: 100},
		{name: "bad search_type", kv: []string{"q", "go", "search_type", "NEWEST"}, status: 400, code: 100},
		{name: "bad search_mode", kv: []string{"q", "go", "search_mode", "HASHTAG"}, status: 400, code: 100},
		{name: "bad media_type", kv: []string{"q", "go", "media_type", "CAROUSEL"}, status: 400, code: 100},
		{name: "owner is not a search field", kv: []string{"q", "go", "fields", "id,owner"}, status: 400, code: 100},
		{name: "needs threads_keyword_search", api: noScope, kv: []string{"q", "go"}, status: 500, code: 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.api
			if c == nil {
				c = a
			}
			r := c.get("/v1.0/keyword_search", append([]string{"fields", "id,text,media_type,username"}, tc.kv...)...)
			if tc.status != 0 {
				wantErr(t, r, tc.status, tc.code)
				return
			}
			got := texts(mustOK(t, r))
			for _, w := range tc.want {
				if !anyContains(got, w) {
					t.Errorf("results %q lack %q", got, w)
				}
			}
			for _, n := range tc.not {
				if anyContains(got, n) {
					t.Errorf("results %q hold %q", got, n)
				}
			}
			if len(tc.want) == 0 && len(got) != 0 {
				t.Errorf("want no results, got %q", got)
			}
		})
	}

	// RECENT is newest first.
	r := mustOK(t, a.get("/v1.0/keyword_search", "q", "@sandbox_demo", "search_type", "RECENT", "fields", "id,timestamp"))
	var ts []string
	for _, d := range r.data() {
		ts = append(ts, d["timestamp"].(string))
	}
	if len(ts) < 3 || !slices.IsSortedFunc(ts, func(x, y string) int { return strings.Compare(y, x) }) {
		t.Errorf("RECENT timestamps = %v", ts)
	}

	// Quota: non-empty searches count, empty ones do not; the keywords are remembered.
	usage := func() int {
		return num(mustOK(t, a.get("/v1.0/me/threads_publishing_limit", "fields", "search_quota_usage,search_config")).data()[0]["search_quota_usage"])
	}
	before := usage()
	mustOK(t, a.get("/v1.0/keyword_search", "q", "golang"))
	mustOK(t, a.get("/v1.0/keyword_search", "q", "zzz-nothing-matches"))
	if got := usage(); got != before+1 {
		t.Errorf("search_quota_usage %d → %d, want +1 (empty results do not count)", before, got)
	}
	lim := mustOK(t, a.get("/v1.0/me/threads_publishing_limit", "fields", "search_config")).data()[0]
	if cfg := lim["search_config"].(map[string]any); num(cfg["quota_total"]) != 2200 || num(cfg["quota_duration"]) != 86400 {
		t.Errorf("search_config = %v", cfg)
	}
	me := mustOK(t, a.get("/v1.0/me", "fields", "recently_searched_keywords"))
	recent := me.body["recently_searched_keywords"].([]any)
	first, _ := recent[0].(map[string]any)
	if first["query"] != "zzz-nothing-matches" || num(first["timestamp"]) != int(t0.UnixMilli()) {
		t.Errorf("recently_searched_keywords = %v, want {query, timestamp ms} newest first", recent)
	}
}

func TestKeywordSearchSettings(t *testing.T) {
	t.Run("own posts only without approval", func(t *testing.T) {
		_, _, a := newWorld(t, WithConfig(Config{KeywordSearchOwnPostsOnly: true}))
		got := texts(mustOK(t, a.get("/v1.0/keyword_search", "q", "go", "fields", "text,username")))
		if len(got) == 0 || anyContains(got, "Go 1.26 is out!") {
			t.Errorf("results = %q, want only the demo account's posts", got)
		}
	})
	for _, tc := range []struct {
		name  string
		cfg   Config
		code  int
		subco int
	}{
		{"default quota error", Config{}, 9, 2207042},
		{"code 4 setting", Config{QuotaError: QuotaErrorCode4}, 4, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, a := newWorld(t, WithConfig(tc.cfg))
			s.mu.Lock()
			for range keywordSearchQuota {
				s.quotaTake(s.demoUserID, quotaSearch, t0.Add(-time.Hour))
			}
			s.mu.Unlock()
			e := wantErr(t, a.get("/v1.0/keyword_search", "q", "golang"), 400, tc.code)
			if num(e["error_subcode"]) != tc.subco && !(tc.subco == 0 && e["error_subcode"] == nil) {
				t.Errorf("error_subcode = %v", e["error_subcode"])
			}
		})
	}
}

func TestMentions(t *testing.T) {
	s, _, a := newWorld(t)
	got := texts(mustOK(t, a.get("/v1.0/me/mentions", "fields", "id,text,username,timestamp")))
	for _, w := range []string{"Shoutout to @sandbox_demo", "@sandbox_demo your carousel", "@sandbox_demo does"} {
		if !anyContains(got, w) {
			t.Errorf("mentions %q lack %q", got, w)
		}
	}
	if anyContains(got, "private account") {
		t.Errorf("mentions include a private author: %q", got)
	}
	since := itoa(t0.Add(-24 * time.Hour).Unix())
	recent := texts(mustOK(t, a.get("/v1.0/me/mentions", "fields", "text", "since", since)))
	if anyContains(recent, "@sandbox_demo does") || !anyContains(recent, "Shoutout") {
		t.Errorf("since filter: %q", recent)
	}
	wantErr(t, a.as(s.IssueToken(s.DemoUserID(), DefaultScopes, 0)).get("/v1.0/me/mentions"), 500, 10)
	wantErr(t, a.get("/v1.0/me/mentions", "limit", "101"), 400, 100)
}

func TestProfileDiscovery(t *testing.T) {
	s, _, a := newWorld(t)
	noScope := a.as(s.IssueToken(s.DemoUserID(), DefaultScopes, 0))
	for _, tc := range []struct {
		name, path, username string
		api                  *api
		status, code         int
	}{
		{"lookup", "/v1.0/profile_lookup", "quill_and_ink", nil, 200, 0},
		{"lookup with @", "/v1.0/profile_lookup", "@ada_builds", nil, 200, 0},
		{"under 100 followers", "/v1.0/profile_lookup", "lin_makes", nil, 400, 100},
		{"private", "/v1.0/profile_lookup", "mira_private", nil, 400, 100},
		{"unknown", "/v1.0/profile_lookup", "nobody_here", nil, 400, 100},
		{"username required", "/v1.0/profile_lookup", "", nil, 400, 100},
		{"needs threads_profile_discovery", "/v1.0/profile_lookup", "quill_and_ink", noScope, 500, 10},
		{"posts", "/v1.0/profile_posts", "ada_builds", nil, 200, 0},
		{"posts of a small profile", "/v1.0/profile_posts", "lin_makes", nil, 400, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.api
			if c == nil {
				c = a
			}
			r := c.get(tc.path, "username", tc.username)
			if tc.status != 200 {
				wantErr(t, r, tc.status, tc.code)
				return
			}
			mustOK(t, r)
		})
	}
	p := mustOK(t, a.get("/v1.0/profile_lookup", "username", "quill_and_ink")).body
	if p["username"] != "quill_and_ink" || num(p["follower_count"]) != 15800 || p["is_verified"] != true || p["views_count"] == nil {
		t.Errorf("profile_lookup = %v", p)
	}
	posts := mustOK(t, a.get("/v1.0/profile_posts", "username", "ada_builds", "fields", "text,username,is_reply"))
	if got := texts(posts); !anyContains(got, "Go 1.26 is out!") || anyContains(got, "Following along!") {
		t.Errorf("profile_posts = %q, want top-level posts only", got)
	}
	wantErr(t, a.get("/v1.0/profile_posts", "username", "ada_builds", "fields", "id,owner"), 400, 100)

	_, _, strict := newWorld(t, WithConfig(Config{ProfileDiscoveryMetaOnly: true}))
	wantErr(t, strict.get("/v1.0/profile_lookup", "username", "quill_and_ink"), 400, 100)
	mustOK(t, strict.get("/v1.0/profile_lookup", "username", "threads"))
}

func TestLocationSearch(t *testing.T) {
	s, _, a := newWorld(t)
	for _, tc := range []struct {
		name         string
		api          *api
		kv           []string
		status, code int
		want         string
	}{
		{name: "by name", kv: []string{"q", "bled"}, want: "Lake Bled"},
		{name: "by coordinates", kv: []string{"latitude", "37.48", "longitude", "-122.15"}, want: "Meta Headquarters"},
		{name: "query or coordinates required", kv: []string{"latitude", "37.48"}, status: 400, code: 100},
		{name: "coordinates out of range", kv: []string{"latitude", "91", "longitude", "0"}, status: 400, code: 100},
		{name: "unknown field", kv: []string{"q", "bled", "fields", "id,rating"}, status: 400, code: 100},
		{name: "needs threads_location_tagging", api: a.as(s.IssueToken(s.DemoUserID(), DefaultScopes, 0)),
			kv: []string{"q", "bled"}, status: 500, code: 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.api
			if c == nil {
				c = a
			}
			r := c.get("/v1.0/location_search", append([]string{"fields", "id,name,city,country,latitude,longitude"}, tc.kv...)...)
			if tc.status != 0 {
				wantErr(t, r, tc.status, tc.code)
				return
			}
			d := mustOK(t, r).data()
			if !slices.ContainsFunc(d, func(m map[string]any) bool { return m["name"] == tc.want }) {
				t.Errorf("results %v lack %q", d, tc.want)
			}
			if _, paged := r.body["paging"]; paged {
				t.Errorf("location_search is not paginated: %s", r.raw)
			}
		})
	}
	lim := mustOK(t, a.get("/v1.0/me/threads_publishing_limit", "fields", "location_search_quota_usage")).data()[0]
	if num(lim["location_search_quota_usage"]) != 2 {
		t.Errorf("location_search_quota_usage = %v, want 2", lim["location_search_quota_usage"])
	}
	loc := mustOK(t, a.get("/v1.0/108424279189115", "fields", "id,name,country"))
	if loc.body["name"] != "Lake Bled" || loc.body["country"] != "SI" {
		t.Errorf("GET location = %s", loc.raw)
	}
}

func TestTextEntitiesShape(t *testing.T) {
	_, _, a := newWorld(t)
	id := a.publishText("spoiler ahead", "text_entities", `[{"entity_type":"SPOILER","offset":0,"length":7}]`)
	r := mustOK(t, a.get("/v1.0/"+id, "fields", "text_entities"))
	te, ok := r.body["text_entities"].(map[string]any)
	if !ok {
		t.Fatalf("text_entities = %s, want {\"data\":[…]}", r.raw)
	}
	if d, _ := te["data"].([]any); len(d) != 1 || d[0].(map[string]any)["entity_type"] != "SPOILER" {
		t.Errorf("text_entities = %v", te)
	}
}

// Replies by other users respect the reply audience of the post they answer.
func TestReplyAudienceEnforced(t *testing.T) {
	s, _, a := newWorld(t)
	scopes := append(slices.Clone(DefaultScopes), ScopeKeywordSearch)
	as := func(user string) *api { return a.as(s.IssueToken(s.UserIDByUsername(user), scopes, 0)) }
	ask := demoPost(t, s, DemoUsername, "Asking @ada_builds")
	take := demoPost(t, s, DemoUsername, "Hot take")
	for _, tc := range []struct {
		name, user string
		post       Post
		ok         bool
	}{
		{"mentioned user may reply", "ada_builds", ask, true},
		{"unmentioned user may not", "lin_makes", ask, false},
		{"account the author follows may reply", "quill_and_ink", take, true},
		{"account the author does not follow may not", "river_runs", take, false},
		{"the author always may", DemoUsername, ask, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := as(tc.user).post("/v1.0/me/threads", "media_type", "TEXT", "text", "a reply", "reply_to_id", tc.post.ID)
			if tc.ok {
				mustOK(t, r)
				return
			}
			e := wantErr(t, r, 400, 10)
			if !strings.Contains(e["error_user_msg"].(string), tc.post.ReplyAudience) {
				t.Errorf("error does not name the audience %s: %v", tc.post.ReplyAudience, e)
			}
		})
	}
}

// Pending replies of the seeded post with reply approvals, and their approval.
func TestSeededPendingReplies(t *testing.T) {
	s, _, a := newWorld(t)
	gated := demoPost(t, s, DemoUsername, "Reply approvals are on")
	all := mustOK(t, a.get("/v1.0/"+gated.ID+"/pending_replies", "fields", "id,text,reply_approval_status"))
	if len(all.data()) != 3 {
		t.Fatalf("pending_replies = %s, want 2 pending + 1 ignored", all.raw)
	}
	ign := mustOK(t, a.get("/v1.0/"+gated.ID+"/pending_replies", "approval_status", "ignored", "fields", "id,text"))
	if got := texts(ign); len(got) != 1 || got[0] != "First!!!" {
		t.Errorf("ignored = %q", got)
	}
	wantErr(t, a.get("/v1.0/"+gated.ID+"/pending_replies", "approval_status", "PENDING"), 400, 100)
	id := ign.data()[0]["id"].(string)
	mustOK(t, a.post("/v1.0/"+id+"/manage_pending_reply", "approve", "true"))
	if got := texts(mustOK(t, a.get("/v1.0/"+gated.ID+"/replies", "fields", "text"))); !slices.Contains(got, "First!!!") {
		t.Errorf("approved reply not listed: %q", got)
	}
	wantErr(t, a.post("/v1.0/"+id+"/manage_pending_reply", "approve", "true"), 400, 100)
}

// Hiding a top-level reply hides its nested replies; a nested reply cannot be
// targeted.
func TestManageReplyNested(t *testing.T) {
	s, _, a := newWorld(t)
	hello := demoPost(t, s, DemoUsername, "Hello, Threads!")
	conv := mustOK(t, a.get("/v1.0/"+hello.ID+"/conversation", "fields", "id,text,replied_to,hide_status"))
	var top, nested string
	for _, d := range conv.data() {
		switch d["text"] {
		case "Welcome! Great to see you here.":
			top = d["id"].(string)
		case "Nested replies work too.":
			nested = d["id"].(string)
		}
	}
	wantErr(t, a.post("/v1.0/"+nested+"/manage_reply", "hide", "true"), 400, 100)
	mustOK(t, a.post("/v1.0/"+top+"/manage_reply", "hide", "true"))
	if st := mustOK(t, a.get("/v1.0/"+nested, "fields", "hide_status")).body["hide_status"]; st != "HIDDEN" {
		t.Errorf("nested reply hide_status = %v, want HIDDEN", st)
	}
	mustOK(t, a.post("/v1.0/"+top+"/manage_reply", "hide", "false"))
	if st := mustOK(t, a.get("/v1.0/"+nested, "fields", "hide_status")).body["hide_status"]; st != "UNHUSHED" {
		t.Errorf("nested reply hide_status = %v, want UNHUSHED", st)
	}
}

// The seeded world spans two weeks and gives every read endpoint something.
func TestDemoWorldActivity(t *testing.T) {
	s, _, a := newWorld(t)
	posts := mustOK(t, a.get("/v1.0/me/threads", "limit", "100", "fields", "id,timestamp,media_type"))
	if n := len(posts.data()); n < 12 {
		t.Errorf("demo account has %d top-level posts, want at least 12", n)
	}
	week := itoa(t0.Add(-7 * 24 * time.Hour).Unix())
	if n := len(mustOK(t, a.get("/v1.0/me/threads", "since", week)).data()); n < 5 {
		t.Errorf("%d posts in the last week, want at least 5", n)
	}
	old := itoa(t0.Add(-14 * 24 * time.Hour).Unix())
	older := itoa(t0.Add(-7 * 24 * time.Hour).Unix())
	if n := len(mustOK(t, a.get("/v1.0/me/threads", "since", old, "until", older)).data()); n < 3 {
		t.Errorf("%d posts in the week before, want at least 3", n)
	}
	if n := len(mustOK(t, a.get("/v1.0/me/replies")).data()); n < 2 {
		t.Errorf("%d own replies", n)
	}
	_ = s
}

// A reply to an allowed reply does not get around the root post's audience.
func TestReplyAudienceCoversConversation(t *testing.T) {
	s, _, a := newWorld(t)
	ask := demoPost(t, s, DemoUsername, "Asking @ada_builds")
	var adaReply string
	for _, p := range s.Posts(s.UserIDByUsername("ada_builds")) {
		if p.ReplyToID == ask.ID {
			adaReply = p.ID
		}
	}
	lin := a.as(s.IssueToken(s.UserIDByUsername("lin_makes"), append(slices.Clone(DefaultScopes), ScopeKeywordSearch), 0))
	wantErr(t, lin.post("/v1.0/me/threads", "media_type", "TEXT", "text", "sneaky", "reply_to_id", adaReply), 400, 10)
}
