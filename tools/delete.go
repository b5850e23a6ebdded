package tools

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
)

// Deleter deletes the account's posts and replies.
type Deleter interface {
	Delete(ctx context.Context, mediaID string) (string, *threads.Response, error)
}

// deleteWhy is why threads_delete is needed, for the missing-scope advice.
const deleteWhy = "needed to delete posts and to read the delete quota"

// deletePost is the delete_post tool. Before the request it checks the
// threads_delete permission (when the account's granted scopes are stored)
// and the delete quota (100 per rolling 24 hours; reading it needs the same
// permission, https://developers.facebook.com/docs/threads/posts/delete-posts);
// after it, the ledger marks the post's entry deleted, so a replay of the
// publish that made it runs again instead of returning a dead post. A
// retry after the post is gone (a lost answer, a crash) reports it deleted
// when the ledger knows the post was this account's.
func deletePost() Tool {
	return newTool[schemas.DeletePostArgs](def{
		name:        "delete_post",
		title:       "Delete a post",
		description: "Delete an own post or reply by id, for good. Needs threads_delete; 100 per 24 h.",
		toolset:     ToolsetPublish,
		scopes:      []string{scopeDelete},
		hints:       hints{destructive: true, idempotent: true, openWorld: true},
	}, func(ctx context.Context, c *call, a *schemas.DeletePostArgs) (*schemas.DeletePostResult, error) {
		if scopes := c.storedScopes(ctx); scopes != nil && !slices.Contains(scopes, scopeDelete) {
			return nil, &userError{msg: "Nothing was deleted. " + missingScope(scopeDelete, deleteWhy, c.acct)}
		}
		out := &schemas.DeletePostResult{DeletedID: a.PostID}
		q, err := c.deleteQuota(ctx)
		switch {
		case err != nil:
			return nil, err
		case q == nil:
			out.Note = "The delete quota could not be read, so it was not checked first."
		case q.Left <= 0:
			return nil, userErrorf("Threads delete quota spent: %d of %d deletes in the last 24 hours; nothing was deleted (retryable: true). "+
				"Fix: wait until older deletes leave the rolling 24-hour window; get_publishing_limit shows the usage.", q.Used, q.Limit)
		}
		id, _, err := c.acct.API.Delete(ctx, a.PostID)
		if ae := (*threads.APIError)(nil); errors.As(err, &ae) && ae.Kind() == threads.KindNotFound && c.Ledger != nil {
			// Ours (the ledger published it) but gone: an earlier delete
			// went through and its answer or its record was lost.
			if known, kerr := c.Ledger.PostKnown(ctx, c.scope(), a.PostID); kerr == nil && known {
				err, id, out.AlreadyDeleted = nil, a.PostID, true
				out.Note = joinNotes(out.Note, "The post no longer exists: an earlier call had deleted it.")
			}
		}
		if ae := (*threads.APIError)(nil); errors.As(err, &ae) && ae.Kind() == threads.KindPermission {
			return nil, &userError{msg: "Nothing was deleted. " + missingScope(scopeDelete, deleteWhy, c.acct)}
		}
		if err != nil {
			return nil, err
		}
		out.DeletedID = id
		if q != nil && !out.AlreadyDeleted {
			n := q.Left - 1
			out.DeletesLeft = &n
		}
		if c.Ledger != nil {
			if _, merr := c.Ledger.MarkDeleted(context.WithoutCancel(ctx), c.scope(), id); merr != nil {
				out.Note = joinNotes(out.Note, fmt.Sprintf("The post is deleted, but the state database could not record it (%v): "+
					"a retry of the publish that created it may report the deleted post.", merr))
			}
		}
		return out, nil
	})
}

// storedScopes returns the permissions stored for the call's account, or
// nil when they are not known (an environment token, sandbox mode).
func (c *call) storedScopes(ctx context.Context) []string {
	if c.Accounts == nil || c.acct == nil {
		return nil
	}
	infos, err := c.Accounts.List(ctx)
	if err != nil {
		return nil
	}
	for _, in := range infos {
		if in.Name == c.acct.Name && len(in.Scopes) > 0 {
			return in.Scopes
		}
	}
	return nil
}

// deleteQuota reads the delete quota: nil when it cannot be read for a
// reason other than a missing permission (Threads enforces it anyway); a
// missing permission is the error telling how to add it.
func (c *call) deleteQuota(ctx context.Context) (*schemas.Quota, error) {
	lim, _, err := c.acct.API.PublishingLimit(ctx, "delete_quota_usage", "delete_config")
	if ae := (*threads.APIError)(nil); errors.As(err, &ae) && ae.Kind() == threads.KindPermission {
		return nil, &userError{msg: "Nothing was deleted. " + missingScope(scopeDelete, deleteWhy, c.acct)}
	}
	if err != nil {
		return nil, nil
	}
	q := quota(lim.DeleteQuotaUsage, lim.DeleteConfig, defaultDeleteQuota)
	return &q, nil
}
