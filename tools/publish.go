package tools

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/tools/ledger"
)

// Exactly-once publishing windows.
const (
	// KeyTTL is how long a result is replayed for an idempotency_key.
	KeyTTL = 24 * time.Hour
	// DuplicateWindow is how long an identical publish without a key
	// replays the first result instead of posting again.
	DuplicateWindow = 10 * time.Minute
	// publishTimeout bounds a publish that keeps running after its caller
	// went away (longer than the longest video processing).
	publishTimeout = 10 * time.Minute
	// waitPoll is how often a call waiting for an identical one checks.
	waitPoll = 100 * time.Millisecond
)

// publishRequest is one publish to run through the ledger.
type publishRequest struct {
	tool  string
	args  any // normalized arguments, without key and account (hashed)
	post  threads.Post
	reply bool // counts against the reply quota
	// key, when set, is the entry's key instead of the call's
	// idempotency_key (a thread's parts); keyTTL, when set, how long it
	// replays.
	key    string
	keyTTL time.Duration
	// media are the post's images and videos: local ones are staged and
	// all pre-flighted (when preflight is set) right before the first
	// container is created, and the staged objects deleted once the post
	// is published or has failed for good.
	media     []mediaRef
	preflight bool
}

// metaCarrier is any result type (they all embed schemas.ResultMeta).
type metaCarrier interface{ Meta() *schemas.ResultMeta }

// argsHash identifies a publish's content: the tool and its arguments.
func argsHash(tool string, args any) (string, error) {
	b, err := json.Marshal(args)
	if err != nil {
		return "", fmt.Errorf("hash arguments: %w", err)
	}
	sum := sha256.Sum256(append([]byte(tool+"\x00"), b...))
	return hex.EncodeToString(sum[:]), nil
}

// scope is whose ledger entries a call's publishes are: its account, in
// this server's mode (sandbox entries never match live ones).
func (c *call) scope() ledger.Scope {
	return ledger.Scope{Sandbox: c.Sandbox, Account: c.acct.Name}
}

// publishOnce publishes r.post at most once per key: it claims the key in
// the ledger before the first request to Threads, records the container and
// the post, replays a published key, waits for a key being published by
// another call, and resumes a key whose publisher died. Without a key, any
// identical publish of the last DuplicateWindow (keyed or not) is replayed.
// build turns the publish result into the tool result that is stored and
// replayed.
//
// The publish runs detached from the caller's cancellation (bounded), so a
// client that times out and retries gets the first attempt's post.
func publishOnce[R any, PR interface {
	*R
	metaCarrier
}](ctx context.Context, c *call, r publishRequest, build func(*threads.PublishResult) PR) (PR, error) {
	cl, replayed, err := claim[R, PR](ctx, c, r.tool, r.args, r.key, r.keyTTL)
	if err != nil || replayed != nil {
		return replayed, err
	}
	// Run or Resume: this call publishes, detached from cancellation.
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	return runClaim[R, PR](pctx, c, r, cl, build)
}

// claim claims the ledger entry of a publish of tool with args (hashed) for
// key (c.key when empty; claimed by content when both are empty), replaying
// for ttl (KeyTTL for a key, DuplicateWindow by content, when 0). It
// returns the claim to run or resume, or the replayed result of a
// published entry; it waits while another call runs the same entry.
func claim[R any, PR interface {
	*R
	metaCarrier
}](ctx context.Context, c *call, tool string, args any, key string, ttl time.Duration) (ledger.Claim, PR, error) {
	if c.Ledger == nil {
		return ledger.Claim{}, nil, errors.New("publishing needs the publish ledger (the state database), and none is configured")
	}
	hash, err := argsHash(tool, args)
	if err != nil {
		return ledger.Claim{}, nil, err
	}
	if key == "" {
		key = c.key
	}
	if ttl == 0 {
		ttl = KeyTTL
		if key == "" {
			ttl = DuplicateWindow
		}
	}
	req := ledger.Request{Scope: c.scope(), Key: key, Tool: tool, ArgsHash: hash, TTL: ttl}
	for {
		cl, err := c.Ledger.Claim(ctx, req)
		if err != nil {
			var me *ledger.MismatchError
			if errors.As(err, &me) {
				return ledger.Claim{}, nil, &userError{msg: me.Error()}
			}
			return ledger.Claim{}, nil, err
		}
		switch cl.Action {
		case ledger.Replay:
			out, err := replay[R, PR](cl.Entry, key == "" || ttl == DuplicateWindow, c.Ledger.Now())
			return ledger.Claim{}, out, err
		case ledger.Wait:
			select {
			case <-ctx.Done():
				return ledger.Claim{}, nil, fmt.Errorf("waiting for an identical publish already in progress: %w", ctx.Err())
			case <-time.After(waitPoll):
			}
			continue
		}
		return cl, nil, nil
	}
}

// actOnce runs a one-request publishing action (a repost) through the
// ledger with publishOnce's promises: the entry is claimed before the
// request, a published entry is replayed, one being run is waited for.
// When the entry's earlier runner died, act gets the time it started, to
// look for what it may have done before acting again (zero otherwise). act
// returns the result and the id of what it made. A refusal by Threads fails
// the entry (a retry runs again); any other failure leaves its outcome
// unknown and the entry to resume. The action is short, so its claim is not
// renewed: one that outlives its lease is resumed by the next call, which
// looks first.
func actOnce[R any, PR interface {
	*R
	metaCarrier
}](ctx context.Context, c *call, tool string, args any, act func(ctx context.Context, resumedFrom time.Time) (PR, string, error)) (PR, error) {
	cl, replayed, err := claim[R, PR](ctx, c, tool, args, "", 0)
	if err != nil || replayed != nil {
		return replayed, err
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	var from time.Time
	if cl.Action == ledger.Resume {
		from = cl.Entry.CreatedAt
	}
	out, id, err := act(pctx, from)
	if err != nil {
		if ae := (*threads.APIError)(nil); errors.As(err, &ae) {
			_ = c.Ledger.Fail(context.WithoutCancel(ctx), cl, err.Error())
			return nil, err
		}
		_ = c.Ledger.Release(context.WithoutCancel(ctx), cl, err.Error())
		return nil, &outcomeUnknownError{err: err, keyed: c.key != ""}
	}
	c.fillMeta(out.Meta())
	if b, jerr := json.Marshal(out); jerr == nil {
		if cerr := c.Ledger.Complete(context.WithoutCancel(ctx), cl, id, b); cerr != nil && c.Logger != nil {
			c.Logger.Warn("ledger: record "+tool, "id", id, "err", cerr)
		}
	}
	return out, nil
}

// replay returns a published entry's stored result, marked replayed.
func replay[R any, PR interface {
	*R
	metaCarrier
}](e ledger.Entry, automatic bool, now time.Time) (PR, error) {
	out := PR(new(R))
	if err := json.Unmarshal(e.Result, out); err != nil {
		return nil, fmt.Errorf("replay stored result: %w", err)
	}
	m := out.Meta()
	m.Replayed = true
	ago := now.Sub(e.CreatedAt).Round(time.Second)
	if automatic {
		m.ReplayNote = fmt.Sprintf("An identical post was published %s ago (post %s); it was returned instead of posting a duplicate. "+
			"To post the same content again on purpose, pass a new idempotency_key.", ago, e.PostID)
	} else {
		m.ReplayNote = fmt.Sprintf("This idempotency_key was already published %s ago (post %s); the first result is returned and nothing was posted again.", ago, e.PostID)
	}
	return out, nil
}

// recordError is a container the ledger could not record: it was not
// published.
type recordError struct{ err error }

func (e *recordError) Error() string {
	return fmt.Sprintf("the state database could not record the post container (%v), so it was not published: "+
		"nothing was posted. Fix: make the state database writable again (free disk space, check the state "+
		"directory's permissions, or wait for the process holding it locked), then retry with the same arguments", e.err)
}

func (e *recordError) Unwrap() error { return e.err }

// abortError stops a publish whose claim was taken over by another call
// (its lease ran out) or could not be renewed.
type abortError struct{ err error }

func (e *abortError) Error() string {
	what := "could not be renewed"
	if errors.Is(e.err, ledger.ErrNotOwner) {
		what = "was taken over by another call"
	}
	return fmt.Sprintf("the publish was stopped because its claim in the state database %s (%v); "+
		"the post may or may not be live. Fix: retry with the same arguments: the retry finishes or finds it without posting twice", what, e.err)
}

func (e *abortError) Unwrap() error { return e.err }

// outcomeUnknownError is a publish that failed after its container was
// recorded without a definite refusal: the post may be live.
type outcomeUnknownError struct {
	err   error
	keyed bool
}

func (e *outcomeUnknownError) Error() string {
	retry := "call again with the same arguments within 10 minutes"
	if e.keyed {
		retry = "retry with the same idempotency_key"
	}
	return fmt.Sprintf("the publish outcome is unknown (%v): the post may be live. Fix: %s; the retry finishes the "+
		"publish or returns the post without posting twice. Do not change the arguments.", e.err, retry)
}

func (e *outcomeUnknownError) Unwrap() error { return e.err }

// runClaim publishes for a claim (fresh or resumed) and records the outcome.
// It never publishes a container the ledger failed to record: the recording
// hook cancels the flow's context, so the client makes no further request.
func runClaim[R any, PR interface {
	*R
	metaCarrier
}](ctx context.Context, c *call, r publishRequest, cl ledger.Claim, build func(*threads.PublishResult) PR) (PR, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		stopErr  error // why the flow was stopped, if it was
		recorded = cl.Entry.ContainerID != ""
	)
	stop := func(err error) {
		mu.Lock()
		if stopErr == nil {
			stopErr = err
		}
		mu.Unlock()
		cancel()
	}

	// Keep the claim alive while publishing; a claim that cannot be kept
	// (taken over, or not renewed for half a lease) stops the publish.
	done := make(chan struct{})
	var hb sync.WaitGroup
	hb.Go(func() {
		lease := c.Ledger.Lease()
		t := time.NewTicker(lease / 3)
		defer t.Stop()
		last := time.Now()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				err := c.Ledger.Renew(ctx, cl)
				switch {
				case err == nil:
					last = time.Now()
				case errors.Is(err, ledger.ErrNotOwner), time.Since(last) > lease/2:
					if ctx.Err() == nil {
						stop(&abortError{err: err})
					}
					return
				}
			}
		}
	})
	defer func() { close(done); hb.Wait() }()

	post := r.post
	post.OnContainer = func(id string, items []string) {
		if err := c.Ledger.SetContainer(ctx, cl, id, items); err != nil {
			if errors.Is(err, ledger.ErrNotOwner) {
				stop(&abortError{err: err})
			} else {
				stop(&recordError{err: err})
			}
			return
		}
		mu.Lock()
		recorded = true
		mu.Unlock()
	}

	var (
		res  *threads.PublishResult
		err  error
		note string
	)
	switch {
	case cl.Action == ledger.Resume && cl.Entry.ContainerID != "":
		res, err = c.acct.API.ResumePublish(ctx, cl.Entry.ContainerID, post, cl.Entry.CreatedAt)
		var ce *threads.ContainerError
		if errors.As(err, &ce) {
			// The earlier attempt's container can no longer be published:
			// nothing was posted, so start over.
			note = fmt.Sprintf("An earlier attempt was interrupted and its container ended %s; published anew.", ce.Status)
			if rerr := c.Ledger.Restart(ctx, cl); rerr != nil {
				return nil, rerr
			}
			mu.Lock()
			recorded = false
			mu.Unlock()
			res, err = nil, nil
		} else if err == nil {
			note = "An earlier attempt was interrupted after creating its post container; it was finished without posting twice."
		}
	case cl.Action == ledger.Resume:
		// No container was recorded, so none was published through the
		// ledger; but look before publishing anew, in case one was.
		res, err = c.findPublished(ctx, post, cl.Entry.CreatedAt)
		switch {
		case err != nil:
			_ = c.Ledger.Release(ctx, cl, err.Error())
			return nil, fmt.Errorf("an earlier attempt of this publish was interrupted, and whether it posted could not be checked (%w); "+
				"nothing was published now. Fix: retry in a moment", err)
		case res != nil:
			note = "An earlier attempt was interrupted before its container was recorded; its post was found and returned without posting again."
		default:
			note = "An earlier attempt was interrupted before creating its post container; published anew."
		}
	}
	var staged, mediaNotes []string
	if res == nil && err == nil {
		if qerr := c.quotas.check(ctx, c.acct, r.reply); qerr != nil {
			_ = c.Ledger.Fail(ctx, cl, qerr.Error())
			return nil, qerr
		}
		var merr error
		if post, staged, mediaNotes, merr = c.prepareMedia(ctx, post, r.media, r.preflight); merr != nil {
			_ = c.Ledger.Fail(context.WithoutCancel(ctx), cl, merr.Error())
			return nil, merr
		}
		res, err = c.acct.API.PublishPost(ctx, post)
	}
	mu.Lock()
	rec, stopped := recorded, stopErr
	mu.Unlock()
	if err != nil {
		if stopped != nil {
			err = stopped
		}
		var (
			ce *threads.ContainerError
			ae *abortError
		)
		switch {
		case errors.As(err, &ae):
			// Another claimant owns the entry now: leave it alone.
		case rec && !errors.As(err, &ce):
			// The outcome may be unknown: keep the container so the next call
			// with this key resumes from its status instead of posting again.
			_ = c.Ledger.Release(context.WithoutCancel(ctx), cl, err.Error())
			var re *recordError
			if !errors.As(err, &re) {
				err = &outcomeUnknownError{err: err, keyed: c.key != ""}
			}
		default:
			_ = c.Ledger.Fail(context.WithoutCancel(ctx), cl, err.Error())
			// Failed for good: its staged media will not be fetched again.
			c.mediaDeps().Release(ctx, staged...)
		}
		return nil, err
	}
	c.mediaDeps().Release(ctx, staged...)
	c.quotas.used(c.acct, r.reply)
	c.published(ctx, r.tool, post, res)
	if note != "" {
		res.Note = joinNotes(note, res.Note)
	}
	for _, n := range mediaNotes {
		res.Note = joinNotes(res.Note, n)
	}
	out := build(res)
	c.fillMeta(out.Meta())
	b, jerr := json.Marshal(out)
	if jerr == nil {
		if cerr := c.Ledger.Complete(context.WithoutCancel(ctx), cl, res.ID, b); cerr != nil && c.Logger != nil {
			c.Logger.Warn("ledger: record published post", "post_id", res.ID, "err", cerr)
		}
	}
	return out, nil
}

// recoverySince widens the window in which a post of an interrupted
// publish is looked for, to absorb clock skew with Meta.
const recoverySince = time.Minute

// findPublished looks for a post (or reply) matching p published since
// the claim: same text, media type and reply target, not already recorded
// for another ledger entry. It returns nil when there is none.
func (c *call) findPublished(ctx context.Context, p threads.Post, since time.Time) (*threads.PublishResult, error) {
	reply := p.ReplyToID != ""
	opts := threads.ListOptions{
		Fields: []string{"id", "text", "media_type", "timestamp", "permalink", "replied_to"},
		Limit:  25,
		Since:  since.Add(-recoverySince),
	}
	list := c.acct.API.ListThreads
	if reply {
		list = c.acct.API.UserReplies
	}
	page, _, err := list(ctx, opts)
	if err != nil {
		return nil, err
	}
	want := publishedType(p)
	for _, m := range page.Data {
		if m.MediaType != "" && m.MediaType != want {
			continue
		}
		if strings.TrimSpace(m.Text) != strings.TrimSpace(p.Text) {
			continue
		}
		if reply && m.RepliedTo != nil && m.RepliedTo.ID != p.ReplyToID {
			continue
		}
		if !m.Timestamp.IsZero() && m.Timestamp.Before(opts.Since) {
			continue
		}
		known, err := c.Ledger.PostKnown(ctx, c.scope(), m.ID)
		if err != nil {
			return nil, err
		}
		if known {
			continue
		}
		return &threads.PublishResult{ID: m.ID, Permalink: m.Permalink, PublishedAt: m.Timestamp.Time, Recovered: true}, nil
	}
	return nil, nil
}

// publishedType is the media type Threads reports for a published p.
func publishedType(p threads.Post) threads.MediaType {
	switch {
	case len(p.Items) > 0:
		return threads.MediaTypeCarouselAlbum
	case p.ImageURL != "":
		return threads.MediaTypeImage
	case p.VideoURL != "":
		return threads.MediaTypeVideo
	}
	return threads.MediaTypeTextPost
}

func joinNotes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
