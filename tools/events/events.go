// Package events hears what happens to the server's Threads accounts and
// keeps it: replies to their posts, mentions of them, their posts going live
// and being deleted. Two paths feed one durable store:
//
//   - the webhook receiver ([Receiver]), an http.Handler for Meta's Threads
//     webhooks (https://developers.facebook.com/docs/threads/webhooks):
//     GET answers the verification handshake (hub.mode, hub.verify_token,
//     hub.challenge), POST checks X-Hub-Signature-256, an HMAC-SHA256 of the
//     raw body, against every configured app secret (which secret signs
//     Threads payloads is not documented), stores the event and answers 200
//     before fanning out;
//   - the poller ([Poller]), for the many setups Meta never sends webhooks
//     to (delivery needs a Live app and a verified business): per account,
//     [Poller.PollOnce] reads the replies to the account's recent posts and
//     its mentions and stores them as the same events.
//
// Both paths produce [Event] values keyed on field, value id and time
// ([Key]), so a reply heard by webhook and then by polling (or delivered
// twice by Meta) is stored once. The time of a reply or mention is its
// media timestamp (which both paths see; the payload's delivery time only
// when the value has none), truncated to the second as Threads reports it.
//
// The store ([Store]) keeps its own tables in the state database
// (state.Store.Migrate, component "events"): the events in arrival order
// behind an opaque cursor, and per-account seen marks, which make the
// account's inbox (replies and mentions not yet seen). New events go to a
// [Fanout] (the MCP server's notifier: resource updates and a log event),
// never to the caller's goroutine: a slow MCP client cannot slow a webhook
// answer.
//
// Text in an event is written by other people: whoever shows it marks it
// untrusted content. Nothing here logs it.
package events

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
)

// Webhook fields Threads delivers
// (https://developers.facebook.com/docs/threads/webhooks): replies to the
// account's posts, mentions of it, its posts being published, and deleted.
const (
	FieldReplies  = threads.WebhookReplies
	FieldMentions = threads.WebhookMentions
	FieldPublish  = threads.WebhookPublish
	FieldDelete   = threads.WebhookDelete
)

// Fields lists the known fields, in documentation order.
func Fields() []string { return threads.WebhookFields() }

// Known reports whether field is one Threads documents; unknown fields are
// stored and logged all the same.
func Known(field string) bool {
	switch field {
	case FieldReplies, FieldMentions, FieldPublish, FieldDelete:
		return true
	}
	return false
}

// InboxFields are the fields an account's inbox shows.
func InboxFields() []string { return []string{FieldReplies, FieldMentions} }

// Sources of events.
const (
	SourceWebhook = "webhook"
	SourcePoll    = "poll"
	// SourceServer is an event of this server's own doing (a post it
	// published).
	SourceServer = "server"
)

// Event is one thing that happened to an account.
type Event struct {
	// ID is Key(Field, ValueID, Time): the same event from any path has
	// the same ID.
	ID string
	// Account is the account's name in resource URIs (its stored name,
	// else its username); "" when the receiver could not tell.
	Account string
	// Field is the webhook field (FieldReplies, ...), or an unknown one.
	Field string
	// ValueID is the id of the media the event is about (the reply, the
	// mentioning post, the published or deleted post).
	ValueID string
	// PostID is, for a reply, the post or reply it answers; for publish and
	// delete, the post itself.
	PostID string
	// RootID is the top-level post of a reply's conversation.
	RootID string
	// Username is the author of a reply or mention.
	Username string
	// Text is the text of a reply or mention: other people's words.
	Text string
	// Permalink is the media's link, when sent.
	Permalink string
	// Time is when it happened (see the package doc).
	Time time.Time
	// ReceivedAt is when this server stored it.
	ReceivedAt time.Time
	// Source is SourceWebhook, SourcePoll or SourceServer.
	Source string
	// Payload is the value object as received (JSON).
	Payload json.RawMessage
	// Seen reports whether the account marked it seen (read results only).
	Seen bool
}

// Key is the deduplication key of an event: a digest of the field, the
// value id and the time in whole seconds.
func Key(field, valueID string, t time.Time) string {
	h := sha256.Sum256([]byte(field + "\x00" + valueID + "\x00" + strconv.FormatInt(t.Unix(), 10)))
	return hex.EncodeToString(h[:16])
}

// Fanout receives the events a path stored that were new. It must not
// block for long: the receiver calls it after answering Meta, the poller
// between polls.
type Fanout interface {
	Deliver(ctx context.Context, source string, evs []Event)
}

// FanoutFunc adapts a function to Fanout.
type FanoutFunc func(ctx context.Context, source string, evs []Event)

// Deliver calls f.
func (f FanoutFunc) Deliver(ctx context.Context, source string, evs []Event) { f(ctx, source, evs) }
