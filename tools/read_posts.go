package tools

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
)

// listPosts is the list_posts tool: the account's own top-level posts and
// reposts (GET /me/threads), optionally merged with its replies
// (/me/replies) and ghost posts (/me/ghost_posts), newest first.
func listPosts() Tool {
	return newTool[schemas.ListPostsArgs](def{
		name:  "list_posts",
		title: "List the account's posts",
		description: fmt.Sprintf("List the account's posts and reposts, newest first; texts are cut to %d characters "+
			"(text_truncated), get_post reads one in full.", schemas.PreviewLength),
		toolset: ToolsetRead,
		scopes:  []string{scopeBasic},
		hints:   readOnly(),
	}, func(ctx context.Context, c *call, a *schemas.ListPostsArgs) (*schemas.ListPostsResult, error) {
		since, until, err := window(a.WindowArg)
		if err != nil {
			return nil, err
		}
		api := c.acct.API
		srcs := []source{api.ListThreads}
		if a.IncludeReplies {
			srcs = append(srcs, api.UserReplies)
		}
		if a.IncludeGhost {
			srcs = append(srcs, api.GhostPosts)
		}
		fields := listFields
		if c.lacking(scopeReadReplies) == "" {
			fields = ownListFields
		}
		page, err := c.readPage(ctx, pageRequest{
			tool: "list_posts", cursor: a.Cursor, limit: a.Limit, since: since, until: until, fields: fields, srcs: srcs,
			query: []any{a.Since, a.Until, a.IncludeReplies, a.IncludeGhost},
		})
		if err != nil {
			return nil, err
		}
		out := &schemas.ListPostsResult{Since: rfc3339(page.since), Until: rfc3339(page.until),
			Posts: make([]schemas.PostItem, 0, len(page.items)), NextCursor: page.next}
		for i := range page.items {
			out.Posts = append(out.Posts, postItem(&page.items[i], c.acct.Username, true))
		}
		return out, nil
	})
}

// childFields expands carousel children.
const childFields = "children{id,media_type,media_url,thumbnail_url,alt_text}"

// detailFields are every media field Meta documents, children expanded.
// hide_status and reply_audience need threads_read_replies.
func detailFields(withReplyFields bool) []string {
	var out []string
	for _, f := range threads.AllMediaFields() {
		switch f {
		case "children":
			f = childFields
		case "hide_status", "reply_audience":
			if !withReplyFields {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

// resolveMaxPages bounds how many pages of 100 each list is read for when
// resolving a link: 3 pages, the newest 300 posts, 300 replies and 300
// posts of a public profile.
const resolveMaxPages = 3

// getPost is the get_post tool.
//
// A link names a post by shortcode, and the Graph API takes only numeric
// ids, so a link is resolved by finding the post whose shortcode matches:
// in the account's newest posts (/me/threads) and replies (/me/replies),
// then, when the link names another author, in that public profile's
// newest posts (/profile_posts, which needs threads_profile_discovery and a
// public profile with at least 100 followers), each for resolveMaxPages
// pages of 100; and last, when the caller gives words of the post in
// search_hint, in keyword search results for them (by that author when the
// link names one), which costs one search of the 2,200 per 24 hours. An
// older post, a private author or a post without searchable words cannot
// be resolved from its link: the error says so and asks for the id.
func getPost() Tool {
	return newTool[schemas.GetPostArgs](def{
		name:  "get_post",
		title: "Get a post",
		description: "Read one post in full by id, permalink or shortcode; a link to another's post resolves through " +
			"their profile (threads_profile_discovery) or search_hint (threads_keyword_search).",
		toolset: ToolsetRead,
		scopes:  []string{scopeBasic},
		hints:   readOnly(),
	}, func(ctx context.Context, c *call, a *schemas.GetPostArgs) (*schemas.GetPostResult, error) {
		target, fe := schemas.ParsePostTarget("post", a.Post)
		if fe != nil {
			return nil, fe
		}
		own, err := c.ownUsername(ctx)
		if err != nil {
			return nil, err
		}
		out := &schemas.GetPostResult{ResolvedBy: "id"}
		id := target.ID
		if id == "" {
			found, by, err := c.resolveLink(ctx, target.Ref, own, a.SearchHint)
			if err != nil {
				return nil, err
			}
			id, out.ResolvedBy = found, by
		}
		withReply := c.lacking(scopeReadReplies) == ""
		m, _, err := c.acct.API.GetMedia(ctx, id, detailFields(withReply)...)
		var ae *threads.APIError
		if err != nil && withReply && errors.As(err, &ae) && ae.Kind() == threads.KindPermission {
			m, _, err = c.acct.API.GetMedia(ctx, id, detailFields(false)...)
		}
		if err != nil {
			return nil, err
		}
		out.Post = postDetail(m, own)
		var notes []string
		for _, sub := range []struct {
			ref  *threads.Media
			dest **schemas.PostItem
			what string
		}{{m.QuotedPost, &out.Post.QuotedPost, "quoted"}, {m.RepostedPost, &out.Post.RepostedPost, "reposted"}} {
			if sub.ref == nil || sub.ref.ID == "" {
				continue
			}
			sm, _, err := c.acct.API.GetMedia(ctx, sub.ref.ID, listFields...)
			if err != nil {
				notes = append(notes, fmt.Sprintf("The %s post %s could not be read: %s", sub.what, sub.ref.ID, explain(err, c.acct)))
				it := schemas.PostItem{ID: sub.ref.ID}
				*sub.dest = &it
				continue
			}
			it := postItem(sm, own, false)
			*sub.dest = &it
		}
		if s := c.lacking(scopeManageInsights); a.WithInsights && s != "" {
			notes = append(notes, "Insights not shown. "+missingScope(s, "needed for with_insights", c.acct))
		} else if a.WithInsights {
			ins, _, err := c.acct.API.MediaInsights(ctx, id)
			if err != nil {
				notes = append(notes, "Insights not shown: "+explain(err, c.acct))
			} else {
				out.Insights = convertInsights(ins)
			}
		}
		if out.Post.Untrusted || (out.Post.QuotedPost != nil && out.Post.QuotedPost.Untrusted) ||
			(out.Post.RepostedPost != nil && out.Post.RepostedPost.Untrusted) {
			out.Notice = schemas.UntrustedNotice
		}
		out.Note = strings.Join(notes, " ")
		return out, nil
	})
}

// resolveLink finds the id of the post ref names (see getPost).
func (c *call) resolveLink(ctx context.Context, ref threads.PostRef, own, hint string) (string, string, error) {
	api := c.acct.API
	other := ref.Username != "" && !strings.EqualFold(ref.Username, own)
	fields := []string{"id", "shortcode", "username", "is_reply"}
	m, _, err := api.ResolveShortcode(ctx, ref, threads.ResolveOptions{OwnUsername: own, MaxPages: resolveMaxPages, Fields: fields})
	var why string
	if err != nil {
		if !other {
			return "", "", err
		}
		// The profile could not be read (private, too few followers, or
		// no threads_profile_discovery): search may still find the post.
		why = fmt.Sprintf(" @%s's profile could not be read (%s).", ref.Username, explain(err, c.acct))
		m = nil
	}
	if m != nil {
		switch {
		case other:
			return m.ID, "profile_posts", nil
		case m.IsReply:
			return m.ID, "own_replies", nil
		default:
			return m.ID, "own_posts", nil
		}
	}
	if hint != "" {
		ml, _, err := api.KeywordSearch(ctx, threads.KeywordSearchOptions{Query: hint, SearchType: threads.SearchRecent,
			AuthorUsername: ref.Username, ListOptions: threads.ListOptions{Fields: fields, Limit: schemas.MaxListLimit}})
		if err != nil {
			return "", "", err
		}
		if i := slices.IndexFunc(ml.Data, func(m threads.Media) bool { return m.Shortcode == ref.Shortcode }); i >= 0 {
			return ml.Data[i].ID, "keyword_search", nil
		}
		why += fmt.Sprintf(" Keyword search for %s found %d posts, none of them this one.", quote(hint), len(ml.Data))
	}
	where := fmt.Sprintf("the account's newest %d posts and %d replies", resolveMaxPages*100, resolveMaxPages*100)
	if other {
		where = fmt.Sprintf("@%s's newest %d public posts", ref.Username, resolveMaxPages*100)
	}
	fix := "pass search_hint with a few distinctive words of the post (one keyword search), or give the post's numeric id"
	if hint != "" {
		fix = "try other distinctive words in search_hint, or give the post's numeric id"
	}
	return "", "", userErrorf("could not find the post %s: it is not among %s.%s Threads resolves links only "+
		"through such lists (the API takes numeric ids), so older posts, private authors and posts without searchable "+
		"words cannot be found from a link. Fix: %s.", ref.URL(), where, why, fix)
}

// postDetail converts a media object read with every field.
func postDetail(m *threads.Media, own string) schemas.PostDetail {
	d := schemas.PostDetail{
		PostItem: postItem(m, own, false), AltText: m.AltText, LinkAttachmentURL: m.LinkAttachmentURL,
		GIFURL: m.GIFURL, ThumbnailURL: m.ThumbnailURL, HideStatus: m.HideStatus,
		IsReplyOwnedByMe: m.IsReplyOwnedByMe, IsSpoilerMedia: m.IsSpoilerMedia, IsVerified: m.IsVerified,
		LocationID: m.LocationID, Countries: m.AllowlistedCountryCodes,
		GhostExpiresAt: rfc3339(m.GhostPostExpirationTimestamp.Time),
	}
	d.Text, d.TextTruncated = m.Text, false // whole
	if m.RootPost != nil {
		d.RootPost = m.RootPost.ID
	}
	if m.Location != nil {
		d.LocationName = m.Location.Name
	}
	if p := m.PollAttachment; p != nil {
		pi := &schemas.PollInfo{TotalVotes: p.TotalVotes, EndsAt: rfc3339(p.ExpirationTimestamp.Time)}
		for _, o := range []struct {
			opt string
			pct *float64
		}{{p.OptionA, p.OptionAVotesPercentage}, {p.OptionB, p.OptionBVotesPercentage}, {p.OptionC, p.OptionCVotesPercentage}, {p.OptionD, p.OptionDVotesPercentage}} {
			if o.opt == "" {
				continue
			}
			pi.Options = append(pi.Options, o.opt)
			if o.pct != nil {
				pi.Percent = append(pi.Percent, *o.pct)
			}
		}
		if len(pi.Percent) != len(pi.Options) {
			pi.Percent = nil
		}
		d.Poll = pi
	}
	return d
}
