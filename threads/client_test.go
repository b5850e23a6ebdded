package threads

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

const (
	baseURLPath = "/api-v1"
	testToken   = "SENTINEL-TOKEN-abc123"
)

// fakeClock is a virtual clock: Sleep advances time at once and records the
// requested durations.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// setup returns a client talking to a mux mounted under baseURLPath, as in
// go-github, so absolute-URL bugs show up as 404s.
func setup(t *testing.T, opts ...Option) (*Client, *http.ServeMux, *fakeClock) {
	t.Helper()
	mux := http.NewServeMux()
	api := http.NewServeMux()
	api.Handle(baseURLPath+"/", http.StripPrefix(baseURLPath, mux))
	api.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base path: %s %s", r.Method, r.URL.Path)
		http.Error(w, "outside base", http.StatusBadRequest)
	})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	clk := newFakeClock()
	all := append([]Option{
		WithBaseURL(srv.URL + baseURLPath + "/"),
		WithToken(testToken),
		WithClock(clk),
		WithRetryPolicy(RetryPolicy{MaxAttempts: 3, Base: 10 * time.Millisecond, Max: 100 * time.Millisecond, NotReadyAttempts: 2}),
	}, opts...)
	return NewClient(all...), mux, clk
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("method = %s, want %s", r.Method, want)
	}
}

func testHeader(t *testing.T, r *http.Request, key, want string) {
	t.Helper()
	if got := r.Header.Get(key); got != want {
		t.Errorf("header %s = %q, want %q", key, got, want)
	}
}

// testFormValues checks the request's query (GET/DELETE) or form (POST) values exactly.
func testFormValues(t *testing.T, r *http.Request, want map[string]string) {
	t.Helper()
	if err := r.ParseForm(); err != nil {
		t.Fatalf("ParseForm: %v", err)
	}
	got := map[string]string{}
	for k, v := range r.Form {
		got[k] = strings.Join(v, "|")
	}
	if len(got) != len(want) {
		t.Errorf("form = %v, want %v", got, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("form[%s] = %q, want %q", k, got[k], v)
		}
	}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func TestNewClientDefaults(t *testing.T) {
	t.Parallel()
	c := NewClient()
	if got := c.baseURL.String(); got != DefaultBaseURL {
		t.Errorf("baseURL = %s", got)
	}
	if c.userID != "me" || c.userAgent != DefaultUserAgent || c.poll != DefaultPollPolicy() || c.retry != DefaultRetryPolicy() {
		t.Errorf("defaults not applied: %+v", c)
	}
	c = NewClient(WithBaseURL("::bad"))
	if _, _, err := c.Me(t.Context()); err == nil || !strings.Contains(err.Error(), "invalid base URL") {
		t.Errorf("bad base URL error = %v", err)
	}
	c = NewClient(WithPollPolicy(PollPolicy{Initial: time.Second}), WithRetryPolicy(RetryPolicy{MaxAttempts: 1}),
		WithUserID("42"), WithUserAgent("ua"), WithHTTPClient(http.DefaultClient), WithLogger(slog.Default()),
		WithCarouselConcurrency(2))
	if c.poll.Initial != time.Second || c.poll.Max != DefaultPollPolicy().Max || c.retry.MaxAttempts != 1 ||
		c.retry.Base != DefaultRetryPolicy().Base || c.userID != "42" || c.userAgent != "ua" ||
		c.httpClient != http.DefaultClient || c.concurrency != 2 {
		t.Errorf("options not applied: %+v", c)
	}
}

func TestMe(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, WithUserAgent("test-agent"))
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testHeader(t, r, "Authorization", "Bearer "+testToken)
		testHeader(t, r, "User-Agent", "test-agent")
		testFormValues(t, r, map[string]string{"fields": "id,username"})
		if strings.Contains(r.URL.RawQuery, testToken) {
			t.Error("token in query string")
		}
		w.Header().Set("X-Fb-Request-Id", "req-1")
		w.Header().Set("X-App-Usage", `{"call_count":5}`)
		writeJSON(w, 200, `{"id":"17841400000000001","username":"alice","is_verified":true}`)
	})
	u, resp, err := c.Me(t.Context(), "id", "username")
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "17841400000000001" || u.Username != "alice" || !u.IsVerified {
		t.Errorf("user = %+v", u)
	}
	if resp.RequestID != "req-1" || resp.AppUsage != `{"call_count":5}` || resp.StatusCode != 200 {
		t.Errorf("response = %+v", resp)
	}
}

func TestMeDefaultFieldsAndUserID(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, WithUserID("123"))
	mux.HandleFunc("/123", func(w http.ResponseWriter, r *http.Request) {
		testFormValues(t, r, map[string]string{"fields": strings.Join(defaultUserFields, ",")})
		writeJSON(w, 200, `{"id":"123"}`)
	})
	if u, _, err := c.Me(t.Context()); err != nil || u.ID != "123" {
		t.Fatalf("Me = %+v, %v", u, err)
	}
}

func TestCreateContainerEncodesEveryParam(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testHeader(t, r, "Content-Type", "application/x-www-form-urlencoded")
		testFormValues(t, r, map[string]string{
			"media_type":                   "CAROUSEL",
			"text":                         "hello ✨",
			"image_url":                    "https://e.x/i.jpg",
			"video_url":                    "https://e.x/v.mp4",
			"is_carousel_item":             "true",
			"children":                     "1,2,3",
			"reply_to_id":                  "99",
			"reply_control":                "mentioned_only",
			"quote_post_id":                "77",
			"link_attachment":              "https://e.x",
			"topic_tag":                    "golang",
			"alt_text":                     "alt",
			"allowlisted_country_codes":    "US,CA",
			"poll_attachment":              `{"option_a":"a","option_b":"b"}`,
			"text_attachment":              `{"plaintext":"long","text_with_styling_info":[{"offset":0,"length":4,"styling_info":["bold"]}]}`,
			"gif_attachment":               `{"gif_id":"g1","provider":"GIPHY"}`,
			"text_entities":                `[{"entity_type":"SPOILER","offset":0,"length":5}]`,
			"is_spoiler_media":             "true",
			"location_id":                  "loc1",
			"enable_reply_approvals":       "true",
			"auto_publish_text":            "true",
			"is_ghost_post":                "true",
			"crossreshare_to_ig":           "true",
			"crossreshare_to_ig_dark_mode": "true",
		})
		writeJSON(w, 200, `{"id":"c1"}`)
	})
	ct, _, err := c.CreateContainer(t.Context(), ContainerParams{
		MediaType: MediaTypeCarousel, Text: "hello ✨", ImageURL: "https://e.x/i.jpg", VideoURL: "https://e.x/v.mp4",
		IsCarouselItem: true, Children: []string{"1", "2", "3"}, ReplyToID: "99", ReplyControl: ReplyMentionedOnly,
		QuotePostID: "77", LinkAttachment: "https://e.x", TopicTag: "golang", AltText: "alt",
		AllowlistedCountryCodes: []string{"US", "CA"}, PollAttachment: &PollAttachment{OptionA: "a", OptionB: "b"},
		TextAttachment: &TextAttachment{Plaintext: "long", TextWithStylingInfo: []TextStyling{{Offset: 0, Length: 4, StylingInfo: []TextStyle{StyleBold}}}},
		GIFAttachment:  &GIFAttachment{GIFID: "g1", Provider: "GIPHY"},
		TextEntities:   []TextEntity{{EntityType: "SPOILER", Offset: 0, Length: 5}},
		IsSpoilerMedia: true, LocationID: "loc1", EnableReplyApprovals: true, AutoPublishText: true, IsGhostPost: true,
		CrossShareToIG: true, CrossShareToIGDarkMode: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if ct.ID != "c1" {
		t.Errorf("id = %q", ct.ID)
	}
}

func TestCreateContainerValidation(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{}`)
	})
	if _, _, err := c.CreateContainer(t.Context(), ContainerParams{}); err == nil {
		t.Error("missing media type accepted")
	}
	if _, _, err := c.CreateContainer(t.Context(), ContainerParams{MediaType: MediaTypeText, Text: "x"}); err == nil {
		t.Error("empty id accepted")
	}
}

func TestEndpoints(t *testing.T) {
	t.Parallel()
	rev := false
	since := time.Unix(1700000000, 0)
	until := time.Unix(1700086400, 0)
	tests := []endpointCase{
		{
			name: "ContainerStatus", path: "/c9", method: "GET",
			form: map[string]string{"fields": "id,status,error_message"},
			body: `{"status":"ERROR","id":"c9","error_message":"FAILED_DOWNLOADING_VIDEO"}`,
			call: func(c *Client) (any, error) { v, _, err := c.ContainerStatus(t.Context(), "c9"); return v, err },
			check: func(t *testing.T, v any) {
				if ct := v.(*Container); ct.Status != StatusError || ct.ErrorMessage != "FAILED_DOWNLOADING_VIDEO" {
					t.Errorf("container = %+v", ct)
				}
			},
		},
		{
			name: "Publish", path: "/me/threads_publish", method: "POST",
			form: map[string]string{"creation_id": "c1"}, body: `{"id":"m1"}`,
			call:  func(c *Client) (any, error) { v, _, err := c.Publish(t.Context(), "c1"); return v, err },
			check: func(t *testing.T, v any) { wantEq(t, v.(string), "m1") },
		},
		{
			name: "GetMedia normalizes TEXT and parses timestamp", path: "/m1", method: "GET",
			form: map[string]string{"fields": "id,media_type,timestamp"},
			body: `{"id":"m1","media_type":"TEXT","timestamp":"2023-10-17T05:42:03+0000","children":{"data":[{"id":"a"}]}}`,
			call: func(c *Client) (any, error) {
				v, _, err := c.GetMedia(t.Context(), "m1", "id", "media_type", "timestamp")
				return v, err
			},
			check: func(t *testing.T, v any) {
				m := v.(*Media)
				wantEq(t, string(m.MediaType), "TEXT_POST")
				if !m.Timestamp.Equal(time.Date(2023, 10, 17, 5, 42, 3, 0, time.UTC)) || m.Children.Data[0].ID != "a" {
					t.Errorf("media = %+v", m)
				}
			},
		},
		{
			name: "ListThreads strips tokens from paging", path: "/me/threads", method: "GET",
			form: map[string]string{"fields": "id", "limit": "10", "after": "A", "since": "1700000000", "until": "1700086400"},
			body: `{"data":[{"id":"1","media_type":"CAROUSEL"},{"id":"2","media_type":"CAROUSEL_ALBUM"}],"paging":{"cursors":{"before":"B","after":"A2"},"next":"https://graph.threads.net/v1.0/me/threads?access_token=` + testToken + `&after=A2&client_secret=s3cr3t"}}`,
			call: func(c *Client) (any, error) {
				v, _, err := c.ListThreads(t.Context(), ListOptions{Fields: []string{"id"}, Limit: 10, After: "A", Since: since, Until: until})
				return v, err
			},
			check: func(t *testing.T, v any) {
				ml := v.(*MediaList)
				if len(ml.Data) != 2 || ml.Data[0].MediaType != MediaTypeCarouselAlbum || ml.Data[1].MediaType != MediaTypeCarouselAlbum {
					t.Errorf("data = %+v", ml.Data)
				}
				wantEq(t, ml.Paging.Next, "https://graph.threads.net/v1.0/me/threads?after=A2")
				wantEq(t, ml.Paging.Cursors.After, "A2")
			},
		},
		{
			name: "Replies", path: "/m1/replies", method: "GET",
			form: map[string]string{"fields": strings.Join(defaultReplyFields, ","), "reverse": "false", "before": "X"},
			body: `{"data":[{"id":"r1","hide_status":"NOT_HUSHED"}]}`,
			call: func(c *Client) (any, error) {
				v, _, err := c.Replies(t.Context(), "m1", ReplyListOptions{ListOptions: ListOptions{Before: "X"}, Reverse: &rev})
				return v, err
			},
			check: func(t *testing.T, v any) { wantEq(t, v.(*MediaList).Data[0].HideStatus, "NOT_HUSHED") },
		},
		{
			name: "Conversation", path: "/m1/conversation", method: "GET",
			form: map[string]string{"fields": "id,text"},
			body: `{"data":[]}`,
			call: func(c *Client) (any, error) {
				v, _, err := c.Conversation(t.Context(), "m1", ReplyListOptions{ListOptions: ListOptions{Fields: []string{"id", "text"}}})
				return v, err
			},
			check: func(t *testing.T, v any) {
				if ml := v.(*MediaList); ml.Data == nil || len(ml.Data) != 0 {
					t.Errorf("data = %#v", ml.Data)
				}
			},
		},
		{
			name: "UserReplies", path: "/me/replies", method: "GET",
			form:  map[string]string{"fields": strings.Join(defaultReplyFields, ",")},
			body:  `{"data":[{"id":"r1","replied_to":{"id":"m1"}}]}`,
			call:  func(c *Client) (any, error) { v, _, err := c.UserReplies(t.Context(), ListOptions{}); return v, err },
			check: func(t *testing.T, v any) { wantEq(t, v.(*MediaList).Data[0].RepliedTo.ID, "m1") },
		},
		{
			name: "PendingReplies", path: "/m1/pending_replies", method: "GET",
			form: map[string]string{"fields": strings.Join(defaultReplyFields, ",") + ",reply_approval_status", "approval_status": "ignored"},
			body: `{"data":[{"id":"r1","reply_approval_status":"ignored"}]}`,
			call: func(c *Client) (any, error) {
				v, _, err := c.PendingReplies(t.Context(), "m1", ReplyListOptions{ApprovalStatus: "ignored"})
				return v, err
			},
			check: func(t *testing.T, v any) { wantEq(t, v.(*MediaList).Data[0].ReplyApprovalStatus, "ignored") },
		},
		{
			name: "ManageReply", path: "/r1/manage_reply", method: "POST",
			form: map[string]string{"hide": "true"}, body: `{"success":true}`,
			call: func(c *Client) (any, error) { _, err := c.ManageReply(t.Context(), "r1", true); return nil, err },
		},
		{
			name: "ManagePendingReply", path: "/r1/manage_pending_reply", method: "POST",
			form: map[string]string{"approve": "false"}, body: `{"success":true}`,
			call: func(c *Client) (any, error) {
				_, err := c.ManagePendingReply(t.Context(), "r1", false)
				return nil, err
			},
		},
		{
			name: "Delete", path: "/m1", method: "DELETE",
			form: map[string]string{}, body: `{"success":true,"deleted_id":"m1"}`,
			call:  func(c *Client) (any, error) { v, _, err := c.Delete(t.Context(), "m1"); return v, err },
			check: func(t *testing.T, v any) { wantEq(t, v.(string), "m1") },
		},
		{
			name: "Repost", path: "/m1/repost", method: "POST",
			form: map[string]string{}, body: `{"id":"rp1"}`,
			call:  func(c *Client) (any, error) { v, _, err := c.Repost(t.Context(), "m1"); return v, err },
			check: func(t *testing.T, v any) { wantEq(t, v.(string), "rp1") },
		},
		{
			name: "MediaInsights", path: "/m1/insights", method: "GET",
			form:  map[string]string{"metric": strings.Join(defaultMediaMetrics, ",")},
			body:  `{"data":[{"name":"likes","period":"lifetime","values":[{"value":100}],"id":"m1/insights/likes/lifetime"}]}`,
			call:  func(c *Client) (any, error) { v, _, err := c.MediaInsights(t.Context(), "m1"); return v, err },
			check: func(t *testing.T, v any) { wantEq(t, fmt.Sprint(v.([]Insight)[0].Values[0].Value), "100") },
		},
		{
			name: "UserInsights", path: "/me/threads_insights", method: "GET",
			form: map[string]string{"metric": "views,follower_demographics", "since": "1700000000", "until": "1700086400", "breakdown": "country"},
			body: `{"data":[{"name":"views","period":"day","values":[{"value":10,"end_time":"2024-07-12T08:00:00+0000"}]},{"name":"clicks","period":"day","link_total_values":[{"value":11,"link_url":"https://x"}]}]}`,
			call: func(c *Client) (any, error) {
				v, _, err := c.UserInsights(t.Context(), UserInsightsOptions{Metrics: []string{"views", "follower_demographics"}, Since: since, Until: until, Breakdown: "country"})
				return v, err
			},
			check: func(t *testing.T, v any) {
				in := v.([]Insight)
				if in[0].Values[0].EndTime.Year() != 2024 || in[1].LinkTotalValues[0].LinkURL != "https://x" {
					t.Errorf("insights = %+v", in)
				}
			},
		},
		{
			name: "UserInsights empty", path: "/me/threads_insights", method: "GET",
			form: map[string]string{"metric": strings.Join(defaultUserMetrics, ",")},
			body: `{}`,
			call: func(c *Client) (any, error) {
				v, _, err := c.UserInsights(t.Context(), UserInsightsOptions{})
				return v, err
			},
			check: func(t *testing.T, v any) {
				if in := v.([]Insight); in == nil || len(in) != 0 {
					t.Errorf("insights = %#v", in)
				}
			},
		},
		{
			name: "PublishingLimit", path: "/me/threads_publishing_limit", method: "GET",
			form: map[string]string{"fields": strings.Join(allQuotaFields, ",")},
			body: `{"data":[{"quota_usage":3,"config":{"quota_total":250,"quota_duration":86400},"reply_quota_usage":1,"delete_quota_usage":2}]}`,
			call: func(c *Client) (any, error) { v, _, err := c.PublishingLimit(t.Context()); return v, err },
			check: func(t *testing.T, v any) {
				pl := v.(*PublishingLimit)
				if pl.QuotaUsage != 3 || pl.Config.QuotaTotal != 250 || pl.ReplyQuotaUsage != 1 || pl.DeleteQuotaUsage != 2 {
					t.Errorf("limit = %+v", pl)
				}
			},
		},
		{
			name: "PublishingLimit empty data", path: "/me/threads_publishing_limit", method: "GET",
			form: map[string]string{"fields": "quota_usage"}, body: `{"data":[]}`,
			call: func(c *Client) (any, error) {
				v, _, err := c.PublishingLimit(t.Context(), "quota_usage")
				return v, err
			},
			check: func(t *testing.T, v any) { wantEq(t, fmt.Sprint(v.(*PublishingLimit).QuotaUsage), "0") },
		},
	}
	runEndpointCases(t, tests)
}

// endpointCase is one endpoint call against the mux: the request it must
// make (path, method, form values, the bearer) and Meta's answer (body).
type endpointCase struct {
	name   string
	path   string
	method string
	form   map[string]string
	body   string
	call   func(c *Client) (any, error)
	check  func(t *testing.T, v any) // optional
}

// runEndpointCases runs each case in parallel: exactly one request, as
// described, and a successful call whose value passes check.
func runEndpointCases(t *testing.T, tests []endpointCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			calls := 0
			mux.HandleFunc(tc.path, func(w http.ResponseWriter, r *http.Request) {
				calls++
				testMethod(t, r, tc.method)
				testHeader(t, r, "Authorization", "Bearer "+testToken)
				testFormValues(t, r, tc.form)
				writeJSON(w, 200, tc.body)
			})
			v, err := tc.call(c)
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if calls != 1 {
				t.Errorf("calls = %d, want 1", calls)
			}
			if tc.check != nil {
				tc.check(t, v)
			}
		})
	}
}

func wantEq(t *testing.T, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSuccessFalseAndMissingIDs(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("/r1/manage_reply", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"success":false}`) })
	mux.HandleFunc("/m1", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"success":false}`) })
	mux.HandleFunc("/me/threads_publish", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{}`) })
	mux.HandleFunc("/bad", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":`) })
	if _, err := c.ManageReply(t.Context(), "r1", false); err == nil {
		t.Error("ManageReply success=false accepted")
	}
	if _, _, err := c.Delete(t.Context(), "m1"); err == nil {
		t.Error("Delete success=false accepted")
	}
	if _, _, err := c.Publish(t.Context(), "c1"); err == nil {
		t.Error("Publish without id accepted")
	}
	if _, _, err := c.GetMedia(t.Context(), "bad"); err == nil || !strings.Contains(err.Error(), "decoding") {
		t.Errorf("bad JSON error = %v", err)
	}
}

func TestListOptionsValidation(t *testing.T) {
	t.Parallel()
	c, _, _ := setup(t)
	for _, o := range []ListOptions{
		{Before: "a", After: "b"},
		{Limit: 101},
		{Limit: -1},
		{Since: time.Unix(1700000000, 0), Until: time.Unix(1600000000, 0)},
	} {
		if _, _, err := c.ListThreads(t.Context(), o); err == nil {
			t.Errorf("ListThreads(%+v) accepted", o)
		}
		if _, _, err := c.Replies(t.Context(), "m", ReplyListOptions{ListOptions: o}); err == nil {
			t.Errorf("Replies(%+v) accepted", o)
		}
		if _, _, err := c.Conversation(t.Context(), "m", ReplyListOptions{ListOptions: o}); err == nil {
			t.Errorf("Conversation(%+v) accepted", o)
		}
		if _, _, err := c.UserReplies(t.Context(), o); err == nil {
			t.Errorf("UserReplies(%+v) accepted", o)
		}
		if _, _, err := c.PendingReplies(t.Context(), "m", ReplyListOptions{ListOptions: o}); err == nil {
			t.Errorf("PendingReplies(%+v) accepted", o)
		}
	}
}

func TestPathSegmentsAreEscaped(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.EscapedPath() != "/..%2Fme" {
			t.Errorf("escaped path = %s", r.URL.EscapedPath())
		}
		writeJSON(w, 200, `{"id":"x"}`)
	})
	if _, _, err := c.GetMedia(t.Context(), "../me"); err != nil {
		t.Fatal(err)
	}
}

// sequence answers successive requests with the given status/body pairs.
type sequence struct {
	mu    sync.Mutex
	steps []step
	calls int
}

type step struct {
	status int
	body   string
	header map[string]string
	hijack bool // drop the connection without answering
}

func (s *sequence) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	i := s.calls
	s.calls++
	s.mu.Unlock()
	st := s.steps[min(i, len(s.steps)-1)]
	if st.hijack {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	}
	for k, v := range st.header {
		w.Header().Set(k, v)
	}
	writeJSON(w, st.status, st.body)
}

func (s *sequence) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

const (
	rateLimitBody = `{"error":{"message":"Application request limit reached","type":"OAuthException","code":4,"is_transient":true,"fbtrace_id":"T1"}}`
	transientBody = `{"error":{"message":"An unexpected error has occurred. Please retry your request later.","type":"OAuthException","code":2,"is_transient":true}}`
	tokenBody     = `{"error":{"message":"Error validating access token: Session has expired","type":"OAuthException","code":190,"error_subcode":463}}`
	paramBody     = `{"error":{"message":"Param text must be at most 500 characters long.","type":"THApiException","code":100}}`
	scopeBody     = `{"error":{"message":"Application does not have permission for this action","type":"THApiException","code":10}}`
	notReadyBody  = `{"error":{"message":"The requested resource does not exist","type":"OAuthException","code":24,"error_subcode":4279009,"error_user_title":"Media Not Found","error_user_msg":"The media is not ready yet"}}`
)

func TestRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		method    string // GET (GetMedia), POST (CreateContainer), DELETE, PUBLISH
		steps     []step
		wantCalls int
		wantErr   error
	}{
		{"GET rate limit then ok", "GET", []step{{429, rateLimitBody, nil, false}, {200, `{"id":"m"}`, nil, false}}, 2, nil},
		{"GET transient twice then ok", "GET", []step{{500, transientBody, nil, false}, {500, transientBody, nil, false}, {200, `{"id":"m"}`, nil, false}}, 3, nil},
		{"GET HTML 502 then ok", "GET", []step{{502, "<html><body><h1>502 Bad Gateway</h1></body></html>", nil, false}, {200, `{"id":"m"}`, nil, false}}, 2, nil},
		{"GET dropped connection then ok", "GET", []step{{hijack: true}, {200, `{"id":"m"}`, nil, false}}, 2, nil},
		{"GET gives up after MaxAttempts", "GET", []step{{400, rateLimitBody, nil, false}}, 3, ErrRateLimited},
		{"GET token error not retried", "GET", []step{{400, tokenBody, nil, false}}, 1, ErrTokenInvalid},
		{"GET param error not retried", "GET", []step{{400, paramBody, nil, false}}, 1, ErrInvalidParameter},
		{"GET long Retry-After not waited", "GET", []step{{429, rateLimitBody, map[string]string{"Retry-After": "3600"}, false}}, 1, ErrRateLimited},
		{"POST code 4 retried", "POST", []step{{400, rateLimitBody, nil, false}, {200, `{"id":"c"}`, nil, false}}, 2, nil},
		{"POST code 2 retried", "POST", []step{{500, transientBody, nil, false}, {200, `{"id":"c"}`, nil, false}}, 2, nil},
		{"POST bare 500 not retried", "POST", []step{{500, `oops`, nil, false}}, 1, ErrTransient},
		{"POST dropped connection not retried", "POST", []step{{hijack: true}, {200, `{"id":"c"}`, nil, false}}, 1, ErrTransient},
		{"DELETE code 17 retried", "DELETE", []step{{400, strings.Replace(rateLimitBody, `"code":4`, `"code":17`, 1), nil, false}, {200, `{"success":true}`, nil, false}}, 2, nil},
		{"publish never retried", "PUBLISH", []step{{500, transientBody, nil, false}, {200, `{"id":"m"}`, nil, false}}, 1, ErrTransient},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			seq := &sequence{steps: tc.steps}
			mux.Handle("/", seq)
			var err error
			switch tc.method {
			case "GET":
				_, _, err = c.GetMedia(t.Context(), "m")
			case "POST":
				_, _, err = c.CreateContainer(t.Context(), ContainerParams{MediaType: MediaTypeText, Text: "x"})
			case "DELETE":
				_, _, err = c.Delete(t.Context(), "m")
			case "PUBLISH":
				_, _, err = c.Publish(t.Context(), "c")
			}
			if tc.wantErr == nil && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			}
			if got := seq.Calls(); got != tc.wantCalls {
				t.Errorf("calls = %d, want %d", got, tc.wantCalls)
			}
		})
	}
}

func TestRetryHonoursRetryAfterAndBackoffBounds(t *testing.T) {
	t.Parallel()
	c, mux, clk := setup(t)
	mux.Handle("/", &sequence{steps: []step{
		{429, rateLimitBody, map[string]string{"Retry-After": "0"}, false},
		{400, rateLimitBody, nil, false},
		{200, `{"id":"m"}`, nil, false},
	}})
	if _, _, err := c.GetMedia(t.Context(), "m"); err != nil {
		t.Fatal(err)
	}
	sl := clk.Sleeps()
	if len(sl) != 2 {
		t.Fatalf("sleeps = %v", sl)
	}
	for i, d := range sl {
		if d < 0 || d > c.expDelay(i+1) {
			t.Errorf("sleep %d = %v, outside [0, %v]", i, d, c.expDelay(i+1))
		}
	}
	if c.expDelay(1) != 10*time.Millisecond || c.expDelay(2) != 20*time.Millisecond || c.expDelay(10) != 100*time.Millisecond {
		t.Errorf("expDelay = %v %v %v", c.expDelay(1), c.expDelay(2), c.expDelay(10))
	}
}

func TestRetryAfterHeaderIsUsed(t *testing.T) {
	t.Parallel()
	c, mux, clk := setup(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 2, Base: time.Millisecond, Max: 10 * time.Second}))
	mux.Handle("/", &sequence{steps: []step{
		{429, rateLimitBody, map[string]string{"Retry-After": "7"}, false},
		{200, `{"id":"m"}`, nil, false},
	}})
	if _, _, err := c.GetMedia(t.Context(), "m"); err != nil {
		t.Fatal(err)
	}
	if sl := clk.Sleeps(); len(sl) != 1 || sl[0] != 7*time.Second {
		t.Errorf("sleeps = %v, want [7s]", sl)
	}
}

func TestCancelDuringBackoff(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, WithClock(realClock{}), WithRetryPolicy(RetryPolicy{MaxAttempts: 5, Base: time.Hour, Max: time.Hour}))
	seq := &sequence{steps: []step{{500, transientBody, nil, false}}}
	mux.Handle("/", seq)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := c.GetMedia(ctx, "m")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want deadline exceeded", err)
	}
	if time.Since(start) > 5*time.Second || seq.Calls() > 2 {
		t.Errorf("backoff did not honour ctx: %v, %d calls", time.Since(start), seq.Calls())
	}
}

func TestConnectionRefusedIsRetriedForCreate(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	var attempts int
	var mu sync.Mutex
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		attempts++
		n := attempts
		mu.Unlock()
		if n == 1 {
			return http.DefaultTransport.RoundTrip(r) // refused: nothing listens
		}
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"id":"c1"}`)), Request: r}, nil
	})
	c := NewClient(WithBaseURL("http://"+addr+"/v1.0"), WithToken(testToken), WithClock(newFakeClock()),
		WithHTTPClient(&http.Client{Transport: rt}))
	ct, _, err := c.CreateContainer(t.Context(), ContainerParams{MediaType: MediaTypeText, Text: "x"})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if ct.ID != "c1" || attempts != 2 {
		t.Errorf("id = %s, attempts = %d", ct.ID, attempts)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNoTokenInErrorsOrURLs(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		// A hostile server echoing the token back in every error field.
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		writeJSON(w, 400, fmt.Sprintf(`{"error":{"message":"bad token %s","type":"OAuthException","code":190,"error_user_msg":"%s","error_user_title":"%s"}}`, tok, tok, tok))
	})
	mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"data":[],"paging":{"next":"https://graph.threads.net/v1.0/me/threads?access_token=`+testToken+`&after=x","previous":"https://graph.threads.net/v1.0/me/threads?before=y&access_token=`+testToken+`"}}`)
	})
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c2 := NewClient(WithBaseURL(c.baseURL.String()), WithToken(testToken), WithLogger(logger), WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	var texts []string
	_, _, err := c2.GetMedia(t.Context(), "echo")
	if err == nil {
		t.Fatal("expected error")
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Kind() != KindTokenInvalid {
		t.Errorf("error = %#v", err)
	}
	texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), ae.Message, ae.UserMessage, ae.UserTitle)
	ml, _, err := c2.ListThreads(t.Context(), ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	texts = append(texts, ml.Paging.Next, ml.Paging.Previous)
	// A network error: *url.Error must carry no token even if the URL had one.
	cBad := NewClient(WithBaseURL("http://127.0.0.1:1/v1.0?access_token="+testToken), WithToken(testToken),
		WithClock(newFakeClock()), WithRetryPolicy(RetryPolicy{MaxAttempts: 1}), WithLogger(logger))
	_, _, err = cBad.GetMedia(t.Context(), "x")
	if err == nil {
		t.Fatal("expected network error")
	}
	var ue *url.Error
	if !errors.As(err, &ue) {
		t.Errorf("network error does not wrap *url.Error: %T", err)
	}
	texts = append(texts, err.Error(), logs.String())
	for _, s := range texts {
		if strings.Contains(s, testToken) {
			t.Errorf("token leaked in %q", s)
		}
	}
	if !strings.Contains(logs.String(), "duration_ms") || !strings.Contains(logs.String(), "path=/echo") {
		t.Errorf("log lines missing fields: %s", logs.String())
	}
}

func TestRedactURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, strip, redact string }{
		{"", "", ""},
		{"https://h/p?access_token=T&after=A", "https://h/p?after=A", "https://h/p?access_token=REDACTED&after=A"},
		{"https://h/p?client_secret=S", "https://h/p", "https://h/p?client_secret=REDACTED"},
		{"https://h/oauth/access_token?code=C&code_verifier=V&redirect_uri=R", "https://h/oauth/access_token?redirect_uri=R",
			"https://h/oauth/access_token?code=REDACTED&code_verifier=REDACTED&redirect_uri=R"},
		{"https://h/debug_token?input_token=I&token=T", "https://h/debug_token", "https://h/debug_token?input_token=REDACTED&token=REDACTED"},
		{"https://h/access_token?fb_exchange_token=F", "https://h/access_token", "https://h/access_token?fb_exchange_token=REDACTED"},
		{"https://u:pw@h/p?x=1", "https://h/p?x=1", "https://h/p?x=1"},
		{"https://h/p?x=1", "https://h/p?x=1", "https://h/p?x=1"},
		{"%zz?access_token=T", "%zz", "%zz"},
	}
	for _, tc := range tests {
		if got := stripSecrets(tc.in); got != tc.strip {
			t.Errorf("stripSecrets(%q) = %q, want %q", tc.in, got, tc.strip)
		}
		if got := RedactURL(tc.in); got != tc.redact {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.redact)
		}
	}
	// Every secret parameter is masked.
	for _, k := range SecretParams() {
		if got := RedactURL("https://h/p?" + k + "=SECRET"); strings.Contains(got, "SECRET") {
			t.Errorf("RedactURL leaves %s: %s", k, got)
		}
	}
}

func TestGraphRoot(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"https://graph.threads.net/v1.0", "https://graph.threads.net"},
		{"https://graph.threads.net/v1.0/", "https://graph.threads.net"},
		{"https://graph.threads.net/v22", "https://graph.threads.net"},
		{"http://127.0.0.1:8080/v1.0", "http://127.0.0.1:8080"},
		{"http://127.0.0.1:8080/prefix/v1.0", "http://127.0.0.1:8080/prefix"},
		{"https://graph.threads.net", "https://graph.threads.net"},
		{"https://graph.threads.net/", "https://graph.threads.net"},
		{"https://graph.threads.net/video", "https://graph.threads.net/video"},
		{"https://graph.threads.net/v", "https://graph.threads.net/v"},
		{"https://v1.example.com", "https://v1.example.com"},
		{"", "https://graph.threads.net"},
	}
	for _, tc := range tests {
		if got := GraphRoot(tc.in); got != tc.want {
			t.Errorf("GraphRoot(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTokenSourceError(t *testing.T) {
	t.Parallel()
	c, _, _ := setup(t, WithTokenSource(errTokenSource{}))
	_, _, err := c.Me(t.Context())
	if !errors.Is(err, ErrTokenInvalid) {
		t.Fatalf("error = %v, want ErrTokenInvalid", err)
	}
	if !strings.Contains(err.Error(), "refresh failed") {
		t.Errorf("error hides the cause: %v", err)
	}
}

type errTokenSource struct{}

func (errTokenSource) Token() (*oauth2.Token, error) { return nil, errors.New("refresh failed") }

func TestResponseRetryAfterDate(t *testing.T) {
	t.Parallel()
	c := NewClient(WithClock(newFakeClock()))
	now := c.clock.Now()
	h := http.Header{}
	h.Set("Retry-After", now.Add(90*time.Second).UTC().Format(http.TimeFormat))
	if got := c.newResponse(&http.Response{Header: h}).RetryAfter; got != 90*time.Second {
		t.Errorf("RetryAfter = %v", got)
	}
}

func TestTimeJSON(t *testing.T) {
	t.Parallel()
	var v struct{ T Time }
	for _, s := range []string{`"2023-10-17T05:42:03+0000"`, `"2023-10-17T05:42:03Z"`} {
		if err := json.Unmarshal([]byte(`{"T":`+s+`}`), &v); err != nil || v.T.Year() != 2023 {
			t.Errorf("decode %s: %v %v", s, v.T, err)
		}
	}
	b, _ := json.Marshal(v.T)
	wantEq(t, string(b), `"2023-10-17T05:42:03+0000"`)
	if err := json.Unmarshal([]byte(`{"T":"nope"}`), &v); err == nil {
		t.Error("bad time accepted")
	}
}

// failingSource is a token source that always fails, counting its calls.
type failingSource struct {
	mu    sync.Mutex
	calls int
}

func (f *failingSource) Token() (*oauth2.Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return nil, errors.New("token expired: run threads-mcp auth login")
}

// TestTokenSourceFailureIsNotRetried: when no token can be had, no request
// is made and nothing is retried (a retry cannot help and only delays the
// "log in again" message).
func TestTokenSourceFailureIsNotRetried(t *testing.T) {
	src := &failingSource{}
	c, mux, clk := setup(t, WithTokenSource(src))
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		t.Error("a request was made without a token")
	})
	_, _, err := c.Me(t.Context())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Kind() != KindTokenInvalid || !strings.Contains(err.Error(), "auth login") {
		t.Fatalf("err = %v, want a token_invalid APIError carrying the cause", err)
	}
	if src.calls != 1 || len(clk.Sleeps()) != 0 {
		t.Errorf("token source called %d times with %d backoff sleeps, want 1 and 0", src.calls, len(clk.Sleeps()))
	}
}
