package threads_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// cancelOnPublish lets a threads_publish request through to the emulator
// (so it commits) and then cancels the caller's context, as a client
// timeout or a cancelled MCP request would.
type cancelOnPublish struct {
	next   http.RoundTripper
	cancel context.CancelFunc
}

func (c cancelOnPublish) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if strings.HasSuffix(r.URL.Path, "/threads_publish") {
		if err == nil {
			resp.Body.Close()
		}
		c.cancel()
		return nil, context.Canceled
	}
	return resp, err
}

// TestPublishOutcomeUnknown: a publish that went live at Threads but whose
// answer was lost, when the client's own recovery (the status read) gives
// up too, is an *OutcomeUnknownError carrying the container id — not a
// failure — and resuming from that container returns the one post.
func TestPublishOutcomeUnknown(t *testing.T) {
	t.Parallel()
	statusDown := emulator.ErrorSpec{HTTPStatus: 503, Code: 2, IsTransient: true, Message: "Service temporarily unavailable"}
	tests := []struct {
		name  string
		post  threads.Post
		fault emulator.PublishFault
		// statusFails makes every status read of the container fail.
		statusFails bool
		cancel      bool
	}{
		{name: "connection dropped after commit, status unreadable", post: threads.Post{Text: "lost answer"},
			fault: emulator.PublishFaultDropAfterCommit, statusFails: true},
		{name: "500 although published, status unreadable", post: threads.Post{Text: "lost answer 500"},
			fault: emulator.PublishFault500ButPublished, statusFails: true},
		{name: "reply, connection dropped after commit, status unreadable", post: threads.Post{Text: "lost reply"},
			fault: emulator.PublishFaultDropAfterCommit, statusFails: true},
		{name: "context cancelled while publishing", post: threads.Post{Text: "cancelled"}, cancel: true},
		{name: "carousel cancelled while publishing", post: threads.Post{Items: images(2, "jpg")}, cancel: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			p := tc.post
			if strings.HasPrefix(tc.name, "reply") {
				p.ReplyToID = mustPublish(t, e.c, threads.Post{Text: "root"}).ID
			}
			before := len(e.srv.Posts(e.uid))
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			c := e.c
			if tc.cancel {
				c = e.client(e.token, threads.WithHTTPClient(&http.Client{
					Transport: cancelOnPublish{next: http.DefaultTransport, cancel: cancel}}))
			}
			var hooked string
			p.OnContainer = func(id string, _ []string) {
				hooked = id
				if tc.statusFails {
					e.srv.InjectError(http.MethodGet, "/"+id, statusDown, 0)
				}
			}
			if tc.fault != emulator.PublishOK {
				e.srv.SetPublishFault(tc.fault, 1)
			}
			started := e.clk.Now()
			res, err := c.PublishPost(ctx, p)
			var ou *threads.OutcomeUnknownError
			if !errors.As(err, &ou) {
				t.Fatalf("PublishPost = %+v, %v; want an *OutcomeUnknownError", res, err)
			}
			var ce *threads.ContainerError
			if ou.ContainerID != hooked || hooked == "" || errors.As(err, &ce) {
				t.Errorf("error %v: container %q, hook saw %q", err, ou.ContainerID, hooked)
			}
			if tc.cancel && !errors.Is(err, context.Canceled) {
				t.Errorf("error %v does not unwrap to context.Canceled", err)
			}
			posts := e.srv.Posts(e.uid)
			if len(posts) != before+1 {
				t.Fatalf("%d new posts, want exactly 1 (it went live)", len(posts)-before)
			}

			// The caller keeps the container and resumes later: the same post,
			// and still exactly one.
			e.srv.Reset()
			p.OnContainer = nil
			res, err = e.c.ResumePublish(t.Context(), ou.ContainerID, p, started)
			if err != nil {
				t.Fatalf("ResumePublish: %v", err)
			}
			if n := len(e.srv.Posts(e.uid)); n != before+1 {
				t.Errorf("%d new posts after resuming, want 1", n-before)
			}
			if want := posts[len(posts)-1].ID; res.ID != want || !res.Recovered {
				t.Errorf("resumed result %+v, want post %s recovered", res, want)
			}
		})
	}
}

// TestPublishDefiniteFailures: a refusal or a processing failure is not an
// unknown outcome, so a ledger may mark it failed.
func TestPublishDefiniteFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		post    threads.Post
		prepare func(e *env)
	}{
		{"publish refused (code 100)", threads.Post{Text: "refused"}, func(e *env) {
			e.srv.InjectError(http.MethodPost, "threads_publish", emulator.ErrorSpec{HTTPStatus: 400, Code: 100,
				Type: "THApiException", Message: "Param creation_id is invalid"}, 0)
		}},
		{"publish refused for a missing permission (500 code 10, container still FINISHED)", threads.Post{Text: "no scope"}, func(e *env) {
			e.srv.InjectError(http.MethodPost, "threads_publish", emulator.ErrorSpec{HTTPStatus: 500, Code: 10,
				Type: "THApiException", Message: "Application does not have permission for this action"}, 0)
		}},
		{"media processing failed", threads.Post{VideoURL: "https://cdn.example.com/broken.mp4"}, func(e *env) {
			e.srv.SetMediaOutcome("https://cdn.example.com/broken.mp4", emulator.MediaOutcome{ErrorMessage: "FAILED_PROCESSING_VIDEO"})
		}},
		{"transient errors outlast the retries (answered, not published)", threads.Post{Text: "busy"}, func(e *env) {
			e.srv.SetPublishFault(emulator.PublishFault500NotPublished, 0)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			tc.prepare(e)
			_, err := e.c.PublishPost(t.Context(), tc.post)
			var ou *threads.OutcomeUnknownError
			if err == nil || errors.As(err, &ou) {
				t.Fatalf("error = %v, want a definite failure", err)
			}
			if n := len(e.srv.Posts(e.uid)); n != 0 {
				t.Errorf("%d posts", n)
			}
		})
	}
}

// TestResumeOutcomeUnknown: a resume that cannot read the status is an
// unknown outcome too.
func TestResumeOutcomeUnknown(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ct, _, err := e.c.CreateContainer(t.Context(), threads.ContainerParams{MediaType: threads.MediaTypeText, Text: "resume"})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.InjectError(http.MethodGet, "/"+ct.ID, emulator.ErrorSpec{HTTPStatus: 503, Code: 2, IsTransient: true, Message: "down"}, 0)
	_, err = e.c.ResumePublish(t.Context(), ct.ID, threads.Post{Text: "resume"}, e.clk.Now())
	var ou *threads.OutcomeUnknownError
	if !errors.As(err, &ou) || ou.ContainerID != ct.ID {
		t.Fatalf("error = %v, want an *OutcomeUnknownError for %s", err, ct.ID)
	}
	// A container Meta does not know is a definite failure: resuming again
	// cannot help.
	_, err = e.c.ResumePublish(t.Context(), "17000000000000000", threads.Post{Text: "resume"}, e.clk.Now())
	if err == nil || errors.As(err, &ou) || !errors.Is(err, threads.ErrNotFound) {
		t.Errorf("unknown container: error = %v, want a not-found error", err)
	}
}

// TestGatewayTimeoutsAreUnknown: a publish answered only by a gateway (5xx
// without a Graph error) may still be committed behind it; when such
// answers outlast the retries, the outcome is unknown even though the
// status read between them said FINISHED.
func TestGatewayTimeoutsAreUnknown(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.srv.InjectError(http.MethodPost, "threads_publish", emulator.ErrorSpec{HTTPStatus: 504}, 0)
	_, err := e.c.PublishText(t.Context(), threads.Post{Text: "behind a gateway"})
	var ou *threads.OutcomeUnknownError
	if !errors.As(err, &ou) || ou.ContainerID == "" || !errors.Is(err, threads.ErrTransient) {
		t.Fatalf("error = %v, want an *OutcomeUnknownError wrapping the transient 504", err)
	}
}
