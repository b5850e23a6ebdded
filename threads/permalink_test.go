package threads

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParsePermalink(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    PostRef
		wantErr string
	}{
		{in: "https://www.threads.com/@alice/post/DAbc-12_xY", want: PostRef{"alice", "DAbc-12_xY"}},
		{in: "https://www.threads.net/@alice/post/DAbc-12_xY", want: PostRef{"alice", "DAbc-12_xY"}},
		{in: "https://threads.net/@alice.b_c/post/C1", want: PostRef{"alice.b_c", "C1"}},
		{in: "http://m.threads.com/@alice/post/C1", want: PostRef{"alice", "C1"}},
		{in: "https://WWW.Threads.COM/@alice/post/C1", want: PostRef{"alice", "C1"}},
		{in: "https://www.threads.com/@alice/post/C1/", want: PostRef{"alice", "C1"}},
		{in: "https://www.threads.com/@alice/post/C1?xmt=AQGz&slof=1", want: PostRef{"alice", "C1"}},
		{in: "https://www.threads.com/@alice/post/C1/?xmt=AQGz#top", want: PostRef{"alice", "C1"}},
		{in: "https://www.threads.net/@alice/post/C1/media", want: PostRef{"alice", "C1"}},
		{in: "threads.com/@alice/post/C1", want: PostRef{"alice", "C1"}},
		{in: "www.threads.net/@alice/post/C1?igshid=x", want: PostRef{"alice", "C1"}},
		{in: "  https://www.threads.com/@alice/post/C1  ", want: PostRef{"alice", "C1"}},
		{in: "@alice/post/C1", want: PostRef{"alice", "C1"}},
		{in: "@alice/post/C1/?x=1", want: PostRef{"alice", "C1"}},
		{in: "https://www.threads.net/t/CuXFPIeLLod", want: PostRef{"", "CuXFPIeLLod"}},
		{in: "https://www.threads.net/t/CuXFPIeLLod/", want: PostRef{"", "CuXFPIeLLod"}},
		{in: "https://www.threads.com/post/CuXFPIeLLod", want: PostRef{"", "CuXFPIeLLod"}},
		{in: "https://www.threads.com/CuXFPIeLLod?x=y", want: PostRef{"", "CuXFPIeLLod"}},
		{in: "CuXFPIeLLod", want: PostRef{"", "CuXFPIeLLod"}},
		{in: "", wantErr: "empty"},
		{in: "https://www.threads.com/@alice", wantErr: "profile link"},
		{in: "https://www.threads.com/@alice/", wantErr: "profile link"},
		{in: "https://www.instagram.com/p/C1/", wantErr: "neither threads.com nor threads.net"},
		{in: "https://threads.com.evil.example/@a/post/C1", wantErr: "neither threads.com nor threads.net"},
		{in: "ftp://threads.com/@a/post/C1", wantErr: "scheme"},
		{in: "https://www.threads.com/", wantErr: "not a Threads post link"},
		{in: "https://www.threads.com/@alice/post/C1!x", wantErr: "shortcode"},
		{in: "https://www.threads.com/@al ice/post/C1", wantErr: "username"},
		{in: "https://www.threads.com/@al-ice/post/C1", wantErr: "username"},
		{in: "https://www.threads.com/a/b/c", wantErr: "not a Threads post link"},
	}
	for _, tc := range tests {
		got, err := ParsePermalink(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParsePermalink(%q) = %+v, %v; want error containing %q", tc.in, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParsePermalink(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	wantEq(t, PostRef{"alice", "C1"}.URL(), "https://www.threads.com/@alice/post/C1")
	wantEq(t, PostRef{Shortcode: "C1"}.URL(), "https://www.threads.com/t/C1")
	if r, err := ParsePermalink(PostRef{"alice", "C1"}.URL()); err != nil || r != (PostRef{"alice", "C1"}) {
		t.Errorf("round trip = %+v, %v", r, err)
	}
}

func TestResolveShortcode(t *testing.T) {
	t.Parallel()
	fields := strings.Join(defaultSearchFields, ",") // holds shortcode already
	t.Run("own posts, second page", func(t *testing.T) {
		t.Parallel()
		c, mux, _ := setup(t)
		page := 0
		mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) {
			testMethod(t, r, http.MethodGet)
			page++
			if page == 1 {
				testFormValues(t, r, map[string]string{"fields": fields, "limit": "100"})
				writeJSON(w, 200, `{"data":[`+strings.TrimSuffix(strings.Repeat(`{"id":"x","shortcode":"OTHER"},`, 100), ",")+`],"paging":{"cursors":{"after":"P2"}}}`)
				return
			}
			testFormValues(t, r, map[string]string{"fields": fields, "limit": "100", "after": "P2"})
			writeJSON(w, 200, `{"data":[{"id":"17890","shortcode":"C1","media_type":"TEXT"}]}`)
		})
		m, _, err := c.ResolveShortcode(t.Context(), PostRef{"alice", "C1"}, ResolveOptions{OwnUsername: "alice"})
		if err != nil || m == nil || m.ID != "17890" || m.MediaType != MediaTypeTextPost || page != 2 {
			t.Fatalf("ResolveShortcode = %+v, %v (pages %d)", m, err, page)
		}
	})
	t.Run("own replies, then other profile", func(t *testing.T) {
		t.Parallel()
		c, mux, _ := setup(t)
		var order []string
		mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) {
			order = append(order, "threads")
			writeJSON(w, 200, `{"data":[{"id":"1","shortcode":"A"}]}`)
		})
		mux.HandleFunc("/me/replies", func(w http.ResponseWriter, r *http.Request) {
			order = append(order, "replies")
			writeJSON(w, 200, `{"data":[]}`)
		})
		mux.HandleFunc("/profile_posts", func(w http.ResponseWriter, r *http.Request) {
			order = append(order, "profile_posts")
			testFormValues(t, r, map[string]string{"fields": "id,shortcode", "limit": "100", "username": "bob"})
			writeJSON(w, 200, `{"data":[{"id":"2","shortcode":"B"}]}`)
		})
		m, _, err := c.ResolveShortcode(t.Context(), PostRef{"bob", "B"}, ResolveOptions{Fields: []string{"id"}})
		if err != nil || m == nil || m.ID != "2" || strings.Join(order, ",") != "threads,replies,profile_posts" {
			t.Fatalf("ResolveShortcode = %+v, %v (order %v)", m, err, order)
		}
	})
	t.Run("other author skips own lists; not found is nil", func(t *testing.T) {
		t.Parallel()
		c, mux, _ := setup(t)
		mux.HandleFunc("/profile_posts", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"data":[]}`) })
		m, resp, err := c.ResolveShortcode(t.Context(), PostRef{"bob", "B"}, ResolveOptions{OwnUsername: "alice"})
		if err != nil || m != nil || resp == nil {
			t.Fatalf("ResolveShortcode = %+v, %v, %v", m, resp, err)
		}
	})
	t.Run("Meta's permission error", func(t *testing.T) {
		t.Parallel()
		c, mux, _ := setup(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
		mux.HandleFunc("/profile_posts", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 500, `{"error":{"message":"Application does not have permission for this action","type":"THApiException","code":10}}`)
		})
		_, _, err := c.ResolveShortcode(t.Context(), PostRef{"bob", "B"}, ResolveOptions{OwnUsername: "alice"})
		if !errors.Is(err, ErrPermission) {
			t.Fatalf("error = %v, want ErrPermission", err)
		}
		if _, _, err := c.ResolveShortcode(t.Context(), PostRef{Shortcode: "a/b"}, ResolveOptions{}); err == nil {
			t.Error("invalid shortcode accepted")
		}
	})
}

func TestFindRecentPost(t *testing.T) {
	t.Parallel()
	since := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	t.Run("post: skips newer decoy, matches text and type", func(t *testing.T) {
		t.Parallel()
		c, mux, _ := setup(t)
		mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) {
			testMethod(t, r, http.MethodGet)
			testFormValues(t, r, map[string]string{"fields": "id,text,media_type,timestamp,permalink,shortcode", "limit": "25",
				"since": formatTime(since.Add(-recoverySlack))})
			writeJSON(w, 200, `{"data":[`+
				`{"id":"3","text":"hello","media_type":"IMAGE","timestamp":"2026-05-01T12:00:09+0000"},`+
				`{"id":"2","text":"other","media_type":"TEXT_POST","timestamp":"2026-05-01T12:00:05+0000"},`+
				`{"id":"1","text":"hello ","media_type":"TEXT_POST","timestamp":"2026-05-01T12:00:01+0000","permalink":"https://www.threads.com/@a/post/X"}]}`)
		})
		m, _, err := c.FindRecentPost(t.Context(), Post{Text: "hello"}, since)
		if err != nil || m == nil || m.ID != "1" || m.Permalink == "" {
			t.Fatalf("FindRecentPost = %+v, %v", m, err)
		}
	})
	t.Run("reply: uses /me/replies and the reply target", func(t *testing.T) {
		t.Parallel()
		c, mux, _ := setup(t)
		mux.HandleFunc("/me/replies", func(w http.ResponseWriter, r *http.Request) {
			testFormValues(t, r, map[string]string{"fields": "id,text,media_type,timestamp,permalink,shortcode,replied_to", "limit": "25",
				"since": formatTime(since.Add(-recoverySlack))})
			writeJSON(w, 200, `{"data":[{"id":"r2","text":"hi","media_type":"TEXT_POST","replied_to":{"id":"OTHER"}},{"id":"r1","text":"hi","media_type":"TEXT_POST","replied_to":{"id":"P"}}]}`)
		})
		m, _, err := c.FindRecentPost(t.Context(), Post{Text: "hi", ReplyToID: "P"}, since)
		if err != nil || m == nil || m.ID != "r1" {
			t.Fatalf("FindRecentPost = %+v, %v", m, err)
		}
	})
	t.Run("no match is nil without error", func(t *testing.T) {
		t.Parallel()
		c, mux, _ := setup(t)
		mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"data":[{"id":"1","text":"nope","media_type":"TEXT_POST"}]}`)
		})
		m, resp, err := c.FindRecentPost(t.Context(), Post{Text: "hello"}, since)
		if err != nil || m != nil || resp == nil {
			t.Fatalf("FindRecentPost = %+v, %v, %v", m, resp, err)
		}
	})
	t.Run("window refused, then newest posts; then Meta's error", func(t *testing.T) {
		t.Parallel()
		c, mux, _ := setup(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
		calls := 0
		mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) {
			calls++
			_ = r.ParseForm()
			if r.Form.Has("since") != (calls == 1) {
				t.Errorf("call %d: since present = %v", calls, r.Form.Has("since"))
			}
			writeJSON(w, 400, `{"error":{"message":"Error validating access token: Session has expired","type":"OAuthException","code":190}}`)
		})
		_, _, err := c.FindRecentPost(t.Context(), Post{Text: "hello"}, since)
		if !errors.Is(err, ErrTokenInvalid) || calls != 2 {
			t.Fatalf("error = %v after %d calls", err, calls)
		}
	})
}
