package tools

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
)

// QuotaReader reads the account's rolling 24 h publishing quotas, and the
// posts and replies in that window (to tell when a spent quota frees up).
type QuotaReader interface {
	PublishingLimit(ctx context.Context, fields ...string) (*threads.PublishingLimit, *threads.Response, error)
	ListThreads(ctx context.Context, opts threads.ListOptions) (*threads.MediaList, *threads.Response, error)
	UserReplies(ctx context.Context, opts threads.ListOptions) (*threads.MediaList, *threads.Response, error)
}

// scopeDelete is the permission to delete posts and to read the delete
// quota (https://developers.facebook.com/docs/threads/posts/delete-posts).
const scopeDelete = "threads_delete"

// Permissions most tools need
// (https://developers.facebook.com/docs/threads/get-started/get-access-permissions).
const (
	scopeBasic          = "threads_basic"
	scopeContentPublish = "threads_content_publish"
)

// Threads' documented quotas, used when a response omits a config.
const (
	defaultPostQuota   = 250
	defaultReplyQuota  = 1000
	defaultDeleteQuota = 100
	quotaWindow        = 86400
)

// getPublishingLimit is the get_publishing_limit tool: posts, replies and
// deletes used and left in the rolling 24 hours.
func getPublishingLimit() Tool {
	return newTool[schemas.GetPublishingLimitArgs](def{
		name:        "get_publishing_limit",
		title:       "Get publishing limits",
		description: "Posts (250), replies (1,000) and deletes (100) used and left in the rolling 24 hours.",
		toolset:     ToolsetAccounts,
		scopes:      []string{scopeBasic},
		hints:       readOnly(),
	}, func(ctx context.Context, c *call, _ *schemas.GetPublishingLimitArgs) (*schemas.PublishingLimitResult, error) {
		acct := c.acct
		lim, _, err := acct.API.PublishingLimit(ctx, "quota_usage", "config", "reply_quota_usage", "reply_config")
		if err != nil {
			return nil, err
		}
		c.quotas.store(acct, lim) // a fresh reading: the next publish needs none
		out := &schemas.PublishingLimitResult{
			Posts:   quota(lim.QuotaUsage, lim.Config, defaultPostQuota),
			Replies: quota(lim.ReplyQuotaUsage, lim.ReplyConfig, defaultReplyQuota),
		}
		// Deletes need threads_delete, which the default login does not ask
		// for: read them separately and leave them out when refused.
		if del, _, err := acct.API.PublishingLimit(ctx, "delete_quota_usage", "delete_config"); err == nil {
			q := quota(del.DeleteQuotaUsage, del.DeleteConfig, defaultDeleteQuota)
			out.Deletes = &q
		} else if ae := (*threads.APIError)(nil); errors.As(err, &ae) && ae.Kind() == threads.KindPermission {
			// The missing scope is threads_delete, whatever the path says.
			out.Note = "Delete quota not shown. " + missingScope(scopeDelete, "needed only to read the delete quota and to delete posts", acct)
		} else {
			out.Note = "Delete quota not shown: " + explain(err, acct)
		}
		return out, nil
	})
}

// quota converts one quota group.
func quota(used int, cfg *threads.QuotaConfig, defTotal int) schemas.Quota {
	q := schemas.Quota{Used: used, Limit: defTotal, Window: quotaWindow}
	if cfg != nil && cfg.QuotaTotal > 0 {
		q.Limit = cfg.QuotaTotal
		if cfg.QuotaDuration > 0 {
			q.Window = cfg.QuotaDuration
		}
	}
	q.Left = max(q.Limit-q.Used, 0)
	return q
}

// quotaTTL is how long a publishing-limit reading is trusted.
const quotaTTL = 30 * time.Second

// quotaCache remembers recent publishing-limit readings per account, so a
// publish costs no extra request most of the time, and refuses at once when
// a quota is spent.
type quotaCache struct {
	mu sync.Mutex
	m  map[string]quotaReading
}

type quotaReading struct {
	used, total int
	at          time.Time
}

func newQuotaCache() *quotaCache { return &quotaCache{m: map[string]quotaReading{}} }

func quotaKey(acct *Account, reply bool) string {
	if reply {
		return acct.Name + "\x00replies"
	}
	return acct.Name + "\x00posts"
}

// quotaError is the refusal when a quota is spent.
type quotaError struct {
	what        string
	used, total int
	freeAt      time.Time
}

func (e *quotaError) Error() string {
	msg := fmt.Sprintf("Threads publishing quota spent: %d of %d %s in the last 24 hours; nothing was published (retryable: true", e.used, e.total, e.what)
	if e.freeAt.IsZero() {
		return msg + "). Fix: wait until older posts leave the rolling 24-hour window; get_publishing_limit shows the usage."
	}
	wait := time.Until(e.freeAt).Round(time.Minute)
	return msg + fmt.Sprintf(", retry_after_seconds: %d). The next one frees up at %s (in %s).",
		int(time.Until(e.freeAt).Seconds())+1, e.freeAt.UTC().Format(time.RFC3339), wait)
}

// check refuses when the account's post (or reply) quota is spent. Failing
// to read the quota does not block publishing: Threads enforces it anyway.
func (q *quotaCache) check(ctx context.Context, acct *Account, reply bool) error {
	if q == nil {
		return nil
	}
	r, ok := q.reading(ctx, acct, reply)
	if !ok || r.used < r.total {
		return nil
	}
	what := "posts"
	if reply {
		what = "replies"
	}
	return &quotaError{what: what, used: r.used, total: r.total, freeAt: oldestInWindow(ctx, acct, reply).Add(24 * time.Hour)}
}

// reading returns the account's post (or reply) quota, read at most
// quotaTTL ago; false when it cannot be read. One request reads both
// quotas: a reply after a post (or the other way round) costs no second read.
func (q *quotaCache) reading(ctx context.Context, acct *Account, reply bool) (quotaReading, bool) {
	k := quotaKey(acct, reply)
	q.mu.Lock()
	r, ok := q.m[k]
	q.mu.Unlock()
	if ok && time.Since(r.at) <= quotaTTL {
		return r, true
	}
	lim, _, err := acct.API.PublishingLimit(ctx, "quota_usage", "config", "reply_quota_usage", "reply_config")
	if err != nil {
		return quotaReading{}, false
	}
	q.store(acct, lim)
	q.mu.Lock()
	r = q.m[k]
	q.mu.Unlock()
	return r, true
}

// store caches the post and reply readings of lim.
func (q *quotaCache) store(acct *Account, lim *threads.PublishingLimit) {
	now := time.Now()
	posts := quotaReading{used: lim.QuotaUsage, total: defaultPostQuota, at: now}
	if lim.Config != nil && lim.Config.QuotaTotal > 0 {
		posts.total = lim.Config.QuotaTotal
	}
	replies := quotaReading{used: lim.ReplyQuotaUsage, total: defaultReplyQuota, at: now}
	if lim.ReplyConfig != nil && lim.ReplyConfig.QuotaTotal > 0 {
		replies.total = lim.ReplyConfig.QuotaTotal
	}
	q.mu.Lock()
	q.m[quotaKey(acct, false)] = posts
	q.m[quotaKey(acct, true)] = replies
	q.mu.Unlock()
}

// used counts a publish in the cached reading.
func (q *quotaCache) used(acct *Account, reply bool) {
	if q == nil {
		return
	}
	k := quotaKey(acct, reply)
	q.mu.Lock()
	if r, ok := q.m[k]; ok {
		r.used++
		q.m[k] = r
	}
	q.mu.Unlock()
}

// oldestInWindow finds the oldest post (or reply) of the last 24 hours, the
// next to leave the rolling window; zero when it cannot tell.
func oldestInWindow(ctx context.Context, acct *Account, reply bool) time.Time {
	opts := threads.ListOptions{Fields: []string{"id", "timestamp"}, Limit: 100, Since: time.Now().Add(-24 * time.Hour)}
	var oldest time.Time
	for range 10 {
		list := acct.API.ListThreads
		if reply {
			list = acct.API.UserReplies
		}
		page, _, err := list(ctx, opts)
		if err != nil {
			return time.Time{}
		}
		for _, m := range page.Data {
			if ts := m.Timestamp.Time; !ts.IsZero() && (oldest.IsZero() || ts.Before(oldest)) {
				oldest = ts
			}
		}
		if page.Paging.Next == "" || page.Paging.Cursors.After == "" {
			break
		}
		opts.After = page.Paging.Cursors.After
	}
	return oldest
}

// PublishingQuotas converts a publishing-limit reading to the post, reply
// and delete quotas get_publishing_limit reports, Threads' documented sizes
// filling in a config the response omits. The delete quota is meaningful
// only when lim was read with the delete fields (they need threads_delete).
func PublishingQuotas(lim *threads.PublishingLimit) (posts, replies, deletes schemas.Quota) {
	return quota(lim.QuotaUsage, lim.Config, defaultPostQuota),
		quota(lim.ReplyQuotaUsage, lim.ReplyConfig, defaultReplyQuota),
		quota(lim.DeleteQuotaUsage, lim.DeleteConfig, defaultDeleteQuota)
}
