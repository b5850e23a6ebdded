package tools

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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
	acct  *Account
	key   string // idempotency_key; "" means the automatic duplicate check
	args  any    // normalized arguments, without key and account (hashed)
	post  threads.Post
	reply bool // counts against the reply quota
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

// publishOnce publishes r.post at most once per key: it claims the key in
// the ledger before the first request to Threads, records the container and
// the post, replays a published key, waits for a key being published by
// another call, and resumes a key whose publisher died. build turns the
// publish result into the tool result that is stored and replayed.
//
// The publish runs detached from the caller's cancellation (bounded), so a
// client that times out and retries gets the first attempt's post.
func publishOnce[R any, PR interface {
	*R
	metaCarrier
}](ctx context.Context, d Deps, r publishRequest, build func(*threads.PublishResult) PR) (PR, error) {
	if d.Ledger == nil {
		if err := d.quotas.check(ctx, r.acct, r.reply); err != nil {
			return nil, err
		}
		res, err := r.acct.API.PublishPost(ctx, r.post)
		if err != nil {
			return nil, err
		}
		d.quotas.used(r.acct, r.reply)
		return build(res), nil
	}
	hash, err := argsHash(r.tool, r.args)
	if err != nil {
		return nil, err
	}
	key, ttl := r.key, KeyTTL
	if key == "" {
		key, ttl = "auto:"+hash, DuplicateWindow
	}
	account := r.acct.Name
	for {
		c, err := d.Ledger.Claim(ctx, account, key, r.tool, hash, ttl)
		if err != nil {
			var me *ledger.MismatchError
			if errors.As(err, &me) {
				return nil, &userError{msg: me.Error()}
			}
			return nil, err
		}
		switch c.Action {
		case ledger.Replay:
			return replay[R, PR](c.Entry, r.key == "")
		case ledger.Wait:
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("waiting for an identical publish already in progress: %w", ctx.Err())
			case <-time.After(waitPoll):
			}
			continue
		}
		// Run or Resume: this call publishes, detached from cancellation.
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
		out, err := runClaim[R, PR](pctx, d, r, c, build)
		cancel()
		return out, err
	}
}

// replay returns a published entry's stored result, marked replayed.
func replay[R any, PR interface {
	*R
	metaCarrier
}](e ledger.Entry, automatic bool) (PR, error) {
	out := PR(new(R))
	if err := json.Unmarshal(e.Result, out); err != nil {
		return nil, fmt.Errorf("replay stored result: %w", err)
	}
	m := out.Meta()
	m.Replayed = true
	ago := time.Since(e.CreatedAt).Round(time.Second)
	if automatic {
		m.ReplayNote = fmt.Sprintf("An identical post was published %s ago (post %s); it was returned instead of posting a duplicate. "+
			"To post the same content again on purpose, pass a new idempotency_key.", ago, e.PostID)
	} else {
		m.ReplayNote = fmt.Sprintf("This idempotency_key was already published %s ago (post %s); the first result is returned and nothing was posted again.", ago, e.PostID)
	}
	return out, nil
}

// runClaim publishes for a claim (fresh or resumed) and records the outcome.
func runClaim[R any, PR interface {
	*R
	metaCarrier
}](ctx context.Context, d Deps, r publishRequest, c ledger.Claim, build func(*threads.PublishResult) PR) (PR, error) {
	// Keep the claim alive while publishing.
	stop := make(chan struct{})
	var hb sync.WaitGroup
	hb.Go(func() {
		t := time.NewTicker(d.Ledger.Lease() / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				_ = d.Ledger.Renew(ctx, c)
			}
		}
	})
	defer func() { close(stop); hb.Wait() }()

	var mu sync.Mutex
	recorded := c.Entry.ContainerID != ""
	post := r.post
	post.OnContainer = func(id string, items []string) {
		if err := d.Ledger.SetContainer(ctx, c, id, items); err != nil && d.Logger != nil {
			d.Logger.Warn("ledger: record container", "err", err)
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
	if c.Action == ledger.Resume && c.Entry.ContainerID != "" {
		res, err = r.acct.API.ResumePublish(ctx, c.Entry.ContainerID, post, c.Entry.CreatedAt)
		var ce *threads.ContainerError
		if errors.As(err, &ce) {
			// The earlier attempt's container can no longer be published:
			// nothing was posted, so start over.
			note = fmt.Sprintf("An earlier attempt was interrupted and its container ended %s; published anew.", ce.Status)
			if rerr := d.Ledger.Restart(ctx, c); rerr != nil {
				return nil, rerr
			}
			mu.Lock()
			recorded = false
			mu.Unlock()
			res, err = nil, nil
		} else if err == nil {
			note = "An earlier attempt was interrupted after creating its post container; it was finished without posting twice."
		}
	} else if c.Action == ledger.Resume {
		note = "An earlier attempt was interrupted before creating its post container; published anew."
	}
	if res == nil && err == nil {
		if qerr := d.quotas.check(ctx, r.acct, r.reply); qerr != nil {
			_ = d.Ledger.Fail(ctx, c, qerr.Error())
			return nil, qerr
		}
		res, err = r.acct.API.PublishPost(ctx, post)
	}
	if err != nil {
		mu.Lock()
		rec := recorded
		mu.Unlock()
		var ce *threads.ContainerError
		if rec && !errors.As(err, &ce) {
			// The outcome may be unknown: keep the container so the next call
			// with this key resumes from its status instead of posting again.
			_ = d.Ledger.Release(ctx, c, err.Error())
		} else {
			_ = d.Ledger.Fail(ctx, c, err.Error())
		}
		return nil, err
	}
	d.quotas.used(r.acct, r.reply)
	if note != "" {
		res.Note = joinNotes(note, res.Note)
	}
	out := build(res)
	b, jerr := json.Marshal(out)
	if jerr == nil {
		if cerr := d.Ledger.Complete(ctx, c, res.ID, b); cerr != nil && d.Logger != nil {
			d.Logger.Warn("ledger: record published post", "post_id", res.ID, "err", cerr)
		}
	}
	return out, nil
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
