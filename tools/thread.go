package tools

import (
	"context"
	"fmt"
	"strings"

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
		posts := threadPosts(a, rc)
		if err := c.threadQuota(ctx, chain, len(posts)); err != nil {
			return nil, err
		}
		progress := progressNotifier(ctx, c.req)
		out := &schemas.ThreadResult{ReplyControl: rc, Parts: make([]schemas.ThreadPartResult, 0, len(posts))}
		prev := ""
		for i, p := range posts {
			p.ReplyToID = prev
			res, err := publishOnce(ctx, c, publishRequest{
				tool: "publish_thread", args: threadPart{Chain: chainHash, Index: i, ReplyTo: prev},
				post: p, reply: i > 0, key: partKey(chain, i), keyTTL: ttl,
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
			if progress != nil {
				progress(threads.Progress{Step: threads.StepPublished, Current: i + 1, Total: len(posts),
					Message: fmt.Sprintf("part %d of %d published", i+1, len(posts))})
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
// (each is the previous part's id, known once it is published).
func threadPosts(a *schemas.PublishThreadArgs, rc string) []threads.Post {
	out := make([]threads.Post, len(a.Parts))
	for i, part := range a.Parts {
		p := threads.Post{Text: part.Text, ReplyControl: threads.ReplyControl(rc)}
		if i == 0 {
			p.TopicTag = a.TopicTag
		}
		if part.Media != nil {
			setMedia(&p, part.Media.Type, part.Media.URL)
			p.AltText = part.Media.AltText
		}
		if len(part.Items) > 0 {
			p.Items = carouselItems(part.Items)
		}
		p.Extra.IsSpoilerMedia = part.SpoilerMedia
		out[i] = p
	}
	return out
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
