package threads

import (
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// Attachment limits Meta documents: a poll has 2 to 4 options of at most 25
// characters (https://developers.facebook.com/docs/threads/create-posts/polls);
// a post has at most 10 text spoilers
// (https://developers.facebook.com/docs/threads/create-posts/spoilers).
const (
	MinPollOptions      = 2
	MaxPollOptions      = 4
	MaxPollOptionLength = 25
	MaxTextEntities     = 10
)

// PollFromOptions builds a poll from 2 to 4 options, in order (A, B, C, D).
// It checks the count only; option lengths are the caller's to check against
// MaxPollOptionLength.
func PollFromOptions(options []string) (*PollAttachment, error) {
	if n := len(options); n < MinPollOptions || n > MaxPollOptions {
		return nil, fmt.Errorf("threads: a poll has %d–%d options, got %d", MinPollOptions, MaxPollOptions, n)
	}
	p := &PollAttachment{OptionA: options[0], OptionB: options[1]}
	if len(options) > 2 {
		p.OptionC = options[2]
	}
	if len(options) > 3 {
		p.OptionD = options[3]
	}
	return p, nil
}

// Options returns the poll's options in order, without the empty ones.
func (p *PollAttachment) Options() []string {
	var out []string
	for _, o := range []string{p.OptionA, p.OptionB, p.OptionC, p.OptionD} {
		if o != "" {
			out = append(out, o)
		}
	}
	return out
}

// OffsetUnit is a unit in which text_entities and text_with_styling_info
// offsets and lengths can be counted.
type OffsetUnit string

// The two candidate units: Unicode code points (Go runes) and UTF-16 code
// units (JavaScript string indices). They differ only for characters
// outside the Basic Multilingual Plane, which cost 2 UTF-16 units.
const (
	OffsetCodePoints OffsetUnit = "code_points"
	OffsetUTF16      OffsetUnit = "utf16"
)

// EntityOffsetUnit is the unit the client measures spoiler and styling
// ranges in. Meta's spoilers and text-attachments pages do not state it
// (UNCONFIRMED); code points are the unit of Meta's other text rules
// (emoji aside, the 500-character limit counts characters). If a live post
// shows Meta counts UTF-16 units, changing this constant switches every
// range the client builds.
const EntityOffsetUnit = OffsetCodePoints

// EntityRange converts the byte range text[start:end] (as strings.Index
// finds it) to an offset and length in unit. The range must lie within text
// on character boundaries and be non-empty.
func EntityRange(text string, start, end int, unit OffsetUnit) (offset, length int, err error) {
	if start < 0 || end > len(text) || start >= end {
		return 0, 0, fmt.Errorf("threads: range [%d,%d) is empty or outside the %d-byte text", start, end, len(text))
	}
	if !utf8.RuneStart(text[start]) || (end < len(text) && !utf8.RuneStart(text[end])) {
		return 0, 0, fmt.Errorf("threads: range [%d,%d) splits a character", start, end)
	}
	count := func(s string) int {
		if unit == OffsetUTF16 {
			return len(utf16.Encode([]rune(s)))
		}
		return utf8.RuneCountInString(s)
	}
	switch unit {
	case OffsetCodePoints, OffsetUTF16:
	default:
		return 0, 0, fmt.Errorf("threads: unknown offset unit %q", unit)
	}
	return count(text[:start]), count(text[start:end]), nil
}

// SpoilerEntity returns the spoiler entity hiding text[start:end] (a byte
// range), measured in EntityOffsetUnit.
func SpoilerEntity(text string, start, end int) (TextEntity, error) {
	off, n, err := EntityRange(text, start, end, EntityOffsetUnit)
	if err != nil {
		return TextEntity{}, err
	}
	return TextEntity{EntityType: EntityTypeSpoiler, Offset: off, Length: n}, nil
}
