package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
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
	// leaseTTL bounds how long one process may hold the refresh lease. A
	// refresh is one HTTP request (30 s client timeout), so a live holder
	// releases it well before.
	leaseTTL = 45 * time.Second
	// leasePoll is how often a refresh waiting for another process's
	// refresh re-reads the store.
	leasePoll = 50 * time.Millisecond
	// liveHolderWait is how long a due (still valid) token waits for another
	// live process's refresh — which normally takes one request — before it
	// is used as it is. A dead holder is not waited for at all.
	liveHolderWait = 3 * time.Second
)

// errLeaseHeld means another live process is refreshing the token: the
// current token (still valid) is used and the other's result is picked up
// from the store on a later call.
var errLeaseHeld = errors.New("auth: another process is refreshing this token")

// TokenSource is an oauth2.TokenSource for one Threads account. Token
// returns the stored long-lived token and refreshes it once it is 24 hours
// old. Several processes may share the account through one state database:
// a refresh takes a cross-process lease in the store, re-reads the account,
// refreshes, and swaps the token in with compare-and-swap, so concurrent
// refreshes leave exactly one valid token stored and the losers adopt it.
//
// A stored account is re-read from the store on every Token call, so a
// running server follows a new login (another Threads user, new scopes, a
// new token) or a logout at the next request, without a restart.
//
// No lock of a TokenSource is held across network or lease waits: its mutex
// only guards the in-memory copy of the account. While one goroutine
// refreshes a due token, the others of the process wait for that one
// request's result (without holding any lock); a process that finds another
// live process refreshing waits a few seconds at most for its result, then
// uses its still valid token and picks the new one up from the store on a
// later call. A lease whose holder process is dead is taken over at once
// (the lease owner records its host and pid).
//
// A TokenSource made by NewEnvTokenSource (THREADS_ACCESS_TOKEN) has no
// store: it refreshes in memory only, and the refreshed token is lost when
// the process exits (the environment variable keeps the original, which
// stays valid until its own expiry).
type TokenSource struct {
	ctx   context.Context // for Token, which has no ctx parameter
	st    *state.Store    // nil for the env token
	name  string          // stored account name ("" for the env token)
	cfg   Config
	owner string // lease owner id of this TokenSource
	every time.Duration

	mu       sync.Mutex // guards the fields below; never held across I/O
	log      *slog.Logger
	cur      state.Account
	nextTry  time.Time // no refresh attempt before (after a failure, or while another process refreshes)
	lastErr  error
	inflight chan struct{} // closed when the refresh in flight ends; nil when none
}

var _ oauth2.TokenSource = (*TokenSource)(nil)

// NewTokenSource returns a TokenSource for the stored account named (or with
// the username) account; "" is the default account. ctx is used by Token for
// refreshes. A nil logger discards. It fails with an error wrapping
// state.ErrNoAccount when the account does not exist.
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
		ctx: context.WithoutCancel(ctx), st: st, name: a.Name, cfg: cfg, owner: state.NewLeaseOwner(), every: 24 * time.Hour,
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
		ctx: context.Background(), cfg: cfg, owner: state.NewLeaseOwner(), every: 24 * time.Hour,
		log: slog.New(slog.DiscardHandler),
	}
	t.setCur(state.Account{Token: token, ObtainedAt: cfg.now()})
	return t
}

// setCur replaces the current account and tells cfg.Secrets its token. The
// caller holds t.mu (or is the constructor); Secrets.Add never calls back.
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
	if t.st != nil {
		l = l.With("account", t.name)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.log = l
}

func (t *TokenSource) logger() *slog.Logger {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.log
}

// Account returns a copy of the account as last read or refreshed. Its
// Token is a secret (the Account type redacts it when printed).
func (t *TokenSource) Account() state.Account {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cur
}

// Env reports whether this is the THREADS_ACCESS_TOKEN token source.
func (t *TokenSource) Env() bool { return t.st == nil }

// Name is the stored account name ("" for THREADS_ACCESS_TOKEN).
func (t *TokenSource) Name() string { return t.name }

// Token implements oauth2.TokenSource; it is TokenContext with the context
// given to the constructor.
func (t *TokenSource) Token() (*oauth2.Token, error) { return t.TokenContext(t.ctx) }

// TokenContext returns the current token. A stored account is re-read from
// the store first. A token at least 24 hours old is refreshed first (failed
// refreshes of a still valid token are logged and retried later, not
// returned). An expired token yields an *ExpiredError (errors.Is
// ErrTokenExpired) whose message names the login command of the account; an
// account removed from the store yields an error saying so.
func (t *TokenSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if _, err := t.reload(ctx); err != nil {
		return nil, err
	}
	t.mu.Lock()
	now := t.cfg.now()
	if t.expired(now) {
		defer t.mu.Unlock()
		return nil, t.expiredErr()
	}
	wait := t.inflight
	start := wait == nil && t.due(now) && !now.Before(t.nextTry)
	if start {
		wait = make(chan struct{})
		t.inflight = wait
	}
	t.mu.Unlock()
	if start {
		err := t.refresh(ctx, false)
		t.mu.Lock()
		t.inflight = nil
		close(wait)
		switch {
		case err == nil:
			t.nextTry, t.lastErr = time.Time{}, nil
		case errors.Is(err, errLeaseHeld):
			t.nextTry = now.Add(leaseTTL) // its result, if any, is read from the store meanwhile
		case errors.Is(err, ErrTokenExpired):
			t.mu.Unlock()
			return nil, t.refusedExpired(err)
		case ctx.Err() != nil:
			// The caller gave up: no verdict on the refresh, try again next call.
			t.mu.Unlock()
			return nil, ctx.Err()
		default:
			t.nextTry, t.lastErr = now.Add(retryAfterFailure), err
		}
		log := t.log
		t.mu.Unlock()
		if err != nil && !errors.Is(err, errLeaseHeld) {
			log.Warn("Threads token refresh failed; using the current token", "err", RefreshAdvice(err, t.name), "retry_in", retryAfterFailure.String())
		}
	} else if wait != nil {
		// Another goroutine of this process is refreshing (one request,
		// bounded by the HTTP client's timeout; it never waits for another
		// process): use its result rather than a token about to be replaced.
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.expired(t.cfg.now()) {
		return nil, t.expiredErr()
	}
	return &oauth2.Token{AccessToken: t.cur.Token, TokenType: "Bearer", Expiry: t.cur.ExpiresAt}, nil
}

// refusedExpired is the error for a refresh Threads refused because the
// token has expired, although its recorded expiry is still ahead (the token
// was revoked, or the clocks disagree).
func (t *TokenSource) refusedExpired(err error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return &ExpiredError{Account: t.cur.Name, ExpiredAt: t.cur.ExpiresAt, Env: t.st == nil, Refused: true, Cause: err}
}

// expiredErr is the error for the current token's expiry. The caller holds t.mu.
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

// reload re-reads the account from the store (outside the lock) and
// installs it; changed reports a different token.
func (t *TokenSource) reload(ctx context.Context) (changed bool, err error) {
	if t.st == nil {
		return false, nil
	}
	a, err := t.st.AccountByName(ctx, t.name)
	if err != nil {
		if errors.Is(err, state.ErrNoAccount) {
			return false, &RemovedError{Account: t.name, Err: err}
		}
		return false, fmt.Errorf("auth: read account %q: %w", t.name, err)
	}
	if a.Name != t.name {
		// t.name is a stored name; a username match is another account.
		return false, &RemovedError{Account: t.name, Err: state.ErrNoAccount}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	changed = a.Token != t.cur.Token
	if changed || !a.ExpiresAt.Equal(t.cur.ExpiresAt) || a.UserID != t.cur.UserID || a.Username != t.cur.Username ||
		!slices.Equal(a.Scopes, t.cur.Scopes) || !a.RefreshedAt.Equal(t.cur.RefreshedAt) || !a.ObtainedAt.Equal(t.cur.ObtainedAt) {
		t.setCur(*a)
	}
	if changed {
		t.nextTry, t.lastErr = time.Time{}, nil
	}
	return changed, nil
}

// Refresh refreshes the token now, even if it is not yet due (Threads
// refuses tokens younger than 24 hours: the error then matches ErrTooYoung),
// coordinating with other processes like Token does. If another process
// refreshed meanwhile, its token is adopted and no request is made.
func (t *TokenSource) Refresh(ctx context.Context) error {
	if _, err := t.reload(ctx); err != nil {
		return err
	}
	t.mu.Lock()
	if t.expired(t.cfg.now()) {
		defer t.mu.Unlock()
		return t.expiredErr()
	}
	t.mu.Unlock()
	err := t.refresh(ctx, true)
	if errors.Is(err, ErrTokenExpired) {
		return t.refusedExpired(err)
	}
	return err
}

// refresh refreshes the token once, coordinating with other processes.
// Unless force is set, it stops as soon as the token is no longer due, and
// it waits at most liveHolderWait for another live process's refresh
// (errLeaseHeld). It is called without t.mu held.
func (t *TokenSource) refresh(ctx context.Context, force bool) error {
	if t.st == nil {
		old := t.Account().Token
		tok, err := Refresh(ctx, t.cfg, old)
		if err != nil {
			return err
		}
		t.mu.Lock()
		t.setRefreshed(tok.AccessToken, t.cfg.now(), tok.Expiry)
		log := t.log
		t.mu.Unlock()
		log.Info("refreshed the THREADS_ACCESS_TOKEN token in memory", "expires_at", tok.Expiry)
		return nil
	}
	lease := "auth.refresh:" + t.name
	start := time.Now()
	stillDue := func() bool {
		t.mu.Lock()
		defer t.mu.Unlock()
		return t.due(t.cfg.now())
	}
	for {
		if changed, err := t.reload(ctx); err != nil {
			return err
		} else if changed || (!force && !stillDue()) {
			return nil // someone else refreshed (or logged in again)
		}
		ok, err := t.st.TryLease(ctx, lease, t.owner, leaseTTL)
		if err != nil {
			return err
		}
		if ok {
			break
		}
		if !force && time.Since(start) > liveHolderWait {
			return errLeaseHeld
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
	if changed, err := t.reload(ctx); err != nil {
		return err
	} else if changed || (!force && !stillDue()) {
		return nil
	}
	old := t.Account().Token
	tok, err := Refresh(ctx, t.cfg, old)
	if err != nil {
		// The token may have been replaced behind our back (a new login).
		if changed, rerr := t.reload(ctx); rerr == nil && changed {
			return nil
		}
		return err
	}
	now := t.cfg.now()
	swapped, err := t.st.SwapToken(ctx, t.name, old, tok.AccessToken, now, tok.Expiry)
	if err != nil {
		return err
	}
	if !swapped {
		// Someone replaced the token (e.g. a new login) meanwhile: theirs wins.
		_, err := t.reload(ctx)
		return err
	}
	t.mu.Lock()
	if t.cur.Token == old {
		t.setRefreshed(tok.AccessToken, now, tok.Expiry)
	}
	log := t.log
	t.mu.Unlock()
	log.Info("refreshed Threads token", "expires_at", tok.Expiry)
	return nil
}

// setRefreshed installs a refreshed token obtained at now. The caller holds t.mu.
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
			if _, err := t.TokenContext(ctx); err != nil && ctx.Err() == nil {
				t.logger().Error("Threads token unusable", "err", err.Error())
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
// changed (another process refreshed it, or the user logged in again). For
// an env token it always reports false.
func (t *TokenSource) Reload(ctx context.Context) (changed bool, err error) {
	return t.reload(ctx)
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
