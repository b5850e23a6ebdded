package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/threads-mcp/threads-mcp/schemas"
)

// hints are a tool's four behaviour annotations, always all set.
type hints struct{ readOnly, destructive, idempotent, openWorld bool }

// annotation returns h as MCP tool annotations with title: all four hints,
// always stated. The specification's defaults (destructiveHint true,
// openWorldHint true; https://modelcontextprotocol.io/specification/2025-06-18/schema#toolannotations)
// are the wrong guess for most of these tools, and clients that auto-approve
// read-only tools read the hints, not the defaults.
func (h hints) annotation(title string) mcp.ToolAnnotation {
	return mcp.ToolAnnotation{
		Title:           title,
		ReadOnlyHint:    mcp.ToBoolPtr(h.readOnly),
		DestructiveHint: mcp.ToBoolPtr(h.destructive),
		IdempotentHint:  mcp.ToBoolPtr(h.idempotent),
		OpenWorldHint:   mcp.ToBoolPtr(h.openWorld),
	}
}

// Hints returns the tool's annotation hints with the MCP defaults applied
// where the definition leaves one out.
func (t Tool) Hints() (readOnly, destructive, idempotent, openWorld bool) {
	a := t.def.Annotations
	v := func(p *bool, def bool) bool {
		if p == nil {
			return def
		}
		return *p
	}
	readOnly = v(a.ReadOnlyHint, false)
	return readOnly, !readOnly && v(a.DestructiveHint, true), v(a.IdempotentHint, false), v(a.OpenWorldHint, true)
}

// readOnly is a tool that only reads from Threads.
func readOnly() hints { return hints{readOnly: true, idempotent: true, openWorld: true} }

// localRead is a tool that reads only the server's own state.
func localRead() hints { return hints{readOnly: true, idempotent: true} }

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
	toolset     string
	hints       hints
	// scopes are the Threads permissions the tool needs (named in errors
	// when a token lacks one).
	scopes []string
	// needs are the scopes every call needs: when the account's granted
	// scopes are known and lack one, the call is refused before anything
	// is sent, naming the scope and the command that adds it. They are
	// listed in scopes too.
	needs []string
	// optional are the scopes of scopes that only some calls need (a
	// location tag, a share to Instagram, another account's post): a token
	// without them serves the other calls.
	optional []string
}

// Tool is one tool as data: its MCP definition (name, title, description,
// annotations, input and output schemas) and its toolset. Listing tools
// needs nothing else; Bind builds the handler from the dependencies.
type Tool struct {
	def     mcp.Tool
	toolset string
	scopes  []string
	// optional are the scopes only some calls need (def.optional).
	optional []string
	bind     func(Deps) server.ToolHandlerFunc
	// check runs the pipeline's checks on raw arguments (checkArgs) and
	// returns the normalized arguments (a pointer to the tool's Args type).
	check func(raw json.RawMessage) (any, error)
	// run runs the tool's work on arguments from check, for a call whose
	// account and key are set (a scheduled post firing).
	run func(ctx context.Context, c *call, args any) (any, error)
}

// Scopes returns the Threads permissions the tool needs.
func (t Tool) Scopes() []string { return slices.Clone(t.scopes) }

// Required returns the permissions every call of the tool needs: its
// Scopes but the Optional ones. A token without one of them fails every
// call.
func (t Tool) Required() []string {
	var out []string
	for _, s := range t.scopes {
		if !slices.Contains(t.optional, s) {
			out = append(out, s)
		}
	}
	return out
}

// Optional returns the permissions only some calls of the tool need (a
// location tag, a share to Instagram, another account's post).
func (t Tool) Optional() []string { return slices.Clone(t.optional) }

// Definition returns the tool's MCP definition, as tools/list shows it.
func (t Tool) Definition() mcp.Tool { return t.def }

// Name returns the tool's name.
func (t Tool) Name() string { return t.def.Name }

// Toolset returns the name of the toolset the tool belongs to.
func (t Tool) Toolset() string { return t.toolset }

// ReadOnly reports whether the tool's ReadOnlyHint is true.
func (t Tool) ReadOnly() bool {
	ro, _, _, _ := t.Hints()
	return ro
}

// Bind returns the tool with its handler built from d.
func (t Tool) Bind(d Deps) server.ServerTool {
	return server.ServerTool{Tool: t.def, Handler: t.bind(d)}
}

// argsPtr is a pointer to a tool's argument struct that can validate itself.
type argsPtr[A any] interface {
	*A
	Validate() error
}

// call is what a tool's run function gets besides its own arguments: the
// dependencies, the request, and the shared arguments the pipeline handled.
type call struct {
	Deps
	req mcp.CallToolRequest
	// acct is the resolved account argument (the default account when
	// omitted); nil for a tool whose arguments have no account.
	acct *Account
	// key is the idempotency_key argument, "" when absent.
	key string
	// needs are the tool's def.needs.
	needs []string
}

// runFunc does a tool's work once its arguments are valid. The shared
// arguments (account, idempotency_key) are cleared from args: they are in c.
type runFunc[A, R any] func(ctx context.Context, c *call, args *A) (*R, error)

// Shared arguments, embedded in the schemas Args types; the pipeline finds
// them through these promoted accessors.
type (
	accountArgs     interface{ AccountArgument() *schemas.AccountArg }
	idempotencyArgs interface {
		IdempotencyArgument() *schemas.IdempotencyArg
	}
)

// newTool builds a Tool. Its input and output schemas are reflected from A
// and R and its validator compiled here, once per process (the registry is
// built lazily, once). The handler, for every call:
//
//  1. parses the arguments once, validates them against the JSON Schema
//     (formats asserted) and the Go types, and decodes them once, strictly;
//  2. normalizes them and fills defaults (when A has Normalize or Defaults);
//  3. normalizes and checks the shared account and idempotency_key
//     arguments, then checks the Go rules of package schemas (Validate);
//  4. resolves the account (every tool that takes one);
//  5. runs run, maps its error to an isError result a model can act on,
//     fills the result's common fields (sandbox, account, token days left)
//     and returns structured content with a one-line JSON text mirror;
//  6. logs one line at info (tool, account, outcome, duration).
//
// Redaction and token retry sit outside, in the server middleware and the
// Threads client's HTTP transport, so every tool inherits them too.
func newTool[A any, PA argsPtr[A], R any](d def, run runFunc[A, R]) Tool {
	in := schemas.MustInputSchema(new(A))
	out := schemas.MustOutputSchema(new(R))
	validator, err := schemas.NewValidator(in)
	if err != nil {
		panic(fmt.Sprintf("tools: %s input schema does not compile: %v", d.name, err))
	}
	if d.toolset == "" || !knownToolset(d.toolset) {
		panic(fmt.Sprintf("tools: %s has unknown toolset %q", d.name, d.toolset))
	}
	tool := mcp.NewToolWithRawSchema(d.name, d.description, in)
	// The display title is set once, in the annotations: clients of every
	// protocol version read annotations.title, and the 2025-06-18 Tool.title
	// falls back to it (https://modelcontextprotocol.io/specification/2025-06-18/server/tools),
	// so a second copy would only lengthen tools/list.
	tool.RawOutputSchema = out
	tool.Annotations = d.hints.annotation(d.title)
	bind := func(deps Deps) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			start := time.Now()
			c := &call{Deps: deps, req: req, needs: d.needs}
			res, outcome, detail := handle[A, PA](ctx, d.name, validator, c, run)
			cacheHint(d.name, res)
			deps.logCall(ctx, d.name, c, outcome, detail, time.Since(start))
			return res, nil
		}
	}
	scopes := slices.Clone(d.scopes)
	for _, n := range d.needs {
		if !slices.Contains(scopes, n) {
			scopes = append(scopes, n)
		}
	}
	check := func(raw json.RawMessage) (any, error) { return checkArgs[A, PA](validator, raw) }
	for _, o := range d.optional {
		if !slices.Contains(scopes, o) {
			panic(fmt.Sprintf("tools: %s: optional scope %q is not among its scopes", d.name, o))
		}
	}
	runArgs := func(ctx context.Context, c *call, args any) (any, error) {
		r, err := run(ctx, c, (*A)(args.(PA)))
		if err != nil {
			return nil, err
		}
		return r, nil
	}
	return Tool{def: tool, toolset: d.toolset, scopes: scopes, optional: slices.Clone(d.optional), bind: bind, check: check, run: runArgs}
}

// handle runs the pipeline of one call; it never returns a Go error, so a
// model always sees a tool result.
func handle[A any, PA argsPtr[A], R any](ctx context.Context, name string, v *schemas.Validator, c *call, run runFunc[A, R]) (*mcp.CallToolResult, string, string) {
	raw, err := rawArguments(c.req)
	if err != nil {
		return invalidInput(name, err), "invalid", err.Error()
	}
	args, err := checkArgs[A, PA](v, raw)
	if err != nil {
		return invalidInput(name, err), "invalid", err.Error()
	}
	keyArg, hasKey := any(args).(idempotencyArgs)
	acctArg, hasAccount := any(args).(accountArgs)
	if hasKey {
		k := keyArg.IdempotencyArgument()
		c.key, k.IdempotencyKey = k.IdempotencyKey, ""
	}
	if hasAccount {
		a := acctArg.AccountArgument()
		acct, err := c.account(ctx, a.Account)
		if err != nil {
			return errorResult(name, err, nil), "error", err.Error()
		}
		c.acct, a.Account = acct, ""
		if scope := c.lacking(c.needs...); scope != "" {
			err := userErrorf("nothing was sent to Threads. %s", missingScope(scope, "", c.acct))
			return errorResult(name, err, c.acct), "error", err.Error()
		}
	}
	if c.Scheduler != nil && c.acct != nil && slices.Contains(schemas.ValidatableTools(), name) {
		// An account that requires approval holds immediate publishes too.
		msg, err := c.holdForApproval(ctx, name, args)
		if err != nil {
			return errorResult(name, err, c.acct), "error", err.Error()
		}
		if msg != "" {
			return errorResult(name, &userError{msg: msg}, c.acct), "held", msg
		}
	}
	res, err := run(ctx, c, (*A)(args))
	if err != nil {
		return errorResult(name, err, c.acct), "error", err.Error()
	}
	outcome := "ok"
	if m, ok := any(res).(metaCarrier); ok {
		c.fillMeta(m.Meta())
		if m.Meta().Replayed {
			outcome = "replayed"
		}
	}
	out, err := structured(res)
	if err != nil {
		return mcp.NewToolResultError(name + ": " + err.Error()), "error", err.Error()
	}
	out.Content = append(out.Content, c.resourceLinks(res)...)
	return out, outcome, ""
}

// checkArgs runs the checks of the pipeline (steps 1 to 3 of newTool) on
// raw: schema validation and strict decoding, Normalize and Defaults, the
// shared account and idempotency_key checks, and Validate. It returns the
// normalized arguments, or the error the call reports as invalid input.
// validate_post runs it too, so a dry run and a real call give the same
// verdict.
func checkArgs[A any, PA argsPtr[A]](v *schemas.Validator, raw json.RawMessage) (PA, error) {
	args := PA(new(A))
	if err := v.Decode(raw, args); err != nil {
		return nil, err
	}
	if n, ok := any(args).(interface{ Normalize() }); ok {
		n.Normalize()
	}
	if n, ok := any(args).(interface{ Defaults() }); ok {
		n.Defaults()
	}
	var shared schemas.FieldErrors
	if acctArg, ok := any(args).(accountArgs); ok {
		a := acctArg.AccountArgument()
		a.NormalizeAccount()
		if fe := a.CheckAccount(); fe != nil {
			shared = append(shared, fe)
		}
	}
	if keyArg, ok := any(args).(idempotencyArgs); ok {
		if fe := keyArg.IdempotencyArgument().CheckKey(); fe != nil {
			shared = append(shared, fe)
		}
	}
	if err := args.Validate(); err != nil || len(shared) > 0 {
		fes := schemas.AsFieldErrors(err)
		if err != nil && fes == nil { // not FieldErrors: keep the error as it is
			return nil, err
		}
		return nil, append(slices.Clip(fes), shared...)
	}
	return args, nil
}

// logCall writes the one info line of a tool call; the failure's text goes
// to debug.
func (d Deps) logCall(ctx context.Context, tool string, c *call, outcome, detail string, took time.Duration) {
	if d.Logger == nil {
		return
	}
	attrs := []slog.Attr{slog.String("tool", tool), slog.String("outcome", outcome),
		slog.Duration("took", took.Round(time.Millisecond))}
	if c.acct != nil && c.acct.Name != "" {
		attrs = append(attrs, slog.String("account", c.acct.Name))
	}
	d.Logger.LogAttrs(ctx, slog.LevelInfo, "tool call", attrs...)
	if detail != "" {
		d.Logger.LogAttrs(ctx, slog.LevelDebug, "tool call detail", slog.String("tool", tool), slog.String("detail", detail))
	}
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

// fillMeta sets the common fields of a result: where it came from and, for
// a tool acting as an account, which one and how long its token lasts.
// Replayed and ReplayNote are the publish path's to set.
func (c *call) fillMeta(m *schemas.ResultMeta) {
	m.Sandbox = c.Sandbox
	if c.acct == nil {
		return
	}
	m.Account = c.acct.Username
	if m.Account == "" {
		m.Account = c.acct.Name
	}
	m.TokenDaysLeft = nil
	if c.acct.DaysLeft != nil {
		if n := c.acct.DaysLeft(); n >= 0 && n < 7 {
			m.TokenDaysLeft = &n
		}
	}
}

// lacking returns the first of scopes the call's account is known not to
// hold, or "" (also when its scopes are unknown).
func (c *call) lacking(scopes ...string) string {
	if c.acct == nil || c.acct.Scopes == nil {
		return ""
	}
	for _, s := range scopes {
		if !slices.Contains(c.acct.Scopes, s) {
			return s
		}
	}
	return ""
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
