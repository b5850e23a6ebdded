package emulator

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file is the emulator's own reading of Meta's text rules. It shares no
// code with the server's validators on purpose: the emulator is the oracle
// the server is tested against, so a miscount in one shows up as a
// disagreement instead of being copied into both.

// Text limits documented on https://developers.facebook.com/docs/threads/posts
// ("Text posts are limited to 500 characters", "at most 5 unique links") and
// https://developers.facebook.com/docs/threads/create-posts/text-attachments
// (10,000 characters of plaintext).
const (
	maxTextLen           = 500
	maxTextAttachmentLen = 10000
	maxLinks             = 5
	maxTagLen            = 50
)

// countText returns the length Meta counts for s against the 500-character
// limit.
//
// Evidence, strongest first:
//   - "emojis are counted as the number of UTF-8 bytes", with a link to the
//     grapheme-splitter package: https://developers.facebook.com/docs/threads/posts
//     — so the unit is the grapheme cluster and an emoji cluster (ZWJ
//     family, skin tone, flag, keycap) costs all its bytes;
//   - ASCII costs 1 per character;
//   - curly quotes, dashes and other non-ASCII punctuation cost their bytes:
//     a 498-character text with curly quotes (504 bytes) was refused
//     (gitroomhq/postiz-app#1946);
//   - letters and marks of other scripts (accents, CJK, Hangul, Devanagari)
//     cost 1 per cluster: weak evidence, no live test of 500 such characters
//     is published.
//
// So: an all-ASCII cluster costs 1; a cluster shown as an emoji (its base is
// a pictograph, or it is a keycap such as 1️⃣) costs its bytes; a cluster whose base is a letter, mark or number costs 1; any
// other cluster (symbols, punctuation, spaces, format characters) costs its
// bytes.
func countText(s string) int {
	n := 0
	for len(s) > 0 {
		c := nextCluster(s)
		n += clusterCost(s[:c])
		s = s[c:]
	}
	return n
}

// clusterCost is the cost of one cluster under countText's rule.
func clusterCost(c string) int {
	base, _ := utf8.DecodeRuneInString(c)
	ascii := true
	emoji := false
	for _, r := range c {
		if r >= utf8.RuneSelf {
			ascii = false
		}
		if r == 0x20E3 && strings.ContainsRune("0123456789#*", base) { // keycap emoji: 1️⃣, #️⃣, *️⃣
			emoji = true
		}
	}
	if ascii {
		return 1
	}
	if emoji || pictographic(base) {
		return len(c)
	}
	if unicode.In(base, unicode.L, unicode.M, unicode.N) {
		return 1
	}
	return len(c)
}

// nextCluster returns the byte length of the grapheme cluster at the start
// of s: a simplified extended grapheme cluster in the spirit of
// grapheme-splitter (which Meta's page names): CR LF; a base followed by
// combining marks, variation selectors, ZWNJ/ZWJ and emoji modifiers; a ZWJ
// followed by a pictograph continues an emoji sequence; regional indicators
// pair into flags; Hangul jamo join into syllables. Control and format
// characters stand alone.
func nextCluster(s string) int {
	r, size := utf8.DecodeRuneInString(s)
	if r == '\r' && len(s) > 1 && s[1] == '\n' {
		return 2
	}
	if isControl(r) {
		return size
	}
	i := size
	prev := r
	if isRegional(r) {
		if r2, sz := utf8.DecodeRuneInString(s[i:]); isRegional(r2) {
			i += sz
			prev = r2
		}
	}
	picto := pictographic(r)
	for i < len(s) {
		next, sz := utf8.DecodeRuneInString(s[i:])
		switch {
		case extends(next):
		case prev == 0x200D && picto && pictographic(next):
		case hangulJoins(prev, next):
		default:
			return i
		}
		i += sz
		prev = next
	}
	return i
}

// extends reports whether r attaches to the cluster before it.
func extends(r rune) bool {
	switch {
	case r == 0x200C || r == 0x200D: // ZWNJ, ZWJ
		return true
	case r >= 0x1F3FB && r <= 0x1F3FF: // emoji skin-tone modifiers
		return true
	case r >= 0xE0020 && r <= 0xE007F: // emoji tag characters (subdivision flags)
		return true
	}
	return unicode.Is(unicode.M, r)
}

// isControl reports whether r is a control, line/paragraph separator or
// format character (other than ZWNJ and ZWJ), which never joins a cluster.
func isControl(r rune) bool {
	if r == 0x200C || r == 0x200D {
		return false
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) || r == utf8.RuneError
}

func isRegional(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// pictographic approximates Unicode's Extended_Pictographic property with the
// blocks emoji live in.
func pictographic(r rune) bool {
	switch {
	case r == 0x00A9, r == 0x00AE, r == 0x203C, r == 0x2049, r == 0x2122, r == 0x2139,
		r == 0x24C2, r == 0x3030, r == 0x303D, r == 0x3297, r == 0x3299:
		return true
	case r >= 0x2194 && r <= 0x21AA, r >= 0x231A && r <= 0x23FF, r >= 0x25AA && r <= 0x25FE,
		r >= 0x2600 && r <= 0x27BF, r >= 0x2934 && r <= 0x2935, r >= 0x2B05 && r <= 0x2B55:
		return true
	case r >= 0x1F000 && r <= 0x1FAFF && !isRegional(r) && !(r >= 0x1F3FB && r <= 0x1F3FF):
		return true
	case r >= 0x1FC00 && r <= 0x1FFFD:
		return true
	}
	return false
}

// hangulJoins reports whether the Hangul jamo or syllable next joins prev
// (Unicode's L, V, T, LV, LVT sequences).
func hangulJoins(prev, next rune) bool {
	kind := func(r rune) byte {
		switch {
		case r >= 0x1100 && r <= 0x115F, r >= 0xA960 && r <= 0xA97C:
			return 'L'
		case r >= 0x1160 && r <= 0x11A7, r >= 0xD7B0 && r <= 0xD7C6:
			return 'V'
		case r >= 0x11A8 && r <= 0x11FF, r >= 0xD7CB && r <= 0xD7FB:
			return 'T'
		case r >= 0xAC00 && r <= 0xD7A3:
			if (r-0xAC00)%28 == 0 {
				return 'v' // LV syllable
			}
			return 't' // LVT syllable
		}
		return 0
	}
	p, n := kind(prev), kind(next)
	switch p {
	case 'L':
		return n == 'L' || n == 'V' || n == 'v' || n == 't'
	case 'V', 'v':
		return n == 'V' || n == 'T'
	case 'T', 't':
		return n == 'T'
	}
	return false
}

// urlStart reports whether a URL starts at s: http:// or https:// in any
// case, or a bare "www." name, and returns the length of the scheme part.
func urlStart(s string) (int, bool) {
	lower := strings.ToLower(s[:min(len(s), 8)])
	switch {
	case strings.HasPrefix(lower, "https://"):
		return 8, true
	case strings.HasPrefix(lower, "http://"):
		return 7, true
	case strings.HasPrefix(lower, "www."):
		return 0, true
	}
	return 0, false
}

// wordRune reports whether r glues a following "#" to a word.
func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) || r == '_'
}

// findURLs returns the byte spans of the URLs in text. A URL is what a
// reader would tap in the Threads app: it starts with http://, https:// or
// www. (not glued to a preceding word, path or address), runs to whitespace,
// a control character, one of < > " ` or a non-ASCII character that is not a
// letter, mark or number (an emoji, a curly quote), and drops trailing
// sentence punctuation and an unbalanced closing bracket. The host must
// contain a dot (or be localhost or a bracketed IPv6 literal); a bare www.
// name needs a dot after "www.".
func findURLs(text string) [][2]int {
	var spans [][2]int
	for i := 0; i < len(text); {
		_, size := utf8.DecodeRuneInString(text[i:])
		scheme, ok := urlStart(text[i:])
		if ok && i > 0 {
			p, _ := utf8.DecodeLastRuneInString(text[:i])
			if unicode.IsLetter(p) || unicode.IsNumber(p) || strings.ContainsRune("_/.@-", p) {
				ok = false
			}
		}
		if !ok {
			i += size
			continue
		}
		host := i + scheme
		end := host
		for end < len(text) {
			c, sz := utf8.DecodeRuneInString(text[end:])
			if c <= ' ' || c == 0x7f || strings.ContainsRune(`<>"`+"`", c) || c == utf8.RuneError ||
				(c >= utf8.RuneSelf && !unicode.In(c, unicode.L, unicode.M, unicode.N, unicode.P)) {
				break
			}
			end += sz
		}
		end = trimURLTail(text, host, end)
		if end > host && plausibleHost(text[host:end], scheme == 0) {
			spans = append(spans, [2]int{i, end})
			i = end
			continue
		}
		i = max(host, i+size)
	}
	return spans
}

// trimURLTail drops trailing punctuation from text[from:end].
func trimURLTail(text string, from, end int) int {
	for end > from {
		r, size := utf8.DecodeLastRuneInString(text[from:end])
		body := text[from:end]
		switch {
		case strings.ContainsRune(".,;:!?'*\"", r):
		case r == ')' || r == ']' || r == '}':
			open := map[rune]rune{')': '(', ']': '[', '}': '{'}[r]
			if strings.Count(body, string(open)) >= strings.Count(body, string(r)) {
				return end
			}
		case r >= utf8.RuneSelf && unicode.IsPunct(r):
		default:
			return end
		}
		end -= size
	}
	return end
}

// plausibleHost reports whether s (a URL after its scheme) starts with a
// host name that has a dot, localhost, or an IPv6 literal.
func plausibleHost(s string, bare bool) bool {
	host := s
	if i := strings.IndexAny(host, "/?#"); i >= 0 {
		host = host[:i]
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	if strings.HasPrefix(host, "[") {
		return strings.Contains(host, "]")
	}
	if i := strings.IndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	if host == "" || host[0] == '.' || host[0] == '-' {
		return false
	}
	name := strings.TrimSuffix(host, ".")
	if bare {
		rest := name[min(4, len(name)):]
		if !strings.Contains(rest, ".") {
			return false
		}
	}
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 {
		return strings.EqualFold(host, "localhost")
	}
	return dot < len(host)-1
}

// sameLinkKey is what makes two URLs one link: the scheme, the case of the
// host and a trailing slash do not matter.
func sameLinkKey(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if s := strings.ToLower(u[:i]); s == "http" || s == "https" {
			u = u[i+3:]
		}
	}
	end := strings.IndexAny(u, "/?#")
	if end < 0 {
		end = len(u)
	}
	return strings.TrimSuffix(strings.ToLower(u[:end])+u[end:], "/")
}

// extractURLs returns the distinct URLs of text, in order, as written.
func extractURLs(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, sp := range findURLs(text) {
		u := text[sp[0]:sp[1]]
		if k := sameLinkKey(u); !seen[k] {
			seen[k] = true
			out = append(out, u)
		}
	}
	return out
}

// countLinks counts the unique links of a post: the URLs of its text, plus
// each attachment URL (link_attachment, text_attachment.link_attachment_url)
// that differs from all of them. Meta: "a maximum of 5 unique links ...
// link_attachment counts towards this limit if it is not already in the
// text" (https://developers.facebook.com/docs/threads/posts).
func countLinks(text string, extra ...string) int {
	seen := map[string]bool{}
	for _, u := range extractURLs(text) {
		seen[sameLinkKey(u)] = true
	}
	for _, e := range extra {
		if e = strings.TrimSpace(e); e != "" {
			seen[sameLinkKey(e)] = true
		}
	}
	return len(seen)
}

// extractTags returns the distinct in-text topic tags of text, without '#',
// in order of appearance (compared without case; the first spelling wins).
//
// Meta (https://developers.facebook.com/docs/threads/posts, "Topic tags"):
// a tag is '#' followed by 1 to 50 characters; it ends before a space, a
// line break, a period, an ampersand, '@', '!', '?', ',', ';' or ':'; a
// number alone ("#1") is not a tag. A '#' glued to a word ("C#") or inside
// a link ("https://x.com/#a") starts no tag.
func extractTags(text string) []string {
	var out []string
	seen := map[string]bool{}
	links := findURLs(text)
	prev := rune(-1)
	for i := 0; i < len(text); {
		if len(links) > 0 && i >= links[0][0] {
			if i < links[0][1] {
				i = links[0][1]
				prev, _ = utf8.DecodeLastRuneInString(text[:i])
			}
			links = links[1:]
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if r != '#' || (prev >= 0 && (wordRune(prev) || prev == '#')) {
			prev = r
			i += size
			continue
		}
		j := i + size
		for j < len(text) {
			c, sz := utf8.DecodeRuneInString(text[j:])
			if strings.ContainsRune(".&@!?,;:#", c) || unicode.IsSpace(c) || unicode.IsControl(c) || c == utf8.RuneError {
				break
			}
			j += sz
		}
		tag := text[i+size : j]
		if n := utf8.RuneCountInString(tag); n >= 1 && n <= maxTagLen && strings.ContainsFunc(tag, func(c rune) bool { return !unicode.IsDigit(c) }) {
			if k := strings.ToLower(tag); !seen[k] {
				seen[k] = true
				out = append(out, tag)
			}
		}
		prev = '#'
		if j > i+size {
			prev, _ = utf8.DecodeLastRuneInString(text[:j])
		}
		i = j
	}
	return out
}
