package tools

import (
	"context"
	"errors"
	"slices"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/tools/events"
)

// The event tools read what the webhook receiver and the poller heard
// (package events): list_events, and mark_events_seen, which empties the
// account's inbox (threads://{account}/inbox) for clients without resource
// support.

// errNoEvents is the answer of the event tools when the server runs
// without an event store.
var errNoEvents = userErrorf("this server keeps no events (it was started without its state database's event store); " +
	"list_replies and list_mentions read the same things from Threads directly")

// eventAccount is the account's name in events and resource URIs (its
// stored name, else its username), as resourceName is for AccountInfo.
func eventAccount(a *Account) string {
	if a == nil {
		return ""
	}
	if a.Name != "" {
		return a.Name
	}
	return a.Username
}

// listEvents is the list_events tool.
func listEvents() Tool {
	return newTool[schemas.ListEventsArgs](def{
		name:  "list_events",
		title: "List events",
		description: "Replies, mentions, publishes and deletes heard by webhook or polling, oldest first. " +
			"Keep next_cursor and call again later for new ones; unseen_only with replies and mentions is the inbox.",
		toolset: ToolsetEvents,
		hints:   localRead(),
	}, func(ctx context.Context, c *call, a *schemas.ListEventsArgs) (*schemas.ListEventsResult, error) {
		if c.Events == nil {
			return nil, errNoEvents
		}
		acct := eventAccount(c.acct)
		page, err := c.Events.List(ctx, events.Query{Account: acct, Fields: a.Fields, UnseenOnly: a.UnseenOnly,
			Cursor: a.Cursor, Limit: a.Limit})
		if errors.Is(err, events.ErrBadCursor) {
			return nil, schemas.FieldErrors{&schemas.FieldError{Field: "cursor", Rule: "not a cursor", Value: a.Cursor,
				Detail: "not a next_cursor of list_events", Fix: "pass next_cursor exactly as list_events returned it, or omit it"}}
		}
		if err != nil {
			return nil, err
		}
		unseen, err := c.Events.Unseen(ctx, acct, a.Fields)
		if err != nil {
			return nil, err
		}
		out := &schemas.ListEventsResult{Events: make([]schemas.EventItem, 0, len(page.Events)),
			NextCursor: page.Next, More: page.More, Unseen: unseen}
		for _, ev := range page.Events {
			it := eventItem(ev)
			if it.Untrusted {
				out.Notice = schemas.UntrustedNotice
			}
			out.Events = append(out.Events, it)
		}
		return out, nil
	})
}

// eventItem is ev as list_events shows it; replies and mentions are other
// people's words.
func eventItem(ev events.Event) schemas.EventItem {
	return schemas.EventItem{ID: ev.ID, Field: ev.Field, MediaID: ev.ValueID, PostID: ev.PostID, RootPostID: ev.RootID,
		Username: ev.Username, Text: ev.Text, Permalink: ev.Permalink, Time: rfc3339(ev.Time),
		ReceivedAt: rfc3339(ev.ReceivedAt), Source: ev.Source, Seen: ev.Seen,
		Untrusted: slices.Contains(schemas.InboxFields(), ev.Field) || (ev.Text != "" && !events.Known(ev.Field))}
}

// markEventsSeen is the mark_events_seen tool.
func markEventsSeen() Tool {
	return newTool[schemas.MarkEventsSeenArgs](def{
		name:        "mark_events_seen",
		title:       "Mark events seen",
		description: "Mark events seen by id (from list_events), or all of them, so they leave the account's inbox.",
		toolset:     ToolsetEvents,
		hints:       localSetting(),
	}, func(ctx context.Context, c *call, a *schemas.MarkEventsSeenArgs) (*schemas.MarkEventsSeenResult, error) {
		if c.Events == nil {
			return nil, errNoEvents
		}
		acct := eventAccount(c.acct)
		var n int
		var err error
		if a.All {
			n, err = c.Events.MarkAllSeen(ctx, acct, a.Fields)
		} else {
			n, err = c.Events.MarkSeen(ctx, acct, a.IDs)
		}
		if err != nil {
			return nil, err
		}
		unseen, err := c.Events.Unseen(ctx, acct, schemas.InboxFields())
		if err != nil {
			return nil, err
		}
		out := &schemas.MarkEventsSeenResult{Marked: n, Unseen: unseen}
		if !a.All && n < len(a.IDs) {
			out.Note = "some ids were already seen or are not this account's events"
		}
		if n > 0 && c.Notifier != nil {
			c.Notifier.ResourceUpdated(AccountResourceURI(acct, "inbox"))
		}
		return out, nil
	})
}
