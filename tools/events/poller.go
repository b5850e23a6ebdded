package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// Source is what the poller reads of one account; *threads.Client has it.
type Source interface {
	ListThreads(ctx context.Context, opts threads.ListOptions) (*threads.MediaList, *threads.Response, error)
	Replies(ctx context.Context, mediaID string, opts threads.ReplyListOptions) (*threads.MediaList, *threads.Response, error)
	Mentions(ctx context.Context, opts threads.ListOptions) (*threads.MediaList, *threads.Response, error)
}

// Poller defaults.
const (
	// DefaultInterval is how often an account is polled.
	DefaultInterval = 2 * time.Minute
	// DefaultRecentPosts is how many of the account's newest posts have
	// their replies read on each poll.
	DefaultRecentPosts = 10
	// maxBackoff is the most the interval is stretched when Threads says
	// the app is near or over its call volume.
	maxBackoff = 16
	// busyUsage is the X-App-Usage percentage from which polls slow down.
	busyUsage = 75
)

// PollerOptions configure a Poller.
type PollerOptions struct {
	// Resolve returns the Source of an account name.
	Resolve func(ctx context.Context, account string) (Source, error)
	// Accounts lists the account names Run polls.
	Accounts func(ctx context.Context) ([]string, error)
	// Interval is the time between two polls of an account (0:
	// DefaultInterval); it is stretched while Threads reports the app busy.
	Interval time.Duration
	// RecentPosts is how many recent posts have their replies read (0:
	// DefaultRecentPosts).
	RecentPosts int
	// Leases, when set, lets one process of several poll an account
	// (state.Store.TryLease); Owner names this process (state.NewLeaseOwner).
	Leases *state.Store
	Owner  string
	// Logger receives the poller's lines; nil discards.
	Logger *slog.Logger
}

// Poller reads new replies and mentions of accounts that get no webhooks.
// PollOnce is the unit of work (one account, once); Run drives it with a
// ticker for every account. A job scheduler can call PollOnce instead.
type Poller struct {
	store *Store
	o     PollerOptions
	log   *slog.Logger

	mu      sync.Mutex
	backoff map[string]int       // per account: the interval multiplier
	next    map[string]time.Time // per account: the earliest next poll
}

// NewPoller returns a poller storing into st.
func NewPoller(st *Store, o PollerOptions) *Poller {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.RecentPosts <= 0 {
		o.RecentPosts = DefaultRecentPosts
	}
	lg := o.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return &Poller{store: st, o: o, log: lg, backoff: map[string]int{}, next: map[string]time.Time{}}
}

// Fields read by the poller.
var (
	postFields    = []string{"id", "timestamp", "has_replies"}
	replyFields   = []string{"id", "text", "username", "permalink", "timestamp", "replied_to", "root_post", "is_reply_owned_by_me"}
	mentionFields = []string{"id", "text", "username", "permalink", "timestamp"}
)

// PollOnce reads the account's new replies (to those of its
// RecentPosts newest posts that have replies) and mentions, stores them, hands the new ones to the
// fanout and returns them. Replies and mentions from before the account
// was first polled are not events (the inbox starts when polling does);
// events already stored (by webhook or an earlier poll) are not repeated.
// A missing permission for mentions skips them; other errors end the poll.
func (p *Poller) PollOnce(ctx context.Context, account string) ([]Event, error) {
	src, err := p.o.Resolve(ctx, account)
	if err != nil {
		return nil, fmt.Errorf("events: poll %q: %w", account, err)
	}
	base, err := p.store.baseline(ctx, account)
	if err != nil {
		return nil, err
	}
	since := base.Truncate(time.Second)
	var found []Event
	busy := false
	note := func(resp *threads.Response) {
		if resp != nil && appUsage(resp.AppUsage) >= busyUsage {
			busy = true
		}
	}
	posts, resp, err := src.ListThreads(ctx, threads.ListOptions{Fields: postFields, Limit: p.o.RecentPosts})
	note(resp)
	if err != nil {
		return nil, p.failed(account, err)
	}
	for _, post := range posts.Data {
		if !post.HasReplies {
			continue // nothing to read: one call saved per quiet post
		}
		list, resp, err := src.Replies(ctx, post.ID, threads.ReplyListOptions{ListOptions: threads.ListOptions{Fields: replyFields, Limit: 25}})
		note(resp)
		if err != nil {
			return nil, p.failed(account, err)
		}
		for i := range list.Data {
			m := &list.Data[i]
			if m.IsReplyOwnedByMe || m.Timestamp.Before(since) {
				continue
			}
			ev := mediaEvent(FieldReplies, m)
			if ev.PostID == "" {
				ev.PostID = post.ID
			}
			found = append(found, ev)
		}
	}
	mentions, resp, err := src.Mentions(ctx, threads.ListOptions{Fields: mentionFields, Since: since, Limit: 25})
	note(resp)
	var ae *threads.APIError
	switch {
	case errors.As(err, &ae) && ae.Kind() == threads.KindPermission:
		p.log.Debug("poll: mentions skipped (no threads_manage_mentions)", "account", account)
	case err != nil:
		return nil, p.failed(account, err)
	default:
		for i := range mentions.Data {
			if m := &mentions.Data[i]; !m.Timestamp.Before(since) {
				found = append(found, mediaEvent(FieldMentions, m))
			}
		}
	}
	for i := range found {
		found[i].Account = account
	}
	fresh, err := p.store.Add(ctx, found...)
	if err != nil {
		return nil, err
	}
	if err := p.store.polled(ctx, account, time.Now()); err != nil {
		return nil, err
	}
	p.setBackoff(account, busy)
	if len(fresh) > 0 {
		p.log.Info("poll: new events", "account", account, "count", len(fresh))
		p.store.Deliver(ctx, SourcePoll, fresh)
	}
	return fresh, nil
}

// failed records a failed poll: a rate-limit answer doubles the account's
// interval.
func (p *Poller) failed(account string, err error) error {
	var ae *threads.APIError
	p.setBackoff(account, errors.As(err, &ae) && ae.Kind() == threads.KindRateLimited)
	return fmt.Errorf("events: poll %q: %w", account, err)
}

// setBackoff doubles the account's interval multiplier when busy, and
// resets it otherwise.
func (p *Poller) setBackoff(account string, busy bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := max(p.backoff[account], 1)
	if busy {
		f = min(f*2, maxBackoff)
	} else {
		f = 1
	}
	p.backoff[account] = f
	p.next[account] = time.Now().Add(p.o.Interval * time.Duration(f))
}

// Interval returns the account's current interval between polls.
func (p *Poller) Interval(account string) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.o.Interval * time.Duration(max(p.backoff[account], 1))
}

// due reports whether the account may be polled now.
func (p *Poller) due(account string, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !now.Before(p.next[account])
}

// Run polls every account at once and then each time its interval has
// passed, until ctx ends. With Leases, an account another process holds
// the lease of is left to it.
func (p *Poller) Run(ctx context.Context) {
	tick := min(p.o.Interval, 30*time.Second)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		p.Round(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Round polls the accounts that are due, once (the unit a periodic job
// runs; Run repeats it).
func (p *Poller) Round(ctx context.Context) {
	names, err := p.o.Accounts(ctx)
	if err != nil {
		p.log.Warn("poll: cannot list accounts", "err", err)
		return
	}
	for _, name := range names {
		if ctx.Err() != nil {
			return
		}
		if !p.due(name, time.Now()) {
			continue
		}
		if p.o.Leases != nil {
			ok, err := p.o.Leases.TryLease(ctx, "events.poll."+name, p.o.Owner, p.Interval(name))
			if err != nil || !ok {
				p.setBackoff(name, false) // another process polls it; look again later
				continue
			}
		}
		if _, err := p.PollOnce(ctx, name); err != nil && ctx.Err() == nil {
			p.log.Warn("poll failed", "account", name, "err", err)
		}
	}
}

// appUsage reads the largest percentage of an X-App-Usage header
// ({"call_count":…,"total_cputime":…,"total_time":…},
// https://developers.facebook.com/docs/graph-api/overview/rate-limiting);
// 0 when absent.
func appUsage(h string) int {
	if h == "" {
		return 0
	}
	var u map[string]float64
	if json.Unmarshal([]byte(h), &u) != nil {
		return 0
	}
	top := 0.0
	for _, v := range u {
		top = max(top, v)
	}
	return int(top)
}
