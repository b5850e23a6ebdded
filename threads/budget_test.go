package threads_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// requestCounts sorts the Graph requests an emulator received by what they do.
type requestCounts struct {
	Create, Status, Publish, Read, List int
}

func (r requestCounts) total() int { return r.Create + r.Status + r.Publish + r.Read + r.List }

func countRequests(reqs []emulator.Request) requestCounts {
	var n requestCounts
	for _, r := range reqs {
		p := strings.TrimPrefix(r.Path, "/v1.0")
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(p, "/threads_publish"):
			n.Publish++
		case r.Method == http.MethodPost && strings.HasSuffix(p, "/threads"):
			n.Create++
		case r.Method == http.MethodGet && (strings.HasSuffix(p, "/threads") || strings.HasSuffix(p, "/replies")):
			n.List++
		case r.Method == http.MethodGet && strings.Contains(r.Query.Get("fields"), "status"):
			n.Status++
		case r.Method == http.MethodGet:
			n.Read++
		}
	}
	return n
}

func images(n int, ext string) []threads.CarouselItem {
	var items []threads.CarouselItem
	for i := range n {
		u := fmt.Sprintf("https://cdn.example.com/budget/%d.%s", i, ext)
		if ext == "mp4" {
			items = append(items, threads.CarouselItem{VideoURL: u})
		} else {
			items = append(items, threads.CarouselItem{ImageURL: u})
		}
	}
	return items
}

// TestRequestBudget states what each publishing flow costs in Graph
// requests when nothing goes wrong (media ready at the first check), and
// that the container is still reported to OnContainer before it is
// published. The same budgets are in the package's flow documentation.
func TestRequestBudget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		post  threads.Post
		reply bool
		lag   bool // Meta answers 24/4279009 once
		want  requestCounts
	}{
		{name: "text", post: threads.Post{Text: "budget"},
			want: requestCounts{Create: 1, Publish: 1, Read: 1}},
		{name: "text without read back", post: threads.Post{Text: "budget", SkipReadBack: true},
			want: requestCounts{Create: 1, Publish: 1}},
		{name: "text auto_publish_text", post: threads.Post{Text: "budget", Extra: threads.ContainerParams{AutoPublishText: true}},
			want: requestCounts{Create: 1, Read: 1}},
		{name: "text auto_publish_text without read back", post: threads.Post{Text: "budget", SkipReadBack: true,
			Extra: threads.ContainerParams{AutoPublishText: true}},
			want: requestCounts{Create: 1}},
		{name: "text reply", post: threads.Post{Text: "budget"}, reply: true,
			want: requestCounts{Create: 1, Publish: 1, Read: 1}},
		{name: "text not ready at once: polled then", post: threads.Post{Text: "budget"}, lag: true,
			want: requestCounts{Create: 1, Status: 1, Publish: 2, Read: 1}},
		{name: "image", post: threads.Post{ImageURL: "https://cdn.example.com/budget.jpg"},
			want: requestCounts{Create: 1, Status: 1, Publish: 1, Read: 1}},
		{name: "video", post: threads.Post{VideoURL: "https://cdn.example.com/budget.mp4"},
			want: requestCounts{Create: 1, Status: 1, Publish: 1, Read: 1}},
		{name: "image reply", post: threads.Post{ImageURL: "https://cdn.example.com/budget.jpg"}, reply: true,
			want: requestCounts{Create: 1, Status: 1, Publish: 1, Read: 1}},
		{name: "carousel of 2", post: threads.Post{Items: images(2, "jpg")},
			want: requestCounts{Create: 3, Status: 2, Publish: 1, Read: 1}},
		{name: "carousel of 20", post: threads.Post{Items: images(20, "jpg")},
			want: requestCounts{Create: 21, Status: 20, Publish: 1, Read: 1}},
		{name: "carousel of 20 without read back", post: threads.Post{Items: images(20, "mp4"), SkipReadBack: true},
			want: requestCounts{Create: 21, Status: 20, Publish: 1}},
		{name: "carousel reply", post: threads.Post{Items: images(3, "mp4")}, reply: true,
			want: requestCounts{Create: 4, Status: 3, Publish: 1, Read: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			p := tc.post
			if tc.reply {
				p.ReplyToID = mustPublish(t, e.c, threads.Post{Text: "root"}).ID
			}
			if tc.lag {
				e.srv.InjectError(http.MethodPost, "threads_publish", emulator.ErrorSpec{HTTPStatus: 400, Code: 24, Subcode: 4279009,
					Type: "OAuthException", Message: "The requested resource does not exist"}, 1)
			}
			var mu sync.Mutex
			hooked := -1
			p.OnContainer = func(string, []string) {
				mu.Lock()
				defer mu.Unlock()
				hooked = countRequests(e.srv.Requests()).Publish
			}
			e.srv.ResetRequests()
			res, err := e.c.PublishPost(t.Context(), p)
			if err != nil {
				t.Fatal(err)
			}
			got := countRequests(e.srv.Requests())
			if got != tc.want {
				t.Errorf("requests = %+v (%d), want %+v (%d)", got, got.total(), tc.want, tc.want.total())
			}
			if p.SkipReadBack == (res.Permalink != "") {
				t.Errorf("permalink %q with SkipReadBack %v", res.Permalink, p.SkipReadBack)
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case p.Extra.AutoPublishText && hooked != -1:
				t.Errorf("OnContainer called for auto_publish_text")
			case !p.Extra.AutoPublishText && hooked != 0:
				t.Errorf("OnContainer called after %d publish requests, want before the first (called: %v)", hooked, hooked >= 0)
			}
		})
	}
}

// TestPollingBudget states how many status checks waiting for media costs
// and how early the first check comes, on a virtual clock.
func TestPollingBudget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		post       threads.Post
		processing time.Duration
		maxStatus  int
		maxWait    time.Duration // virtual time from the first create to the publish
	}{
		{"image, 2 s", threads.Post{ImageURL: "https://cdn.example.com/p.jpg"}, 2 * time.Second, 8, 2500 * time.Millisecond},
		{"video, 30 s", threads.Post{VideoURL: "https://cdn.example.com/p.mp4"}, 30 * time.Second, 20, 38 * time.Second},
		{"video, 5 min", threads.Post{VideoURL: "https://cdn.example.com/p.mp4"}, 5 * time.Minute, 30, 5 * time.Minute},
		{"carousel of 20 images, 2 s", threads.Post{Items: images(20, "jpg")}, 2 * time.Second, 30, 2500 * time.Millisecond},
		{"carousel of 20 videos, 30 s", threads.Post{Items: images(20, "mp4")}, 30 * time.Second, 60, 38 * time.Second},
		{"carousel of 10 images and 10 videos, 2 s", mixed20(0), 2 * time.Second, 40, 2500 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, emulator.WithProcessingDelay(tc.processing, tc.processing))
			res, err := e.c.PublishPost(t.Context(), tc.post)
			if err != nil {
				t.Fatal(err)
			}
			reqs := e.srv.Requests()
			n := countRequests(reqs)
			if n.Status > tc.maxStatus {
				t.Errorf("%d status checks, budget %d", n.Status, tc.maxStatus)
			}
			var created, firstCheck, published time.Time
			for _, r := range reqs {
				switch c := countRequests([]emulator.Request{r}); {
				case c.Create == 1 && created.IsZero():
					created = r.At
				case c.Status == 1 && firstCheck.IsZero():
					firstCheck = r.At
				case c.Publish == 1:
					published = r.At
				}
			}
			if first := firstCheck.Sub(created); first > threads.DefaultPollPolicy().Initial {
				t.Errorf("first status check %v after the create, want within %v", first, threads.DefaultPollPolicy().Initial)
			}
			if wait := published.Sub(created); wait < tc.processing || wait > tc.maxWait {
				t.Errorf("published %v after the create, want %v to %v", wait, tc.processing, tc.maxWait)
			}
			if res.ID == "" {
				t.Errorf("result %+v", res)
			}
			t.Logf("%d status checks, published after %v", n.Status, published.Sub(created))
		})
	}
}
