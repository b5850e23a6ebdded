package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/tools/events"
)

// This file joins package events to the MCP surface: new events become
// notifications/resources/updated for the resources they change and a
// notifications/message server event; the inbox and scheduled resources;
// and the adapters the wiring gives the receiver and the poller.

// Server events of the event paths, as notifications/message.
const (
	EventWebhookReceived = "webhook_received"
	EventPolled          = "events_polled"
)

// NewEventFanout returns the fanout of new events to n: for a reply, the
// account's inbox and the replies of the post it answers (and of its
// conversation's root); for a mention, the inbox; for a publish or delete,
// the account's posts and the post. Then one server event per delivery,
// naming kinds and ids only: the text is other people's and stays in the
// resources, marked.
func NewEventFanout(n *Notifier) events.Fanout {
	return events.FanoutFunc(func(ctx context.Context, source string, evs []events.Event) {
		var uris, fields, ids []string
		add := func(list *[]string, v string) {
			if v != "" && !slices.Contains(*list, v) {
				*list = append(*list, v)
			}
		}
		accounts := []string{}
		for _, ev := range evs {
			add(&fields, ev.Field)
			add(&ids, ev.ValueID)
			add(&accounts, ev.Account)
			switch ev.Field {
			case events.FieldReplies:
				add(&uris, AccountResourceURI(ev.Account, "inbox"))
				if ev.PostID != "" {
					add(&uris, RepliesResourceURI(ev.PostID))
				}
				if ev.RootID != "" {
					add(&uris, RepliesResourceURI(ev.RootID))
				}
			case events.FieldMentions:
				add(&uris, AccountResourceURI(ev.Account, "inbox"))
			case events.FieldPublish, events.FieldDelete:
				add(&uris, AccountResourceURI(ev.Account, "posts"))
				if ev.PostID != "" {
					add(&uris, PostResourceURI(ev.PostID))
				}
			}
		}
		for _, u := range uris {
			n.ResourceUpdated(u)
		}
		name := EventPolled
		if source == events.SourceWebhook {
			name = EventWebhookReceived
		}
		n.Event(ctx, mcp.LoggingLevelInfo, name, map[string]any{"source": source, "count": len(evs),
			"fields": fields, "media_ids": ids, "accounts": accounts})
	})
}

// ScheduledPost is a post waiting to be published at a set time.
type ScheduledPost struct {
	ID     string    `json:"id"`
	Text   string    `json:"text,omitempty"`
	At     time.Time `json:"publish_at"`
	Status string    `json:"status,omitempty"`
}

// ScheduledLister lists an account's scheduled posts (the schedule store),
// for the threads://{account}/scheduled resource. account is the name of
// the account in resource URIs.
type ScheduledLister interface {
	Scheduled(ctx context.Context, account string) ([]ScheduledPost, error)
}

// scheduledAccount returns the account segment of a
// threads://{account}/scheduled URI.
func scheduledAccount(uri string) (string, bool) {
	rest, ok := strings.CutPrefix(uri, ResourceScheme)
	if !ok {
		return "", false
	}
	acct, kind, ok := strings.Cut(rest, "/")
	if !ok || kind != "scheduled" || acct == "" || strings.Contains(acct, "/") || acct == "posts" {
		return "", false
	}
	return acct, true
}

// readScheduled serves threads://{account}/scheduled.
func (d Deps) readScheduled(ctx context.Context, uri, segment string) ([]mcp.ResourceContents, error) {
	name, err := d.resourceAccount(ctx, segment)
	if err != nil {
		return nil, err
	}
	acct, err := d.account(ctx, name)
	if err != nil {
		return nil, err
	}
	out := struct {
		Account   string          `json:"account"`
		Scheduled []ScheduledPost `json:"scheduled"`
		Note      string          `json:"note,omitempty"`
	}{Account: eventAccount(acct), Scheduled: []ScheduledPost{}}
	if d.Scheduled == nil {
		out.Note = "this server schedules no posts yet: nothing is waiting to be published"
	} else {
		list, err := d.Scheduled.Scheduled(ctx, out.Account)
		if err != nil {
			return nil, fmt.Errorf("scheduled posts of %q: %w", out.Account, err)
		}
		out.Scheduled = append(out.Scheduled, list...)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: "application/json", Text: string(b)}}, nil
}

// EventAccounts adapts Accounts for package events: the names the poller
// polls, the Source of each, and the account a webhook's target user id
// belongs to.
type EventAccounts struct{ Accounts Accounts }

// Names lists every account's name in resource URIs.
func (e EventAccounts) Names(ctx context.Context) ([]string, error) {
	infos, err := e.Accounts.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(infos))
	for _, in := range infos {
		out = append(out, resourceName(in))
	}
	return out, nil
}

// Source returns the Threads client of the account named name.
func (e EventAccounts) Source(ctx context.Context, name string) (events.Source, error) {
	if name == DefaultAccountAlias {
		name = ""
	}
	a, err := e.Accounts.Resolve(ctx, name)
	if err != nil {
		return nil, err
	}
	return a.API, nil
}

// AccountFor names the account whose Threads user id is userID; with one
// account only (the sandbox, a token from the environment, whose user id
// may be unknown), that one.
func (e EventAccounts) AccountFor(ctx context.Context, userID string) string {
	infos, err := e.Accounts.List(ctx)
	if err != nil {
		return ""
	}
	for _, in := range infos {
		if in.UserID != "" && in.UserID == userID {
			return resourceName(in)
		}
	}
	if len(infos) == 1 {
		return resourceName(infos[0])
	}
	return ""
}

// inboxArgs are the list_events arguments behind threads://{account}/inbox.
func inboxArgs() map[string]any {
	return map[string]any{"unseen_only": true, "fields": schemas.InboxFields(), "limit": schemas.MaxEventsLimit}
}

// recordPublish stores a post this server published as a publish event of
// the account, keyed like the publish webhook Threads sends for it (field,
// media id, its timestamp), so the two are one event. A failure to store
// is logged, never the call's: the post is live.
func (c *call) recordPublish(ctx context.Context, account string, post threads.Post, res *threads.PublishResult) {
	if c.Events == nil || res.ID == "" {
		return
	}
	at := res.PublishedAt
	if at.IsZero() {
		at = time.Now()
	}
	ev := events.Event{Account: account, Field: events.FieldPublish, ValueID: res.ID, PostID: res.ID,
		Permalink: res.Permalink, Time: at.Truncate(time.Second), Source: events.SourceServer}
	if post.ReplyToID != "" {
		ev.RootID = post.ReplyToID
	}
	if _, err := c.Events.Add(context.WithoutCancel(ctx), ev); err != nil && c.Logger != nil {
		c.Logger.WarnContext(ctx, "publish event not stored", "err", err)
	}
}
