package schemas_test

import (
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
)

func TestParseWhen(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{"7d", now.Add(-7 * 24 * time.Hour), false},
		{"12h", now.Add(-12 * time.Hour), false},
		{"30m", now.Add(-30 * time.Minute), false},
		{"2w", now.Add(-14 * 24 * time.Hour), false},
		{" 3D ", now.Add(-3 * 24 * time.Hour), false},
		{"2026-11-20", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), false},
		{"2026-11-20T10:00:00Z", time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), false},
		{"2026-11-20t10:00:00z", time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), false},
		{"2026-11-20T10:00:00+0100", time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC), false},
		{"7 days", time.Time{}, true},
		{"-7d", time.Time{}, true},
		{"yesterday", time.Time{}, true},
		{"", time.Time{}, true},
	}
	for _, tc := range tests {
		got, err := schemas.ParseWhen(tc.in, now)
		if tc.bad {
			if err == nil {
				t.Errorf("ParseWhen(%q) = %v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("ParseWhen(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestParsePostTarget(t *testing.T) {
	tests := []struct {
		in, id, user, code string
		bad                string // part of the error, "" for none
	}{
		{in: "17889615691921648", id: "17889615691921648"},
		{in: " 123 ", id: "123"},
		{in: "https://www.threads.com/@zuck/post/C8xYz12AbCd", user: "zuck", code: "C8xYz12AbCd"},
		{in: "https://www.threads.net/@zuck/post/C8xYz12AbCd/", user: "zuck", code: "C8xYz12AbCd"},
		{in: "threads.net/@zuck/post/C8xYz12AbCd?xmt=AQ&slof=1", user: "zuck", code: "C8xYz12AbCd"},
		{in: "https://threads.com/t/C8xYz12AbCd", code: "C8xYz12AbCd"},
		{in: "C8xYz12AbCd", code: "C8xYz12AbCd"},
		{in: "@zuck/post/C8xYz12AbCd", user: "zuck", code: "C8xYz12AbCd"},
		{in: strings.Repeat("9", 31), bad: "digits"},
		{in: "https://www.threads.com/@zuck", bad: "profile link"},
		{in: "https://www.instagram.com/p/C8xYz12AbCd/", bad: "neither threads.com nor threads.net"},
		{in: "ftp://threads.net/@a/post/B", bad: "scheme"},
		{in: "hello world", bad: "not a post"},
	}
	for _, tc := range tests {
		got, fe := schemas.ParsePostTarget("post", tc.in)
		switch {
		case tc.bad != "":
			if fe == nil || fe.Field != "post" || !strings.Contains(fe.Error(), tc.bad) {
				t.Errorf("%q: got %+v, %v; want an error about %q", tc.in, got, fe, tc.bad)
			}
		case fe != nil:
			t.Errorf("%q: %v", tc.in, fe)
		case got.ID != tc.id || got.Ref.Username != tc.user || got.Ref.Shortcode != tc.code:
			t.Errorf("%q: got %+v", tc.in, got)
		}
	}
}

func TestReadArgsValidate(t *testing.T) {
	tests := []struct {
		name string
		args interface{ Validate() error }
		want string // field named, "" for valid
	}{
		{"list ok", &schemas.ListPostsArgs{WindowArg: schemas.WindowArg{Since: "7d", Until: "1d"}, PageArg: schemas.PageArg{Limit: 100}}, ""},
		{"list limit", &schemas.ListPostsArgs{PageArg: schemas.PageArg{Limit: 101}}, "limit"},
		{"list cursor", &schemas.ListPostsArgs{PageArg: schemas.PageArg{Cursor: strings.Repeat("c", schemas.MaxCursorLength+1)}}, "cursor"},
		{"list since early", &schemas.ListPostsArgs{WindowArg: schemas.WindowArg{Since: "2023-07-04"}}, "since"},
		{"list until future", &schemas.ListPostsArgs{WindowArg: schemas.WindowArg{Until: "2999-01-01"}}, "until"},
		{"list reversed", &schemas.ListPostsArgs{WindowArg: schemas.WindowArg{Since: "1d", Until: "2d"}}, "until"},
		{"top ok", &schemas.GetTopPostsArgs{Metric: "engagement_rate", Limit: 50, MaxPosts: 300}, ""},
		{"top metric", &schemas.GetTopPostsArgs{Metric: "clicks"}, "metric"},
		{"top max_posts", &schemas.GetTopPostsArgs{MaxPosts: 301}, "max_posts"},
		{"search ok", &schemas.SearchPostsArgs{Query: "go", SearchMode: "tag", SearchType: "recent", MediaType: "image", AuthorUsername: "a.b_c"}, ""},
		{"search empty", &schemas.SearchPostsArgs{}, "query"},
		{"search tag", &schemas.SearchPostsArgs{Query: "a&b", SearchMode: "tag"}, "query"},
		{"search author", &schemas.SearchPostsArgs{Query: "go", AuthorUsername: strings.Repeat("a", 31)}, "author_username"},
		{"profile ok", &schemas.GetProfileArgs{Username: "zuck", PostsLimit: 25}, ""},
		{"profile limit", &schemas.GetProfileArgs{PostsLimit: 26}, "posts_limit"},
		{"pending ok", &schemas.ListPendingRepliesArgs{PostID: "1", ApprovalStatus: "ignored"}, ""},
		{"pending status", &schemas.ListPendingRepliesArgs{PostID: "1", ApprovalStatus: "Pending"}, "approval_status"},
		{"reply target", &schemas.ReplyTargetArgs{ReplyID: "1a"}, "reply_id"},
		{"replies pending conversation", &schemas.ListRepliesArgs{PostID: "1", Scope: "conversation", Pending: true}, "scope"},
	}
	for _, tc := range tests {
		err := tc.args.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.want+":")):
			t.Errorf("%s: got %v, want an error on %s", tc.name, err, tc.want)
		}
	}
}
