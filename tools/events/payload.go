package events

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
)

// change is one field change of a webhook delivery.
type change struct {
	targetID string // the account's Threads user id
	time     time.Time
	field    string
	value    json.RawMessage
}

// envelope is a Threads webhook delivery as Meta's Threads webhooks page
// shows it (https://developers.facebook.com/docs/threads/webhooks):
// {"app_id","topic","target_id","time","subscription_id","has_uid_field",
// "values":{"value":{…media fields…},"field":"replies"}}. values may also
// be a list, and the generic Graph shape {"object","entry":[{"id","time",
// "changes":[{"field","value"}]}]} is read too, since Meta's pages show both
// over the years.
type envelope struct {
	TargetID json.RawMessage `json:"target_id"`
	Time     json.RawMessage `json:"time"`
	Values   json.RawMessage `json:"values"`
	Entry    []struct {
		ID      json.RawMessage `json:"id"`
		Time    json.RawMessage `json:"time"`
		Changes []fieldValue    `json:"changes"`
	} `json:"entry"`
}

type fieldValue struct {
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`
}

// errNoChanges is a body that holds no field change.
var errNoChanges = errors.New("no field changes in the payload")

// parseDelivery reads the changes of a webhook body: one envelope or a
// list of them.
func parseDelivery(body []byte) ([]change, error) {
	body = bytes.TrimSpace(body)
	var envs []envelope
	if len(body) > 0 && body[0] == '[' {
		if err := json.Unmarshal(body, &envs); err != nil {
			return nil, err
		}
	} else {
		var e envelope
		if err := json.Unmarshal(body, &e); err != nil {
			return nil, err
		}
		envs = []envelope{e}
	}
	var out []change
	for _, e := range envs {
		target, at := idString(e.TargetID), flexTime(e.Time)
		if vs := bytes.TrimSpace(e.Values); len(vs) > 0 {
			var list []fieldValue
			if vs[0] == '[' {
				if err := json.Unmarshal(vs, &list); err != nil {
					return nil, err
				}
			} else {
				var one fieldValue
				if err := json.Unmarshal(vs, &one); err != nil {
					return nil, err
				}
				list = []fieldValue{one}
			}
			for _, fv := range list {
				out = append(out, change{targetID: target, time: at, field: fv.Field, value: fv.Value})
			}
		}
		for _, en := range e.Entry {
			t := flexTime(en.Time)
			if t.IsZero() {
				t = at
			}
			for _, fv := range en.Changes {
				out = append(out, change{targetID: idString(en.ID), time: t, field: fv.Field, value: fv.Value})
			}
		}
	}
	if len(out) == 0 {
		return nil, errNoChanges
	}
	return out, nil
}

// mediaValue is the part of a value object an Event keeps.
type mediaValue struct {
	ID        string          `json:"id"`
	Username  string          `json:"username"`
	Text      string          `json:"text"`
	Permalink string          `json:"permalink"`
	Timestamp json.RawMessage `json:"timestamp"`
	DeletedAt json.RawMessage `json:"deleted_at"`
	RepliedTo *idRef          `json:"replied_to"`
	RootPost  *idRef          `json:"root_post"`
}

type idRef struct {
	ID json.RawMessage `json:"id"`
}

// eventOf turns a change into an Event (Account is the caller's to set).
// A value that is not an object is kept as it is, under its digest.
func eventOf(c change, now time.Time) Event {
	ev := Event{Field: c.field, Source: SourceWebhook, Payload: c.value}
	var v mediaValue
	if json.Unmarshal(c.value, &v) == nil {
		ev.ValueID, ev.Username, ev.Text, ev.Permalink = strings.TrimSpace(v.ID), v.Username, v.Text, v.Permalink
		if v.RepliedTo != nil {
			ev.PostID = idString(v.RepliedTo.ID)
		}
		if v.RootPost != nil {
			ev.RootID = idString(v.RootPost.ID)
		}
		ev.Time = flexTime(v.Timestamp)
		if ev.Time.IsZero() {
			ev.Time = flexTime(v.DeletedAt)
		}
	}
	if ev.PostID == "" {
		ev.PostID = ev.RootID
	}
	if c.field == FieldPublish || c.field == FieldDelete {
		ev.PostID = ev.ValueID
	}
	if ev.Time.IsZero() {
		ev.Time = c.time
	}
	if ev.Time.IsZero() {
		ev.Time = now
	}
	ev.Time = ev.Time.Truncate(time.Second)
	if ev.ValueID == "" {
		h := sha256.Sum256(c.value)
		ev.ValueID = "sha256:" + hex.EncodeToString(h[:8])
	}
	if len(ev.Payload) == 0 {
		ev.Payload = json.RawMessage("null")
	}
	ev.ID = Key(ev.Field, ev.ValueID, ev.Time)
	return ev
}

// mediaEvent is the Event of a reply or mention read by polling.
func mediaEvent(field string, m *threads.Media) Event {
	ev := Event{Field: field, ValueID: m.ID, Username: m.Username, Text: m.Text, Permalink: m.Permalink,
		Time: m.Timestamp.Truncate(time.Second), Source: SourcePoll}
	if m.RepliedTo != nil {
		ev.PostID = m.RepliedTo.ID
	}
	if m.RootPost != nil {
		ev.RootID = m.RootPost.ID
	}
	if ev.PostID == "" {
		ev.PostID = ev.RootID
	}
	ev.Payload, _ = json.Marshal(m)
	ev.ID = Key(ev.Field, ev.ValueID, ev.Time)
	return ev
}

// idString reads an id sent as a JSON string or number.
func idString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// flexTime reads a time sent as unix seconds (a number or a numeric
// string) or as a Graph timestamp; zero when absent or unreadable.
func flexTime(raw json.RawMessage) time.Time {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return time.Time{}
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		if secs, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
			return unixish(secs)
		}
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if secs, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
			return unixish(secs)
		}
	}
	var t threads.Time
	if json.Unmarshal(raw, &t) == nil {
		return t.Time
	}
	return time.Time{}
}

// unixish reads unix seconds, or milliseconds when the number is too large
// to be seconds.
func unixish(n int64) time.Time {
	if n > 1e11 {
		return time.UnixMilli(n)
	}
	return time.Unix(n, 0)
}
