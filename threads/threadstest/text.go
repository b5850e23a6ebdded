package threadstest

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// countText returns the counted length of s under the project's single
// text-length rule (threads-api.md, decision 1): per grapheme cluster, a pure
// ASCII cluster costs 1, a cluster whose first rune is a letter, mark or
// number (Unicode L*, M*, N*) costs 1, and any other cluster costs its UTF-8
// byte length.
//
// TODO(lead): use schemas.CountText
func countText(s string) int {
	n := 0
	state := -1
	for len(s) > 0 {
		var cluster string
		cluster, s, _, state = uniseg.FirstGraphemeClusterInString(s, state)
		n += clusterCost(cluster)
	}
	return n
}

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
	if unicode.In(r, unicode.L, unicode.M, unicode.N) {
		return 1
	}
	return len(cluster)
}

// urlPattern finds URLs in post text: http(s) URLs and bare www. hosts.
var urlPattern = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"]+`)

// extractURLs returns the distinct URLs of text, normalised for counting
// (trailing punctuation trimmed, scheme and host lower-cased), in order.
func extractURLs(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range urlPattern.FindAllString(text, -1) {
		m = strings.TrimRight(m, ".,;:!?)]}'")
		k := normalizeURL(m)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, m)
	}
	return out
}

func normalizeURL(u string) string {
	l := strings.ToLower(u)
	l = strings.TrimPrefix(l, "https://")
	l = strings.TrimPrefix(l, "http://")
	return strings.TrimSuffix(l, "/")
}

// countLinks counts the unique URLs over text plus the extra attachments.
func countLinks(text string, extra ...string) int {
	seen := map[string]bool{}
	for _, u := range extractURLs(text) {
		seen[normalizeURL(u)] = true
	}
	for _, u := range extra {
		if u != "" {
			seen[normalizeURL(u)] = true
		}
	}
	return len(seen)
}

// tagTerminators end an in-text #tag (threads-api.md 3.6).
const tagTerminators = ".&@!?,;:#"

// extractTags returns the distinct valid in-text topic tags of text, without
// '#', in order of appearance. A tag starts at '#' that opens the text or
// follows a non-word character, runs until whitespace or a terminator, is
// 1–50 characters long and is not a whole number.
func extractTags(text string) []string {
	var out []string
	seen := map[string]bool{}
	runes := []rune(text)
	for i := 0; i < len(runes); i++ {
		if runes[i] != '#' {
			continue
		}
		if i > 0 {
			p := runes[i-1]
			if unicode.IsLetter(p) || unicode.IsDigit(p) || p == '_' {
				continue
			}
		}
		j := i + 1
		for j < len(runes) && !unicode.IsSpace(runes[j]) && !strings.ContainsRune(tagTerminators, runes[j]) {
			j++
		}
		tag := string(runes[i+1 : j])
		i = j - 1
		if n := utf8.RuneCountInString(tag); n == 0 || n > 50 || isWholeNumber(tag) {
			continue
		}
		k := strings.ToLower(tag)
		if !seen[k] {
			seen[k] = true
			out = append(out, tag)
		}
	}
	return out
}

func isWholeNumber(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}
