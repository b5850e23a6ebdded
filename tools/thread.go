package tools

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/tools/ledger"
)

// publishThread is the publish_thread tool: a chain of 2 to 25 parts, the
// first a post and each next one a reply to the part before it.
//
// Every part is validated (by PublishThreadArgs.Validate, through the
// pipeline) and the quotas checked for all unpublished parts before the
// first request. Each part is its own ledger entry, keyed
// "<chain key>/part-<i>", where the chain key is the call's
// idempotency_key, or, without one, "thread:" and the hash of the whole
// call (replayed for DuplicateWindow, like any publish without a key). A
// part's hashed arguments are the chain's hash, its index and the id it
// replies to, so a retry (or a restart after a crash) replays the parts
// already published, resumes an interrupted one from its container, and
// continues with the first unpublished one: no part is posted twice, and
// the same key with different parts is refused at part 0.
func publishThread() Tool {
	return newTool[schemas.PublishThreadArgs](def{
		name:  "publish_thread",
		title: "Publish a thread",
		description: fmt.Sprintf("Publish a thread of %d–%d parts, each replying to the previous, or one long text with split: true. "+
			"All parts are checked first; the same idempotency_key resumes a failed thread.",
			schemas.MinThreadParts, schemas.MaxThreadParts),
		toolset: ToolsetPublish,
		scopes:  []string{scopeBasic, scopeContentPublish},
		hints:   additive(),
	}, func(ctx context.Context, c *call, a *schemas.PublishThreadArgs) (*schemas.ThreadResult, error) {
		rc, err := c.replyControl(ctx, a.ReplyControl)
		if err != nil {
			return nil, err
		}
		content := *a
		content.ReplyControl = rc
		chainHash, err := argsHash("publish_thread", content)
		if err != nil {
			return nil, err
		}
		chain, ttl := c.key, KeyTTL
		if chain == "" {
			chain, ttl = "thread:"+chainHash, DuplicateWindow
		}
		posts, refs := threadPosts(a, rc)
		if err := c.threadQuota(ctx, chain, len(posts)); err != nil {
			return nil, err
		}
		if a.PreflightOn() {
			if err := c.threadMedia(ctx, chain, refs); err != nil {
				return nil, err
			}
		}
		send := progressSender(ctx, c.req)
		out := &schemas.ThreadResult{ReplyControl: rc, Parts: make([]schemas.ThreadPartResult, 0, len(posts))}
		prev := ""
		for i, p := range posts {
			p.ReplyToID = prev
			if send != nil {
				p.Progress = partProgress(send, i, len(posts), p)
			}
			res, err := publishOnce(ctx, c, publishRequest{
				tool: "publish_thread", args: threadPart{Chain: chainHash, Index: i, ReplyTo: prev},
				post: p, reply: i > 0, key: partKey(chain, i), keyTTL: ttl, media: refs[i], preflight: a.PreflightOn(),
			}, func(res *threads.PublishResult) *schemas.ReplyResult {
				return &schemas.ReplyResult{PostResult: postResult(res, p.Text, p.TopicTag, rc), ReplyToID: prev, ReplyNotLinked: res.ReplyNotLinked}
			})
			if err != nil {
				return nil, &userError{msg: chainFailure(out.Parts, i, len(posts), err, c), cause: err}
			}
			out.Parts = append(out.Parts, schemas.ThreadPartResult{Index: i, ID: res.ID, Permalink: res.Permalink, Replayed: res.Replayed,
				ReplyNotLinked: res.ReplyNotLinked})
			if res.ReplyNotLinked {
				out.Note = joinNotes(out.Note, fmt.Sprintf("Threads shows parts[%d] (%s) as a standalone post, not a reply to parts[%d] "+
					"(a known Threads issue with quick media replies); the rest of the thread replies to it.", i, res.ID, i-1))
			}
			prev = res.ID
			if send != nil {
				send(float64(i+1), len(posts), fmt.Sprintf("part %d/%d published", i+1, len(posts)))
			}
		}
		out.ID, out.Permalink = out.Parts[0].ID, out.Parts[0].Permalink
		replayed := 0
		for _, p := range out.Parts {
			if p.Replayed {
				replayed++
			}
		}
		switch {
		case replayed == len(out.Parts):
			out.Replayed = true
			out.ReplayNote = "Every part was already published by an earlier call; nothing was posted again."
		case replayed > 0:
			out.Note = joinNotes(out.Note, fmt.Sprintf("Parts 0–%d were already published by an earlier attempt and were not posted again; "+
				"the thread was resumed at part %d.", replayed-1, replayed))
		}
		return out, nil
	})
}

// partProgress reports the steps of part i of n (its container created,
// its image, video or carousel processing, its publish) as thread
// progress: "part 2/5: processing video… 12s". The thread's progress is
// i plus a fraction that grows with every step of the part and stays below
// 1, so it keeps increasing; the part's own published step is left to the
// thread, which reports i+1 once the part is recorded.
func partProgress(send func(float64, int, string), i, n int, p threads.Post) threads.ProgressFunc {
	kind := "text"
	switch {
	case len(p.Items) > 0:
		kind = "carousel"
	case p.VideoURL != "":
		kind = "video"
	case p.ImageURL != "":
		kind = "image"
	}
	var (
		steps int
		start time.Time
	)
	return func(pr threads.Progress) {
		if pr.Step == threads.StepPublished || (kind == "text" && pr.Step == threads.StepProcessing) {
			return
		}
		if start.IsZero() {
			start = time.Now()
		}
		msg := pr.Message
		if pr.Step == threads.StepProcessing {
			msg = "processing " + kind + "…"
			if d := time.Since(start).Round(time.Second); d >= time.Second {
				msg += " " + d.String()
			}
		}
		steps++
		send(float64(i)+float64(steps)/float64(steps+1), n, fmt.Sprintf("part %d/%d: %s", i+1, n, msg))
	}
}

// threadPart is what a part's ledger entry hashes: the whole call (its
// hash), the part's place and the id it replies to.
type threadPart struct {
	Chain   string `json:"chain"`
	Index   int    `json:"index"`
	ReplyTo string `json:"reply_to,omitempty"`
}

// partKey is the ledger key of part i of the chain keyed chain.
func partKey(chain string, i int) string { return fmt.Sprintf("%s/part-%d", chain, i) }

// threadPosts are the posts of a thread's parts, without their reply ids
// (each is the previous part's id, known once it is published), and each
// part's media.
func threadPosts(a *schemas.PublishThreadArgs, rc string) ([]threads.Post, [][]mediaRef) {
	out := make([]threads.Post, len(a.Parts))
	refs := make([][]mediaRef, len(a.Parts))
	for i, part := range a.Parts {
		p := threads.Post{Text: part.Text, ReplyControl: threads.ReplyControl(rc)}
		if i == 0 {
			p.TopicTag = a.TopicTag
		}
		prefix := fmt.Sprintf("parts[%d].", i)
		if part.Media != nil {
			setMedia(&p, part.Media.Type, addMedia(&refs[i], prefix+"media.", *part.Media, -1))
			p.AltText = part.Media.AltText
		}
		if len(part.Items) > 0 {
			p.Items = carouselItems(part.Items, prefix, &refs[i])
		}
		p.Extra.IsSpoilerMedia = part.SpoilerMedia
		out[i] = p
	}
	return out, refs
}

// threadQuota refuses a thread whose unpublished parts exceed the post or
// reply quota left (part 0 is a post, the others replies); parts an
// earlier attempt published cost nothing. An unreadable quota does not
// block: Threads enforces it, and a failure mid-chain says how to resume.
func (c *call) threadQuota(ctx context.Context, chain string, n int) error {
	var posts, replies int
	for i := range n {
		e, err := c.Ledger.Get(ctx, c.scope(), partKey(chain, i))
		if err != nil {
			return err
		}
		if e != nil && e.State == ledger.StatePublished && c.Ledger.Now().Before(e.ExpiresAt) {
			continue
		}
		if i == 0 {
			posts++
		} else {
			replies++
		}
	}
	for _, need := range []struct {
		n     int
		reply bool
		what  string
	}{{posts, false, "post"}, {replies, true, "replies"}} {
		if need.n == 0 {
			continue
		}
		r, ok := c.quotas.reading(ctx, c.acct, need.reply)
		if left := r.total - r.used; ok && left < need.n {
			return userErrorf("Threads publishing quota too low for this thread: it needs %d %s and %d of %d are left in the "+
				"rolling 24 hours; nothing was published. Fix: publish fewer parts, or wait until older posts leave the window "+
				"(get_publishing_limit shows the usage).", need.n, need.what, max(left, 0), r.total)
		}
	}
	return nil
}

// threadMedia checks the media of every part not yet published before the
// first part is sent (each part stages and checks its own again right
// before its container), so a bad file in the last part stops the thread
// before its first part goes live.
func (c *call) threadMedia(ctx context.Context, chain string, refs [][]mediaRef) error {
	var pending []mediaRef
	for i, r := range refs {
		e, err := c.Ledger.Get(ctx, c.scope(), partKey(chain, i))
		if err != nil {
			return err
		}
		if e != nil && e.State == ledger.StatePublished {
			continue
		}
		pending = append(pending, r...)
	}
	if len(pending) == 0 {
		return nil
	}
	if _, err := c.checkMedia(ctx, pending); err != nil {
		return &mediaError{err: err}
	}
	return nil
}

// chainFailure explains a thread that stopped at part failed of total: why,
// what is live (ids and permalinks), and how to resume.
func chainFailure(done []schemas.ThreadPartResult, failed, total int, err error, c *call) string {
	var b strings.Builder
	fmt.Fprintf(&b, "part %d of %d (parts[%d]) failed: %s", failed+1, total, failed, strings.TrimSuffix(explain(err, c.acct), "."))
	if len(done) == 0 {
		b.WriteString(". No part was published before it.")
	} else {
		b.WriteString(". Published before it:")
		for _, p := range done {
			fmt.Fprintf(&b, " parts[%d] %s", p.Index, p.ID)
			if p.Permalink != "" {
				fmt.Fprintf(&b, " (%s)", p.Permalink)
			}
			b.WriteString(";")
		}
	}
	retry := "call publish_thread again with the same arguments within 10 minutes"
	if c.key != "" {
		retry = fmt.Sprintf("call publish_thread again with the same arguments and idempotency_key %s", quote(c.key))
	}
	fmt.Fprintf(&b, " To resume: fix the cause if it is yours to fix, then %s: it continues at parts[%d] without reposting the published parts. "+
		"Changing the arguments starts a new thread.", retry, failed)
	return b.String()
}
