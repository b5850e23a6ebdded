package transport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/threads-mcp/threads-mcp/tools/httpmw"
)

// The HTTP transports.
const (
	// KindHTTP is Streamable HTTP at /mcp.
	KindHTTP = "http"
	// KindSSE is the deprecated HTTP+SSE transport: the event stream at /sse,
	// messages posted to /message.
	KindSSE = "sse"
)

// HTTP server timeouts (HTTPOptions fields of the same name override the
// header and idle ones).
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 60 * time.Second
	// DefaultWriteTimeout is longer than the longest tool call (a video
	// carousel may process for 5 minutes); event streams lift it.
	DefaultWriteTimeout = 10 * time.Minute
	DefaultIdleTimeout  = 120 * time.Second
)

// HTTPOptions configure the HTTP transports.
type HTTPOptions struct {
	// Kind is KindHTTP or KindSSE.
	Kind string
	// BearerToken, when set, is required on every request (see httpmw).
	BearerToken string
	// ApproverToken, with BearerToken, is the approver's bearer
	// (httpmw.Options.ApproverToken).
	ApproverToken string
	// AllowedOrigins are browser Origins accepted besides loopback ones.
	AllowedOrigins []string
	// AllowedHosts are Host header values accepted besides loopback ones,
	// for a server behind a reverse proxy that forwards the public name.
	AllowedHosts []string
	// MaxBody caps request bodies; 0 means httpmw.DefaultMaxBody.
	MaxBody int64
	// ReadHeaderTimeout and IdleTimeout override the defaults when > 0.
	ReadHeaderTimeout, IdleTimeout time.Duration
	// DrainTimeout bounds the wait for calls in flight at shutdown; 0 means
	// DefaultDrainTimeout.
	DrainTimeout time.Duration
	// Inflight, when set, is waited for at shutdown (it must also be
	// installed as tool middleware on the server).
	Inflight *Inflight
	// Logger receives the transport's own lines; nil discards them.
	Logger *slog.Logger
	// Authenticator, when set, authenticates MCP requests instead of
	// BearerToken (the OAuth resource server).
	Authenticator httpmw.Authenticator
	// Middleware, when set, wraps the MCP endpoint inside the guard: it
	// sees authenticated requests with their body buffered (the OAuth
	// resource server checks a tool call's scope there).
	Middleware func(http.Handler) http.Handler
	// Public are routes served beside the MCP endpoint without the bearer
	// check and the MCP body limit, for callers that cannot send the
	// bearer (Meta's webhooks and media crawler, OAuth discovery and the
	// browser steps of a login). Each handler sets its own limits. The
	// Host check still applies.
	Public []Route
}

// Route is a handler mounted on a ServeMux pattern ("/webhooks/threads",
// "GET /media/{id}").
type Route struct {
	Pattern string
	Handler http.Handler
}

// Path is the URL path a client connects to for kind.
func Path(kind string) string {
	if kind == KindSSE {
		return "/sse"
	}
	return "/mcp"
}

// NewHandler is the handler stack of the HTTP transport o.Kind: the mcp-go
// transport behind the Host, Origin, bearer and body-limit guard (httpmw).
// shutdown stops the transport's sessions and background work.
func NewHandler(srv *server.MCPServer, o HTTPOptions) (h http.Handler, shutdown func(context.Context) error) {
	mux := http.NewServeMux()
	switch o.Kind {
	case KindSSE:
		s := server.NewSSEServer(srv, append(sseOptions(),
			// httpmw checks Host against loopback and AllowedHosts.
			server.WithSSEDisableLocalhostProtection(true))...)
		mux.Handle("/sse", s)
		mux.Handle("/message", checkedPOST(s, sseLegacyOnly(s, s)))
		shutdown = s.Shutdown
	default:
		s := server.NewStreamableHTTPServer(srv,
			server.WithStateLess(true),
			// Stateless, every client shares the session key "": an open
			// GET stream would register it and then take a share of every
			// request's notifications, other clients' included. GET
			// answers 405 instead (see the package doc).
			server.WithDisableStreaming(true),
			server.WithStreamableHTTPLogger(loggerOr(o.Logger)),
			// httpmw checks Host against loopback and AllowedHosts.
			server.WithDisableLocalhostProtection(true),
		)
		mux.Handle("/mcp", checkedPOST(nil, s))
		shutdown = s.Shutdown
	}
	var inner http.Handler = streamsUntimed(mux)
	if o.Middleware != nil {
		inner = o.Middleware(inner)
	}
	guarded := httpmw.Guard(bufferBody(inner), httpmw.Options{
		Authenticator:  o.Authenticator,
		BearerToken:    o.BearerToken,
		ApproverToken:  o.ApproverToken,
		AllowedOrigins: o.AllowedOrigins,
		AllowedHosts:   o.AllowedHosts,
		MaxBody:        o.MaxBody,
	})
	if len(o.Public) == 0 {
		return guarded, shutdown
	}
	// Public routes pass the Host check only (no Origin, bearer or body
	// limit: their callers are not MCP clients); everything else is the
	// guarded MCP stack.
	outer := http.NewServeMux()
	for _, r := range o.Public {
		outer.Handle(r.Pattern, httpmw.Guard(r.Handler, httpmw.Options{
			AllowedHosts: o.AllowedHosts, AnyOrigin: true, MaxBody: 1 << 62}))
	}
	outer.Handle("/", guarded)
	return outer, shutdown
}

// NewHTTPServer is the http.Server of the HTTP transports, with every
// timeout set so that slow or idle clients cannot hold connections.
func NewHTTPServer(h http.Handler, o HTTPOptions) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: orDuration(o.ReadHeaderTimeout, DefaultReadHeaderTimeout),
		ReadTimeout:       DefaultReadTimeout,
		WriteTimeout:      DefaultWriteTimeout,
		IdleTimeout:       orDuration(o.IdleTimeout, DefaultIdleTimeout),
	}
}

func orDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// ServeHTTP serves the HTTP transport o.Kind on ln until ctx ends, then
// drains: it waits (at most DrainTimeout) for the tool calls in flight,
// stops the transport and shuts the server down.
func ServeHTTP(ctx context.Context, srv *server.MCPServer, ln net.Listener, o HTTPOptions) error {
	drain := o.DrainTimeout
	if drain <= 0 {
		drain = DefaultDrainTimeout
	}
	h, shutdown := NewHandler(srv, o)
	hs := NewHTTPServer(h, o)
	loggerOr(o.Logger).Info("serving", "transport", o.Kind, "url", "http://"+ln.Addr().String()+Path(o.Kind))
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", o.Kind, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if o.Inflight != nil {
		o.Inflight.Wait(drain)
	}
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
// GET stream); calls keep it.
func streamsUntimed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
		}
		next.ServeHTTP(w, r)
	})
}
