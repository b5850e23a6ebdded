package tools

import (
	"context"
	"errors"
	"fmt"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
)

// moderation is a tool that changes how a reply shows under the account's
// post: public and reversible (hide/unhide, approve/ignore), so neither
// read-only nor destructive, and idempotent (asking twice leaves the same
// state).
func moderation() hints { return hints{idempotent: true, openWorld: true} }

// maxAncestorHops bounds the walk from a nested reply up to its top-level
// reply when hide_reply is asked to hide a nested one.
const maxAncestorHops = 5

// hideReply is the hide_reply tool.
func hideReply() Tool { return manageReplyTool(true) }

// unhideReply is the unhide_reply tool.
func unhideReply() Tool { return manageReplyTool(false) }

// manageReplyTool builds hide_reply or unhide_reply (POST
// /{reply-id}/manage_reply, https://developers.facebook.com/docs/threads/reply-management):
// Meta acts only on top-level replies to the account's posts, and the
// replies nested under one follow it. A nested reply is refused before the
// call, naming the top-level reply to act on instead.
func manageReplyTool(hide bool) Tool {
	name, title, verb, state := "hide_reply", "Hide a reply", "Hide", threads.HideStatusHidden
	desc := "Hide a top-level reply to one of the account's posts, with the replies under it; a nested reply " +
		"cannot be hidden alone."
	if !hide {
		name, title, verb, state = "unhide_reply", "Unhide a reply", "Unhide", threads.HideStatusUnhushed
		desc = "Show a reply hidden with hide_reply again."
	}
	return newTool[schemas.ReplyTargetArgs](def{
		name: name, title: title, description: desc,
		toolset: ToolsetModerate,
		scopes:  []string{scopeBasic},
		needs:   []string{scopeManageReplies},
		hints:   moderation(),
	}, func(ctx context.Context, c *call, a *schemas.ReplyTargetArgs) (*schemas.ModerateResult, error) {
		api := c.acct.API
		fields := []string{"id", "is_reply", "replied_to", "root_post", "hide_status"}
		m, _, err := api.GetMedia(ctx, a.ReplyID, fields...)
		var ae *threads.APIError
		if err != nil && errors.As(err, &ae) && ae.Kind() == threads.KindPermission {
			// hide_status needs threads_read_replies; the check works without it.
			fields = fields[:4]
			m, _, err = api.GetMedia(ctx, a.ReplyID, fields...)
		}
		if err != nil {
			return nil, err
		}
		if !m.IsReply || m.RootPost == nil || m.RepliedTo == nil {
			return nil, userErrorf("%s is not a reply, so there is nothing to %s. Nothing was changed. "+
				"Fix: pass the id of a reply (list_replies lists them).", a.ReplyID, verb)
		}
		if m.RepliedTo.ID != m.RootPost.ID {
			top := m
			for range maxAncestorHops {
				if top.RepliedTo == nil || top.RootPost == nil || top.RepliedTo.ID == top.RootPost.ID {
					break
				}
				if top, _, err = api.GetMedia(ctx, top.RepliedTo.ID, fields...); err != nil {
					return nil, err
				}
			}
			which := "its top-level reply"
			if top.RepliedTo != nil && top.RootPost != nil && top.RepliedTo.ID == top.RootPost.ID {
				which = "its top-level reply " + top.ID
			}
			return nil, userErrorf("%s is a nested reply: Threads hides and unhides only top-level replies, and the "+
				"replies nested under one follow it. Nothing was changed. Fix: call %s with %s (under post %s); "+
				"this reply follows it.", a.ReplyID, name, which, m.RootPost.ID)
		}
		was := m.HideStatus
		if _, err := api.ManageReply(ctx, a.ReplyID, hide); err != nil {
			return nil, err
		}
		out := &schemas.ModerateResult{ReplyID: a.ReplyID, Action: map[bool]string{true: "hide", false: "unhide"}[hide], HideStatus: state}
		out.Note = "The replies nested under it follow."
		if was == state || (!hide && was != threads.HideStatusHidden) {
			out.Note = fmt.Sprintf("It was already %s (%s); nothing changed. ", map[bool]string{true: "hidden", false: "visible"}[hide], was) + out.Note
		}
		return out, nil
	})
}

// listPendingReplies is the list_pending_replies tool (GET
// /{media-id}/pending_replies).
func listPendingReplies() Tool {
	return newTool[schemas.ListPendingRepliesArgs](def{
		name:        "list_pending_replies",
		title:       "List replies awaiting approval",
		description: "List the replies held for approval on a post created with reply approvals.",
		toolset:     ToolsetModerate,
		scopes:      []string{scopeBasic},
		needs:       []string{scopeReadReplies},
		hints:       readOnly(),
	}, func(ctx context.Context, c *call, a *schemas.ListPendingRepliesArgs) (*schemas.ListRepliesResult, error) {
		return c.replyPage(ctx, replyPageRequest{
			tool: "list_pending_replies", postID: a.PostID, order: a.Order, limit: a.Limit, cursor: a.Cursor,
			query: []any{a.PostID, a.ApprovalStatus, a.Order}, list: c.acct.API.PendingReplies, pending: true,
			approval: a.ApprovalStatus,
		})
	})
}

// approveReply is the approve_reply tool.
func approveReply() Tool { return pendingReplyTool(true) }

// ignoreReply is the ignore_reply tool.
func ignoreReply() Tool { return pendingReplyTool(false) }

// pendingReplyTool builds approve_reply or ignore_reply (POST
// /{reply-id}/manage_pending_reply, https://developers.facebook.com/docs/threads/reply-management).
func pendingReplyTool(approve bool) Tool {
	name, title := "approve_reply", "Approve a held reply"
	desc := "Make a held reply (see list_pending_replies) public."
	if !approve {
		name, title = "ignore_reply", "Ignore a held reply"
		desc = "Keep a held reply hidden from all but its author; approve_reply can still approve it."
	}
	return newTool[schemas.ReplyTargetArgs](def{
		name: name, title: title, description: desc,
		toolset: ToolsetModerate,
		scopes:  []string{scopeBasic},
		needs:   []string{scopeManageReplies},
		hints:   moderation(),
	}, func(ctx context.Context, c *call, a *schemas.ReplyTargetArgs) (*schemas.ModerateResult, error) {
		if _, err := c.acct.API.ManagePendingReply(ctx, a.ReplyID, approve); err != nil {
			return nil, err
		}
		if approve {
			return &schemas.ModerateResult{ReplyID: a.ReplyID, Action: "approve", ApprovalStatus: "approved",
				Note: "The reply is now public under the post; hide_reply can still hide it."}, nil
		}
		return &schemas.ModerateResult{ReplyID: a.ReplyID, Action: "ignore", ApprovalStatus: threads.ApprovalIgnored,
			Note: "The reply stays held; approve_reply can still approve it."}, nil
	})
}
