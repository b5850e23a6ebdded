package events

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Receiver defaults.
const (
	// DefaultMaxBody caps a webhook body. Meta's payloads are a few KB.
	DefaultMaxBody = 256 << 10
	// DefaultRate and DefaultBurst are the token bucket of one remote
	// address: Meta batches deliveries, so a few per second is plenty.
	DefaultRate  = 20
	DefaultBurst = 40
	// maxLimiters bounds the remembered remote addresses; beyond it the
	// table starts over.
	maxLimiters = 10000
)

// SignatureHeader is the header Meta signs webhook bodies in:
// "sha256=" and the hex HMAC-SHA256 of the raw body keyed with the app
// secret (https://developers.facebook.com/docs/graph-api/webhooks/getting-started).
const SignatureHeader = "X-Hub-Signature-256"

// ReceiverOptions configure a Receiver.
type ReceiverOptions struct {
	// VerifyToken is the token entered in the app dashboard, which Meta
	// sends back in the verification handshake. Empty refuses every
	// handshake.
	VerifyToken string
	// Secrets are the app secrets a body may be signed with; a body signed
	// with none of them is refused (403). Empty refuses every delivery.
	Secrets []string
	// AccountFor names the account of a delivery's target_id (the Threads
	// user id); nil or "" leaves it unnamed.
	AccountFor func(ctx context.Context, userID string) string
	// MaxBody caps a body (0: DefaultMaxBody); a larger one gets 413.
	MaxBody int64
	// Rate and Burst are each remote address's token bucket (0: the
	// defaults); beyond it a request gets 429.
	Rate  rate.Limit
	Burst int
	// Logger receives one line per delivery (never a secret, never the
	// text of a reply); nil discards.
	Logger *slog.Logger
}

// Receiver is the http.Handler of Threads webhooks: mount it at the
// callback URL (/webhooks/threads) outside any bearer check, since Meta
// cannot send one.
type Receiver struct {
	store *Store
	o     ReceiverOptions
	log   *slog.Logger

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
}

// NewReceiver returns the receiver storing into st.
func NewReceiver(st *Store, o ReceiverOptions) *Receiver {
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Rate <= 0 {
		o.Rate = DefaultRate
	}
	if o.Burst <= 0 {
		o.Burst = DefaultBurst
	}
	lg := o.Logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	var secrets []string
	for _, s := range o.Secrets {
		if s = strings.TrimSpace(s); s != "" {
			secrets = append(secrets, s)
		}
	}
	o.Secrets = secrets
	return &Receiver{store: st, o: o, log: lg, limiters: map[string]*rate.Limiter{}}
}

// ServeHTTP answers the handshake (GET) and deliveries (POST).
func (rv *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !rv.allow(r) {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "Too many requests", http.StatusTooManyRequests)
		return
	}
	switch r.Method {
	case http.MethodGet:
		rv.handshake(w, r)
	case http.MethodPost:
		rv.deliver(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "Method not allowed", http.StatusMethodNotAllowed)
	}
}

// allow takes a token from the remote address's bucket.
func (rv *Receiver) allow(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	rv.mu.Lock()
	defer rv.mu.Unlock()
	l := rv.limiters[host]
	if l == nil {
		if len(rv.limiters) >= maxLimiters {
			rv.limiters = map[string]*rate.Limiter{}
		}
		l = rate.NewLimiter(rv.o.Rate, rv.o.Burst)
		rv.limiters[host] = l
	}
	return l.Allow()
}

// handshake answers Meta's verification request: hub.mode=subscribe and
// the configured hub.verify_token get hub.challenge back, anything else 403.
func (rv *Receiver) handshake(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	token := q.Get("hub.verify_token")
	ok := q.Get("hub.mode") == "subscribe" && rv.o.VerifyToken != "" &&
		subtle.ConstantTimeCompare([]byte(token), []byte(rv.o.VerifyToken)) == 1
	if !ok {
		rv.log.Warn("webhook handshake refused", "mode", q.Get("hub.mode"), "token_given", token != "")
		http.Error(w, "Forbidden", http.StatusForbidden)
		return
	}
	rv.log.Info("webhook handshake answered")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, q.Get("hub.challenge"))
}

// deliver checks, stores and acknowledges one delivery, then fans it out.
func (rv *Receiver) deliver(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, rv.o.MaxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		rv.log.Warn("webhook refused: body too large", "limit", rv.o.MaxBody)
		http.Error(w, "Request body too large", http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		http.Error(w, "Bad request", http.StatusBadRequest)
		return
	}
	if !rv.signed(r.Header.Get(SignatureHeader), body) {
		rv.log.Warn("webhook refused: bad or missing signature", "signature_given", r.Header.Get(SignatureHeader) != "",
			"secrets_configured", len(rv.o.Secrets))
		http.Error(w, "Forbidden: bad signature", http.StatusForbidden)
		return
	}
	changes, err := parseDelivery(body)
	if err != nil {
		rv.log.Warn("webhook refused: unreadable payload", "err", err)
		http.Error(w, "Bad request: unreadable payload", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	now := time.Now()
	evs := make([]Event, 0, len(changes))
	for _, c := range changes {
		ev := eventOf(c, now)
		if rv.o.AccountFor != nil && c.targetID != "" {
			ev.Account = rv.o.AccountFor(ctx, c.targetID)
		}
		if !Known(ev.Field) {
			rv.log.Warn("webhook field unknown: stored as it is", "field", ev.Field, "id", ev.ValueID)
		}
		evs = append(evs, ev)
	}
	fresh, err := rv.store.Add(ctx, evs...)
	if err != nil {
		// Not stored: Meta retries a delivery that was not answered 200.
		rv.log.Error("webhook not stored", "err", err)
		http.Error(w, "Temporarily unavailable", http.StatusServiceUnavailable)
		return
	}
	for _, ev := range evs {
		rv.log.Info("webhook received", "field", ev.Field, "id", ev.ValueID, "account", ev.Account,
			"duplicate", !containsID(fresh, ev.ID))
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, "EVENT_RECEIVED")
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	if len(fresh) > 0 {
		go rv.store.Deliver(context.WithoutCancel(ctx), SourceWebhook, fresh)
	}
}

func containsID(evs []Event, id string) bool {
	for _, e := range evs {
		if e.ID == id {
			return true
		}
	}
	return false
}

// signed reports whether header is "sha256=" and the HMAC-SHA256 of body
// under one of the secrets, compared in constant time.
func (rv *Receiver) signed(header string, body []byte) bool {
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	match := 0
	for _, s := range rv.o.Secrets {
		m := hmac.New(sha256.New, []byte(s))
		m.Write(body)
		if hmac.Equal(m.Sum(nil), got) {
			match = 1
		}
	}
	return match == 1
}

// Sign returns the X-Hub-Signature-256 value of body under secret, for
// tests and tools that send deliveries.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}
