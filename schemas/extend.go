package schemas

import (
	"fmt"
	"strings"

	"github.com/invopop/jsonschema"
)

// This file generates the schema keywords and descriptions that state a
// Threads rule, from the Go definition of that rule, in the JSONSchemaExtend
// methods of the argument types. A struct tag cannot refer to a constant, so
// a limit or an enum written in a tag would be a second copy of the rule.

// CountingNote says how CountText charges the characters that cost more than
// one; tool descriptions quote it next to MaxTextLength.
const CountingNote = "emoji, symbols and curly quotes cost their UTF-8 bytes"

// TextLengthRule is the counted-length rule as a phrase for tool
// descriptions: "up to 500 counted characters (emoji, … UTF-8 bytes)".
func TextLengthRule() string {
	return fmt.Sprintf("up to %d counted characters (%s)", MaxTextLength, CountingNote)
}

// property returns the schema of property name of s, or nil.
func property(s *jsonschema.Schema, name string) *jsonschema.Schema {
	if s == nil || s.Properties == nil {
		return nil
	}
	p, _ := s.Properties.Get(name)
	return p
}

// setText makes property name of s a post text: maxLength MaxTextBytes (a
// bound in code points never stricter than the byte bound the server
// enforces), minLength minLen when above 0, and description desc ("" for
// none). The counted-length, tag and link rules are not repeated on every
// text: the server's instructions state them once (TextLengthRule).
func setText(s *jsonschema.Schema, name string, minLen uint64, desc string) {
	p := property(s, name)
	if p == nil {
		return
	}
	maxLen := uint64(MaxTextBytes)
	p.MaxLength = &maxLen
	if minLen > 0 {
		p.MinLength = &minLen
	}
	p.Description = desc
}

// setEnum sets the enum of property name of s to values.
func setEnum(s *jsonschema.Schema, name string, values []string) {
	p := property(s, name)
	if p == nil {
		return
	}
	p.Enum = make([]any, len(values))
	for i, v := range values {
		p.Enum[i] = v
	}
}

// quotedOr formats values as `"a" or "b"` (`"a", "b" or "c"` for more).
func quotedOr(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = quote(v)
	}
	return JoinOr(q)
}

// JoinOr joins items as "a, b or c", for descriptions and messages.
func JoinOr(items []string) string { return joinLast(items, " or ") }

// JoinAnd joins items as "a, b and c", for descriptions and messages.
func JoinAnd(items []string) string { return joinLast(items, " and ") }

// joinLast joins items with ", " and last before the final item.
func joinLast(items []string, last string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + last + items[len(items)-1]
}

// setID gives property name of s the shape of a Threads id: IDPattern and at
// most MaxIDLength characters.
func setID(s *jsonschema.Schema, name string) {
	if p := property(s, name); p != nil {
		n := uint64(MaxIDLength)
		p.MaxLength = &n
		p.Pattern = IDPattern
	}
}

// setURL makes property name of s a URL: format uri, at most MaxURLLength
// characters, and description desc when not empty.
func setURL(s *jsonschema.Schema, name, desc string) {
	if p := property(s, name); p != nil {
		n := uint64(MaxURLLength)
		p.MaxLength = &n
		p.Format = "uri"
		if desc != "" {
			p.Description = desc
		}
	}
}

// setReplyControl gives property reply_control of s the ReplyControls
// enum. What it means (fixed once published, the account's default when
// omitted) the server's instructions say once for every tool.
func setReplyControl(s *jsonschema.Schema) {
	setEnum(s, "reply_control", ReplyControls())
}

// setTopicTag sets the topic_tag limit and describes it: the forbidden
// characters, then tail.
func setTopicTag(s *jsonschema.Schema, tail string) {
	p := property(s, "topic_tag")
	if p == nil {
		return
	}
	n := uint64(MaxTopicTagLength)
	p.MaxLength = &n
	p.Description = "No '.' or '&'." // the length is maxLength
	if tail != "" {
		p.Description += " " + tail
	}
}
