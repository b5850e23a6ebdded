package tools

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Notifier carries what happens on the server to connected MCP clients
// outside the tool results: notifications/resources/updated for the
// resources a client subscribed to, and server events (a post published by
// this server, a token refreshed) as notifications/message at the level each
// client chose with logging/setLevel.
//
// It learns the sessions from the server's hooks: resources/subscribe and
// resources/unsubscribe (protocol revisions up to 2025-11-25), the
// resource subscriptions of subscriptions/listen (2026-07-28), and session
// registration. Code that observes events (a webhook receiver, a poller)
// holds the Notifier it put in [Deps] and calls [Notifier.ResourceUpdated]
// and [Notifier.Event]; both are safe for concurrent use and never block on
// a slow client (a full notification queue drops the notification, as
// mcp-go does for its own).
//
// A Notifier serves one server: [NewServer] attaches it. Over stateless
// Streamable HTTP a session lives for one request, so only a client holding
// a subscriptions/listen stream (2026-07-28) or a stateful session receives
// notifications sent outside its requests.
type Notifier struct {
	mu    sync.Mutex
	srv   *server.MCPServer
	scrub func(string) string
	// subs are the subscribers of each resource URI. A subscriber is a
	// session ID (resources/subscribe: the registered session of that ID
	// receives it, wherever it is connected) or, for subscriptions/listen,
	// the listening session itself (a 2026-07-28 session has no ID).
	subs map[string]map[any]struct{}
	// sessions are the registered sessions (stdio, SSE, in-process,
	// stateful HTTP streams): they receive server events sent outside a
	// request, filtered by their logging/setLevel level.
	sessions map[string]struct{}
	// requestOnly keeps server events to the client whose request caused
	// them (NotifyRequestOnly).
	requestOnly bool
}

// NotifierOption configures a Notifier.
type NotifierOption func(*Notifier)

// NotifyRequestOnly sends a server event only to the client whose request
// caused it, never to the other connected sessions. A server whose clients
// are different people (OAuth sign-in, each user acting as their own
// accounts) uses it: one user's publishes (username, permalink) are none of
// another's business.
func NotifyRequestOnly() NotifierOption { return func(n *Notifier) { n.requestOnly = true } }

// maxSubscriptions bounds the subscriptions remembered, so clients that
// subscribe and never disconnect (a stateless HTTP session is never
// unregistered) cannot grow the server without bound.
const maxSubscriptions = 10000

// NewNotifier returns a Notifier to pass in [Deps].Notifier.
func NewNotifier(opts ...NotifierOption) *Notifier {
	n := &Notifier{subs: map[string]map[any]struct{}{}, sessions: map[string]struct{}{}}
	for _, o := range opts {
		o(n)
	}
	return n
}

// attach binds n to the server s (its hooks record the sessions) and sets
// the scrub function every event passes through.
func (n *Notifier) attach(s *server.MCPServer, scrub func(string) string) {
	n.mu.Lock()
	n.srv, n.scrub = s, scrub
	n.mu.Unlock()
	h := s.GetHooks()
	if h == nil {
		h = &server.Hooks{}
		server.WithHooks(h)(s)
	}
	h.AddAfterSubscribe(func(ctx context.Context, _ any, req *mcp.SubscribeRequest, _ *mcp.EmptyResult) {
		if cs := server.ClientSessionFromContext(ctx); cs != nil {
			n.subscribe(cs.SessionID(), req.Params.URI)
		}
	})
	h.AddAfterUnsubscribe(func(ctx context.Context, _ any, req *mcp.UnsubscribeRequest, _ *mcp.EmptyResult) {
		if cs := server.ClientSessionFromContext(ctx); cs != nil {
			n.unsubscribe(cs.SessionID(), req.Params.URI)
		}
	})
	// subscriptions/listen holds its request open for as long as the
	// subscription lasts: subscribe when it starts, drop when it ends.
	h.AddBeforeSubscriptionsListen(func(ctx context.Context, _ any, req *mcp.SubscriptionsListenRequest) {
		if cs := server.ClientSessionFromContext(ctx); cs != nil {
			for _, uri := range req.Params.Notifications.ResourceSubscriptions {
				n.subscribe(cs, uri)
			}
		}
	})
	endListen := func(ctx context.Context, req *mcp.SubscriptionsListenRequest) {
		if cs := server.ClientSessionFromContext(ctx); cs != nil {
			for _, uri := range req.Params.Notifications.ResourceSubscriptions {
				n.unsubscribe(cs, uri)
			}
		}
	}
	h.AddAfterSubscriptionsListen(func(ctx context.Context, _ any, req *mcp.SubscriptionsListenRequest, _ *mcp.SubscriptionsListenResult) {
		endListen(ctx, req)
	})
	h.AddOnError(func(ctx context.Context, _ any, method mcp.MCPMethod, msg any, _ error) {
		if req, ok := msg.(*mcp.SubscriptionsListenRequest); ok && method == mcp.MethodSubscriptionsListen {
			endListen(ctx, req)
		}
	})
	h.AddOnRegisterSession(func(_ context.Context, cs server.ClientSession) {
		n.mu.Lock()
		n.sessions[cs.SessionID()] = struct{}{}
		n.mu.Unlock()
	})
	h.AddOnUnregisterSession(func(_ context.Context, cs server.ClientSession) { n.forget(cs.SessionID()) })
}

// subscribe remembers a subscriber (a session ID or a listening session).
func (n *Notifier) subscribe(who any, uri string) {
	if uri == "" {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	m := n.subs[uri]
	if m == nil {
		if len(n.subs) >= maxSubscriptions {
			return
		}
		m = map[any]struct{}{}
		n.subs[uri] = m
	}
	if len(m) < maxSubscriptions {
		m[who] = struct{}{}
	}
}

func (n *Notifier) unsubscribe(who any, uri string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if m := n.subs[uri]; m != nil {
		delete(m, who)
		if len(m) == 0 {
			delete(n.subs, uri)
		}
	}
}

// forget drops everything about a session that ended.
func (n *Notifier) forget(id string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.sessions, id)
	for uri, m := range n.subs {
		delete(m, id)
		if len(m) == 0 {
			delete(n.subs, uri)
		}
	}
}

// Subscribed reports whether any session is subscribed to uri (a poller can
// skip work nobody waits for).
func (n *Notifier) Subscribed(uri string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.subs[uri]) > 0
}

// ResourceUpdated sends notifications/resources/updated for uri to every
// session subscribed to it, and returns how many were sent.
func (n *Notifier) ResourceUpdated(uri string) int {
	n.mu.Lock()
	srv := n.srv
	targets := make([]any, 0, len(n.subs[uri]))
	for who := range n.subs[uri] {
		targets = append(targets, who)
	}
	n.mu.Unlock()
	if srv == nil {
		return 0
	}
	params := map[string]any{"uri": uri}
	sent := 0
	for _, who := range targets {
		switch who := who.(type) {
		case string:
			if srv.SendNotificationToSpecificClient(who, mcp.MethodNotificationResourceUpdated, params) == nil {
				sent++
			}
		case server.ClientSession:
			note := mcp.JSONRPCNotification{
				JSONRPC:      mcp.JSONRPC_VERSION,
				Notification: mcp.Notification{Method: mcp.MethodNotificationResourceUpdated, Params: mcp.NotificationParams{AdditionalFields: params}},
			}
			if deliver(who, note) {
				sent++
			}
		}
	}
	return sent
}

// ResourceListChanged tells every client that the list of resources
// changed (an account was added or removed).
func (n *Notifier) ResourceListChanged() {
	n.mu.Lock()
	srv := n.srv
	n.mu.Unlock()
	if srv != nil {
		srv.SendNotificationToAllClients(mcp.MethodNotificationResourcesListChanged, nil)
	}
}

// deliver queues a notification on a session without waiting.
func deliver(cs server.ClientSession, note mcp.JSONRPCNotification) bool {
	if !cs.Initialized() {
		return false
	}
	if h, ok := cs.(server.SessionWithStreamableHTTPConfig); ok {
		h.UpgradeToSSEWhenReceiveNotification()
	}
	select {
	case cs.NotificationChannel() <- note:
		return true
	default:
		return false
	}
}

// EventLogger names the server's own events in notifications/message.
const EventLogger = "threads-mcp"

// Event sends a server event to connected clients as notifications/message
// at level: {"event": event, ...fields}, every string scrubbed of secrets
// like every log line. When ctx belongs to a client's request (a tool
// call), that client gets it under the rules of its protocol revision (from
// 2026-07-28 only when its request asked for log messages); every other
// registered session gets it when its logging/setLevel level admits it.
// The level of a session is error until its client lowers it, and a
// 2026-07-28 client cannot (logging/setLevel is gone), so below error such
// a client hears only of its own requests. With NotifyRequestOnly, only
// the requesting client hears of it.
func (n *Notifier) Event(ctx context.Context, level mcp.LoggingLevel, event string, fields map[string]any) {
	n.mu.Lock()
	srv, scrub := n.srv, n.scrub
	others := make([]string, 0, len(n.sessions))
	for id := range n.sessions {
		if !n.requestOnly {
			others = append(others, id)
		}
	}
	n.mu.Unlock()
	if srv == nil {
		return
	}
	data := map[string]any{}
	for k, v := range fields {
		data[k] = v
	}
	data["event"] = event
	if b, err := json.Marshal(data); err == nil && scrub != nil {
		clean := map[string]any{}
		if json.Unmarshal([]byte(scrub(string(b))), &clean) == nil {
			data = clean
		}
	}
	msg := mcp.NewLoggingMessageNotification(level, EventLogger, data)
	self := server.ClientSessionFromContext(ctx)
	if self != nil {
		_ = srv.SendLogMessageToClient(ctx, msg)
	}
	for _, id := range others {
		if self != nil && id == self.SessionID() {
			continue
		}
		_ = srv.SendLogMessageToSpecificClient(id, msg)
	}
}
