package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/log"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/threads-mcp/threads-mcp/auth/accounts"
	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/httpmw"
	"github.com/threads-mcp/threads-mcp/tools/ledger"
	"github.com/threads-mcp/threads-mcp/tools/redact"
	"github.com/threads-mcp/threads-mcp/tools/state"
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

// drainTimeout bounds how long shutdown waits for in-flight tool calls.
const drainTimeout = 30 * time.Second

// parseConfig reads the serve flags, falling back to the environment.
func parseConfig(name string, args []string, s stdio, getenv env) (*config, []string, error) {
	c := &config{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(s.err)
	fs.StringVar(&c.transport, "transport", or(getenv("THREADS_MCP_TRANSPORT"), "stdio"), "stdio, sse or http")
	fs.StringVar(&c.listen, "listen", or(getenv("THREADS_MCP_LISTEN"), "127.0.0.1:8080"), "listen address for sse and http")
	fs.BoolVar(&c.sandbox, "sandbox", truthy(getenv("THREADS_MCP_SANDBOX")), "use the built-in Threads emulator (no account needed)")
	fs.StringVar(&c.baseURL, "api-base-url", or(getenv("THREADS_API_BASE_URL"), "https://graph.threads.net/v1.0"), "Threads Graph API base URL")
	fs.StringVar(&c.stateDir, "state-dir", getenv("THREADS_MCP_STATE_DIR"), "state directory")
	fs.StringVar(&c.logLevel, "log-level", or(getenv("THREADS_MCP_LOG_LEVEL"), "info"), "debug, info, warn or error")
	fs.StringVar(&c.httpToken, "http-token", getenv("THREADS_MCP_HTTP_TOKEN"), "bearer token HTTP clients must send (required off loopback)")
	fs.StringVar(&c.origins, "allowed-origins", getenv("THREADS_MCP_ALLOWED_ORIGINS"), "comma-separated browser Origins allowed besides loopback")
	c.token = getenv("THREADS_ACCESS_TOKEN")
	c.ledgerLease = ledger.DefaultLease
	if v := getenv("THREADS_MCP_LEDGER_LEASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, nil, fmt.Errorf("THREADS_MCP_LEDGER_LEASE must be a positive duration such as 30s, not %q", v)
		}
		c.ledgerLease = d
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	c.redact = &redact.Set{}
	c.redact.Add(c.token, c.httpToken)
	switch c.transport {
	case "stdio", "sse", "http":
	default:
		return nil, nil, fmt.Errorf("--transport must be stdio, sse or http, not %q", c.transport)
	}
	if c.transport != "stdio" && c.httpToken == "" && !httpmw.IsLoopbackAddr(c.listen) {
		return nil, nil, fmt.Errorf("refusing to listen on %s without a bearer token: anyone who can reach it could post as you. "+
			"Set --http-token (or THREADS_MCP_HTTP_TOKEN), or listen on 127.0.0.1", c.listen)
	}
	return c, fs.Args(), nil
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
	inflight *inflight
	closers  []func()
}

func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
}

// build wires the store, the Threads client (or the sandbox emulator) and the tools.
func build(ctx context.Context, c *config, logger *log.Logger) (*app, error) {
	a := &app{logger: logger, inflight: &inflight{}}
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
	if err := state.CheckOwner(dir); err != nil {
		return nil, err
	}
	st, err := state.Open(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("open state in %s: %w", dir, err)
	}
	a.closers = append(a.closers, func() { _ = st.Close() })

	var accts tools.Accounts
	if c.sandbox {
		emu := emulator.NewEmulator(emulator.WithDemoWorld(),
			emulator.WithProcessingDelay(300*time.Millisecond, 1500*time.Millisecond))
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			a.close()
			return nil, fmt.Errorf("sandbox emulator: %w", err)
		}
		hs := &http.Server{Handler: emu.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = hs.Serve(ln) }()
		a.closers = append(a.closers, func() { _ = hs.Close() })
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
		m, err := accounts.New(rctx, accounts.Options{Store: st, BaseURL: c.baseURL, EnvToken: c.token,
			Secrets: c.redact, Logger: slogger, UserAgent: "threads-mcp/" + version})
		if errors.Is(err, accounts.ErrNoAccounts) {
			err = errNoCredentials
		}
		if err != nil {
			a.close()
			return nil, err
		}
		accts = m
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
	}
	a.mcp = tools.NewServer(deps, version,
		server.WithToolHandlerMiddleware(a.inflight.middleware),
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
		err = serveStdio(ctx, a, s)
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

// serveStdio serves JSON-RPC on s.in/s.out. On stdin EOF or a signal it stops
// reading, waits (bounded) until every request it read has been answered,
// then returns. Counting answers rather than running calls matters: a call
// still queued when stdin closes has not started, and mcp-go would cancel it.
func serveStdio(ctx context.Context, a *app, s stdio) error {
	a.logger.Info("serving", "transport", "stdio", "version", version)
	reqs := &pendingRequests{ids: map[string]int{}}
	out := &answerWriter{w: s.out, p: reqs}
	pr, pw := io.Pipe()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			reqs.wait(drainTimeout)
			_ = pw.Close()
		})
	}
	defer context.AfterFunc(ctx, stop)()
	go func() {
		defer stop()
		br := bufio.NewReader(s.in)
		for ctx.Err() == nil {
			line, err := br.ReadBytes('\n')
			if len(line) > 0 && ctx.Err() == nil {
				if line[len(line)-1] != '\n' {
					line = append(line, '\n') // a last request without a newline is still served
				}
				reqs.add(line)
				if _, werr := pw.Write(line); werr != nil {
					return
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					a.logger.Debug("stdin", "err", err)
				}
				return
			}
		}
	}()
	srv := server.NewStdioServer(a.mcp)
	srv.SetErrorLogger(a.logger.StandardLog())
	// Listen's own context must outlive the signal so in-flight calls can finish.
	err := srv.Listen(context.WithoutCancel(ctx), pr, out)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// pendingRequests counts the JSON-RPC requests read from stdin and not yet
// answered on stdout, by id.
type pendingRequests struct {
	mu  sync.Mutex
	ids map[string]int
	n   int
}

// rpcMessage is the part of a JSON-RPC message the stdio drain looks at.
type rpcMessage struct {
	ID     json.RawMessage `json:"id"`
	Method *string         `json:"method"`
}

// rpcID is a comparable form of a request id (a string or a number).
func rpcID(raw json.RawMessage) (string, bool) {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return "", false
	}
	switch id := v.(type) {
	case string:
		return "s:" + id, true
	case float64:
		return "n:" + strconv.FormatFloat(id, 'g', -1, 64), true
	}
	return "", false
}

// add records line if it is a request (it has a method and an id).
func (p *pendingRequests) add(line []byte) {
	var m rpcMessage
	if json.Unmarshal(line, &m) != nil || m.Method == nil {
		return
	}
	if id, ok := rpcID(m.ID); ok {
		p.mu.Lock()
		p.ids[id]++
		p.n++
		p.mu.Unlock()
	}
}

// answered forgets the request line answers, if it is a response.
func (p *pendingRequests) answered(line []byte) {
	var m rpcMessage
	if json.Unmarshal(line, &m) != nil || m.Method != nil {
		return
	}
	id, ok := rpcID(m.ID)
	if !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ids[id] > 0 {
		p.ids[id]--
		p.n--
		if p.ids[id] == 0 {
			delete(p.ids, id)
		}
	}
}

// wait blocks until every request is answered or d has passed.
func (p *pendingRequests) wait(d time.Duration) {
	deadline := time.Now().Add(d)
	for {
		p.mu.Lock()
		n := p.n
		p.mu.Unlock()
		if n == 0 || time.Now().After(deadline) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// answerWriter passes stdout through, one write at a time, and tells p
// about every response line it carries.
type answerWriter struct {
	w   io.Writer
	p   *pendingRequests
	mu  sync.Mutex
	buf []byte
}

func (a *answerWriter) Write(b []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	n, err := a.w.Write(b)
	a.buf = append(a.buf, b[:n]...)
	for {
		i := bytes.IndexByte(a.buf, '\n')
		if i < 0 {
			break
		}
		a.p.answered(a.buf[:i])
		a.buf = append(a.buf[:0], a.buf[i+1:]...)
	}
	return n, err
}

// HTTP server timeouts (config fields of the same name override them in tests).
const (
	defaultReadHeaderTimeout = 10 * time.Second
	defaultReadTimeout       = 60 * time.Second
	// defaultWriteTimeout is longer than the longest tool call (a video
	// carousel may process for 5 minutes); event streams lift it.
	defaultWriteTimeout = 10 * time.Minute
	defaultIdleTimeout  = 120 * time.Second
)

// httpHandler is the handler stack of the sse and http transports: the MCP
// transport behind the Origin, bearer and body-limit guard. shutdown stops
// the transport's sessions and background work.
func httpHandler(a *app, c *config) (h http.Handler, shutdown func(context.Context) error) {
	mux := http.NewServeMux()
	switch c.transport {
	case "sse":
		s := server.NewSSEServer(a.mcp)
		mux.Handle("/sse", s)
		mux.Handle("/message", s)
		shutdown = s.Shutdown
	default:
		s := server.NewStreamableHTTPServer(a.mcp, server.WithStateLess(true))
		mux.Handle("/mcp", s)
		shutdown = s.Shutdown
	}
	var origins []string
	if c.origins != "" {
		origins = strings.Split(c.origins, ",")
	}
	return httpmw.Guard(bufferBody(streamsUntimed(mux)), httpmw.Options{
		BearerToken:    c.httpToken,
		AllowedOrigins: origins,
	}), shutdown
}

// newHTTPServer is the http.Server of the sse and http transports, with
// every timeout set so slow or idle clients cannot hold connections.
func newHTTPServer(h http.Handler, c *config) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: orDuration(c.readHeaderTimeout, defaultReadHeaderTimeout),
		ReadTimeout:       defaultReadTimeout,
		WriteTimeout:      defaultWriteTimeout,
		IdleTimeout:       orDuration(c.idleTimeout, defaultIdleTimeout),
	}
}

func orDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// serveHTTP serves Streamable HTTP at /mcp or SSE at /sse (+ /message).
func serveHTTP(ctx context.Context, a *app, c *config) error {
	ln, err := net.Listen("tcp", c.listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return serveHTTPOn(ctx, a, c, ln)
}

// serveHTTPOn serves the HTTP transports on ln until ctx ends, then drains.
func serveHTTPOn(ctx context.Context, a *app, c *config, ln net.Listener) error {
	h, shutdown := httpHandler(a, c)
	hs := newHTTPServer(h, c)
	path := "/mcp"
	if c.transport == "sse" {
		path = "/sse"
	}
	a.logger.Info("serving", "transport", c.transport, "url", "http://"+ln.Addr().String()+path, "version", version)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	a.inflight.wait(drainTimeout)
	_ = shutdown(sctx)
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// bufferBody reads a request body in full before the transport sees it, so a
// body over the Guard's limit gets 413 even when it is sent chunked (without
// a Content-Length the Guard cannot tell up front, and the transports would
// answer a JSON-RPC parse error with 400).
func bufferBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		b, err := io.ReadAll(r.Body)
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			http.Error(w, "Request body too large", http.StatusRequestEntityTooLarge)
			return
		case err != nil:
			http.Error(w, "Bad request: reading the body failed", http.StatusBadRequest)
			return
		}
		_ = r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.ContentLength = int64(len(b))
		next.ServeHTTP(w, r)
	})
}

// streamsUntimed lifts the write timeout on long-lived event streams (the SSE
// GET stream and Streamable HTTP's GET listener); calls keep it.
func streamsUntimed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		}
		next.ServeHTTP(w, r)
	})
}

// inflight counts running tool calls so shutdown can wait for them.
type inflight struct {
	mu sync.Mutex
	n  int
	c  *sync.Cond
}

func (f *inflight) cond() *sync.Cond {
	if f.c == nil {
		f.c = sync.NewCond(&f.mu)
	}
	return f.c
}

func (f *inflight) middleware(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		f.mu.Lock()
		f.n++
		f.mu.Unlock()
		defer func() {
			f.mu.Lock()
			f.n--
			f.cond().Broadcast()
			f.mu.Unlock()
		}()
		return next(ctx, req)
	}
}

// wait blocks until no call is running or d has passed.
func (f *inflight) wait(d time.Duration) {
	done := make(chan struct{})
	go func() {
		f.mu.Lock()
		for f.n > 0 {
			f.cond().Wait()
		}
		f.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(d):
	}
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
