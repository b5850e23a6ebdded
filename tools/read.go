package tools

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
)

// Reader reads posts, profiles, mentions and search results.
type Reader interface {
	Me(ctx context.Context, fields ...string) (*threads.User, *threads.Response, error)
	GetMedia(ctx context.Context, mediaID string, fields ...string) (*threads.Media, *threads.Response, error)
	GhostPosts(ctx context.Context, opts threads.ListOptions) (*threads.MediaList, *threads.Response, error)
	ResolveShortcode(ctx context.Context, ref threads.PostRef, opts threads.ResolveOptions) (*threads.Media, *threads.Response, error)
	KeywordSearch(ctx context.Context, opts threads.KeywordSearchOptions) (*threads.MediaList, *threads.Response, error)
	Mentions(ctx context.Context, opts threads.ListOptions) (*threads.MediaList, *threads.Response, error)
	ProfileLookup(ctx context.Context, username string, fields ...string) (*threads.PublicProfile, *threads.Response, error)
	ProfilePosts(ctx context.Context, username string, opts threads.ListOptions) (*threads.MediaList, *threads.Response, error)
}

// Moderator hides replies and decides on replies held for approval.
type Moderator interface {
	PendingReplies(ctx context.Context, mediaID string, opts threads.ReplyListOptions) (*threads.MediaList, *threads.Response, error)
	ManageReply(ctx context.Context, replyID string, hide bool) (*threads.Response, error)
	ManagePendingReply(ctx context.Context, replyID string, approve bool) (*threads.Response, error)
}

// Permissions of the reading and moderation tools
// (https://developers.facebook.com/docs/threads/get-started/get-access-permissions).
const (
	scopeReadReplies      = "threads_read_replies"
	scopeManageReplies    = "threads_manage_replies"
	scopeManageInsights   = "threads_manage_insights"
	scopeKeywordSearch    = "threads_keyword_search"
	scopeManageMentions   = "threads_manage_mentions"
	scopeProfileDiscovery = "threads_profile_discovery"
)

// listFields are the media fields the list tools ask for. Carousel children
// are expanded (Meta returns their fields; a server that does not gives
// ids). hide_status and reply_audience need threads_read_replies.
var listFields = []string{"id", "permalink", "shortcode", "username", "media_type", "media_url", "text",
	"timestamp", "topic_tag", "is_quote_post", "quoted_post", "reposted_post", "has_replies", "is_reply",
	"replied_to", "children{id,media_type,media_url,thumbnail_url,alt_text}", "ghost_post_status"}

// ownListFields adds what only the author may read.
var ownListFields = append(slices.Clone(listFields), "reply_audience")

// postItem converts a media object to a list item; own is the account's
// username ("" when unknown: then every item is marked untrusted unless
// mine says otherwise).
func postItem(m *threads.Media, own string, mine bool) schemas.PostItem {
	text, cut := preview(m.Text)
	it := schemas.PostItem{
		ID: m.ID, Permalink: m.Permalink, Shortcode: m.Shortcode, Username: m.Username,
		MediaType: string(m.MediaType), Text: text, TextTruncated: cut, Timestamp: rfc3339(m.Timestamp.Time),
		TopicTag: m.TopicTag, ReplyAudience: m.ReplyAudience, IsQuotePost: m.IsQuotePost,
		HasReplies: m.HasReplies, IsReply: m.IsReply, MediaURL: m.MediaURL, GhostStatus: m.GhostPostStatus,
	}
	if m.QuotedPost != nil {
		it.QuotedPostID = m.QuotedPost.ID
		it.IsQuotePost = true
	}
	if m.RepostedPost != nil {
		it.RepostedPostID = m.RepostedPost.ID
	}
	if m.RepliedTo != nil {
		it.RepliedTo = m.RepliedTo.ID
		it.IsReply = true
	}
	if m.Children != nil {
		for _, ch := range m.Children.Data {
			it.Children = append(it.Children, schemas.ChildItem{ID: ch.ID, MediaType: string(ch.MediaType),
				MediaURL: ch.MediaURL, ThumbnailURL: ch.ThumbnailURL, AltText: ch.AltText})
		}
	}
	it.Untrusted = !mine && !(own != "" && strings.EqualFold(m.Username, own))
	return it
}

// preview cuts text to schemas.PreviewLength characters.
func preview(s string) (string, bool) {
	if utf8.RuneCountInString(s) <= schemas.PreviewLength {
		return s, false
	}
	n := 0
	for i := range s {
		if n == schemas.PreviewLength {
			return strings.TrimRight(s[:i], " ") + "…", true
		}
		n++
	}
	return s, false
}

// source is one Threads list a paginated tool reads.
type source func(ctx context.Context, o threads.ListOptions) (*threads.MediaList, *threads.Response, error)

// pageCursor is the state behind a tool's next_cursor: which tool, account
// and arguments it continues, the window resolved on the first page, and
// for every source the Meta cursor of the page being read and how many of
// its items were already returned. It holds Meta's paging cursors (opaque
// positions, never a token) and nothing secret; it is encoded as base64url
// JSON, and tools treat it as opaque.
type pageCursor struct {
	V     int      `json:"v"`
	Tool  string   `json:"t"`
	Acct  string   `json:"a"`
	Query string   `json:"q"`
	Since int64    `json:"s,omitempty"`
	Until int64    `json:"u,omitempty"`
	Fetch int      `json:"f"`
	Pos   []srcPos `json:"p"`
}

type srcPos struct {
	At   string `json:"at,omitempty"` // Meta's after cursor of the page ("" for the first)
	Skip int    `json:"k,omitempty"`  // items of that page already returned
	Done bool   `json:"d,omitempty"`  // no more items
}

const cursorVersion = 1

// cursorError is a cursor the tool cannot continue.
func cursorError(tool, why string) error {
	return userErrorf("cursor: %s. Nothing was sent to Threads. Fix: pass next_cursor exactly as the last %s result "+
		"returned it, with the same arguments, or omit cursor to start from the first page.", why, tool)
}

// queryKey identifies a list's arguments (everything but the paging).
func queryKey(v any) string {
	b, _ := json.Marshal(v)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

// pageRequest is one page of a paginated tool.
type pageRequest struct {
	tool   string
	query  any // the arguments that define the list (not limit or cursor)
	cursor string
	limit  int
	since  time.Time
	until  time.Time
	fields []string
	srcs   []source
	// keepOrder keeps each source's own order (a single source in the
	// order Threads returns it) instead of merging newest first.
	keepOrder bool
}

// pageResult is a page merged from the sources, newest first.
type pageResult struct {
	items        []threads.Media
	next         string
	since, until time.Time
	calls        int
}

// readPage reads one page of up to limit items from the sources, merged
// newest first. A single source is read page by page; several are read
// side by side and merged, each resuming where the last page stopped
// within its own Meta page. A stale cursor (Meta refuses it) or a cursor
// of another tool, account or argument set is a tool error.
func (c *call) readPage(ctx context.Context, r pageRequest) (*pageResult, error) {
	st := pageCursor{V: cursorVersion, Tool: r.tool, Acct: c.acctKey(), Query: queryKey(r.query), Fetch: r.limit,
		Pos: make([]srcPos, len(r.srcs))}
	if !r.since.IsZero() {
		st.Since = r.since.Unix()
	}
	if !r.until.IsZero() {
		st.Until = r.until.Unix()
	}
	if r.cursor != "" {
		var got pageCursor
		b, err := base64.RawURLEncoding.DecodeString(r.cursor)
		if err != nil || json.Unmarshal(b, &got) != nil || got.V != cursorVersion {
			return nil, cursorError(r.tool, "not a cursor of this server")
		}
		switch {
		case got.Tool != r.tool:
			return nil, cursorError(r.tool, "it belongs to "+got.Tool+", not "+r.tool)
		case got.Acct != st.Acct:
			return nil, cursorError(r.tool, "it belongs to another account")
		case got.Query != st.Query || len(got.Pos) != len(r.srcs) || got.Fetch < 1 || got.Fetch > schemas.MaxListLimit:
			return nil, cursorError(r.tool, "it was made for other arguments")
		}
		st = got
	}
	out := &pageResult{}
	if st.Since != 0 {
		out.since = time.Unix(st.Since, 0).UTC()
	}
	if st.Until != 0 {
		out.until = time.Unix(st.Until, 0).UTC()
	}
	type pending struct {
		src, idx int
		m        threads.Media
	}
	var pool []pending
	pages := make([]*threads.MediaList, len(r.srcs))
	for i, list := range r.srcs {
		p := st.Pos[i]
		if p.Done {
			continue
		}
		ml, _, err := list(ctx, threads.ListOptions{Fields: r.fields, Limit: st.Fetch, After: p.At, Since: out.since, Until: out.until})
		out.calls++
		if err != nil {
			var ae *threads.APIError
			if p.At != "" && errors.As(err, &ae) && ae.Kind() == threads.KindInvalidParameter {
				return nil, cursorError(r.tool, "Threads no longer accepts it (it is stale: the list changed or the cursor expired)")
			}
			return nil, err
		}
		pages[i] = ml
		for j := p.Skip; j < len(ml.Data); j++ {
			pool = append(pool, pending{i, j, ml.Data[j]})
		}
	}
	if !r.keepOrder {
		slices.SortStableFunc(pool, func(a, b pending) int {
			if d := b.m.Timestamp.Compare(a.m.Timestamp.Time); d != 0 {
				return d
			}
			return cmp.Or(cmp.Compare(a.src, b.src), cmp.Compare(a.idx, b.idx))
		})
	}
	if len(pool) > r.limit {
		pool = pool[:r.limit]
	}
	taken := make([]int, len(r.srcs))
	for _, p := range pool {
		out.items = append(out.items, p.m)
		taken[p.src]++
	}
	more := false
	for i, ml := range pages {
		if ml == nil {
			continue
		}
		p := &st.Pos[i]
		p.Skip += taken[i]
		if p.Skip >= len(ml.Data) {
			if ml.Paging.Cursors.After == "" || ml.Paging.Next == "" || len(ml.Data) == 0 {
				p.Done = true
			} else {
				p.At, p.Skip = ml.Paging.Cursors.After, 0
			}
		}
		more = more || !p.Done
	}
	if more {
		b, _ := json.Marshal(st)
		out.next = base64.RawURLEncoding.EncodeToString(b)
	}
	return out, nil
}

// acctKey names the call's account in cursors and caches.
func (c *call) acctKey() string {
	if c.acct == nil {
		return ""
	}
	return c.acct.Name + "\x00" + c.acct.Username
}

// ownUsername returns the account's username, asking Threads once per
// call when the account does not know it.
func (c *call) ownUsername(ctx context.Context) (string, error) {
	if c.acct.Username != "" {
		return c.acct.Username, nil
	}
	u, _, err := c.acct.API.Me(ctx, "id", "username")
	if err != nil {
		return "", err
	}
	c.acct.Username = u.Username
	return u.Username, nil
}

// window resolves a since/until pair against now (the defaults already
// applied); open ends stay zero. An until a little ahead of this clock
// (validation allows a minute of skew) becomes now: Meta refuses an until
// in the future.
func window(w schemas.WindowArg) (since, until time.Time, err error) {
	now := time.Now()
	since, until, err = w.Window(now)
	if until.After(now) {
		until = now
	}
	return since, until, err
}

// insightTTL is how long a post's metrics are reused by get_top_posts.
const insightTTL = 5 * time.Minute

// insightCache remembers post metrics per account, so asking again about
// the same window (or an overlapping one) costs no requests for a while.
type insightCache struct {
	mu sync.Mutex
	m  map[string]cachedInsights
}

type cachedInsights struct {
	ins []threads.Insight
	at  time.Time
}

func newInsightCache() *insightCache { return &insightCache{m: map[string]cachedInsights{}} }

func (ic *insightCache) get(key string) ([]threads.Insight, bool) {
	if ic == nil {
		return nil, false
	}
	ic.mu.Lock()
	defer ic.mu.Unlock()
	e, ok := ic.m[key]
	if !ok || time.Since(e.at) > insightTTL {
		delete(ic.m, key)
		return nil, false
	}
	return e.ins, true
}

func (ic *insightCache) put(key string, ins []threads.Insight) {
	if ic == nil {
		return
	}
	ic.mu.Lock()
	defer ic.mu.Unlock()
	now := time.Now()
	if len(ic.m) > 5000 { // bound the memory: drop what expired
		for k, e := range ic.m {
			if now.Sub(e.at) > insightTTL {
				delete(ic.m, k)
			}
		}
	}
	ic.m[key] = cachedInsights{ins: ins, at: now}
}
