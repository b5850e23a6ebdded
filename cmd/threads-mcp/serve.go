package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/charmbracelet/log"
	"github.com/mark3labs/mcp-go/server"
	"github.com/riverqueue/river"

	"github.com/threads-mcp/threads-mcp/auth/accounts"
	"github.com/threads-mcp/threads-mcp/auth/oauthserver"
	"github.com/threads-mcp/threads-mcp/cmd/internal/cli"
	"github.com/threads-mcp/threads-mcp/cmd/internal/commands"
	"github.com/threads-mcp/threads-mcp/cmd/internal/config"
	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/events"
	"github.com/threads-mcp/threads-mcp/tools/httpmw"
	"github.com/threads-mcp/threads-mcp/tools/ledger"
	"github.com/threads-mcp/threads-mcp/tools/media"
	"github.com/threads-mcp/threads-mcp/tools/redact"
	"github.com/threads-mcp/threads-mcp/tools/schedule"
	"github.com/threads-mcp/threads-mcp/tools/state"
	"github.com/threads-mcp/threads-mcp/tools/transport"
)

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
	store    *state.Store
	closers  []func()
	// receiver is the Threads webhook receiver (/webhooks/threads) and
	// poller the polling fallback, run as a periodic job of the worker.
	receiver http.Handler
	poller   *events.Poller
	// public are routes served outside the MCP bearer (the self media store).
	public []transport.Route
	// emulatorURL is the sandbox emulator's root URL ("" when live).
	emulatorURL string
	// sandboxURL and sandboxToken are the sandbox emulator's, for the doctor.
	sandboxURL, sandboxToken string
	// worker starts the scheduled-post worker (schedule.Engine.Start).
	worker func(context.Context) error
	// emu is the sandbox's emulator (nil outside sandbox mode).
	emu *emulator.Server
}

func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
}

// build wires the store, the accounts (or the sandbox emulator), the ledger
// and the tools. On error, what it opened is closed.
func build(ctx context.Context, c *config.Config, logger *log.Logger) (_ *app, err error) {
	a := &app{logger: logger, inflight: &transport.Inflight{}}
	defer func() {
		if err != nil {
			a.close()
		}
	}()
	if c.Redact == nil {
		c.Redact = &redact.Set{}
	}
	slogger := slog.New(logger)
	dir, err := c.Dir()
	if err != nil {
		return nil, err
	}
	if err := state.CheckOwner(dir); err != nil {
		return nil, err
	}
	if c.ResetState {
		moved, err := state.Reset(dir)
		if err != nil {
			return nil, err
		}
		if moved != "" {
			logger.Warn("--reset-state: started with an empty state database; the old one is kept", "old", moved)
		}
	}
	st, err := state.Open(ctx, dir, c.StateOptions...)
	if err != nil {
		return nil, fmt.Errorf("open state in %s: %w", dir, err)
	}
	a.closers = append(a.closers, func() { _ = st.Close() })
	a.store = st

	var accts tools.Accounts
	if c.Sandbox {
		accts, err = sandbox(a, c, dir, slogger)
	} else {
		// Token sources refresh in the background for the server's lifetime.
		rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		a.closers = append(a.closers, cancel)
		accts, err = accounts.New(rctx, accounts.Options{Store: st, BaseURL: c.BaseURL, EnvToken: c.Token,
			Secrets: c.Redact, Logger: slogger, UserAgent: "threads-mcp/" + version, AllowEmpty: c.OAuth})
		if errors.Is(err, accounts.ErrNoAccounts) {
			err = errNoCredentials
		}
	}
	if err != nil {
		return nil, err
	}
	if c.Account != "" {
		if _, err := accts.Resolve(ctx, c.Account); err != nil {
			return nil, fmt.Errorf("--account %q: %w", c.Account, err)
		}
		accts = tools.WithDefaultAccount(accts, c.Account)
	}
	if c.OAuth {
		accts = oauthserver.UserAccounts(accts) // each signed-in user acts as their own account only
	}
	led, err := ledger.Open(ctx, st, ledger.WithLease(c.LedgerLease))
	if err != nil {
		return nil, err
	}
	evs, err := events.Open(ctx, st)
	if err != nil {
		return nil, err
	}
	var notifyOpts []tools.NotifierOption
	if c.OAuth {
		// Each signed-in user acts as their own accounts: one user's
		// publishes are not told to another.
		notifyOpts = append(notifyOpts, tools.NotifyRequestOnly())
	}
	notifier := tools.NewNotifier(notifyOpts...)
	fanout, listen := events.Broadcast(st, tools.NewEventFanout(notifier), state.NewLeaseOwner(), slogger.With("component", "events"))
	evs.SetFanout(fanout)
	if st.Dialect() == state.Postgres {
		// Replicas tell each other of the events they store (LISTEN/NOTIFY),
		// so a subscriber on any replica hears of each.
		lctx, stopListen := context.WithCancel(context.WithoutCancel(ctx))
		done := make(chan struct{})
		go func() { defer close(done); listen(lctx) }()
		a.closers = append(a.closers, func() { stopListen(); <-done })
	}
	ea := tools.EventAccounts{Accounts: accts}
	secrets := c.WebhookSecrets
	if c.Sandbox {
		secrets = append(secrets, emulator.DemoAppSecret) // the sandbox's emulator signs with it
	}
	a.receiver = events.NewReceiver(evs, events.ReceiverOptions{VerifyToken: c.WebhookVerifyToken, Secrets: secrets,
		AccountFor: ea.AccountFor, Logger: slogger.With("component", "webhooks")})
	if c.PollInterval > 0 {
		a.poller = events.NewPoller(evs, events.PollerOptions{Resolve: ea.Source, Accounts: ea.Names, Interval: c.PollInterval,
			Leases: st, Owner: state.NewLeaseOwner(), Logger: slogger.With("component", "poller")})
	}
	schedOpts := []schedule.Option{schedule.WithSandbox(c.Sandbox), schedule.WithLogger(slogger), schedule.WithLease(c.LedgerLease)}
	if a.poller != nil {
		// The polling fallback is a River periodic job: of the processes
		// sharing the state, the leader inserts each round and one worker
		// runs it.
		schedOpts = append(schedOpts, schedule.WithPeriodic(schedule.Periodic{
			Jobs: []*river.PeriodicJob{a.poller.PeriodicJob(schedule.Queue(c.Sandbox))}, AddWorkers: a.poller.AddWorker}))
	}
	eng, err := schedule.Open(ctx, st, schedOpts...)
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, func() { _ = eng.Close() })
	md, mediaRoutes, err := media.Open(media.Setup{Store: c.MediaStore, Roots: c.MediaRoots, PublicURL: c.PublicURL, Preflight: c.MediaPreflight,
		StateDir: dir, Sandbox: a.emulatorURL, Getenv: c.Getenv, Logger: slogger})
	if err != nil {
		return nil, err
	}
	if mediaRoutes != nil {
		a.public = append(a.public, transport.Route{Pattern: "/media/", Handler: mediaRoutes})
	}
	sctx, stopSweep := context.WithCancel(context.WithoutCancel(ctx))
	a.closers = append(a.closers, stopSweep)
	go md.RunSweeper(sctx, time.Hour)
	deps := tools.Deps{Accounts: accts, Settings: st, Sandbox: c.Sandbox, Logger: slogger, Ledger: led, Tools: c.Tools, Redact: c.Redact.Scrub,
		Notifier: notifier, Events: evs, Media: md, Scheduler: eng}
	deps.Doctor = func(ctx context.Context) (*schemas.DoctorResult, error) {
		return commands.DoctorResult(ctx, c, a.sandboxURL, a.sandboxToken), nil
	}
	a.worker = func(ctx context.Context) error { return eng.Start(ctx, tools.NewScheduleFirer(deps)) }
	a.mcp = tools.NewServer(deps, version,
		server.WithToolHandlerMiddleware(a.inflight.Middleware),
		server.WithToolHandlerMiddleware(c.Redact.Middleware))
	return a, nil
}

// sandbox starts the emulator, its world kept in the state directory, and
// returns its one demo account.
func sandbox(a *app, c *config.Config, dir string, logger *slog.Logger) (tools.Accounts, error) {
	path := emulator.StatePath(dir)
	if c.SandboxReset {
		if err := emulator.ResetState(path); err != nil {
			return nil, fmt.Errorf("--sandbox-reset: %w", err)
		}
	}
	emu, err := emulator.OpenServer(append(append(emulator.SandboxDefaults(), c.Emulator...), emulator.WithStateFile(path))...)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	a.closers = append(a.closers, emu.Close)
	a.emu = emu
	a.emulatorURL = emu.URL
	a.logger.Warn("SANDBOX MODE: tools talk to the built-in Threads emulator; nothing is published to Threads", "emulator", emu.BaseURL())
	c.Redact.Add(emu.DemoToken())
	a.sandboxURL, a.sandboxToken = emu.BaseURL(), emu.DemoToken()
	client := threads.NewClient(threads.WithBaseURL(emu.BaseURL()), threads.WithToken(emu.DemoToken()),
		threads.WithLogger(logger), threads.WithUserAgent("threads-mcp/"+version))
	return &tools.SingleAccount{
		Account: tools.Account{Name: "sandbox", Username: emulator.DemoUsername, API: client},
		Source:  "sandbox",
	}, nil
}

// start makes the logger and builds the server; on failure it has said why
// on stderr and returns a nil app and the exit code.
func start(ctx context.Context, c *config.Config, s stdio) (*app, int) {
	logger, err := config.NewLogger(c.Redact.Writer(s.err), c.LogLevel)
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
	if cli.WantsHelp(args) {
		cli.PrintHelp(s.out, config.FlagSet("serve", getenv), "serve [flags]",
			"Runs the MCP server on stdio (default), SSE or Streamable HTTP.")
		return exitOK
	}
	c, rest, err := config.Parse("serve", args, s.err, getenv)
	if err != nil {
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
	// Every server fires scheduled posts while it is up.
	if err := a.worker(ctx); err != nil {
		a.logger.Warn("scheduled posts will not fire from this process", "err", err)
	}
	if c.Transport == "stdio" {
		if cli.IsTerminal(s.in) {
			fmt.Fprintln(s.err, "threads-mcp: waiting for an MCP client on stdin (JSON-RPC). "+
				"To try a tool by hand: threads-mcp call --sandbox publish_text '{\"text\":\"hello\"}'; "+
				"to explore: npx @modelcontextprotocol/inspector "+cli.SelfPath()+" --sandbox. Ctrl-D quits.")
		}
		err = transport.ServeStdio(ctx, a.mcp, s.in, s.out, transport.StdioOptions{Logger: slog.New(a.logger).With("version", version)})
	} else {
		err = serveHTTP(ctx, a, c)
	}
	if err != nil {
		a.logger.Error("server stopped", "err", err)
		return exitFail
	}
	a.logger.Info("stopped")
	return exitOK
}

// serveHTTP serves Streamable HTTP at /mcp or SSE at /sse (+ /message).
func serveHTTP(ctx context.Context, a *app, c *config.Config) error {
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if a.emu != nil && a.emu.WebhookURL() == "" {
		// The sandbox's replies and mentions reach this server's own
		// webhook receiver (--sandbox-webhook-url points them elsewhere).
		a.emu.SetWebhookURL("http://" + ln.Addr().String() + "/webhooks/threads")
	}
	o := c.HTTPOptions(a.inflight, slog.New(a.logger).With("version", version))
	if c.OAuth {
		if err := protectOAuth(ctx, a, c, &o); err != nil {
			_ = ln.Close()
			return err
		}
	}
	o.Public = append(o.Public, transport.Route{Pattern: "/webhooks/threads", Handler: a.receiver})
	o.Public = append(o.Public, a.public...)
	if u, err := url.Parse(c.PublicURL); err == nil && u.Hostname() != "" && len(a.public) > 0 {
		// Meta's crawler fetches staged media by the public name.
		o.AllowedHosts = append(o.AllowedHosts, u.Hostname())
	}
	return transport.ServeHTTP(ctx, a.mcp, ln, o)
}

// servePublic serves only the routes Meta calls (the webhook receiver, the
// staged media of the self store) on c.Listen until ctx ends, behind the
// Host check: the worker's listener, which has no MCP endpoint.
func servePublic(ctx context.Context, a *app, c *config.Config) error {
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/webhooks/threads", a.receiver)
	for _, r := range a.public {
		mux.Handle(r.Pattern, r.Handler)
	}
	o := c.HTTPOptions(a.inflight, slog.New(a.logger).With("version", version))
	if u, err := url.Parse(c.PublicURL); err == nil && u.Hostname() != "" {
		o.AllowedHosts = append(o.AllowedHosts, u.Hostname())
	}
	hs := transport.NewHTTPServer(httpmw.Guard(mux, httpmw.Options{AllowedHosts: o.AllowedHosts, AnyOrigin: true, MaxBody: 1 << 62}), o)
	a.logger.Info("worker receiving webhooks", "url", "http://"+ln.Addr().String()+"/webhooks/threads")
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return hs.Shutdown(sctx)
}
