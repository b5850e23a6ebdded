// Package accounts resolves the account argument of the MCP tools to Threads
// API clients: the accounts stored in the state database (each with its own
// refreshing token source) and the single unnamed account of
// THREADS_ACCESS_TOKEN.
//
// Token handling lives under each client's HTTP stack, in an auth.Transport:
// it sets the bearer, fails at once with the account's own error when the
// token has expired, and on a code-190 answer re-reads the account from the
// store and retries once. Every method of threads.Client, present or future,
// therefore gets the same handling and the same per-account errors; nothing
// here wraps individual API methods.
//
// A running server follows the store: each call re-reads the stored account
// (its user, token and scopes), so a new `threads-mcp auth login --account
// NAME` takes effect at the next call without a restart.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/threads-mcp/threads-mcp/auth"
	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// ErrNoAccounts is returned by New when no account is stored and no
// THREADS_ACCESS_TOKEN is given.
var ErrNoAccounts = errors.New("accounts: no stored account and no THREADS_ACCESS_TOKEN")

// requestTimeout bounds one HTTP request of an account's client.
const requestTimeout = 60 * time.Second

// Options configures New.
type Options struct {
	// Store is the state database holding the accounts; required.
	Store *state.Store
	// BaseURL is the versioned Graph API base (e.g.
	// https://graph.threads.net/v1.0); token endpoints use its unversioned root.
	BaseURL string
	// EnvToken is THREADS_ACCESS_TOKEN ("" when unset).
	EnvToken string
	// Secrets is told every token the accounts hold, so text leaving the
	// process can be scrubbed of it (a *redact.Set).
	Secrets interface{ Add(secrets ...string) }
	// Logger receives refresh and request logs; nil discards.
	Logger *slog.Logger
	// UserAgent is sent with every API request ("" keeps the client's default).
	UserAgent string
	// Clock overrides the time used for token ages (tests); nil is time.Now.
	Clock func() time.Time
	// Base performs the HTTP requests; nil is http.DefaultTransport.
	Base http.RoundTripper
	// AllowEmpty starts without any account (OAuth mode: accounts arrive
	// as users sign in with Threads) instead of failing with ErrNoAccounts.
	AllowEmpty bool
}

// Resolver implements tools.Accounts over the state store and
// THREADS_ACCESS_TOKEN.
type Resolver struct {
	ctx  context.Context // lifetime of background refreshes
	opts Options
	cfg  auth.Config
	env  *tools.Account // THREADS_ACCESS_TOKEN, if set

	mu     sync.Mutex
	loaded map[string]*loaded // by stored name
}

// loaded is a stored account's client and token source, built once.
type loaded struct {
	ts  *auth.TokenSource
	api tools.API
}

var _ tools.Accounts = (*Resolver)(nil)

// New loads every stored account and starts its refresher (Threads tokens
// are refreshed at start-up and daily so a used account never expires); the
// refreshers stop when ctx is done. It fails with ErrNoAccounts when there
// is nothing to act as.
func New(ctx context.Context, o Options) (*Resolver, error) {
	if o.Store == nil {
		return nil, errors.New("accounts: New needs a store")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Resolver{
		ctx: ctx, opts: o,
		cfg:    auth.Config{GraphURL: o.BaseURL, Secrets: o.Secrets, Clock: o.Clock},
		loaded: map[string]*loaded{},
	}
	if o.EnvToken != "" {
		ts := auth.NewEnvTokenSource(o.EnvToken, r.cfg)
		ts.SetLogger(o.Logger)
		ts.Start(ctx) // refreshed daily, in memory only
		r.env = &tools.Account{Name: "", API: r.client(ts), DaysLeft: ts.DaysLeft}
	}
	stored, err := o.Store.Accounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("accounts: read stored accounts: %w", err)
	}
	for _, s := range stored {
		if _, err := r.load(ctx, s.Name); err != nil {
			return nil, err
		}
	}
	if r.env == nil && len(stored) == 0 && !o.AllowEmpty {
		return nil, ErrNoAccounts
	}
	return r, nil
}

// client is a Threads client whose every request goes through an
// auth.Transport for ts.
func (r *Resolver) client(ts *auth.TokenSource) *threads.Client {
	opts := []threads.Option{
		threads.WithBaseURL(r.opts.BaseURL),
		threads.WithHTTPClient(&http.Client{
			Transport: &auth.Transport{Source: ts, Base: r.opts.Base},
			Timeout:   requestTimeout,
		}),
		threads.WithLogger(r.opts.Logger),
	}
	if r.opts.UserAgent != "" {
		opts = append(opts, threads.WithUserAgent(r.opts.UserAgent))
	}
	return threads.NewClient(opts...)
}

// load returns the stored account name's token source and client, creating
// them once.
func (r *Resolver) load(ctx context.Context, name string) (*loaded, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if l, ok := r.loaded[name]; ok {
		return l, nil
	}
	ts, err := auth.NewTokenSource(ctx, r.opts.Store, name, r.cfg, r.opts.Logger)
	if err != nil {
		return nil, err
	}
	ts.Start(r.ctx)
	l := &loaded{ts: ts, api: r.client(ts)}
	r.loaded[ts.Name()] = l
	return l, nil
}

// Resolve implements tools.Accounts: "" is THREADS_ACCESS_TOKEN when set,
// else the stored default; otherwise a stored account (see state.Store.Find
// for how names and @usernames match). The account is read from the store
// on every call, so its username is the one of the latest login.
func (r *Resolver) Resolve(ctx context.Context, name string) (*tools.Account, error) {
	if name == "" && r.env != nil {
		return r.env, nil
	}
	s, err := r.opts.Store.Find(ctx, name)
	if errors.Is(err, state.ErrNoAccount) {
		known, _ := r.names(ctx)
		if name == "" {
			return nil, fmt.Errorf("no default Threads account: run `threads-mcp auth login`, or pass account (one of: %s)", strings.Join(known, ", "))
		}
		login := auth.LoginCommand(strings.TrimPrefix(name, "@"))
		return nil, fmt.Errorf("no Threads account %q: use one of %s (list_accounts shows them), or run `%s`",
			name, strings.Join(known, ", "), login)
	}
	if err != nil {
		return nil, fmt.Errorf("read account: %w", err)
	}
	l, err := r.load(ctx, s.Name)
	if err != nil {
		return nil, err
	}
	return &tools.Account{Name: s.Name, Username: s.Username, Scopes: s.Scopes, API: l.api, DaysLeft: l.ts.DaysLeft}, nil
}

func (r *Resolver) names(ctx context.Context) ([]string, error) {
	stored, err := r.opts.Store.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(stored))
	for _, s := range stored {
		out = append(out, s.Name)
	}
	if r.env != nil {
		out = append(out, `"" (THREADS_ACCESS_TOKEN)`)
	}
	sort.Strings(out)
	return out, nil
}

// List implements tools.Accounts: every account, never a token.
func (r *Resolver) List(ctx context.Context) ([]tools.AccountInfo, error) {
	stored, err := r.opts.Store.Accounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("read accounts: %w", err)
	}
	def, _ := r.opts.Store.DefaultAccount(ctx)
	var out []tools.AccountInfo
	if r.env != nil {
		out = append(out, tools.AccountInfo{Name: "", Source: "environment", Default: true, DaysLeft: r.env.DaysLeft()})
	}
	now := r.cfg.Now()
	for _, s := range stored {
		days := -1
		if !s.ExpiresAt.IsZero() {
			days = auth.DaysLeft(s.ExpiresAt, now)
		}
		out = append(out, tools.AccountInfo{
			Name: s.Name, Username: s.Username, UserID: s.UserID, Scopes: s.Scopes,
			Default: r.env == nil && s.Name == def, DaysLeft: days, ExpiresAt: s.ExpiresAt, Source: "stored",
		})
	}
	return out, nil
}
