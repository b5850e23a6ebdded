package tools

import (
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// cacheFor is how long a client may reuse the result of a read tool called
// with the same arguments: reads whose answer changes slowly (a profile,
// insights, which Meta itself updates with a delay of minutes,
// https://developers.facebook.com/docs/threads/insights) and whose repeat
// would spend call volume for nothing. Lists of replies, mentions and
// events, and quotas, change too often and carry none.
var cacheFor = map[string]time.Duration{
	"get_profile":   time.Minute,
	"get_insights":  time.Minute,
	"get_top_posts": time.Minute,
	"get_post":      30 * time.Second,
	"search_posts":  time.Minute,
	"list_accounts": 30 * time.Second,
}

// Cache hint keys in a tool result's _meta, named as the 2026-07-28 list
// and read results name them (SEP-2549): a freshness in milliseconds, and
// "private" (the result is the account's, never to be shared between
// users by an intermediary).
const (
	metaTTL        = "ttlMs"
	metaCacheScope = "cacheScope"
)

// cacheHint sets the result's cache hints when tool has them and the call
// succeeded.
func cacheHint(tool string, res *mcp.CallToolResult) {
	ttl, ok := cacheFor[tool]
	if !ok || res == nil || res.IsError {
		return
	}
	m := res.EnsureResultMeta()
	if m.AdditionalFields == nil {
		m.AdditionalFields = map[string]any{}
	}
	m.AdditionalFields[metaTTL] = ttl.Milliseconds()
	m.AdditionalFields[metaCacheScope] = string(mcp.CacheScopePrivate)
}
