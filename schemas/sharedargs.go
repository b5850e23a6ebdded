package schemas

import (
	"fmt"
	"strings"
)

// SharedArg is an argument many tools take, with what it means.
type SharedArg struct{ Name, Doc string }

// SharedArgs are the arguments that mean the same on every tool taking
// them. Their meaning is said once, not in every tool's input schema:
// tools/list is paid for in every model context that lists the tools, so
// the server's instructions explain them to models (SharedArgsSentence)
// and the README reference to people (SharedArgDoc fills the description
// a schema leaves empty).
func SharedArgs() []SharedArg {
	return []SharedArg{
		{"account", "a name from list_accounts; the default account when omitted"},
		{"idempotency_key", "makes a publish safe to retry: the same key (24 h), or an identical call without one (10 min), " +
			"returns the first result with replayed: true and posts nothing new"},
		{"reply_control", "who may reply; fixed once the post is published; the account's default (set_reply_control) when omitted"},
		{"text", fmt.Sprintf("any post's, caption's, reply's or thread part's text: %s, one topic tag, at most %d links",
			TextLengthRule(), MaxLinks)},
		{"alt_text", fmt.Sprintf("describes an image or video for people who cannot see it (at most %d characters)", MaxAltTextLength)},
		{"cursor", "a result's next_cursor, for the next page"},
		{"since", "RFC 3339, YYYY-MM-DD (UTC) or an age (30m, 12h, 7d, 2w)"},
		{"until", "like since, not in the future"},
	}
}

// SharedArgDoc returns what shared argument name means, "" for another name.
func SharedArgDoc(name string) string {
	for _, a := range SharedArgs() {
		if a.Name == name {
			return a.Doc
		}
	}
	return ""
}

// SharedArgsSentence is the server instructions' sentence on the shared
// arguments.
func SharedArgsSentence() string {
	parts := make([]string, 0, len(SharedArgs()))
	for _, a := range SharedArgs() {
		parts = append(parts, a.Name+": "+a.Doc)
	}
	return "Arguments that mean the same on every tool: " + strings.Join(parts, "; ") + ". "
}
