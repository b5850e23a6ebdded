package tools

import (
	"slices"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/threads-mcp/threads-mcp/schemas"
)

// resourceLinks are the resource links (MCP resource_link content,
// https://modelcontextprotocol.io/specification/2025-06-18/server/tools#resource-links)
// a tool result carries after its JSON text: the resources the result
// concerns, so that a client can read them or subscribe to them. The
// pipeline adds them to every result by its type; no tool does it itself.
func (c *call) resourceLinks(res any) []mcp.Content {
	var out []mcp.Content
	seen := []string{}
	link := func(uri, name, desc string) {
		if uri == "" || slices.Contains(seen, uri) || len(seen) >= maxLinks {
			return
		}
		seen = append(seen, uri)
		out = append(out, mcp.NewResourceLink(uri, name, desc, "application/json"))
	}
	acct := eventAccount(c.acct)
	switch r := res.(type) {
	case *schemas.ListEventsResult:
		link(AccountResourceURI(acct, "inbox"), "inbox", "Replies and mentions not yet seen; subscribe for new ones.")
		for _, ev := range r.Events {
			if ev.Field == schemas.InboxFields()[0] && ev.PostID != "" {
				link(RepliesResourceURI(ev.PostID), "replies", "Replies to post "+ev.PostID+".")
			}
		}
	case *schemas.MarkEventsSeenResult:
		link(AccountResourceURI(acct, "inbox"), "inbox", "Replies and mentions not yet seen.")
	case *schemas.ListRepliesResult:
		link(RepliesResourceURI(r.PostID), "replies", "Replies to post "+r.PostID+"; subscribe for new ones.")
	case *schemas.ListPostsResult:
		link(AccountResourceURI(acct, "posts"), "posts", "The account's recent posts.")
	case *schemas.PostResult:
		link(PostResourceURI(r.ID), "post", "The post just published.")
		link(RepliesResourceURI(r.ID), "replies", "Its replies; subscribe for new ones.")
	}
	return out
}

// maxLinks bounds the links of one result.
const maxLinks = 10
