package tools

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// maxCompletions is the most values completion/complete may return (MCP
// caps it at 100).
const maxCompletions = 100

// completer answers completion/complete for the prompts' arguments and
// the resource templates' variables: account names (Accounts.List) and
// the ids of the account's recent posts (list_posts, through its pipeline).
// A failure to read them completes nothing rather than failing the
// request: completion is a convenience.
type completer struct {
	d        Deps
	handlers map[string]server.ToolHandlerFunc
}

// CompletePromptArgument completes a prompt argument.
func (c *completer) CompletePromptArgument(ctx context.Context, _ string, arg mcp.CompleteArgument, cc mcp.CompleteContext) (*mcp.Completion, error) {
	switch arg.Name {
	case argAccount:
		return c.accounts(ctx, arg.Value), nil
	case argPostID:
		return c.posts(ctx, cc.Arguments[argAccount], arg.Value), nil
	}
	return &mcp.Completion{Values: []string{}}, nil
}

// CompleteResourceArgument completes a resource template variable.
func (c *completer) CompleteResourceArgument(ctx context.Context, _ string, arg mcp.CompleteArgument, cc mcp.CompleteContext) (*mcp.Completion, error) {
	switch arg.Name {
	case "account":
		return c.accounts(ctx, arg.Value), nil
	case "id":
		return c.posts(ctx, "", arg.Value), nil
	}
	return &mcp.Completion{Values: []string{}}, nil
}

// accounts completes account names (stored name, else username) starting
// with prefix, the default first.
func (c *completer) accounts(ctx context.Context, prefix string) *mcp.Completion {
	var vals []string
	if c.d.Accounts != nil {
		if infos, err := c.d.Accounts.List(ctx); err == nil {
			slices.SortStableFunc(infos, func(a, b AccountInfo) int {
				switch {
				case a.Default == b.Default:
					return 0
				case a.Default:
					return -1
				}
				return 1
			})
			for _, in := range infos {
				for _, v := range []string{in.Name, in.Username} {
					if v != "" && hasPrefixFold(v, prefix) && !slices.Contains(vals, v) {
						vals = append(vals, v)
					}
				}
			}
		}
	}
	return completion(vals)
}

// posts completes the ids of the account's recent posts starting with prefix.
func (c *completer) posts(ctx context.Context, account, prefix string) *mcp.Completion {
	h := c.handlers["list_posts"]
	if h == nil {
		return completion(nil)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = "list_posts"
	args := map[string]any{}
	if account = strings.TrimSpace(account); account != "" {
		args["account"] = account
	}
	req.Params.Arguments = args
	res, err := h(ctx, req)
	if err != nil || res == nil || res.IsError {
		return completion(nil)
	}
	var out struct {
		Posts []struct {
			ID string `json:"id"`
		} `json:"posts"`
	}
	b, _ := json.Marshal(res.StructuredContent)
	if json.Unmarshal(b, &out) != nil {
		return completion(nil)
	}
	var vals []string
	for _, p := range out.Posts {
		if strings.HasPrefix(p.ID, prefix) {
			vals = append(vals, p.ID)
		}
	}
	return completion(vals)
}

func completion(vals []string) *mcp.Completion {
	c := &mcp.Completion{Values: vals, Total: len(vals)}
	if c.Values == nil {
		c.Values = []string{}
	}
	if len(c.Values) > maxCompletions {
		c.Values, c.HasMore = c.Values[:maxCompletions], true
	}
	return c
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
