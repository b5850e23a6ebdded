package emulator

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Webhooks: when another user replies to a user's post or mentions a user,
// when a user's post is published and when it is deleted, the emulator
// POSTs a Threads webhook delivery to the callback URL, shaped as Meta's
// Threads webhooks page shows it
// (https://developers.facebook.com/docs/threads/webhooks):
//
//	{"app_id","topic","target_id","time","subscription_id","has_uid_field",
//	 "values":{"value":{…media fields…},"field":"replies|mentions|publish|delete"}}
//
// signed as Meta's webhooks guide says
// (https://developers.facebook.com/docs/graph-api/webhooks/getting-started):
// X-Hub-Signature-256 is "sha256=" and the hex HMAC-SHA256 of the raw body
// keyed with the app secret (X-Hub-Signature the same with SHA-1). A
// delivery not answered 2xx is retried, as Meta retries failed deliveries
// with decreasing frequency (there over 36 hours; here WebhookConfig.Retries
// times, doubling RetryDelay each time).
//
// The callback URL comes from WithWebhooks (--webhook-url) or from an app's
// subscription (POST /{app-id}/subscriptions, verified by the GET handshake
// first). WebhookFaults (the admin endpoint /_emulator/webhooks) tamper with,
// duplicate or reorder the next deliveries.

// Defaults of WebhookConfig.
const (
	DefaultWebhookRetries    = 5
	DefaultWebhookRetryDelay = 500 * time.Millisecond
	webhookTimeout           = 10 * time.Second
	// webhookHoldFor is how long an out-of-order delivery waits for a
	// later one to overtake it before it is sent anyway.
	webhookHoldFor = 2 * time.Second
	webhookLogSize = 256
)

// WebhookConfig is where and how the emulator delivers webhooks.
type WebhookConfig struct {
	// CallbackURL receives the deliveries; "" sends none (until an app
	// subscribes one).
	CallbackURL string
	// Secret signs the deliveries. Empty: the secret of the app that
	// subscribed, else the demo app's.
	Secret string
	// Retries is how many times a failed delivery is retried (0:
	// DefaultWebhookRetries; negative: never).
	Retries int
	// RetryDelay is the first retry's delay, doubled for each next one
	// (0: DefaultWebhookRetryDelay).
	RetryDelay time.Duration
}

// WithWebhooks makes the emulator deliver webhooks as c says.
func WithWebhooks(c WebhookConfig) Option { return func(cf *config) { cf.webhooks = c } }

// WebhookFaults alter the next deliveries, for tests of a receiver.
type WebhookFaults struct {
	// Tamper sends the next N deliveries with a body changed after signing.
	Tamper int `json:"tamper,omitempty"`
	// Duplicate sends the next N deliveries twice.
	Duplicate int `json:"duplicate,omitempty"`
	// OutOfOrder holds each of the next N deliveries until the delivery
	// after it has been sent (or webhookHoldFor has passed).
	OutOfOrder int `json:"out_of_order,omitempty"`
}

// WebhookDelivery is a delivery as the emulator's log shows it.
type WebhookDelivery struct {
	Field    string `json:"field"`
	MediaID  string `json:"media_id"`
	TargetID string `json:"target_id"`
	URL      string `json:"url"`
	Status   int    `json:"status"` // the last answer's status; 0: none
	Attempts int    `json:"attempts"`
	Tampered bool   `json:"tampered,omitempty"`
	Copy     bool   `json:"copy,omitempty"` // the second send of a duplicate
	Error    string `json:"error,omitempty"`
}

// webhooks is the emulator's delivery state. Its own mutex, never held
// with e.mu while sending.
type webhooks struct {
	mu      sync.Mutex
	cfg     WebhookConfig
	appID   string // the subscribed app, "" for WithWebhooks
	secret  string // the subscribed app's secret
	subID   string
	fields  []string // subscribed fields; nil: all
	faults  WebhookFaults
	held    *outgoing
	heldT   *time.Timer
	log     []WebhookDelivery
	client  *http.Client
	wg      sync.WaitGroup
	stopped bool
	queue   []*outgoing // waiting for the sender, in order
	sending bool        // a sender goroutine is running
}

// outgoing is one signed delivery.
type outgoing struct {
	url, sig, sig1 string
	body           []byte
	rec            WebhookDelivery
	retries        int
	delay          time.Duration
}

func newWebhooks(c WebhookConfig) *webhooks {
	return &webhooks{cfg: c, client: &http.Client{Timeout: webhookTimeout}, subID: "1"}
}

// SetWebhookFaults applies f to the next deliveries (replacing the faults
// still pending).
func (e *Emulator) SetWebhookFaults(f WebhookFaults) {
	w := e.hooks
	w.mu.Lock()
	defer w.mu.Unlock()
	w.faults = f
}

// WebhookDeliveries returns the latest deliveries, oldest first.
func (e *Emulator) WebhookDeliveries() []WebhookDelivery {
	w := e.hooks
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.log)
}

// WaitWebhooks waits until every delivery begun so far is done (answered,
// or out of retries), bounded by ctx.
func (e *Emulator) WaitWebhooks(ctx context.Context) error {
	done := make(chan struct{})
	go func() { e.hooks.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stopWebhooks stops sending (retries end at their next attempt).
func (e *Emulator) stopWebhooks() {
	w := e.hooks
	w.mu.Lock()
	w.stopped = true
	if w.heldT != nil {
		w.heldT.Stop()
	}
	w.mu.Unlock()
}

// webhookMedia is the value object of a reply, mention or publish.
// Callers hold e.mu.
func (e *Emulator) webhookMedia(m *mediaObj) map[string]any {
	v := map[string]any{"id": m.id, "media_type": m.mediaType, "text": m.text, "shortcode": m.shortcode,
		"timestamp": m.ts.Format(timeLayout), "media_product_type": "THREADS"}
	if u := e.users[m.ownerID]; u != nil {
		v["username"] = u.username
		v["permalink"] = "https://www.threads.com/@" + u.username + "/post/" + m.shortcode
		v["is_verified"] = u.verified
	}
	if m.replyToID != "" {
		v["is_reply"] = true
		v["replied_to"] = map[string]any{"id": m.replyToID}
		if root := e.media[m.rootID]; root != nil {
			rv := map[string]any{"id": root.id, "owner_id": root.ownerID}
			if ru := e.users[root.ownerID]; ru != nil {
				rv["username"] = ru.username
			}
			v["root_post"] = rv
		}
	}
	return v
}

// published queues the webhooks of a newly visible post or reply: publish
// to its author, replies to the author of the post replied to, mentions to
// every user it mentions. Callers hold e.mu.
func (e *Emulator) published(m *mediaObj) {
	if !e.hooksOn || m.carouselChild || m.approval != "" || m.mediaType == "REPOST_FACADE" {
		return
	}
	v := e.webhookMedia(m)
	e.queueWebhook("publish", m.ownerID, m.id, v)
	if parent := e.media[m.replyToID]; parent != nil && parent.ownerID != m.ownerID {
		e.queueWebhook("replies", parent.ownerID, m.id, v)
	}
	for _, id := range e.userOrder {
		if u := e.users[id]; id != m.ownerID && mentionsUser(m.text, u.username) {
			e.queueWebhook("mentions", id, m.id, v)
		}
	}
}

// deleted queues the delete webhook of m. Callers hold e.mu.
func (e *Emulator) deleted(m *mediaObj, at time.Time) {
	if e.hooksOn {
		e.queueWebhook("delete", m.ownerID, m.id, map[string]any{"id": m.id, "owner": map[string]any{"owner_id": m.ownerID},
			"deleted_at": at.Format(timeLayout)})
	}
}

// authorized reports whether userID granted an app access (holds a user
// token): Meta delivers webhooks only about users who authorized the app.
// Callers hold e.mu.
func (e *Emulator) authorized(userID string) bool {
	for _, t := range e.tokens {
		if t.userID == userID && !t.app && !t.revoked {
			return true
		}
	}
	return false
}

// topics of the fields (Meta's Threads webhooks page).
var webhookTopics = map[string]string{"replies": "moderate", "delete": "moderate", "mentions": "interaction", "publish": "interaction"}

// queueWebhook signs and sends one delivery in the background. Callers
// hold e.mu (read for the app's secret), never w.mu.
func (e *Emulator) queueWebhook(field, targetID, mediaID string, value map[string]any) {
	if !e.authorized(targetID) {
		return
	}
	w := e.hooks
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped || w.cfg.CallbackURL == "" || (w.fields != nil && !slices.Contains(w.fields, field)) {
		return
	}
	appID, secret := w.appID, w.cfg.Secret
	if appID == "" {
		appID = e.demoAppID
	}
	if secret == "" {
		secret = w.secret
	}
	if secret == "" {
		if a := e.apps[appID]; a != nil {
			secret = a.secret
		}
	}
	body, _ := json.Marshal(map[string]any{"app_id": appID, "topic": webhookTopics[field], "target_id": targetID,
		"time": e.now().Unix(), "subscription_id": w.subID, "has_uid_field": false,
		"values": map[string]any{"value": value, "field": field}})
	out := &outgoing{url: w.cfg.CallbackURL, body: body, sig: "sha256=" + hmacHex(sha256.New, secret, body),
		sig1: "sha1=" + hmacHex(sha1.New, secret, body), retries: w.cfg.Retries, delay: w.cfg.RetryDelay,
		rec: WebhookDelivery{Field: field, MediaID: mediaID, TargetID: targetID, URL: w.cfg.CallbackURL}}
	if out.retries == 0 {
		out.retries = DefaultWebhookRetries
	}
	if out.delay <= 0 {
		out.delay = DefaultWebhookRetryDelay
	}
	if w.faults.Tamper > 0 {
		w.faults.Tamper--
		out.body = bytes.Replace(out.body, []byte(`"field":"`), []byte(`"field" :"`), 1)
		out.body = append(out.body, ' ')
		out.rec.Tampered = true
	}
	var send []*outgoing
	if w.held != nil {
		send = append(send, out, w.held) // the later one overtakes the held one
		w.held = nil
		if w.heldT != nil && w.heldT.Stop() {
			w.wg.Done() // the timer will not run
		}
	} else if w.faults.OutOfOrder > 0 {
		w.faults.OutOfOrder--
		w.held = out
		w.wg.Add(1)
		w.heldT = time.AfterFunc(webhookHoldFor, func() {
			defer w.wg.Done()
			w.mu.Lock()
			h := w.held
			w.held = nil
			w.mu.Unlock()
			if h != nil {
				w.mu.Lock()
				w.enqueue(h)
				w.mu.Unlock()
			}
		})
		return
	} else {
		send = append(send, out)
	}
	if w.faults.Duplicate > 0 {
		w.faults.Duplicate--
		dup := *out
		dup.rec.Copy = true
		send = append(send, &dup)
	}
	w.enqueue(send...)
}

// enqueue appends deliveries to the queue and starts the sender if it is
// idle: deliveries go out one at a time, in order. Callers hold w.mu.
func (w *webhooks) enqueue(list ...*outgoing) {
	w.wg.Add(len(list))
	w.queue = append(w.queue, list...)
	if !w.sending {
		w.sending = true
		go w.sender()
	}
}

// sender sends the queue until it is empty.
func (w *webhooks) sender() {
	for {
		w.mu.Lock()
		if len(w.queue) == 0 {
			w.sending = false
			w.mu.Unlock()
			return
		}
		o := w.queue[0]
		w.queue = w.queue[1:]
		w.mu.Unlock()
		w.send(o)
		w.wg.Done()
	}
}

// send posts o until it is answered 2xx or its retries run out, and logs it.
func (w *webhooks) send(o *outgoing) {
	delay := o.delay
	for attempt := 0; ; attempt++ {
		w.mu.Lock()
		stopped := w.stopped
		w.mu.Unlock()
		if stopped {
			o.rec.Error = "emulator closed"
			break
		}
		o.rec.Attempts++
		status, err := w.post(o)
		o.rec.Status = status
		if err == nil && status/100 == 2 {
			o.rec.Error = ""
			break
		}
		if err != nil {
			o.rec.Error = err.Error()
		} else {
			o.rec.Error = fmt.Sprintf("answered %d", status)
		}
		if o.retries < 0 || attempt >= o.retries || o.rec.Tampered && status == http.StatusForbidden {
			break // a receiver refusing a bad signature would refuse it again
		}
		time.Sleep(delay)
		delay *= 2
	}
	w.mu.Lock()
	w.log = append(w.log, o.rec)
	if len(w.log) > webhookLogSize {
		w.log = slices.Clone(w.log[len(w.log)-webhookLogSize:])
	}
	w.mu.Unlock()
}

func (w *webhooks) post(o *outgoing) (int, error) {
	req, err := http.NewRequest(http.MethodPost, o.url, bytes.NewReader(o.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "facebookexternalua")
	req.Header.Set("X-Hub-Signature-256", o.sig)
	req.Header.Set("X-Hub-Signature", o.sig1)
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

func hmacHex(h func() hash.Hash, secret string, body []byte) string {
	m := hmac.New(h, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// appSubscriptions serves /{app-id}/subscriptions with the app's access
// token (https://developers.facebook.com/docs/graph-api/reference/app/subscriptions):
// GET lists the subscription, POST (object, callback_url, fields,
// verify_token) verifies the callback with the GET handshake and then
// subscribes, DELETE removes fields or the whole subscription.
func (e *Emulator) appSubscriptions(rc *reqCtx, appID string) (any, error) {
	e.mu.Lock()
	rc.now = e.now()
	a := e.apps[appID]
	tok := strings.TrimSpace(strings.TrimPrefix(rc.r.Header.Get("Authorization"), "Bearer "))
	if tok == "" {
		tok = rc.get("access_token")
	}
	t, err := e.lookupToken(tok, rc.now)
	e.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if a == nil {
		return nil, errObject(rc.r.Method, appID)
	}
	if !t.app || t.appID != appID {
		return nil, &apiError{status: 400, code: 190, typ: "OAuthException",
			msg: "An app access token of this app is required to manage its subscriptions."}
	}
	w := e.hooks
	switch rc.r.Method {
	case http.MethodGet:
		w.mu.Lock()
		defer w.mu.Unlock()
		data := []any{}
		if w.appID == appID && w.cfg.CallbackURL != "" {
			fields := []any{}
			for _, f := range w.subscribedFields() {
				fields = append(fields, map[string]any{"name": f, "version": "v1.0"})
			}
			data = append(data, map[string]any{"object": "threads", "callback_url": w.cfg.CallbackURL, "active": true, "fields": fields})
		}
		return map[string]any{"data": data}, nil
	case http.MethodPost:
		cb, verify := rc.get("callback_url"), rc.get("verify_token")
		u, err := url.Parse(cb)
		if cb == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") {
			return nil, errParam("Param callback_url must be a valid URL")
		}
		if obj := rc.get("object"); obj != "" && obj != "threads" {
			return nil, errParam("Param object must be threads")
		}
		var fields []string
		for _, f := range parseFields(rc.get("fields")) {
			if _, ok := webhookTopics[f]; !ok {
				return nil, errParam("Param fields[%s] is not a valid Threads webhook field", f)
			}
			fields = append(fields, f)
		}
		if len(fields) == 0 {
			return nil, errParam("Param fields is required")
		}
		if err := verifyCallback(rc.r.Context(), cb, verify); err != nil {
			return nil, &apiError{status: 400, code: 2200, typ: "OAuthException",
				msg: "(#2200) callback verification failed: " + err.Error()}
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		w.cfg.CallbackURL, w.appID, w.secret = cb, appID, a.secret
		w.fields = fields
		return map[string]any{"success": true}, nil
	case http.MethodDelete:
		w.mu.Lock()
		defer w.mu.Unlock()
		if drop := parseFields(rc.get("fields")); len(drop) > 0 {
			w.fields = slices.DeleteFunc(w.subscribedFields(), func(f string) bool { return slices.Contains(drop, f) })
		} else {
			w.fields = []string{}
		}
		if len(w.fields) == 0 {
			w.cfg.CallbackURL, w.fields = "", nil
		}
		return map[string]any{"success": true}, nil
	}
	return nil, errParam("Unsupported %s request", strings.ToLower(rc.r.Method))
}

// subscribedFields are the fields delivered. Callers hold w.mu.
func (w *webhooks) subscribedFields() []string {
	if w.fields != nil {
		return slices.Clone(w.fields)
	}
	return []string{"replies", "mentions", "publish", "delete"}
}

// verifyCallback performs Meta's verification request against cb: it must
// answer 200 with the challenge.
func verifyCallback(ctx context.Context, cb, token string) error {
	challenge := fmt.Sprint(time.Now().UnixNano() % 1e9)
	q := url.Values{"hub.mode": {"subscribe"}, "hub.challenge": {challenge}, "hub.verify_token": {token}}
	sep := "?"
	if strings.Contains(cb, "?") {
		sep = "&"
	}
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cb+sep+q.Encode(), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return errors.New("the callback URL could not be reached")
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(b)) != challenge {
		return fmt.Errorf("the callback answered %d without the challenge", resp.StatusCode)
	}
	return nil
}

// WebhookURL returns the callback URL deliveries go to ("" : none).
func (e *Emulator) WebhookURL() string {
	w := e.hooks
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.cfg.CallbackURL
}

// SetWebhookURL sends the deliveries from now on to callbackURL ("" stops
// them), as WithWebhooks would have, keeping the other settings.
func (e *Emulator) SetWebhookURL(callbackURL string) {
	w := e.hooks
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cfg.CallbackURL = callbackURL
}
