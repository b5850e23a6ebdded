package schemas

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// wantRules checks that err is FieldErrors holding exactly the given
// "field: rule" pairs (in any order), each with a fix.
func wantRules(t *testing.T, err error, want ...string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("got error %v, want nil", err)
		}
		return
	}
	var fes FieldErrors
	if !errors.As(err, &fes) {
		t.Fatalf("got %v (%T), want FieldErrors %q", err, err, want)
	}
	var got []string
	for _, fe := range fes {
		got = append(got, fe.Field+": "+fe.Rule)
		if fe.Fix == "" {
			t.Errorf("%s has no fix", fe.Error())
		}
	}
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q\nerror: %v", got, want, err)
	}
}

func links(n int) string {
	var parts []string
	for i := range n {
		parts = append(parts, fmt.Sprintf("https://site%d.example.com/p", i))
	}
	return strings.Join(parts, " ")
}

func TestPublishTextArgsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args PublishTextArgs
		want []string
	}{
		{"minimal", PublishTextArgs{Text: "Hello"}, nil},
		{"full", PublishTextArgs{Text: "Hello #go", TopicTag: "Go", LinkAttachment: "https://go.dev", ReplyControl: "followers_only", QuotePostID: "123"}, nil},
		{"500 ascii", PublishTextArgs{Text: strings.Repeat("a", 500)}, nil},
		{"125 emoji", PublishTextArgs{Text: strings.Repeat("😀", 125)}, nil},
		{"500 cjk", PublishTextArgs{Text: strings.Repeat("漢", 500)}, nil},
		{"empty", PublishTextArgs{}, []string{"text: required"}},
		{"blank", PublishTextArgs{Text: " \n "}, []string{"text: required"}},
		{"501 ascii", PublishTextArgs{Text: strings.Repeat("a", 501)}, []string{"text: too long"}},
		{"126 emoji", PublishTextArgs{Text: strings.Repeat("😀", 126)}, []string{"text: too long"}},
		{"two tags", PublishTextArgs{Text: "#go and #rust"}, []string{"text: more than one topic tag"}},
		{"same tag twice", PublishTextArgs{Text: "#go and #Go"}, nil},
		{"topic_tag and different in-text tag", PublishTextArgs{Text: "#rust", TopicTag: "go"}, []string{"topic_tag: conflicting topic tags"}},
		{"topic_tag equals in-text tag", PublishTextArgs{Text: "#Go rocks", TopicTag: "go"}, nil},
		{"bad topic_tag", PublishTextArgs{Text: "hi", TopicTag: "a.b"}, []string{"topic_tag: forbidden character"}},
		{"five links", PublishTextArgs{Text: links(5)}, nil},
		{"six links", PublishTextArgs{Text: links(6)}, []string{"text: too many links"}},
		{"five links plus same attachment", PublishTextArgs{Text: links(5), LinkAttachment: "https://site0.example.com/p"}, nil},
		{"five links plus new attachment", PublishTextArgs{Text: links(5), LinkAttachment: "https://other.example.com/"}, []string{"text: too many links"}},
		{"bad link_attachment", PublishTextArgs{Text: "hi", LinkAttachment: "ftp://x.com/"}, []string{"link_attachment: scheme not allowed"}},
		{"bad reply_control", PublishTextArgs{Text: "hi", ReplyControl: "nobody"}, []string{"reply_control: not an allowed value"}},
		{"bad quote id", PublishTextArgs{Text: "hi", QuotePostID: "abc"}, []string{"quote_post_id: invalid id"}},
		{"several at once", PublishTextArgs{Text: strings.Repeat("😀", 126) + " #a #b", ReplyControl: "x"}, []string{"text: too long", "text: more than one topic tag", "reply_control: not an allowed value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantRules(t, tt.args.Validate(), tt.want...)
		})
	}
}

func TestPublishTextArgsMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args PublishTextArgs
		want []string
	}{
		{PublishTextArgs{Text: "#go and #rust"}, []string{"#go, #rust", "at most one topic"}},
		{PublishTextArgs{Text: "#rust", TopicTag: "go"}, []string{`topic_tag is "go"`, "#rust"}},
		{PublishTextArgs{Text: links(6)}, []string{"6 unique links, limit 5", "https://site5.example.com/p", "remove at least 1"}},
	}
	for _, tt := range tests {
		err := tt.args.Validate()
		if err == nil {
			t.Fatalf("%+v: no error", tt.args)
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q lacks %q", err, w)
			}
		}
	}
}

func TestPublishTextArgsNormalize(t *testing.T) {
	t.Parallel()
	a := PublishTextArgs{Text: " keep ", TopicTag: " #Go ", LinkAttachment: " https://go.dev ", ReplyControl: " Everyone ", QuotePostID: " 12 "}
	a.Normalize()
	want := PublishTextArgs{Text: " keep ", TopicTag: "Go", LinkAttachment: "https://go.dev", ReplyControl: "everyone", QuotePostID: "12"}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("Normalize = %+v, want %+v", a, want)
	}
}

func items(n int) []CarouselItemArgs {
	out := make([]CarouselItemArgs, n)
	for i := range out {
		out[i] = CarouselItemArgs{Type: "image", URL: fmt.Sprintf("https://cdn.example.com/%d.jpg", i)}
	}
	return out
}

func TestPublishCarouselArgsValidate(t *testing.T) {
	t.Parallel()
	mixed := items(3)
	mixed[1].Type = "video"
	badItems := items(4)
	badItems[1].URL = "http://cdn.example.com/1.jpg"
	badItems[2].Type = "gif"
	badItems[3].AltText = strings.Repeat("é", 1001)
	badItems[0].Type = ""
	tests := []struct {
		name string
		args PublishCarouselArgs
		want []string
	}{
		{"two items", PublishCarouselArgs{Items: items(2)}, nil},
		{"twenty items mixed caption", PublishCarouselArgs{Items: items(20), Text: "#trip photos", ReplyControl: "everyone"}, nil},
		{"mixed media", PublishCarouselArgs{Items: mixed}, nil},
		{"alt text 1000 chars", PublishCarouselArgs{Items: []CarouselItemArgs{{Type: "image", URL: "https://a.com/1.jpg", AltText: strings.Repeat("é", 1000)}, items(1)[0]}}, nil},
		{"no items", PublishCarouselArgs{}, []string{"items: too few items"}},
		{"one item", PublishCarouselArgs{Items: items(1)}, []string{"items: too few items"}},
		{"21 items", PublishCarouselArgs{Items: items(21)}, []string{"items: too many items"}},
		{"bad items", PublishCarouselArgs{Items: badItems}, []string{"items[0].type: required", "items[1].url: scheme not allowed", "items[2].type: not an allowed value", "items[3].alt_text: too long"}},
		{"caption too long", PublishCarouselArgs{Items: items(2), Text: strings.Repeat("—", 167)}, []string{"text: too long"}},
		{"caption two tags", PublishCarouselArgs{Items: items(2), Text: "#a #b"}, []string{"text: more than one topic tag"}},
		{"caption tag conflicts with topic_tag", PublishCarouselArgs{Items: items(2), Text: "#a", TopicTag: "b"}, []string{"topic_tag: conflicting topic tags"}},
		{"caption six links", PublishCarouselArgs{Items: items(2), Text: links(6)}, []string{"text: too many links"}},
		{"bad reply_control", PublishCarouselArgs{Items: items(2), ReplyControl: "all"}, []string{"reply_control: not an allowed value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantRules(t, tt.args.Validate(), tt.want...)
		})
	}
}

func TestReplyArgsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args ReplyArgs
		want []string
	}{
		{"text", ReplyArgs{ReplyToID: "1", Text: "thanks"}, nil},
		{"image only", ReplyArgs{ReplyToID: "1", ImageURL: "https://a.com/x.png"}, nil},
		{"video with text", ReplyArgs{ReplyToID: "1", Text: "look", VideoURL: "https://a.com/x.mp4", ReplyControl: "mentioned_only"}, nil},
		{"missing id", ReplyArgs{Text: "x"}, []string{"reply_to_id: required"}},
		{"bad id", ReplyArgs{ReplyToID: "abc", Text: "x"}, []string{"reply_to_id: invalid id"}},
		{"nothing", ReplyArgs{ReplyToID: "1"}, []string{"text: required"}},
		{"both media", ReplyArgs{ReplyToID: "1", ImageURL: "https://a.com/x.png", VideoURL: "https://a.com/x.mp4"}, []string{"video_url: not with image_url"}},
		{"http image", ReplyArgs{ReplyToID: "1", ImageURL: "http://a.com/x.png"}, []string{"image_url: scheme not allowed"}},
		{"private video", ReplyArgs{ReplyToID: "1", VideoURL: "https://10.0.0.1/x.mp4"}, []string{"video_url: host not public"}},
		{"too long", ReplyArgs{ReplyToID: "1", Text: strings.Repeat("😀", 126)}, []string{"text: too long"}},
		{"two tags", ReplyArgs{ReplyToID: "1", Text: "#a #b"}, []string{"text: more than one topic tag"}},
		{"six links", ReplyArgs{ReplyToID: "1", Text: links(6)}, []string{"text: too many links"}},
		{"bad reply_control", ReplyArgs{ReplyToID: "1", Text: "x", ReplyControl: "EVERYONE"}, []string{"reply_control: not an allowed value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantRules(t, tt.args.Validate(), tt.want...)
		})
	}
}

func TestSetReplyControlArgsValidate(t *testing.T) {
	t.Parallel()
	for _, v := range ReplyControls() {
		wantRules(t, (&SetReplyControlArgs{Value: v}).Validate())
	}
	wantRules(t, (&SetReplyControlArgs{Value: "everyone", PostID: "42"}).Validate())
	wantRules(t, (&SetReplyControlArgs{}).Validate(), "value: required")
	wantRules(t, (&SetReplyControlArgs{Value: "friends"}).Validate(), "value: not an allowed value")
	wantRules(t, (&SetReplyControlArgs{Value: "everyone", PostID: "x"}).Validate(), "post_id: invalid id")
	a := SetReplyControlArgs{Value: " Followers_Only ", PostID: " 7 "}
	a.Normalize()
	if a.Value != "followers_only" || a.PostID != "7" {
		t.Errorf("Normalize = %+v", a)
	}
}

func TestReplyControls(t *testing.T) {
	t.Parallel()
	// The five values of Meta's reply-management guide
	// (https://developers.facebook.com/docs/threads/reply-management).
	want := []string{"everyone", "accounts_you_follow", "mentioned_only", "parent_post_author_only", "followers_only"}
	got := ReplyControls()
	if !slices.Equal(got, want) {
		t.Errorf("ReplyControls() = %q, want %q", got, want)
	}
	got[0] = "nobody" // a caller's copy: validation must not see it
	wantRules(t, (&SetReplyControlArgs{Value: "everyone"}).Validate())
	wantRules(t, (&SetReplyControlArgs{Value: "nobody"}).Validate(), "value: not an allowed value")
}

func TestListRepliesArgs(t *testing.T) {
	t.Parallel()
	a := ListRepliesArgs{PostID: " 5 ", Scope: " Conversation "}
	a.Normalize()
	a.Defaults()
	want := ListRepliesArgs{PostID: "5", Scope: "conversation", Order: "newest", Limit: 25}
	if a != want {
		t.Errorf("Normalize+Defaults = %+v, want %+v", a, want)
	}
	tests := []struct {
		name string
		args ListRepliesArgs
		want []string
	}{
		{"defaults", want, nil},
		{"limit 0 means default", ListRepliesArgs{PostID: "1"}, nil},
		{"limit 100", ListRepliesArgs{PostID: "1", Limit: 100, Order: "oldest", Scope: "direct", Cursor: "QVFIU"}, nil},
		{"no post", ListRepliesArgs{}, []string{"post_id: required"}},
		{"limit 101", ListRepliesArgs{PostID: "1", Limit: 101}, []string{"limit: out of range"}},
		{"limit -1", ListRepliesArgs{PostID: "1", Limit: -1}, []string{"limit: out of range"}},
		{"bad scope and order", ListRepliesArgs{PostID: "1", Scope: "all", Order: "top"}, []string{"scope: not an allowed value", "order: not an allowed value"}},
		{"huge cursor", ListRepliesArgs{PostID: "1", Cursor: strings.Repeat("a", 2049)}, []string{"cursor: too long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantRules(t, tt.args.Validate(), tt.want...)
		})
	}
}

func TestGetInsightsArgs(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		args GetInsightsArgs
		want []string
	}{
		{"account defaults", GetInsightsArgs{}, nil},
		{"post defaults", GetInsightsArgs{PostID: "1"}, nil},
		{"post metrics", GetInsightsArgs{PostID: "1", Metrics: []string{"views", "shares"}}, nil},
		{"account range", GetInsightsArgs{Metrics: []string{"views", "clicks"}, Since: "2025-01-01", Until: "2025-05-31T00:00:00Z"}, nil},
		{"earliest accepted", GetInsightsArgs{Since: "2024-04-13T07:00:00Z"}, nil},
		{"demographics", GetInsightsArgs{Metrics: []string{"follower_demographics"}, Breakdown: "country"}, nil},
		{"post with account metric", GetInsightsArgs{PostID: "1", Metrics: []string{"clicks"}}, []string{"metrics[0]: not a post metric"}},
		{"post with since until breakdown", GetInsightsArgs{PostID: "1", Since: "2025-01-01", Until: "2025-01-02", Breakdown: "age"}, []string{"since: not with post_id", "until: not with post_id", "breakdown: not with post_id"}},
		{"bad post id", GetInsightsArgs{PostID: "x"}, []string{"post_id: invalid id"}},
		{"account with shares", GetInsightsArgs{Metrics: []string{"likes", "shares"}}, []string{"metrics[1]: not an account metric"}},
		{"unknown metric", GetInsightsArgs{Metrics: []string{"impressions"}}, []string{"metrics[0]: not an account metric"}},
		{"demographics without breakdown", GetInsightsArgs{Metrics: []string{"follower_demographics"}}, []string{"breakdown: required"}},
		{"breakdown without demographics", GetInsightsArgs{Metrics: []string{"views"}, Breakdown: "city"}, []string{"breakdown: not without follower_demographics"}},
		{"bad breakdown", GetInsightsArgs{Metrics: []string{"follower_demographics"}, Breakdown: "region"}, []string{"breakdown: not an allowed value"}},
		{"unparsable", GetInsightsArgs{Since: "yesterday"}, []string{"since: invalid time"}},
		{"too early", GetInsightsArgs{Since: "2024-04-13"}, []string{"since: too early"}},
		{"future until", GetInsightsArgs{Until: "2025-06-02"}, []string{"until: in the future"}},
		{"since after until", GetInsightsArgs{Since: "2025-02-01", Until: "2025-01-01"}, []string{"until: not after since"}},
		{"since equals until", GetInsightsArgs{Since: "2025-02-01", Until: "2025-02-01T00:00:00Z"}, []string{"until: not after since"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantRules(t, tt.args.ValidateAt(now), tt.want...)
		})
	}
	// A zero now skips the future check.
	wantRules(t, (&GetInsightsArgs{Until: "2999-01-01"}).ValidateAt(time.Time{}))
}

func TestGetInsightsArgsDefaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args GetInsightsArgs
		want []string
	}{
		{"post", GetInsightsArgs{PostID: "1"}, MediaMetrics()},
		{"account", GetInsightsArgs{}, DefaultAccountMetrics()},
		{"breakdown only", GetInsightsArgs{Breakdown: "age"}, []string{"follower_demographics"}},
		{"given metrics kept", GetInsightsArgs{Metrics: []string{"likes"}}, []string{"likes"}},
	}
	for _, tt := range tests {
		a := tt.args
		a.Defaults()
		if !slices.Equal(a.Metrics, tt.want) {
			t.Errorf("%s: Defaults metrics = %q, want %q", tt.name, a.Metrics, tt.want)
		}
	}
	a := GetInsightsArgs{Metrics: []string{" Views", "views", "LIKES"}, Breakdown: " Age "}
	a.Normalize()
	if !slices.Equal(a.Metrics, []string{"views", "likes"}) || a.Breakdown != "age" {
		t.Errorf("Normalize = %+v", a)
	}
	if len(MediaMetrics()) != 6 || len(AccountMetrics()) != 8 || len(DefaultAccountMetrics()) != 7 {
		t.Errorf("metric lists changed: %q %q %q", MediaMetrics(), AccountMetrics(), DefaultAccountMetrics())
	}
}

func TestParseTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{"2025-01-31", time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC), false},
		{"2025-01-31T12:30:00Z", time.Date(2025, 1, 31, 12, 30, 0, 0, time.UTC), false},
		{"2025-01-31T12:30:00.5+02:00", time.Date(2025, 1, 31, 10, 30, 0, 5e8, time.UTC), false},
		{"2023-10-17T05:42:03+0000", time.Date(2023, 10, 17, 5, 42, 3, 0, time.UTC), false},
		{"1712991600", time.Time{}, true},
		{"31/01/2025", time.Time{}, true},
		{"", time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if (err != nil) != tt.wantErr || (!tt.wantErr && !got.Equal(tt.want)) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	if !time.Unix(InsightsEarliest, 0).UTC().Equal(time.Date(2024, 4, 13, 7, 0, 0, 0, time.UTC)) {
		t.Error("InsightsEarliest is not 2024-04-13T07:00:00Z")
	}
}

func TestAccountAndIdempotencyArgs(t *testing.T) {
	// The shared arguments are checked through the accessors every Args type
	// promotes, which is how the tool pipeline reaches them.
	type shared interface{ AccountArgument() *AccountArg }
	type keyed interface{ IdempotencyArgument() *IdempotencyArg }
	tests := []struct {
		name  string
		args  any
		field string // "" = valid
	}{
		{"account ok", &PublishTextArgs{Text: "hi", AccountArg: AccountArg{Account: "work"}}, ""},
		{"account with space", &PublishTextArgs{Text: "hi", AccountArg: AccountArg{Account: "my work"}}, "account"},
		{"account too long", &ListRepliesArgs{PostID: "1", AccountArg: AccountArg{Account: strings.Repeat("a", 101)}}, "account"},
		{"account control char", &GetInsightsArgs{AccountArg: AccountArg{Account: "a\x00b"}}, "account"},
		{"key ok", &ReplyArgs{ReplyToID: "1", Text: "x", IdempotencyArg: IdempotencyArg{IdempotencyKey: "550e8400-e29b-41d4-a716-446655440000"}}, ""},
		{"key padded", &PublishCarouselArgs{Items: []CarouselItemArgs{{Type: "image", URL: "https://a.example/1.jpg"}, {Type: "image", URL: "https://a.example/2.jpg"}}, IdempotencyArg: IdempotencyArg{IdempotencyKey: " k "}}, "idempotency_key"},
		{"key too long", &PublishTextArgs{Text: "hi", IdempotencyArg: IdempotencyArg{IdempotencyKey: strings.Repeat("k", 201)}}, "idempotency_key"},
		{"publishing limit bad account", &GetPublishingLimitArgs{AccountArg: AccountArg{Account: "a b"}}, "account"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var errs FieldErrors
			if s, ok := tc.args.(shared); ok {
				errs.add(s.AccountArgument().CheckAccount())
			}
			if k, ok := tc.args.(keyed); ok {
				errs.add(k.IdempotencyArgument().CheckKey())
			}
			if tc.field == "" {
				if len(errs) != 0 {
					t.Fatalf("unexpected error: %v", errs)
				}
				return
			}
			if len(errs) != 1 || errs[0].Field != tc.field {
				t.Fatalf("want one error on %s, got %v", tc.field, errs)
			}
		})
	}
	a := &SetReplyControlArgs{Value: "everyone", AccountArg: AccountArg{Account: " @someone "}}
	a.AccountArgument().NormalizeAccount()
	if a.Account != "someone" {
		t.Errorf("NormalizeAccount left account %q", a.Account)
	}
}

// TestCarouselItemMessages: a carousel that is too small or repeats a URL
// says that it needs different items and that a single media post is not
// available, in the schema check and in the Go rules alike.
func TestCarouselItemMessages(t *testing.T) {
	t.Parallel()
	v, err := NewValidator(MustInputSchema(PublishCarouselArgs{}))
	if err != nil {
		t.Fatal(err)
	}
	const single = "to post a single image or video, use publish_media instead of padding a carousel with a repeated item."
	one := `items: too few items: got 1 item; a carousel needs 2 to 20 different images or videos. ` +
		`Fix: add at least 1 more different image or video (a repeated URL is refused); ` + single
	tests := []struct {
		name   string
		args   string
		schema string // message of the schema check; "" when it passes
		rules  string // message of PublishCarouselArgs.Validate
	}{
		{"one item", `{"items":[{"type":"image","url":"https://a.com/1.jpg"}]}`, one, one},
		{"no items", `{"items":[]}`,
			`items: too few items: got 0 items; a carousel needs 2 to 20 different images or videos. ` +
				`Fix: add at least 2 more different images or videos (a repeated URL is refused); ` + single,
			`items: too few items: got 0 items; a carousel needs 2 to 20 different images or videos. ` +
				`Fix: add at least 2 more different images or videos (a repeated URL is refused); ` + single},
		{"same URL twice", `{"items":[{"type":"image","url":"https://a.com/1.jpg"},{"type":"image","url":"https://A.com/1.jpg"}]}`, "",
			`items[1].url: repeated item: items[0] and items[1] have the same URL "https://A.com/1.jpg"; a carousel needs 2 to 20 different images or videos. ` +
				`Fix: replace items[1] with a different image or video, or remove it; ` + single},
		{"repeat after a different one", `{"items":[{"type":"image","url":"https://a.com/1.jpg"},{"type":"video","url":"https://a.com/2.mp4"},{"type":"image","url":"https://a.com/1.jpg"}]}`, "",
			`items[2].url: repeated item: items[0] and items[2] have the same URL "https://a.com/1.jpg"; a carousel needs 2 to 20 different images or videos. ` +
				`Fix: replace items[2] with a different image or video, or remove it; ` + single},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := ""
			if err := v.Validate(json.RawMessage(tt.args)); err != nil {
				got = err.Error()
			}
			if got != tt.schema {
				t.Errorf("schema check:\n got %s\nwant %s", got, tt.schema)
			}
			var a PublishCarouselArgs
			if err := Decode(json.RawMessage(tt.args), &a); err != nil {
				t.Fatal(err)
			}
			a.Normalize()
			got = ""
			if err := a.Validate(); err != nil {
				got = err.Error()
			}
			if got != tt.rules {
				t.Errorf("Validate:\n got %s\nwant %s", got, tt.rules)
			}
		})
	}
}

// TestNullOptionalFieldMessage: JSON null for a field reads "got null", and
// for an optional field the fix is to omit it.
func TestNullOptionalFieldMessage(t *testing.T) {
	t.Parallel()
	v, err := NewValidator(MustInputSchema(PublishTextArgs{}))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ args, want string }{
		{`{"text":"hi","topic_tag":null}`, `topic_tag: wrong type: got null, want string. Fix: omit topic_tag to leave it unset, or send it as a JSON string.`},
		{`{"text":null}`, `text: wrong type: got null, want string. Fix: send text as a JSON string.`},
		{`{"text":5}`, `text: wrong type: got number 5, want string. Fix: send text as a JSON string.`},
	}
	for _, tt := range tests {
		err := v.Validate(json.RawMessage(tt.args))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Validate(%s):\n got %v\nwant %s", tt.args, err, tt.want)
		}
	}
}
