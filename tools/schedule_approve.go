package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/tools/httpmw"
	"github.com/threads-mcp/threads-mcp/tools/schedule"
)

// ApprovedByElicitation, ApprovedByCLI and ApprovedByApproverToken say how
// a job was approved.
const (
	ApprovedByElicitation = "elicitation"
	ApprovedByCLI         = "cli"
	// ApprovedByApproverToken is an approval over HTTP with the approver's
	// bearer token (--approver-token), not the agent's.
	ApprovedByApproverToken = "approver_token"
)

// askApproval asks the human at the client to approve j, showing preview,
// through MCP elicitation (https://modelcontextprotocol.io/specification/2025-06-18/client/elicitation).
// An accepted approval is bound to the digest the preview showed. When the
// client cannot elicit (no capability, or a 2026-07-28 client, where
// server-initiated requests are replaced by multi round-trip requests),
// the job stays awaiting approval and the note says how a person approves
// it from a terminal.
func (c *call) askApproval(ctx context.Context, eng *schedule.Engine, j *schedule.Job, preview string) (*schedule.Job, string) {
	if httpmw.IsApprover(ctx) {
		// The call itself comes from the approver (their own bearer
		// token, which the agent does not hold): that is the approval.
		approved, err := eng.Approve(ctx, j.ID, j.Digest, ApprovedByApproverToken)
		if err != nil {
			return j, "The approval with the approver token failed: " + err.Error()
		}
		return approved, "Approved with the approver token; the post publishes at its time."
	}
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return j, approvalNote(j, c.Sandbox)
	}
	when := "as a draft (no time yet)"
	if !j.FireAt.IsZero() {
		when = "at " + j.FireAt.UTC().Format(time.RFC3339)
		if loc, err := time.LoadLocation(j.Zone); err == nil && j.Zone != "" {
			when += " (" + j.FireAt.In(loc).Format("Mon 2006-01-02 15:04 MST") + ")"
		}
	}
	account := c.acct.Username
	if account == "" {
		account = c.acct.Name
	}
	msg := fmt.Sprintf("Approve this post for @%s, to be published %s?\n\n%s\n\nJob %s, payload digest %s.", account, when, preview, j.ID, j.Digest[:12])
	req := mcp.ElicitationRequest{Params: mcp.ElicitationParams{Message: msg, RequestedSchema: map[string]any{
		"type": "object",
		"properties": map[string]any{
			"approve": map[string]any{"type": "boolean", "title": "Publish this post as shown", "default": false},
		},
		"required": []string{"approve"},
	}}}
	if !elicits(ctx) {
		return j, approvalNote(j, c.Sandbox)
	}
	ectx, cancel := context.WithTimeout(ctx, approvalWait)
	defer cancel()
	res, err := srv.RequestElicitation(ectx, req)
	if err != nil {
		if !errors.Is(err, server.ErrElicitationNotSupported) && !errors.Is(err, server.ErrServerInitiatedRequestUnsupported) && c.Logger != nil {
			c.Logger.Debug("approval elicitation failed", "job", j.ID, "err", err)
		}
		return j, approvalNote(j, c.Sandbox)
	}
	approve := false
	if m, ok := res.Content.(map[string]any); ok {
		approve, _ = m["approve"].(bool)
	}
	if res.Action != mcp.ElicitationResponseActionAccept || !approve {
		return j, "The user did not approve this post (" + string(res.Action) + "); it stays awaiting approval and will not publish. " +
			"Ask them what to change, then update_scheduled, or cancel_scheduled."
	}
	approved, err := eng.Approve(ctx, j.ID, j.Digest, ApprovedByElicitation)
	if err != nil {
		return j, "The approval could not be recorded: " + schedErr(err).Error()
	}
	if approved.Status == schemas.ScheduleDraft {
		return approved, "The user approved this draft; give it a time with reschedule_post to schedule it."
	}
	return approved, "The user approved this post; it is scheduled."
}

// holdForApproval stops an immediate publish (publish_text and the other
// publishing tools) of an account whose require_approval covers it: the
// call is stored as a job awaiting approval that fires as soon as a person
// approves it, and the person is asked at once when the client can. It
// returns the message the call reports instead of a post ("" when the
// publish needs no approval and goes ahead).
func (c *call) holdForApproval(ctx context.Context, tool string, args any) (string, error) {
	eng := c.Scheduler
	ps, err := eng.Schedule(ctx, c.scheduleScope())
	if err != nil || ps.RequireApproval == schemas.ApprovalNever {
		return "", err
	}
	posts, _, _, _, err := c.plan(ctx, args)
	if err != nil {
		return "", err
	}
	media := hasMedia(posts)
	if !ps.NeedsApproval(media) {
		return "", nil
	}
	norm, err := json.Marshal(args)
	if err != nil {
		return "", fmt.Errorf("encode arguments: %w", err)
	}
	j, err := c.heldBefore(ctx, eng, tool, norm)
	if err != nil {
		return "", err
	}
	if j != nil {
		return fmt.Sprintf("Nothing was published by this call: the same %s was already held for approval as job %s (status %s); "+
			"a retry does not make a second one. get_scheduled shows what became of it; do not call %s again.", tool, j.ID, j.Status, tool), nil
	}
	j, err = eng.Create(ctx, schedule.NewJob{Scope: c.scheduleScope(), Tool: tool, Args: norm, Media: media})
	if err != nil {
		return "", err
	}
	var texts []string
	for _, p := range posts {
		texts = append(texts, p.Text)
	}
	j, note := c.askApproval(ctx, eng, j, tool+": "+strings.Join(texts, " ⏎ "))
	if j.Status == schemas.ScheduleScheduled {
		return fmt.Sprintf("Nothing was published by this call: the account requires a human's approval (require_approval %s). "+
			"The user approved it, and it publishes now as job %s: get_scheduled shows the post in a moment; do not call %s again.",
			ps.RequireApproval, j.ID, tool), nil
	}
	return fmt.Sprintf("Nothing was published: the account requires a human's approval (require_approval %s), so the post was stored "+
		"as job %s, awaiting approval; it publishes as soon as it is approved. %s Do not call %s again.", ps.RequireApproval, j.ID, note, tool), nil
}

// heldWindow is how long a held publish answers a retry of the same call
// (the same arguments, idempotency_key included): as long as a key
// replays a publish.
const heldWindow = 24 * time.Hour

// heldBefore returns the job an identical call was held (or scheduled)
// as within heldWindow and not cancelled, failed or skipped since, or nil: a retried publish
// awaiting approval must not become a second job, and a second post once
// both are approved.
func (c *call) heldBefore(ctx context.Context, eng *schedule.Engine, tool string, args json.RawMessage) (*schedule.Job, error) {
	digest := schedule.Digest(tool, args)
	since := time.Now().Add(-heldWindow)
	jobs, err := eng.List(ctx, schedule.Filter{Account: c.acct.Name, Limit: 500})
	if err != nil {
		return nil, fmt.Errorf("look for an earlier held %s: %w", tool, err)
	}
	for _, j := range jobs {
		if j.Tool == tool && j.Digest == digest && j.CreatedAt.After(since) &&
			j.Status != schemas.ScheduleCancelled && j.Status != schemas.ScheduleFailed && j.Status != schemas.ScheduleSkipped {
			return j, nil
		}
	}
	return nil, nil
}

// approvalWait bounds how long a call waits for the person to answer an
// elicitation: after it, the job keeps waiting and the note says how to
// approve it later.
const approvalWait = 5 * time.Minute

// elicits reports whether the calling client declared the elicitation
// capability. mcp-go sends an elicitation to any session that can carry
// one without looking at what the client declared, and over stateless
// Streamable HTTP (no session state) such a request waits forever for an
// answer the client will never give.
func elicits(ctx context.Context) bool {
	cs, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo)
	return ok && cs.GetClientCapabilities().Elicitation != nil
}
