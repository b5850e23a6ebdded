package threads_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// decoyFirst publishes another post just before the client's first
// recovery listing (GET /me/threads or /me/replies) goes out, so that the
// listing starts with a newer post that is not the one being recovered.
type decoyFirst struct {
	next    http.RoundTripper
	once    sync.Once
	publish func()
}

func (d *decoyFirst) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet && (strings.HasSuffix(r.URL.Path, "/me/threads") || strings.HasSuffix(r.URL.Path, "/me/replies")) {
		d.once.Do(d.publish)
	}
	return d.next.RoundTrip(r)
}

// TestRecoverIDSkipsDecoy: after a lost publish answer the post id is
// recovered from the user's recent posts; a newer post with other content
// (or another reply target, or another media type) listed first is never
// taken for it.
func TestRecoverIDSkipsDecoy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		post  threads.Post
		decoy threads.Post // ReplyToID "ROOT" = the same root, "OTHER" = another post
	}{
		{"text post, newer text post", threads.Post{Text: "the real one"}, threads.Post{Text: "a newer decoy"}},
		{"reply, newer reply to the same post", threads.Post{Text: "real reply", ReplyToID: "ROOT"},
			threads.Post{Text: "decoy reply", ReplyToID: "ROOT"}},
		{"reply, newer identical reply to another post", threads.Post{Text: "same words", ReplyToID: "ROOT"},
			threads.Post{Text: "same words", ReplyToID: "OTHER"}},
		{"image post, newer text post with the same text", threads.Post{Text: "caption", ImageURL: "https://cdn.example.com/r.jpg"},
			threads.Post{Text: "caption"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			root := mustPublish(t, e.c, threads.Post{Text: "root"}).ID
			other := mustPublish(t, e.c, threads.Post{Text: "other"}).ID
			target := map[string]string{"ROOT": root, "OTHER": other}
			p, decoy := tc.post, tc.decoy
			p.ReplyToID, decoy.ReplyToID = target[p.ReplyToID], target[decoy.ReplyToID]
			var decoyID string
			dt := &decoyFirst{next: http.DefaultTransport, publish: func() {
				e.clk.Advance(time.Second)
				decoyID = mustPublish(t, e.c, decoy).ID
			}}
			c := e.client(e.token, threads.WithHTTPClient(&http.Client{Transport: dt}))
			e.srv.SetPublishFault(emulator.PublishFault500ButPublished, 1)
			res, err := c.PublishPost(t.Context(), p)
			if err != nil {
				t.Fatal(err)
			}
			if decoyID == "" {
				t.Fatal("the recovery listing never went out")
			}
			// The decoy is newer, so it comes first in the listing.
			list := func() []threads.Media {
				if p.ReplyToID != "" {
					ml, _, err := e.c.UserReplies(t.Context(), threads.ListOptions{Fields: []string{"id"}})
					if err != nil {
						t.Fatal(err)
					}
					return ml.Data
				}
				ml, _, err := e.c.ListThreads(t.Context(), threads.ListOptions{Fields: []string{"id"}})
				if err != nil {
					t.Fatal(err)
				}
				return ml.Data
			}()
			if len(list) == 0 || list[0].ID != decoyID {
				t.Fatalf("listing %v does not start with the decoy %s", list, decoyID)
			}
			var real string
			for _, m := range e.srv.Posts(e.uid) {
				if m.ContainerID == res.ContainerID {
					real = m.ID
				}
			}
			if !res.Recovered || res.ID != real || res.ID == decoyID {
				t.Errorf("recovered %q (recovered %v), want %q, not the decoy %q", res.ID, res.Recovered, real, decoyID)
			}
		})
	}
}
