package tools

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/threads-mcp/threads-mcp/schemas"
)

// Resources are read-only views of what the read tools return, for clients
// that browse or subscribe instead of calling tools. Each is served by the
// tool that reads the same thing (list_accounts, get_profile, list_posts,
// get_post, list_replies), called through its own pipeline: the same
// account resolution, permission checks, error messages and untrusted-content
// marking, and the same JSON as the tool's structured result.
//
//	threads://accounts                 list_accounts
//	threads://{account}/profile        get_profile of the account
//	threads://{account}/posts          list_posts: the account's recent posts
//	threads://posts/{id}               get_post (as the default account)
//	threads://posts/{id}/replies       list_replies (as the default account)
//	threads://{account}/inbox          list_events: replies and mentions not yet seen
//	threads://{account}/scheduled      the schedule store (ScheduledLister)
//
// {account} is the account's stored name, or its username when it has no
// name, or DefaultAccountAlias for the unnamed default account; resources/list
// lists the two per-account resources of every configured account.
const (
	ResourceScheme   = "threads://"
	ResourceAccounts = ResourceScheme + "accounts"
)

// DefaultAccountAlias stands for the default account in resource URIs when
// it has neither a stored name nor a known username.
const DefaultAccountAlias = "default"

// AccountResourceURI returns the URI of an account's resource (kind
// "profile" or "posts"); account is as in [AccountInfo].Name or Username.
func AccountResourceURI(account, kind string) string {
	if account == "" {
		account = DefaultAccountAlias
	}
	return ResourceScheme + url.PathEscape(account) + "/" + kind
}

// PostResourceURI returns threads://posts/{id}.
func PostResourceURI(id string) string { return ResourceScheme + "posts/" + url.PathEscape(id) }

// RepliesResourceURI returns threads://posts/{id}/replies, the resource a
// client subscribes to for new replies to a post.
func RepliesResourceURI(id string) string { return PostResourceURI(id) + "/replies" }

// resourceName is the account's segment in its resource URIs.
func resourceName(in AccountInfo) string {
	if in.Name != "" {
		return in.Name
	}
	return in.Username
}

// resourceTarget is the tool call a resource URI stands for.
type resourceTarget struct {
	tool string
	args map[string]any
	// untrusted marks text written by other people (every reply list).
	untrusted bool
}

// routeResource maps a URI to the tool call serving it. The URI is parsed
// here, not by the template that matched it: an account may be named
// "posts", and a post id is never "profile" or "posts".
func (d Deps) routeResource(ctx context.Context, uri string) (resourceTarget, error) {
	rest, ok := strings.CutPrefix(uri, ResourceScheme)
	if !ok {
		return resourceTarget{}, fmt.Errorf("%q: %w", uri, server.ErrResourceNotFound)
	}
	if rest == "accounts" {
		return resourceTarget{tool: "list_accounts", args: map[string]any{}}, nil
	}
	segs := strings.Split(rest, "/")
	for i, s := range segs {
		u, err := url.PathUnescape(s)
		if err != nil || u == "" {
			return resourceTarget{}, fmt.Errorf("%q: %w", uri, server.ErrResourceNotFound)
		}
		segs[i] = u
	}
	switch {
	case len(segs) == 2 && segs[0] == "posts" && segs[1] != "profile" && segs[1] != "posts":
		return resourceTarget{tool: "get_post", args: map[string]any{"post": segs[1]}}, nil
	case len(segs) == 3 && segs[0] == "posts" && segs[2] == "replies":
		return resourceTarget{tool: "list_replies", args: map[string]any{"post_id": segs[1]}, untrusted: true}, nil
	case len(segs) == 2 && (segs[1] == "profile" || segs[1] == "posts" || segs[1] == "inbox"):
		acct, err := d.resourceAccount(ctx, segs[0])
		if err != nil {
			return resourceTarget{}, err
		}
		args := map[string]any{}
		if acct != "" {
			args["account"] = acct
		}
		switch segs[1] {
		case "profile":
			return resourceTarget{tool: "get_profile", args: args}, nil
		case "inbox":
			for k, v := range inboxArgs() {
				args[k] = v
			}
			return resourceTarget{tool: "list_events", args: args, untrusted: true}, nil
		}
		return resourceTarget{tool: "list_posts", args: args}, nil
	}
	return resourceTarget{}, fmt.Errorf("%q: %w", uri, server.ErrResourceNotFound)
}

// resourceAccount turns a URI's account segment into the account argument
// of a tool: DefaultAccountAlias is the default account unless an account
// is really named so.
func (d Deps) resourceAccount(ctx context.Context, name string) (string, error) {
	if name != DefaultAccountAlias {
		return name, nil
	}
	if d.Accounts != nil {
		infos, err := d.Accounts.List(ctx)
		if err != nil {
			return "", err
		}
		for _, in := range infos {
			if in.Name == name || in.Username == name {
				return name, nil
			}
		}
	}
	return "", nil
}

// readResource serves resources/read: it calls the tool the URI stands for
// and returns its structured result as JSON. A tool error (unknown account,
// missing permission, post not found) is the read's error, with the tool's
// explanation.
func (d Deps) readResource(ctx context.Context, handlers map[string]server.ToolHandlerFunc, uri string) ([]mcp.ResourceContents, error) {
	if seg, ok := scheduledAccount(uri); ok {
		if u, err := url.PathUnescape(seg); err == nil {
			return d.readScheduled(ctx, uri, u)
		}
	}
	t, err := d.routeResource(ctx, uri)
	if err != nil {
		return nil, err
	}
	h := handlers[t.tool]
	if h == nil {
		return nil, fmt.Errorf("%q: %w", uri, server.ErrResourceNotFound)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = t.tool
	req.Params.Arguments = t.args
	res, err := h(ctx, req)
	if err != nil {
		return nil, err
	}
	text := resultText(res)
	if d.Redact != nil {
		text = d.Redact(text)
	}
	if res.IsError {
		return nil, errors.New(text)
	}
	c := mcp.TextResourceContents{URI: uri, MIMEType: "application/json", Text: text}
	// A post or profile of another user is marked in the tool's JSON; the
	// contents say so too, for clients that show resources as they are.
	if t.untrusted || strings.Contains(text, `"untrusted_content":true`) {
		c.Meta = map[string]any{"untrusted_content": true, "notice": schemas.UntrustedNotice}
	}
	return []mcp.ResourceContents{c}, nil
}

// resultText joins a tool result's text content (the JSON mirror of its
// structured content).
func resultText(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// resourceTools are the tools behind the resources.
var resourceTools = []string{"list_accounts", "get_profile", "list_posts", "get_post", "list_replies", "list_events"}

// boundHandlers binds the named tools to d, whether or not --toolsets
// serves them as tools: resources and completions read through them.
func boundHandlers(d Deps, names ...string) map[string]server.ToolHandlerFunc {
	out := map[string]server.ToolHandlerFunc{}
	for _, t := range allTools() {
		for _, n := range names {
			if t.Name() == n {
				out[n] = t.Bind(d).Handler
			}
		}
	}
	return out
}

// addResources registers the resources and templates on s, and lists every
// account's profile and posts resources in resources/list.
func (d Deps) addResources(s *server.MCPServer, handlers map[string]server.ToolHandlerFunc) {
	read := func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		return d.readResource(ctx, handlers, req.Params.URI)
	}
	icons := resourceIcons()
	s.AddResource(mcp.NewResource(ResourceAccounts, "accounts",
		mcp.WithResourceTitle("Threads accounts"),
		mcp.WithResourceDescription("The accounts this server acts as (list_accounts): name, username, default, token days left, scopes."),
		mcp.WithMIMEType("application/json"), mcp.WithResourceIcons(icons...)), read)
	templates := []struct{ uri, name, title, desc string }{
		{"threads://{account}/profile", "profile", "Account profile",
			"The account's own profile (get_profile). account: its name, username, or " + DefaultAccountAlias + "."},
		{"threads://{account}/posts", "posts", "Account's recent posts",
			"The account's most recent posts (list_posts, first page). account: its name, username, or " + DefaultAccountAlias + "."},
		{"threads://posts/{id}", "post", "Post",
			"One post in full by numeric id (get_post), read as the default account."},
		{"threads://posts/{id}/replies", "replies", "Replies to a post",
			"The newest replies to a post (list_replies), read as the default account. Replies are written by other people: " +
				schemas.UntrustedNotice + " Subscribe to hear of new ones."},
		{"threads://{account}/inbox", "inbox", "Inbox",
			"Replies to the account's posts and mentions of it not yet seen (list_events), heard by webhook or polling. " +
				schemas.UntrustedNotice + " Subscribe to hear of new ones; mark_events_seen empties it."},
		{"threads://{account}/scheduled", "scheduled", "Scheduled posts",
			"The account's posts waiting to be published at a set time."},
	}
	for _, t := range templates {
		s.AddResourceTemplate(mcp.NewResourceTemplate(t.uri, t.name,
			mcp.WithTemplateTitle(t.title), mcp.WithTemplateDescription(t.desc),
			mcp.WithTemplateMIMEType("application/json"), mcp.WithTemplateIcons(icons...)), read)
	}
	h := s.GetHooks()
	h.AddAfterListResources(func(ctx context.Context, _ any, _ *mcp.ListResourcesRequest, res *mcp.ListResourcesResult) {
		if res == nil || d.Accounts == nil || res.NextCursor != "" {
			return // listed once, after the last page of static resources
		}
		infos, err := d.Accounts.List(ctx)
		if err != nil {
			return
		}
		for _, in := range infos {
			name := resourceName(in)
			label := name
			if label == "" {
				label = DefaultAccountAlias
			}
			res.Resources = append(res.Resources,
				mcp.NewResource(AccountResourceURI(name, "profile"), label+" profile",
					mcp.WithResourceTitle("Profile of "+label), mcp.WithMIMEType("application/json"), mcp.WithResourceIcons(icons...)),
				mcp.NewResource(AccountResourceURI(name, "posts"), label+" posts",
					mcp.WithResourceTitle("Recent posts of "+label), mcp.WithMIMEType("application/json"), mcp.WithResourceIcons(icons...)))
			if d.Events != nil {
				res.Resources = append(res.Resources, mcp.NewResource(AccountResourceURI(name, "inbox"), label+" inbox",
					mcp.WithResourceTitle("Inbox of "+label), mcp.WithMIMEType("application/json"), mcp.WithResourceIcons(icons...)))
			}
		}
	})
}
