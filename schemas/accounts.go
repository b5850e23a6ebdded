package schemas

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/invopop/jsonschema"
)

// MaxAccountLength and MaxIdempotencyKeyLength bound the account and
// idempotency_key arguments.
const (
	MaxAccountLength        = 100
	MaxIdempotencyKeyLength = 200
)

// AccountArg is embedded in every tool's arguments: the account to act as.
type AccountArg struct {
	Account string `json:"account,omitempty"`
}

// extendShared sets the limits of the arguments every tool shares (account,
// idempotency_key) on a reflected schema s. invopop calls JSONSchemaExtend
// only for the reflected type itself, not for the structs embedded in it, so
// reflectSchema calls this for every argument type.
func extendShared(s *jsonschema.Schema) {
	for name, n := range map[string]uint64{"account": MaxAccountLength, "idempotency_key": MaxIdempotencyKeyLength} {
		if p := property(s, name); p != nil {
			p.MaxLength = &n
		}
	}
}

// AccountArgument returns a. Promoted to every Args type that embeds
// AccountArg, it lets the tool pipeline normalize, check and resolve the
// shared account argument once for every tool; the Args types' own
// Normalize and Validate leave it alone.
func (a *AccountArg) AccountArgument() *AccountArg { return a }

// NormalizeAccount trims the account and one leading '@'.
func (a *AccountArg) NormalizeAccount() {
	a.Account = strings.TrimPrefix(strings.TrimSpace(a.Account), "@")
}

// CheckAccount validates the account argument's shape (whether it exists is
// the server's to say); nil when it is fine or empty.
func (a *AccountArg) CheckAccount() *FieldError {
	if a.Account == "" {
		return nil
	}
	if len(a.Account) > MaxAccountLength || strings.IndexFunc(a.Account, unicode.IsControl) >= 0 || strings.ContainsAny(a.Account, " \t") {
		return newFieldError("account", "invalid", a.Account, fmt.Sprintf("an account is a stored name or a Threads username, without spaces, at most %d characters", MaxAccountLength),
			"pass a name shown by list_accounts, or omit account to use the default")
	}
	return nil
}

// IdempotencyArg is embedded in the publishing tools' arguments.
type IdempotencyArg struct {
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// IdempotencyArgument returns a. Promoted to every Args type that embeds
// IdempotencyArg, it lets the tool pipeline check and use the key once for
// every publishing tool.
func (a *IdempotencyArg) IdempotencyArgument() *IdempotencyArg { return a }

// CheckKey validates the key's shape: printable, at most 200 bytes; nil when
// it is fine or empty.
func (a *IdempotencyArg) CheckKey() *FieldError {
	k := a.IdempotencyKey
	if k == "" {
		return nil
	}
	if len(k) > MaxIdempotencyKeyLength || strings.IndexFunc(k, unicode.IsControl) >= 0 || strings.TrimSpace(k) != k {
		return newFieldError("idempotency_key", "invalid", k, fmt.Sprintf("an idempotency key is 1 to %d printable characters without surrounding spaces", MaxIdempotencyKeyLength),
			"use a short unique string per post, such as a UUID")
	}
	return nil
}

// ListAccountsArgs are the (empty) arguments of list_accounts.
type ListAccountsArgs struct{}

// Validate accepts every (empty) argument object.
func (a *ListAccountsArgs) Validate() error { return nil }

// AccountSummary describes one account; it never carries a token.
type AccountSummary struct {
	Name      string   `json:"name" jsonschema_description:"Account name to pass as account (empty for the THREADS_ACCESS_TOKEN account)."`
	Username  string   `json:"username,omitempty" jsonschema_description:"Threads username."`
	UserID    string   `json:"user_id,omitempty"`
	Default   bool     `json:"default" jsonschema_description:"True for the account used when account is omitted."`
	DaysLeft  *int     `json:"days_left,omitempty" jsonschema_description:"Days until the token expires (it is refreshed automatically while the server runs)."`
	ExpiresAt string   `json:"expires_at,omitempty" jsonschema_description:"Token expiry, RFC 3339."`
	Scopes    []string `json:"scopes,omitempty" jsonschema_description:"Permissions granted at login."`
	Source    string   `json:"source" jsonschema_description:"stored (threads-mcp auth login), environment (THREADS_ACCESS_TOKEN) or sandbox."`
}

// ListAccountsResult is the result of list_accounts.
type ListAccountsResult struct {
	ResultMeta
	Accounts []AccountSummary `json:"accounts"`
}

// GetPublishingLimitArgs are the arguments of get_publishing_limit.
type GetPublishingLimitArgs struct {
	AccountArg
}

// Validate accepts every argument object: the only argument, account, is
// checked by the tool pipeline (AccountArg.CheckAccount).
func (a *GetPublishingLimitArgs) Validate() error { return nil }

// Quota is one quota group's usage over the rolling 24 hours.
type Quota struct {
	Used   int `json:"used"`
	Limit  int `json:"limit"`
	Left   int `json:"left"`
	Window int `json:"window_seconds"`
}

// PublishingLimitResult is the result of get_publishing_limit.
type PublishingLimitResult struct {
	ResultMeta
	Posts   Quota  `json:"posts" jsonschema_description:"Published posts (a carousel counts as one)."`
	Replies Quota  `json:"replies"`
	Deletes *Quota `json:"deletes,omitempty" jsonschema_description:"Deletes; absent when the token lacks threads_delete."`
	Note    string `json:"note,omitempty"`
}
