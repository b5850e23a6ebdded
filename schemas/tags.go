package schemas

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TopicTags returns the distinct valid in-text topic tags of text, in order
// of appearance, without the '#'. Tags are compared case-insensitively; the
// first spelling wins.
//
// Rules: Meta's posts page (https://developers.facebook.com/docs/threads/posts)
// documents one topic per post, tags of 1 to 50 characters without '.' or
// '&', and that '#' plus a whole number is not a tag; the terminators and the
// cases below are this package's reading of it:
//   - a '#' starts a tag only at the start of the text or after a character
//     that is not a letter, mark, number, '_' or '#': "C#", "a#b" and "##x"
//     hold no tag, "(#go" and "x #go" do;
//   - a '#' inside a link (see Links), such as "https://x.com/#frag", is
//     ignored;
//   - a tag ends right before whitespace, a control character, '.', '&', '@',
//     '!', '?', ',', ';', ':' or another '#';
//   - a tag has 1 to 50 characters (runes); a longer one is not a tag;
//   - '#' followed by digits only ("#1", "#2024") is not a tag.
func TopicTags(text string) []string {
	var out []string
	var seen map[string]bool // lower-cased tags
	spans := linkSpans(text)
	span := 0
	prev := rune(-1)
	for i := 0; i < len(text); {
		for span < len(spans) && spans[span][1] <= i {
			span++
		}
		if span < len(spans) && spans[span][0] <= i {
			i = spans[span][1]
			prev, _ = utf8.DecodeLastRuneInString(text[:i])
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if r != '#' || !tagMayStartAfter(prev) {
			prev = r
			i += size
			continue
		}
		body := tagBody(text[i+size:])
		if validInTextTag(body) {
			if seen == nil {
				seen = make(map[string]bool)
			}
			if k := strings.ToLower(strings.ToUpper(body)); !seen[k] {
				seen[k] = true
				out = append(out, body)
			}
		}
		i += size + len(body)
		prev = '#'
		if len(body) > 0 {
			prev, _ = utf8.DecodeLastRuneInString(body)
		}
	}
	return out
}

// tagMayStartAfter reports whether a '#' after prev (-1 at the start) starts a tag.
func tagMayStartAfter(prev rune) bool {
	if prev < 0 {
		return true
	}
	return !(unicode.IsLetter(prev) || unicode.IsMark(prev) || unicode.IsNumber(prev) || prev == '_' || prev == '#')
}

// tagBody returns the longest prefix of s that can belong to a tag.
func tagBody(s string) string {
	for i, r := range s {
		if isTagTerminator(r) {
			return s[:i]
		}
	}
	return s
}

// isTagTerminator reports whether r ends an in-text tag.
func isTagTerminator(r rune) bool {
	switch r {
	case '.', '&', '@', '!', '?', ',', ';', ':', '#':
		return true
	}
	return unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError
}

// validInTextTag reports whether body (after '#') is a valid tag.
func validInTextTag(body string) bool {
	n := utf8.RuneCountInString(body)
	if n < 1 || n > MaxTopicTagLength {
		return false
	}
	for _, r := range body {
		if !unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// NormalizeTopicTag trims surrounding whitespace and one leading '#'.
func NormalizeTopicTag(tag string) string {
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(tag), "#"))
}

// CheckTopicTag checks the topic_tag parameter: 1 to 50 characters (runes),
// no '.', '&' or '#' (one leading '#' is tolerated and ignored, since
// NormalizeTopicTag strips it), no control characters or line breaks, no
// surrounding whitespace. Inner spaces are allowed. The error is a
// *FieldError for field "topic_tag".
func CheckTopicTag(tag string) error {
	if fe := checkTopicTag("topic_tag", tag); fe != nil {
		return fe
	}
	return nil
}

// checkTopicTag is CheckTopicTag for a named field.
func checkTopicTag(field, tag string) *FieldError {
	body := strings.TrimPrefix(tag, "#")
	n := utf8.RuneCountInString(body)
	switch {
	case n == 0:
		return newFieldError(field, "empty", tag, "", fmt.Sprintf("give a topic of 1 to %d characters without the '#', e.g. \"golang\", or omit topic_tag", MaxTopicTagLength))
	case n > MaxTopicTagLength:
		return newFieldError(field, "too long", tag, fmt.Sprintf("%d of %d characters", n, MaxTopicTagLength), fmt.Sprintf("shorten the topic by at least %d characters", n-MaxTopicTagLength))
	case strings.TrimSpace(body) != body:
		return newFieldError(field, "surrounding whitespace", tag, fmt.Sprintf("%s starts or ends with whitespace", quote(tag)), "remove the leading and trailing spaces")
	}
	for _, r := range body {
		switch {
		case r == '.' || r == '&' || r == '#':
			return newFieldError(field, "forbidden character", tag, fmt.Sprintf("%s contains %q; Threads topics may not contain '.', '&' or '#'", quote(tag), r), "remove that character")
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == utf8.RuneError:
			return newFieldError(field, "forbidden character", tag, fmt.Sprintf("%s contains a control character or line break", quote(tag)), "remove it; a topic is a single line")
		}
	}
	return nil
}

// checkOneTopic enforces "only one topic tag is allowed per post" (Meta's
// posts page, https://developers.facebook.com/docs/threads/posts) for a text
// and an optional topic_tag (already normalized): more than one distinct
// in-text tag, or a topic_tag plus a different in-text tag, is an error naming
// the tags found. Which one Threads would keep is undocumented, so the server
// refuses instead of guessing.
func checkOneTopic(textField, text, topicTag string) *FieldError {
	tags := TopicTags(text)
	if len(tags) > 1 {
		return newFieldError(textField, "more than one topic tag", text,
			fmt.Sprintf("found %d different tags: %s; a Threads post carries at most one topic", len(tags), hashList(tags)),
			fmt.Sprintf("keep one tag (e.g. #%s) and remove the '#' from the others, or drop them all and pass topic_tag", tags[0]))
	}
	if topicTag != "" && len(tags) == 1 && !strings.EqualFold(strings.TrimPrefix(topicTag, "#"), tags[0]) {
		return newFieldError("topic_tag", "conflicting topic tags", topicTag,
			fmt.Sprintf("topic_tag is %s but the text holds the tag #%s; a Threads post carries at most one topic", quote(topicTag), tags[0]),
			fmt.Sprintf("omit topic_tag, set it to %s, or remove the '#' from #%s in the text", quote(tags[0]), tags[0]))
	}
	return nil
}

// hashList formats tags as "#a, #b".
func hashList(tags []string) string {
	parts := make([]string, 0, min(len(tags), maxListed))
	for _, t := range tags[:min(len(tags), maxListed)] {
		parts = append(parts, "#"+truncate(t))
	}
	return listMore(parts, len(tags))
}

// maxListed is how many tags or links an error message lists.
const maxListed = 10

// listMore joins parts and notes how many of total were left out.
func listMore(parts []string, total int) string {
	out := strings.Join(parts, ", ")
	if total > len(parts) {
		out += fmt.Sprintf(" and %d more", total-len(parts))
	}
	return out
}
