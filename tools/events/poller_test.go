package events_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/tools/events"
)

// fakeSource answers the poller's three reads: one post with one reply,
// mentions per mentionsErr, and usage as the X-App-Usage header.
type fakeSource struct {
	usage       string
	listErr     error
	mentionsErr error
	reply       threads.Media
}

func (f *fakeSource) resp() *threads.Response {
	return &threads.Response{Response: &http.Response{StatusCode: 200}, AppUsage: f.usage}
}

func (f *fakeSource) ListThreads(context.Context, threads.ListOptions) (*threads.MediaList, *threads.Response, error) {
	if f.listErr != nil {
		return nil, nil, f.listErr
	}
	return &threads.MediaList{Data: []threads.Media{{ID: "800", HasReplies: true, Timestamp: threads.Time{Time: time.Now()}}, {ID: "700"}}}, f.resp(), nil
}

func (f *fakeSource) Replies(_ context.Context, id string, _ threads.ReplyListOptions) (*threads.MediaList, *threads.Response, error) {
	if id != "800" {
		return nil, nil, fmt.Errorf("replies of %s read, which has none", id)
	}
	return &threads.MediaList{Data: []threads.Media{f.reply}}, f.resp(), nil
}

func (f *fakeSource) Mentions(context.Context, threads.ListOptions) (*threads.MediaList, *threads.Response, error) {
	if f.mentionsErr != nil {
		return nil, nil, f.mentionsErr
	}
	return &threads.MediaList{}, f.resp(), nil
}

// TestPollerInterval: the interval doubles while Threads reports the app
// busy or rate-limited, up to 16 times, and returns to normal after a calm
// poll; a missing mentions permission skips mentions, not the poll.
func TestPollerInterval(t *testing.T) {
	s := openStore(t)
	src := &fakeSource{reply: threads.Media{ID: "901", Text: "hi", Username: "ada", Timestamp: threads.Time{Time: time.Now().Add(time.Minute)},
		RepliedTo: &threads.Media{ID: "800"}}}
	p := events.NewPoller(s, events.PollerOptions{Interval: time.Minute,
		Resolve: func(context.Context, string) (events.Source, error) { return src, nil }})
	rateLimited := &threads.APIError{HTTPStatus: 400, Code: 4, Message: "Application request limit reached"}
	noScope := &threads.APIError{HTTPStatus: 500, Code: 10, Message: "Application does not have permission for this action"}
	steps := []struct {
		name     string
		usage    string
		listErr  error
		mentions error
		wantErr  bool
		want     time.Duration
	}{
		{"calm, mentions not permitted", `{"call_count":10,"total_time":5}`, nil, noScope, false, time.Minute},
		{"busy", `{"call_count":80}`, nil, nil, false, 2 * time.Minute},
		{"busier", `{"total_cputime":95}`, nil, nil, false, 4 * time.Minute},
		{"rate limited", "", rateLimited, nil, true, 8 * time.Minute},
		{"rate limited again", "", rateLimited, nil, true, 16 * time.Minute},
		{"capped", "", rateLimited, nil, true, 16 * time.Minute},
		{"calm again", "", nil, nil, false, time.Minute},
	}
	for i, st := range steps {
		src.usage, src.listErr, src.mentionsErr = st.usage, st.listErr, st.mentions
		fresh, err := p.PollOnce(t.Context(), "me")
		if (err != nil) != st.wantErr {
			t.Fatalf("%s: err %v", st.name, err)
		}
		if got := p.Interval("me"); got != st.want {
			t.Fatalf("%s: interval %v, want %v", st.name, got, st.want)
		}
		if i == 0 && (len(fresh) != 1 || fresh[0].ValueID != "901" || fresh[0].PostID != "800" || fresh[0].Account != "me") {
			t.Fatalf("first poll: %+v, want the reply", fresh)
		}
		if i > 0 && len(fresh) != 0 {
			t.Fatalf("%s: the reply came back as new: %+v", st.name, fresh)
		}
	}
}
