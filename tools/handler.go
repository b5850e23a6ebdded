package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/threads-mcp/threads-mcp/schemas"
)

// hints are a tool's four behaviour annotations, always all set.
type hints struct{ readOnly, destructive, idempotent, openWorld bool }

// readOnly is a tool that only reads from Threads.
func readOnly() hints { return hints{readOnly: true, idempotent: true, openWorld: true} }

// additive is a tool that creates something public on Threads; nothing is
// overwritten or deleted, but calling it twice posts twice.
func additive() hints { return hints{openWorld: true} }

// localSetting is a tool that changes only the server's own state.
func localSetting() hints { return hints{idempotent: true, destructive: false} }

// def describes a tool.
type def struct {
	name        string
	title       string
	description string
	hints       hints
}

// argsPtr is a pointer to a tool's argument struct that can validate itself.
type argsPtr[A any] interface {
	*A
	Validate() error
}

// runFunc does a tool's work once its arguments are valid.
type runFunc[A, R any] func(ctx context.Context, req mcp.CallToolRequest, args *A) (*R, error)

// newTool builds a ServerTool whose handler validates the arguments with the
// JSON Schema (formats asserted), decodes them strictly, normalizes them and
// fills defaults (when the type has Normalize or Defaults), checks the Go
// rules of package schemas, runs run, and returns structured content with a
// one-line JSON text mirror.
func newTool[A any, PA argsPtr[A], R any](d def, run runFunc[A, R]) server.ServerTool {
	in := schemas.MustInputSchema(new(A))
	out := schemas.MustOutputSchema(new(R))
	validator, err := schemas.NewValidator(in)
	if err != nil {
		panic(fmt.Sprintf("tools: %s input schema does not compile: %v", d.name, err))
	}
	tool := mcp.NewToolWithRawSchema(d.name, d.description, in)
	tool.Title = d.title
	tool.RawOutputSchema = out
	tool.Annotations = mcp.ToolAnnotation{
		Title:           d.title,
		ReadOnlyHint:    mcp.ToBoolPtr(d.hints.readOnly),
		DestructiveHint: mcp.ToBoolPtr(d.hints.destructive),
		IdempotentHint:  mcp.ToBoolPtr(d.hints.idempotent),
		OpenWorldHint:   mcp.ToBoolPtr(d.hints.openWorld),
	}
	handler := func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		raw, err := rawArguments(req)
		if err != nil {
			return invalidInput(d.name, err), nil
		}
		if err := validator.Validate(raw); err != nil {
			return invalidInput(d.name, err), nil
		}
		args := PA(new(A))
		if err := schemas.Decode(raw, args); err != nil {
			return invalidInput(d.name, err), nil
		}
		if n, ok := any(args).(interface{ Normalize() }); ok {
			n.Normalize()
		}
		if n, ok := any(args).(interface{ Defaults() }); ok {
			n.Defaults()
		}
		if err := args.Validate(); err != nil {
			return invalidInput(d.name, err), nil
		}
		res, err := run(ctx, req, (*A)(args))
		if err != nil {
			return errorResult(d.name, err), nil
		}
		return structured(res)
	}
	return server.ServerTool{Tool: tool, Handler: handler}
}

// rawArguments returns the call's arguments as JSON ("{}" when absent).
func rawArguments(req mcp.CallToolRequest) (json.RawMessage, error) {
	switch a := req.GetRawArguments().(type) {
	case json.RawMessage:
		if len(a) == 0 || string(a) == "null" {
			return json.RawMessage("{}"), nil
		}
		return a, nil
	case nil:
		return json.RawMessage("{}"), nil
	default:
		b, err := json.Marshal(a)
		if err != nil {
			return nil, fmt.Errorf("arguments are not JSON: %w", err)
		}
		return b, nil
	}
}

// structured returns v as structuredContent plus the same JSON on one line.
func structured(v any) (*mcp.CallToolResult, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	var content map[string]any
	if err := json.Unmarshal(b, &content); err != nil {
		return nil, fmt.Errorf("result is not an object: %w", err)
	}
	return mcp.NewToolResultStructured(content, string(b)), nil
}

// meta is the part of every result that says where it came from.
func (d Deps) meta(acct *Account) schemas.ResultMeta {
	m := schemas.ResultMeta{Sandbox: d.Sandbox, Account: acct.Username}
	if m.Account == "" {
		m.Account = acct.Name
	}
	if acct.DaysLeft != nil {
		if n := acct.DaysLeft(); n >= 0 && n < 7 {
			m.TokenDaysLeft = &n
		}
	}
	return m
}

// account resolves a call's account argument ("" for the default).
func (d Deps) account(ctx context.Context, name string) (*Account, error) {
	if d.Accounts == nil {
		return nil, fmt.Errorf("no Threads account is configured")
	}
	return d.Accounts.Resolve(ctx, name)
}

// rfc3339 formats t for results, "" when zero.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func quote(s string) string { return strconv.Quote(s) }
