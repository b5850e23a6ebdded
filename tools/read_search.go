package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
)

// defaultSearchQuota is the keyword-search quota Meta documents: 2,200
// searches per user per rolling 24 hours, across apps
// (https://developers.facebook.com/docs/threads/keyword-search).
const defaultSearchQuota = 2200

// searchPosts is the search_posts tool (GET /keyword_search).
//
// Until the app's threads_keyword_search permission is approved in App
// Review, Meta does not refuse a search: it silently searches only the
// account's own posts. The API says nothing about which case holds, so the
// tool infers it from the answer: when every result is the account's own
// post and the search did not ask for the account's own posts, the result
// says so (own_posts_only, with a note) instead of failing; an empty
// answer notes that it may have the same cause.
func searchPosts() Tool {
	return newTool[schemas.SearchPostsArgs](def{
		name:  "search_posts",
		title: "Search public posts",
		description: "Search public posts by keyword or topic tag; 2,200 keyword searches per 24 h (those without " +
			"results are free).",
		toolset: ToolsetRead,
		scopes:  []string{scopeBasic},
		needs:   []string{scopeKeywordSearch},
		hints:   readOnly(),
	}, func(ctx context.Context, c *call, a *schemas.SearchPostsArgs) (*schemas.SearchPostsResult, error) {
		since, until, err := window(a.WindowArg)
		if err != nil {
			return nil, err
		}
		own, err := c.ownUsername(ctx)
		if err != nil {
			return nil, err
		}
		api := c.acct.API
		src := func(ctx context.Context, o threads.ListOptions) (*threads.MediaList, *threads.Response, error) {
			return api.KeywordSearch(ctx, threads.KeywordSearchOptions{
				Query: a.Query, SearchType: threads.SearchType(strings.ToUpper(a.SearchType)),
				SearchMode: threads.SearchMode(strings.ToUpper(a.SearchMode)), MediaType: threads.MediaType(strings.ToUpper(a.MediaType)),
				AuthorUsername: a.AuthorUsername, ListOptions: o,
			})
		}
		page, err := c.readPage(ctx, pageRequest{tool: "search_posts", cursor: a.Cursor, limit: a.Limit, since: since,
			until: until, fields: listFields, srcs: []source{src}, keepOrder: true,
			query: []any{a.Query, a.SearchMode, a.SearchType, a.MediaType, strings.ToLower(a.AuthorUsername), a.Since, a.Until}})
		if err != nil {
			return nil, err
		}
		out := &schemas.SearchPostsResult{Query: a.Query, SearchMode: a.SearchMode, NextCursor: page.next,
			Posts: make([]schemas.PostItem, 0, len(page.items)), Notice: schemas.UntrustedNotice}
		allOwn := len(page.items) > 0
		for i := range page.items {
			it := postItem(&page.items[i], own, false)
			allOwn = allOwn && !it.Untrusted
			out.Posts = append(out.Posts, it)
		}
		var notes []string
		askedOwn := a.AuthorUsername != "" && strings.EqualFold(a.AuthorUsername, own)
		switch {
		case allOwn && !askedOwn:
			out.OwnPostsOnly = true
			notes = append(notes, "Every result is the account's own post. Meta searches only the account's own posts "+
				"until the app's threads_keyword_search permission is approved in App Review (Advanced Access); if that is "+
				"the case here, public posts will not appear until it is.")
		case len(page.items) == 0 && a.Cursor == "":
			notes = append(notes, "No results (searches without results do not use quota). If the app's "+
				"threads_keyword_search permission is not yet approved in App Review, Meta searches only the account's own posts.")
		}
		if lim, _, err := api.PublishingLimit(ctx, "search_quota_usage", "search_config"); err == nil {
			q := quota(lim.SearchQuotaUsage, lim.SearchConfig, defaultSearchQuota)
			out.SearchQuota = &q
		} else {
			notes = append(notes, "Search quota not shown: "+explain(err, c.acct))
		}
		out.Note = strings.Join(notes, " ")
		return out, nil
	})
}

// listMentions is the list_mentions tool (GET /me/mentions).
func listMentions() Tool {
	return newTool[schemas.ListMentionsArgs](def{
		name:        "list_mentions",
		title:       "List mentions",
		description: "List public posts and replies mentioning the account, newest first; answer with reply.",
		toolset:     ToolsetRead,
		scopes:      []string{scopeBasic},
		needs:       []string{scopeManageMentions},
		hints:       readOnly(),
	}, func(ctx context.Context, c *call, a *schemas.ListMentionsArgs) (*schemas.ListMentionsResult, error) {
		since, until, err := window(a.WindowArg)
		if err != nil {
			return nil, err
		}
		page, err := c.readPage(ctx, pageRequest{tool: "list_mentions", cursor: a.Cursor, limit: a.Limit, since: since,
			until: until, fields: listFields, srcs: []source{c.acct.API.Mentions}, query: []any{a.Since, a.Until}})
		if err != nil {
			return nil, err
		}
		out := &schemas.ListMentionsResult{Mentions: make([]schemas.PostItem, 0, len(page.items)),
			NextCursor: page.next, Notice: schemas.UntrustedNotice}
		for i := range page.items {
			out.Mentions = append(out.Mentions, postItem(&page.items[i], c.acct.Username, false))
		}
		return out, nil
	})
}

// getProfile is the get_profile tool: the account's own profile (GET /me,
// followers from insights), or a public profile (GET /profile_lookup and
// /profile_posts, which need threads_profile_discovery).
func getProfile() Tool {
	return newTool[schemas.GetProfileArgs](def{
		name:  "get_profile",
		title: "Get a profile",
		description: "The account's profile, or with username a public one (threads_profile_discovery; 100+ " +
			"followers) with its newest posts.",
		toolset: ToolsetRead,
		scopes:  []string{scopeBasic, scopeProfileDiscovery},
		hints:   readOnly(),

		// Only another account's profile needs it.
		optional: []string{scopeProfileDiscovery},
	}, func(ctx context.Context, c *call, a *schemas.GetProfileArgs) (*schemas.GetProfileResult, error) {
		api := c.acct.API
		if a.Username == "" {
			return c.ownProfile(ctx)
		}
		own, err := c.ownUsername(ctx)
		if err != nil {
			return nil, err
		}
		if strings.EqualFold(a.Username, own) {
			return c.ownProfile(ctx)
		}
		if s := c.lacking(scopeProfileDiscovery); s != "" {
			return nil, userErrorf("nothing was sent to Threads. %s", missingScope(s, "needed to look up other profiles", c.acct))
		}
		p, _, err := api.ProfileLookup(ctx, a.Username)
		var ae *threads.APIError
		if errors.As(err, &ae) && ae.Kind() == threads.KindNotFound {
			return nil, userErrorf("Threads has no public profile @%s it will show: it does not exist, is private, has "+
				"fewer than 100 followers, or (before the app's threads_profile_discovery is approved in App Review) is not "+
				"one of @meta, @threads, @instagram and @facebook. Fix: check the exact username (Threads: %s).", a.Username, ae.Message)
		}
		if err != nil {
			return nil, err
		}
		followers := p.FollowerCount
		out := &schemas.GetProfileResult{Username: p.Username, Name: p.Name, Biography: p.Biography,
			ProfilePictureURL: p.ProfilePictureURL, IsVerified: p.IsVerified, Followers: &followers, Untrusted: true,
			Notice: schemas.UntrustedNotice,
			Last7Days: &schemas.ProfileCounts{Views: p.ViewsCount, Likes: p.LikesCount, Replies: p.RepliesCount,
				Reposts: p.RepostsCount, Quotes: p.QuotesCount}}
		if out.Username == "" {
			out.Username = a.Username
		}
		ml, _, err := api.ProfilePosts(ctx, a.Username, threads.ListOptions{Fields: listFields, Limit: a.PostsLimit})
		if err != nil {
			out.Note = "Recent posts not shown: " + explain(err, c.acct)
			return out, nil
		}
		for i := range ml.Data {
			out.RecentPosts = append(out.RecentPosts, postItem(&ml.Data[i], c.acct.Username, false))
		}
		return out, nil
	})
}

// ownProfile reads the account's own profile and its follower count.
func (c *call) ownProfile(ctx context.Context) (*schemas.GetProfileResult, error) {
	api := c.acct.API
	u, _, err := api.Me(ctx, "id", "username", "name", "threads_profile_picture_url", "threads_biography",
		"is_verified", "is_eligible_for_geo_gating")
	if err != nil {
		return nil, err
	}
	geo := u.IsEligibleForGeoGating
	out := &schemas.GetProfileResult{Own: true, ID: u.ID, Username: u.Username, Name: u.Name, Biography: u.Biography,
		ProfilePictureURL: u.ProfilePictureURL, IsVerified: u.IsVerified, GeoGating: &geo}
	if s := c.lacking(scopeManageInsights); s != "" {
		out.Note = "Followers not shown. " + missingScope(s, "needed to read the follower count", c.acct)
		return out, nil
	}
	ins, _, err := api.UserInsights(ctx, threads.UserInsightsOptions{Metrics: []string{"followers_count"}})
	if err != nil {
		out.Note = "Followers not shown: " + explain(err, c.acct)
		return out, nil
	}
	for _, m := range convertInsights(ins) {
		if m.Name == "followers_count" && m.Total != nil {
			n := *m.Total
			out.Followers = &n
		}
	}
	if out.Followers == nil {
		out.Note = fmt.Sprintf("Threads returned no followers_count (%d metrics).", len(ins))
	}
	return out, nil
}
