package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/threads-mcp/threads-mcp/auth"
	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/redact"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// accounts resolves the tools' account argument to stored accounts (each
// with a refreshing token source) and to the THREADS_ACCESS_TOKEN account.
type accounts struct {
	ctx     context.Context // lifetime of background refreshes
	st      *state.Store
	cfg     auth.Config
	baseURL string
	logger  *slog.Logger
	env     *tools.Account // THREADS_ACCESS_TOKEN, if set

	mu     sync.Mutex
	loaded map[string]*tools.Account // by stored name
}

// newAccounts loads every stored account and starts its refresher (Threads
// tokens are refreshed at start-up and daily so a used account never expires).
// Every token they hold is added to secrets.
func newAccounts(ctx context.Context, st *state.Store, baseURL, envToken string, secrets *redact.Set, logger *slog.Logger) (*accounts, error) {
	a := &accounts{
		ctx: ctx, st: st, baseURL: baseURL, logger: logger,
		cfg:    auth.Config{GraphURL: graphRoot(baseURL), Secrets: secrets},
		loaded: map[string]*tools.Account{},
	}
	if envToken != "" {
		ts := auth.NewEnvTokenSource(envToken, a.cfg)
		ts.SetLogger(logger)
		ts.Start(ctx) // refreshed daily, in memory only
		a.env = a.account("", ts)
	}
	stored, err := st.Accounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("read stored accounts: %w", err)
	}
	for _, s := range stored {
		if _, err := a.load(ctx, s.Name); err != nil {
			return nil, err
		}
	}
	if a.env == nil && len(stored) == 0 {
		return nil, errNoCredentials
	}
	return a, nil
}

// graphRoot is the unversioned Graph root of a versioned API base URL.
func graphRoot(baseURL string) string {
	u := strings.TrimRight(baseURL, "/")
	if i := strings.LastIndex(u, "/v"); i > strings.Index(u, "://")+2 {
		if rest := u[i+2:]; rest != "" && strings.Trim(rest, "0123456789.") == "" {
			return u[:i]
		}
	}
	return u
}

// account builds the tools account for a token source. Callers other than
// newAccounts hold a.mu.
func (a *accounts) account(name string, ts *auth.TokenSource) *tools.Account {
	client := threads.NewClient(
		threads.WithBaseURL(a.baseURL),
		threads.WithTokenSource(ts),
		threads.WithLogger(a.logger),
		threads.WithUserAgent("threads-mcp/"+version),
	)
	return &tools.Account{
		Name:     name,
		Username: ts.Account().Username,
		API:      &reloadingAPI{API: client, ts: ts, account: name, stored: name != ""},
		DaysLeft: ts.DaysLeft,
		Scopes:   ts.Account().Scopes,
	}
}

// load returns the stored account name, creating its client once.
func (a *accounts) load(ctx context.Context, name string) (*tools.Account, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if acct, ok := a.loaded[name]; ok {
		return acct, nil
	}
	ts, err := auth.NewTokenSource(ctx, a.st, name, a.cfg, a.logger)
	if err != nil {
		return nil, err
	}
	ts.Start(a.ctx)
	stored := ts.Account()
	acct := a.account(stored.Name, ts)
	a.loaded[stored.Name] = acct
	return acct, nil
}

// Resolve implements tools.Accounts: "" is THREADS_ACCESS_TOKEN when set,
// else the stored default; otherwise a stored name or username.
func (a *accounts) Resolve(ctx context.Context, name string) (*tools.Account, error) {
	if name == "" && a.env != nil {
		return a.env, nil
	}
	s, err := a.st.Account(ctx, name)
	if errors.Is(err, state.ErrNoAccount) {
		known, _ := a.names(ctx)
		if name == "" {
			return nil, fmt.Errorf("no default Threads account: run `threads-mcp auth login`, or pass account (one of: %s)", strings.Join(known, ", "))
		}
		return nil, fmt.Errorf("no Threads account %q: use one of %s (list_accounts shows them), or run `threads-mcp auth login --account %s`",
			name, strings.Join(known, ", "), name)
	}
	if err != nil {
		return nil, fmt.Errorf("read account: %w", err)
	}
	return a.load(ctx, s.Name)
}

func (a *accounts) names(ctx context.Context) ([]string, error) {
	stored, err := a.st.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(stored))
	for _, s := range stored {
		out = append(out, s.Name)
	}
	if a.env != nil {
		out = append(out, `"" (THREADS_ACCESS_TOKEN)`)
	}
	sort.Strings(out)
	return out, nil
}

// List implements tools.Accounts: every account, never a token.
func (a *accounts) List(ctx context.Context) ([]tools.AccountInfo, error) {
	stored, err := a.st.Accounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("read accounts: %w", err)
	}
	def, _ := a.st.DefaultAccount(ctx)
	var out []tools.AccountInfo
	if a.env != nil {
		out = append(out, tools.AccountInfo{Name: "", Source: "environment", Default: true, DaysLeft: a.env.DaysLeft()})
	}
	now := a.cfg.Now()
	for _, s := range stored {
		days := -1
		if !s.ExpiresAt.IsZero() {
			days = auth.DaysLeft(s.ExpiresAt, now)
		}
		out = append(out, tools.AccountInfo{
			Name: s.Name, Username: s.Username, UserID: s.UserID, Scopes: s.Scopes,
			Default: a.env == nil && s.Name == def, DaysLeft: days, ExpiresAt: s.ExpiresAt, Source: "stored",
		})
	}
	return out, nil
}

// reloadingAPI retries a call once after an invalid-token error when the
// store holds a newer token (another process may have refreshed it, or the
// user logged in again), and turns token failures into errors that name the
// exact login command of the account.
type reloadingAPI struct {
	tools.API
	ts *auth.TokenSource
	// account is the stored account name; stored is false for
	// THREADS_ACCESS_TOKEN, which has no store to reload from.
	account string
	stored  bool
}

// retry runs f, and once more if Threads rejected the token and the store
// now holds a different one.
func retry[T any](ctx context.Context, r *reloadingAPI, f func() (T, error)) (T, error) {
	// An expired token fails at once, without a request (which the client
	// might retry with backoff).
	if _, err := r.ts.Token(); errors.Is(err, auth.ErrTokenExpired) {
		var zero T
		return zero, r.tokenError(err)
	}
	v, err := f()
	if err == nil {
		return v, nil
	}
	if r.stored && rejected(err) {
		if changed, rerr := r.ts.Reload(ctx); rerr == nil && changed {
			v, err = f()
		}
	}
	return v, r.tokenError(err)
}

// rejected reports whether Threads answered that the token is invalid
// (code 190), as opposed to the token source failing before any request.
func rejected(err error) bool {
	var ae *threads.APIError
	return errors.As(err, &ae) && ae.Kind() == threads.KindTokenInvalid && ae.HTTPStatus != 0
}

// tokenError returns an expired token as its *auth.ExpiredError, a token
// source failure as its cause, and a stored token Threads still rejects as a
// *tokenRejectedError; these say which command fixes the account. Other
// errors are returned unchanged.
func (r *reloadingAPI) tokenError(err error) error {
	if err == nil {
		return nil
	}
	var expired *auth.ExpiredError
	if errors.As(err, &expired) {
		return expired
	}
	var ae *threads.APIError
	if !errors.As(err, &ae) || ae.Kind() != threads.KindTokenInvalid {
		return err
	}
	if ae.HTTPStatus == 0 && ae.Err != nil {
		return fmt.Errorf("cannot obtain an access token for %s: %w", who(r.account, r.stored), ae.Err)
	}
	if r.stored {
		return &tokenRejectedError{account: r.account, api: ae}
	}
	return err
}

// who names an account in messages.
func who(account string, stored bool) string {
	if !stored {
		return "THREADS_ACCESS_TOKEN"
	}
	return fmt.Sprintf("Threads account %q", account)
}

// tokenRejectedError is Threads refusing a stored account's token (code 190)
// when the store holds no newer token: the user must log in again. It
// matches threads.ErrTokenInvalid.
type tokenRejectedError struct {
	account string
	api     *threads.APIError
}

// Error says which account to log in again and that no restart is needed.
func (e *tokenRejectedError) Error() string {
	code := fmt.Sprint(e.api.Code)
	if e.api.Subcode != 0 {
		code += fmt.Sprintf("/%d", e.api.Subcode)
	}
	return fmt.Sprintf("Threads refused the access token of %s (code %s: %s). Fix: run `%s`; "+
		"this server picks up the new token on the next call, no restart needed.",
		who(e.account, true), code, e.api.Message, auth.LoginCommand(e.account))
}

// Unwrap returns threads.ErrTokenInvalid. It deliberately does not return
// the *threads.APIError, whose generic explanation would hide the account's
// login command.
func (e *tokenRejectedError) Unwrap() error { return threads.ErrTokenInvalid }

type page struct {
	list *threads.MediaList
	resp *threads.Response
}

type limit struct {
	limit *threads.PublishingLimit
	resp  *threads.Response
}

type insights struct {
	ins  []threads.Insight
	resp *threads.Response
}

func (r *reloadingAPI) PublishPost(ctx context.Context, p threads.Post) (*threads.PublishResult, error) {
	return retry(ctx, r, func() (*threads.PublishResult, error) { return r.API.PublishPost(ctx, p) })
}

func (r *reloadingAPI) Replies(ctx context.Context, id string, o threads.ReplyListOptions) (*threads.MediaList, *threads.Response, error) {
	p, err := retry(ctx, r, func() (page, error) { l, resp, err := r.API.Replies(ctx, id, o); return page{l, resp}, err })
	return p.list, p.resp, err
}

func (r *reloadingAPI) Conversation(ctx context.Context, id string, o threads.ReplyListOptions) (*threads.MediaList, *threads.Response, error) {
	p, err := retry(ctx, r, func() (page, error) { l, resp, err := r.API.Conversation(ctx, id, o); return page{l, resp}, err })
	return p.list, p.resp, err
}

func (r *reloadingAPI) MediaInsights(ctx context.Context, id string, metrics ...string) ([]threads.Insight, *threads.Response, error) {
	v, err := retry(ctx, r, func() (insights, error) {
		i, resp, err := r.API.MediaInsights(ctx, id, metrics...)
		return insights{i, resp}, err
	})
	return v.ins, v.resp, err
}

func (r *reloadingAPI) UserInsights(ctx context.Context, o threads.UserInsightsOptions) ([]threads.Insight, *threads.Response, error) {
	v, err := retry(ctx, r, func() (insights, error) { i, resp, err := r.API.UserInsights(ctx, o); return insights{i, resp}, err })
	return v.ins, v.resp, err
}

func (r *reloadingAPI) PublishingLimit(ctx context.Context, fields ...string) (*threads.PublishingLimit, *threads.Response, error) {
	v, err := retry(ctx, r, func() (limit, error) {
		l, resp, err := r.API.PublishingLimit(ctx, fields...)
		return limit{l, resp}, err
	})
	return v.limit, v.resp, err
}

func (r *reloadingAPI) ListThreads(ctx context.Context, o threads.ListOptions) (*threads.MediaList, *threads.Response, error) {
	p, err := retry(ctx, r, func() (page, error) { l, resp, err := r.API.ListThreads(ctx, o); return page{l, resp}, err })
	return p.list, p.resp, err
}

func (r *reloadingAPI) UserReplies(ctx context.Context, o threads.ListOptions) (*threads.MediaList, *threads.Response, error) {
	p, err := retry(ctx, r, func() (page, error) { l, resp, err := r.API.UserReplies(ctx, o); return page{l, resp}, err })
	return p.list, p.resp, err
}

func (r *reloadingAPI) ResumePublish(ctx context.Context, containerID string, p threads.Post, started time.Time) (*threads.PublishResult, error) {
	return retry(ctx, r, func() (*threads.PublishResult, error) { return r.API.ResumePublish(ctx, containerID, p, started) })
}
