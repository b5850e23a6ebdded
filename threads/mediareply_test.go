package threads

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// TestMediaReplyReadBack checks the read back of a media reply: Threads has
// been reported to publish quick video replies as standalone posts.
func TestMediaReplyReadBack(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		post       Post
		readFields string
		readBody   string
		readStatus int
		notLinked  bool
		note       string
	}{
		{
			name: "video reply linked", post: Post{VideoURL: "https://e.x/v.mp4", ReplyToID: "root"},
			readFields: "id,permalink,timestamp,is_reply,replied_to",
			readBody:   `{"id":"m1","permalink":"https://www.threads.com/@a/post/X","is_reply":true,"replied_to":{"id":"root"}}`,
		},
		{
			name: "video reply published standalone", post: Post{VideoURL: "https://e.x/v.mp4", ReplyToID: "root"},
			readFields: "id,permalink,timestamp,is_reply,replied_to",
			readBody:   `{"id":"m1","permalink":"https://www.threads.com/@a/post/X","is_reply":false}`,
			notLinked:  true, note: "standalone post, not as a reply to root",
		},
		{
			name: "image reply linked elsewhere", post: Post{ImageURL: "https://e.x/i.jpg", AltText: "alt", ReplyToID: "root"},
			readFields: "id,permalink,timestamp,is_reply,replied_to",
			readBody:   `{"id":"m1","is_reply":true,"replied_to":{"id":"other"}}`,
			notLinked:  true, note: "a reply to other, not to root",
		},
		{
			name: "carousel reply, fields not returned", post: Post{ReplyToID: "root",
				Items: []CarouselItem{{ImageURL: "https://e.x/1.jpg"}, {ImageURL: "https://e.x/2.jpg"}}},
			readFields: "id,permalink,timestamp,is_reply,replied_to",
			readBody:   `{"id":"m1"}`,
			note:       "could not be confirmed",
		},
		{
			name: "read back refused is only a note", post: Post{VideoURL: "https://e.x/v.mp4", ReplyToID: "root"},
			readFields: "id,permalink,timestamp,is_reply,replied_to",
			readStatus: 400,
			readBody:   `{"error":{"message":"Unsupported get request. Object with ID 'm1' does not exist","type":"THApiException","code":100,"error_subcode":33}}`,
			note:       "permalink could not be read back",
		},
		{
			name: "text reply is not checked", post: Post{Text: "hi", ReplyToID: "root"},
			readFields: "id,permalink,timestamp",
			readBody:   `{"id":"m1","permalink":"https://www.threads.com/@a/post/X"}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, mux, _ := setup(t)
			var n atomic.Int32
			mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) {
				_ = r.ParseForm()
				if r.Form.Get("reply_to_id") != "" && r.Form.Get("reply_to_id") != "root" {
					t.Errorf("reply_to_id = %q", r.Form.Get("reply_to_id"))
				}
				writeJSON(w, 200, `{"id":"c`+string(rune('0'+n.Add(1)))+`"}`)
			})
			for _, id := range []string{"/c1", "/c2", "/c3"} {
				mux.HandleFunc(id, func(w http.ResponseWriter, r *http.Request) {
					writeJSON(w, 200, `{"id":"`+strings.TrimPrefix(id, "/")+`","status":"FINISHED"}`)
				})
			}
			mux.HandleFunc("/me/threads_publish", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":"m1"}`) })
			mux.HandleFunc("/m1", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, http.MethodGet)
				testFormValues(t, r, map[string]string{"fields": tc.readFields})
				writeJSON(w, max(tc.readStatus, 200), tc.readBody)
			})
			res, err := c.Reply(t.Context(), tc.post)
			if err != nil {
				t.Fatal(err)
			}
			if res.ID != "m1" || res.ReplyNotLinked != tc.notLinked {
				t.Errorf("result = %+v, want ReplyNotLinked %v", res, tc.notLinked)
			}
			if tc.note == "" && res.Note != "" || !strings.Contains(res.Note, tc.note) {
				t.Errorf("note = %q, want %q", res.Note, tc.note)
			}
		})
	}
}

// TestVideoProcessingProgress: a video that takes several checks reports
// each one, so a caller can show progress during a long processing.
func TestVideoProcessingProgress(t *testing.T) {
	t.Parallel()
	c, mux, _ := setup(t)
	checks := 0
	mux.HandleFunc("/me/threads", func(w http.ResponseWriter, r *http.Request) {
		testFormValues(t, r, map[string]string{"media_type": "VIDEO", "video_url": "https://e.x/v.mp4", "alt_text": "a clip",
			"is_spoiler_media": "true", "text": "watch"})
		writeJSON(w, 200, `{"id":"c1"}`)
	})
	mux.HandleFunc("/c1", func(w http.ResponseWriter, r *http.Request) {
		checks++
		if checks < 4 {
			writeJSON(w, 200, `{"id":"c1","status":"IN_PROGRESS"}`)
			return
		}
		writeJSON(w, 200, `{"id":"c1","status":"FINISHED"}`)
	})
	mux.HandleFunc("/me/threads_publish", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":"m1"}`) })
	mux.HandleFunc("/m1", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":"m1"}`) })
	var steps []Progress
	res, err := c.PublishVideo(t.Context(), Post{Text: "watch", VideoURL: "https://e.x/v.mp4", AltText: "a clip",
		Extra:    ContainerParams{IsSpoilerMedia: true},
		Progress: func(p Progress) { steps = append(steps, p) }})
	if err != nil || res.ID != "m1" {
		t.Fatalf("PublishVideo = %+v, %v", res, err)
	}
	pending := 0
	for i, s := range steps {
		if strings.Contains(s.Message, "video still processing after") {
			pending++
		}
		if i > 0 && s.Current <= steps[i-1].Current {
			t.Errorf("progress not increasing: %+v", steps)
		}
	}
	last := steps[len(steps)-1]
	if pending != 3 || last.Step != StepPublished || last.Current != last.Total {
		t.Errorf("progress = %+v", steps)
	}
}
