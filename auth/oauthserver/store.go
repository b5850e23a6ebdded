package oauthserver

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// component is the schema component of the server's tables in the state
// database.
const component = "oauthserver"

// migrations are the server's schema steps (append only). The SQL is
// portable between SQLite and PostgreSQL: $n placeholders, BIGINT unix
// milliseconds, TEXT columns, ON CONFLICT, no engine functions.
//
// Secrets are never stored in the clear: client secrets, authorization
// codes, access and refresh tokens and consent handles are kept as SHA-256
// hex digests. A grant is one user's consent to one client; its tokens
// belong to it, so revoking the grant (a revocation request, a reused
// refresh token, a replayed code) revokes every token issued under it.
var migrations = []string{
	`CREATE TABLE oauth_clients (
		client_id TEXT PRIMARY KEY,
		secret_hash TEXT NOT NULL,
		auth_method TEXT NOT NULL,
		name TEXT NOT NULL,
		redirect_uris TEXT NOT NULL,
		created_at BIGINT NOT NULL
	);
	CREATE TABLE oauth_requests (
		handle_hash TEXT PRIMARY KEY,
		login_state_hash TEXT NOT NULL,
		login_verifier TEXT NOT NULL,
		client_id TEXT NOT NULL,
		redirect_uri TEXT NOT NULL,
		state TEXT NOT NULL,
		scope TEXT NOT NULL,
		resource TEXT NOT NULL,
		challenge TEXT NOT NULL,
		expires_at BIGINT NOT NULL
	);
	CREATE INDEX oauth_requests_login ON oauth_requests (login_state_hash);
	CREATE TABLE oauth_grants (
		grant_id TEXT PRIMARY KEY,
		client_id TEXT NOT NULL,
		subject TEXT NOT NULL,
		accounts TEXT NOT NULL,
		scope TEXT NOT NULL,
		resource TEXT NOT NULL,
		created_at BIGINT NOT NULL,
		revoked_at BIGINT NOT NULL
	);
	CREATE INDEX oauth_grants_subject ON oauth_grants (subject);
	CREATE TABLE oauth_codes (
		code_hash TEXT PRIMARY KEY,
		grant_id TEXT NOT NULL,
		redirect_uri TEXT NOT NULL,
		challenge TEXT NOT NULL,
		expires_at BIGINT NOT NULL,
		used_at BIGINT NOT NULL
	);
	CREATE TABLE oauth_tokens (
		token_hash TEXT PRIMARY KEY,
		kind TEXT NOT NULL,
		grant_id TEXT NOT NULL,
		scope TEXT NOT NULL,
		expires_at BIGINT NOT NULL,
		used_at BIGINT NOT NULL
	);
	CREATE INDEX oauth_tokens_grant ON oauth_tokens (grant_id);`,
}

// Token kinds in oauth_tokens.
const (
	kindAccess  = "access"
	kindRefresh = "refresh"
)

// hash is the stored form of a secret: its SHA-256, hex.
func hash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func ms(t time.Time) int64 { return t.UnixMilli() }

// client is a registered OAuth client.
type client struct {
	ID           string
	SecretHash   string // "" for a public client
	AuthMethod   string // none, client_secret_post or client_secret_basic
	Name         string
	RedirectURIs []string
}

// request is an authorization request between the consent screen and
// Threads' redirect.
type request struct {
	ClientID, RedirectURI, State, Scope, Resource, Challenge string
	LoginVerifier                                            string
	ExpiresAt                                                time.Time
}

// grant is one user's consent to one client.
type grant struct {
	ID, ClientID, Subject string
	Accounts              []string
	Scope, Resource       string
	Revoked               bool
}

// db is the server's view of the state database.
type db struct{ sql *sql.DB }

func (d db) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("oauthserver: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("oauthserver: commit: %w", err)
	}
	return nil
}

// errTooManyClients refuses a registration beyond maxClientsPerHour.
var errTooManyClients = errors.New("oauthserver: too many client registrations in the last hour")

// putClient registers a client. Registration is open to anyone, so it is
// bounded: at most maxClientsPerHour registrations an hour, and clients
// that never obtained a grant are forgotten after a day.
func (d db) putClient(ctx context.Context, c client, now time.Time) error {
	uris, _ := json.Marshal(c.RedirectURIs)
	return d.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM oauth_clients WHERE created_at < $1
			AND client_id NOT IN (SELECT client_id FROM oauth_grants)`, ms(now.Add(-24*time.Hour))); err != nil {
			return fmt.Errorf("oauthserver: forget unused clients: %w", err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM oauth_clients WHERE created_at > $1`, ms(now.Add(-time.Hour))).Scan(&n); err != nil {
			return fmt.Errorf("oauthserver: count clients: %w", err)
		}
		if n >= maxClientsPerHour {
			return errTooManyClients
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO oauth_clients (client_id, secret_hash, auth_method, name, redirect_uris, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, c.ID, c.SecretHash, c.AuthMethod, c.Name, string(uris), ms(now))
		if err != nil {
			return fmt.Errorf("oauthserver: register client: %w", err)
		}
		return nil
	})
}

// errNotFound is returned by the lookups when nothing matches.
var errNotFound = errors.New("oauthserver: not found")

func (d db) client(ctx context.Context, id string) (*client, error) {
	var c client
	var uris string
	err := d.sql.QueryRowContext(ctx, `SELECT client_id, secret_hash, auth_method, name, redirect_uris FROM oauth_clients WHERE client_id = $1`, id).
		Scan(&c.ID, &c.SecretHash, &c.AuthMethod, &c.Name, &uris)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("oauthserver: read client: %w", err)
	}
	if err := json.Unmarshal([]byte(uris), &c.RedirectURIs); err != nil {
		return nil, fmt.Errorf("oauthserver: client redirect URIs: %w", err)
	}
	return &c, nil
}

// putRequest stores a request under the hash of its consent handle, and
// drops expired requests and codes on the way.
func (d db) putRequest(ctx context.Context, handle string, r request, now time.Time) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM oauth_requests WHERE expires_at < $1`, ms(now)); err != nil {
			return fmt.Errorf("oauthserver: expire requests: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM oauth_codes WHERE expires_at < $1`, ms(now)); err != nil {
			return fmt.Errorf("oauthserver: expire codes: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO oauth_requests (handle_hash, login_state_hash, login_verifier, client_id, redirect_uri,
			state, scope, resource, challenge, expires_at) VALUES ($1, '', '', $2, $3, $4, $5, $6, $7, $8)`,
			hash(handle), r.ClientID, r.RedirectURI, r.State, r.Scope, r.Resource, r.Challenge, ms(r.ExpiresAt))
		if err != nil {
			return fmt.Errorf("oauthserver: store request: %w", err)
		}
		return nil
	})
}

const requestCols = `client_id, redirect_uri, state, scope, resource, challenge, login_verifier, expires_at`

func scanRequest(row *sql.Row) (*request, error) {
	var r request
	var exp int64
	err := row.Scan(&r.ClientID, &r.RedirectURI, &r.State, &r.Scope, &r.Resource, &r.Challenge, &r.LoginVerifier, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("oauthserver: read request: %w", err)
	}
	r.ExpiresAt = time.UnixMilli(exp)
	return &r, nil
}

// requestByHandle returns the request of a consent handle not yet sent
// to Threads.
func (d db) requestByHandle(ctx context.Context, handle string) (*request, error) {
	return scanRequest(d.sql.QueryRowContext(ctx, `SELECT `+requestCols+` FROM oauth_requests
		WHERE handle_hash = $1 AND login_state_hash = ''`, hash(handle)))
}

// startLogin records the Threads login of an approved request; false when
// the handle was already used (a second approval of one consent screen).
func (d db) startLogin(ctx context.Context, handle, loginState, verifier string) (bool, error) {
	res, err := d.sql.ExecContext(ctx, `UPDATE oauth_requests SET login_state_hash = $1, login_verifier = $2
		WHERE handle_hash = $3 AND login_state_hash = ''`, hash(loginState), verifier, hash(handle))
	if err != nil {
		return false, fmt.Errorf("oauthserver: start login: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// takeRequest removes and returns the request whose Threads login has the
// state loginState (a redirect is answered once).
func (d db) takeRequest(ctx context.Context, loginState string) (*request, error) {
	var r *request
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = scanRequest(tx.QueryRowContext(ctx, `SELECT `+requestCols+` FROM oauth_requests WHERE login_state_hash = $1`, hash(loginState)))
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM oauth_requests WHERE login_state_hash = $1`, hash(loginState))
		if err != nil {
			return fmt.Errorf("oauthserver: take request: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errNotFound // a concurrent redirect took it
		}
		return nil
	})
	return r, err
}

// deleteRequest drops a request by its consent handle (the user denied).
func (d db) deleteRequest(ctx context.Context, handle string) error {
	_, err := d.sql.ExecContext(ctx, `DELETE FROM oauth_requests WHERE handle_hash = $1`, hash(handle))
	return err
}

// putCode stores a new grant and its authorization code.
func (d db) putCode(ctx context.Context, code string, g grant, redirectURI, challenge string, expires, now time.Time) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO oauth_grants (grant_id, client_id, subject, accounts, scope, resource, created_at, revoked_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 0)`, g.ID, g.ClientID, g.Subject, strings.Join(g.Accounts, ","), g.Scope, g.Resource, ms(now))
		if err != nil {
			return fmt.Errorf("oauthserver: store grant: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO oauth_codes (code_hash, grant_id, redirect_uri, challenge, expires_at, used_at)
			VALUES ($1, $2, $3, $4, $5, 0)`, hash(code), g.ID, redirectURI, challenge, ms(expires))
		if err != nil {
			return fmt.Errorf("oauthserver: store code: %w", err)
		}
		return nil
	})
}

const grantCols = `g.grant_id, g.client_id, g.subject, g.accounts, g.scope, g.resource, g.revoked_at`

// grantRow scans grantCols into a grant.
type grantRow struct {
	g        *grant
	accounts string
	revoked  int64
}

func (r *grantRow) dest() []any {
	return []any{&r.g.ID, &r.g.ClientID, &r.g.Subject, &r.accounts, &r.g.Scope, &r.g.Resource, &r.revoked}
}

func (r *grantRow) fill() {
	if r.accounts != "" {
		r.g.Accounts = strings.Split(r.accounts, ",")
	}
	r.g.Revoked = r.revoked != 0
}

// codeUse is what redeeming an authorization code found.
type codeUse struct {
	Grant       grant
	RedirectURI string
	Challenge   string
	Expired     bool
	// Replayed is set when the code had been redeemed before; its grant
	// has then been revoked.
	Replayed bool
}

// redeemCode marks a code used and returns it with its grant. A code used
// before revokes its grant (RFC 6749 section 4.1.2: a replayed code SHOULD
// revoke the tokens issued from it).
func (d db) redeemCode(ctx context.Context, code string, now time.Time) (*codeUse, error) {
	var u codeUse
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var exp, used int64
		gr := &grantRow{g: &u.Grant}
		dest := append([]any{&u.RedirectURI, &u.Challenge, &exp, &used}, gr.dest()...)
		err := tx.QueryRowContext(ctx, `SELECT c.redirect_uri, c.challenge, c.expires_at, c.used_at, `+grantCols+`
			FROM oauth_codes c JOIN oauth_grants g ON g.grant_id = c.grant_id WHERE c.code_hash = $1`, hash(code)).Scan(dest...)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound
		}
		if err != nil {
			return fmt.Errorf("oauthserver: read code: %w", err)
		}
		gr.fill()
		u.Expired = exp <= ms(now)
		if used != 0 {
			u.Replayed = true
			return revokeGrantTx(ctx, tx, u.Grant.ID, now)
		}
		// used_at = 0 in the condition: of two concurrent redemptions
		// (PostgreSQL's read committed lets both read the unused row), one
		// updates it and the other is a replay.
		res, err := tx.ExecContext(ctx, `UPDATE oauth_codes SET used_at = $1 WHERE code_hash = $2 AND used_at = 0`, ms(now), hash(code))
		if err != nil {
			return fmt.Errorf("oauthserver: redeem code: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			u.Replayed = true
			return revokeGrantTx(ctx, tx, u.Grant.ID, now)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

func revokeGrantTx(ctx context.Context, tx *sql.Tx, grantID string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE oauth_grants SET revoked_at = $1 WHERE grant_id = $2 AND revoked_at = 0`, ms(now), grantID); err != nil {
		return fmt.Errorf("oauthserver: revoke grant: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM oauth_tokens WHERE grant_id = $1`, grantID); err != nil {
		return fmt.Errorf("oauthserver: revoke tokens: %w", err)
	}
	return nil
}

// issued is a token pair to store.
type issued struct {
	Access, Refresh             string
	Scope                       string
	AccessExpiry, RefreshExpiry time.Time
}

func putTokensTx(ctx context.Context, tx *sql.Tx, grantID string, t issued) error {
	for _, row := range []struct {
		kind, tok string
		exp       time.Time
	}{{kindAccess, t.Access, t.AccessExpiry}, {kindRefresh, t.Refresh, t.RefreshExpiry}} {
		_, err := tx.ExecContext(ctx, `INSERT INTO oauth_tokens (token_hash, kind, grant_id, scope, expires_at, used_at)
			VALUES ($1, $2, $3, $4, $5, 0)`, hash(row.tok), row.kind, grantID, t.Scope, ms(row.exp))
		if err != nil {
			return fmt.Errorf("oauthserver: store token: %w", err)
		}
	}
	return nil
}

// putTokens stores the first token pair of a grant, and drops expired
// tokens on the way (a rotated refresh token is kept until it expires:
// presenting it again is how reuse is detected).
func (d db) putTokens(ctx context.Context, grantID string, t issued, now time.Time) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM oauth_tokens WHERE expires_at < $1`, ms(now)); err != nil {
			return fmt.Errorf("oauthserver: expire tokens: %w", err)
		}
		return putTokensTx(ctx, tx, grantID, t)
	})
}

// rotation is the outcome of presenting a refresh token.
type rotation struct {
	Grant grant
	// Scope is the scope of the presented token.
	Scope string
	// Reused is set when the token had already been rotated: the whole
	// grant (the token family) has been revoked.
	Reused  bool
	Expired bool
}

// rotate redeems a refresh token: the presented token is marked used and
// next (made from the grant and the token's scope, unless nil) is stored in
// the same transaction, so two concurrent refreshes with one token cannot
// both succeed. A token presented again after its rotation revokes its
// grant (OAuth 2.1 section 4.3.1, refresh token rotation).
func (d db) rotate(ctx context.Context, refresh string, now time.Time, next func(grant, string) (*issued, error)) (*rotation, *issued, error) {
	var rot rotation
	var out *issued
	err := d.tx(ctx, func(tx *sql.Tx) error {
		var exp, used int64
		gr := &grantRow{g: &rot.Grant}
		dest := append([]any{&rot.Scope, &exp, &used}, gr.dest()...)
		err := tx.QueryRowContext(ctx, `SELECT t.scope, t.expires_at, t.used_at, `+grantCols+`
			FROM oauth_tokens t JOIN oauth_grants g ON g.grant_id = t.grant_id
			WHERE t.token_hash = $1 AND t.kind = $2`, hash(refresh), kindRefresh).Scan(dest...)
		if errors.Is(err, sql.ErrNoRows) {
			return errNotFound
		}
		if err != nil {
			return fmt.Errorf("oauthserver: read refresh token: %w", err)
		}
		gr.fill()
		if used != 0 {
			rot.Reused = true
			return revokeGrantTx(ctx, tx, rot.Grant.ID, now)
		}
		if rot.Expired = exp <= ms(now); rot.Expired || rot.Grant.Revoked {
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE oauth_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at = 0`, ms(now), hash(refresh))
		if err != nil {
			return fmt.Errorf("oauthserver: rotate refresh token: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			rot.Reused = true
			return revokeGrantTx(ctx, tx, rot.Grant.ID, now)
		}
		// The access tokens of the rotated pair end with it.
		if _, err := tx.ExecContext(ctx, `DELETE FROM oauth_tokens WHERE grant_id = $1 AND kind = $2`, rot.Grant.ID, kindAccess); err != nil {
			return fmt.Errorf("oauthserver: retire access tokens: %w", err)
		}
		if out, err = next(rot.Grant, rot.Scope); err != nil {
			return err
		}
		return putTokensTx(ctx, tx, rot.Grant.ID, *out)
	})
	if err != nil {
		return nil, nil, err
	}
	if rot.Reused || rot.Expired || rot.Grant.Revoked {
		out = nil
	}
	return &rot, out, nil
}

// access is a valid access token's grant and scope.
type access struct {
	Grant   grant
	Scope   string
	Expires time.Time
}

// lookupAccess returns the live access token tok: errNotFound when it is
// unknown, expired or its grant revoked.
func (d db) lookupAccess(ctx context.Context, tok string, now time.Time) (*access, error) {
	var a access
	var exp int64
	gr := &grantRow{g: &a.Grant}
	dest := append([]any{&a.Scope, &exp}, gr.dest()...)
	err := d.sql.QueryRowContext(ctx, `SELECT t.scope, t.expires_at, `+grantCols+`
		FROM oauth_tokens t JOIN oauth_grants g ON g.grant_id = t.grant_id
		WHERE t.token_hash = $1 AND t.kind = $2`, hash(tok), kindAccess).Scan(dest...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("oauthserver: read access token: %w", err)
	}
	gr.fill()
	a.Expires = time.UnixMilli(exp)
	if a.Grant.Revoked || exp <= ms(now) {
		return nil, errNotFound
	}
	return &a, nil
}

// revokeToken revokes the grant of tok (an access or refresh token) when
// it belongs to clientID; unknown tokens are ignored (RFC 7009 section 2.2).
func (d db) revokeToken(ctx context.Context, tok, clientID string, now time.Time) error {
	return d.tx(ctx, func(tx *sql.Tx) error {
		var grantID string
		err := tx.QueryRowContext(ctx, `SELECT g.grant_id FROM oauth_tokens t JOIN oauth_grants g ON g.grant_id = t.grant_id
			WHERE t.token_hash = $1 AND g.client_id = $2`, hash(tok), clientID).Scan(&grantID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("oauthserver: read token: %w", err)
		}
		return revokeGrantTx(ctx, tx, grantID, now)
	})
}
