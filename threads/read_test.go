package threads

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestReadEndpoints(t *testing.T) {
	t.Parallel()
	since := time.Unix(1700000000, 0)
	until := time.Unix(1700086400, 0)
	lat, lon := 37.48, -122.15
	searchFields := strings.Join(defaultSearchFields, ",")
	tests := []endpointCase{
		{
			name: "GetMedia every documented shape", path: "/m1", method: "GET",
			form: map[string]string{"fields": strings.Join(allMediaFields, ",")},
			body: `{"id":"m1","media_type":"CAROUSEL_ALBUM","children":{"data":[{"id":"c1","media_type":"IMAGE"},{"id":"c2","media_type":"VIDEO"}]},` +
				`"is_quote_post":true,"quoted_post":{"id":"q1"},"reposted_post":{"id":"rp1"},"replied_to":{"id":"p0"},"root_post":{"id":"p0"},` +
				`"hide_status":"HIDDEN","reply_audience":"FOLLOWERS_ONLY","text_entities":{"data":[{"entity_type":"SPOILER","offset":3,"length":4}]},` +
				`"poll_attachment":{"option_a":"Yes","option_b":"No","option_a_votes_percentage":62.5,"option_b_votes_percentage":37.5,"total_votes":8,"expiration_timestamp":"2026-05-02T12:00:00+0000"},` +
				`"text_attachment":{"plaintext":"long","link_attachment_url":"https://e.x","text_with_styling_info":[{"offset":0,"length":4,"styling_info":["bold"]}]},` +
				`"location_id":1234,"location":{"id":1234,"name":"Menlo Park","latitude":37.48,"longitude":-122.15},` +
				`"ghost_post_status":"ACTIVE","ghost_post_expiration_timestamp":1777723200,"allowlisted_country_codes":["US","CA"]}`,
			call: func(c *Client) (any, error) {
				v, _, err := c.GetMedia(t.Context(), "m1", AllMediaFields()...)
				return v, err
			},
			check: func(t *testing.T, v any) {
				m := v.(*Media)
				if len(m.Children.Data) != 2 || m.Children.Data[1].ID != "c2" || m.Children.Data[1].MediaType != MediaTypeVideo {
					t.Errorf("children = %+v", m.Children)
				}
				if m.QuotedPost.ID != "q1" || m.RepostedPost.ID != "rp1" || m.RepliedTo.ID != "p0" || m.RootPost.ID != "p0" {
					t.Errorf("refs = %+v %+v %+v %+v", m.QuotedPost, m.RepostedPost, m.RepliedTo, m.RootPost)
				}
				wantEq(t, m.HideStatus, HideStatusHidden)
				wantEq(t, m.ReplyAudience, "FOLLOWERS_ONLY")
				if len(m.TextEntities.Data) != 1 || m.TextEntities.Data[0] != (TextEntity{EntityType: "SPOILER", Offset: 3, Length: 4}) {
					t.Errorf("text_entities = %+v", m.TextEntities)
				}
				p := m.PollAttachment
				if p.OptionB != "No" || *p.OptionAVotesPercentage != 62.5 || p.TotalVotes != 8 || p.OptionCVotesPercentage != nil ||
					!p.ExpirationTimestamp.Equal(time.Date(2026, 5, 2, 12, 0, 0, 0, time.UTC)) {
					t.Errorf("poll = %+v", p)
				}
				if m.TextAttachment.Plaintext != "long" || m.TextAttachment.TextWithStylingInfo[0].StylingInfo[0] != "bold" {
					t.Errorf("text_attachment = %+v", m.TextAttachment)
				}
				wantEq(t, m.LocationID, "1234")
				wantEq(t, m.Location.ID, "1234")
				wantEq(t, m.GhostPostStatus, GhostPostActive)
				if !m.GhostPostExpirationTimestamp.Equal(time.Unix(1777723200, 0)) {
					t.Errorf("ghost expiry = %v", m.GhostPostExpirationTimestamp)
				}
			},
		},
		{
			name: "GetMedia bare-array children and text_entities, nested TEXT normalized", path: "/m2", method: "GET",
			form: map[string]string{"fields": "id,children{id,media_type},quoted_post{id,media_type},text_entities"},
			body: `{"id":"m2","children":[{"id":"c1","media_type":"IMAGE"}],"quoted_post":{"id":"q","media_type":"TEXT"},"text_entities":[{"entity_type":"spoiler","offset":0,"length":1}],"location_id":"77"}`,
			call: func(c *Client) (any, error) {
				v, _, err := c.GetMedia(t.Context(), "m2", "id", "children{id,media_type}", "quoted_post{id,media_type}", "text_entities")
				return v, err
			},
			check: func(t *testing.T, v any) {
				m := v.(*Media)
				if m.Children.Data[0].ID != "c1" || m.QuotedPost.MediaType != MediaTypeTextPost || m.TextEntities.Data[0].EntityType != "spoiler" {
					t.Errorf("media = %+v", m)
				}
				wantEq(t, m.LocationID, "77")
			},
		},
		{
			name: "KeywordSearch every parameter", path: "/keyword_search", method: "GET",
			form: map[string]string{"q": "golang", "search_type": "RECENT", "search_mode": "TAG", "media_type": "TEXT",
				"author_username": "alice", "since": "1700000000", "until": "1700086400", "limit": "50", "after": "CUR",
				"fields": searchFields},
			body: `{"data":[{"id":"s1","media_type":"TEXT","text":"#golang rocks","username":"alice"}],"paging":{"cursors":{"before":"B","after":"A"}}}`,
			call: func(c *Client) (any, error) {
				v, _, err := c.KeywordSearch(t.Context(), KeywordSearchOptions{Query: "golang", SearchType: SearchRecent,
					SearchMode: SearchTag, MediaType: MediaTypeText, AuthorUsername: "@alice",
					ListOptions: ListOptions{Since: since, Until: until, Limit: 50, After: "CUR"}})
				return v, err
			},
			check: func(t *testing.T, v any) {
				ml := v.(*MediaList)
				if len(ml.Data) != 1 || ml.Data[0].MediaType != MediaTypeTextPost || ml.Paging.Cursors.After != "A" {
					t.Errorf("search = %+v", ml)
				}
				if strings.Contains(searchFields, "owner") {
					t.Error("search asks for owner, which keyword_search does not offer")
				}
			},
		},
		{
			name: "KeywordSearch defaults", path: "/keyword_search", method: "GET",
			form: map[string]string{"q": "threads api", "fields": "id,text"},
			body: `{"data":[]}`,
			call: func(c *Client) (any, error) {
				v, _, err := c.KeywordSearch(t.Context(), KeywordSearchOptions{Query: "threads api", ListOptions: ListOptions{Fields: []string{"id", "text"}}})
				return v, err
			},
			check: func(t *testing.T, v any) {
				if ml := v.(*MediaList); ml.Data == nil || len(ml.Data) != 0 {
					t.Errorf("data = %#v", ml.Data)
				}
			},
		},
		{
			name: "Mentions", path: "/me/mentions", method: "GET",
			form: map[string]string{"fields": searchFields, "since": "1700000000", "before": "B"},
			body: `{"data":[{"id":"x1","username":"bob","text":"hi @alice"}],"paging":{"cursors":{"before":"B0"}}}`,
			call: func(c *Client) (any, error) {
				v, _, err := c.Mentions(t.Context(), ListOptions{Since: since, Before: "B"})
				return v, err
			},
			check: func(t *testing.T, v any) { wantEq(t, v.(*MediaList).Data[0].Username, "bob") },
		},
		{
			name: "GhostPosts", path: "/me/ghost_posts", method: "GET",
			form:  map[string]string{"fields": strings.Join(defaultMediaFields, ",") + ",ghost_post_status,ghost_post_expiration_timestamp"},
			body:  `{"data":[{"id":"g1","ghost_post_status":"ARCHIVED","ghost_post_expiration_timestamp":"2026-05-02T12:00:00+0000"}]}`,
			call:  func(c *Client) (any, error) { v, _, err := c.GhostPosts(t.Context(), ListOptions{}); return v, err },
			check: func(t *testing.T, v any) { wantEq(t, v.(*MediaList).Data[0].GhostPostStatus, GhostPostArchived) },
		},
		{
			name: "ProfileLookup", path: "/profile_lookup", method: "GET",
			form: map[string]string{"username": "meta", "fields": strings.Join(defaultProfileFields, ",")},
			body: `{"username":"meta","name":"Meta","profile_picture_url":"https://p","biography":"bio","is_verified":true,"follower_count":1234,"likes_count":5,"quotes_count":6,"replies_count":7,"reposts_count":8,"views_count":9}`,
			call: func(c *Client) (any, error) { v, _, err := c.ProfileLookup(t.Context(), "@meta"); return v, err },
			check: func(t *testing.T, v any) {
				p := v.(*PublicProfile)
				if *p != (PublicProfile{Username: "meta", Name: "Meta", ProfilePictureURL: "https://p", Biography: "bio", IsVerified: true,
					FollowerCount: 1234, LikesCount: 5, QuotesCount: 6, RepliesCount: 7, RepostsCount: 8, ViewsCount: 9}) {
					t.Errorf("profile = %+v", p)
				}
			},
		},
		{
			name: "ProfilePosts", path: "/profile_posts", method: "GET",
			form: map[string]string{"username": "threads", "fields": "id,permalink", "limit": "5"},
			body: `{"data":[{"id":"pp1","permalink":"https://www.threads.com/@threads/post/ABC"}]}`,
			call: func(c *Client) (any, error) {
				v, _, err := c.ProfilePosts(t.Context(), "threads", ListOptions{Fields: []string{"id", "permalink"}, Limit: 5})
				return v, err
			},
			check: func(t *testing.T, v any) { wantEq(t, v.(*MediaList).Data[0].ID, "pp1") },
		},
		{
			name: "LocationSearch by query, numeric id", path: "/location_search", method: "GET",
			form: map[string]string{"q": "Menlo Park", "fields": strings.Join(defaultLocationFields, ",")},
			body: `{"data":[{"id":7640348500,"name":"Menlo Park","city":"Menlo Park","country":"US","latitude":37.48,"longitude":-122.15,"postal_code":"94025"}]}`,
			call: func(c *Client) (any, error) {
				v, _, err := c.LocationSearch(t.Context(), LocationSearchOptions{Query: "Menlo Park"})
				return v, err
			},
			check: func(t *testing.T, v any) {
				l := v.([]Location)
				if len(l) != 1 || l[0].ID != "7640348500" || *l[0].Latitude != 37.48 || l[0].PostalCode != "94025" {
					t.Errorf("locations = %+v", l)
				}
			},
		},
		{
			name: "LocationSearch by coordinates", path: "/location_search", method: "GET",
			form: map[string]string{"latitude": "37.48", "longitude": "-122.15", "fields": "id,name"},
			body: `{"data":[{"id":"9","name":"Somewhere"}]}`,
			call: func(c *Client) (any, error) {
				v, _, err := c.LocationSearch(t.Context(), LocationSearchOptions{Latitude: &lat, Longitude: &lon, Fields: []string{"id", "name"}})
				return v, err
			},
			check: func(t *testing.T, v any) { wantEq(t, v.([]Location)[0].ID, "9") },
		},
		{
			name: "GetLocation", path: "/9", method: "GET",
			form:  map[string]string{"fields": strings.Join(defaultLocationFields, ",")},
			body:  `{"id":"9","name":"Somewhere","address":"1 Hacker Way"}`,
			call:  func(c *Client) (any, error) { v, _, err := c.GetLocation(t.Context(), "9"); return v, err },
			check: func(t *testing.T, v any) { wantEq(t, v.(*Location).Address, "1 Hacker Way") },
		},
		{
			name: "RecentlySearchedKeywords", path: "/me", method: "GET",
			form: map[string]string{"fields": "id,recently_searched_keywords"},
			body: `{"id":"1","recently_searched_keywords":[{"query":"golang","timestamp":1735707600000},{"query":"mcp","timestamp":1735707600}]}`,
			call: func(c *Client) (any, error) { v, _, err := c.RecentlySearchedKeywords(t.Context()); return v, err },
			check: func(t *testing.T, v any) {
				k := v.([]SearchedKeyword)
				want := time.Date(2025, 1, 1, 5, 0, 0, 0, time.UTC)
				if len(k) != 2 || k[0].Query != "golang" || !k[0].Timestamp.Equal(want) || !k[1].Timestamp.Equal(want) {
					t.Errorf("keywords = %+v", k)
				}
			},
		},
		{
			name: "RecentlySearchedKeywords absent", path: "/me", method: "GET",
			form: map[string]string{"fields": "id,recently_searched_keywords"},
			body: `{"id":"1"}`,
			call: func(c *Client) (any, error) { v, _, err := c.RecentlySearchedKeywords(t.Context()); return v, err },
			check: func(t *testing.T, v any) {
				if k := v.([]SearchedKeyword); k == nil || len(k) != 0 {
					t.Errorf("keywords = %#v", k)
				}
			},
		},
		{
			name: "DebugToken", path: "/debug_token", method: "GET",
			form: map[string]string{"input_token": "INSPECTED"},
			body: `{"data":{"app_id":"4242","type":"USER","application":"threads-mcp","data_access_expires_at":1754846089,"expires_at":1752254132,"is_valid":true,"issued_at":1747070132,"scopes":["threads_basic","threads_content_publish"],"user_id":"1234567890123456"}}`,
			call: func(c *Client) (any, error) { v, _, err := c.DebugToken(t.Context(), "INSPECTED"); return v, err },
			check: func(t *testing.T, v any) {
				ti := v.(*TokenInfo)
				if ti.AppID != "4242" || ti.Type != "USER" || !ti.IsValid || ti.UserID != "1234567890123456" ||
					!ti.ExpiresAt.Equal(time.Unix(1752254132, 0)) || !ti.IssuedAt.Equal(time.Unix(1747070132, 0)) ||
					!ti.DataAccessExpiresAt.Equal(time.Unix(1754846089, 0)) || !ti.HasScope("threads_content_publish") || ti.HasScope("threads_delete") {
					t.Errorf("token info = %+v", ti)
				}
			},
		},
		{
			name: "DebugToken numeric ids, no expiry", path: "/debug_token", method: "GET",
			form: map[string]string{"input_token": "X"},
			body: `{"data":{"app_id":4242,"type":"USER","expires_at":0,"is_valid":false,"user_id":17841405793187218}}`,
			call: func(c *Client) (any, error) { v, _, err := c.DebugToken(t.Context(), "X"); return v, err },
			check: func(t *testing.T, v any) {
				ti := v.(*TokenInfo)
				if ti.AppID != "4242" || ti.UserID != "17841405793187218" || ti.IsValid || !ti.ExpiresAt.IsZero() || ti.Scopes == nil {
					t.Errorf("token info = %+v", ti)
				}
			},
		},
	}
	runEndpointCases(t, tests)
}

// TestReadEndpointsMetaErrors feeds each read endpoint the error Meta answers
// when the grant lacks the feature's permission or the object is unknown,
// and checks the classification a caller acts on.
func TestReadEndpointsMetaErrors(t *testing.T) {
	t.Parallel()
	const (
		noPermission = `{"error":{"message":"Application does not have permission for this action","type":"THApiException","code":10,"fbtrace_id":"A1"}}`
		notFound     = `{"error":{"message":"Unsupported get request. Object with ID '1234567' does not exist, cannot be loaded due to missing permissions, or does not support this operation","type":"THApiException","code":100,"error_subcode":33,"fbtrace_id":"A2"}}`
		expired      = `{"error":{"message":"Error validating access token: Session has expired on Friday, 01-May-26 12:00:00 PDT.","type":"OAuthException","code":190,"error_subcode":463}}`
		quota        = `{"error":{"message":"Application request limit reached","type":"THApiException","code":4,"is_transient":true}}`
	)
	tests := []struct {
		name   string
		path   string
		status int
		body   string
		want   ErrorKind
		call   func(c *Client) error
	}{
		{"KeywordSearch without threads_keyword_search", "/keyword_search", 500, noPermission, KindPermission,
			func(c *Client) error {
				_, _, err := c.KeywordSearch(t.Context(), KeywordSearchOptions{Query: "x"})
				return err
			}},
		{"KeywordSearch over quota", "/keyword_search", 400, quota, KindRateLimited,
			func(c *Client) error {
				_, _, err := c.KeywordSearch(t.Context(), KeywordSearchOptions{Query: "x"})
				return err
			}},
		{"Mentions without threads_manage_mentions", "/me/mentions", 500, noPermission, KindPermission,
			func(c *Client) error { _, _, err := c.Mentions(t.Context(), ListOptions{}); return err }},
		{"GhostPosts expired token", "/me/ghost_posts", 400, expired, KindTokenInvalid,
			func(c *Client) error { _, _, err := c.GhostPosts(t.Context(), ListOptions{}); return err }},
		{"ProfileLookup unknown profile", "/profile_lookup", 400, notFound, KindNotFound,
			func(c *Client) error { _, _, err := c.ProfileLookup(t.Context(), "nobody"); return err }},
		{"ProfilePosts without threads_profile_discovery", "/profile_posts", 500, noPermission, KindPermission,
			func(c *Client) error { _, _, err := c.ProfilePosts(t.Context(), "meta", ListOptions{}); return err }},
		{"LocationSearch without threads_location_tagging", "/location_search", 500, noPermission, KindPermission,
			func(c *Client) error {
				_, _, err := c.LocationSearch(t.Context(), LocationSearchOptions{Query: "x"})
				return err
			}},
		{"GetLocation unknown", "/404", 400, notFound, KindNotFound,
			func(c *Client) error { _, _, err := c.GetLocation(t.Context(), "404"); return err }},
		{"GetMedia unknown", "/1234567", 400, notFound, KindNotFound,
			func(c *Client) error { _, _, err := c.GetMedia(t.Context(), "1234567"); return err }},
		{"RecentlySearchedKeywords expired token", "/me", 400, expired, KindTokenInvalid,
			func(c *Client) error { _, _, err := c.RecentlySearchedKeywords(t.Context()); return err }},
		{"DebugToken foreign app", "/debug_token", 400,
			`{"error":{"message":"(#100) You must provide an app access token, or a user access token that is an owner or developer of the app","type":"OAuthException","code":100,"fbtrace_id":"A3"}}`,
			KindInvalidParameter,
			func(c *Client) error { _, _, err := c.DebugToken(t.Context(), "INSPECTED"); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
			mux.HandleFunc(tc.path, func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodGet)
				writeJSON(w, tc.status, tc.body)
			})
			err := tc.call(c)
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("error = %v, want *APIError", err)
			}
			if ae.Kind() != tc.want || ae.HTTPStatus != tc.status || ae.FBTraceID == "" && strings.Contains(tc.body, "fbtrace_id") {
				t.Errorf("kind = %v (status %d, %+v), want %v", ae.Kind(), ae.HTTPStatus, ae, tc.want)
			}
		})
	}
}

func TestReadEndpointsValidation(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { t.Errorf("request sent: %s", r.URL) })
	lat := 1.0
	for name, call := range map[string]func() error{
		"KeywordSearch without query": func() error { _, _, err := c.KeywordSearch(t.Context(), KeywordSearchOptions{Query: " "}); return err },
		"KeywordSearch both cursors": func() error {
			_, _, err := c.KeywordSearch(t.Context(), KeywordSearchOptions{Query: "x", ListOptions: ListOptions{Before: "a", After: "b"}})
			return err
		},
		"Mentions limit":            func() error { _, _, err := c.Mentions(t.Context(), ListOptions{Limit: 101}); return err },
		"ProfileLookup no username": func() error { _, _, err := c.ProfileLookup(t.Context(), "@"); return err },
		"ProfilePosts no username":  func() error { _, _, err := c.ProfilePosts(t.Context(), "", ListOptions{}); return err },
		"LocationSearch nothing":    func() error { _, _, err := c.LocationSearch(t.Context(), LocationSearchOptions{}); return err },
		"LocationSearch latitude only": func() error {
			_, _, err := c.LocationSearch(t.Context(), LocationSearchOptions{Latitude: &lat})
			return err
		},
		"DebugToken empty": func() error { _, _, err := c.DebugToken(t.Context(), ""); return err },
	} {
		if err := call(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// TestDebugTokenMasksInputToken checks that the inspected token, a secret,
// does not come back in an error even when Meta's message quotes it.
func TestDebugTokenMasksInputToken(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	const secret = "THQVJ-inspected-secret"
	mux.HandleFunc("/debug_token", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 400, `{"error":{"message":"Invalid OAuth access token - Cannot parse access token `+secret+`","type":"OAuthException","code":190}}`)
	})
	_, _, err := c.DebugToken(t.Context(), secret)
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("error = %v", err)
	}
	if !errors.Is(err, ErrTokenInvalid) {
		t.Errorf("error %v is not ErrTokenInvalid", err)
	}
}

func TestModerationMetaErrors(t *testing.T) {
	t.Parallel()
	const noPermission = `{"error":{"message":"Application does not have permission for this action","type":"THApiException","code":10}}`
	tests := []struct {
		name, path, method, body string
		status                   int
		want                     ErrorKind
		call                     func(c *Client) error
	}{
		{"ManageReply without threads_manage_replies", "/r1/manage_reply", http.MethodPost, noPermission, 500, KindPermission,
			func(c *Client) error { _, err := c.ManageReply(t.Context(), "r1", true); return err }},
		{"ManageReply on a nested reply", "/r2/manage_reply", http.MethodPost,
			`{"error":{"message":"Invalid parameter","type":"THApiException","code":100,"error_user_msg":"Only top-level replies can be hidden"}}`, 400, KindInvalidParameter,
			func(c *Client) error { _, err := c.ManageReply(t.Context(), "r2", false); return err }},
		{"ManagePendingReply unknown reply", "/r3/manage_pending_reply", http.MethodPost,
			`{"error":{"message":"Unsupported post request. Object with ID 'r3' does not exist","type":"THApiException","code":100,"error_subcode":33}}`, 400, KindNotFound,
			func(c *Client) error { _, err := c.ManagePendingReply(t.Context(), "r3", true); return err }},
		{"PendingReplies without threads_read_replies", "/m1/pending_replies", http.MethodGet, noPermission, 500, KindPermission,
			func(c *Client) error {
				_, _, err := c.PendingReplies(t.Context(), "m1", ReplyListOptions{ApprovalStatus: ApprovalPending})
				return err
			}},
		{"UserReplies expired token", "/me/replies", http.MethodGet,
			`{"error":{"message":"Error validating access token","type":"OAuthException","code":190,"error_subcode":463}}`, 400, KindTokenInvalid,
			func(c *Client) error { _, _, err := c.UserReplies(t.Context(), ListOptions{}); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
			mux.HandleFunc(tc.path, func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, tc.method)
				writeJSON(w, tc.status, tc.body)
			})
			var ae *APIError
			if err := tc.call(c); !errors.As(err, &ae) || ae.Kind() != tc.want {
				t.Fatalf("error = %v, want kind %v", err, tc.want)
			}
		})
	}
}

// TestSinceBeforeThreadsLaunchIsClamped: Meta refuses a since before
// 1688540400 (2023-07-05); nothing was posted before, so it is sent as that.
func TestSinceBeforeThreadsLaunchIsClamped(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) {
		testFormValues(t, r, map[string]string{"fields": "id", "since": "1688540400"})
		writeJSON(w, 200, `{"data":[]}`)
	})
	if _, _, err := c.ListThreads(t.Context(), ListOptions{Fields: []string{"id"}, Since: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
}
