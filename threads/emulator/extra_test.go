package emulator

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Meta counts emoji as their UTF-8 bytes (https://developers.facebook.com/docs/threads/posts);
// ASCII and letter/mark/number clusters cost 1; other symbols their bytes.
func TestCountText(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"hello", 5},
		{"😀", 4},
		{"👨‍👩‍👧", 18},  // ZWJ family: full byte length
		{"é", 1},       // precomposed
		{"e\u0301", 1}, // e + combining acute: one cluster starting with a letter
		{"日本語", 3},
		{"한국어", 3},
		{"“quoted”", 6 + 3 + 3}, // curly quotes cost 3 bytes each
		{"a—b…", 1 + 3 + 1 + 3},
		{"١٢٣", 3}, // Arabic-Indic digits (N*)
		{"\r\n", 1},
		{"1️⃣", 7}, // keycap emoji: its bytes
		{"ℹ️", 6},  // an emoji whose base Unicode calls a letter
		{strings.Repeat("”", 166) + "ab", 500},
	}
	for _, tc := range tests {
		if got := countText(tc.in); got != tc.want {
			t.Errorf("countText(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestExtractTagsAndLinks(t *testing.T) {
	tags := []struct {
		in   string
		want []string
	}{
		{"#go", []string{"go"}},
		{"#go.", []string{"go"}},
		{"a#go", nil},
		{"#1 #12", nil},
		{"#go! and #rust?", []string{"go", "rust"}},
		{"#Go #go", []string{"Go"}},
		{"#" + strings.Repeat("x", 51), nil},
		{"#tag&more", []string{"tag"}},
	}
	for _, tc := range tags {
		if got := extractTags(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("extractTags(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	links := []struct {
		text  string
		extra []string
		want  int
	}{
		{"see https://a.example/x.", nil, 1},
		{"https://a.example and HTTPS://A.example/", nil, 1},
		{"www.a.example https://b.example", []string{"https://www.a.example"}, 2},
		{"no links", []string{"", "https://c.example"}, 1},
	}
	for _, tc := range links {
		if got := countLinks(tc.text, tc.extra...); got != tc.want {
			t.Errorf("countLinks(%q, %v) = %d, want %d", tc.text, tc.extra, got, tc.want)
		}
	}
}

func TestProfileGhostAndAppToken(t *testing.T) {
	s, clk, a := newWorld(t)
	r := mustOK(t, a.get("/v1.0/me", "fields", "id,username,name,threads_biography,threads_profile_picture_url,is_verified,recently_searched_keywords,is_eligible_for_geo_gating"))
	if r.body["username"] != DemoUsername || r.body["is_verified"] != false || r.body["threads_profile_picture_url"] == nil ||
		r.body["threads_biography"] == nil || r.body["is_eligible_for_geo_gating"] != true {
		t.Errorf("profile = %v", r.body)
	}
	wantErr(t, a.get("/v1.0/me", "fields", "followers"), 400, 100)

	gid := a.publishText("boo", "is_ghost_post", "true")
	g := mustOK(t, a.get("/v1.0/me/ghost_posts", "fields", "id,ghost_post_status,ghost_post_expiration_timestamp")).data()
	if len(g) != 1 || g[0]["id"] != gid || g[0]["ghost_post_status"] != "ACTIVE" {
		t.Fatalf("ghost posts = %v", g)
	}
	for _, d := range mustOK(t, a.get("/v1.0/me/threads", "limit", "100")).data() {
		if d["id"] == gid {
			t.Error("ghost post in /me/threads")
		}
	}
	clk.Advance(25 * time.Hour)
	if g := mustOK(t, a.get("/v1.0/"+gid, "fields", "ghost_post_status")); g.body["ghost_post_status"] != "ARCHIVED" {
		t.Errorf("ghost after 24h = %v", g.body)
	}

	s.RegisterApp("42", "s3cret", "https://app.example/cb")
	pub := &api{t: t, s: s}
	r = mustOK(t, pub.get("/oauth/access_token", "client_id", "42", "client_secret", "s3cret", "grant_type", "client_credentials"))
	appTok, _ := r.body["access_token"].(string)
	if !strings.HasPrefix(appTok, "TH|42|") || r.body["token_type"] != "bearer" {
		t.Fatalf("app token = %v", r.body)
	}
	wantErr(t, a.as(appTok).get("/me"), 400, 190)
	if r := pub.get("/oauth/access_token", "client_id", "42", "client_secret", "bad", "grant_type", "client_credentials"); r.body["error_type"] != "OAuthException" {
		t.Errorf("bad secret = %s", r.raw)
	}
	q := url.Values{"client_id": {"42"}, "redirect_uri": {"https://app.example/cb"}, "scope": {"threads_basic"}}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/v1.0/oauth/authorize?"+q.Encode(), nil)
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Fatalf("authorize for registered app: %d", res.StatusCode)
	}
	if id := s.UserIDByUsername(DemoUsername); id != s.DemoUserID() {
		t.Errorf("UserIDByUsername = %q", id)
	}
	clk.Set(t0)
	if !clk.Now().Equal(t0) {
		t.Error("ManualClock.Set")
	}
}

func TestQuoteAndRepostCounts(t *testing.T) {
	_, _, a := newWorld(t)
	mid := a.publishText("orig")
	base := func() (int, int) {
		d := mustOK(t, a.get("/v1.0/"+mid+"/insights", "metric", "reposts,quotes")).data()
		return num(d[0]["values"].([]any)[0].(map[string]any)["value"]), num(d[1]["values"].([]any)[0].(map[string]any)["value"])
	}
	r0, q0 := base()
	mustOK(t, a.post("/v1.0/"+mid+"/repost"))
	a.publishText("quote", "quote_post_id", mid)
	if r1, q1 := base(); r1 != r0+1 || q1 != q0+1 {
		t.Errorf("reposts %d→%d, quotes %d→%d", r0, r1, q0, q1)
	}
}

// Faults and data may change while requests are in flight.
func TestConcurrentUse(t *testing.T) {
	s := NewServer(WithDemoWorld(), WithProcessingDelay(time.Millisecond, time.Millisecond))
	defer s.Close()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := &api{t: t, s: s, tok: s.DemoToken()}
			for j := range 5 {
				id := a.post("/v1.0/me/threads", "media_type", "TEXT", "text", fmt.Sprint(i, "-", j), "auto_publish_text", "true").id()
				a.get("/v1.0/"+id, "fields", "id,text")
				a.get("/v1.0/me/threads", "limit", "5")
				s.SetLatency(0)
				s.SetPublishLag(0)
				_ = s.Requests()
				_ = s.Containers(s.DemoUserID())
			}
		}()
	}
	wg.Wait()
	n := 0
	for _, p := range s.Posts(s.DemoUserID()) {
		if strings.Contains(p.Text, "-") && len(p.Text) <= 3 {
			n++
		}
	}
	if n != 40 {
		t.Fatalf("published %d concurrent posts, want 40", n)
	}
}

func TestTokenPrefix(t *testing.T) {
	e := NewEmulator(WithDemoWorld(), WithTokenPrefix("SENTINEL_"))
	for _, tok := range []string{e.DemoToken(), e.IssueToken(e.DemoUserID(), DefaultScopes, time.Hour)} {
		if !strings.HasPrefix(tok, "SENTINEL_") {
			t.Errorf("token %q lacks the prefix", tok)
		}
	}
	if tok := NewEmulator(WithDemoWorld()).DemoToken(); !strings.HasPrefix(tok, "THAA") {
		t.Errorf("default token %q does not start like Meta's", tok)
	}
}
