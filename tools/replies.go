package tools

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
)

// settingReplyControl is the settings key of an account's default reply audience.
const settingReplyControl = "reply_control"

// defaultReplyControl is Threads' own default audience.
const defaultReplyControl = string(threads.ReplyEveryone)

// replyControl returns the per-call value when given, else the account's
// stored default, else Threads' default.
func (c *call) replyControl(ctx context.Context, perCall string) (string, error) {
	if perCall != "" {
		return perCall, nil
	}
	if c.Settings == nil {
		return defaultReplyControl, nil
	}
	key := c.settingKey(settingReplyControl)
	if v, ok := c.replyDefaults.get(c.acct.Name, key); ok {
		return v, nil
	}
	v, ok, err := c.Settings.Setting(ctx, c.acct.Name, key)
	if err != nil {
		return "", fmt.Errorf("read the default reply control: %w", err)
	}
	if !ok || v == "" {
		v = defaultReplyControl
	}
	c.replyDefaults.put(c.acct.Name, key, v)
	return v, nil
}

// settingKey is the settings key of k for this server: sandbox settings
// are kept apart from live ones, so a live account stored under the name
// "sandbox" never inherits what was set in sandbox mode.
func (d Deps) settingKey(k string) string {
	if d.Sandbox {
		return "sandbox:" + k
	}
	return k
}

// settingTTL bounds how long a cached setting is trusted: a change made by
// another server process sharing the state database is seen within it (a
// change made through this process is seen at once).
const settingTTL = 10 * time.Second

// settingCache remembers settings read from the state database, so a
// publish does not read the default reply audience every time.
type settingCache struct {
	mu sync.Mutex
	m  map[[2]string]cachedSetting
}

type cachedSetting struct {
	value string
	at    time.Time
}

func newSettingCache() *settingCache { return &settingCache{m: map[[2]string]cachedSetting{}} }

func (s *settingCache) get(account, key string) (string, bool) {
	if s == nil {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.m[[2]string{account, key}]
	if !ok || time.Since(e.at) > settingTTL {
		return "", false
	}
	return e.value, true
}

func (s *settingCache) put(account, key, value string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.m[[2]string{account, key}] = cachedSetting{value: value, at: time.Now()}
	s.mu.Unlock()
}

// reply is the reply tool: a text, image or video reply to a post or reply.
func reply() Tool {
	return newTool[schemas.ReplyArgs](def{
		name:  "reply",
		title: "Reply to a post",
		description: "Reply to a post or reply by id: text, one image or video, or on a text reply one poll, gif or " +
			"text_attachment (rules of publish_text). Another account's post needs threads_keyword_search or threads_manage_mentions.",
		toolset: ToolsetPublish,
		scopes:  []string{scopeBasic, scopeContentPublish, "threads_keyword_search", "threads_manage_mentions"},
		hints:   additive(),

		// Only a reply to another account's post needs one of these.
		optional: []string{"threads_keyword_search", "threads_manage_mentions"},
	}, func(ctx context.Context, c *call, a *schemas.ReplyArgs) (*schemas.ReplyResult, error) {
		rc, err := c.replyControl(ctx, a.ReplyControl)
		if err != nil {
			return nil, err
		}
		content := *a
		content.ReplyControl = rc
		post, refs := replyPost(a, rc)
		post.Progress = progressNotifier(ctx, c.req)
		return publishOnce(ctx, c, publishRequest{
			tool: "reply", args: content, reply: true, post: post, media: refs, preflight: a.PreflightOn(),
		}, func(res *threads.PublishResult) *schemas.ReplyResult {
			return &schemas.ReplyResult{
				PostResult:     postResult(res, a.Text, "", rc),
				ReplyToID:      a.ReplyToID,
				ReplyNotLinked: res.ReplyNotLinked,
			}
		})
	})
}

// replyPost is the post reply publishes (validate_post shows it), and its
// media: image_url and video_url are pre-flighted like media, under their
// own names.
func replyPost(a *schemas.ReplyArgs, rc string) (threads.Post, []mediaRef) {
	p := threads.Post{
		Text:         a.Text,
		AltText:      a.AltText,
		ReplyToID:    a.ReplyToID,
		ReplyControl: threads.ReplyControl(rc),
	}
	var refs []mediaRef
	switch {
	case a.Media != nil:
		setMedia(&p, a.Media.Type, addMedia(&refs, "media.", *a.Media, -1))
		if a.Media.AltText != "" {
			p.AltText = a.Media.AltText
		}
	case a.ImageURL != "":
		setMedia(&p, "image", addMedia(&refs, "image_", schemas.CarouselItemArgs{Type: "image", URL: a.ImageURL}, -1))
	case a.VideoURL != "":
		setMedia(&p, "video", addMedia(&refs, "video_", schemas.CarouselItemArgs{Type: "video", URL: a.VideoURL}, -1))
	}
	setContent(&p.Extra, a.Text, &a.ContentAttachments)
	p.Extra.IsSpoilerMedia = a.SpoilerMedia
	return p, refs
}

// setReplyControl is the set_reply_control tool: it sets the account's
// default reply audience for posts and replies created afterwards. Threads
// fixes reply_control when a post is created (it is a container parameter;
// https://developers.facebook.com/docs/threads/reply-management), so the
// setting is a publishing default and belongs to the publish toolset: it
// changes what later publishes do, is useless without them, and a read-only
// deployment must not change it.
func setReplyControl() Tool {
	return newTool[schemas.SetReplyControlArgs](def{
		name:  "set_reply_control",
		title: "Set who may reply",
		description: "Set the default reply audience of new posts and replies; a published post's cannot change " +
			"(hide its replies instead).",
		toolset: ToolsetPublish,
		hints:   localSetting(),
	}, func(ctx context.Context, c *call, a *schemas.SetReplyControlArgs) (*schemas.SetReplyControlResult, error) {
		if a.PostID != "" {
			return nil, userErrorf("Threads cannot change who may reply to an already published post (%s): "+
				"reply_control is fixed when a post is created. Nothing was changed. To silence replies on that post, "+
				"find them with list_replies (post_id %s) and hide them with hide_reply (nested replies follow; unhide_reply "+
				"undoes it); for a post created with reply approvals, list_pending_replies, approve_reply and ignore_reply "+
				"decide on held replies. To set the default for future posts, call set_reply_control without post_id.",
				a.PostID, a.PostID)
		}
		if c.Settings == nil {
			return nil, fmt.Errorf("no state store is configured")
		}
		key := c.settingKey(settingReplyControl)
		prev, err := c.Settings.SetSetting(ctx, c.acct.Name, key, a.Value)
		if err != nil {
			return nil, fmt.Errorf("save the default reply control: %w", err)
		}
		c.replyDefaults.put(c.acct.Name, key, a.Value)
		if prev == "" {
			prev = defaultReplyControl
		}
		return &schemas.SetReplyControlResult{
			Previous:  prev,
			Current:   a.Value,
			AppliesTo: "posts and replies published from now on by publish_text, publish_carousel and reply, unless a call sets its own reply_control",
			Note:      "Already published posts keep their reply setting: Threads cannot change it after publishing.",
		}, nil
	})
}

// replyFields are the fields list_replies and list_pending_replies ask
// for; hide_status and reply_audience need threads_read_replies, which the
// tools need anyway.
var replyFields = []string{"id", "text", "username", "timestamp", "permalink", "has_replies", "hide_status",
	"reply_audience", "replied_to"}

// listReplies is the list_replies tool: direct replies or the whole
// conversation under a post, newest or oldest first, paginated; with
// pending, the replies held for approval instead.
func listReplies() Tool {
	return newTool[schemas.ListRepliesArgs](def{
		name:  "list_replies",
		title: "List replies",
		description: "List replies to a post with their hide_status, or with pending the held ones (approve_reply, " +
			"ignore_reply).",
		toolset: ToolsetRead,
		scopes:  []string{scopeBasic},
		needs:   []string{scopeReadReplies},
		hints:   readOnly(),
	}, func(ctx context.Context, c *call, a *schemas.ListRepliesArgs) (*schemas.ListRepliesResult, error) {
		api := c.acct.API
		list := api.Replies
		switch {
		case a.Pending:
			list = api.PendingReplies
		case a.Scope == "conversation":
			list = api.Conversation
		}
		return c.replyPage(ctx, replyPageRequest{
			tool: "list_replies", postID: a.PostID, order: a.Order, limit: a.Limit, cursor: a.Cursor,
			query: []any{a.PostID, a.Scope, a.Order, a.Pending}, list: list, pending: a.Pending,
		})
	})
}

// replyPageRequest is one page of list_replies or list_pending_replies.
type replyPageRequest struct {
	tool, postID, order, cursor string
	limit                       int
	query                       any
	list                        func(ctx context.Context, mediaID string, opts threads.ReplyListOptions) (*threads.MediaList, *threads.Response, error)
	pending                     bool
	approval                    string
}

// replyPage reads a page of replies through readPage (opaque cursors).
func (c *call) replyPage(ctx context.Context, r replyPageRequest) (*schemas.ListRepliesResult, error) {
	reverse := r.order != "oldest"
	fields := replyFields
	if r.pending {
		fields = append(slices.Clone(replyFields), "reply_approval_status")
	}
	src := func(ctx context.Context, o threads.ListOptions) (*threads.MediaList, *threads.Response, error) {
		return r.list(ctx, r.postID, threads.ReplyListOptions{ListOptions: o, Reverse: &reverse, ApprovalStatus: r.approval})
	}
	page, err := c.readPage(ctx, pageRequest{tool: r.tool, query: r.query, cursor: r.cursor, limit: r.limit,
		fields: fields, srcs: []source{src}, keepOrder: true})
	if err != nil {
		return nil, err
	}
	out := &schemas.ListRepliesResult{
		PostID:     r.postID,
		Replies:    make([]schemas.ReplyItem, 0, len(page.items)),
		Notice:     schemas.RepliesNotice,
		NextCursor: page.next,
	}
	for _, m := range page.items {
		item := schemas.ReplyItem{
			ID:             m.ID,
			Text:           m.Text,
			Username:       m.Username,
			Timestamp:      rfc3339(m.Timestamp.Time),
			Permalink:      m.Permalink,
			HasReplies:     m.HasReplies,
			HideStatus:     m.HideStatus,
			ReplyAudience:  m.ReplyAudience,
			ApprovalStatus: m.ReplyApprovalStatus,
			Untrusted:      true,
		}
		if m.RepliedTo != nil {
			item.RepliedTo = m.RepliedTo.ID
		}
		out.Replies = append(out.Replies, item)
	}
	return out, nil
}
