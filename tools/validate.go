package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
)

// intentBase is Threads' web intent for composing a post by hand
// (https://www.threads.com/intent/post?text=…).
const intentBase = "https://www.threads.com/intent/post"

// validatePost is the validate_post tool: a dry run of a publishing tool.
// It runs the named tool's own checks (Tool.check, the pipeline's
// checkArgs), so its verdict is the real call's, word for word; for valid
// arguments it shows what the call would send. It makes no request: the
// account is resolved locally, the reply audience default comes from the
// state store, and the quota left is the last reading this server cached.
func validatePost() Tool {
	return newTool[schemas.ValidatePostArgs](def{
		name:  "validate_post",
		title: "Check a post without publishing",
		description: "Dry-run a publishing tool's call; sends nothing. Returns the error it would give, or each " +
			"container's Graph parameters, counted length, links, warnings and quota.",
		toolset: ToolsetPublish,
		hints:   localRead(),
	}, func(ctx context.Context, c *call, a *schemas.ValidatePostArgs) (*schemas.ValidatePostResult, error) {
		i := slices.IndexFunc(allTools(), func(t Tool) bool { return t.Name() == a.Tool })
		if i < 0 {
			return nil, fmt.Errorf("tool %s is not available", a.Tool)
		}
		raw, err := json.Marshal(a.Arguments)
		if err != nil {
			return nil, fmt.Errorf("encode arguments: %w", err)
		}
		out := &schemas.ValidatePostResult{Tool: a.Tool}
		args, err := allTools()[i].check(raw)
		if err != nil {
			out.Error = invalidInputText(a.Tool, err)
			return out, nil
		}
		if aa, ok := args.(accountArgs); ok {
			if c.acct, err = c.account(ctx, aa.AccountArgument().Account); err != nil {
				out.Error = a.Tool + ": " + explain(err, nil) // as errorResult words it
				return out, nil
			}
		}
		out.Valid = true
		posts, refs, cost, warnings, err := c.plan(ctx, args)
		if err != nil {
			return nil, err
		}
		switch {
		case len(refs) > 0 && a.CheckMedia:
			notes, err := c.checkMedia(ctx, refs)
			if err != nil {
				out.Valid, out.Error = false, a.Tool+": "+(&mediaError{err: err}).Error()
				return out, nil
			}
			warnings = append(warnings, notes...)
		case len(refs) > 0:
			warnings = append(warnings, "Media were not checked: pass check_media: true to fetch and check them as publishing does.")
		}
		out.QuotaCost, out.Warnings = &cost, warnings
		for part, p := range posts {
			for _, params := range containerParams(p) {
				out.Containers = append(out.Containers, containerPreview(part, p, params))
			}
		}
		if len(posts) > 0 && strings.TrimSpace(posts[0].Text) != "" {
			out.IntentURL = intentBase + "?text=" + url.QueryEscape(posts[0].Text)
			if posts[0].ImageURL != "" || posts[0].VideoURL != "" || len(posts[0].Items) > 0 || len(posts) > 1 {
				out.Warnings = append(out.Warnings, "intent_url carries the first text only: add media and further parts by hand.")
			}
		}
		out.QuotaLeft = c.cachedQuota(cost)
		return out, nil
	})
}

// plan returns the posts a valid call of a publishing tool would publish
// (built by the same functions the tools use), what they cost in quota,
// and warnings.
func (c *call) plan(ctx context.Context, args any) ([]threads.Post, []mediaRef, schemas.QuotaCost, []string, error) {
	var (
		rcArg    string
		build    func(rc string) []threads.Post
		refs     []mediaRef
		cost     = schemas.QuotaCost{Posts: 1}
		warnings []string
	)
	switch a := args.(type) {
	case *schemas.PublishTextArgs:
		rcArg, build = a.ReplyControl, func(rc string) []threads.Post { return []threads.Post{textPost(a, rc)} }
		if len(a.AllowlistedCountryCodes) > 0 {
			warnings = append(warnings, "Whether the account may geo-gate (allowlisted_country_codes) is checked when publishing, not here.")
		}
	case *schemas.PublishMediaArgs:
		rcArg, build = a.ReplyControl, func(rc string) []threads.Post {
			p, r := mediaPost(a, rc)
			refs = r
			return []threads.Post{p}
		}
	case *schemas.PublishCarouselArgs:
		rcArg, build = a.ReplyControl, func(rc string) []threads.Post {
			p, r := carouselPost(a, rc)
			refs = r
			return []threads.Post{p}
		}
	case *schemas.ReplyArgs:
		cost = schemas.QuotaCost{Replies: 1}
		rcArg, build = a.ReplyControl, func(rc string) []threads.Post {
			p, r := replyPost(a, rc)
			refs = r
			return []threads.Post{p}
		}
	case *schemas.PublishThreadArgs:
		cost = schemas.QuotaCost{Posts: 1, Replies: len(a.Parts) - 1}
		rcArg, build = a.ReplyControl, func(rc string) []threads.Post {
			posts, r := threadPosts(a, rc)
			for _, pr := range r {
				refs = append(refs, pr...)
			}
			for i := 1; i < len(posts); i++ {
				posts[i].ReplyToID = fmt.Sprintf("<id of part %d>", i-1)
			}
			return posts
		}
	default:
		return nil, nil, cost, nil, fmt.Errorf("validate_post cannot plan %T", args)
	}
	rc, err := c.replyControl(ctx, rcArg)
	if err != nil {
		return nil, nil, cost, nil, err
	}
	if rcArg == "" {
		warnings = append(warnings, fmt.Sprintf("reply_control not given: the account default %q applies.", rc))
	}
	posts := build(rc)
	return posts, refs, cost, warnings, nil
}

// containerParams are the Graph parameters of the containers publishing p
// creates, in order (carousel items first), as the Threads client sends
// them (threads.ContainerParams); ids not known yet are shown as <…>.
func containerParams(p threads.Post) []map[string]string {
	mt := threads.MediaTypeText
	switch {
	case len(p.Items) > 0:
		mt = threads.MediaTypeCarousel
	case p.ImageURL != "":
		mt = threads.MediaTypeImage
	case p.VideoURL != "":
		mt = threads.MediaTypeVideo
	}
	var out []map[string]string
	var children []string
	for i, it := range p.Items {
		m := map[string]string{"is_carousel_item": "true"}
		if it.VideoURL != "" {
			m["media_type"], m["video_url"] = string(threads.MediaTypeVideo), it.VideoURL
		} else {
			m["media_type"], m["image_url"] = string(threads.MediaTypeImage), it.ImageURL
		}
		setParam(m, "alt_text", it.AltText)
		out = append(out, m)
		children = append(children, fmt.Sprintf("<item %d>", i))
	}
	x := p.Extra
	m := map[string]string{"media_type": string(mt)}
	setParam(m, "text", p.Text)
	setParam(m, "image_url", p.ImageURL)
	setParam(m, "video_url", p.VideoURL)
	setParam(m, "children", strings.Join(children, ","))
	setParam(m, "reply_to_id", p.ReplyToID)
	setParam(m, "reply_control", string(p.ReplyControl))
	setParam(m, "quote_post_id", p.QuotePostID)
	setParam(m, "link_attachment", p.LinkAttachment)
	setParam(m, "topic_tag", p.TopicTag)
	if mt != threads.MediaTypeText && mt != threads.MediaTypeCarousel {
		setParam(m, "alt_text", firstOf(p.AltText, x.AltText))
	}
	setParam(m, "allowlisted_country_codes", strings.Join(x.AllowlistedCountryCodes, ","))
	for k, v := range map[string]any{"poll_attachment": x.PollAttachment, "text_attachment": x.TextAttachment, "gif_attachment": x.GIFAttachment} {
		if !isNil(v) {
			b, _ := json.Marshal(v)
			m[k] = string(b)
		}
	}
	if len(x.TextEntities) > 0 {
		b, _ := json.Marshal(x.TextEntities)
		m["text_entities"] = string(b)
	}
	for k, v := range map[string]bool{"is_spoiler_media": x.IsSpoilerMedia, "enable_reply_approvals": x.EnableReplyApprovals,
		"is_ghost_post": x.IsGhostPost, "crossreshare_to_ig": x.CrossShareToIG, "crossreshare_to_ig_dark_mode": x.CrossShareToIGDarkMode} {
		if v {
			m[k] = "true"
		}
	}
	setParam(m, "location_id", x.LocationID)
	return append(out, m)
}

func setParam(m map[string]string, k, v string) {
	if v != "" {
		m[k] = v
	}
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// isNil reports whether an attachment pointer held in an interface is nil.
func isNil(v any) bool {
	switch x := v.(type) {
	case *threads.PollAttachment:
		return x == nil
	case *threads.TextAttachment:
		return x == nil
	case *threads.GIFAttachment:
		return x == nil
	}
	return v == nil
}

// containerPreview describes one container of part: its parameters and, for the
// container carrying the text, the counted length, costliest characters,
// links and topic.
func containerPreview(part int, p threads.Post, params map[string]string) schemas.ContainerPreview {
	cp := schemas.ContainerPreview{Part: part, Params: maps.Clone(params)}
	text, ok := params["text"]
	if !ok {
		return cp
	}
	tc := schemas.CountText(text)
	cp.Length = tc.Length
	for _, cl := range tc.Costliest {
		cp.Costliest = append(cp.Costliest, schemas.ClusterCost{Text: cl.Text, Cost: cl.Cost, Count: cl.Count})
	}
	cp.Links = schemas.UniqueLinks(text, p.LinkAttachment)
	cp.Tag = p.TopicTag
	if cp.Tag == "" {
		if tags := schemas.TopicTags(text); len(tags) > 0 {
			cp.Tag = tags[0]
		}
	}
	return cp
}

// cachedQuota is the quota left as this server last read it, for the
// quotas cost uses; nil when never read. It makes no request.
func (c *call) cachedQuota(cost schemas.QuotaCost) *schemas.CachedQuota {
	if c.acct == nil || c.quotas == nil {
		return nil
	}
	var out schemas.CachedQuota
	var at []string
	for _, q := range []struct {
		need  int
		reply bool
		dst   **int
	}{{cost.Posts, false, &out.PostsLeft}, {cost.Replies, true, &out.RepliesLeft}} {
		if q.need == 0 {
			continue
		}
		c.quotas.mu.Lock()
		r, ok := c.quotas.m[quotaKey(c.acct, q.reply)]
		c.quotas.mu.Unlock()
		if !ok {
			continue
		}
		left := max(r.total-r.used, 0)
		*q.dst = &left
		at = append(at, rfc3339(r.at))
	}
	if len(at) == 0 {
		return nil
	}
	slices.Sort(at)
	out.ReadAt = at[0]
	return &out
}
