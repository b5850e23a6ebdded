// Package config reads the threads-mcp server's configuration: its flags,
// each falling back to an environment variable, and the checks that refuse
// an unsafe or inconsistent setup before anything starts (a transport other
// than stdio, sse or http; an HTTP listener off loopback, or behind a
// reverse proxy, without a strong bearer token; an unknown toolset; a bad
// sandbox fault; OAuth without a valid public URL or the Threads app users
// sign in with). Flags win over the environment.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/charmbracelet/log"

	"github.com/threads-mcp/threads-mcp/auth/oauthserver"
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
	// ApproverToken is the bearer of the person who approves posts
	// awaiting approval over HTTP (THREADS_MCP_APPROVER_TOKEN); the
	// agent's HTTPToken cannot approve.
	ApproverToken string
	Origins       string // comma-separated browser Origins allowed besides loopback
	Hosts         string // comma-separated Host names allowed besides loopback
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
	// PublicURL is the server's public https address (THREADS_MCP_PUBLIC_URL),
	// where Meta's crawler and browsers reach it: the OAuth issuer and
	// resource, and the self media store's links.
	PublicURL string
	// OAuth makes the HTTP transport an OAuth 2.1 resource server
	// (THREADS_MCP_OAUTH); users sign in with Threads through the built-in
	// authorization server unless OAuthIssuer names an external one
	// (THREADS_MCP_OAUTH_ISSUER). The built-in one signs users in with the
	// Threads app of THREADS_APP_ID and THREADS_APP_SECRET (environment
	// only), at THREADS_AUTH_URL when set.
	OAuth       bool
	OAuthIssuer string
	AppID       string
	AppSecret   string
	AuthURL     string
	// Database is the state database: "" for the SQLite file in the state
	// directory, or a postgres:// URL (--database, THREADS_MCP_DATABASE_URL).
	Database string
	// StateOptions open the state store: the database, and the secret key
	// from THREADS_MCP_SECRET_KEY (and _PREVIOUS).
	StateOptions []state.Option
	// WebhookVerifyToken is the verify token of the webhook handshake and
	// WebhookSecrets the app secrets a delivery may be signed with
	// (--webhook-verify-token, --webhook-secrets; from the environment
	// they never show in help texts). Both are scrubbed like tokens.
	WebhookVerifyToken string
	WebhookSecrets     []string
	// PollInterval is how often each account is polled for replies and
	// mentions (THREADS_MCP_POLL_INTERVAL; 0 turns polling off).
	PollInterval time.Duration
	// MediaStore stages local media: "", "self" or "s3://bucket/prefix";
	// MediaRoots are the directories path inputs may be read from.
	MediaStore string
	MediaRoots []string
	// MediaPreflight is which media URLs are fetched and checked before
	// publishing: "all" (default), "staged" or "off".
	MediaPreflight string
	// Getenv reads the environment (the media store's AWS_* variables).
	Getenv func(string) string

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
	fs.StringVar(&c.Database, "database", getenv(state.EnvDatabaseURL), "state database: a postgres:// URL shared by replicas (default: the SQLite file in the state directory)")
	fs.StringVar(&c.LogLevel, "log-level", cli.Or(getenv("THREADS_MCP_LOG_LEVEL"), "info"), "debug, info, warn or error")
	fs.StringVar(&c.HTTPToken, "http-token", "", "bearer token HTTP clients must send (required off loopback; or THREADS_MCP_HTTP_TOKEN)")
	fs.StringVar(&c.ApproverToken, "approver-token", "", "a second bearer, for the person who approves posts awaiting approval over HTTP (or THREADS_MCP_APPROVER_TOKEN)")
	fs.StringVar(&c.Origins, "allowed-origins", getenv("THREADS_MCP_ALLOWED_ORIGINS"), "comma-separated browser Origins allowed besides loopback")
	fs.StringVar(&c.Hosts, "allowed-hosts", getenv("THREADS_MCP_ALLOWED_HOSTS"), "comma-separated Host names allowed besides loopback (the public name behind a reverse proxy)")
	fs.StringVar(&c.Toolsets, "toolsets", getenv("THREADS_MCP_TOOLSETS"), "comma-separated toolsets to serve: "+ToolsetNames())
	fs.BoolVar(&c.ReadOnly, "read-only", cli.Truthy(getenv("THREADS_MCP_READ_ONLY")), "serve only read-only tools")
	fs.BoolVar(&c.ResetState, "reset-state", false, "move the state database aside (kept as state.db.reset-TIME) and start with an empty one")
	fs.StringVar(&c.Account, "account", getenv("THREADS_MCP_ACCOUNT"), "the account tool calls act as when they name none (default: the stored default account)")
	fs.StringVar(&c.PublicURL, "public-url", getenv("THREADS_MCP_PUBLIC_URL"), "the server's public https address (e.g. https://mcp.example.com)")
	fs.BoolVar(&c.OAuth, "oauth", cli.Truthy(getenv("THREADS_MCP_OAUTH")), "OAuth 2.1 on the http transport: users sign in with Threads (needs --public-url, THREADS_APP_ID, THREADS_APP_SECRET)")
	fs.StringVar(&c.OAuthIssuer, "oauth-issuer", getenv("THREADS_MCP_OAUTH_ISSUER"), "with --oauth: an external authorization server's issuer URL (JWT access tokens) instead of the built-in one")
	fs.BoolVar(&c.SandboxReset, "sandbox-reset", false, "start the sandbox's emulated world over (it is kept in the state directory)")
	fs.StringVar(&c.WebhookVerifyToken, "webhook-verify-token", "", "verify token of the Threads webhook handshake, as entered in the app dashboard (or THREADS_MCP_WEBHOOK_VERIFY_TOKEN)")
	fs.Func("webhook-secrets", "comma-separated app secrets Threads webhooks may be signed with (or THREADS_MCP_WEBHOOK_SECRETS)", func(v string) error {
		c.WebhookSecrets = cli.List(v)
		return nil
	})
	fs.DurationVar(&c.PollInterval, "poll-interval", 0, "how often each account is polled for new replies and mentions (default 2m, or THREADS_MCP_POLL_INTERVAL; 0 turns polling off)")
	fs.StringVar(&c.MediaStore, "media-store", getenv("THREADS_MCP_MEDIA_STORE"), "where local media are staged for Threads to fetch: s3://bucket/prefix, self, or empty (sandbox: the emulator)")
	fs.StringVar(&c.MediaPreflight, "media-preflight", cli.Or(getenv("THREADS_MCP_MEDIA_PREFLIGHT"), "all"), "media URLs fetched and checked as Meta would before publishing: all, staged (local files only) or off")
	c.MediaRoots = cli.List(getenv("THREADS_MCP_MEDIA_ROOT"))
	fs.Func("media-root", "directory whose files path inputs may publish (repeatable, or comma-separated)", func(v string) error {
		c.MediaRoots = append(c.MediaRoots, cli.List(v)...)
		return nil
	})
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
	c.AppID, c.AppSecret, c.AuthURL = getenv("THREADS_APP_ID"), getenv("THREADS_APP_SECRET"), getenv("THREADS_AUTH_URL")
	c.Getenv = getenv
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
	if err := c.eventSettings(fs, getenv); err != nil {
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
	c.Redact.Add(c.Token, c.HTTPToken, c.ApproverToken, c.AppSecret, c.WebhookVerifyToken)
	c.Redact.Add(c.WebhookSecrets...)
	if err := c.stateOptions(getenv); err != nil {
		return nil, nil, err
	}
	if strings.HasPrefix(c.MediaStore, "s3://") {
		c.Redact.Add(getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SESSION_TOKEN"))
	}
	if tok := strings.TrimSpace(c.HTTPToken); tok != "" && c.Transport != "stdio" {
		c.HTTPToken = tok
		c.Redact.Add(tok)
	}
	return c, rest, nil
}

// stateOptions checks the database choice and keeps its secrets (the
// URL's password, the secret keys) out of every log.
func (c *Config) stateOptions(getenv func(string) string) error {
	if c.Database != "" && !state.IsPostgresURL(c.Database) {
		return fmt.Errorf("--database / %s must be a postgres:// URL (or unset for the SQLite file in the state directory)", state.EnvDatabaseURL)
	}
	if c.ResetState && c.Database != "" {
		return errors.New("--reset-state starts the SQLite file over; a PostgreSQL database is yours to drop and create again")
	}
	if u, err := url.Parse(c.Database); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			c.Redact.Add(pw)
		}
	}
	c.Redact.Add(c.Database, getenv(state.EnvSecretKey), getenv(state.EnvSecretKeyPrevious))
	c.StateOptions = append(state.EnvOptions(getenv), state.WithDatabase(c.Database))
	return nil
}

// DefaultPollInterval is the polling interval unless configured.
const DefaultPollInterval = 2 * time.Minute

// eventSettings fills the webhook and polling settings the flags left
// unset from the environment.
func (c *Config) eventSettings(fs *flag.FlagSet, getenv func(string) string) error {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	// Secrets come from the environment here, not as flag defaults, so
	// that --help never prints them.
	if !set["http-token"] {
		c.HTTPToken = getenv("THREADS_MCP_HTTP_TOKEN")
	}
	if !set["approver-token"] {
		c.ApproverToken = getenv("THREADS_MCP_APPROVER_TOKEN")
	}
	if !set["webhook-verify-token"] {
		c.WebhookVerifyToken = getenv("THREADS_MCP_WEBHOOK_VERIFY_TOKEN")
	}
	if !set["webhook-secrets"] {
		c.WebhookSecrets = cli.List(getenv("THREADS_MCP_WEBHOOK_SECRETS"))
	}
	if set["poll-interval"] {
		if c.PollInterval < 0 {
			return fmt.Errorf("--poll-interval must not be negative")
		}
		return nil
	}
	switch v := strings.TrimSpace(getenv("THREADS_MCP_POLL_INTERVAL")); v {
	case "":
		c.PollInterval = DefaultPollInterval
	case "off", "0":
		c.PollInterval = 0
	default:
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("THREADS_MCP_POLL_INTERVAL must be a duration such as 2m, or off, not %q", v)
		}
		c.PollInterval = d
	}
	return nil
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
	if c.OAuth {
		if err := c.checkOAuth(); err != nil {
			return []HTTPProblem{{Problem: err.Error()}}
		}
		return nil
	}
	var out []HTTPProblem
	if c.HTTPToken != "" {
		if _, err := httpmw.CheckToken(c.HTTPToken); err != nil {
			out = append(out, HTTPProblem{Problem: "--http-token / THREADS_MCP_HTTP_TOKEN: " + err.Error()})
		}
	}
	if c.ApproverToken != "" {
		switch _, err := httpmw.CheckToken(c.ApproverToken); {
		case err != nil:
			out = append(out, HTTPProblem{Problem: "--approver-token / THREADS_MCP_APPROVER_TOKEN: " + err.Error()})
		case c.HTTPToken == "":
			out = append(out, HTTPProblem{Problem: "--approver-token needs --http-token: the agent's token must be a different one",
				Fix: "Set --http-token (or THREADS_MCP_HTTP_TOKEN) for the agent"})
		case c.ApproverToken == c.HTTPToken:
			out = append(out, HTTPProblem{Problem: "--approver-token is the agent's --http-token: the agent could approve its own posts",
				Fix: "Give the approver a token of their own (" + httpmw.GenerateTokenHint + ")"})
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

// checkOAuth checks an OAuth setup: Streamable HTTP, a valid public URL,
// no static bearer beside it, and for the built-in authorization server
// the Threads app users sign in with.
func (c *Config) checkOAuth() error {
	if c.Transport != "http" {
		return fmt.Errorf("--oauth (THREADS_MCP_OAUTH) needs --transport http, not %q", c.Transport)
	}
	if c.HTTPToken != "" {
		return fmt.Errorf("--oauth and --http-token exclude each other: with OAuth every user signs in; drop THREADS_MCP_HTTP_TOKEN")
	}
	if c.PublicURL == "" {
		return fmt.Errorf("--oauth needs --public-url (THREADS_MCP_PUBLIC_URL), the https address clients reach the server at")
	}
	pub, err := oauthserver.ValidatePublicURL(c.PublicURL)
	if err != nil {
		return fmt.Errorf("--public-url: %w", err)
	}
	c.PublicURL = pub
	if c.OAuthIssuer == "" && c.Sandbox {
		return fmt.Errorf("--oauth signs users in with their Threads accounts, which --sandbox does not have; use one or the other")
	}
	if c.OAuthIssuer == "" && (c.AppID == "" || c.AppSecret == "") {
		return fmt.Errorf("--oauth: users sign in with Threads: set THREADS_APP_ID and THREADS_APP_SECRET (the Threads app's id and secret), "+
			"and register %s as a redirect URI of the app", pub+oauthserver.CallbackPath)
	}
	return nil
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

// allowedHosts are --allowed-hosts plus, with OAuth, the public URL's host.
func (c *Config) allowedHosts() []string {
	hosts := cli.List(c.Hosts)
	if c.OAuth && c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err == nil {
			hosts = append(hosts, u.Hostname())
		}
	}
	return hosts
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
		ApproverToken:     c.ApproverToken,
		AllowedOrigins:    cli.List(c.Origins),
		AllowedHosts:      c.allowedHosts(),
		ReadHeaderTimeout: c.ReadHeaderTimeout,
		IdleTimeout:       c.IdleTimeout,
		Inflight:          inflight,
		Logger:            logger,
	}
}
