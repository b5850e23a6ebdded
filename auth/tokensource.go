package auth

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/threads-mcp/threads-mcp/tools/state"
)

// Refresh timing.
const (
	// RefreshAge is how old a token must be before Threads lets it be
	// refreshed; TokenSource refreshes as soon as a token reaches it.
	RefreshAge = 24 * time.Hour
	// retryAfterFailure spaces out refresh attempts after a failure so that
	// every API call does not retry a failing refresh.
	retryAfterFailure = 15 * time.Minute
	// leaseTTL bounds how long one process may hold the refresh lease.
	leaseTTL = 45 * time.Second
	// leasePoll is how often a process waiting for another's refresh
	// re-reads the store.
	leasePoll = 50 * time.Millisecond
)

// TokenSource is an oauth2.TokenSource for one Threads account. Token
// returns the stored long-lived token and refreshes it once it is 24 hours
// old. Several processes may share the account through one state database:
// a refresh takes a cross-process lease in the store, re-reads the account,
// refreshes, and swaps the token in with compare-and-swap, so concurrent
// refreshes leave exactly one valid token stored and the losers adopt it.
//
// A TokenSource made by NewEnvTokenSource (THREADS_ACCESS_TOKEN) has no
// store: it refreshes in memory only, and the refreshed token is lost when
// the process exits (the environment variable keeps the original, which
// stays valid until its own expiry).
type TokenSource struct {
	ctx     context.Context // for Token, which has no ctx parameter
	st      *state.Store    // nil for the env token
	cfg     Config
	owner   string // lease owner id of this TokenSource
	every   time.Duration
	mu      sync.Mutex
	log     *slog.Logger
	cur     state.Account
	failAt  time.Time
	lastErr error
}

var _ oauth2.TokenSource = (*TokenSource)(nil)

// NewTokenSource returns a TokenSource for the stored account named (or with
// the username) account; "" is the default account. ctx is used by Token for
// refreshes. A nil logger discards. It fails with an error wrapping
// store.ErrNoAccount when the account does not exist.
func NewTokenSource(ctx context.Context, st *state.Store, account string, cfg Config, logger *slog.Logger) (*TokenSource, error) {
	if st == nil {
		return nil, errors.New("auth: NewTokenSource needs a store")
	}
	a, err := st.Account(ctx, account)
	if err != nil {
		return nil, fmt.Errorf("auth: %w (run `%s`)", err, LoginCommand(account))
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	t := &TokenSource{
		ctx: context.WithoutCancel(ctx), st: st, cfg: cfg, owner: rand.Text(), every: 24 * time.Hour,
		log: logger.With("account", a.Name),
	}
	t.setCur(*a)
	return t, nil
}

// NewEnvTokenSource returns a TokenSource for a token given in
// THREADS_ACCESS_TOKEN: a single unnamed account whose token is refreshed in
// memory only (never persisted). Its age is counted from this call and its
// expiry is unknown until the first refresh, so DaysLeft reports -1 until
// then. Logs are discarded unless SetLogger is called.
func NewEnvTokenSource(token string, cfg Config) *TokenSource {
	t := &TokenSource{
		ctx: context.Background(), cfg: cfg, owner: rand.Text(), every: 24 * time.Hour,
		log: slog.New(slog.DiscardHandler),
	}
	t.setCur(state.Account{Token: token, ObtainedAt: cfg.now()})
	return t
}

// setCur replaces the current account and tells cfg.Secrets its token. The
// caller holds t.mu (or is the constructor).
func (t *TokenSource) setCur(a state.Account) {
	t.cur = a
	if t.cfg.Secrets != nil {
		t.cfg.Secrets.Add(a.Token)
	}
}

// SetLogger replaces the logger (nil discards).
func (t *TokenSource) SetLogger(l *slog.Logger) {
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.st != nil {
		l = l.With("account", t.cur.Name)
	}
	t.log = l
}

// Account returns a copy of the account as last read or refreshed. Its
// Token is a secret (the Account type redacts it when printed).
func (t *TokenSource) Account() state.Account {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cur
}

// Token implements oauth2.TokenSource. It returns the current token,
// refreshing it first when it is at least 24 hours old (failed refreshes of
// a still valid token are logged and retried later, not returned). An
// expired token yields an *ExpiredError (errors.Is ErrTokenExpired) whose
// message says to run `threads-mcp auth login` (with --account NAME for a
// named account).
func (t *TokenSource) Token() (*oauth2.Token, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tokenLocked(t.ctx)
}

func (t *TokenSource) tokenLocked(ctx context.Context) (*oauth2.Token, error) {
	now := t.cfg.now()
	if t.expired(now) && t.st != nil {
		// Another process may have logged in again or refreshed.
		if _, err := t.reloadLocked(ctx); err != nil {
			return nil, err
		}
	}
	if t.expired(now) {
		return nil, t.expiredErr()
	}
	if t.due(now) && (t.failAt.IsZero() || now.Sub(t.failAt) >= retryAfterFailure) {
		if err := t.refreshLocked(ctx, false); err != nil {
			if errors.Is(err, ErrTokenExpired) {
				return nil, t.expiredErr()
			}
			t.failAt, t.lastErr = now, err
			t.log.Warn("Threads token refresh failed; using the current token", "err", err.Error(), "retry_in", retryAfterFailure.String())
		} else {
			t.failAt, t.lastErr = time.Time{}, nil
		}
	}
	return &oauth2.Token{AccessToken: t.cur.Token, TokenType: "Bearer", Expiry: t.cur.ExpiresAt}, nil
}

func (t *TokenSource) expiredErr() error {
	return &ExpiredError{Account: t.cur.Name, ExpiredAt: t.cur.ExpiresAt, Env: t.st == nil}
}

func (t *TokenSource) expired(now time.Time) bool {
	return !t.cur.ExpiresAt.IsZero() && !now.Before(t.cur.ExpiresAt)
}

// issued returns when the current token was obtained or last refreshed.
func (t *TokenSource) issued() time.Time {
	if t.cur.RefreshedAt.After(t.cur.ObtainedAt) {
		return t.cur.RefreshedAt
	}
	return t.cur.ObtainedAt
}

func (t *TokenSource) due(now time.Time) bool {
	return now.Sub(t.issued()) >= RefreshAge
}

// reloadLocked re-reads the account; changed reports a different token.
func (t *TokenSource) reloadLocked(ctx context.Context) (changed bool, err error) {
	if t.st == nil {
		return false, nil
	}
	a, err := t.st.Account(ctx, t.cur.Name)
	if err != nil {
		if errors.Is(err, state.ErrNoAccount) {
			return false, fmt.Errorf("auth: account %q was removed from the store (logged out?); run `%s`: %w", t.cur.Name, LoginCommand(t.cur.Name), err)
		}
		return false, err
	}
	changed = a.Token != t.cur.Token
	t.setCur(*a)
	return changed, nil
}

// Refresh refreshes the token now, even if it is not yet due (Threads
// refuses tokens younger than 24 hours: the error then matches ErrTooYoung),
// coordinating with other processes like Token does. If another process
// refreshed meanwhile, its token is adopted and no request is made.
func (t *TokenSource) Refresh(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.expired(t.cfg.now()) {
		if _, err := t.reloadLocked(ctx); err != nil {
			return err
		}
		if t.expired(t.cfg.now()) {
			return t.expiredErr()
		}
	}
	err := t.refreshLocked(ctx, true)
	if errors.Is(err, ErrTokenExpired) {
		return t.expiredErr()
	}
	return err
}

// refreshLocked refreshes the token once, coordinating with other processes.
// Unless force is set, it stops as soon as the token is no longer due.
func (t *TokenSource) refreshLocked(ctx context.Context, force bool) error {
	if t.st == nil {
		tok, err := Refresh(ctx, t.cfg, t.cur.Token)
		if err != nil {
			return err
		}
		now := t.cfg.now()
		t.setRefreshed(tok.AccessToken, now, tok.Expiry)
		t.log.Info("refreshed the THREADS_ACCESS_TOKEN token in memory", "expires_at", tok.Expiry)
		return nil
	}
	lease := "auth.refresh:" + t.cur.Name
	start := time.Now()
	for {
		if changed, err := t.reloadLocked(ctx); err != nil {
			return err
		} else if changed || (!force && !t.due(t.cfg.now())) {
			return nil // someone else refreshed (or logged in again)
		}
		ok, err := t.st.TryLease(ctx, lease, t.owner, leaseTTL)
		if err != nil {
			return err
		}
		if ok {
			break
		}
		if time.Since(start) > leaseTTL+5*time.Second {
			return errors.New("auth: timed out waiting for another process's token refresh")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(leasePoll):
		}
	}
	defer func() { _ = t.st.ReleaseLease(context.WithoutCancel(ctx), lease, t.owner) }()
	// Holding the lease: re-read once more, a refresh may have just finished.
	if changed, err := t.reloadLocked(ctx); err != nil {
		return err
	} else if changed || (!force && !t.due(t.cfg.now())) {
		return nil
	}
	old := t.cur.Token
	tok, err := Refresh(ctx, t.cfg, old)
	if err != nil {
		// The token may have been replaced behind our back (a new login).
		if changed, rerr := t.reloadLocked(ctx); rerr == nil && changed {
			return nil
		}
		return err
	}
	now := t.cfg.now()
	swapped, err := t.st.SwapToken(ctx, t.cur.Name, old, tok.AccessToken, now, tok.Expiry)
	if err != nil {
		return err
	}
	if !swapped {
		// Someone replaced the token (e.g. a new login) meanwhile: theirs wins.
		_, err := t.reloadLocked(ctx)
		return err
	}
	t.setRefreshed(tok.AccessToken, now, tok.Expiry)
	t.log.Info("refreshed Threads token", "expires_at", tok.Expiry)
	return nil
}

// setRefreshed installs a refreshed token obtained at now.
func (t *TokenSource) setRefreshed(token string, now, expires time.Time) {
	a := t.cur
	a.Token, a.ObtainedAt, a.RefreshedAt, a.ExpiresAt = token, now, now, expires
	t.setCur(a)
}

// Start refreshes the token in the background: once now if it is due, then
// every day, until ctx is done. Failures are logged.
func (t *TokenSource) Start(ctx context.Context) {
	go func() {
		tick := time.NewTicker(t.every)
		defer tick.Stop()
		for {
			t.mu.Lock()
			_, err := t.tokenLocked(ctx)
			log := t.log
			t.mu.Unlock()
			if err != nil {
				log.Error("Threads token unusable", "err", err.Error())
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
}

// Reload re-reads the account from the store and reports whether its token
// changed (another process refreshed it, or the user logged in again). Call
// it when the API answers 190 (invalid token) before failing. For an env
// token it always reports false.
func (t *TokenSource) Reload(ctx context.Context) (changed bool, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.reloadLocked(ctx)
}

// DaysLeft returns the whole days until the token expires: 0 once expired,
// -1 when the expiry is unknown (an env token not yet refreshed).
func (t *TokenSource) DaysLeft() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return DaysLeft(t.cur.ExpiresAt, t.cfg.now())
}

// DaysLeft returns the whole days from now until expires: 0 once passed, -1
// when expires is zero (unknown).
func DaysLeft(expires, now time.Time) int {
	if expires.IsZero() {
		return -1
	}
	d := expires.Sub(now)
	if d <= 0 {
		return 0
	}
	return int(d / (24 * time.Hour))
}
