package state

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// defaultPoolConns is the pool size when the URL sets no pool_max_conns:
// enough for concurrent tool calls of one replica (a claim holds a
// connection only for its short transaction) without exhausting the
// server's max_connections when several replicas run.
const defaultPoolConns = 16

// openPostgres connects to the PostgreSQL database at rawURL and migrates
// the store's tables.
func openPostgres(ctx context.Context, rawURL string) (*Store, error) {
	shown := redactURL(rawURL)
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		// pgx's message may quote the URL, password included: say less.
		return nil, fmt.Errorf("state: the PostgreSQL URL %s is not valid", shown)
	}
	if !strings.Contains(rawURL, "pool_max_conns") {
		cfg.MaxConns = defaultPoolConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("state: connect to %s: %w", shown, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("state: connect to %s: %w", shown, err)
	}
	s := &Store{db: stdlib.OpenDBFromPool(pool), dialect: Postgres, pool: pool, path: shown}
	if err := s.Migrate(ctx, "store", migrations[Postgres]); err != nil {
		_ = s.db.Close()
		pool.Close()
		return nil, err
	}
	if _, err := s.recordID(ctx); err != nil {
		_ = s.db.Close()
		pool.Close()
		return nil, err
	}
	return s, nil
}

// redactURL is rawURL without its password (in the user info or the
// password parameter), for messages.
func redactURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable PostgreSQL URL)"
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "REDACTED")
		}
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "REDACTED")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
