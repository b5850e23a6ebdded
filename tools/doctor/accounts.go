package doctor

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"

	"github.com/threads-mcp/threads-mcp/auth"
	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/tools"
)

// Permissions the quota checks look for
// (https://developers.facebook.com/docs/threads/get-started/get-access-permissions).
const (
	scopeContentPublish = "threads_content_publish"
	scopeDelete         = "threads_delete"
)

// appModesDoc is Meta's page on Development and Live mode.
const appModesDoc = "https://developers.facebook.com/docs/development/build-and-test/app-modes"

// expirySoon is when a token's expiry is worth a warning: under a week
// left although refreshes run daily while a server runs.
const expirySoon = 7

// accountsOf returns every account to check: the stored ones (when the
// state-directory check opened the store) and env.Accounts.
func (e *Env) accountsOf(ctx context.Context) ([]Account, error) {
	if e.loaded {
		return e.accounts, nil
	}
	e.loaded = true
	var out []Account
	if e.store != nil && !e.Sandbox { // the sandbox serves its demo account only
		stored, err := e.store.Accounts(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range stored {
			e.secrets = append(e.secrets, s.Token, s.AppSecret)
			out = append(out, Account{Name: s.Name, Source: "stored", Token: s.Token, ExpiresAt: s.ExpiresAt, Scopes: s.Scopes, AppID: s.AppID})
		}
	}
	e.accounts = append(out, e.Accounts...)
	return e.accounts, nil
}

// label names an account in the report.
func (a Account) label() string {
	switch {
	case a.Source == "sandbox":
		return "sandbox"
	case a.Source == "environment" || a.Name == "":
		return "THREADS_ACCESS_TOKEN"
	}
	return "account " + a.Name
}

// relogin is the fix for a token that no longer works.
func (a Account) relogin() string {
	switch a.Source {
	case "sandbox":
		return "the sandbox's demo token expires only when asked to: drop --sandbox-expire-demo-token (THREADS_MCP_SANDBOX_EXPIRE_DEMO_TOKEN), or start over with --sandbox-reset"
	case "environment":
		return "set THREADS_ACCESS_TOKEN to a new long-lived token, or log in once instead: threads-mcp auth login (and unset THREADS_ACCESS_TOKEN)"
	}
	return auth.LoginCommand(a.Name)
}

// addScopes is the fix for missing permissions.
func (a Account) addScopes(scopes []string) string {
	list := strings.Join(scopes, ",")
	switch a.Source {
	case "sandbox":
		return "the sandbox's demo token has every default permission; restart it with --sandbox-reset"
	case "environment":
		return "use a THREADS_ACCESS_TOKEN granted " + list + ", or log in once instead: threads-mcp auth login --add-scopes " + list
	}
	return fmt.Sprintf("threads-mcp auth login --account %s --add-scopes %s (it keeps the account's other permissions)", auth.ShellQuote(a.Name), list)
}

// client is a Threads client acting with a's token, without retries: the
// doctor reports what it sees at once.
func (e *Env) threadsClient(a Account) *threads.Client {
	return threads.NewClient(threads.WithBaseURL(e.BaseURL), threads.WithToken(a.Token), threads.WithHTTPClient(e.client()),
		threads.WithRetryPolicy(threads.RetryPolicy{MaxAttempts: 1}), threads.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
}

// checkAccounts checks every account in turn: its token (debug_token), the
// permissions the enabled tools need, the app's mode and the quotas.
func checkAccounts(ctx context.Context, env *Env) []Finding {
	accts, err := env.accountsOf(ctx)
	if err != nil {
		return Failed(fmt.Sprintf("cannot read the stored accounts: %v", err), "see the state directory line above")
	}
	if len(accts) == 0 {
		if env.StateDir != "" && env.store == nil {
			if _, err := os.Stat(env.StateDir); err == nil {
				return Skipped("the state directory could not be used; fix it first (see above)")
			}
		}
		return Failed("no Threads account: none is stored and THREADS_ACCESS_TOKEN is not set",
			"threads-mcp auth login   (or try everything without an account: threads-mcp install --client claude-desktop --sandbox)")
	}
	var out []Finding
	if name := env.DefaultAccount; name != "" && !env.Sandbox {
		var names []string
		found := false
		for _, a := range accts {
			if a.Source == "stored" {
				names = append(names, a.Name)
				found = found || a.Name == name
			}
		}
		if !found {
			out = append(out, Finding{Name: "default account", Status: StatusFail,
				Detail: fmt.Sprintf("--account %s: no such stored account (stored: %s)", name, cmp.Or(strings.Join(names, ", "), "none")),
				Fix:    auth.LoginCommand(name) + ", or pass --account with one of the stored names (threads-mcp auth status lists them)"})
		}
	}
	for _, a := range accts {
		out = append(out, env.checkAccount(ctx, a)...)
	}
	return out
}

// checkAccount checks one account.
func (e *Env) checkAccount(ctx context.Context, a Account) []Finding {
	name := a.label()
	c := e.threadsClient(a)
	rctx, cancel := context.WithTimeout(ctx, e.timeout())
	ti, _, err := c.DebugToken(rctx, a.Token)
	cancel()
	tok := e.tokenFinding(a, ti, err)
	tok.Name = name + ": token"
	out := []Finding{tok}
	if tok.Status == StatusFail {
		for _, what := range []string{"permissions", "app mode", "quota"} {
			out = append(out, Finding{Name: name + ": " + what, Status: StatusSkip, Detail: "not checked: the token does not work"})
		}
		return out
	}
	granted := ti.Scopes
	if len(granted) == 0 {
		granted = a.Scopes
	}
	perms := e.scopeFinding(a, granted)
	perms.Name = name + ": permissions"
	out = append(out, perms)
	mode := appModeFinding(a, ti)
	mode.Name = name + ": app mode"
	out = append(out, mode)
	q := e.quotaFinding(ctx, c, granted)
	q.Name = name + ": quota"
	return append(out, q)
}

// tokenFinding judges debug_token's answer.
func (e *Env) tokenFinding(a Account, ti *threads.TokenInfo, err error) Finding {
	if err != nil {
		var ae *threads.APIError
		switch {
		case errors.As(err, &ae) && ae.Kind() == threads.KindTokenInvalid:
			return Finding{Status: StatusFail, Detail: "Meta refuses the token (expired or revoked): " + ae.Message, Fix: a.relogin()}
		case errors.As(err, &ae) && ae.HTTPStatus != 0:
			return Finding{Status: StatusFail, Detail: "debug_token refused: " + ae.Error(), Fix: a.relogin()}
		}
		return Finding{Status: StatusFail, Detail: fmt.Sprintf("could not ask Meta about the token: %v", err),
			Fix: "see the graph api line below (network, proxy or --api-base-url)"}
	}
	if !ti.IsValid {
		return Finding{Status: StatusFail, Detail: "Meta says the token is not valid (expired, revoked or logged out)", Fix: a.relogin()}
	}
	exp := ti.ExpiresAt
	if exp.IsZero() {
		exp = a.ExpiresAt
	}
	if exp.IsZero() {
		return Finding{Status: StatusOK, Detail: "valid; Meta reports no expiry"}
	}
	days := auth.DaysLeft(exp, e.now())
	detail := fmt.Sprintf("valid, expires %s (%d days left)", exp.UTC().Format("2006-01-02 15:04 UTC"), days)
	if days >= expirySoon {
		return Finding{Status: StatusOK, Detail: detail}
	}
	fix := "a running server refreshes it daily; to refresh it now: threads-mcp auth refresh"
	switch a.Source {
	case "stored":
		if a.Name != auth.DefaultAccountName {
			fix += " --account " + auth.ShellQuote(a.Name)
		}
	case "environment":
		fix = "replace THREADS_ACCESS_TOKEN before it expires, or log in once instead: threads-mcp auth login"
	}
	return Finding{Status: StatusWarn, Detail: detail, Fix: fix}
}

// scopeFinding compares the granted permissions with those of the enabled
// tools (tools.Tool.Required and Optional): a missing required one fails
// the tools naming it, a missing optional one only some of their calls.
func (e *Env) scopeFinding(a Account, granted []string) Finding {
	enabled := e.tools()
	if len(granted) == 0 {
		return Finding{Status: StatusWarn, Detail: "unknown: neither debug_token nor the login recorded the granted permissions",
			Fix: "log in again to record them: " + auth.LoginCommand(a.Name)}
	}
	missing := map[string][]string{} // scope → tools failing every call
	partial := map[string][]string{} // scope → tools failing some calls
	for _, t := range enabled {
		for _, s := range t.Required() {
			if !slices.Contains(granted, s) {
				missing[s] = append(missing[s], t.Name())
			}
		}
		for _, s := range t.Optional() {
			if !slices.Contains(granted, s) {
				partial[s] = append(partial[s], t.Name())
			}
		}
	}
	var parts []string
	for _, s := range sortedKeys(missing) {
		parts = append(parts, fmt.Sprintf("without %s, %s will fail", s, strings.Join(missing[s], ", ")))
	}
	for _, s := range sortedKeys(partial) {
		parts = append(parts, fmt.Sprintf("without %s, some calls of %s fail", s, strings.Join(partial[s], ", ")))
	}
	switch {
	case len(missing) > 0:
		return Finding{Status: StatusFail, Detail: strings.Join(parts, "; "), Fix: a.addScopes(sortedKeys(missing))}
	case len(partial) > 0:
		return Finding{Status: StatusWarn,
			Detail: fmt.Sprintf("all %d enabled tools have what they need, but %s (only the calls that use it)", len(enabled), strings.Join(parts, "; ")),
			Fix:    "only if you need them: " + a.addScopes(sortedKeys(partial))}
	}
	return Finding{Status: StatusOK, Detail: fmt.Sprintf("granted %s; all %d enabled tools have what they need", strings.Join(granted, ", "), len(enabled))}
}

// appModeFinding reports the app's mode. Meta's debug_token answer
// (https://developers.facebook.com/docs/threads/troubleshooting/debug-access-token)
// has type, application, expiry, validity, scopes and the user, but not
// whether the app is in Development or Live mode, so the mode is unknown
// and the user is told where to look.
func appModeFinding(a Account, ti *threads.TokenInfo) Finding {
	if a.Source == "sandbox" {
		return Finding{Status: StatusSkip, Detail: "the sandbox has no Meta app"}
	}
	app := ti.Application
	if app == "" {
		app = "the app"
	}
	where := "https://developers.facebook.com/apps/"
	if id := cmp.Or(ti.AppID, a.AppID); id != "" {
		where += id + "/dashboard/"
	}
	return Finding{Status: StatusWarn,
		Detail: fmt.Sprintf("unknown: Meta's debug_token does not report whether %s is in Development or Live mode", app),
		Fix: "check App Mode at the top of " + where + ": in Development mode only people with a role on the app " +
			"(testers) can log in, and its posts are seen only by them; switch to Live when it is ready (" + appModesDoc + ")"}
}

// quotaFinding reads the publishing quotas. A spent quota fails when an
// enabled tool publishes (needs threads_content_publish) or deletes.
func (e *Env) quotaFinding(ctx context.Context, c *threads.Client, granted []string) Finding {
	rctx, cancel := context.WithTimeout(ctx, e.timeout())
	defer cancel()
	lim, _, err := c.PublishingLimit(rctx, "quota_usage", "config", "reply_quota_usage", "reply_config")
	if err != nil {
		return Finding{Status: StatusWarn, Detail: fmt.Sprintf("could not read the publishing quota: %v", err),
			Fix: "retry later; Threads enforces the quota anyway"}
	}
	posts, replies, _ := tools.PublishingQuotas(lim)
	parts := []string{quotaText("posts", posts.Used, posts.Limit), quotaText("replies", replies.Used, replies.Limit)}
	var spent []string
	if posts.Left == 0 {
		spent = append(spent, fmt.Sprintf("posts (%d of %d)", posts.Used, posts.Limit))
	}
	if replies.Left == 0 {
		spent = append(spent, fmt.Sprintf("replies (%d of %d)", replies.Used, replies.Limit))
	}
	publishers := e.toolsNeeding(scopeContentPublish)
	var deleters []string
	if slices.Contains(granted, scopeDelete) {
		if del, _, err := c.PublishingLimit(rctx, "delete_quota_usage", "delete_config"); err == nil {
			_, _, d := tools.PublishingQuotas(del)
			parts = append(parts, quotaText("deletes", d.Used, d.Limit))
			if d.Left == 0 {
				spent = append(spent, fmt.Sprintf("deletes (%d of %d)", d.Used, d.Limit))
				deleters = e.toolsNeeding(scopeDelete)
			}
		}
	} else {
		parts = append(parts, "deletes not shown (they need threads_delete)")
	}
	detail := "in the rolling 24 hours: " + strings.Join(parts, ", ")
	if len(spent) == 0 {
		return Finding{Status: StatusOK, Detail: detail}
	}
	status := StatusWarn
	if len(publishers) > 0 || len(deleters) > 0 {
		status = StatusFail
	}
	return Finding{Status: status, Detail: "quota spent: " + strings.Join(spent, ", ") + "; " + detail,
		Fix: "wait: each post, reply or delete stops counting 24 hours after it was made (get_publishing_limit shows the usage); " +
			"nothing in threads-mcp can raise Meta's quota"}
}

// toolsNeeding names the enabled tools that need scope on every call.
func (e *Env) toolsNeeding(scope string) []string {
	var out []string
	for _, t := range e.tools() {
		if slices.Contains(t.Required(), scope) {
			out = append(out, t.Name())
		}
	}
	return out
}

func quotaText(what string, used, limit int) string {
	return fmt.Sprintf("%s %d/%d used (%d left)", what, used, limit, max(limit-used, 0))
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
