package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrStateMismatch means the state echoed by the authorization redirect
	// is not the one this login generated (a stale or forged redirect).
	ErrStateMismatch = errors.New("auth: OAuth state mismatch: this redirect does not belong to this login; start the login again")
	// ErrTokenExpired means a Threads access token has expired and cannot be
	// refreshed; the user must log in again. The *ExpiredError carrying it
	// says how.
	ErrTokenExpired = errors.New("auth: Threads access token expired")
	// ErrTooYoung means a refresh was refused because the token is less than
	// 24 hours old.
	ErrTooYoung = errors.New("auth: Threads token is less than 24 hours old and cannot be refreshed yet")
	// ErrAccessDenied means the user declined the authorization window.
	ErrAccessDenied = errors.New("auth: authorization was denied in the Threads window")
)

// APIError is an error answer from a Threads token or Graph endpoint, parsed
// from either the OAuth shape {"error_type","code","error_message"} or the
// Graph envelope {"error":{"message","type","code","error_subcode",...}}.
// Any secret sent with the request is scrubbed from Message.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Type is error_type / error.type, e.g. "OAuthException".
	Type string
	// Code and Subcode are the Graph error code and subcode (0 when absent).
	Code, Subcode int
	// Message is Meta's message.
	Message string
	// TraceID is fbtrace_id when present.
	TraceID string
}

// Error describes the API error.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "threads API: HTTP %d", e.StatusCode)
	if e.Type != "" {
		fmt.Fprintf(&b, " %s", e.Type)
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, " code %d", e.Code)
	}
	if e.Subcode != 0 {
		fmt.Fprintf(&b, "/%d", e.Subcode)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	return b.String()
}

// parseAPIError decodes an error body of either Threads shape; it scrubs
// every secret from the message. It never fails: an unknown body becomes a
// generic message (not the body itself, which might echo a secret).
func parseAPIError(status int, body []byte, secrets ...string) *APIError {
	e := &APIError{StatusCode: status}
	var raw struct {
		ErrorType    string          `json:"error_type"`
		Code         json.RawMessage `json:"code"`
		ErrorMessage string          `json:"error_message"`
		Error        json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &raw) == nil {
		switch {
		case len(raw.Error) > 0 && raw.Error[0] == '{':
			var g struct {
				Message   string `json:"message"`
				Type      string `json:"type"`
				Code      int    `json:"code"`
				Subcode   int    `json:"error_subcode"`
				FBTraceID string `json:"fbtrace_id"`
			}
			_ = json.Unmarshal(raw.Error, &g)
			e.Type, e.Code, e.Subcode, e.Message, e.TraceID = g.Type, g.Code, g.Subcode, g.Message, g.FBTraceID
		case raw.ErrorType != "" || raw.ErrorMessage != "":
			e.Type, e.Message = raw.ErrorType, raw.ErrorMessage
			var n json.Number
			if json.Unmarshal(raw.Code, &n) == nil {
				c, _ := n.Int64()
				e.Code = int(c)
			}
		case len(raw.Error) > 0: // RFC 6749 shape {"error":"invalid_grant","error_description":...}
			var s string
			_ = json.Unmarshal(raw.Error, &s)
			var d struct {
				Desc string `json:"error_description"`
			}
			_ = json.Unmarshal(body, &d)
			e.Type, e.Message = s, d.Desc
		}
	}
	if e.Message == "" && e.Type == "" {
		e.Message = "unrecognised error response"
	}
	e.Message = scrub(e.Message, secrets...)
	return e
}

// RefreshError is a refused token refresh. Kind is ErrTooYoung,
// ErrTokenExpired or nil (other refusals); errors.Is matches it, and
// errors.As reaches the *APIError.
type RefreshError struct {
	Kind error
	API  *APIError
}

// Error describes the refusal.
func (e *RefreshError) Error() string {
	if e.Kind != nil {
		return fmt.Sprintf("%v (%v)", e.Kind, e.API)
	}
	return fmt.Sprintf("auth: token refresh refused: %v", e.API)
}

// Unwrap returns Kind and the API error.
func (e *RefreshError) Unwrap() []error {
	if e.Kind == nil {
		return []error{e.API}
	}
	return []error{e.Kind, e.API}
}

// classifyRefresh decides why a refresh was refused. Meta does not document
// the error for a too-young or expired refresh
// (https://developers.facebook.com/docs/threads/get-started/long-lived-tokens
// only states the 24-hour and expiry rules), so this goes by the message
// first and the code second.
func classifyRefresh(api *APIError) *RefreshError {
	m := strings.ToLower(api.Message)
	switch {
	case strings.Contains(m, "24 hours") || strings.Contains(m, "24 hour") || strings.Contains(m, "too new") ||
		strings.Contains(m, "too young") || strings.Contains(m, "too recent") || strings.Contains(m, "not old enough") ||
		strings.Contains(m, "cannot be refreshed yet"):
		return &RefreshError{Kind: ErrTooYoung, API: api}
	case strings.Contains(m, "expired") || api.Subcode == 463:
		return &RefreshError{Kind: ErrTokenExpired, API: api}
	}
	return &RefreshError{API: api}
}

// ExpiredError reports that an account's token has expired. Its message
// tells the user the exact command to run; errors.Is(err, ErrTokenExpired)
// matches it.
type ExpiredError struct {
	// Account is the stored account name ("" for THREADS_ACCESS_TOKEN).
	Account string
	// ExpiredAt is when the token expired (zero when unknown).
	ExpiredAt time.Time
	// Env is true for a token from THREADS_ACCESS_TOKEN.
	Env bool
	// Refused is true when Threads refused a refresh as expired although the
	// recorded expiry had not passed (the token was revoked, or this
	// machine's clock is off); Cause is that refusal.
	Refused bool
	Cause   error
}

// LoginCommand returns the command that re-authorizes account. The name is
// quoted (login refuses names that need more than single quotes).
func LoginCommand(account string) string {
	if account == "" || account == DefaultAccountName {
		return "threads-mcp auth login"
	}
	return "threads-mcp auth login --account " + ShellQuote(account)
}

// ShellQuote quotes s for a POSIX shell when it holds anything but letters,
// digits and -_.@ (account names are restricted to those at login; older
// stored names are quoted).
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// who names an account in messages.
func who(account string, env bool) string {
	switch {
	case env:
		return "THREADS_ACCESS_TOKEN"
	case account == "" || account == DefaultAccountName:
		return "the default Threads account"
	}
	return fmt.Sprintf("Threads account %q", account)
}

// Error says which token expired and what to run.
func (e *ExpiredError) Error() string {
	fix := fmt.Sprintf("run `%s`", LoginCommand(e.Account))
	if e.Env {
		fix += " (or set a fresh THREADS_ACCESS_TOKEN)"
	}
	subject := "the access token of " + who(e.Account, e.Env)
	if e.Env {
		subject = "the Threads access token in THREADS_ACCESS_TOKEN"
	}
	if e.Refused {
		when := ""
		if !e.ExpiredAt.IsZero() {
			when = " (its recorded expiry, " + e.ExpiredAt.UTC().Format(time.RFC3339) + ", has not passed: it was revoked, or this machine's clock is off)"
		}
		return fmt.Sprintf("Threads says %s has expired%s; %s", subject, when, fix)
	}
	when := ""
	if !e.ExpiredAt.IsZero() {
		when = " on " + e.ExpiredAt.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("%s expired%s; %s", subject, when, fix)
}

// Is reports whether target is ErrTokenExpired.
func (e *ExpiredError) Is(target error) bool { return target == ErrTokenExpired }

// Unwrap returns the refusal, if any.
func (e *ExpiredError) Unwrap() error { return e.Cause }

// Permanent reports true: retrying the request cannot help until the user
// logs in again (HTTP clients use it to skip their retries).
func (e *ExpiredError) Permanent() bool { return true }

// RemovedError reports that a stored account disappeared from the store
// (logged out) while a server was using it. It wraps state.ErrNoAccount.
type RemovedError struct {
	Account string
	Err     error
}

// Error says which account is gone and how to bring it back.
func (e *RemovedError) Error() string {
	return fmt.Sprintf("%s is no longer stored (logged out?); run `%s`", who(e.Account, false), LoginCommand(e.Account))
}

// Unwrap returns the store's error.
func (e *RemovedError) Unwrap() error { return e.Err }

// Permanent reports true: retrying cannot help.
func (e *RemovedError) Permanent() bool { return true }

// RejectedError is Threads refusing an account's token (code 190) when the
// store holds no newer one: the user must log in again.
type RejectedError struct {
	// Account is the stored account name ("" for THREADS_ACCESS_TOKEN).
	Account string
	// Env is true for THREADS_ACCESS_TOKEN.
	Env bool
	// API is Threads' answer, scrubbed of the token.
	API *APIError
}

// Error names the account and the exact command that fixes it.
func (e *RejectedError) Error() string {
	code := fmt.Sprint(e.API.Code)
	if e.API.Subcode != 0 {
		code += fmt.Sprintf("/%d", e.API.Subcode)
	}
	if e.Env {
		return fmt.Sprintf("Threads refused the access token in THREADS_ACCESS_TOKEN (code %s: %s). Fix: set a fresh THREADS_ACCESS_TOKEN and restart the server, "+
			"or run `%s` and unset THREADS_ACCESS_TOKEN.", code, e.API.Message, LoginCommand(""))
	}
	return fmt.Sprintf("Threads refused the access token of %s (code %s: %s). Fix: run `%s`; "+
		"this server picks up the new token on the next call, no restart needed.",
		who(e.Account, false), code, e.API.Message, LoginCommand(e.Account))
}

// Unwrap returns Threads' answer.
func (e *RejectedError) Unwrap() error { return e.API }

// Permanent reports true: the same token will be refused again.
func (e *RejectedError) Permanent() bool { return true }

// RefreshAdvice describes a failed refresh of a still valid token: what
// happened and what happens next (a server retries by itself; an
// invalidated token needs the account's login command).
func RefreshAdvice(err error, account string) string {
	var api *APIError
	if errors.As(err, &api) {
		switch {
		case api.StatusCode >= 500 || api.Code == 1 || api.Code == 2:
			return fmt.Sprintf("Threads failed to refresh the token (%v); this is on Threads' side and temporary: a running server retries in %s and keeps using the current token, which is still valid", api, retryAfterFailure)
		case api.Code == 190 || api.Subcode == 460:
			return fmt.Sprintf("Threads refused to refresh the token (%v): it was invalidated (password change or revoked access); run `%s`", api, LoginCommand(account))
		}
	}
	return fmt.Sprintf("%v; a running server retries in %s and keeps using the current token, which is still valid", err, retryAfterFailure)
}

// secretHint adds what to check to a token-endpoint error that says the app
// secret was refused.
func secretHint(err error) error {
	var api *APIError
	if errors.As(err, &api) {
		m := strings.ToLower(api.Message)
		if strings.Contains(m, "client secret") || strings.Contains(m, "app secret") || strings.Contains(m, "client_secret") {
			return fmt.Errorf("%w. Check THREADS_APP_SECRET (or --app-secret): it must be the Threads app secret "+
				"(App Dashboard > Use cases > Access the Threads API > Settings), not the Facebook app secret of the same app", err)
		}
	}
	return err
}

// RedactURL returns rawURL with the values of secret query parameters
// (threads.SecretParams: access_token, client_secret, code, ...) replaced by
// REDACTED.
func RedactURL(rawURL string) string { return threads.RedactURL(rawURL) }

// redactErr scrubs secrets from err: it redacts the URL of any *url.Error in
// the chain (in place) and returns an error whose message has every secret
// replaced. Call it on the raw error, before wrapping it further.
func redactErr(err error, secrets ...string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = RedactURL(ue.URL)
	}
	return scrubbedError{msg: scrub(err.Error(), secrets...), err: err}
}

// scrubbedError keeps err's chain for errors.Is/As but reports a message
// with the secrets removed.
type scrubbedError struct {
	msg string
	err error
}

func (s scrubbedError) Error() string { return s.msg }
func (s scrubbedError) Unwrap() error { return s.err }

// scrub replaces every non-empty secret (raw and URL-escaped) in s.
func scrub(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) < 4 {
			continue
		}
		s = strings.ReplaceAll(s, sec, "[REDACTED]")
		if esc := url.QueryEscape(sec); esc != sec {
			s = strings.ReplaceAll(s, esc, "[REDACTED]")
		}
	}
	return s
}
