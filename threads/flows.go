package threads

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// defaultConcurrency bounds carousel item creations in flight.
const defaultConcurrency = 5

// Carousel bounds (decision 3).
const (
	MinCarouselItems = 2
	MaxCarouselItems = 20
)

// recoverySlack widens the since window when looking for a post whose
// publish outcome was ambiguous, to absorb clock skew with Meta.
const recoverySlack = 5 * time.Minute

// minSince is the earliest since Threads accepts on list endpoints.
const minSince = 1688540400

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
		f.current = f.total
	}
	if f.current > f.total {
		f.total = f.current
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
// published, so it waits and publishes (decision 6 rules apply). ERROR or
// EXPIRED: a *ContainerError, and the caller must start over.
//
// Meta doc: https://developers.facebook.com/docs/threads/troubleshooting#publishing-does-not-return-a-media-id
func (c *Client) ResumePublish(ctx context.Context, containerID string, p Post, started time.Time) (*PublishResult, error) {
	mt := mediaTypeOf(p)
	params := baseParams(p, mt)
	f := c.newFlow(p, 3)
	st, _, err := c.ContainerStatus(ctx, containerID)
	if err != nil {
		return nil, fmt.Errorf("threads: resuming container %s: %w", containerID, err)
	}
	res := &PublishResult{ContainerID: containerID}
	switch st.Status {
	case StatusPublished:
		id, note := c.recoverID(ctx, started, params)
		res.ID, res.Recovered, res.Note = id, true, note
		f.report(StepPublished, "already published")
		if id != "" {
			c.readBack(ctx, res)
		} else {
			res.PublishedAt = c.clock.Now()
		}
		res.Timings.Total = f.elapsed()
		return res, nil
	case StatusError, StatusExpired:
		return nil, &ContainerError{ContainerID: containerID, Index: -1, Status: st.Status, ErrorMessage: st.ErrorMessage}
	case StatusInProgress:
		deadline := c.poll.Deadline
		if mt == MediaTypeVideo || mt == MediaTypeCarousel {
			deadline = c.poll.VideoDeadline
		}
		f.report(StepProcessing, "waiting for processing")
		if _, err := c.waitContainer(ctx, containerID, deadline, itemRef{index: -1}, true); err != nil {
			return nil, err
		}
	}
	return c.finish(ctx, f, res, params, nil)
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

// PublishText publishes a text post: create the container, wait until it is
// FINISHED, publish, read back the permalink. With Extra.AutoPublishText the
// post is published by the create call itself.
//
// Meta doc: https://developers.facebook.com/docs/threads/posts#text-posts
func (c *Client) PublishText(ctx context.Context, p Post) (*PublishResult, error) {
	if strings.TrimSpace(p.Text) == "" {
		return nil, errors.New("threads: PublishText: Text is required")
	}
	return c.publishSingle(ctx, p, baseParams(p, MediaTypeText), "", c.poll.Deadline)
}

// PublishImage publishes a single-image post (p.ImageURL, optional Text and AltText).
//
// Meta doc: https://developers.facebook.com/docs/threads/posts#single-thread-posts
func (c *Client) PublishImage(ctx context.Context, p Post) (*PublishResult, error) {
	if p.ImageURL == "" {
		return nil, errors.New("threads: PublishImage: ImageURL is required")
	}
	params := baseParams(p, MediaTypeImage)
	params.ImageURL = p.ImageURL
	params.AltText = firstNonEmpty(p.AltText, p.Extra.AltText)
	return c.publishSingle(ctx, p, params, p.ImageURL, c.poll.Deadline)
}

// PublishVideo publishes a single-video post (p.VideoURL); processing may take
// minutes and is awaited up to PollPolicy.VideoDeadline.
//
// Meta doc: https://developers.facebook.com/docs/threads/posts#single-thread-posts
func (c *Client) PublishVideo(ctx context.Context, p Post) (*PublishResult, error) {
	if p.VideoURL == "" {
		return nil, errors.New("threads: PublishVideo: VideoURL is required")
	}
	params := baseParams(p, MediaTypeVideo)
	params.VideoURL = p.VideoURL
	params.AltText = firstNonEmpty(p.AltText, p.Extra.AltText)
	return c.publishSingle(ctx, p, params, p.VideoURL, c.poll.VideoDeadline)
}

// PublishCarousel publishes a carousel of 2–20 images and videos. Item
// containers are created concurrently (bounded) and awaited concurrently; the
// parent is created once every item is FINISHED. The first failing item
// cancels the rest and is reported by index and URL.
//
// Meta doc: https://developers.facebook.com/docs/threads/posts#carousel-posts
func (c *Client) PublishCarousel(ctx context.Context, p Post) (*PublishResult, error) {
	return c.publishCarousel(ctx, p, false)
}

// WaitForContainer polls a container until it is FINISHED (or PUBLISHED),
// backing off from PollPolicy.Initial to PollPolicy.Max. ERROR and EXPIRED
// give a *ContainerError, as does the deadline passing (wrapping
// ErrWaitTimeout). A zero deadline means PollPolicy.Deadline.
//
// Meta doc: https://developers.facebook.com/docs/threads/troubleshooting#publishing-does-not-return-a-media-id
func (c *Client) WaitForContainer(ctx context.Context, containerID string, deadline time.Duration) (*Container, error) {
	if deadline <= 0 {
		deadline = c.poll.Deadline
	}
	return c.waitContainer(ctx, containerID, deadline, itemRef{index: -1}, true)
}

// itemRef names the container being awaited in errors.
type itemRef struct {
	index, total int
	url          string
}

func (c *Client) waitContainer(ctx context.Context, id string, deadline time.Duration, ref itemRef, pollFirst bool) (*Container, error) {
	end := c.clock.Now().Add(deadline)
	interval := c.poll.Initial
	if !pollFirst {
		if err := c.clock.Sleep(ctx, min(interval, deadline)); err != nil {
			return nil, fmt.Errorf("threads: waiting for container %s: %w", id, err)
		}
		interval = c.nextInterval(interval)
	}
	for {
		ct, _, err := c.ContainerStatus(ctx, id)
		if err != nil {
			if ref.index >= 0 {
				return nil, fmt.Errorf("threads: carousel item %d of %d (%s): checking container %s: %w",
					ref.index+1, ref.total, ref.url, id, err)
			}
			return nil, fmt.Errorf("threads: checking container %s: %w", id, err)
		}
		switch ct.Status {
		case StatusFinished, StatusPublished:
			return ct, nil
		case StatusError, StatusExpired:
			return ct, &ContainerError{ContainerID: id, Index: ref.index, Total: ref.total, URL: ref.url,
				Status: ct.Status, ErrorMessage: ct.ErrorMessage}
		}
		remaining := end.Sub(c.clock.Now())
		if remaining <= 0 {
			return ct, &ContainerError{ContainerID: id, Index: ref.index, Total: ref.total, URL: ref.url,
				Status: ct.Status, Err: ErrWaitTimeout,
				ErrorMessage: fmt.Sprintf("not finished after %s", deadline)}
		}
		if err := c.clock.Sleep(ctx, min(interval, remaining)); err != nil {
			return nil, fmt.Errorf("threads: waiting for container %s: %w", id, err)
		}
		interval = c.nextInterval(interval)
	}
}

func (c *Client) nextInterval(d time.Duration) time.Duration {
	return min(time.Duration(float64(d)*c.poll.Multiplier), c.poll.Max)
}

// publishSingle runs the flow of a text, image or video post.
func (c *Client) publishSingle(ctx context.Context, p Post, params ContainerParams, mediaURL string, deadline time.Duration) (*PublishResult, error) {
	f := c.newFlow(p, 4)
	since := c.clock.Now()
	ct, _, err := c.CreateContainer(ctx, params)
	if err != nil && params.AutoPublishText && ctx.Err() == nil && ambiguousPublish(err) {
		// auto_publish_text publishes in the create call: never retry it
		// blindly, look for the post instead (decision 6).
		if id, note := c.recoverID(ctx, since, params); id != "" {
			res := &PublishResult{ID: id, Recovered: true, Note: note}
			f.report(StepPublished, "published (auto_publish_text, recovered)")
			c.readBack(ctx, res)
			res.Timings.Total = f.elapsed()
			return res, nil
		}
		return nil, fmt.Errorf("threads: auto-published text post: outcome unknown and no matching post found; check the user's recent posts before retrying: %w", err)
	}
	if err != nil {
		return nil, fmt.Errorf("threads: creating %s container: %w", strings.ToLower(string(params.MediaType)), err)
	}
	res := &PublishResult{ContainerID: ct.ID}
	res.Timings.Create = f.elapsed()
	if !params.AutoPublishText {
		p.containerCreated(ct.ID, nil)
	}
	f.report(StepCreate, "container created")
	if params.AutoPublishText {
		res.ID = ct.ID
		res.ContainerID = ""
		f.report(StepPublished, "published (auto_publish_text)")
		c.readBack(ctx, res)
		res.Timings.Total = f.elapsed()
		return res, nil
	}
	f.report(StepProcessing, "waiting for processing")
	pollFirst := params.MediaType == MediaTypeText
	ref := itemRef{index: -1, url: mediaURL}
	if _, err := c.waitContainer(ctx, ct.ID, deadline, ref, pollFirst); err != nil {
		return nil, err
	}
	res.Timings.Process = f.elapsed() - res.Timings.Create
	recreate := func(ctx context.Context) (string, error) {
		nc, _, err := c.CreateContainer(ctx, params)
		if err != nil {
			return "", err
		}
		p.containerCreated(nc.ID, nil)
		if _, err := c.waitContainer(ctx, nc.ID, deadline, ref, pollFirst); err != nil {
			return "", err
		}
		return nc.ID, nil
	}
	return c.finish(ctx, f, res, params, recreate)
}

// finish publishes res.ContainerID safely, reads the post back and fills timings.
func (c *Client) finish(ctx context.Context, f *flow, res *PublishResult, params ContainerParams,
	recreate func(context.Context) (string, error)) (*PublishResult, error) {
	before := f.elapsed()
	f.report(StepPublishing, "publishing")
	out, err := c.publishSafely(ctx, res.ContainerID, params, recreate)
	if err != nil {
		return nil, err
	}
	res.ID, res.ContainerID, res.Recovered, res.Note = out.id, out.containerID, out.recovered, out.note
	f.report(StepPublished, "published")
	if res.ID != "" {
		c.readBack(ctx, res)
	} else {
		res.PublishedAt = c.clock.Now()
	}
	res.Timings.Total = f.elapsed()
	res.Timings.Publish = res.Timings.Total - before
	return res, nil
}

// readBack fills the permalink and timestamp; failure only adds a note.
func (c *Client) readBack(ctx context.Context, res *PublishResult) {
	m, _, err := c.GetMedia(ctx, res.ID, "id", "permalink", "timestamp")
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
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

type publishOutcome struct {
	id, containerID string
	recovered       bool
	note            string
}

// ambiguousPublish reports whether a failed threads_publish may nevertheless
// have published (decision 6): network errors, 5xx, code 10, transient and
// rate-limit errors, undecodable success bodies.
func ambiguousPublish(err error) bool {
	if _, ok := permanent(err); ok {
		return false // the transport refused before sending, or Threads refused the token
	}
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

// publishSafely applies decision 6: threads_publish is never retried blindly.
// On 24/4279009 it waits and retries (NotReadyAttempts), then recreates the
// container once. On an ambiguous failure it reads the container status:
// PUBLISHED is success (the post id is recovered from the user's list),
// FINISHED means publishing again is safe, ERROR/EXPIRED fail.
func (c *Client) publishSafely(ctx context.Context, cid string, params ContainerParams,
	recreate func(context.Context) (string, error)) (publishOutcome, error) {
	since := c.clock.Now()
	isReply := params.ReplyToID != ""
	notReady, retries, recreated := 0, 0, false
	for {
		id, _, err := c.publish(ctx, cid, isReply)
		if err == nil {
			return publishOutcome{id: id, containerID: cid}, nil
		}
		if ctx.Err() != nil {
			return publishOutcome{}, fmt.Errorf("threads: publishing container %s interrupted, the post may or may not be live: %w", cid, err)
		}
		var ae *APIError
		if errors.As(err, &ae) && ae.Kind() == KindMediaNotReady {
			if notReady < c.retry.NotReadyAttempts {
				notReady++
				if err := c.clock.Sleep(ctx, c.expDelay(notReady)); err != nil {
					return publishOutcome{}, fmt.Errorf("threads: publishing container %s: %w", cid, err)
				}
				continue
			}
			if recreated || recreate == nil {
				return publishOutcome{}, err
			}
			nid, rerr := recreate(ctx)
			if rerr != nil {
				return publishOutcome{}, fmt.Errorf("threads: recreating container after %v: %w", err, rerr)
			}
			cid, recreated, notReady = nid, true, 0
			continue
		}
		if !ambiguousPublish(err) {
			return publishOutcome{}, err
		}
		st, _, serr := c.ContainerStatus(ctx, cid)
		if serr != nil {
			return publishOutcome{}, fmt.Errorf("threads: publish outcome of container %s unknown (status check failed: %v): %w", cid, serr, err)
		}
		switch st.Status {
		case StatusPublished:
			rid, note := c.recoverID(ctx, since, params)
			return publishOutcome{id: rid, containerID: cid, recovered: true, note: note}, nil
		case StatusError, StatusExpired:
			return publishOutcome{}, &ContainerError{ContainerID: cid, Index: -1, Status: st.Status, ErrorMessage: st.ErrorMessage}
		}
		// FINISHED (or still IN_PROGRESS): nothing was published, so a new
		// attempt is safe — but only worth it for failures that may pass.
		if ae != nil && ae.Err == nil {
			switch ae.Kind() {
			case KindTransient, KindRateLimited, KindUnknown:
			default:
				return publishOutcome{}, err
			}
		}
		retries++
		if retries >= max(c.retry.MaxAttempts, 1) {
			return publishOutcome{}, err
		}
		delay := c.backoff(retries)
		if ae != nil && ae.retryAfter > 0 {
			if ae.retryAfter > c.retry.Max {
				return publishOutcome{}, err
			}
			delay = max(delay, ae.retryAfter)
		}
		if err := c.clock.Sleep(ctx, delay); err != nil {
			return publishOutcome{}, fmt.Errorf("threads: publishing container %s: %w", cid, err)
		}
		if st.Status == StatusInProgress {
			if _, err := c.waitContainer(ctx, cid, c.poll.VideoDeadline, itemRef{index: -1}, true); err != nil {
				return publishOutcome{}, err
			}
		}
	}
}

// recoverID finds the post a PUBLISHED container became, by listing the
// user's posts (or replies) since the publish started and matching text,
// media type and reply target. It returns "" and a note when none matches.
func (c *Client) recoverID(ctx context.Context, since time.Time, params ContainerParams) (string, string) {
	isReply := params.ReplyToID != ""
	fields := []string{"id", "text", "media_type", "timestamp"}
	if isReply {
		fields = append(fields, "replied_to")
	}
	from := since.Add(-recoverySlack)
	if from.Unix() < minSince {
		from = time.Unix(minSince, 0)
	}
	opts := ListOptions{Fields: fields, Limit: 25, Since: from}
	list := func(o ListOptions) (*MediaList, error) {
		if isReply {
			ml, _, err := c.UserReplies(ctx, o)
			return ml, err
		}
		ml, _, err := c.ListThreads(ctx, o)
		return ml, err
	}
	ml, err := list(opts)
	if err != nil {
		opts.Since = time.Time{}
		ml, err = list(opts)
	}
	const notFound = "published (container status PUBLISHED after an ambiguous publish response); the post id could not be recovered"
	if err != nil {
		return "", notFound + ": " + err.Error()
	}
	want := readMediaType(params.MediaType)
	for _, m := range ml.Data {
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
		return m.ID, "published; the publish response was lost, the post id was recovered from the list of recent posts"
	}
	return "", notFound
}

// publishCarousel runs the carousel flow; serial creates and awaits one item
// after another (the naive way, kept for comparison in benchmarks).
func (c *Client) publishCarousel(ctx context.Context, p Post, serial bool) (*PublishResult, error) {
	n := len(p.Items)
	if n < MinCarouselItems || n > MaxCarouselItems {
		return nil, fmt.Errorf("threads: a carousel has %d–%d items, got %d", MinCarouselItems, MaxCarouselItems, n)
	}
	hasVideo := false
	for i, it := range p.Items {
		if (it.ImageURL == "") == (it.VideoURL == "") {
			return nil, fmt.Errorf("threads: carousel item %d of %d needs exactly one of ImageURL and VideoURL", i+1, n)
		}
		hasVideo = hasVideo || it.VideoURL != ""
	}
	deadline := c.poll.Deadline
	if hasVideo {
		deadline = c.poll.VideoDeadline
	}
	f := c.newFlow(p, 2*n+4)
	ids, err := c.createItems(ctx, f, p, serial)
	if err != nil {
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
	res := &PublishResult{ContainerID: ct.ID, ItemIDs: ids}
	f.mu.Lock()
	res.Timings.Create = f.lastCreated
	f.mu.Unlock()
	f.report(StepCreate, "carousel container created")
	f.report(StepProcessing, "waiting for the carousel container")
	if _, err := c.waitContainer(ctx, ct.ID, deadline, itemRef{index: -1}, true); err != nil {
		return nil, err
	}
	recreate := func(ctx context.Context) (string, error) {
		nc, _, err := c.CreateContainer(ctx, params)
		if err != nil {
			return "", err
		}
		p.containerCreated(nc.ID, ids)
		if _, err := c.waitContainer(ctx, nc.ID, deadline, itemRef{index: -1}, true); err != nil {
			return "", err
		}
		return nc.ID, nil
	}
	publishStart := f.elapsed()
	out, err := c.finish(ctx, f, res, params, recreate)
	if err != nil {
		return nil, err
	}
	out.Timings.Process = max(publishStart-out.Timings.Create, 0)
	return out, nil
}

// createItems creates and awaits every carousel item, concurrently unless
// serial. The first failure cancels the others and is returned.
func (c *Client) createItems(ctx context.Context, f *flow, p Post, serial bool) ([]string, error) {
	n := len(p.Items)
	ids := make([]string, n)
	if serial {
		for i := range p.Items {
			id, err := c.createItem(ctx, f, p, i, nil)
			if err != nil {
				return nil, err
			}
			ids[i] = id
		}
		return ids, nil
	}
	ictx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, max(c.concurrency, 1))
	var wg sync.WaitGroup
	for i := range p.Items {
		wg.Go(func() {
			id, err := c.createItem(ictx, f, p, i, sem)
			if err != nil {
				cancel(err)
				return
			}
			ids[i] = id
		})
	}
	wg.Wait()
	if ictx.Err() != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("threads: creating carousel items: %w", ctx.Err())
		}
		return nil, context.Cause(ictx)
	}
	return ids, nil
}

// createItem creates item i's container (holding a slot of sem while the
// create call runs) and waits for it to finish.
func (c *Client) createItem(ctx context.Context, f *flow, p Post, i int, sem chan struct{}) (string, error) {
	n := len(p.Items)
	it := p.Items[i]
	params := ContainerParams{IsCarouselItem: true, AltText: it.AltText}
	deadline := c.poll.Deadline
	mediaURL := it.ImageURL
	if it.ImageURL != "" {
		params.MediaType, params.ImageURL = MediaTypeImage, it.ImageURL
	} else {
		params.MediaType, params.VideoURL = MediaTypeVideo, it.VideoURL
		deadline, mediaURL = c.poll.VideoDeadline, it.VideoURL
	}
	if sem != nil {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return "", context.Cause(ctx)
		}
	}
	ct, _, err := c.CreateContainer(ctx, params)
	if sem != nil {
		<-sem
	}
	if err != nil {
		return "", fmt.Errorf("threads: carousel item %d of %d (%s): %w", i+1, n, mediaURL, err)
	}
	f.markCreated()
	f.report(StepCreateItem, fmt.Sprintf("item %d of %d created", i+1, n))
	if _, err := c.waitContainer(ctx, ct.ID, deadline, itemRef{index: i, total: n, url: mediaURL}, false); err != nil {
		return "", err
	}
	f.report(StepItemReady, fmt.Sprintf("item %d of %d ready", i+1, n))
	return ct.ID, nil
}
