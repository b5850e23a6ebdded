package emulator

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// hookSink is a webhook receiver for the tests: it records every delivery
// and whether its X-Hub-Signature-256 matches secret, and fails the first
// failFirst ones with 500.
type hookSink struct {
	secret    string
	failFirst int

	mu    sync.Mutex
	calls int
	got   []sinkDelivery
	srv   *httptest.Server
}

type sinkDelivery struct {
	body  map[string]any
	raw   string
	valid bool
}

func newSink(t *testing.T, secret string, failFirst int) *hookSink {
	k := &hookSink{secret: secret, failFirst: failFirst}
	k.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet { // the subscription handshake
			if r.URL.Query().Get("hub.verify_token") != "vt" {
				http.Error(w, "no", http.StatusForbidden)
				return
			}
			_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		b, _ := io.ReadAll(r.Body)
		m := hmac.New(sha256.New, []byte(k.secret))
		m.Write(b)
		valid := r.Header.Get("X-Hub-Signature-256") == "sha256="+hex.EncodeToString(m.Sum(nil))
		k.mu.Lock()
		defer k.mu.Unlock()
		k.calls++
		if k.calls <= k.failFirst {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		var body map[string]any
		_ = json.Unmarshal(b, &body)
		k.got = append(k.got, sinkDelivery{body: body, raw: string(b), valid: valid})
		if !valid {
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		_, _ = io.WriteString(w, "EVENT_RECEIVED")
	}))
	t.Cleanup(k.srv.Close)
	return k
}

func (k *hookSink) deliveries() []sinkDelivery {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]sinkDelivery(nil), k.got...)
}

func waitHooks(t *testing.T, s *Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := s.WaitWebhooks(ctx); err != nil {
		t.Fatal("webhook deliveries did not finish:", err)
	}
}

// value returns the delivery's field and value object.
func (d sinkDelivery) value() (string, map[string]any) {
	vs, _ := d.body["values"].(map[string]any)
	v, _ := vs["value"].(map[string]any)
	f, _ := vs["field"].(string)
	return f, v
}

// TestWebhookDeliveries: a reply and a mention by another user reach the
// callback signed with the app secret, Meta-shaped; a failing callback is
// retried; the faults tamper, duplicate and reorder.
func TestWebhookDeliveries(t *testing.T) {
	tests := []struct {
		name      string
		failFirst int
		faults    WebhookFaults
		check     func(t *testing.T, got []sinkDelivery, replyID, mentionID string)
	}{
		{"signed and shaped", 0, WebhookFaults{}, func(t *testing.T, got []sinkDelivery, replyID, mentionID string) {
			if len(got) != 2 {
				t.Fatalf("%d deliveries, want 2", len(got))
			}
			f, v := got[0].value()
			if !got[0].valid || f != "replies" || v["id"] != replyID || v["username"] != "ada_builds" || v["text"] != "nice one" {
				t.Fatalf("reply delivery %s", got[0].raw)
			}
			if rt, _ := v["replied_to"].(map[string]any); rt["id"] == "" || v["timestamp"] == "" {
				t.Fatalf("reply delivery lacks replied_to or timestamp: %s", got[0].raw)
			}
			for _, k := range []string{"app_id", "topic", "target_id", "time", "subscription_id", "has_uid_field"} {
				if _, ok := got[0].body[k]; !ok {
					t.Fatalf("delivery lacks %s: %s", k, got[0].raw)
				}
			}
			if f, v := got[1].value(); f != "mentions" || v["id"] != mentionID || got[1].body["topic"] != "interaction" {
				t.Fatalf("mention delivery %s", got[1].raw)
			}
		}},
		{"retried until answered", 2, WebhookFaults{}, func(t *testing.T, got []sinkDelivery, _, _ string) {
			if len(got) != 2 || !got[0].valid {
				t.Fatalf("%d deliveries after two failures, want both", len(got))
			}
		}},
		{"tampered", 0, WebhookFaults{Tamper: 1}, func(t *testing.T, got []sinkDelivery, _, _ string) {
			if len(got) != 2 || got[0].valid || !got[1].valid {
				t.Fatalf("want the first delivery's signature broken, the second intact: %+v", got)
			}
		}},
		{"duplicated", 0, WebhookFaults{Duplicate: 1}, func(t *testing.T, got []sinkDelivery, _, _ string) {
			if len(got) != 3 || got[0].raw != got[1].raw || !got[1].valid {
				t.Fatalf("want the first delivery twice, byte for byte: %d deliveries", len(got))
			}
		}},
		{"out of order", 0, WebhookFaults{OutOfOrder: 1}, func(t *testing.T, got []sinkDelivery, replyID, _ string) {
			if len(got) != 2 {
				t.Fatalf("%d deliveries, want 2", len(got))
			}
			if f, _ := got[0].value(); f != "mentions" {
				t.Fatalf("the mention did not overtake the held reply: first is %s", f)
			}
			if _, v := got[1].value(); v["id"] != replyID {
				t.Fatalf("the held reply was not sent after it")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sink := newSink(t, DemoAppSecret, tc.failFirst)
			s, _, _ := newWorld(t, WithWebhooks(WebhookConfig{CallbackURL: sink.srv.URL, RetryDelay: 10 * time.Millisecond}))
			s.SetWebhookFaults(tc.faults)
			post := s.Posts(s.DemoUserID())[0].ID
			replyID, err := s.AddActivity(Activity{Kind: "reply", From: "ada_builds", ReplyTo: post, Text: "nice one"})
			if err != nil {
				t.Fatal(err)
			}
			mentionID, err := s.AddActivity(Activity{Kind: "mention", From: "river_runs", Text: "look at this"})
			if err != nil {
				t.Fatal(err)
			}
			waitHooks(t, s)
			tc.check(t, sink.deliveries(), replyID, mentionID)
		})
	}
}

// TestWebhookOnlyForAuthorizedUsers: a reply to a user who never authorized
// the app (no token) is not delivered, nor are the demo user's own posts'
// replies by the demo user.
func TestWebhookOnlyForAuthorizedUsers(t *testing.T) {
	sink := newSink(t, DemoAppSecret, 0)
	s, _, _ := newWorld(t, WithWebhooks(WebhookConfig{CallbackURL: sink.srv.URL}))
	ada := s.UserIDByUsername("ada_builds")
	if _, err := s.AddActivity(Activity{Kind: "reply", From: "river_runs", ReplyTo: s.Posts(ada)[0].ID, Text: "hi ada"}); err != nil {
		t.Fatal(err)
	}
	waitHooks(t, s)
	for _, d := range sink.deliveries() {
		if d.body["target_id"] == ada {
			t.Fatalf("delivered about a user who never authorized the app: %s", d.raw)
		}
	}
}

// TestAppSubscriptions: with an app token, POST /{app-id}/subscriptions
// verifies the callback by the handshake and then delivers there; GET
// lists it; DELETE ends it. A user token is refused.
func TestAppSubscriptions(t *testing.T) {
	sink := newSink(t, DemoAppSecret, 0)
	s, _, user := newWorld(t)
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {DemoAppID}, "client_secret": {DemoAppSecret}}
	resp, err := http.Get(s.URL + "/oauth/access_token?" + form.Encode())
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	app := &api{t: t, s: s, tok: tok.AccessToken}
	path := "/v1.0/" + DemoAppID + "/subscriptions"
	sub := url.Values{"object": {"threads"}, "callback_url": {sink.srv.URL}, "fields": {"replies,mentions"}, "verify_token": {"vt"}}
	tests := []struct {
		name   string
		c      *api
		method string
		params url.Values
		want   int
	}{
		{"user token refused", user, "POST", sub, 400},
		{"bad verify token fails the handshake", app, "POST", url.Values{"callback_url": {sink.srv.URL}, "fields": {"replies"}, "verify_token": {"x"}}, 400},
		{"unknown field", app, "POST", url.Values{"callback_url": {sink.srv.URL}, "fields": {"likes"}, "verify_token": {"vt"}}, 400},
		{"subscribe", app, "POST", sub, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if r := tc.c.do(tc.method, path, tc.params); r.status != tc.want {
				t.Fatalf("status %d (%s), want %d", r.status, r.raw, tc.want)
			}
		})
	}
	if r := app.do("GET", path, nil); r.status != 200 || !strings.Contains(r.raw, sink.srv.URL) || !strings.Contains(r.raw, `"name":"mentions"`) {
		t.Fatalf("GET subscriptions: %d %s", r.status, r.raw)
	}
	if _, err := s.AddActivity(Activity{Kind: "mention", From: "river_runs", Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	waitHooks(t, s)
	if got := sink.deliveries(); len(got) != 1 || !got[0].valid {
		t.Fatalf("after subscribing: %d deliveries, want one signed mention", len(got))
	}
	if r := app.do("DELETE", path, url.Values{"object": {"threads"}}); r.status != 200 {
		t.Fatalf("DELETE: %d %s", r.status, r.raw)
	}
	if r := app.do("GET", path, nil); strings.Contains(r.raw, sink.srv.URL) {
		t.Fatalf("still subscribed after DELETE: %s", r.raw)
	}
}
