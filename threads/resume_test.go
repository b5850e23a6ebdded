package threads_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// TestResumePublish covers every container state a crashed publish can
// leave behind: each ends with at most one post and the right outcome.
func TestResumePublish(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		post      threads.Post
		prepare   func(t *testing.T, e *env, cid string) // brings the container to the state under test
		wantPosts int
		wantErr   threads.ContainerStatus // "" = success
		recovered bool
	}{
		{
			name:      "finished, never published: publishes once",
			post:      threads.Post{Text: "resume me"},
			prepare:   func(t *testing.T, e *env, cid string) {},
			wantPosts: 1,
		},
		{
			name: "already published: recovers the post, publishes nothing",
			post: threads.Post{Text: "already out"},
			prepare: func(t *testing.T, e *env, cid string) {
				if _, _, err := e.c.Publish(t.Context(), cid); err != nil {
					t.Fatal(err)
				}
			},
			wantPosts: 1,
			recovered: true,
		},
		{
			name: "reply already published: recovered from the user's replies",
			post: threads.Post{Text: "a reply", ReplyToID: "ROOT"},
			prepare: func(t *testing.T, e *env, cid string) {
				if _, _, err := e.c.Publish(t.Context(), cid); err != nil {
					t.Fatal(err)
				}
			},
			wantPosts: 2, // root + reply
			recovered: true,
		},
		{
			name:      "still processing: waits, then publishes once",
			post:      threads.Post{ImageURL: "https://cdn.example.com/slow.jpg"},
			prepare:   func(t *testing.T, e *env, cid string) {},
			wantPosts: 1,
		},
		{
			name: "processing failed: container error, nothing published",
			post: threads.Post{VideoURL: "https://cdn.example.com/broken.mp4"},
			prepare: func(t *testing.T, e *env, cid string) {
				e.clk.Advance(time.Second)
			},
			wantErr: threads.StatusError,
		},
		{
			name: "expired after 24 h: container error, nothing published",
			post: threads.Post{Text: "too late"},
			prepare: func(t *testing.T, e *env, cid string) {
				e.clk.Advance(25 * time.Hour)
			},
			wantErr: threads.StatusExpired,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, emulator.WithProcessingDelay(500*time.Millisecond, 500*time.Millisecond))
			e.srv.SetMediaOutcome("https://cdn.example.com/broken.mp4", emulator.MediaOutcome{ErrorMessage: "INVALID_DURATION"})
			p := tc.post
			if p.ReplyToID == "ROOT" {
				p.ReplyToID = mustPublish(t, e.c, threads.Post{Text: "root"}).ID
			}
			started := e.clk.Now()
			params := threads.ContainerParams{MediaType: threads.MediaTypeText, Text: p.Text, ReplyToID: p.ReplyToID}
			switch {
			case p.ImageURL != "":
				params = threads.ContainerParams{MediaType: threads.MediaTypeImage, ImageURL: p.ImageURL}
			case p.VideoURL != "":
				params = threads.ContainerParams{MediaType: threads.MediaTypeVideo, VideoURL: p.VideoURL}
			}
			ct, _, err := e.c.CreateContainer(t.Context(), params)
			if err != nil {
				t.Fatal(err)
			}
			tc.prepare(t, e, ct.ID)
			res, err := e.c.ResumePublish(t.Context(), ct.ID, p, started)
			if tc.wantErr != "" {
				var ce *threads.ContainerError
				if !errors.As(err, &ce) || ce.Status != tc.wantErr {
					t.Fatalf("err = %v, want a ContainerError with status %s", err, tc.wantErr)
				}
				if n := len(e.srv.Posts(e.uid)); n != 0 {
					t.Errorf("%d posts exist, want none", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			posts := e.srv.Posts(e.uid)
			if len(posts) != tc.wantPosts {
				t.Fatalf("%d posts exist, want %d", len(posts), tc.wantPosts)
			}
			if res.ID == "" || res.Recovered != tc.recovered || res.Permalink == "" {
				t.Errorf("result %+v", res)
			}
			found := false
			for _, m := range posts {
				found = found || m.ID == res.ID
			}
			if !found {
				t.Errorf("result id %s is not a post of the user", res.ID)
			}
		})
	}
}

// TestOnContainer checks the hook sees every publishable container,
// including one recreated after a 4279009 storm.
func TestOnContainer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var mu sync.Mutex
	var seen [][2]any
	hook := func(id string, items []string) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, [2]any{id, len(items)})
	}
	res := mustPublish(t, e.c, threads.Post{Text: "hooked", OnContainer: hook})
	if len(seen) != 1 || seen[0][0] != res.ContainerID || seen[0][1] != 0 {
		t.Fatalf("text: hook saw %v, result container %s", seen, res.ContainerID)
	}
	seen = nil
	res = mustPublish(t, e.c, threads.Post{OnContainer: hook, Items: []threads.CarouselItem{
		{ImageURL: "https://cdn.example.com/1.jpg"}, {ImageURL: "https://cdn.example.com/2.jpg"},
	}})
	if len(seen) != 1 || seen[0][0] != res.ContainerID || seen[0][1] != 2 {
		t.Fatalf("carousel: hook saw %v, result container %s", seen, res.ContainerID)
	}
	// A storm of 4279009 longer than the retry budget makes the flow recreate
	// the container: the hook hears of the new one, which is the one published.
	seen = nil
	e.srv.InjectError("POST", "threads_publish", emulator.ErrorSpec{HTTPStatus: 400, Code: 24, Subcode: 4279009,
		Type: "OAuthException", Message: "The requested resource does not exist"}, fastRetry.NotReadyAttempts+1)
	res = mustPublish(t, e.c, threads.Post{Text: "storm", OnContainer: hook})
	if len(seen) != 2 || seen[1][0] != res.ContainerID || seen[0][0] == seen[1][0] {
		t.Fatalf("storm: hook saw %v, result container %s", seen, res.ContainerID)
	}
	if n := len(e.srv.Posts(e.uid)); n != 3 {
		t.Errorf("%d posts, want 3", n)
	}
}
