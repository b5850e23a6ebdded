package tools

import (
	"context"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
)

// Reposter reposts posts, and finds a repost whose answer was lost.
type Reposter interface {
	Repost(ctx context.Context, mediaID string) (string, *threads.Response, error)
	FindRepost(ctx context.Context, mediaID string, since time.Time) (*threads.Media, *threads.Response, error)
}

// repost is the repost tool. It goes through the ledger like a publish: a
// retry with the same key (or the same call within 10 minutes) returns the
// first repost, and a call resumed after a crash looks for the repost
// before making one. Meta documents no way to undo a repost
// (https://developers.facebook.com/docs/threads/posts/reposts), so there is
// no undo_repost.
func repost() Tool {
	return newTool[schemas.RepostArgs](def{
		name:        "repost",
		title:       "Repost a post",
		description: "Repost a post by id. Threads offers no undo for a repost.",
		toolset:     ToolsetPublish,
		scopes:      []string{scopeBasic, scopeContentPublish},
		hints:       additive(),
	}, func(ctx context.Context, c *call, a *schemas.RepostArgs) (*schemas.RepostResult, error) {
		return actOnce(ctx, c, "repost", *a, func(ctx context.Context, resumedFrom time.Time) (*schemas.RepostResult, string, error) {
			out := &schemas.RepostResult{PostID: a.PostID}
			if !resumedFrom.IsZero() {
				m, _, err := c.acct.API.FindRepost(ctx, a.PostID, resumedFrom)
				if err != nil {
					return nil, "", err
				}
				if m != nil {
					out.RepostID = m.ID
					out.Note = "An earlier attempt was interrupted; its repost was found and returned without reposting again."
					return out, m.ID, nil
				}
			}
			id, _, err := c.acct.API.Repost(ctx, a.PostID)
			if err != nil {
				return nil, "", err
			}
			out.RepostID = id
			return out, id, nil
		})
	})
}
