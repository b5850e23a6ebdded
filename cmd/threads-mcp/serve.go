package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/charmbracelet/log"
	"github.com/mark3labs/mcp-go/server"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/httpmw"
	"github.com/threads-mcp/threads-mcp/tools/ledger"
	"github.com/threads-mcp/threads-mcp/tools/redact"
	"github.com/threads-mcp/threads-mcp/tools/state"
	"github.com/threads-mcp/threads-mcp/tools/transport"
)

// config is the server's configuration from flags and environment.
type config struct {
	transport string
	listen    string
	sandbox   bool
	token     string
	baseURL   string
	stateDir  string
	logLevel  string
	httpToken string
	origins   string
	// account is the account of calls that name none ("" : the stored default).
	account string
	hosts   string
	// toolsets and readOnly choose the tools served (--toolsets, --read-only).
	toolsets string
	readOnly bool
	tools    []tools.Tool
	// resetState moves the state database aside and starts with an empty one.
	resetState bool
	// ledgerLease is how long a crashed publisher's claim blocks a retry
	// with the same key (THREADS_MCP_LEDGER_LEASE, a Go duration).
	ledgerLease time.Duration

	// readHeaderTimeout and idleTimeout override the HTTP server defaults
	// (tests only; zero means the default).
	readHeaderTimeout time.Duration
	idleTimeout       time.Duration

	// redact scrubs secrets from logs and tool results.
	redact *redact.Set
}

// configFlags registers the server's flags on fs, each defaulting to its
// environment variable.
func configFlags(fs *flag.FlagSet, c *config, getenv env) {
	fs.StringVar(&c.transport, "transport", or(getenv("THREADS_MCP_TRANSPORT"), "stdio"), "stdio, sse or http")
	fs.StringVar(&c.listen, "listen", or(getenv("THREADS_MCP_LISTEN"), "127.0.0.1:8080"), "listen address for sse and http")
	fs.BoolVar(&c.sandbox, "sandbox", truthy(getenv("THREADS_MCP_SANDBOX")), "use the built-in Threads emulator (no account needed)")
	fs.StringVar(&c.baseURL, "api-base-url", or(getenv("THREADS_API_BASE_URL"), "https://graph.threads.net/v1.0"), "Threads Graph API base URL")
	fs.StringVar(&c.stateDir, "state-dir", getenv("THREADS_MCP_STATE_DIR"), "state directory")
	fs.StringVar(&c.logLevel, "log-level", or(getenv("THREADS_MCP_LOG_LEVEL"), "info"), "debug, info, warn or error")
	fs.StringVar(&c.httpToken, "http-token", getenv("THREADS_MCP_HTTP_TOKEN"), "bearer token HTTP clients must send (required off loopback)")
	fs.StringVar(&c.origins, "allowed-origins", getenv("THREADS_MCP_ALLOWED_ORIGINS"), "comma-separated browser Origins allowed besides loopback")
	fs.StringVar(&c.toolsets, "toolsets", getenv("THREADS_MCP_TOOLSETS"), "comma-separated toolsets to serve: "+toolsetNames()+" (default all)")
	fs.BoolVar(&c.readOnly, "read-only", truthy(getenv("THREADS_MCP_READ_ONLY")), "serve only read-only tools")
	fs.BoolVar(&c.resetState, "reset-state", false, "move the state database aside (kept as state.db.reset-TIME) and start with an empty one")
	fs.StringVar(&c.account, "account", getenv("THREADS_MCP_ACCOUNT"), "the account tool calls act as when they name none (default: the stored default account)")
	fs.StringVar(&c.hosts, "allowed-hosts", getenv("THREADS_MCP_ALLOWED_HOSTS"), "comma-separated Host names allowed besides loopback (the public name behind a reverse proxy)")
}

// parseConfig reads the server's flags (anywhere among args), falling back
// to the environment, and returns the positional arguments. extra adds a
// command's own flags.
func parseConfig(name string, args []string, s stdio, getenv env, extra ...func(*flag.FlagSet)) (*config, []string, error) {
	c := &config{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(s.err)
	configFlags(fs, c, getenv)
	for _, f := range extra {
		f(fs)
	}
	c.token = getenv("THREADS_ACCESS_TOKEN")
	c.ledgerLease = ledger.DefaultLease
	if v := getenv("THREADS_MCP_LEDGER_LEASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, nil, fmt.Errorf("THREADS_MCP_LEDGER_LEASE must be a positive duration such as 30s, not %q", v)
		}
		c.ledgerLease = d
	}
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, nil, err
	}
	if c.tools, err = tools.Select(list(c.toolsets), c.readOnly); err != nil {
		return nil, nil, fmt.Errorf("--toolsets / THREADS_MCP_TOOLSETS: %w", err)
	}
	c.redact = &redact.Set{}
	c.redact.Add(c.token, c.httpToken)
	switch c.transport {
	case "stdio", "sse", "http":
	default:
		return nil, nil, fmt.Errorf("--transport must be stdio, sse or http, not %q", c.transport)
	}
	if c.transport != "stdio" && c.httpToken != "" {
		tok, err := httpmw.CheckToken(c.httpToken)
		if err != nil {
			return nil, nil, fmt.Errorf("--http-token / THREADS_MCP_HTTP_TOKEN: %w", err)
		}
		c.httpToken = tok
		c.redact.Add(tok)
	}
	if c.transport != "stdio" && c.httpToken == "" && !httpmw.IsLoopbackAddr(c.listen) {
		return nil, nil, fmt.Errorf("refusing to listen on %s without a bearer token: anyone who can reach it could post as you. "+
			"Set --http-token (or THREADS_MCP_HTTP_TOKEN), or listen on 127.0.0.1", c.listen)
	}
	if c.hosts != "" && c.httpToken == "" {
		return nil, nil, fmt.Errorf("refusing --allowed-hosts (THREADS_MCP_ALLOWED_HOSTS) without a bearer token: behind a reverse proxy " +
			"anyone who can reach the proxy could post as you. Set --http-token (or THREADS_MCP_HTTP_TOKEN)")
	}
	return c, rest, nil
}

// configFlagSet is the server's flag set, for help texts and for finding
// the subcommand among the flags.
func configFlagSet(name string, getenv env, extra ...func(*flag.FlagSet)) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	configFlags(fs, &config{}, getenv)
	for _, f := range extra {
		f(fs)
	}
	return fs
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func truthy(v string) bool {
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// newLogger returns the one logger of the process, on stderr.
func newLogger(w io.Writer, level string) (*log.Logger, error) {
	lvl, err := log.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("THREADS_MCP_LOG_LEVEL / --log-level: %w", err)
	}
	return log.NewWithOptions(w, log.Options{Level: lvl, ReportTimestamp: true, TimeFormat: time.RFC3339, Prefix: "threads-mcp"}), nil
}

// errNoCredentials is returned when neither a token nor sandbox mode is given.
var errNoCredentials = errors.New(`no Threads credentials.
Give them one of these ways:
  - log in once:                threads-mcp auth login
  - set an access token:        THREADS_ACCESS_TOKEN=...
  - or try it without an account: threads-mcp --sandbox (or THREADS_MCP_SANDBOX=1)`)

// app is a built server with what must be closed after it.
type app struct {
	mcp      *server.MCPServer
	logger   *log.Logger
	inflight *transport.Inflight
	closers  []func()
}

func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
}

// build wires the store, the Threads client (or the sandbox emulator) and the tools.
func build(ctx context.Context, c *config, logger *log.Logger) (*app, error) {
	a := &app{logger: logger, inflight: &transport.Inflight{}}
	if c.redact == nil {
		c.redact = &redact.Set{}
	}
	slogger := slog.New(logger)

	dir := c.stateDir
	if dir == "" {
		d, err := state.DefaultDir()
		if err != nil {
			return nil, fmt.Errorf("state directory: %w (set THREADS_MCP_STATE_DIR)", err)
		}
		dir = d
	}
	if c.resetState {
		moved, err := state.Reset(dir)
		if err != nil {
			return nil, err
		}
		if moved != "" {
			logger.Warn("--reset-state: started with an empty state database; the old one is kept", "old", moved)
		}
	}
	st, err := state.Open(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("open state in %s: %w", dir, err)
	}
	a.closers = append(a.closers, func() { _ = st.Close() })

	var accts tools.Accounts
	if c.sandbox {
		emu, err := emulator.Open(append(emulator.SandboxDefaults(), emulator.WithStateFile(emulator.StatePath(dir)))...)
		if err != nil {
			a.close()
			return nil, fmt.Errorf("sandbox: %w", err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			a.close()
			return nil, fmt.Errorf("sandbox emulator: %w", err)
		}
		hs := &http.Server{Handler: emu.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = hs.Serve(ln) }()
		a.closers = append(a.closers, func() { _ = hs.Close(); _ = emu.Close() })
		baseURL := "http://" + ln.Addr().String() + "/v1.0"
		logger.Warn("SANDBOX MODE: tools talk to the built-in Threads emulator; nothing is published to Threads", "emulator", baseURL)
		client := threads.NewClient(
			threads.WithBaseURL(baseURL),
			threads.WithToken(emu.DemoToken()),
			threads.WithLogger(slogger),
			threads.WithUserAgent("threads-mcp/"+version),
		)
		c.redact.Add(emu.DemoToken())
		accts = &tools.SingleAccount{
			Account: tools.Account{Name: "sandbox", Username: emulator.DemoUsername, API: client},
			Source:  "sandbox",
		}
	} else {
		// Token sources refresh in the background for the server's lifetime.
		rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		a.closers = append(a.closers, cancel)
		m, err := newAccounts(rctx, st, c.baseURL, c.token, c.redact, slogger)
		if err != nil {
			a.close()
			return nil, err
		}
		accts = m
	}
	if c.account != "" {
		if _, err := accts.Resolve(ctx, c.account); err != nil {
			a.close()
			return nil, fmt.Errorf("--account %q: %w", c.account, err)
		}
		accts = tools.WithDefaultAccount(accts, c.account)
	}
	led, err := ledger.Open(ctx, st, ledger.WithLease(c.ledgerLease))
	if err != nil {
		a.close()
		return nil, err
	}
	deps := tools.Deps{
		Accounts: accts,
		Settings: st,
		Sandbox:  c.sandbox,
		Logger:   slogger,
		Ledger:   led,
		Tools:    c.tools,
	}
	a.mcp = tools.NewServer(deps, version,
		server.WithToolHandlerMiddleware(a.inflight.Middleware),
		server.WithToolHandlerMiddleware(c.redact.Middleware))
	return a, nil
}

// start makes the logger and builds the server; on failure it has said why
// on stderr and returns a nil app and the exit code.
func start(ctx context.Context, c *config, s stdio) (*app, int) {
	logger, err := newLogger(c.redact.Writer(s.err), c.logLevel)
	if err != nil {
		fmt.Fprintln(s.err, "threads-mcp:", err)
		return nil, exitUsage
	}
	a, err := build(ctx, c, logger)
	if errors.Is(err, errNoCredentials) {
		fmt.Fprintln(s.err, "threads-mcp:", err)
		return nil, exitUsage
	}
	if err != nil {
		logger.Error("start", "err", err)
		return nil, exitFail
	}
	return a, exitOK
}

// serve runs the MCP server on the chosen transport until ctx ends or, for
// stdio, stdin closes; in-flight calls are allowed to finish (bounded).
func serve(ctx context.Context, args []string, s stdio, getenv env) int {
	if wantsHelp(args) {
		printHelp(s.out, configFlagSet("serve", getenv), "serve [flags]",
			"Runs the MCP server on stdio (default), SSE or Streamable HTTP.")
		return exitOK
	}
	c, rest, err := parseConfig("serve", args, s, getenv)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintln(s.err, "threads-mcp:", err)
		return exitUsage
	}
	if len(rest) > 0 {
		fmt.Fprintf(s.err, "threads-mcp: unexpected arguments %q\n", rest)
		return exitUsage
	}
	a, code := start(ctx, c, s)
	if a == nil {
		return code
	}
	defer a.close()
	logger := a.logger

	switch c.transport {
	case "stdio":
		if isTerminal(s.in) {
			fmt.Fprintln(s.err, "threads-mcp: waiting for an MCP client on stdin (JSON-RPC). "+
				"To try a tool by hand: threads-mcp call --sandbox publish_text '{\"text\":\"hello\"}'; "+
				"to explore: npx @modelcontextprotocol/inspector "+selfPath()+" --sandbox. Ctrl-D quits.")
		}
		err = transport.ServeStdio(ctx, a.mcp, s.in, s.out, transport.StdioOptions{
			Logger: slog.New(logger).With("version", version),
		})
	default:
		err = serveHTTP(ctx, a, c)
	}
	if err != nil {
		logger.Error("server stopped", "err", err)
		return exitFail
	}
	logger.Info("stopped")
	return exitOK
}

// httpOptions are the HTTP transport options of c.
func httpOptions(a *app, c *config) transport.HTTPOptions {
	return transport.HTTPOptions{
		Kind:              c.transport,
		BearerToken:       c.httpToken,
		AllowedOrigins:    list(c.origins),
		AllowedHosts:      list(c.hosts),
		ReadHeaderTimeout: c.readHeaderTimeout,
		IdleTimeout:       c.idleTimeout,
		Inflight:          a.inflight,
		Logger:            slog.New(a.logger).With("version", version),
	}
}

// list splits a comma-separated flag value.
func list(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// serveHTTP serves Streamable HTTP at /mcp or SSE at /sse (+ /message).
func serveHTTP(ctx context.Context, a *app, c *config) error {
	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return transport.ServeHTTP(ctx, a.mcp, ln, httpOptions(a, c))
}

// stateDirOrDefault is the state directory the auth commands use.
func stateDirOrDefault(getenv env) string {
	if d := getenv("THREADS_MCP_STATE_DIR"); d != "" {
		return d
	}
	d, err := state.DefaultDir()
	if err != nil {
		return ""
	}
	return d
}

// toolsetNames lists the toolsets for help texts.
func toolsetNames() string {
	var names []string
	for _, t := range tools.Toolsets() {
		names = append(names, t.Name)
	}
	return strings.Join(names, ", ")
}
