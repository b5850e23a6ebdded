package commands

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/threads-mcp/threads-mcp/cmd/internal/cli"
	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/tools/redact"
)

// webhooksUsage is the help of `threads-mcp webhooks`.
const webhooksUsage = `Manages the Threads app's webhook subscription (/{app-id}/subscriptions) with an app token:
  subscribe    point Threads' webhooks at --callback-url (Meta first checks it with the
               verification handshake, so the server must be running there with the same verify token)
  list         show the app's subscriptions
  unsubscribe  stop them (all fields, or --fields)
The app id and secret come from --app-id/--app-secret or THREADS_APP_ID/THREADS_APP_SECRET; the
secret is never printed.`

// Webhooks runs `threads-mcp webhooks subscribe|list|unsubscribe`.
func Webhooks(ctx context.Context, args []string, s IO) int {
	getenv := s.getenv()
	fs := flag.NewFlagSet("webhooks", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	appID := fs.String("app-id", getenv("THREADS_APP_ID"), "Threads app id (THREADS_APP_ID)")
	secret := ""
	fs.Func("app-secret", "Threads app secret (or THREADS_APP_SECRET)", func(v string) error { secret = v; return nil })
	base := fs.String("api-base-url", cli.Or(getenv("THREADS_API_BASE_URL"), "https://graph.threads.net/v1.0"), "Threads Graph API base URL")
	callback := fs.String("callback-url", "", "the server's public webhook URL, https://HOST/webhooks/threads (subscribe)")
	verify := ""
	fs.Func("verify-token", "the verify token the server answers the handshake with (or THREADS_MCP_WEBHOOK_VERIFY_TOKEN)", func(v string) error { verify = v; return nil })
	fields := fs.String("fields", strings.Join(threads.WebhookFields(), ","), "comma-separated fields: "+strings.Join(threads.WebhookFields(), ", "))
	if cli.WantsHelp(args) || len(args) == 0 {
		cli.PrintHelp(s.Out, fs, "webhooks subscribe|list|unsubscribe [flags]", webhooksUsage)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	action := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return ExitUsage
	}
	if secret == "" {
		secret = getenv("THREADS_APP_SECRET")
	}
	if verify == "" {
		verify = getenv("THREADS_MCP_WEBHOOK_VERIFY_TOKEN")
	}
	fail := func(code int, err error) int {
		scrub := &redact.Set{}
		scrub.Add(secret, verify)
		fmt.Fprintln(s.Err, "threads-mcp webhooks:", scrub.Scrub(err.Error()))
		return code
	}
	if *appID == "" || secret == "" {
		return fail(ExitUsage, errors.New("the app id and secret are required (--app-id and --app-secret, or THREADS_APP_ID and THREADS_APP_SECRET)"))
	}
	list := cli.List(*fields)
	for _, f := range list {
		if !slices.Contains(threads.WebhookFields(), f) {
			return fail(ExitUsage, fmt.Errorf("--fields: unknown field %q; fields: %s", f, strings.Join(threads.WebhookFields(), ", ")))
		}
	}
	anon := threads.NewClient(threads.WithBaseURL(*base), threads.WithUserAgent("threads-mcp"))
	tok, _, err := anon.AppAccessToken(ctx, *appID, secret)
	if err != nil {
		return fail(ExitFail, fmt.Errorf("app token: %w", err))
	}
	c := threads.NewClient(threads.WithBaseURL(*base), threads.WithToken(tok), threads.WithUserAgent("threads-mcp"))
	switch action {
	case "subscribe":
		if *callback == "" || verify == "" {
			return fail(ExitUsage, errors.New("subscribe needs --callback-url and a verify token (--verify-token or THREADS_MCP_WEBHOOK_VERIFY_TOKEN)"))
		}
		if _, err := c.Subscribe(ctx, *appID, threads.SubscribeOptions{CallbackURL: *callback, VerifyToken: verify,
			Fields: list, IncludeValues: true}); err != nil {
			return fail(ExitFail, fmt.Errorf("subscribe: %w", err))
		}
	case "unsubscribe":
		var drop []string
		if flagSet(fs, "fields") {
			drop = list
		}
		if _, err := c.Unsubscribe(ctx, *appID, "", drop...); err != nil {
			return fail(ExitFail, fmt.Errorf("unsubscribe: %w", err))
		}
	case "list":
	default:
		return fail(ExitUsage, fmt.Errorf("unknown action %q: want subscribe, list or unsubscribe", action))
	}
	subs, _, err := c.Subscriptions(ctx, *appID)
	if err != nil {
		return fail(ExitFail, fmt.Errorf("list: %w", err))
	}
	if subs == nil {
		subs = []threads.Subscription{}
	}
	b, _ := json.MarshalIndent(map[string]any{"subscriptions": subs}, "", "  ")
	fmt.Fprintln(s.Out, string(b))
	return ExitOK
}

// flagSet reports whether the flag name was given.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
