package threads_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// virtualClock drives both the client and the emulator from one manual
// clock: a client Sleep advances the emulator's time instead of waiting.
type virtualClock struct{ mc *emulator.ManualClock }

func (v virtualClock) Now() time.Time { return v.mc.Now() }

func (v virtualClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v.mc.Advance(d)
	runtime.Gosched()
	return nil
}

type env struct {
	srv   *emulator.Server
	clk   *emulator.ManualClock
	uid   string
	token string
	c     *threads.Client
}

var fastRetry = threads.RetryPolicy{MaxAttempts: 4, Base: 20 * time.Millisecond, Max: 500 * time.Millisecond, NotReadyAttempts: 5}

// newEnv starts an emulator on a manual clock with user alice holding every
// scope, and a client for her.
func newEnv(t *testing.T, opts ...emulator.Option) *env {
	t.Helper()
	clk := emulator.NewManualClock(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	srv := emulator.NewServer(append([]emulator.Option{emulator.WithClock(clk)}, opts...)...)
	t.Cleanup(srv.Close)
	uid := srv.AddUser(emulator.UserSpec{Username: "alice", Followers: 500})
	tok := srv.IssueToken(uid, emulator.AllScopes, 30*24*time.Hour)
	e := &env{srv: srv, clk: clk, uid: uid, token: tok}
	e.c = e.client(tok)
	return e
}

func (e *env) client(tok string, opts ...threads.Option) *threads.Client {
	return threads.NewClient(append([]threads.Option{
		threads.WithBaseURL(e.srv.BaseURL()), threads.WithToken(tok),
		threads.WithClock(virtualClock{e.clk}), threads.WithRetryPolicy(fastRetry),
	}, opts...)...)
}

func mustPublish(t *testing.T, c *threads.Client, p threads.Post) *threads.PublishResult {
	t.Helper()
	res, err := c.PublishPost(t.Context(), p)
	if err != nil {
		t.Fatalf("publish %+v: %v", p, err)
	}
	return res
}

func TestEmulatorReadEndpoints(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()

	u, resp, err := e.c.Me(ctx)
	if err != nil || u.ID != e.uid || u.Username != "alice" || resp.StatusCode != http.StatusOK {
		t.Fatalf("Me = %+v, %v", u, err)
	}

	post := mustPublish(t, e.c, threads.Post{Text: "first post #golang"})
	if post.ID == "" || post.Permalink == "" || post.PublishedAt.IsZero() || post.ContainerID == "" {
		t.Errorf("result = %+v", post)
	}
	m, _, err := e.c.GetMedia(ctx, post.ID)
	if err != nil || m.Text != "first post #golang" || m.MediaType != threads.MediaTypeTextPost {
		t.Fatalf("GetMedia = %+v, %v", m, err)
	}

	list, _, err := e.c.ListThreads(ctx, threads.ListOptions{Limit: 10})
	if err != nil || len(list.Data) != 1 || list.Data[0].ID != post.ID {
		t.Fatalf("ListThreads = %+v, %v", list, err)
	}

	reply, err := e.c.Reply(ctx, threads.Post{Text: "a reply", ReplyToID: post.ID})
	if err != nil {
		t.Fatalf("Reply: %v", err)
	}
	nested, err := e.c.Reply(ctx, threads.Post{Text: "nested", ReplyToID: reply.ID})
	if err != nil {
		t.Fatalf("nested Reply: %v", err)
	}
	replies, _, err := e.c.Replies(ctx, post.ID, threads.ReplyListOptions{})
	if err != nil || len(replies.Data) != 1 || replies.Data[0].ID != reply.ID {
		t.Fatalf("Replies = %+v, %v", replies, err)
	}
	conv, _, err := e.c.Conversation(ctx, post.ID, threads.ReplyListOptions{})
	if err != nil || len(conv.Data) != 2 {
		t.Fatalf("Conversation = %+v, %v", conv, err)
	}
	mine, _, err := e.c.UserReplies(ctx, threads.ListOptions{})
	if err != nil || len(mine.Data) != 2 || !slices.ContainsFunc(mine.Data, func(m threads.Media) bool { return m.ID == nested.ID }) {
		t.Fatalf("UserReplies = %+v, %v", mine, err)
	}

	if _, err := e.c.ManageReply(ctx, reply.ID, true); err != nil {
		t.Fatalf("ManageReply: %v", err)
	}
	if got := findPost(e.srv.Posts(e.uid), reply.ID).HideStatus; got != "HIDDEN" {
		t.Errorf("hide_status = %q, want HIDDEN", got)
	}

	rp, _, err := e.c.Repost(ctx, post.ID)
	if err != nil || rp == "" {
		t.Fatalf("Repost = %q, %v", rp, err)
	}
	ins, _, err := e.c.MediaInsights(ctx, post.ID)
	if err != nil || len(ins) == 0 {
		t.Fatalf("MediaInsights = %+v, %v", ins, err)
	}
	uins, _, err := e.c.UserInsights(ctx, threads.UserInsightsOptions{Metrics: []string{"views", "likes", "followers_count"}})
	if err != nil || len(uins) != 3 {
		t.Fatalf("UserInsights = %+v, %v", uins, err)
	}
	lim, _, err := e.c.PublishingLimit(ctx)
	if err != nil || lim.Config == nil || lim.Config.QuotaTotal != 250 || lim.QuotaUsage < 1 || lim.ReplyQuotaUsage != 2 {
		t.Fatalf("PublishingLimit = %+v, %v", lim, err)
	}
	del, _, err := e.c.Delete(ctx, post.ID)
	if err != nil || del != post.ID {
		t.Fatalf("Delete = %q, %v", del, err)
	}
	if _, _, err := e.c.GetMedia(ctx, post.ID); !errors.Is(err, threads.ErrNotFound) {
		t.Errorf("GetMedia after delete = %v, want ErrNotFound", err)
	}
}

func findPost(ps []emulator.Post, id string) emulator.Post {
	for _, p := range ps {
		if p.ID == id {
			return p
		}
	}
	return emulator.Post{}
}

func TestEmulatorPendingReplies(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	post := mustPublish(t, e.c, threads.Post{Text: "approve replies", Extra: threads.ContainerParams{EnableReplyApprovals: true}})
	bob := e.srv.AddUser(emulator.UserSpec{Username: "bob"})
	bc := e.client(e.srv.IssueToken(bob, emulator.AllScopes, time.Hour))
	r, err := bc.Reply(ctx, threads.Post{Text: "hi alice", ReplyToID: post.ID})
	if err != nil {
		t.Fatalf("bob reply: %v", err)
	}
	pending, _, err := e.c.PendingReplies(ctx, post.ID, threads.ReplyListOptions{ApprovalStatus: "pending"})
	if err != nil || len(pending.Data) != 1 || pending.Data[0].ID != r.ID {
		t.Fatalf("PendingReplies = %+v, %v", pending, err)
	}
	if _, err := e.c.ManagePendingReply(ctx, r.ID, true); err != nil {
		t.Fatalf("ManagePendingReply: %v", err)
	}
	pending, _, err = e.c.PendingReplies(ctx, post.ID, threads.ReplyListOptions{})
	if err != nil || len(pending.Data) != 0 {
		t.Fatalf("PendingReplies after approval = %+v, %v", pending, err)
	}
	replies, _, err := e.c.Replies(ctx, post.ID, threads.ReplyListOptions{})
	if err != nil || len(replies.Data) != 1 {
		t.Fatalf("Replies after approval = %+v, %v", replies, err)
	}
}

func TestEmulatorPublishMediaKinds(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.WithProcessingDelay(3*time.Second, 40*time.Second))
	tests := []struct {
		name string
		post threads.Post
		want string
	}{
		{"image", threads.Post{Text: "an image", ImageURL: "https://cdn.example.com/a.jpg", AltText: "a cat"}, "IMAGE"},
		{"video", threads.Post{VideoURL: "https://cdn.example.com/a.mp4"}, "VIDEO"},
		{"carousel", threads.Post{Text: "mixed", Items: []threads.CarouselItem{
			{ImageURL: "https://cdn.example.com/1.jpg"}, {VideoURL: "https://cdn.example.com/2.mp4"}, {ImageURL: "https://cdn.example.com/3.png", AltText: "three"},
		}}, "CAROUSEL_ALBUM"},
		{"carousel reply", threads.Post{Items: []threads.CarouselItem{
			{ImageURL: "https://cdn.example.com/4.jpg"}, {ImageURL: "https://cdn.example.com/5.jpg"},
		}}, "CAROUSEL_ALBUM"},
		{"text with auto publish", threads.Post{Text: "auto", Extra: threads.ContainerParams{AutoPublishText: true}}, "TEXT_POST"},
	}
	var root string
	for _, tc := range tests {
		p := tc.post
		if tc.name == "carousel reply" {
			p.ReplyToID = root
		}
		var steps []threads.Progress
		p.Progress = func(pr threads.Progress) { steps = append(steps, pr) }
		res, err := e.c.PublishPost(t.Context(), p)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if root == "" {
			root = res.ID
		}
		got := findPost(e.srv.Posts(e.uid), res.ID)
		if got.MediaType != tc.want {
			t.Errorf("%s: emulator post = %+v, want type %s", tc.name, got, tc.want)
		}
		if tc.name == "carousel reply" && got.ReplyToID != root {
			t.Errorf("carousel reply target = %q", got.ReplyToID)
		}
		if len(steps) == 0 || steps[len(steps)-1].Step != threads.StepPublished || steps[len(steps)-1].Current != steps[len(steps)-1].Total {
			t.Errorf("%s: progress = %+v", tc.name, steps)
		}
		if strings.HasPrefix(tc.name, "carousel") && len(res.ItemIDs) != len(p.Items) {
			t.Errorf("%s: item ids = %v", tc.name, res.ItemIDs)
		}
		if tc.name == "text with auto publish" {
			for _, r := range e.srv.Requests() {
				if strings.HasSuffix(r.Path, "threads_publish") && r.Form.Get("creation_id") == res.ID {
					t.Error("auto_publish_text still called threads_publish")
				}
			}
		}
	}
}

func TestEmulatorCarouselProgressAndConcurrency(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.WithProcessingDelay(2*time.Second, 5*time.Second))
	var items []threads.CarouselItem
	for i := range 8 {
		if i%2 == 0 {
			items = append(items, threads.CarouselItem{ImageURL: fmt.Sprintf("https://cdn.example.com/%d.jpg", i)})
		} else {
			items = append(items, threads.CarouselItem{VideoURL: fmt.Sprintf("https://cdn.example.com/%d.mp4", i)})
		}
	}
	var mu sync.Mutex
	var steps []threads.Progress
	res, err := e.c.PublishCarousel(t.Context(), threads.Post{Text: "eight", Items: items, Progress: func(p threads.Progress) {
		mu.Lock()
		steps = append(steps, p)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	count := map[threads.ProgressStep]int{}
	for i, s := range steps {
		count[s.Step]++
		if s.Current != i+1 && s.Step != threads.StepPublished || s.Total != 2*len(items)+4 {
			t.Errorf("step %d = %+v", i, s)
		}
	}
	want := map[threads.ProgressStep]int{threads.StepCreateItem: 8, threads.StepItemReady: 8, threads.StepCreate: 1,
		threads.StepProcessing: 1, threads.StepPublishing: 1, threads.StepPublished: 1}
	for k, v := range want {
		if count[k] != v {
			t.Errorf("%s reported %d times, want %d (%v)", k, count[k], v, steps)
		}
	}
	if !strings.Contains(steps[0].Message, "of 8 created") {
		t.Errorf("first message = %q", steps[0].Message)
	}
	post := findPost(e.srv.Posts(e.uid), res.ID)
	if len(post.Children) != 8 {
		t.Errorf("children = %v, items = %v", post.Children, res.ItemIDs)
	}
	// The parent must be created only after every item was FINISHED.
	var parentAt time.Time
	for _, r := range e.srv.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/threads") && r.Form.Get("media_type") == "CAROUSEL" {
			parentAt = r.At
		}
	}
	for _, ct := range e.srv.Containers(e.uid) {
		if ct.IsCarouselItem && ct.CreatedAt.Add(5*time.Second).After(parentAt) && ct.MediaType == "VIDEO" {
			t.Errorf("parent created at %v before video item %s (created %v) could finish", parentAt, ct.ID, ct.CreatedAt)
		}
	}
}

func TestEmulatorCarouselItemErrorCancelsRest(t *testing.T) {
	t.Parallel()
	// Real clock with short durations: a virtual clock shared by concurrent
	// pollers cannot tell a cancelled item from a fast one.
	srv := emulator.NewServer(emulator.WithProcessingDelay(50*time.Millisecond, 20*time.Second))
	t.Cleanup(srv.Close)
	uid := srv.AddUser(emulator.UserSpec{Username: "carol"})
	c := threads.NewClient(threads.WithBaseURL(srv.BaseURL()), threads.WithToken(srv.IssueToken(uid, emulator.AllScopes, time.Hour)),
		threads.WithPollPolicy(threads.PollPolicy{Initial: 10 * time.Millisecond, Max: 50 * time.Millisecond}))
	bad := "https://cdn.example.com/broken.mp4"
	srv.SetMediaOutcome(bad, emulator.MediaOutcome{Delay: 100 * time.Millisecond, ErrorMessage: "FAILED_DOWNLOADING_VIDEO"})
	items := []threads.CarouselItem{
		{ImageURL: "https://cdn.example.com/1.jpg"}, {ImageURL: "https://cdn.example.com/2.jpg"},
		{VideoURL: bad}, {VideoURL: "https://cdn.example.com/4.mp4"},
	}
	start := time.Now()
	_, err := c.PublishCarousel(t.Context(), threads.Post{Items: items})
	// Without cancellation the flow would keep polling item 4 for its 20 s of processing.
	if el := time.Since(start); el >= 10*time.Second {
		t.Errorf("flow ran %v: the other items were not cancelled", el)
	}
	var ce *threads.ContainerError
	if !errors.As(err, &ce) {
		t.Fatalf("error = %v, want *ContainerError", err)
	}
	if ce.Index != 2 || ce.URL != bad || ce.Status != threads.StatusError || ce.ErrorMessage != "FAILED_DOWNLOADING_VIDEO" {
		t.Errorf("container error = %+v", ce)
	}
	if msg := err.Error(); !strings.Contains(msg, "carousel item 3 of 4") || !strings.Contains(msg, bad) {
		t.Errorf("message = %q", msg)
	}
	for _, ct := range srv.Containers(uid) {
		if ct.MediaType == "CAROUSEL" {
			t.Error("parent container created despite a failed item")
		}
	}
	if n := len(srv.Posts(uid)); n != 0 {
		t.Errorf("%d posts published", n)
	}
}

func TestEmulatorCarouselValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := [][]threads.CarouselItem{
		{{ImageURL: "https://x/1.jpg"}},
		make([]threads.CarouselItem, 21),
		{{ImageURL: "https://x/1.jpg"}, {}},
		{{ImageURL: "https://x/1.jpg", VideoURL: "https://x/1.mp4"}, {ImageURL: "https://x/2.jpg"}},
	}
	for i, items := range tests {
		if _, err := e.c.PublishCarousel(t.Context(), threads.Post{Items: items}); err == nil {
			t.Errorf("case %d accepted", i)
		}
	}
	if len(e.srv.Requests()) != 0 {
		t.Error("invalid carousels reached the API")
	}
	// An item refused at creation is named by index.
	_, err := e.c.PublishCarousel(t.Context(), threads.Post{Items: []threads.CarouselItem{
		{ImageURL: "https://x/1.jpg"}, {ImageURL: "not a url"},
	}})
	var ae *threads.APIError
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), "carousel item 2 of 2") {
		t.Errorf("error = %v", err)
	}
}

func TestEmulatorMediaErrorAndSlowProcessing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.srv.SetMediaOutcome("https://cdn.example.com/bad.mp4", emulator.MediaOutcome{Delay: 5 * time.Second, ErrorMessage: "INVALID_DURATION"})
	_, err := e.c.PublishVideo(t.Context(), threads.Post{VideoURL: "https://cdn.example.com/bad.mp4"})
	var ce *threads.ContainerError
	if !errors.As(err, &ce) || ce.Index != -1 || ce.ErrorMessage != "INVALID_DURATION" || ce.URL != "https://cdn.example.com/bad.mp4" {
		t.Fatalf("error = %v (%+v)", err, ce)
	}

	// Slow processing: finishes after 90 s of virtual time, within the 5 min video deadline.
	e.srv.SetMediaOutcome("https://cdn.example.com/slow.mp4", emulator.MediaOutcome{Delay: 90 * time.Second})
	start := e.clk.Now()
	res, err := e.c.PublishVideo(t.Context(), threads.Post{VideoURL: "https://cdn.example.com/slow.mp4"})
	if err != nil {
		t.Fatalf("slow video: %v", err)
	}
	// Video checks back off to ages ×1.25: at most 25 % past the 90 s.
	if el := e.clk.Now().Sub(start); el < 90*time.Second || el > 90*time.Second*5/4 {
		t.Errorf("virtual wait = %v, want 90s to 112.5s (video checks at ages ×1.25)", el)
	}
	if res.Timings.Process < 90*time.Second {
		t.Errorf("timings = %+v", res.Timings)
	}

	// Too slow: an image taking 10 min fails at the 2 min image deadline.
	e.srv.SetMediaOutcome("https://cdn.example.com/glacial.jpg", emulator.MediaOutcome{Delay: 10 * time.Minute})
	start = e.clk.Now()
	_, err = e.c.PublishImage(t.Context(), threads.Post{ImageURL: "https://cdn.example.com/glacial.jpg"})
	if !errors.Is(err, threads.ErrWaitTimeout) || !errors.As(err, &ce) || ce.Status != threads.StatusInProgress {
		t.Fatalf("error = %v, want ErrWaitTimeout", err)
	}
	if el := e.clk.Now().Sub(start); el < 2*time.Minute || el > 2*time.Minute+5*time.Second {
		t.Errorf("gave up after %v, want 2m", el)
	}
}

func TestWaitForContainerBacksOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.srv.SetMediaOutcome("https://cdn.example.com/w.jpg", emulator.MediaOutcome{Delay: 20 * time.Second})
	ct, _, err := e.c.CreateContainer(t.Context(), threads.ContainerParams{MediaType: threads.MediaTypeImage, ImageURL: "https://cdn.example.com/w.jpg"})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.ResetRequests()
	got, err := e.c.WaitForContainer(t.Context(), ct.ID, 0)
	if err != nil || got.Status != threads.StatusFinished {
		t.Fatalf("WaitForContainer = %+v, %v", got, err)
	}
	var at []time.Time
	for _, r := range e.srv.Requests() {
		at = append(at, r.At)
	}
	// Image checks: every 250 ms for the first 2 s, then at ages ×1.125,
	// at most 2 s apart: about 29 polls for 20 s, never more than 12.5 %
	// (or 250 ms) late.
	if len(at) < 20 || len(at) > 32 {
		t.Fatalf("%d polls for 20s", len(at))
	}
	first, last := at[1].Sub(at[0]), at[len(at)-1].Sub(at[len(at)-2])
	if first != 250*time.Millisecond || last != 2*time.Second {
		t.Errorf("intervals: first %v, last %v", first, last)
	}
	if over := at[len(at)-1].Sub(at[0]) - 20*time.Second; over > 20*time.Second/8 {
		t.Errorf("finished seen %v after it finished", over)
	}
}

func TestEmulatorPublishLagThenSuccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.srv.SetPublishLag(3 * time.Second)
	c := e.client(e.token, threads.WithRetryPolicy(threads.DefaultRetryPolicy()))
	res, err := c.PublishText(t.Context(), threads.Post{Text: "lagging"})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	if n := len(e.srv.Posts(e.uid)); n != 1 || res.ID == "" {
		t.Errorf("%d posts, id %q", n, res.ID)
	}
	publishes := 0
	for _, r := range e.srv.Requests() {
		if strings.HasSuffix(r.Path, "/threads_publish") {
			publishes++
		}
	}
	if publishes < 2 {
		t.Errorf("%d publish calls; the 4279009 lag was not exercised", publishes)
	}
}

func TestEmulatorPublishLagRecreatesContainer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client(e.token, threads.WithRetryPolicy(threads.RetryPolicy{MaxAttempts: 2, Base: 10 * time.Millisecond, Max: 20 * time.Millisecond, NotReadyAttempts: 2}))
	// 24/4279009 outlasts the 2 retries of the first container; the recreated one publishes.
	e.srv.InjectError(http.MethodPost, "threads_publish", emulator.ErrorSpec{HTTPStatus: 400, Code: 24, Subcode: 4279009,
		Type: "OAuthException", Message: "The requested resource does not exist"}, 3)
	res, err := c.PublishText(t.Context(), threads.Post{Text: "recreate me"})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	creates := 0
	for _, r := range e.srv.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/threads") {
			creates++
		}
	}
	if creates != 2 || len(e.srv.Posts(e.uid)) != 1 || res.ID == "" {
		t.Errorf("creates = %d, posts = %d, id = %q", creates, len(e.srv.Posts(e.uid)), res.ID)
	}
}

func TestEmulatorPublishFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		fault     emulator.PublishFault
		reply     bool
		recovered bool
	}{
		{"500 but published", emulator.PublishFault500ButPublished, false, true},
		{"500 but published, reply", emulator.PublishFault500ButPublished, true, true},
		{"dropped after commit", emulator.PublishFaultDropAfterCommit, false, true},
		{"500 not published", emulator.PublishFault500NotPublished, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, emulator.WithProcessingDelay(time.Second, 2*time.Second))
			p := threads.Post{Text: "exactly once: " + tc.name, ImageURL: "https://cdn.example.com/once.jpg"}
			if tc.reply {
				root := mustPublish(t, e.c, threads.Post{Text: "root"})
				p.ReplyToID = root.ID
			}
			before := len(e.srv.Posts(e.uid))
			e.srv.SetPublishFault(tc.fault, 1)
			res, err := e.c.PublishPost(t.Context(), p)
			if err != nil {
				t.Fatalf("publish: %v", err)
			}
			posts := e.srv.Posts(e.uid)
			if len(posts) != before+1 {
				t.Fatalf("%d new posts, want exactly 1", len(posts)-before)
			}
			if last := posts[len(posts)-1]; res.ID != last.ID {
				t.Errorf("result id %q, emulator post %q", res.ID, last.ID)
			}
			if res.Recovered != tc.recovered {
				t.Errorf("Recovered = %v, want %v (note %q)", res.Recovered, tc.recovered, res.Note)
			}
			if tc.recovered && (res.Note == "" || res.Permalink == "") {
				t.Errorf("recovered result = %+v", res)
			}
		})
	}
}

func TestEmulatorPublishFaultRecoveryWithoutMatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// The user's lists fail, so the id cannot be recovered: success is still reported.
	e.srv.SetPublishFault(emulator.PublishFault500ButPublished, 1)
	e.srv.InjectError(http.MethodGet, "/threads", emulator.ErrorSpec{HTTPStatus: 400, Code: 100, Message: "Invalid parameter"}, 0)
	res, err := e.c.PublishText(t.Context(), threads.Post{Text: "ghost id"})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	if !res.Recovered || res.ID != "" || res.ContainerID == "" || !strings.Contains(res.Note, "could not be recovered") {
		t.Errorf("result = %+v", res)
	}
	if n := len(e.srv.Posts(e.uid)); n != 1 {
		t.Errorf("%d posts", n)
	}
}

func TestEmulatorPublishInjectedErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		spec    emulator.ErrorSpec
		times   int
		wantErr error
		posts   int
	}{
		{"transient publish retried after FINISHED check", emulator.ErrorSpec{HTTPStatus: 500, Code: 2, IsTransient: true, Message: "retry"}, 1, nil, 1},
		{"rate limited publish retried", emulator.ErrorSpec{HTTPStatus: 400, Code: 4, Message: "Application request limit reached"}, 1, nil, 1},
		{"permission on publish not retried", emulator.ErrorSpec{HTTPStatus: 500, Code: 10, Message: "Application does not have permission for this action"}, 0, threads.ErrPermission, 0},
		{"invalid param not retried", emulator.ErrorSpec{HTTPStatus: 400, Code: 100, Message: "Param creation_id is invalid"}, 0, threads.ErrInvalidParameter, 0},
		{"persistent transient gives up", emulator.ErrorSpec{HTTPStatus: 503, Code: 1, Message: "unknown"}, 0, threads.ErrTransient, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.srv.InjectError(http.MethodPost, "threads_publish", tc.spec, tc.times)
			_, err := e.c.PublishText(t.Context(), threads.Post{Text: tc.name})
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			}
			if n := len(e.srv.Posts(e.uid)); n != tc.posts {
				t.Errorf("%d posts, want %d", n, tc.posts)
			}
		})
	}
}

func TestEmulatorRateLimitedReadsRetried(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.srv.InjectError(http.MethodGet, "/threads", emulator.ErrorSpec{HTTPStatus: 400, Code: 4, Message: "Application request limit reached", IsTransient: true}, 2)
	e.srv.InjectError(http.MethodPost, "/threads", emulator.ErrorSpec{HTTPStatus: 400, Code: 17, Message: "User request limit reached"}, 1)
	if _, _, err := e.c.ListThreads(t.Context(), threads.ListOptions{}); err != nil {
		t.Fatalf("ListThreads after 2 rate limits: %v", err)
	}
	if _, err := e.c.PublishText(t.Context(), threads.Post{Text: "after throttle"}); err != nil {
		t.Fatalf("publish after a throttled create: %v", err)
	}
	// Persistent throttling surfaces as KindRateLimited with a retry hint.
	e.srv.InjectError(http.MethodGet, "/me", emulator.ErrorSpec{HTTPStatus: 400, Code: 613, Message: "Calls to this api have exceeded the rate limit."}, 0)
	_, _, err := e.c.Me(t.Context())
	var ae *threads.APIError
	if !errors.As(err, &ae) || ae.Kind() != threads.KindRateLimited || !ae.Retryable() || ae.RetryAfter() <= 0 {
		t.Fatalf("error = %v", err)
	}
	n := 0
	for _, r := range e.srv.Requests() {
		if r.Method == http.MethodGet && r.Path == "/v1.0/me" {
			n++
		}
	}
	if n != fastRetry.MaxAttempts {
		t.Errorf("%d attempts, want %d", n, fastRetry.MaxAttempts)
	}
}

func TestEmulatorTokenExpiryAndScopes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.srv.ExpireToken(e.token)
	_, _, err := e.c.Me(t.Context())
	var ae *threads.APIError
	if !errors.As(err, &ae) || ae.Kind() != threads.KindTokenInvalid || !errors.Is(err, threads.ErrTokenInvalid) {
		t.Fatalf("expired token error = %v", err)
	}

	limited := e.client(e.srv.IssueToken(e.uid, []string{emulator.ScopeBasic, emulator.ScopeContentPublish}, time.Hour))
	res, err := limited.PublishText(t.Context(), threads.Post{Text: "to delete"})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = limited.Delete(t.Context(), res.ID)
	if !errors.As(err, &ae) || ae.Kind() != threads.KindPermission || ae.MissingScope() != "threads_delete" {
		t.Fatalf("delete without scope = %v (scope %q)", err, ae.MissingScope())
	}
	_, _, err = limited.MediaInsights(t.Context(), res.ID)
	if !errors.As(err, &ae) || ae.MissingScope() != "threads_manage_insights" {
		t.Fatalf("insights without scope = %v", err)
	}
}

func TestEmulatorValidationErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := e.c.PublishText(t.Context(), threads.Post{Text: strings.Repeat("é", 10) + strings.Repeat("x", 495)})
	var ae *threads.APIError
	if !errors.As(err, &ae) || ae.Kind() != threads.KindInvalidParameter || ae.Param() != "text" {
		t.Fatalf("long text error = %v", err)
	}
	links := "https://a.example https://b.example https://c.example https://d.example https://e.example https://f.example"
	_, err = e.c.PublishText(t.Context(), threads.Post{Text: links})
	if !errors.As(err, &ae) || ae.Kind() != threads.KindLinkLimit {
		t.Fatalf("link limit error = %v", err)
	}
	for _, p := range []threads.Post{{}, {Text: "  "}, {ImageURL: "https://x/1.jpg", VideoURL: "https://x/1.mp4"}} {
		if _, err := e.c.PublishPost(t.Context(), p); err == nil {
			t.Errorf("PublishPost(%+v) accepted", p)
		}
	}
	if _, err := e.c.Reply(t.Context(), threads.Post{Text: "no target"}); err == nil {
		t.Error("Reply without ReplyToID accepted")
	}
	if _, err := e.c.PublishImage(t.Context(), threads.Post{}); err == nil {
		t.Error("PublishImage without URL accepted")
	}
	if _, err := e.c.PublishVideo(t.Context(), threads.Post{}); err == nil {
		t.Error("PublishVideo without URL accepted")
	}
}

func TestEmulatorLatencyAndCancellation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, emulator.WithLatency(50*time.Millisecond))
	start := time.Now()
	if _, _, err := e.c.Me(t.Context()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("Me took %v under 50ms latency", d)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	_, _, err := e.c.Me(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error = %v, want deadline exceeded", err)
	}
}

func TestEmulatorNoTokenLeaks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var texts []string
	res := mustPublish(t, e.c, threads.Post{Text: "paging"})
	mustPublish(t, e.c, threads.Post{Text: "paging 2"})
	list, _, err := e.c.ListThreads(t.Context(), threads.ListOptions{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	texts = append(texts, list.Paging.Next, list.Paging.Previous, res.Permalink, res.Note)
	e.srv.InjectError("", "", emulator.ErrorSpec{HTTPStatus: 400, Code: 190, Message: "Invalid OAuth access token " + e.token}, 1)
	_, _, err = e.c.Me(t.Context())
	if err == nil {
		t.Fatal("expected error")
	}
	texts = append(texts, err.Error())
	for _, s := range texts {
		if strings.Contains(s, e.token) {
			t.Errorf("token leaked: %q", s)
		}
	}
	for _, r := range e.srv.Requests() {
		if r.Query.Has("access_token") || r.Form.Has("access_token") {
			t.Errorf("token sent in a URL or form: %s %s", r.Method, r.Path)
		}
		if r.Header.Get("Authorization") != "Bearer "+e.token {
			t.Errorf("missing bearer header on %s %s", r.Method, r.Path)
		}
	}
}

func TestEmulatorAutoPublishTextFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		fault   emulator.PublishFault
		wantErr bool
		posts   int
	}{
		{"500 but published is recovered", emulator.PublishFault500ButPublished, false, 1},
		{"500 not published is not retried blindly", emulator.PublishFault500NotPublished, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.srv.SetPublishFault(tc.fault, 1)
			res, err := e.c.PublishText(t.Context(), threads.Post{Text: "auto " + tc.name, Extra: threads.ContainerParams{AutoPublishText: true}})
			if (err != nil) != tc.wantErr {
				t.Fatalf("error = %v, want error %v", err, tc.wantErr)
			}
			posts := e.srv.Posts(e.uid)
			if len(posts) != tc.posts {
				t.Fatalf("%d posts, want %d", len(posts), tc.posts)
			}
			if !tc.wantErr && (!res.Recovered || res.ID != posts[0].ID) {
				t.Errorf("result = %+v", res)
			}
			creates := 0
			for _, r := range e.srv.Requests() {
				if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/threads") {
					creates++
				}
			}
			if creates != 1 {
				t.Errorf("%d create calls, want 1", creates)
			}
		})
	}
}
