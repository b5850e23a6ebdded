// Package config reads the threads-mcp server's configuration: its flags,
// each falling back to an environment variable, and the checks that refuse
// an unsafe or inconsistent setup before anything starts (a transport other
// than stdio, sse or http; an HTTP listener off loopback, or behind a
// reverse proxy, without a strong bearer token; an unknown toolset; a bad
// sandbox fault). Flags win over the environment.
package config

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/charmbracelet/log"

	"github.com/threads-mcp/threads-mcp/cmd/internal/cli"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/httpmw"
	"github.com/threads-mcp/threads-mcp/tools/ledger"
	"github.com/threads-mcp/threads-mcp/tools/redact"
	"github.com/threads-mcp/threads-mcp/tools/state"
	"github.com/threads-mcp/threads-mcp/tools/transport"
)

// Config is the server's configuration.
type Config struct {
	Transport string // stdio, sse or http
	Listen    string // listen address of sse and http
	Sandbox   bool   // the built-in emulator instead of Meta
	Token     string // THREADS_ACCESS_TOKEN
	BaseURL   string // the Graph API base URL
	StateDir  string // "" : the default (see Dir)
	LogLevel  string
	HTTPToken string // the bearer HTTP clients must send
	Origins   string // comma-separated browser Origins allowed besides loopback
	Hosts     string // comma-separated Host names allowed besides loopback
	// Account is the account of calls that name none ("" : the stored default).
	Account string
	// Toolsets and ReadOnly choose the tools served; Tools is the choice.
	Toolsets string
	ReadOnly bool
	Tools    []tools.Tool
	// ResetState moves the state database aside and starts with an empty one.
	ResetState bool
	// SandboxReset starts the sandbox's persisted world over; Emulator are
	// the sandbox's faults and limits from the --sandbox-* flags.
	SandboxReset bool
	Emulator     []emulator.Option
	// LedgerLease is how long a crashed publisher's claim blocks a retry
	// with the same key (THREADS_MCP_LEDGER_LEASE, a Go duration).
	LedgerLease time.Duration
	// ReadHeaderTimeout and IdleTimeout override the HTTP server defaults
	// (tests only; zero means the default).
	ReadHeaderTimeout time.Duration
	IdleTimeout       time.Duration
	// Redact holds the secrets scrubbed from logs and tool results.
	Redact *redact.Set

	sandboxOpts func() ([]emulator.Option, error)
	envErr      error
}

// register defines the server's flags on fs, into c.
func register(fs *flag.FlagSet, c *Config, getenv func(string) string) {
	fs.StringVar(&c.Transport, "transport", cli.Or(getenv("THREADS_MCP_TRANSPORT"), "stdio"), "stdio, sse or http")
	fs.StringVar(&c.Listen, "listen", cli.Or(getenv("THREADS_MCP_LISTEN"), "127.0.0.1:8080"), "listen address for sse and http")
	fs.BoolVar(&c.Sandbox, "sandbox", cli.Truthy(getenv("THREADS_MCP_SANDBOX")), "use the built-in Threads emulator (no account needed)")
	fs.StringVar(&c.BaseURL, "api-base-url", cli.Or(getenv("THREADS_API_BASE_URL"), "https://graph.threads.net/v1.0"), "Threads Graph API base URL")
	fs.StringVar(&c.StateDir, "state-dir", getenv("THREADS_MCP_STATE_DIR"), "state directory")
	fs.StringVar(&c.LogLevel, "log-level", cli.Or(getenv("THREADS_MCP_LOG_LEVEL"), "info"), "debug, info, warn or error")
	fs.StringVar(&c.HTTPToken, "http-token", getenv("THREADS_MCP_HTTP_TOKEN"), "bearer token HTTP clients must send (required off loopback)")
	fs.StringVar(&c.Origins, "allowed-origins", getenv("THREADS_MCP_ALLOWED_ORIGINS"), "comma-separated browser Origins allowed besides loopback")
	fs.StringVar(&c.Hosts, "allowed-hosts", getenv("THREADS_MCP_ALLOWED_HOSTS"), "comma-separated Host names allowed besides loopback (the public name behind a reverse proxy)")
	fs.StringVar(&c.Toolsets, "toolsets", getenv("THREADS_MCP_TOOLSETS"), "comma-separated toolsets to serve: "+ToolsetNames())
	fs.BoolVar(&c.ReadOnly, "read-only", cli.Truthy(getenv("THREADS_MCP_READ_ONLY")), "serve only read-only tools")
	fs.BoolVar(&c.ResetState, "reset-state", false, "move the state database aside (kept as state.db.reset-TIME) and start with an empty one")
	fs.StringVar(&c.Account, "account", getenv("THREADS_MCP_ACCOUNT"), "the account tool calls act as when they name none (default: the stored default account)")
	fs.BoolVar(&c.SandboxReset, "sandbox-reset", false, "start the sandbox's emulated world over (it is kept in the state directory)")
	c.sandboxOpts = emulator.Flags(fs, "sandbox-")
	c.envErr = cli.EnvDefaults(fs, "sandbox-", getenv)
}

// FlagSet is the server's flag set plus extra, for help texts and for
// finding the subcommand among the flags.
func FlagSet(name string, getenv func(string) string, extra ...func(*flag.FlagSet)) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	register(fs, &Config{}, getenv)
	for _, f := range extra {
		f(fs)
	}
	return fs
}

// Parse reads the server's flags (anywhere among args), falling back to the
// environment, checks them, and returns the positional arguments. extra adds
// a command's own flags. Flag syntax errors are written to stderr.
func Parse(name string, args []string, stderr io.Writer, getenv func(string) string, extra ...func(*flag.FlagSet)) (*Config, []string, error) {
	c, rest, err := ParseLenient(name, args, stderr, getenv, extra...)
	if err != nil {
		return nil, nil, err
	}
	if p := c.HTTPProblems(); len(p) > 0 {
		return nil, nil, p[0]
	}
	return c, rest, nil
}

// ParseLenient is Parse without refusing an unsafe HTTP setup
// (HTTPProblems), for `threads-mcp doctor`, which reports it instead.
func ParseLenient(name string, args []string, stderr io.Writer, getenv func(string) string, extra ...func(*flag.FlagSet)) (*Config, []string, error) {
	c := &Config{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	register(fs, c, getenv)
	for _, f := range extra {
		f(fs)
	}
	if c.envErr != nil {
		return nil, nil, c.envErr
	}
	c.Token = getenv("THREADS_ACCESS_TOKEN")
	c.LedgerLease = ledger.DefaultLease
	if v := getenv("THREADS_MCP_LEDGER_LEASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, nil, fmt.Errorf("THREADS_MCP_LEDGER_LEASE must be a positive duration such as 30s, not %q", v)
		}
		c.LedgerLease = d
	}
	rest, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return nil, nil, err
	}
	if c.Sandbox {
		if c.Emulator, err = c.sandboxOpts(); err != nil {
			return nil, nil, fmt.Errorf("%w (the --sandbox-* flags can also be set as THREADS_MCP_SANDBOX_* variables)", err)
		}
	}
	if c.Tools, err = tools.Select(cli.List(c.Toolsets), c.ReadOnly); err != nil {
		return nil, nil, fmt.Errorf("--toolsets / THREADS_MCP_TOOLSETS: %w", err)
	}
	c.Redact = &redact.Set{}
	c.Redact.Add(c.Token, c.HTTPToken)
	if tok := strings.TrimSpace(c.HTTPToken); tok != "" && c.Transport != "stdio" {
		c.HTTPToken = tok
		c.Redact.Add(tok)
	}
	return c, rest, nil
}

// HTTPProblem is one reason an HTTP setup is refused: anyone could post
// through it, or it is not a setup at all. Error is Problem and Fix.
type HTTPProblem struct {
	Problem string
	Fix     string
}

func (p HTTPProblem) Error() string {
	if p.Fix == "" {
		return p.Problem
	}
	return p.Problem + ". " + p.Fix
}

// HTTPProblems lists why the HTTP setup is refused (none for stdio): an
// unknown transport, a weak bearer token, a listener off loopback or
// allowed hosts (a reverse proxy) without a bearer token.
func (c *Config) HTTPProblems() []HTTPProblem {
	switch c.Transport {
	case "stdio":
		return nil
	case "sse", "http":
	default:
		return []HTTPProblem{{Problem: fmt.Sprintf("--transport must be stdio, sse or http, not %q", c.Transport)}}
	}
	var out []HTTPProblem
	if c.HTTPToken != "" {
		if _, err := httpmw.CheckToken(c.HTTPToken); err != nil {
			out = append(out, HTTPProblem{Problem: "--http-token / THREADS_MCP_HTTP_TOKEN: " + err.Error()})
		}
	}
	if c.HTTPToken == "" && !httpmw.IsLoopbackAddr(c.Listen) {
		out = append(out, HTTPProblem{
			Problem: fmt.Sprintf("refusing to listen on %s without a bearer token: anyone who can reach it could post as you", c.Listen),
			Fix:     "Set --http-token (or THREADS_MCP_HTTP_TOKEN), or listen on 127.0.0.1"})
	}
	if c.Hosts != "" && c.HTTPToken == "" {
		out = append(out, HTTPProblem{
			Problem: "refusing --allowed-hosts (THREADS_MCP_ALLOWED_HOSTS) without a bearer token: behind a reverse proxy " +
				"anyone who can reach the proxy could post as you",
			Fix: "Set --http-token (or THREADS_MCP_HTTP_TOKEN)"})
	}
	return out
}

// Dir is the state directory: StateDir, else the default.
func (c *Config) Dir() (string, error) {
	if c.StateDir != "" {
		return c.StateDir, nil
	}
	d, err := state.DefaultDir()
	if err != nil {
		return "", fmt.Errorf("state directory: %w (set THREADS_MCP_STATE_DIR)", err)
	}
	return d, nil
}

// ToolsetNames lists the toolsets and says which are served by default,
// for help texts.
func ToolsetNames() string {
	var names, defaults []string
	for _, t := range tools.Toolsets() {
		names = append(names, t.Name)
		if t.Default {
			defaults = append(defaults, t.Name)
		}
	}
	return strings.Join(names, ", ") + ", " + tools.ToolsetDefault + " or " + tools.ToolsetAll +
		" (default: " + strings.Join(defaults, ", ") + ")"
}

// NewLogger returns the one logger of the process, writing to w (stderr:
// in stdio mode stdout carries JSON-RPC only).
func NewLogger(w io.Writer, level string) (*log.Logger, error) {
	lvl, err := log.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("THREADS_MCP_LOG_LEVEL / --log-level: %w", err)
	}
	return log.NewWithOptions(w, log.Options{Level: lvl, ReportTimestamp: true, TimeFormat: time.RFC3339, Prefix: "threads-mcp"}), nil
}

// HTTPOptions are the HTTP transport options of c, with the server's
// in-flight tracker and logger.
func (c *Config) HTTPOptions(inflight *transport.Inflight, logger *slog.Logger) transport.HTTPOptions {
	return transport.HTTPOptions{
		Kind:              c.Transport,
		BearerToken:       c.HTTPToken,
		AllowedOrigins:    cli.List(c.Origins),
		AllowedHosts:      cli.List(c.Hosts),
		ReadHeaderTimeout: c.ReadHeaderTimeout,
		IdleTimeout:       c.IdleTimeout,
		Inflight:          inflight,
		Logger:            logger,
	}
}
