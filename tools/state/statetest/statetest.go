// Package statetest gives tests a state database on each backend: SQLite
// (the file in the test's state directory) and PostgreSQL (a new database,
// dropped when the test ends, on the server that
// THREADS_MCP_TEST_DATABASE_URL names; .ci/run starts one). Each test gets
// its own database, so packages and parallel tests never share state.
//
// Without THREADS_MCP_TEST_DATABASE_URL the PostgreSQL cases say so and
// skip; with THREADS_MCP_REQUIRE_POSTGRES=1 (set by .ci/run) they fail
// instead, so CI cannot pass without having run them.
package statetest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables of the PostgreSQL tests.
const (
	// EnvURL is a PostgreSQL URL whose user may create databases.
	EnvURL = "THREADS_MCP_TEST_DATABASE_URL"
	// EnvRequire set to 1 turns a missing server from a skip into a failure.
	EnvRequire = "THREADS_MCP_REQUIRE_POSTGRES"
)

// Backend is one kind of state database.
type Backend struct {
	// Name is "sqlite" or "postgres".
	Name string
	// Database returns a new, empty database of this backend for t, as the
	// state.WithDatabase value: "" (SQLite in the state directory) or a
	// PostgreSQL URL.
	Database func(t testing.TB) string
}

// Backends are SQLite and PostgreSQL.
var Backends = []Backend{
	{Name: "sqlite", Database: func(testing.TB) string { return "" }},
	{Name: "postgres", Database: PostgresURL},
}

// Run runs f as a subtest per backend with a new database of it.
func Run(t *testing.T, f func(t *testing.T, database string)) {
	t.Helper()
	for _, b := range Backends {
		t.Run(b.Name, func(t *testing.T) { f(t, b.Database(t)) })
	}
}

// Unavailable reports a missing PostgreSQL server: t skips, or fails when
// THREADS_MCP_REQUIRE_POSTGRES=1.
func Unavailable(t testing.TB, why string) {
	t.Helper()
	msg := "PostgreSQL tests not run: " + why + " (set " + EnvURL + "; .ci/run starts a server)"
	if os.Getenv(EnvRequire) == "1" {
		t.Fatal(msg + "; " + EnvRequire + "=1 requires them")
	}
	t.Skip(msg)
}

// PostgresURL creates a new database on the server of
// THREADS_MCP_TEST_DATABASE_URL and returns its URL; it is dropped when t
// ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		Unavailable(t, EnvURL+" is not set")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		Unavailable(t, fmt.Sprintf("cannot connect: %v", err))
	}
	defer admin.Close(context.Background())
	name := "t_" + strings.ToLower(rand.Text())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("statetest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Logf("statetest: drop database %s: %v", name, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("statetest: drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("statetest: %s: %v", EnvURL, err)
	}
	u.Path = "/" + name
	return u.String()
}
