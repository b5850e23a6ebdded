package threads

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestPollFromOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   []string
		want *PollAttachment
	}{
		{[]string{"a"}, nil},
		{[]string{"a", "b"}, &PollAttachment{OptionA: "a", OptionB: "b"}},
		{[]string{"a", "b", "c"}, &PollAttachment{OptionA: "a", OptionB: "b", OptionC: "c"}},
		{[]string{"a", "b", "c", "d"}, &PollAttachment{OptionA: "a", OptionB: "b", OptionC: "c", OptionD: "d"}},
		{[]string{"a", "b", "c", "d", "e"}, nil},
	} {
		got, err := PollFromOptions(tc.in)
		if tc.want == nil {
			if err == nil {
				t.Errorf("PollFromOptions(%q) accepted", tc.in)
			}
			continue
		}
		if err != nil || *got != *tc.want || strings.Join(got.Options(), ",") != strings.Join(tc.in, ",") {
			t.Errorf("PollFromOptions(%q) = %+v, %v", tc.in, got, err)
		}
	}
}

func TestEntityRange(t *testing.T) {
	t.Parallel()
	const text = "Plot: 🎬 Bruce is a ghost, café" // 🎬 is outside the BMP (2 UTF-16 units, 4 bytes)
	ghost := strings.Index(text, "Bruce is a ghost")
	cafe := strings.Index(text, "café")
	tests := []struct {
		name       string
		start, end int
		unit       OffsetUnit
		off, n     int
		wantErr    string
	}{
		{"ascii prefix", 0, 4, OffsetCodePoints, 0, 4, ""},
		{"after emoji, code points", ghost, ghost + len("Bruce is a ghost"), OffsetCodePoints, 8, 16, ""},
		{"after emoji, utf16", ghost, ghost + len("Bruce is a ghost"), OffsetUTF16, 9, 16, ""},
		{"the emoji itself, code points", 6, 10, OffsetCodePoints, 6, 1, ""},
		{"the emoji itself, utf16", 6, 10, OffsetUTF16, 6, 2, ""},
		{"accented letter", cafe, len(text), OffsetCodePoints, 26, 4, ""},
		{"splits the emoji", 7, 10, OffsetCodePoints, 0, 0, "splits a character"},
		{"splits é", cafe, len(text) - 1, OffsetCodePoints, 0, 0, "splits a character"},
		{"empty", 3, 3, OffsetCodePoints, 0, 0, "empty"},
		{"past the end", 0, len(text) + 1, OffsetCodePoints, 0, 0, "outside"},
		{"unknown unit", 0, 1, "bytes", 0, 0, "unknown offset unit"},
	}
	for _, tc := range tests {
		off, n, err := EntityRange(text, tc.start, tc.end, tc.unit)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: got %d,%d,%v; want error %q", tc.name, off, n, err, tc.wantErr)
			}
			continue
		}
		if err != nil || off != tc.off || n != tc.n {
			t.Errorf("%s: got %d,%d,%v; want %d,%d", tc.name, off, n, err, tc.off, tc.n)
		}
	}
	e, err := SpoilerEntity(text, ghost, ghost+len("Bruce is a ghost"))
	if err != nil || e != (TextEntity{EntityType: "SPOILER", Offset: 8, Length: 16}) {
		t.Errorf("SpoilerEntity = %+v, %v", e, err)
	}
}

// attachmentMux serves one publish: create (form checked exactly), status
// (media only), publish and read back.
func attachmentMux(t *testing.T, mux *http.ServeMux, wantCreate map[string]string, media bool) {
	t.Helper()
	mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testFormValues(t, r, wantCreate)
		writeJSON(w, 200, `{"id":"c1"}`)
	})
	mux.HandleFunc("/c1", func(w http.ResponseWriter, r *http.Request) {
		if !media {
			t.Error("text container polled before publishing")
		}
		writeJSON(w, 200, `{"id":"c1","status":"FINISHED"}`)
	})
	mux.HandleFunc("/me/threads_publish", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodPost)
		testFormValues(t, r, map[string]string{"creation_id": "c1"})
		writeJSON(w, 200, `{"id":"m1"}`)
	})
	mux.HandleFunc("/m1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":"m1","permalink":"https://www.threads.com/@a/post/X","timestamp":"2026-05-01T12:00:00+0000"}`)
	})
}

func TestPublishAttachmentsAsMetaDocumentsThem(t *testing.T) {
	t.Parallel()
	spoilerText := "The end: he was dead all along"
	start := strings.Index(spoilerText, "he was")
	spoiler, err := SpoilerEntity(spoilerText, start, len(spoilerText))
	if err != nil {
		t.Fatal(err)
	}
	poll, _ := PollFromOptions([]string{"Go", "Rust", "Zig"})
	tests := []struct {
		name  string
		post  Post
		form  map[string]string
		media bool
	}{
		{
			name: "poll",
			post: Post{Text: "Best language?", Extra: ContainerParams{PollAttachment: poll}},
			form: map[string]string{"media_type": "TEXT", "text": "Best language?",
				"poll_attachment": `{"option_a":"Go","option_b":"Rust","option_c":"Zig"}`},
		},
		{
			name: "gif, provider defaults to GIPHY",
			post: Post{Text: "mood", Extra: ContainerParams{GIFAttachment: &GIFAttachment{GIFID: "xT9IgG50Fb7Mi0prBC"}}},
			form: map[string]string{"media_type": "TEXT", "text": "mood",
				"gif_attachment": `{"gif_id":"xT9IgG50Fb7Mi0prBC","provider":"GIPHY"}`},
		},
		{
			name: "text attachment with link and styling",
			post: Post{Text: "Read on", Extra: ContainerParams{TextAttachment: &TextAttachment{
				Plaintext: "Chapter one. It was dark.", LinkAttachmentURL: "https://e.x/more",
				TextWithStylingInfo: []TextStyling{{Offset: 0, Length: 11, StylingInfo: []TextStyle{StyleBold, StyleUnderline}},
					{Offset: 13, Length: 12, StylingInfo: []TextStyle{StyleItalic}}}}}},
			form: map[string]string{"media_type": "TEXT", "text": "Read on",
				"text_attachment": `{"plaintext":"Chapter one. It was dark.","link_attachment_url":"https://e.x/more","text_with_styling_info":[{"offset":0,"length":11,"styling_info":["bold","underline"]},{"offset":13,"length":12,"styling_info":["italic"]}]}`},
		},
		{
			name: "text spoiler on a ghost post",
			post: Post{Text: spoilerText, Extra: ContainerParams{TextEntities: []TextEntity{spoiler}, IsGhostPost: true}},
			form: map[string]string{"media_type": "TEXT", "text": spoilerText, "is_ghost_post": "true",
				"text_entities": `[{"entity_type":"SPOILER","offset":9,"length":21}]`},
		},
		{
			name: "location, geo-gating, reply approvals, share to IG story",
			post: Post{Text: "hi", ReplyControl: ReplyFollowersOnly, Extra: ContainerParams{LocationID: "7640348500",
				AllowlistedCountryCodes: []string{"US", "CA"}, EnableReplyApprovals: true, CrossShareToIG: true}},
			form: map[string]string{"media_type": "TEXT", "text": "hi", "reply_control": "followers_only",
				"location_id": "7640348500", "allowlisted_country_codes": "US,CA", "enable_reply_approvals": "true",
				"crossreshare_to_ig": "true"},
		},
		{
			name: "image with spoiler media and alt text",
			post: Post{Text: "look", ImageURL: "https://e.x/i.jpg", AltText: "a cat", Extra: ContainerParams{IsSpoilerMedia: true}},
			form: map[string]string{"media_type": "IMAGE", "text": "look", "image_url": "https://e.x/i.jpg",
				"alt_text": "a cat", "is_spoiler_media": "true"},
			media: true,
		},
		{
			name: "video with spoiler media",
			post: Post{VideoURL: "https://e.x/v.mp4", Extra: ContainerParams{IsSpoilerMedia: true, AltText: "clip"}},
			form: map[string]string{"media_type": "VIDEO", "video_url": "https://e.x/v.mp4", "alt_text": "clip",
				"is_spoiler_media": "true"},
			media: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			attachmentMux(t, mux, tc.form, tc.media)
			res, err := c.PublishPost(t.Context(), tc.post)
			if err != nil {
				t.Fatal(err)
			}
			if res.ID != "m1" || res.Permalink == "" {
				t.Errorf("result = %+v", res)
			}
		})
	}
}

// TestPublishAttachmentRefusals checks that Meta's refusals of an attachment
// at container creation come back classified, with nothing published.
func TestPublishAttachmentRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body string
		want ErrorKind
	}{
		{"geo-gating not available", `{"error":{"message":"THREADS_API__FEATURE_NOT_AVAILABLE","type":"THApiException","code":100,"fbtrace_id":"F1"}}`, KindInvalidParameter},
		{"invalid country codes", `{"error":{"message":"THREADS_API__GEO_GATING_INVALID_COUNTRY_CODES","type":"THApiException","code":100}}`, KindInvalidParameter},
		{"poll option too long", `{"error":{"message":"Param poll_attachment is invalid","type":"THApiException","code":100}}`, KindInvalidParameter},
		{"location without threads_location_tagging", `{"error":{"message":"Application does not have permission for this action","type":"THApiException","code":10}}`, KindPermission},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 400, tc.body) })
			mux.HandleFunc("/me/threads_publish", func(w http.ResponseWriter, r *http.Request) { t.Error("published after a refused create") })
			_, err := c.PublishText(t.Context(), Post{Text: "hi", Extra: ContainerParams{AllowlistedCountryCodes: []string{"XX"}}})
			var ae *APIError
			if !errors.As(err, &ae) || ae.Kind() != tc.want {
				t.Fatalf("error = %v, want kind %v", err, tc.want)
			}
		})
	}
}

// TestCrossShareToIGStatus reads crossreshare_to_ig_status from whichever
// answer carries it: Meta's page says the publish response, its sample
// shows the create response.
func TestCrossShareToIGStatus(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, create, publish, want string }{
		{"on create", `{"id":"c1","crossreshare_to_ig_status":"FAILED"}`, `{"id":"m1"}`, "FAILED"},
		{"on publish", `{"id":"c1"}`, `{"id":"m1","crossreshare_to_ig_status":"SUCCESS"}`, "SUCCESS"},
		{"absent", `{"id":"c1"}`, `{"id":"m1"}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) {
				testFormValues(t, r, map[string]string{"media_type": "TEXT", "text": "hi", "crossreshare_to_ig_dark_mode": "true"})
				writeJSON(w, 200, tc.create)
			})
			mux.HandleFunc("/me/threads_publish", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, tc.publish) })
			res, err := c.PublishText(t.Context(), Post{Text: "hi", SkipReadBack: true, Extra: ContainerParams{CrossShareToIGDarkMode: true}})
			if err != nil || res.CrossShareToIGStatus != tc.want || res.ID != "m1" {
				t.Fatalf("result = %+v, %v", res, err)
			}
		})
	}
}
