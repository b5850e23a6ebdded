package tools

import (
	"context"
	"fmt"

	"github.com/threads-mcp/threads-mcp/schemas"
)

// listAccounts is the list_accounts tool: the accounts this server can act
// as, with the days left on their tokens. It never shows a token.
func listAccounts() Tool {
	return newTool[schemas.ListAccountsArgs](def{
		name:        "list_accounts",
		title:       "List Threads accounts",
		description: "Accounts this server can act as (name, to pass as account).",
		toolset:     ToolsetAccounts,
		hints:       localRead(),
	}, func(ctx context.Context, c *call, _ *schemas.ListAccountsArgs) (*schemas.ListAccountsResult, error) {
		if c.Accounts == nil {
			return nil, fmt.Errorf("no Threads account is configured")
		}
		infos, err := c.Accounts.List(ctx)
		if err != nil {
			return nil, err
		}
		out := &schemas.ListAccountsResult{
			Accounts: make([]schemas.AccountSummary, 0, len(infos)),
		}
		for _, in := range infos {
			s := schemas.AccountSummary{
				Name: in.Name, Username: in.Username, UserID: in.UserID, Default: in.Default,
				ExpiresAt: rfc3339(in.ExpiresAt), Scopes: in.Scopes, Source: in.Source,
			}
			if in.DaysLeft >= 0 {
				n := in.DaysLeft
				s.DaysLeft = &n
			}
			out.Accounts = append(out.Accounts, s)
		}
		return out, nil
	})
}
