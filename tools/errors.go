package tools

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/threads-mcp/threads-mcp/threads"
)

// invalidInput is the tool error for arguments that break a rule; nothing was
// sent to Threads.
func invalidInput(tool string, err error) *mcp.CallToolResult {
	return mcp.NewToolResultError(invalidInputText(tool, err))
}

// invalidInputText is the text of invalidInput (validate_post returns it).
func invalidInputText(tool string, err error) string {
	return fmt.Sprintf("%s: invalid input, nothing was sent to Threads.\n%s", tool, err.Error())
}

// errorResult turns a failure after validation into a tool error a model can
// act on: what failed, why, and what to do next. acct is the account the
// call acted as (nil when none).
func errorResult(tool string, err error, acct *Account) *mcp.CallToolResult {
	return mcp.NewToolResultError(tool + ": " + explain(err, acct))
}

// explain describes err for a model; acct (may be nil) names the account
// in the advice.
func explain(err error, acct *Account) string {
	var (
		ce  *threads.ContainerError
		ae  *threads.APIError
		uae *unknownAccountError
		ue  *userError
		oue *outcomeUnknownError
	)
	switch {
	case errors.As(err, &ue):
		return ue.Error()
	case errors.As(err, &oue):
		return oue.Error()
	case errors.As(err, &uae):
		return uae.Error() + ". Fix: omit account to use the default account."
	case errors.As(err, &ce):
		return explainContainer(ce)
	case errors.As(err, &ae):
		return explainAPI(ae, acct)
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out waiting for Threads. The post may still be processing: check with list tools before publishing again."
	case errors.Is(err, context.Canceled):
		return "cancelled before it finished. Nothing is known to be published unless a later read shows it."
	default:
		return err.Error()
	}
}

func explainContainer(ce *threads.ContainerError) string {
	var b strings.Builder
	b.WriteString("Threads could not process ")
	if ce.Index >= 0 {
		fmt.Fprintf(&b, "carousel item %d", ce.Index+1)
	} else {
		b.WriteString("the media")
	}
	if ce.URL != "" {
		fmt.Fprintf(&b, " (%s)", ce.URL)
	}
	fmt.Fprintf(&b, ": status %s", ce.Status)
	if ce.ErrorMessage != "" {
		fmt.Fprintf(&b, ", %s", ce.ErrorMessage)
	}
	b.WriteString(". Nothing was published. Fix: ")
	b.WriteString(mediaFix(ce.ErrorMessage, string(ce.Status)))
	return b.String()
}

// mediaFix suggests what to change for a media processing error code.
func mediaFix(code, status string) string {
	if _, fix := threads.MediaErrorAdvice(code); fix != "" {
		return fix
	}
	if status == string(threads.StatusExpired) {
		return "the container expired (24 h); publish again."
	}
	return "check the media meets Threads' specs (JPEG/PNG ≤ 8 MB; MP4/MOV ≤ 1 GB, ≤ 300 s) and is publicly reachable, then retry."
}

func explainAPI(ae *threads.APIError, acct *Account) string {
	msg := fmt.Sprintf("Threads refused the request (code %d", ae.Code)
	if ae.Subcode != 0 {
		msg += fmt.Sprintf("/%d", ae.Subcode)
	}
	msg += "): " + ae.Message
	if ae.UserMessage != "" && ae.UserMessage != ae.Message {
		msg += " — " + ae.UserMessage
	}
	switch ae.Kind() {
	case threads.KindTokenInvalid:
		return msg + ". The access token is expired or invalid. Fix: run `threads-mcp auth login` (or set a fresh THREADS_ACCESS_TOKEN) and restart the server."
	case threads.KindPermission:
		if scope := ae.MissingScope(); scope != "" {
			return msg + ". " + missingScope(scope, "", acct)
		}
		return msg + ". The token lacks a permission for this action. Fix: log in again with the needed scope."
	case threads.KindRateLimited:
		secs := int(math.Ceil(ae.RetryAfter().Seconds()))
		return msg + fmt.Sprintf(". Rate limited (retryable: true). Fix: wait at least %d seconds, then retry.", secs)
	case threads.KindTransient:
		return msg + ". A temporary Threads error (retryable: true). Fix: retry in a few seconds."
	case threads.KindNotFound:
		return msg + ". Fix: check the id; it must be a post or reply id visible to this account."
	case threads.KindLinkLimit:
		return msg + ". Fix: keep at most 5 distinct links across text and link_attachment."
	case threads.KindInvalidParameter:
		if p := ae.Param(); p != "" {
			return msg + fmt.Sprintf(". Fix: change %s.", p)
		}
		return msg + "."
	case threads.KindMediaNotReady:
		return msg + ". Threads had not finished processing the media (retryable: true). Fix: retry shortly."
	}
	return msg + "."
}

// userError is a failure with a message written for the model.
type userError struct {
	msg string
	// cause, when set, is the failure the message explains (a thread part's).
	cause error
}

func (e *userError) Error() string { return e.msg }

func (e *userError) Unwrap() error { return e.cause }

func userErrorf(format string, args ...any) error {
	return &userError{msg: fmt.Sprintf(format, args...)}
}

// missingScope explains a token that lacks scope (which may name
// alternatives, "a or b"): why it is needed (which tools need it, unless why
// says), and the command that adds it while keeping the account's other
// scopes.
func missingScope(scope, why string, acct *Account) string {
	first, _, _ := strings.Cut(scope, " or ")
	var b strings.Builder
	fmt.Fprintf(&b, "The token lacks the %s permission", scope)
	switch users := toolsNeeding(first); {
	case why != "":
		fmt.Fprintf(&b, " (%s)", why)
	case len(users) == 1:
		fmt.Fprintf(&b, ", which %s needs", users[0])
	case len(users) > 1:
		fmt.Fprintf(&b, ", which %s need", strings.Join(users, ", "))
	}
	b.WriteString(". Fix: ")
	switch {
	case acct == nil || acct.Name == "":
		fmt.Fprintf(&b, "use a THREADS_ACCESS_TOKEN that includes %s, or log in with `threads-mcp auth login --add-scopes %s` and restart the server.", first, first)
	default:
		fmt.Fprintf(&b, "run `threads-mcp auth login --account %s --add-scopes %s` (it keeps the account's other permissions), then call again.", shellQuote(acct.Name), first)
	}
	return b.String()
}

// toolsNeeding lists the tools that need scope.
func toolsNeeding(scope string) []string {
	var out []string
	for _, t := range allTools() {
		if slices.Contains(t.scopes, scope) {
			out = append(out, t.Name())
		}
	}
	return out
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// letters, digits and -_.@.
func shellQuote(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.@", r))
	}) < 0
	if safe {
		return "'" + s + "'"
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
