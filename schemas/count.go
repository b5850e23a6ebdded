package schemas

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// Threads limits. Meta documents them on the posts page
// (https://developers.facebook.com/docs/threads/posts): 500 characters of
// text, at most 5 links, 2 to 20 carousel items, alt_text up to 1,000
// characters, a topic tag of 1 to 50 characters, and 10,000 characters of
// text_attachment (https://developers.facebook.com/docs/threads/create-posts/text-attachments).
const (
	// MaxTextLength is the counted length limit of a post's text (see
	// CountText). Over it Threads answers HTTP 400, code 100, "Param text
	// must be at most 500 characters long.", at container creation.
	MaxTextLength = 500
	// MaxTextBytes bounds the UTF-8 size of a post's text, on top of the
	// counted limit. CountText charges a letter with its combining marks as
	// one character, so without it "Z" followed by 5,000 combining marks
	// (about 10 KB) would pass as 1 character. Real text stays far below it:
	// 500 counted Devanagari or Thai characters take 1,500 to 3,000 bytes.
	// It is also the maxLength the input schemas publish for text: a code
	// point takes at least one byte, so a text within MaxTextBytes is within
	// maxLength, and a strict JSON Schema client never refuses a text the
	// server accepts.
	MaxTextBytes = 10 * MaxTextLength
	// MaxTextAttachmentLength is the limit of text_attachment.plaintext.
	MaxTextAttachmentLength = 10000
	// MaxLinks is the number of unique URLs a post may carry (text plus link_attachment).
	MaxLinks = 5
	// MaxAltTextLength is the alt_text limit per carousel item, in characters (runes).
	MaxAltTextLength = 1000
	// MaxTopicTagLength is the longest topic tag, in characters (runes).
	MaxTopicTagLength = 50
)

// maxCostliest is how many clusters TextCount.Costliest reports.
const maxCostliest = 5

// Cluster is one distinct grapheme cluster that costs more than one character.
type Cluster struct {
	// Text is the cluster itself.
	Text string
	// Cost is what one occurrence costs (its UTF-8 byte length).
	Cost int
	// Offset is the byte offset of its first occurrence in the input.
	Offset int
	// Count is how many times it occurs.
	Count int
}

// Total is Cost × Count.
func (c Cluster) Total() int { return c.Cost * c.Count }

// TextCount is the result of CountText.
type TextCount struct {
	// Length is the counted length, compared with MaxTextLength.
	Length int
	// Costliest lists the distinct clusters costing more than 1, most
	// expensive total first (ties: first occurrence first), at most 5.
	Costliest []Cluster
}

// CountText counts s the way Threads counts a post's text, as far as the
// evidence goes. Meta's posts page says "emojis are counted as the number of
// UTF-8 bytes" (https://developers.facebook.com/docs/threads/posts) and links
// the grapheme-splitter package, so the unit is the grapheme cluster;
// non-ASCII punctuation costing its bytes is shown by a production refusal
// (gitroomhq/postiz-app#1946: 498 clusters holding curly quotes, 504 bytes,
// refused; see TestCountTextPostizEvidence); that letters and marks of other
// scripts cost 1 is the weakest part, undocumented either way, and the reason
// the rule lives in this one function. The rule:
// s is split into grapheme clusters (rivo/uniseg); a pure-ASCII cluster costs 1
// ("\r\n" is one cluster and costs 1); a cluster whose first rune is a letter,
// mark or number (Unicode L*, M*, N*: accented Latin, CJK, Hangul, Cyrillic, …)
// costs 1; any other cluster (emoji, symbols, non-ASCII punctuation such as
// curly quotes, dashes and the ellipsis, non-ASCII spaces) costs its UTF-8 byte
// length. Note that a keycap emoji such as "1️⃣" starts with a digit and so
// costs 1 under this rule.
//
// CountText does not allocate unless s holds clusters costing more than 1.
func CountText(s string) TextCount {
	var tc TextCount
	var index map[string]int // cluster -> position in tc.Costliest, once many distinct
	state := -1
	offset := 0
	rest := s
	for len(rest) > 0 {
		var cluster string
		cluster, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		cost := clusterCost(cluster)
		tc.Length += cost
		if cost > 1 {
			index = tc.note(index, cluster, cost, offset)
		}
		offset += len(cluster)
	}
	if len(tc.Costliest) > 1 {
		sort.SliceStable(tc.Costliest, func(i, j int) bool {
			return tc.Costliest[i].Total() > tc.Costliest[j].Total()
		})
	}
	if len(tc.Costliest) > maxCostliest {
		tc.Costliest = tc.Costliest[:maxCostliest:maxCostliest]
	}
	return tc
}

// note records one costly cluster occurrence. Up to 16 distinct clusters are
// found by a linear scan; beyond that a map index is built.
func (tc *TextCount) note(index map[string]int, cluster string, cost, offset int) map[string]int {
	if index == nil {
		for i := range tc.Costliest {
			if tc.Costliest[i].Text == cluster {
				tc.Costliest[i].Count++
				return nil
			}
		}
		tc.Costliest = append(tc.Costliest, Cluster{Text: cluster, Cost: cost, Offset: offset, Count: 1})
		if len(tc.Costliest) > 16 {
			index = make(map[string]int, 2*len(tc.Costliest))
			for i, c := range tc.Costliest {
				index[c.Text] = i
			}
		}
		return index
	}
	if i, ok := index[cluster]; ok {
		tc.Costliest[i].Count++
		return index
	}
	index[cluster] = len(tc.Costliest)
	tc.Costliest = append(tc.Costliest, Cluster{Text: cluster, Cost: cost, Offset: offset, Count: 1})
	return index
}

// clusterCost is the cost of one grapheme cluster under the CountText rule.
func clusterCost(cluster string) int {
	ascii := true
	for i := 0; i < len(cluster); i++ {
		if cluster[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return 1
	}
	r, _ := utf8.DecodeRuneInString(cluster)
	if r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r)) {
		return 1
	}
	return len(cluster)
}

// asciiReplacement returns a straight ASCII equivalent of costly punctuation.
func asciiReplacement(cluster string) (string, bool) {
	switch cluster {
	case "\u201c", "\u201d", "\u201e", "\u201f", "\u00ab", "\u00bb", "\u2033":
		return `"`, true
	case "\u2018", "\u2019", "\u201a", "\u201b", "\u2032":
		return "'", true
	case "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212":
		return "-", true
	case "\u2026":
		return "...", true
	case "\u00a0", "\u2002", "\u2003", "\u2009", "\u202f":
		return " ", true
	case "\u2022", "\u00b7":
		return "*", true
	}
	return "", false
}

// textBytesError reports a text whose UTF-8 size exceeds MaxTextBytes,
// naming the largest grapheme cluster when that is what makes it heavy.
func textBytesError(field, text string) *FieldError {
	detail := fmt.Sprintf("%d UTF-8 bytes, limit %d (besides the limit of %d counted characters, the server bounds the size)",
		len(text), MaxTextBytes, MaxTextLength)
	fix := fmt.Sprintf("shorten it by at least %d bytes", len(text)-MaxTextBytes)
	if off, size, runes := largestCluster(text); runes > maxClusterRunes {
		detail += fmt.Sprintf("; the character at byte %d carries %d combining code points (%d bytes) but counts as 1", off, runes-1, size)
		fix += ", and remove the stacked combining marks"
	}
	return newFieldError(field, "too large", text, detail, fix)
}

// maxClusterRunes is how many code points a grapheme cluster may hold before
// textBytesError points at it. Unicode's Stream-Safe Text Format (UAX #15,
// https://unicode.org/reports/tr15/#Stream_Safe_Text_Format) allows at most
// 30 combining marks in a row, so a longer cluster is not ordinary text.
const maxClusterRunes = 31

// largestCluster returns the byte offset, byte size and code-point count of
// the grapheme cluster of s holding the most bytes.
func largestCluster(s string) (offset, size, runes int) {
	state := -1
	pos := 0
	for rest := s; len(rest) > 0; {
		var c string
		c, rest, _, state = uniseg.FirstGraphemeClusterInString(rest, state)
		if len(c) > size {
			offset, size, runes = pos, len(c), utf8.RuneCountInString(c)
		}
		pos += len(c)
	}
	return offset, size, runes
}

// textLengthError reports a counted length over limit for field.
func textLengthError(field, text string, tc TextCount, limit int) *FieldError {
	over := tc.Length - limit
	var b strings.Builder
	fmt.Fprintf(&b, "counted %d of %d characters (emoji, symbols and curly quotes count as their UTF-8 bytes", tc.Length, limit)
	if len(tc.Costliest) > 0 {
		b.WriteString("; costliest: ")
		for i, c := range tc.Costliest {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s ×%d = %d", quote(c.Text), c.Count, c.Total())
		}
	}
	b.WriteString(")")
	fix := fmt.Sprintf("shorten by at least %d", over)
	var swaps []string
	saved := 0
	for _, c := range tc.Costliest {
		// A swap is offered only when it saves something ("…" and "..."
		// both cost 3).
		if rep, ok := asciiReplacement(c.Text); ok && len(rep) < c.Cost {
			swaps = append(swaps, fmt.Sprintf("%s with %s", quote(c.Text), quote(rep)))
			saved += c.Total() - c.Count*len(rep)
		}
	}
	switch {
	case len(swaps) > 0 && saved >= over:
		fix += fmt.Sprintf(", or replace %s (saves %d, enough on its own)", strings.Join(swaps, ", "), saved)
	case len(swaps) > 0:
		fix += fmt.Sprintf(", or replace %s (saves %d) and then shorten by at least %d more", strings.Join(swaps, ", "), saved, over-saved)
	case len(tc.Costliest) > 0:
		fix += ", or remove some of the costliest emoji or symbols"
	}
	return newFieldError(field, "too long", text, b.String(), fix)
}
