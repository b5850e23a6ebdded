package tools

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
)

// QuotaReader reads the account's rolling 24 h publishing quotas.
type QuotaReader interface {
	PublishingLimit(ctx context.Context, fields ...string) (*threads.PublishingLimit, *threads.Response, error)
}

// Threads' documented quotas, used when a response omits a config.
const (
	defaultPostQuota   = 250
	defaultReplyQuota  = 1000
	defaultDeleteQuota = 100
	quotaWindow        = 86400
)

// GetPublishingLimit is the get_publishing_limit tool: posts, replies and
// deletes used and left in the rolling 24 hours.
func GetPublishingLimit(d Deps) server.ServerTool {
	return newTool[schemas.GetPublishingLimitArgs](def{
		name:  "get_publishing_limit",
		title: "Get publishing limits",
		description: "Show how many posts (250), replies (1,000) and deletes (100) the account has used and has " +
			"left in the rolling 24 hours. Publishing tools refuse at once when the quota is spent.",
		hints: readOnly(),
	}, func(ctx context.Context, _ mcp.CallToolRequest, a *schemas.GetPublishingLimitArgs) (*schemas.PublishingLimitResult, error) {
		acct, err := d.account(ctx, a.Account)
		if err != nil {
			return nil, err
		}
		lim, _, err := acct.API.PublishingLimit(ctx, "quota_usage", "config", "reply_quota_usage", "reply_config")
		if err != nil {
			return nil, err
		}
		out := &schemas.PublishingLimitResult{
			ResultMeta: d.meta(acct),
			Posts:      quota(lim.QuotaUsage, lim.Config, defaultPostQuota),
			Replies:    quota(lim.ReplyQuotaUsage, lim.ReplyConfig, defaultReplyQuota),
		}
		// Deletes need threads_delete, which the default login does not ask
		// for: read them separately and leave them out when refused.
		if del, _, err := acct.API.PublishingLimit(ctx, "delete_quota_usage", "delete_config"); err == nil {
			q := quota(del.DeleteQuotaUsage, del.DeleteConfig, defaultDeleteQuota)
			out.Deletes = &q
		} else {
			out.Note = "delete quota not shown: " + explain(err)
		}
		return out, nil
	})
}

// quota converts one quota group.
func quota(used int, cfg *threads.QuotaConfig, defTotal int) schemas.Quota {
	q := schemas.Quota{Used: used, Limit: defTotal, Window: quotaWindow}
	if cfg != nil && cfg.QuotaTotal > 0 {
		q.Limit = cfg.QuotaTotal
		if cfg.QuotaDuration > 0 {
			q.Window = cfg.QuotaDuration
		}
	}
	q.Left = max(q.Limit-q.Used, 0)
	return q
}
