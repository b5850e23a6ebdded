package state

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// Account is a stored Threads account: who it is, its long-lived access
// token and when that token was obtained, refreshed and expires.
//
// Token and AppSecret are secrets. Account never prints them: String,
// GoString, Format (every fmt verb), LogValue (log/slog) and MarshalJSON all
// leave them out and only report whether they are set.
type Account struct {
	// Name is the local account name chosen at login ("default" unless
	// --account was given).
	Name string
	// UserID is the Threads user id (a decimal string).
	UserID string
	// Username is the Threads handle, without "@".
	Username string
	// Token is the long-lived access token. Secret.
	Token string
	// ObtainedAt is when Token was issued (at login or by the last refresh).
	ObtainedAt time.Time
	// ExpiresAt is when Token expires; zero when unknown.
	ExpiresAt time.Time
	// RefreshedAt is when Token was last refreshed; zero if never.
	RefreshedAt time.Time
	// Scopes are the permissions requested at login.
	Scopes []string
	// AppID is the Threads app id used to log in.
	AppID string
	// AppSecret is the Threads app secret, stored only on request. Secret.
	AppSecret string
}

// redacted is the JSON/log view of an Account: everything but the secrets.
type redacted struct {
	Name         string    `json:"name"`
	UserID       string    `json:"user_id,omitempty"`
	Username     string    `json:"username,omitempty"`
	ObtainedAt   time.Time `json:"obtained_at,omitzero"`
	ExpiresAt    time.Time `json:"expires_at,omitzero"`
	RefreshedAt  time.Time `json:"refreshed_at,omitzero"`
	Scopes       []string  `json:"scopes,omitempty"`
	AppID        string    `json:"app_id,omitempty"`
	HasToken     bool      `json:"has_token"`
	HasAppSecret bool      `json:"has_app_secret"`
}

func (a Account) redacted() redacted {
	return redacted{
		Name: a.Name, UserID: a.UserID, Username: a.Username,
		ObtainedAt: a.ObtainedAt, ExpiresAt: a.ExpiresAt, RefreshedAt: a.RefreshedAt,
		Scopes: a.Scopes, AppID: a.AppID,
		HasToken: a.Token != "", HasAppSecret: a.AppSecret != "",
	}
}

func secretMark(s string) string {
	if s == "" {
		return `""`
	}
	return "[REDACTED]"
}

// String describes the account without its secrets.
func (a Account) String() string {
	return fmt.Sprintf("Account{Name:%q UserID:%q Username:%q Token:%s ObtainedAt:%s ExpiresAt:%s RefreshedAt:%s Scopes:%v AppID:%q AppSecret:%s}",
		a.Name, a.UserID, a.Username, secretMark(a.Token), fmtTime(a.ObtainedAt), fmtTime(a.ExpiresAt),
		fmtTime(a.RefreshedAt), a.Scopes, a.AppID, secretMark(a.AppSecret))
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// GoString is String: %#v never shows the secrets either.
func (a Account) GoString() string { return "state." + a.String() }

// Format implements fmt.Formatter so that every verb (%v, %+v, %#v, %s, %q,
// %x, ...) prints the redacted form.
func (a Account) Format(f fmt.State, verb rune) {
	s := a.String()
	switch verb {
	case 'v':
		if f.Flag('#') {
			s = a.GoString()
		}
	case 'q':
		s = fmt.Sprintf("%q", s)
	case 'x':
		s = fmt.Sprintf("%x", s)
	case 'X':
		s = fmt.Sprintf("%X", s)
	}
	_, _ = f.Write([]byte(s))
}

// LogValue implements slog.LogValuer with the secrets left out.
func (a Account) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("name", a.Name),
		slog.String("user_id", a.UserID),
		slog.String("username", a.Username),
		slog.Time("obtained_at", a.ObtainedAt),
		slog.Time("expires_at", a.ExpiresAt),
		slog.Bool("has_token", a.Token != ""),
	)
}

// MarshalJSON encodes the account without Token and AppSecret.
func (a Account) MarshalJSON() ([]byte, error) { return json.Marshal(a.redacted()) }

const accountCols = `name, user_id, username, token, obtained_at, expires_at, refreshed_at, scopes, app_id, app_secret`

func toNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

type scanner interface{ Scan(dest ...any) error }

// scanAccount reads an account row, decrypting its secrets.
func (s *Store) scanAccount(r scanner) (*Account, error) {
	var a Account
	var obtained, expires, refreshed int64
	var scopes, token, secret string
	if err := r.Scan(&a.Name, &a.UserID, &a.Username, &token, &obtained, &expires, &refreshed, &scopes, &a.AppID, &secret); err != nil {
		return nil, err
	}
	a.ObtainedAt, a.ExpiresAt, a.RefreshedAt = fromNanos(obtained), fromNanos(expires), fromNanos(refreshed)
	if scopes != "" {
		a.Scopes = strings.Split(scopes, ",")
	}
	var err error
	if a.Token, err = s.keys.open(token, tokenAAD(a.Name)); err != nil {
		return nil, fmt.Errorf("account %q: %w", a.Name, err)
	}
	if a.AppSecret, err = s.keys.open(secret, secretAAD(a.Name)); err != nil {
		return nil, fmt.Errorf("account %q: %w", a.Name, err)
	}
	return &a, nil
}

// UserAccountPrefix starts the names of the accounts that the OAuth
// authorization server stores for its signed-in users ("oauth-<user id>").
// Such an account belongs to one remote user: it never becomes the
// server's default account, which stdio clients and the command line act
// as.
const UserAccountPrefix = "oauth-"

// PutAccount inserts or replaces the account named a.Name (which must not be
// empty). The first account stored becomes the default account, unless it
// is a signed-in user's (UserAccountPrefix).
func (s *Store) PutAccount(ctx context.Context, a Account) error {
	if a.Name == "" {
		return errors.New("state: account name must not be empty")
	}
	token, err := s.keys.seal(a.Token, tokenAAD(a.Name))
	if err != nil {
		return err
	}
	secret, err := s.keys.seal(a.AppSecret, secretAAD(a.Name))
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO accounts (`+accountCols+`, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (name) DO UPDATE SET user_id = excluded.user_id, username = excluded.username,
				token = excluded.token, obtained_at = excluded.obtained_at, expires_at = excluded.expires_at,
				refreshed_at = excluded.refreshed_at, scopes = excluded.scopes, app_id = excluded.app_id,
				app_secret = excluded.app_secret, updated_at = excluded.updated_at`,
			a.Name, a.UserID, strings.TrimPrefix(a.Username, "@"), token, toNanos(a.ObtainedAt), toNanos(a.ExpiresAt),
			toNanos(a.RefreshedAt), strings.Join(a.Scopes, ","), a.AppID, secret, time.Now().UnixNano())
		if err != nil {
			return fmt.Errorf("state: write account %q: %w", a.Name, err)
		}
		if strings.HasPrefix(a.Name, UserAccountPrefix) {
			return nil
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('default_account', $1) ON CONFLICT (key) DO NOTHING`, a.Name)
		if err != nil {
			return fmt.Errorf("state: set default account: %w", err)
		}
		return nil
	})
}

// ErrAmbiguousAccount is wrapped by Find when a query matches more than one
// stored account at the deciding step; the error lists them.
var ErrAmbiguousAccount = errors.New("more than one stored Threads account matches")

// Account is Find: it returns the stored account that query designates.
func (s *Store) Account(ctx context.Context, query string) (*Account, error) {
	return s.Find(ctx, query)
}

// Find returns the stored account that query designates. Matching is
// case-insensitive everywhere (Threads usernames are case-insensitive, and a
// local name differing only in case from another is refused at login):
//
//   - "" is the default account;
//   - "@x" is the account whose Threads username is x, and nothing else;
//   - a bare name is the account with that local name, else the account
//     whose Threads username it is.
//
// When more than one account matches at the deciding step, the error wraps
// ErrAmbiguousAccount and lists them. No match wraps ErrNoAccount.
func (s *Store) Find(ctx context.Context, query string) (*Account, error) {
	if query == "" {
		def, err := s.DefaultAccount(ctx)
		if err != nil {
			return nil, err
		}
		return s.AccountByName(ctx, def)
	}
	all, err := s.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	match := func(f func(Account) string, want string) []Account {
		var out []Account
		for _, a := range all {
			if strings.EqualFold(f(a), want) {
				out = append(out, a)
			}
		}
		return out
	}
	byName := func(a Account) string { return a.Name }
	byUser := func(a Account) string { return a.Username }
	var found []Account
	if user, ok := strings.CutPrefix(query, "@"); ok {
		if user != "" {
			found = match(byUser, user)
		}
	} else if found = match(byName, query); len(found) == 0 {
		found = match(byUser, query)
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%w: %q", ErrNoAccount, query)
	case 1:
		return &found[0], nil
	}
	var names []string
	for _, a := range found {
		names = append(names, fmt.Sprintf("%q (@%s)", a.Name, a.Username))
	}
	return nil, fmt.Errorf("%w: %q matches %s; give the account's exact name", ErrAmbiguousAccount, query, strings.Join(names, " and "))
}

// AccountByName returns the account whose stored name is exactly name. It
// returns an error wrapping ErrNoAccount when there is none.
func (s *Store) AccountByName(ctx context.Context, name string) (*Account, error) {
	a, err := s.scanAccount(s.db.QueryRowContext(ctx, `SELECT `+accountCols+` FROM accounts WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %q", ErrNoAccount, name)
	}
	if err != nil {
		return nil, fmt.Errorf("state: read account %q: %w", name, err)
	}
	return a, nil
}

// Accounts lists all stored accounts ordered by name.
func (s *Store) Accounts(ctx context.Context) ([]Account, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+accountCols+` FROM accounts ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("state: list accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		a, err := s.scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("state: list accounts: %w", err)
		}
		out = append(out, *a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state: list accounts: %w", err)
	}
	return out, nil
}

// DeleteAccount removes the named account and its settings. If it was the
// default, the default moves to the first remaining account (by name), if
// any. Deleting an absent account returns an error wrapping ErrNoAccount.
//
// The secrets leave no copy behind, encrypted or not: they are overwritten
// before the row is deleted. On SQLite the connection deletes with
// secure_delete (freed content is overwritten with zeros), and the
// write-ahead log, which still holds older page images, is checkpointed and
// truncated afterwards. On PostgreSQL the dead row versions stay in the
// table's pages until VACUUM reclaims them; they hold ciphertext only.
func (s *Store) DeleteAccount(ctx context.Context, name string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		overwrite := `UPDATE accounts SET token = '', app_secret = '' WHERE name = $1`
		if s.dialect == SQLite {
			overwrite = `UPDATE accounts SET token = zeroblob(length(token)), app_secret = zeroblob(length(app_secret)) WHERE name = $1`
		}
		if _, err := tx.ExecContext(ctx, overwrite, name); err != nil {
			return fmt.Errorf("state: overwrite the secrets of %q: %w", name, err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE name = $1`, name)
		if err != nil {
			return fmt.Errorf("state: delete account %q: %w", name, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("state: delete account %q: %w", name, err)
		} else if n == 0 {
			return fmt.Errorf("%w: %q", ErrNoAccount, name)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM settings WHERE account = $1`, name); err != nil {
			return fmt.Errorf("state: delete settings of %q: %w", name, err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE meta SET value = COALESCE((SELECT name FROM accounts WHERE name NOT LIKE $2 ORDER BY name LIMIT 1), '')
			WHERE key = 'default_account' AND value = $1`, name, UserAccountPrefix+"%")
		if err != nil {
			return fmt.Errorf("state: move default account: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if s.dialect == SQLite {
		// Older images of the row's pages live in the WAL until a checkpoint.
		if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return fmt.Errorf("state: checkpoint after deleting %q: %w", name, err)
		}
	}
	return nil
}

// CheckOwner refuses a state directory owned by another user when running as
// root. Other users cannot open it (it is mode 0700); root can, and would
// then leave root-owned database files behind that the owner can no longer
// open, and act on the owner's Threads accounts. A directory that does not
// exist yet is fine.
func CheckOwner(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil // Open creates it, or reports the error itself
	}
	uid, ok := fileOwner(fi)
	if !ok || os.Geteuid() != 0 || uid == 0 {
		return nil
	}
	return fmt.Errorf("state: refusing to use %s as root: it belongs to uid %d. "+
		"Run threads-mcp as that user (e.g. sudo -u '#%d' threads-mcp ...), or give root its own state directory with THREADS_MCP_STATE_DIR", dir, uid, uid)
}

// DefaultAccount returns the name of the default account. It returns an
// error wrapping ErrNoAccount when no account is stored.
func (s *Store) DefaultAccount(ctx context.Context) (string, error) {
	var name string
	err := s.db.QueryRowContext(ctx, `SELECT m.value FROM meta m JOIN accounts a ON a.name = m.value
		WHERE m.key = 'default_account'`).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		// No (valid) default recorded: fall back to the first account that
		// is not a signed-in user's.
		err = s.db.QueryRowContext(ctx, `SELECT name FROM accounts WHERE name NOT LIKE $1 ORDER BY name LIMIT 1`, UserAccountPrefix+"%").Scan(&name)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("%w: no account stored (run `threads-mcp auth login`)", ErrNoAccount)
	}
	if err != nil {
		return "", fmt.Errorf("state: read default account: %w", err)
	}
	return name, nil
}

// SetDefaultAccount makes the named account (a name or a username) the
// default. It returns an error wrapping ErrNoAccount when it does not exist.
func (s *Store) SetDefaultAccount(ctx context.Context, name string) error {
	a, err := s.Account(ctx, name)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('default_account', $1)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, a.Name)
	if err != nil {
		return fmt.Errorf("state: set default account: %w", err)
	}
	return nil
}

// SwapToken replaces the named account's token with newToken — setting
// ObtainedAt and RefreshedAt to obtainedAt and ExpiresAt to expiresAt — only
// if its current token is still oldToken (compare-and-swap across
// processes and replicas: the stored token is encrypted under a random
// nonce, so the comparison decrypts it inside a transaction that holds the
// account's lock). swapped is false when another writer changed the token
// first; the caller should then re-read the account and use its token.
func (s *Store) SwapToken(ctx context.Context, name, oldToken, newToken string, obtainedAt, expiresAt time.Time) (swapped bool, err error) {
	sealed, err := s.keys.seal(newToken, tokenAAD(name))
	if err != nil {
		return false, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.LockTx(ctx, tx, "account:"+name); err != nil {
			return err
		}
		var stored string
		err := tx.QueryRowContext(ctx, `SELECT token FROM accounts WHERE name = $1`, name).Scan(&stored)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("state: swap token of %q: %w", name, err)
		}
		cur, err := s.keys.open(stored, tokenAAD(name))
		if err != nil {
			return fmt.Errorf("account %q: %w", name, err)
		}
		if cur != oldToken {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE accounts SET token = $1, obtained_at = $2, refreshed_at = $3, expires_at = $4, updated_at = $5
			WHERE name = $6`,
			sealed, toNanos(obtainedAt), toNanos(obtainedAt), toNanos(expiresAt), time.Now().UnixNano(), name); err != nil {
			return fmt.Errorf("state: swap token of %q: %w", name, err)
		}
		swapped = true
		return nil
	})
	return swapped, err
}

// NewLeaseOwner returns a lease owner id for this process: its host name and
// pid (so that TryLease can tell a dead holder) and a random part (so that
// two holders in one process differ).
func NewLeaseOwner() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%s", strings.ReplaceAll(host, "/", "_"), os.Getpid(), rand.Text())
}

// holderDead reports whether the lease owner id names a process of this host
// that no longer exists. Owners of other hosts, of this process, or not made
// by NewLeaseOwner are presumed alive (their lease runs out by its ttl).
func holderDead(owner string) bool {
	host, rest, ok := strings.Cut(owner, "/")
	if !ok {
		return false
	}
	pidText, _, ok := strings.Cut(rest, "/")
	if !ok {
		return false
	}
	me, _ := os.Hostname()
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 || host != strings.ReplaceAll(me, "/", "_") || pid == os.Getpid() {
		return false
	}
	return processGone(pid)
}
