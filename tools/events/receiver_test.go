package events_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/tools/events"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

const (
	secret      = "app-secret-0123456789abcdef"
	otherSecret = "second-app-secret-9876543210"
	verifyToken = "verify-me-please"
)

// openStore opens an event store in a fresh state directory.
func openStore(t *testing.T) *events.Store {
	t.Helper()
	st, err := state.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	s, err := events.Open(t.Context(), st)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// collector is a Fanout that records what it is given.
type collector struct {
	mu  sync.Mutex
	evs []events.Event
	got chan struct{}
}

func newCollector() *collector { return &collector{got: make(chan struct{}, 100)} }

func (c *collector) Deliver(_ context.Context, _ string, evs []events.Event) {
	c.mu.Lock()
	c.evs = append(c.evs, evs...)
	c.mu.Unlock()
	c.got <- struct{}{}
}

func replyPayload(id, postID, text string, ts int64) string {
	return fmt.Sprintf(`{"app_id":"1234","topic":"moderate","target_id":"17841400000000001","time":%d,`+
		`"subscription_id":"99","has_uid_field":false,"values":{"field":"replies","value":{"id":%q,"username":"ada",`+
		`"text":%q,"media_type":"TEXT_POST","permalink":"https://www.threads.com/@ada/post/X","replied_to":{"id":%q},`+
		`"root_post":{"id":%q,"owner_id":"17841400000000001","username":"me"},"shortcode":"X","timestamp":%q}}}`,
		ts+3, id, text, postID, postID, time.Unix(ts, 0).UTC().Format("2006-01-02T15:04:05-0700"))
}

func post(t *testing.T, h http.Handler, body, sig string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhooks/threads", strings.NewReader(body))
	if sig != "" {
		req.Header.Set(events.SignatureHeader, sig)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func count(t *testing.T, s *events.Store, account string) int {
	t.Helper()
	p, err := s.List(t.Context(), events.Query{Account: account, Limit: events.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	return len(p.Events)
}

// TestReceiverDeliveries: signature checked against every secret over the
// raw body, 403 and nothing stored otherwise, 413 over the limit, duplicates
// stored once, unknown fields stored.
func TestReceiverDeliveries(t *testing.T) {
	body := replyPayload("901", "800", "hello there", 1767225600)
	tests := []struct {
		name     string
		body     string
		sig      string
		want     int
		stored   int
		fannedIn int
	}{
		{"signed with the first secret", body, events.Sign(secret, []byte(body)), 200, 1, 1},
		{"signed with the second secret", body, events.Sign(otherSecret, []byte(body)), 200, 1, 1},
		{"tampered body", strings.Replace(body, "hello", "HELLO", 1), events.Sign(secret, []byte(body)), 403, 0, 0},
		{"missing signature", body, "", 403, 0, 0},
		{"signature with a wrong secret", body, events.Sign("nope", []byte(body)), 403, 0, 0},
		{"sha1-style header", body, "sha1=" + strings.TrimPrefix(events.Sign(secret, []byte(body)), "sha256="), 403, 0, 0},
		{"signature over re-encoded JSON", body, events.Sign(secret, []byte(strings.ReplaceAll(body, ":", ": "))), 403, 0, 0},
		{"oversized body", strings.Repeat(" ", 2048) + body, events.Sign(secret, []byte(strings.Repeat(" ", 2048)+body)), 413, 0, 0},
		{"unknown field", `{"target_id":"1","time":1767225600,"values":{"field":"likes","value":{"id":"77","count":3}}}`, "", 200, 1, 1},
		{"signed garbage", `{not json`, events.Sign(secret, []byte(`{not json`)), 400, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openStore(t)
			col := newCollector()
			s.SetFanout(col)
			rv := events.NewReceiver(s, events.ReceiverOptions{VerifyToken: verifyToken, Secrets: []string{secret, " ", otherSecret},
				MaxBody: 2048, AccountFor: func(context.Context, string) string { return "me" }})
			sig := tc.sig
			if tc.name == "unknown field" {
				sig = events.Sign(secret, []byte(tc.body))
			}
			rec := post(t, rv, tc.body, sig)
			if rec.Code != tc.want {
				t.Fatalf("status %d (%s), want %d", rec.Code, rec.Body, tc.want)
			}
			if got := count(t, s, "me"); got != tc.stored {
				t.Fatalf("stored %d events, want %d", got, tc.stored)
			}
			if tc.fannedIn > 0 {
				select {
				case <-col.got:
				case <-time.After(10 * time.Second):
					t.Fatal("new event never reached the fanout")
				}
			}
		})
	}
}

// TestReceiverDuplicateAndOrder: a delivery repeated, and two deliveries in
// reverse order, make one event each, fanned out once.
func TestReceiverDuplicateAndOrder(t *testing.T) {
	s := openStore(t)
	col := newCollector()
	s.SetFanout(col)
	rv := events.NewReceiver(s, events.ReceiverOptions{Secrets: []string{secret},
		AccountFor: func(context.Context, string) string { return "me" }})
	first := replyPayload("901", "800", "first", 1767225600)
	second := replyPayload("902", "800", "second", 1767225660)
	for _, b := range []string{second, first, second, first} {
		if rec := post(t, rv, b, events.Sign(secret, []byte(b))); rec.Code != 200 {
			t.Fatalf("status %d", rec.Code)
		}
	}
	p, err := s.List(t.Context(), events.Query{Account: "me"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Events) != 2 || p.Events[0].ValueID != "902" || p.Events[1].ValueID != "901" {
		t.Fatalf("events %+v, want 902 then 901 (arrival order), once each", p.Events)
	}
	if p.Events[1].PostID != "800" || p.Events[1].Text != "first" || p.Events[1].Username != "ada" {
		t.Fatalf("event %+v lost the reply's fields", p.Events[1])
	}
	for range 2 {
		select {
		case <-col.got:
		case <-time.After(10 * time.Second):
			t.Fatal("fanout not called")
		}
	}
	time.Sleep(50 * time.Millisecond) // a third fan-out would be a bug; give it a moment to show
	col.mu.Lock()
	defer col.mu.Unlock()
	if len(col.evs) != 2 {
		t.Fatalf("fanned out %d events, want 2", len(col.evs))
	}
}

// TestHandshake: only hub.mode=subscribe with the configured token gets the
// challenge back.
func TestHandshake(t *testing.T) {
	s := openStore(t)
	tests := []struct {
		name, configured, mode, token string
		want                          int
	}{
		{"good", verifyToken, "subscribe", verifyToken, 200},
		{"wrong token", verifyToken, "subscribe", "guess", 403},
		{"no token", verifyToken, "subscribe", "", 403},
		{"wrong mode", verifyToken, "unsubscribe", verifyToken, 403},
		{"none configured", "", "subscribe", "", 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rv := events.NewReceiver(s, events.ReceiverOptions{VerifyToken: tc.configured, Secrets: []string{secret}})
			q := url.Values{"hub.mode": {tc.mode}, "hub.verify_token": {tc.token}, "hub.challenge": {"1158201444"}}
			rec := httptest.NewRecorder()
			rv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/webhooks/threads?"+q.Encode(), nil))
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d", rec.Code, tc.want)
			}
			if b, _ := io.ReadAll(rec.Body); tc.want == 200 && string(b) != "1158201444" {
				t.Fatalf("body %q, want the challenge", b)
			}
		})
	}
}

// TestReceiverRateLimit: one remote address beyond its bucket gets 429;
// another address is not affected.
func TestReceiverRateLimit(t *testing.T) {
	s := openStore(t)
	rv := events.NewReceiver(s, events.ReceiverOptions{Secrets: []string{secret}, Rate: 0.001, Burst: 2})
	do := func(addr string) int {
		req := httptest.NewRequest(http.MethodGet, "/webhooks/threads", nil)
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		rv.ServeHTTP(rec, req)
		return rec.Code
	}
	for i, want := range []int{403, 403, 429} {
		if got := do("192.0.2.1:1000"); got != want {
			t.Fatalf("request %d: status %d, want %d", i, got, want)
		}
	}
	if got := do("192.0.2.2:1000"); got != 403 {
		t.Fatalf("other address: status %d, want 403 (not limited)", got)
	}
}
