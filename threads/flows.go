package threads

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// defaultConcurrency bounds carousel item requests in flight.
const defaultConcurrency = MaxCarouselItems

// Carousel bounds: 2 to 20 items, images and videos mixed freely (20 since
// Meta raised the limit from 10 on 2024-09-19). Meta doc:
// https://developers.facebook.com/docs/threads/posts#carousel-posts
const (
	MinCarouselItems = 2
	MaxCarouselItems = 20
)

// flow tracks one publishing flow: progress and timings.
type flow struct {
	c        *Client
	progress ProgressFunc
	start    time.Time

	mu          sync.Mutex
	current     int
	total       int
	lastCreated time.Duration // carousel: when the last item container was created
}

func (c *Client) newFlow(p Post, total int) *flow {
	return &flow{c: c, progress: p.Progress, start: c.clock.Now(), total: total}
}

// report counts one step and passes it to the progress callback. Calls are
// serialized, so the callback never runs concurrently with itself.
func (f *flow) report(step ProgressStep, msg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.current++
	if step == StepPublished {
		f.current = max(f.total, f.current)
	} else if f.current >= f.total {
		f.total = f.current + 1 // leave room for the published step: progress only grows
	}
	if f.progress != nil {
		f.progress(Progress{Step: step, Current: f.current, Total: f.total, Message: msg})
	}
}

func (f *flow) elapsed() time.Duration { return f.c.clock.Now().Sub(f.start) }

func (f *flow) markCreated() {
	e := f.elapsed()
	f.mu.Lock()
	f.lastCreated = max(f.lastCreated, e)
	f.mu.Unlock()
}

// containerCreated reports a new publishable container to p.OnContainer.
func (p Post) containerCreated(id string, items []string) {
	if p.OnContainer != nil {
		p.OnContainer(id, items)
	}
}

// mediaTypeOf is the create-time media type of p's (parent) container.
func mediaTypeOf(p Post) MediaType {
	switch {
	case len(p.Items) > 0:
		return MediaTypeCarousel
	case p.ImageURL != "":
		return MediaTypeImage
	case p.VideoURL != "":
		return MediaTypeVideo
	}
	return MediaTypeText
}

// ResumePublish finishes a publish that was interrupted after its container
// was created (the process died, or the outcome was lost), without ever
// publishing twice: it reads the container's status. PUBLISHED: the post
// exists, and its id is recovered from the user's posts (or replies) since
// started, matching p's content. FINISHED or IN_PROGRESS: nothing was
// published, so it waits and publishes, with the same never-blindly-retried
// publish as the flows. ERROR or EXPIRED: a *ContainerError, and the caller
// must start over. If the status cannot be read for now (no answer, a
// transient or rate-limit error), an *OutcomeUnknownError: try again later.
//
// Meta doc: https://developers.facebook.com/docs/threads/troubleshooting#publishing-does-not-return-a-media-id
func (c *Client) ResumePublish(ctx context.Context, containerID string, p Post, started time.Time) (*PublishResult, error) {
	mt := mediaTypeOf(p)
	params := baseParams(p, mt)
	f := c.newFlow(p, 3)
	st, _, err := c.ContainerStatus(ctx, containerID)
	if err != nil {
		err = fmt.Errorf("threads: resuming container %s: reading its status: %w", containerID, err)
		var ae *APIError
		if answered(err) && errors.As(err, &ae) && !ae.Retryable() {
			return nil, err // refused for good (e.g. no such container): resuming again cannot help
		}
		return nil, &OutcomeUnknownError{ContainerID: containerID, Err: err}
	}
	res := &PublishResult{ContainerID: containerID}
	switch st.Status {
	case StatusPublished:
		id, note := c.recoverID(ctx, started, params)
		res.ID, res.Recovered, res.Note = id, true, note
		f.report(StepPublished, "already published")
		if id != "" && !p.SkipReadBack {
			c.readBack(ctx, res, p)
		} else {
			res.PublishedAt = c.clock.Now()
		}
		res.Timings.Total = f.elapsed()
		return res, nil
	case StatusError, StatusExpired:
		return nil, &ContainerError{ContainerID: containerID, Index: -1, Status: st.Status, ErrorMessage: st.ErrorMessage}
	}
	w := c.waitFor(hasVideo(p))
	if st.Status == StatusInProgress {
		f.report(StepProcessing, "waiting for processing")
		w.pollFirst = false
		if _, err := c.waitContainer(ctx, containerID, w, itemRef{index: -1}); err != nil {
			return nil, err
		}
	}
	w.pollFirst = true
	return c.finish(ctx, f, p, res, target{id: containerID, checked: true, wait: w}, params, nil)
}

// hasVideo reports whether p is a video or a carousel holding one.
func hasVideo(p Post) bool {
	if len(p.Items) == 0 {
		return p.VideoURL != ""
	}
	for _, it := range p.Items {
		if it.VideoURL != "" {
			return true
		}
	}
	return false
}

// readMediaType maps a create-time media type to the type Threads reports.
func readMediaType(t MediaType) MediaType {
	switch t {
	case MediaTypeText:
		return MediaTypeTextPost
	case MediaTypeCarousel:
		return MediaTypeCarouselAlbum
	}
	return t
}

// baseParams is p.Extra overlaid with the common fields of p.
func baseParams(p Post, mt MediaType) ContainerParams {
	params := p.Extra
	params.MediaType = mt
	params.ImageURL, params.VideoURL = "", ""
	params.IsCarouselItem = false
	params.Children = nil
	params.Text = p.Text
	params.ReplyToID = p.ReplyToID
	if p.ReplyControl != "" {
		params.ReplyControl = p.ReplyControl
	}
	if p.QuotePostID != "" {
		params.QuotePostID = p.QuotePostID
	}
	if p.LinkAttachment != "" {
		params.LinkAttachment = p.LinkAttachment
	}
	if p.TopicTag != "" {
		params.TopicTag = p.TopicTag
	}
	if mt != MediaTypeText {
		params.AutoPublishText = false
	}
	return params
}

// PublishPost publishes p, choosing the flow from its content: Items →
// carousel, ImageURL → image, VideoURL → video, otherwise text. With
// ReplyToID set it publishes a reply.
//
// Meta doc: https://developers.facebook.com/docs/threads/posts
func (c *Client) PublishPost(ctx context.Context, p Post) (*PublishResult, error) {
	switch {
	case len(p.Items) > 0:
		return c.PublishCarousel(ctx, p)
	case p.ImageURL != "" && p.VideoURL != "":
		return nil, errors.New("threads: a post has either ImageURL or VideoURL, not both")
	case p.ImageURL != "":
		return c.PublishImage(ctx, p)
	case p.VideoURL != "":
		return c.PublishVideo(ctx, p)
	default:
		return c.PublishText(ctx, p)
	}
}

// Reply publishes p as a reply to p.ReplyToID; any media kind is allowed.
//
// Meta doc: https://developers.facebook.com/documentation/threads/retrieve-and-manage-replies/create-replies
func (c *Client) Reply(ctx context.Context, p Post) (*PublishResult, error) {
	if p.ReplyToID == "" {
		return nil, errors.New("threads: Reply: ReplyToID is required")
	}
	return c.PublishPost(ctx, p)
}

// PublishText publishes a text post: create the container, publish it, read
// back the permalink (3 requests). The container is not polled first: text
// containers are FINISHED when created, and a 24/4279009 answer makes the
// flow poll then. With Extra.AutoPublishText the post is published by the
// create call itself (2 requests).
//
// Meta doc: https://developers.facebook.com/docs/threads/posts#text-posts
func (c *Client) PublishText(ctx context.Context, p Post) (*PublishResult, error) {
	if strings.TrimSpace(p.Text) == "" {
		return nil, errors.New("threads: PublishText: Text is required")
	}
	return c.publishSingle(ctx, p, baseParams(p, MediaTypeText), "")
}

// PublishImage publishes a single-image post (p.ImageURL, optional Text and
// AltText, Extra.IsSpoilerMedia to blur it): create, poll until FINISHED,
// publish, read back (3 + k requests for k status checks). p.Progress hears
// of every step, including each check that finds the image still
// processing. As a reply, the read back also confirms Threads linked it
// (PublishResult.ReplyNotLinked).
//
// Meta doc: https://developers.facebook.com/docs/threads/posts#single-thread-posts
func (c *Client) PublishImage(ctx context.Context, p Post) (*PublishResult, error) {
	if p.ImageURL == "" {
		return nil, errors.New("threads: PublishImage: ImageURL is required")
	}
	params := baseParams(p, MediaTypeImage)
	params.ImageURL = p.ImageURL
	params.AltText = firstNonEmpty(p.AltText, p.Extra.AltText)
	return c.publishSingle(ctx, p, params, p.ImageURL)
}

// PublishVideo publishes a single-video post (p.VideoURL) like PublishImage,
// with the same AltText, spoiler, progress and reply check; processing may
// take minutes and is awaited up to PollPolicy.VideoDeadline with the video
// schedule (about 30 checks for 5 minutes), each reported to p.Progress.
//
// Meta doc: https://developers.facebook.com/docs/threads/posts#single-thread-posts
func (c *Client) PublishVideo(ctx context.Context, p Post) (*PublishResult, error) {
	if p.VideoURL == "" {
		return nil, errors.New("threads: PublishVideo: VideoURL is required")
	}
	params := baseParams(p, MediaTypeVideo)
	params.VideoURL = p.VideoURL
	params.AltText = firstNonEmpty(p.AltText, p.Extra.AltText)
	return c.publishSingle(ctx, p, params, p.VideoURL)
}

// PublishCarousel publishes a carousel of 2–20 images and videos. Item
// containers are created concurrently and polled as a group (one item per
// check, in turn; once one is FINISHED all others are checked at once); the
// parent is created once every item is FINISHED and published without a
// status check of its own. n items cost 2n + 2 + k requests for k group
// checks. The first failing item cancels the rest and is reported by index
// and URL.
//
// Meta doc: https://developers.facebook.com/docs/threads/posts#carousel-posts
func (c *Client) PublishCarousel(ctx context.Context, p Post) (*PublishResult, error) {
	n := len(p.Items)
	if n < MinCarouselItems || n > MaxCarouselItems {
		return nil, fmt.Errorf("threads: a carousel has %d–%d items, got %d", MinCarouselItems, MaxCarouselItems, n)
	}
	for i, it := range p.Items {
		if (it.ImageURL == "") == (it.VideoURL == "") {
			return nil, fmt.Errorf("threads: carousel item %d of %d needs exactly one of ImageURL and VideoURL", i+1, n)
		}
	}
	w := c.waitFor(hasVideo(p))
	f := c.newFlow(p, 2*n+4)
	ids, err := c.createItems(ctx, f, p)
	if err != nil {
		return nil, err
	}
	if err := c.waitItems(ctx, f, p, ids, w.deadline); err != nil {
		return nil, err
	}
	params := baseParams(p, MediaTypeCarousel)
	params.Children = ids
	params.AltText = ""
	ct, _, err := c.CreateContainer(ctx, params)
	if err != nil {
		return nil, fmt.Errorf("threads: creating carousel container: %w", err)
	}
	f.markCreated()
	p.containerCreated(ct.ID, ids)
	res := &PublishResult{ContainerID: ct.ID, ItemIDs: ids, CrossShareToIGStatus: ct.CrossShareToIGStatus}
	f.mu.Lock()
	res.Timings.Create = f.lastCreated
	f.mu.Unlock()
	f.report(StepCreate, "carousel container created")
	f.report(StepProcessing, "waiting for the carousel container")
	recreate := func(ctx context.Context) (target, error) {
		nc, _, err := c.CreateContainer(ctx, params)
		if err != nil {
			return target{}, err
		}
		p.containerCreated(nc.ID, ids)
		return target{id: nc.ID, wait: w}, nil
	}
	publishStart := f.elapsed()
	out, err := c.finish(ctx, f, p, res, target{id: ct.ID, wait: w}, params, recreate)
	if err != nil {
		return nil, err
	}
	out.Timings.Process = max(publishStart-out.Timings.Create, 0)
	return out, nil
}

// WaitForContainer polls a container until it is FINISHED (or PUBLISHED),
// checking at once and then on the image schedule of PollPolicy. ERROR and
// EXPIRED give a *ContainerError, as does the deadline passing (wrapping
// ErrWaitTimeout). A zero deadline means PollPolicy.Deadline.
//
// Meta doc: https://developers.facebook.com/docs/threads/troubleshooting#publishing-does-not-return-a-media-id
func (c *Client) WaitForContainer(ctx context.Context, containerID string, deadline time.Duration) (*Container, error) {
	w := c.waitFor(false)
	w.pollFirst = true
	if deadline > 0 {
		w.deadline = deadline
	}
	return c.waitContainer(ctx, containerID, w, itemRef{index: -1})
}

// itemRef names the container being awaited in errors.
type itemRef struct {
	index, total int
	url          string
}

// schedule is a polling schedule: checks at ages growing ×growth, at least
// floor and at most ceil apart.
type schedule struct {
	floor, ceil time.Duration
	growth      float64
}

// interval is the wait before the next check when waiting began age ago:
// age×(growth−1), so that the check comes at age×growth, within [floor, ceil].
func (s schedule) interval(age time.Duration) time.Duration {
	d := time.Duration(float64(age) * (s.growth - 1))
	return min(max(d, s.floor), s.ceil)
}

func (c *Client) schedule(video bool) schedule {
	if video {
		return schedule{floor: c.poll.Initial, ceil: c.poll.VideoMax, growth: c.poll.VideoMultiplier}
	}
	return schedule{floor: c.poll.Initial, ceil: c.poll.Max, growth: c.poll.Multiplier}
}

// waitSpec says how to wait for one container.
type waitSpec struct {
	deadline  time.Duration
	video     bool // use the video schedule
	pollFirst bool // check at once instead of after PollPolicy.Initial
	// onPending, when set, hears of every check that found the container
	// still processing, with the time waited so far.
	onPending func(ct *Container, waited time.Duration)
}

// waitFor is the wait of a post that is (or holds) a video or not.
func (c *Client) waitFor(video bool) waitSpec {
	if video {
		return waitSpec{deadline: c.poll.VideoDeadline, video: true}
	}
	return waitSpec{deadline: c.poll.Deadline}
}

func (c *Client) waitContainer(ctx context.Context, id string, w waitSpec, ref itemRef) (*Container, error) {
	start := c.clock.Now()
	end := start.Add(w.deadline)
	s := c.schedule(w.video)
	if !w.pollFirst {
		if err := c.clock.Sleep(ctx, min(s.floor, w.deadline)); err != nil {
			return nil, fmt.Errorf("threads: waiting for container %s: %w", id, err)
		}
	}
	for {
		ct, err := c.checkContainer(ctx, id, ref)
		if err != nil || ready(ct) {
			return ct, err
		}
		now := c.clock.Now()
		if w.onPending != nil {
			w.onPending(ct, now.Sub(start))
		}
		remaining := end.Sub(now)
		if remaining <= 0 {
			return ct, &ContainerError{ContainerID: id, Index: ref.index, Total: ref.total, URL: ref.url,
				Status: ct.Status, Err: ErrWaitTimeout,
				ErrorMessage: fmt.Sprintf("not finished after %s", w.deadline)}
		}
		if err := c.clock.Sleep(ctx, min(s.interval(now.Sub(start)), remaining)); err != nil {
			return nil, fmt.Errorf("threads: waiting for container %s: %w", id, err)
		}
	}
}

// checkContainer reads a container's status once; ERROR and EXPIRED become
// a *ContainerError naming ref.
func (c *Client) checkContainer(ctx context.Context, id string, ref itemRef) (*Container, error) {
	ct, _, err := c.ContainerStatus(ctx, id)
	if err != nil {
		if ref.index >= 0 {
			return nil, fmt.Errorf("threads: carousel item %d of %d (%s): checking container %s: %w",
				ref.index+1, ref.total, ref.url, id, err)
		}
		return nil, fmt.Errorf("threads: checking container %s: %w", id, err)
	}
	switch ct.Status {
	case StatusError, StatusExpired:
		return ct, &ContainerError{ContainerID: id, Index: ref.index, Total: ref.total, URL: ref.url,
			Status: ct.Status, ErrorMessage: ct.ErrorMessage}
	}
	return ct, nil
}

// ready reports whether a container may be published (or already was).
func ready(ct *Container) bool {
	return ct != nil && (ct.Status == StatusFinished || ct.Status == StatusPublished)
}

// publishSingle runs the flow of a text, image or video post.
func (c *Client) publishSingle(ctx context.Context, p Post, params ContainerParams, mediaURL string) (*PublishResult, error) {
	f := c.newFlow(p, 4)
	since := c.clock.Now()
	ct, _, err := c.CreateContainer(ctx, params)
	if params.AutoPublishText {
		return c.autoPublished(ctx, f, p, params, since, ct, err)
	}
	if err != nil {
		return nil, fmt.Errorf("threads: creating %s container: %w", strings.ToLower(string(params.MediaType)), err)
	}
	res := &PublishResult{ContainerID: ct.ID, CrossShareToIGStatus: ct.CrossShareToIGStatus}
	res.Timings.Create = f.elapsed()
	p.containerCreated(ct.ID, nil)
	f.report(StepCreate, "container created")
	f.report(StepProcessing, "waiting for processing")
	w := c.waitFor(params.MediaType == MediaTypeVideo)
	if params.MediaType != MediaTypeText {
		kind := strings.ToLower(string(params.MediaType))
		w.onPending = func(ct *Container, waited time.Duration) {
			f.report(StepProcessing, fmt.Sprintf("%s still processing after %s", kind, waited.Round(time.Second)))
		}
	}
	ref := itemRef{index: -1, url: mediaURL}
	// prepare waits for a media container; text is published at once.
	prepare := func(ctx context.Context, id string) (target, error) {
		tg := target{id: id, wait: w, ref: ref}
		if params.MediaType == MediaTypeText {
			return tg, nil
		}
		if _, err := c.waitContainer(ctx, id, w, ref); err != nil {
			return target{}, err
		}
		tg.checked = true
		return tg, nil
	}
	tg, err := prepare(ctx, ct.ID)
	if err != nil {
		return nil, err
	}
	res.Timings.Process = f.elapsed() - res.Timings.Create
	recreate := func(ctx context.Context) (target, error) {
		nc, _, err := c.CreateContainer(ctx, params)
		if err != nil {
			return target{}, err
		}
		p.containerCreated(nc.ID, nil)
		return prepare(ctx, nc.ID)
	}
	return c.finish(ctx, f, p, res, tg, params, recreate)
}

// autoPublished ends an auto_publish_text flow, whose create call publishes.
// It is never retried blindly: after an ambiguous failure the post is looked
// for among the user's recent posts.
func (c *Client) autoPublished(ctx context.Context, f *flow, p Post, params ContainerParams, since time.Time,
	ct *Container, err error) (*PublishResult, error) {
	res := &PublishResult{}
	switch {
	case err == nil:
		res.ID = ct.ID
		f.report(StepCreate, "container created")
		f.report(StepPublished, "published (auto_publish_text)")
	case ctx.Err() == nil && ambiguousPublish(err):
		id, note := c.recoverID(ctx, since, params)
		if id == "" {
			return nil, &OutcomeUnknownError{Err: fmt.Errorf("threads: auto-published text post: no matching post found "+
				"among the user's recent posts; check them before retrying: %w", err)}
		}
		res.ID, res.Recovered, res.Note = id, true, note
		f.report(StepPublished, "published (auto_publish_text, recovered)")
	case ctx.Err() != nil:
		return nil, &OutcomeUnknownError{Err: fmt.Errorf("threads: auto-published text post interrupted: %w", err)}
	default:
		return nil, fmt.Errorf("threads: creating text container: %w", err)
	}
	if p.SkipReadBack {
		res.PublishedAt = c.clock.Now()
	} else {
		c.readBack(ctx, res, p)
	}
	res.Timings.Total = f.elapsed()
	return res, nil
}

// finish publishes tg safely, reads the post back and fills timings.
func (c *Client) finish(ctx context.Context, f *flow, p Post, res *PublishResult, tg target, params ContainerParams,
	recreate func(context.Context) (target, error)) (*PublishResult, error) {
	before := f.elapsed()
	f.report(StepPublishing, "publishing")
	out, err := c.publishSafely(ctx, tg, params, recreate)
	if err != nil {
		return nil, err
	}
	res.ID, res.ContainerID, res.Recovered, res.Note = out.id, out.containerID, out.recovered, out.note
	res.CrossShareToIGStatus = firstNonEmpty(out.crossShare, res.CrossShareToIGStatus)
	f.report(StepPublished, "published")
	if res.ID != "" && !p.SkipReadBack {
		c.readBack(ctx, res, p)
	} else {
		res.PublishedAt = c.clock.Now()
	}
	res.Timings.Total = f.elapsed()
	res.Timings.Publish = res.Timings.Total - before
	return res, nil
}

// readBack fills the permalink and timestamp; failure only adds a note.
// For a media reply (image, video or carousel with ReplyToID) the same
// request reads is_reply and replied_to, because quick video replies have
// been reported to come out as standalone posts: when Threads says the post
// is not a reply, or a reply to another post, res.ReplyNotLinked is set and
// the note says so.
func (c *Client) readBack(ctx context.Context, res *PublishResult, p Post) {
	mediaReply := p.ReplyToID != "" && mediaTypeOf(p) != MediaTypeText
	fields := "id,permalink,timestamp"
	if mediaReply {
		fields += ",is_reply,replied_to"
	}
	var m struct {
		Permalink string `json:"permalink"`
		Timestamp Time   `json:"timestamp"`
		IsReply   *bool  `json:"is_reply"`
		RepliedTo *IDRef `json:"replied_to"`
	}
	_, err := c.do(ctx, request{method: http.MethodGet, path: endpoint(res.ID), params: url.Values{"fields": {fields}}}, &m)
	if err != nil {
		res.PublishedAt = c.clock.Now()
		res.Note = joinNote(res.Note, "published; permalink could not be read back: "+err.Error())
		return
	}
	res.Permalink = m.Permalink
	res.PublishedAt = m.Timestamp.Time
	if res.PublishedAt.IsZero() {
		res.PublishedAt = c.clock.Now()
	}
	if !mediaReply {
		return
	}
	switch {
	case m.RepliedTo != nil && m.RepliedTo.ID != "" && m.RepliedTo.ID != p.ReplyToID:
		res.ReplyNotLinked = true
		res.Note = joinNote(res.Note, fmt.Sprintf("published, but Threads lists it as a reply to %s, not to %s", m.RepliedTo.ID, p.ReplyToID))
	case m.RepliedTo != nil && m.RepliedTo.ID != "":
	case m.IsReply != nil && !*m.IsReply:
		res.ReplyNotLinked = true
		res.Note = joinNote(res.Note, fmt.Sprintf("published, but Threads shows it as a standalone post, not as a reply to %s "+
			"(a reported Threads issue with media replies published right after processing)", p.ReplyToID))
	default:
		res.Note = joinNote(res.Note, "published; whether Threads linked it as a reply could not be confirmed (no is_reply or replied_to read back)")
	}
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

type publishOutcome struct {
	id, containerID string
	crossShare      string // crossreshare_to_ig_status of the publish answer
	recovered       bool
	note            string
}

// ambiguousPublish reports whether a failed threads_publish may nevertheless
// have published: network errors, 5xx, code 10 (a publish answered HTTP 500
// code 10 "Application does not have permission" although the post went
// live), transient and rate-limit errors, undecodable success bodies.
func ambiguousPublish(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return true
	}
	if ae.Err != nil || ae.HTTPStatus >= 500 || ae.Code == codePermission {
		return true
	}
	switch ae.Kind() {
	case KindTransient, KindRateLimited:
		return true
	}
	return false
}

// answered reports whether err is Meta's answer to the request (a Graph
// error), as opposed to a request that may still be in flight there: no
// response at all, or a 5xx without a Graph error body (a gateway that gave
// up waiting, e.g. 502 or 504).
func answered(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Err == nil && ae.HTTPStatus != 0 && (ae.Code != 0 || ae.HTTPStatus < 500)
}

// target is a container about to be published.
type target struct {
	id      string
	checked bool     // its status was seen FINISHED
	wait    waitSpec // how to wait for it if Meta says it is not ready
	ref     itemRef
}

// publishSafely publishes tg.id without ever publishing twice.
// threads_publish is never retried blindly. On 24/4279009 (not ready) it
// first waits for a FINISHED status if none was seen, then retries
// (RetryPolicy.NotReadyAttempts, for the propagation lag after FINISHED),
// then recreates the container once. On an ambiguous failure it reads the
// container status: PUBLISHED is success (the post id is recovered from the
// user's list), FINISHED means publishing again is safe, ERROR/EXPIRED
// fail. When the outcome cannot be settled it returns an
// *OutcomeUnknownError.
func (c *Client) publishSafely(ctx context.Context, tg target, params ContainerParams,
	recreate func(context.Context) (target, error)) (publishOutcome, error) {
	since := c.clock.Now()
	isReply := params.ReplyToID != ""
	notReady, retries, recreated := 0, 0, false
	inFlight := false // an attempt on tg.id may still be committed by Meta
	// giveUp returns err, or an *OutcomeUnknownError when an attempt may
	// still have published (a processing failure settles it: not published).
	giveUp := func(err error) (publishOutcome, error) {
		var ce *ContainerError
		if inFlight && !errors.As(err, &ce) {
			return publishOutcome{}, &OutcomeUnknownError{ContainerID: tg.id, Err: err}
		}
		return publishOutcome{}, err
	}
	for {
		ans, _, err := c.publish(ctx, tg.id, isReply)
		if err == nil {
			return publishOutcome{id: ans.ID, containerID: tg.id, crossShare: ans.CrossShareToIGStatus}, nil
		}
		if ctx.Err() != nil {
			inFlight = true
			return giveUp(fmt.Errorf("threads: publishing container %s interrupted: %w", tg.id, err))
		}
		var ae *APIError
		isAE := errors.As(err, &ae)
		if isAE && ae.Kind() == KindMediaNotReady {
			if notReady < c.retry.NotReadyAttempts {
				notReady++
				if !tg.checked {
					// Published without a status check (text, carousel
					// parent): wait until Meta reports it FINISHED.
					w := tg.wait
					w.pollFirst = true
					if _, werr := c.waitContainer(ctx, tg.id, w, tg.ref); werr != nil {
						return giveUp(werr)
					}
					tg.checked = true
					continue
				}
				// FINISHED yet not ready: the propagation lag; wait and retry.
				if serr := c.clock.Sleep(ctx, c.expDelay(notReady)); serr != nil {
					return giveUp(fmt.Errorf("threads: publishing container %s: %w", tg.id, serr))
				}
				continue
			}
			if recreated || recreate == nil {
				return giveUp(err)
			}
			nt, rerr := recreate(ctx)
			if rerr != nil {
				return giveUp(fmt.Errorf("threads: recreating container after %v: %w", err, rerr))
			}
			tg, recreated, notReady, inFlight = nt, true, 0, false
			continue
		}
		if !ambiguousPublish(err) && tg.checked && !inFlight {
			return publishOutcome{}, err
		}
		// Ambiguous, or a refusal of a container whose status is unknown
		// (never read, or an earlier attempt may have published it): the
		// container status settles it.
		if !answered(err) {
			inFlight = true
		}
		st, _, serr := c.ContainerStatus(ctx, tg.id)
		if serr != nil {
			if !ambiguousPublish(err) && !inFlight {
				return publishOutcome{}, err
			}
			inFlight = true
			return giveUp(fmt.Errorf("threads: publish outcome of container %s unknown (status check failed: %v): %w", tg.id, serr, err))
		}
		switch st.Status {
		case StatusPublished:
			rid, note := c.recoverID(ctx, since, params)
			return publishOutcome{id: rid, containerID: tg.id, recovered: true, note: note}, nil
		case StatusError, StatusExpired:
			return publishOutcome{}, &ContainerError{ContainerID: tg.id, Index: -1, URL: tg.ref.url,
				Status: st.Status, ErrorMessage: st.ErrorMessage}
		}
		// FINISHED or IN_PROGRESS after the attempt: it did not publish (an
		// attempt without an answer may still commit late, so inFlight
		// stays: giving up then is an unknown outcome, not a failure).
		tg.checked = st.Status == StatusFinished
		if !ambiguousPublish(err) {
			return giveUp(err)
		}
		// A new attempt is safe, but only worth it for failures that may pass.
		if isAE && ae.Err == nil {
			switch ae.Kind() {
			case KindTransient, KindRateLimited, KindUnknown:
			default:
				return giveUp(err)
			}
		}
		retries++
		if retries >= max(c.retry.MaxAttempts, 1) {
			return giveUp(err)
		}
		delay := c.backoff(retries)
		if isAE && ae.retryAfter > 0 {
			if ae.retryAfter > c.retry.Max {
				return giveUp(err)
			}
			delay = max(delay, ae.retryAfter)
		}
		if serr := c.clock.Sleep(ctx, delay); serr != nil {
			return giveUp(fmt.Errorf("threads: publishing container %s: %w", tg.id, serr))
		}
		if st.Status == StatusInProgress {
			w := tg.wait
			w.pollFirst = true
			if _, werr := c.waitContainer(ctx, tg.id, w, tg.ref); werr != nil {
				return giveUp(werr)
			}
			tg.checked = true
		}
	}
}

// recoverySlack widens the since window when looking for a post whose
// publish outcome was ambiguous, to absorb clock skew with Meta.
const recoverySlack = 5 * time.Minute

// minSince is the earliest since Threads accepts on list endpoints
// (2023-07-05, the Threads launch). Meta doc:
// https://developers.facebook.com/docs/threads/reference/user#retrieve-a-list-of-all-a-user-s-threads
const minSince = 1688540400

// recoverID finds the post a PUBLISHED container became (FindRecentPost);
// it returns "" and a note when none matches.
func (c *Client) recoverID(ctx context.Context, since time.Time, params ContainerParams) (string, string) {
	const notFound = "published (container status PUBLISHED after an ambiguous publish response); the post id could not be recovered"
	m, _, err := c.findRecent(ctx, params, since)
	if err != nil {
		return "", notFound + ": " + err.Error()
	}
	if m == nil {
		return "", notFound
	}
	return m.ID, "published; the publish response was lost, the post id was recovered from the list of recent posts"
}

// FindRecentPost looks among the user's posts (or, for a reply, the user's
// replies) published since about since for one with p's content: the same
// text, media type and reply target. It is how a publish whose answer was
// lost finds its post, and how a caller that is unsure whether an earlier
// attempt went live checks before publishing anew. The window opens 5
// minutes before since (clock skew with Meta; never before 2023-07-05, the
// earliest since Meta accepts); if Meta refuses the window the newest posts
// are read instead. Only the first page (25 posts) is searched, newest first;
// a newer post with other content is skipped, never taken for p. It returns
// (nil, resp, nil) when no post matches.
//
// Meta doc: https://developers.facebook.com/docs/threads/troubleshooting#publishing-does-not-return-a-media-id
func (c *Client) FindRecentPost(ctx context.Context, p Post, since time.Time) (*Media, *Response, error) {
	return c.findRecent(ctx, baseParams(p, mediaTypeOf(p)), since)
}

func (c *Client) findRecent(ctx context.Context, params ContainerParams, since time.Time) (*Media, *Response, error) {
	isReply := params.ReplyToID != ""
	fields := []string{"id", "text", "media_type", "timestamp", "permalink", "shortcode"}
	if isReply {
		fields = append(fields, "replied_to")
	}
	from := since.Add(-recoverySlack)
	if from.Unix() < minSince {
		from = time.Unix(minSince, 0)
	}
	opts := ListOptions{Fields: fields, Limit: 25, Since: from}
	list := func(o ListOptions) (*MediaList, *Response, error) {
		if isReply {
			return c.UserReplies(ctx, o)
		}
		return c.ListThreads(ctx, o)
	}
	ml, resp, err := list(opts)
	if err != nil {
		opts.Since = time.Time{}
		ml, resp, err = list(opts)
	}
	if err != nil {
		return nil, resp, err
	}
	want := readMediaType(params.MediaType)
	for i, m := range ml.Data {
		if m.MediaType != "" && m.MediaType != want {
			continue
		}
		if params.Text != "" && strings.TrimSpace(m.Text) != strings.TrimSpace(params.Text) {
			continue
		}
		if isReply && m.RepliedTo != nil && m.RepliedTo.ID != params.ReplyToID {
			continue
		}
		if !m.Timestamp.IsZero() && m.Timestamp.Before(from) {
			continue
		}
		return &ml.Data[i], resp, nil
	}
	return nil, resp, nil
}

// createItems creates every carousel item container concurrently (at most
// WithCarouselConcurrency at once). The first failure cancels the others
// and is returned.
func (c *Client) createItems(ctx context.Context, f *flow, p Post) ([]string, error) {
	n := len(p.Items)
	ids := make([]string, n)
	err := c.forEach(ctx, n, func(ctx context.Context, i int) error {
		it := p.Items[i]
		params := ContainerParams{IsCarouselItem: true, AltText: it.AltText}
		if it.ImageURL != "" {
			params.MediaType, params.ImageURL = MediaTypeImage, it.ImageURL
		} else {
			params.MediaType, params.VideoURL = MediaTypeVideo, it.VideoURL
		}
		ct, _, err := c.CreateContainer(ctx, params)
		if err != nil {
			return fmt.Errorf("threads: carousel item %d of %d (%s): %w", i+1, n, it.ImageURL+it.VideoURL, err)
		}
		ids[i] = ct.ID
		f.markCreated()
		f.report(StepCreateItem, fmt.Sprintf("item %d of %d created", i+1, n))
		return nil
	})
	if err != nil && ctx.Err() != nil {
		return nil, fmt.Errorf("threads: creating carousel items: %w", err)
	}
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// forEach runs fn for 0..n-1 concurrently, at most WithCarouselConcurrency
// at once. The first failure cancels the others and is returned; if ctx
// ends first, its error is.
func (c *Client) forEach(ctx context.Context, n int, fn func(context.Context, int) error) error {
	fctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, max(c.concurrency, 1))
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-fctx.Done():
				return
			}
			defer func() { <-sem }()
			if err := fn(fctx, i); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	if fctx.Err() != nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		return context.Cause(fctx)
	}
	return nil
}

// waitItems waits until every carousel item is FINISHED, polling the items
// as a group: each check reads one pending item, in turn, on the image
// schedule while an image is pending and the video schedule after that;
// when a check finds an item FINISHED, every other pending item is checked
// at once (items created together tend to finish together). So the status
// calls are about one schedule's worth plus one per item, instead of one
// schedule per item, and an item failing early is still seen within one
// round of checks. The first ERROR or EXPIRED item is returned as a
// *ContainerError naming it.
func (c *Client) waitItems(ctx context.Context, f *flow, p Post, ids []string, deadline time.Duration) error {
	n := len(ids)
	refs := make([]itemRef, n)
	pending := make([]int, n)
	for i, it := range p.Items {
		refs[i] = itemRef{index: i, total: n, url: it.ImageURL + it.VideoURL}
		pending[i] = i
	}
	isVideo := func(i int) bool { return p.Items[i].VideoURL != "" }
	done := func(i int) { f.report(StepItemReady, fmt.Sprintf("item %d of %d ready", i+1, n)) }
	start := c.clock.Now()
	end := start.Add(deadline)
	sleep := func(d time.Duration) error {
		if err := c.clock.Sleep(ctx, d); err != nil {
			return fmt.Errorf("threads: waiting for carousel items: %w", err)
		}
		return nil
	}
	if err := sleep(min(c.poll.Initial, deadline)); err != nil {
		return err
	}
	for turn := 0; ; {
		k := turn % len(pending)
		i := pending[k]
		ct, err := c.checkContainer(ctx, ids[i], refs[i])
		if err != nil {
			return err
		}
		if ready(ct) {
			done(i)
			rest := append(append([]int(nil), pending[:k]...), pending[k+1:]...)
			if pending, err = c.sweep(ctx, rest, ids, refs, done); err != nil {
				return err
			}
			if len(pending) == 0 {
				return nil
			}
		} else {
			turn++
		}
		video := true
		for _, j := range pending {
			video = video && isVideo(j)
		}
		now := c.clock.Now()
		remaining := end.Sub(now)
		if remaining <= 0 {
			j := pending[0]
			return &ContainerError{ContainerID: ids[j], Index: j, Total: n, URL: refs[j].url,
				Status: StatusInProgress, Err: ErrWaitTimeout, ErrorMessage: fmt.Sprintf("not finished after %s", deadline)}
		}
		if err := sleep(min(c.schedule(video).interval(now.Sub(start)), remaining)); err != nil {
			return err
		}
	}
}

// sweep checks every pending item at once and returns those still
// processing.
func (c *Client) sweep(ctx context.Context, pending []int, ids []string, refs []itemRef, done func(int)) ([]int, error) {
	still := make([]bool, len(pending))
	err := c.forEach(ctx, len(pending), func(ctx context.Context, k int) error {
		i := pending[k]
		ct, err := c.checkContainer(ctx, ids[i], refs[i])
		if err != nil {
			return err
		}
		if ready(ct) {
			done(i)
		} else {
			still[k] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []int
	for k, i := range pending {
		if still[k] {
			out = append(out, i)
		}
	}
	return out, nil
}
