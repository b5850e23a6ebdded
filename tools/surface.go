package tools

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/threads-mcp/threads-mcp/threads"
)

// surface is everything a server offers besides tools: title and icons,
// resources (with subscriptions), prompts, completions and logging. It
// reads through the read tools' handlers, bound to the same Deps.
type surface struct {
	d        Deps
	handlers map[string]server.ToolHandlerFunc
}

func newSurface(d Deps) *surface {
	return &surface{d: d, handlers: boundHandlers(d, resourceTools...)}
}

// options are the server options of the surface: identity and capabilities.
func (s *surface) options() []server.ServerOption {
	c := &completer{d: s.d, handlers: s.handlers}
	return []server.ServerOption{
		server.WithTitle(ServerTitle),
		server.WithIcons(serverIcons()...),
		server.WithResourceCapabilities(true, true),
		server.WithPromptCapabilities(false),
		server.WithLogging(),
		server.WithCompletions(),
		server.WithPromptCompletionProvider(c),
		server.WithResourceCompletionProvider(c),
	}
}

// register adds the resources and prompts to srv and attaches the Notifier.
func (s *surface) register(srv *server.MCPServer) {
	s.d.Notifier.attach(srv, s.d.Redact)
	s.d.addResources(srv, s.handlers)
	srv.AddPrompts(promptDefs()...)
}

// EventPostPublished is the event of a post or reply this server published.
const EventPostPublished = "post_published"

// published tells connected clients that this call published a post: a
// notifications/message event, and notifications/resources/updated for the
// account's recent posts and, for a reply, the replies of the post replied to.
func (c *call) published(ctx context.Context, tool string, post threads.Post, res *threads.PublishResult) {
	if c.Notifier == nil || res == nil {
		return
	}
	fields := map[string]any{"tool": tool, "post_id": res.ID, "permalink": res.Permalink}
	name := ""
	if c.acct != nil {
		name = c.acct.Name
		if name == "" {
			name = c.acct.Username
		}
		if c.acct.Username != "" {
			fields["username"] = c.acct.Username
		}
	}
	if post.ReplyToID != "" {
		fields["reply_to_id"] = post.ReplyToID
	}
	c.Notifier.Event(ctx, mcp.LoggingLevelInfo, EventPostPublished, fields)
	c.recordPublish(ctx, name, post, res)
	c.Notifier.ResourceUpdated(AccountResourceURI(name, "posts"))
	if post.ReplyToID != "" {
		c.Notifier.ResourceUpdated(RepliesResourceURI(post.ReplyToID))
	}
}
