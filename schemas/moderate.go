package schemas

import (
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/threads-mcp/threads-mcp/threads"
)

// This file holds the arguments and results of the moderation tools
// (hide_reply, unhide_reply, list_pending_replies, approve_reply,
// ignore_reply) and list_replies' pending filter.

// ApprovalStatuses lists the approval_status filters of
// list_pending_replies, as Meta spells them (case-sensitive); empty lists
// both (https://developers.facebook.com/docs/threads/reply-management).
func ApprovalStatuses() []string { return []string{threads.ApprovalPending, threads.ApprovalIgnored} }

// ReplyTargetArgs are the arguments of the tools acting on one reply.
type ReplyTargetArgs struct {
	ReplyID string `json:"reply_id" jsonschema:"required" jsonschema_description:"Reply id (from list_replies)."`
	AccountArg
}

// JSONSchemaExtend sets the id pattern.
func (ReplyTargetArgs) JSONSchemaExtend(s *jsonschema.Schema) { setID(s, "reply_id") }

// Normalize trims the id.
func (a *ReplyTargetArgs) Normalize() { a.ReplyID = strings.TrimSpace(a.ReplyID) }

// Validate checks the id.
func (a *ReplyTargetArgs) Validate() error {
	var errs FieldErrors
	errs.add(checkID("reply_id", a.ReplyID))
	return errs.Err()
}

// ModerateResult is the result of a moderation action.
type ModerateResult struct {
	ResultMeta
	ReplyID        string `json:"reply_id"`
	Action         string `json:"action" jsonschema_description:"hide, unhide, approve or ignore."`
	HideStatus     string `json:"hide_status,omitempty" jsonschema_description:"The reply's hide status now (HIDDEN or UNHUSHED)."`
	ApprovalStatus string `json:"approval_status,omitempty" jsonschema_description:"approved (the reply is now public) or ignored (still held; it can be approved later)."`
	Note           string `json:"note,omitempty"`
}

// ListPendingRepliesArgs are the arguments of list_pending_replies.
type ListPendingRepliesArgs struct {
	PostID         string `json:"post_id" jsonschema:"required" jsonschema_description:"Post created with reply approvals."`
	ApprovalStatus string `json:"approval_status,omitempty" jsonschema_description:"Default: both."`
	Order          string `json:"order,omitempty"`
	PageArg
	AccountArg
}

// JSONSchemaExtend sets the id pattern, enums and paging.
func (ListPendingRepliesArgs) JSONSchemaExtend(s *jsonschema.Schema) {
	setID(s, "post_id")
	setEnum(s, "approval_status", ApprovalStatuses())
	setEnum(s, "order", ReplyOrders())
	if p := property(s, "order"); p != nil {
		p.Default = ReplyOrders()[0]
	}
	setPage(s, DefaultRepliesLimit, MaxRepliesLimit, "")
}

// Normalize trims every field and lower-cases the enums.
func (a *ListPendingRepliesArgs) Normalize() {
	a.PostID = strings.TrimSpace(a.PostID)
	a.ApprovalStatus = normalizeEnum(a.ApprovalStatus)
	a.Order = normalizeEnum(a.Order)
	a.Cursor = strings.TrimSpace(a.Cursor)
}

// Defaults fills order newest and limit 25.
func (a *ListPendingRepliesArgs) Defaults() {
	if a.Order == "" {
		a.Order = ReplyOrders()[0]
	}
	defaultLimit(&a.PageArg, DefaultRepliesLimit)
}

// Validate checks post_id, approval_status, order and paging.
func (a *ListPendingRepliesArgs) Validate() error {
	var errs FieldErrors
	errs.add(checkID("post_id", a.PostID))
	errs.add(checkEnum("approval_status", a.ApprovalStatus, ApprovalStatuses()))
	errs.add(checkEnum("order", a.Order, ReplyOrders()))
	a.checkPage(&errs, MaxRepliesLimit)
	return errs.Err()
}
