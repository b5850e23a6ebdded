package schemas

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxURLLength is the longest media or link URL accepted.
const MaxURLLength = 2048

// MaxIDLength is the longest Threads id accepted, in digits.
const MaxIDLength = 30

// IDPattern is the JSON Schema pattern of a Threads id.
const IDPattern = `^[0-9]{1,30}$`

// Links returns the URLs found in text, deduplicated, in order of first
// appearance, as written. Recognised are http:// and https:// URLs (scheme in
// any case) and bare hosts starting with "www." (www.example.com/path); other
// bare domains ("example.com") are not counted, because telling them from
// ordinary words ("file.txt") is guesswork. A URL ends at whitespace, a
// control character, <, >, " or `, or a non-ASCII symbol such as an emoji;
// trailing punctuation (.,;:!?'*, unbalanced ) ] }, and non-ASCII punctuation
// such as curly quotes) is not part of it. Two URLs are the same link when they
// differ only in scheme, in the case of the host or in a trailing "/".
func Links(text string) []string {
	var out []string
	var seen map[string]bool
	for _, sp := range linkSpans(text) {
		u := text[sp[0]:sp[1]]
		k := linkKey(u)
		if seen == nil {
			seen = make(map[string]bool)
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, u)
		}
	}
	return out
}

// UniqueLinks returns the links that count against MaxLinks: the unique URLs
// of text, plus linkAttachment when it is set and differs from every URL in
// the text. Meta documents the limit of 5 unique links per post, counted over
// the text and link_attachment, and the THREADS_API__LINK_LIMIT_EXCEEDED
// error beyond it (https://developers.facebook.com/docs/threads/posts,
// changelog entry of December 22, 2025).
func UniqueLinks(text, linkAttachment string) []string {
	out := Links(text)
	la := strings.TrimSpace(linkAttachment)
	if la == "" {
		return out
	}
	k := linkKey(la)
	for _, u := range out {
		if linkKey(u) == k {
			return out
		}
	}
	return append(out, la)
}

// containsString reports whether list holds s.
func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// linkKey is the comparison key of a URL: no scheme, lower-case host, no
// trailing "/".
func linkKey(u string) string {
	rest := u
	if i := strings.Index(rest, "://"); i >= 0 && isScheme(rest[:i]) {
		rest = rest[i+3:]
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	key := strings.ToLower(rest[:end]) + rest[end:]
	return strings.TrimSuffix(key, "/")
}

// isScheme reports whether s is "http" or "https" in any case.
func isScheme(s string) bool {
	return strings.EqualFold(s, "http") || strings.EqualFold(s, "https")
}

// linkSpans returns the byte ranges [start, end) of the links in text.
func linkSpans(text string) [][2]int {
	var spans [][2]int
	i := 0
	for i < len(text) {
		start, hostStart, ok := linkStartAt(text, i)
		if !ok {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
			continue
		}
		end := linkEnd(text, hostStart)
		if end > hostStart && validLinkHost(text[hostStart:end], start == hostStart) {
			spans = append(spans, [2]int{start, end})
			i = end
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i = max(hostStart, i+size)
	}
	return spans
}

// linkStartAt reports whether a link starts at byte i of text, and where its
// host begins.
func linkStartAt(text string, i int) (start, hostStart int, ok bool) {
	if i > 0 {
		prev, _ := utf8.DecodeLastRuneInString(text[:i])
		if unicode.IsLetter(prev) || unicode.IsNumber(prev) || prev == '_' || prev == '/' || prev == '.' || prev == '@' || prev == '-' {
			return 0, 0, false
		}
	}
	rest := text[i:]
	switch {
	case hasPrefixFold(rest, "https://"):
		return i, i + len("https://"), true
	case hasPrefixFold(rest, "http://"):
		return i, i + len("http://"), true
	case hasPrefixFold(rest, "www."):
		return i, i, true
	}
	return 0, 0, false
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// linkEnd returns the end of a link whose host starts at byte from.
func linkEnd(text string, from int) int {
	end := from
	for end < len(text) {
		r, size := utf8.DecodeRuneInString(text[end:])
		if !urlRune(r) {
			break
		}
		end += size
	}
	// Trim trailing punctuation; a closing bracket only when unbalanced.
	var open, closed [3]int
	for i := from; i < end; i++ {
		if k := strings.IndexByte("([{", text[i]); k >= 0 {
			open[k]++
		} else if k := strings.IndexByte(")]}", text[i]); k >= 0 {
			closed[k]++
		}
	}
	for end > from {
		r, size := utf8.DecodeLastRuneInString(text[from:end])
		trim := false
		switch {
		case strings.ContainsRune(".,;:!?'*\"", r):
			trim = true
		case r == ')' || r == ']' || r == '}':
			k := strings.IndexRune(")]}", r)
			trim = open[k] < closed[k]
			if trim {
				closed[k]--
			}
		case r >= utf8.RuneSelf && unicode.IsPunct(r):
			trim = true
		}
		if !trim {
			break
		}
		end -= size
	}
	return end
}

// urlRune reports whether r may appear inside a link in text.
func urlRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r > ' ' && r != 0x7f && !strings.ContainsRune("<>\"`", r)
	}
	if r == utf8.RuneError {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r) || unicode.IsPunct(r)
}

// validLinkHost reports whether s (a link without its scheme) starts with a
// plausible host: a dotted name or an IP literal. A bare link (no scheme)
// needs a dot after "www.", as in www.example.com.
func validLinkHost(s string, bare bool) bool {
	end := strings.IndexAny(s, "/?#")
	if end < 0 {
		end = len(s)
	}
	host := s[:end]
	if at := strings.LastIndexByte(host, '@'); at >= 0 {
		host = host[at+1:]
	}
	if strings.HasPrefix(host, "[") {
		return strings.Contains(host, "]")
	}
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	if host == "" || strings.HasPrefix(host, ".") || strings.HasPrefix(host, "-") {
		return false
	}
	if bare && !strings.Contains(strings.TrimSuffix(host[min(4, len(host)):], "."), ".") {
		return false
	}
	dot := strings.LastIndexByte(strings.TrimSuffix(host, "."), '.')
	if dot < 0 {
		return strings.EqualFold(host, "localhost")
	}
	return dot < len(host)-1
}

// urlRules says which schemes a URL check accepts.
type urlRules struct {
	schemes []string // lower case
	what    string   // "media URL" or "link"
}

// CheckMediaURL checks a media URL that Meta will download (image_url,
// video_url, carousel item url): an absolute https URL of at most 2048
// characters with a public host. Rejected are other schemes (http, file,
// data, javascript, …), user info (user:pass@), localhost and *.localhost,
// *.local and *.internal names, IP literals that are loopback, private,
// link-local, unspecified, multicast, CGNAT (100.64.0.0/10), unique-local
// (fc00::/7) or such addresses embedded in IPv6 (IPv4-mapped, NAT64, 6to4),
// and numeric host tricks (2130706433, 0x7f.1, 0177.0.0.1, 127.1): a host
// whose last label is numeric must be a canonical dotted-quad IPv4 address.
// The error is a *FieldError for field "url".
func CheckMediaURL(raw string) error {
	if fe := checkURL("url", raw, urlRules{schemes: []string{"https"}, what: "media URL"}); fe != nil {
		return fe
	}
	return nil
}

// CheckLinkURL checks a link_attachment: an absolute http or https URL with
// the same length and host rules as CheckMediaURL. The error is a
// *FieldError for field "link_attachment".
func CheckLinkURL(raw string) error {
	if fe := checkLinkURL("link_attachment", raw); fe != nil {
		return fe
	}
	return nil
}

// checkMediaURL is CheckMediaURL for a named field.
func checkMediaURL(field, raw string) *FieldError {
	return checkURL(field, raw, urlRules{schemes: []string{"https"}, what: "media URL"})
}

// checkLinkURL is CheckLinkURL for a named field.
func checkLinkURL(field, raw string) *FieldError {
	return checkURL(field, raw, urlRules{schemes: []string{"http", "https"}, what: "link"})
}

// checkURL applies rules to raw.
func checkURL(field, raw string, rules urlRules) *FieldError {
	want := strings.Join(rules.schemes, " or ")
	example := "https://example.com/photo.jpg"
	if rules.what == "link" {
		example = "https://example.com/article"
	}
	bad := func(rule, detail, fix string) *FieldError {
		return newFieldError(field, rule, raw, detail, fix)
	}
	if raw == "" {
		return bad("required", "", fmt.Sprintf("give an absolute %s URL such as %s", want, example))
	}
	if len(raw) > MaxURLLength {
		return bad("too long", fmt.Sprintf("%d bytes, limit %d", len(raw), MaxURLLength), "use a shorter URL")
	}
	for _, r := range raw {
		if r <= ' ' || r == 0x7f || unicode.IsSpace(r) || r == utf8.RuneError || !unicode.IsPrint(r) {
			return bad("invalid character", fmt.Sprintf("%s contains whitespace or a control character", quote(truncate(raw))), "percent-encode spaces (%20) and remove control characters")
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad("not a URL", fmt.Sprintf("%s does not parse as a URL", quote(truncate(raw))), fmt.Sprintf("give an absolute %s URL such as %s", want, example))
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme == "" {
		return bad("not absolute", fmt.Sprintf("%s has no scheme", quote(truncate(raw))), fmt.Sprintf("give an absolute %s URL such as %s", want, example))
	}
	if !containsString(rules.schemes, scheme) {
		fix := fmt.Sprintf("give an absolute %s URL such as %s", want, example)
		if scheme == "http" {
			fix = "Threads downloads media only over https: host the file on an https URL"
		}
		return bad("scheme not allowed", fmt.Sprintf("%s uses %q; only %s is accepted for a %s", quote(truncate(raw)), scheme, want, rules.what), fix)
	}
	if u.Opaque != "" || u.Host == "" {
		return bad("host required", fmt.Sprintf("%s has no host", quote(truncate(raw))), fmt.Sprintf("write it as %s://host/path", scheme))
	}
	if u.User != nil {
		return bad("user info not allowed", "the URL carries a user name or password before the host", "remove the user:password@ part; the URL must be publicly reachable without credentials")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return bad("invalid port", fmt.Sprintf("port %q", p), "use a port between 1 and 65535, or none")
		}
	}
	if reason := hostProblem(u.Hostname()); reason != "" {
		return bad("host not public", fmt.Sprintf("host %s %s", quote(truncate(u.Hostname())), reason), "use a publicly reachable host name; Meta fetches the URL from the internet")
	}
	return nil
}

// hostProblem explains why host cannot be a public host, or returns "".
func hostProblem(host string) string {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "" {
		return "is empty"
	}
	if strings.ContainsAny(h, "%[]") {
		return "contains percent-encoding or brackets"
	}
	if strings.Contains(h, ":") { // IPv6 literal
		addr, err := netip.ParseAddr(h)
		if err != nil {
			return "is not a valid IPv6 address"
		}
		if addr.Zone() != "" {
			return "has an IPv6 zone"
		}
		return addrProblem(addr)
	}
	switch {
	case h == "localhost" || strings.HasSuffix(h, ".localhost"):
		return "is localhost"
	case strings.HasSuffix(h, ".local") || strings.HasSuffix(h, ".internal") || strings.HasSuffix(h, ".home.arpa") || h == "localhost.localdomain":
		return "is a local-network name"
	}
	labels := strings.Split(h, ".")
	for _, l := range labels {
		if l == "" {
			return "has an empty label"
		}
	}
	last := labels[len(labels)-1]
	if numericLabel(last) {
		addr, err := netip.ParseAddr(h)
		if err != nil || !addr.Is4() {
			return "is a numeric address in a non-canonical form (decimal, hex, octal or shortened)"
		}
		return addrProblem(addr)
	}
	if !strings.Contains(h, ".") {
		return "is a single-label name, not a public domain"
	}
	return ""
}

// numericLabel reports whether l is all digits or a 0x hex number.
func numericLabel(l string) bool {
	if len(l) > 1 && l[0] == '0' && (l[1] == 'x' || l[1] == 'X') {
		l = l[2:]
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
		return true
	}
	if l == "" {
		return false
	}
	for i := 0; i < len(l); i++ {
		if l[i] < '0' || l[i] > '9' {
			return false
		}
	}
	return true
}

// inPrefix reports whether addr lies in the prefix written as p.
func inPrefix(addr netip.Addr, p string) bool {
	return netip.MustParsePrefix(p).Contains(addr)
}

// addrProblem explains why addr is not a public unicast address, or returns "".
func addrProblem(addr netip.Addr) string {
	addr = addr.Unmap()
	switch {
	case addr.IsUnspecified():
		return "is an unspecified address"
	case addr.IsLoopback():
		return "is a loopback address"
	case addr.IsPrivate():
		return "is a private address"
	case addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast():
		return "is a link-local address"
	case addr.IsMulticast() || addr.IsInterfaceLocalMulticast():
		return "is a multicast address"
	case addr.Is4() && inPrefix(addr, "100.64.0.0/10"):
		return "is a carrier-grade NAT address (100.64.0.0/10)"
	case addr.Is4() && (inPrefix(addr, "0.0.0.0/8") || inPrefix(addr, "198.18.0.0/15") || inPrefix(addr, "240.0.0.0/4")):
		return "is a reserved address"
	case !addr.IsGlobalUnicast():
		return "is not a public unicast address"
	}
	if addr.Is6() {
		b := addr.As16()
		var v4 netip.Addr
		switch {
		case inPrefix(addr, "64:ff9b:1::/48"):
			return "is a local-use NAT64 address"
		case inPrefix(addr, "64:ff9b::/96") || inPrefix(addr, "::/96"):
			v4 = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
		case inPrefix(addr, "2002::/16"):
			v4 = netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]})
		}
		if v4.IsValid() {
			if p := addrProblem(v4); p != "" {
				return fmt.Sprintf("embeds IPv4 address %s, which %s", v4, p)
			}
		}
	}
	return ""
}

// CheckID checks a Threads id: a non-empty string of at most 30 decimal
// digits. The error is a *FieldError for field "id".
func CheckID(id string) error {
	if fe := checkID("id", id); fe != nil {
		return fe
	}
	return nil
}

// checkID is CheckID for a named field.
func checkID(field, id string) *FieldError {
	fix := "give the numeric Threads id as a string of digits, e.g. \"17889615691921648\", as returned by a previous tool result"
	if id == "" {
		return newFieldError(field, "required", "", "", fix)
	}
	if len(id) > MaxIDLength {
		return newFieldError(field, "invalid id", id, fmt.Sprintf("%d characters, a Threads id has at most %d digits", len(id), MaxIDLength), fix)
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return newFieldError(field, "invalid id", id, fmt.Sprintf("%s is not a string of decimal digits", quote(truncate(id))), fix)
		}
	}
	return nil
}
