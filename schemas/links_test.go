package schemas

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestLinks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"none", "no links, example.com is not counted", nil},
		{"https", "read https://example.com/a?b=1 now", []string{"https://example.com/a?b=1"}},
		{"http and case", "HTTP://Example.com/x", []string{"HTTP://Example.com/x"}},
		{"www", "go to www.example.org/path.", []string{"www.example.org/path"}},
		{"trailing punctuation", "(see https://a.com/x), https://b.com!", []string{"https://a.com/x", "https://b.com"}},
		{"balanced parens kept", "https://en.wikipedia.org/wiki/Go_(language)", []string{"https://en.wikipedia.org/wiki/Go_(language)"}},
		{"curly quotes trimmed", "“https://a.com/x”", []string{"https://a.com/x"}},
		{"emoji ends", "https://a.com/x😀", []string{"https://a.com/x"}},
		{"dedupe scheme host case trailing slash", "https://a.com http://A.com/ www.x.com https://www.x.com", []string{"https://a.com", "www.x.com"}},
		{"path case matters", "https://a.com/X https://a.com/x", []string{"https://a.com/X", "https://a.com/x"}},
		{"scheme only is not a link", "https:// and http://", nil},
		{"bare www is not a link", "www. and www.x and www", nil},
		{"invalid www then link", "www. https://a.com", []string{"https://a.com"}},
		{"single label host is not a link", "http://intranet/x", nil},
		{"localhost is a link", "http://localhost:8080/x", []string{"http://localhost:8080/x"}},
		{"ip host", "https://1.2.3.4/x", []string{"https://1.2.3.4/x"}},
		{"glued to a word is not a link", "xhttps://a.com", nil},
		{"non-ascii path", "https://de.wikipedia.org/wiki/Straße", []string{"https://de.wikipedia.org/wiki/Straße"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Links(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Links(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestUniqueLinks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text, attachment string
		want                   int
	}{
		{"text only", "https://a.com https://b.com", "", 2},
		{"attachment already in text", "https://a.com https://b.com", "https://a.com/", 2},
		{"attachment new", "https://a.com", "https://c.com", 2},
		{"attachment alone", "hi", "https://c.com", 1},
		{"five plus attachment", "https://1.com https://2.com https://3.com https://4.com https://5.com", "https://6.com", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := UniqueLinks(tt.text, tt.attachment); len(got) != tt.want {
				t.Errorf("UniqueLinks = %q, want %d links", got, tt.want)
			}
		})
	}
}

func TestCheckMediaURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url      string
		wantRule string // "" = valid
	}{
		{"https://cdn.example.com/photo.jpg", ""},
		{"HTTPS://CDN.Example.com/photo.jpg?x=1#f", ""},
		{"https://example.com:8443/a.mp4", ""},
		{"https://8.8.8.8/a.jpg", ""},
		{"https://[2001:4860:4860::8888]/a.jpg", ""},
		{"https://example.com./a.jpg", ""},
		{"", "required"},
		{"https://example.com/" + strings.Repeat("a", 2048), "too long"},
		{"https://example.com/a b.jpg", "invalid character"},
		{"https://example.com/a\n.jpg", "invalid character"},
		{"http://example.com/a.jpg", "scheme not allowed"},
		{"ftp://example.com/a.jpg", "scheme not allowed"},
		{"file:///etc/passwd", "scheme not allowed"},
		{"data:image/png;base64,AAAA", "scheme not allowed"},
		{"javascript:alert(1)", "scheme not allowed"},
		{"//example.com/a.jpg", "not absolute"},
		{"/a.jpg", "not absolute"},
		{"https:a.jpg", "host required"},
		{"https:///a.jpg", "host required"},
		{"https://user:pass@example.com/a.jpg", "user info not allowed"},
		{"https://user@example.com/a.jpg", "user info not allowed"},
		{"https://example.com:0/a.jpg", "invalid port"},
		{"https://localhost/a.jpg", "host not public"},
		{"https://LOCALHOST./a.jpg", "host not public"},
		{"https://img.localhost/a.jpg", "host not public"},
		{"https://printer.local/a.jpg", "host not public"},
		{"https://metadata.google.internal/a", "host not public"},
		{"https://intranet/a.jpg", "host not public"},
		{"https://127.0.0.1/a.jpg", "host not public"},
		{"https://10.1.2.3/a.jpg", "host not public"},
		{"https://172.16.0.1/a.jpg", "host not public"},
		{"https://192.168.1.1/a.jpg", "host not public"},
		{"https://169.254.169.254/latest/meta-data", "host not public"},
		{"https://0.0.0.0/a.jpg", "host not public"},
		{"https://100.64.0.1/a.jpg", "host not public"},
		{"https://224.0.0.1/a.jpg", "host not public"},
		{"https://255.255.255.255/a.jpg", "host not public"},
		{"https://[::1]/a.jpg", "host not public"},
		{"https://[::]/a.jpg", "host not public"},
		{"https://[fe80::1]/a.jpg", "host not public"},
		{"https://[fd00::1]/a.jpg", "host not public"},
		{"https://[fc00::1]/a.jpg", "host not public"},
		{"https://[::ffff:127.0.0.1]/a.jpg", "host not public"},
		{"https://[::ffff:7f00:1]/a.jpg", "host not public"},
		{"https://[::ffff:10.0.0.1]/a.jpg", "host not public"},
		{"https://[64:ff9b::a00:1]/a.jpg", "host not public"},
		{"https://[2002:c0a8:101::1]/a.jpg", "host not public"},
		{"https://[fe80::1%25eth0]/a.jpg", "host not public"},
		{"https://2130706433/a.jpg", "host not public"},
		{"https://0x7f000001/a.jpg", "host not public"},
		{"https://0x7f.0.0.1/a.jpg", "host not public"},
		{"https://0177.0.0.1/a.jpg", "host not public"},
		{"https://127.1/a.jpg", "host not public"},
		{"https://017700000001/a.jpg", "host not public"},
		{"https://1.2.3.4.5/a.jpg", "host not public"},
		{"https://a..b.com/a.jpg", "host not public"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			err := CheckMediaURL(tt.url)
			if tt.wantRule == "" {
				if err != nil {
					t.Fatalf("CheckMediaURL(%q) = %v, want nil", tt.url, err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("CheckMediaURL(%q) = %v, want *FieldError", tt.url, err)
			}
			if fe.Field != "url" || fe.Rule != tt.wantRule || fe.Fix == "" {
				t.Errorf("CheckMediaURL(%q) = %+v, want rule %q with a fix", tt.url, fe, tt.wantRule)
			}
		})
	}
}

func TestCheckLinkURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url      string
		wantRule string
	}{
		{"https://example.com/article", ""},
		{"http://example.com/article", ""},
		{"ftp://example.com/", "scheme not allowed"},
		{"javascript:alert(1)", "scheme not allowed"},
		{"example.com", "not absolute"},
		{"http://localhost:3000/", "host not public"},
		{"http://192.168.0.1/", "host not public"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			t.Parallel()
			err := CheckLinkURL(tt.url)
			var fe *FieldError
			switch {
			case tt.wantRule == "" && err != nil:
				t.Errorf("CheckLinkURL(%q) = %v, want nil", tt.url, err)
			case tt.wantRule != "" && (!errors.As(err, &fe) || fe.Rule != tt.wantRule || fe.Field != "link_attachment"):
				t.Errorf("CheckLinkURL(%q) = %v, want rule %q on link_attachment", tt.url, err, tt.wantRule)
			}
		})
	}
}

func TestCheckID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id       string
		wantRule string
	}{
		{"17889615691921648", ""},
		{"1", ""},
		{strings.Repeat("9", 30), ""},
		{"", "required"},
		{strings.Repeat("9", 31), "invalid id"},
		{"12a", "invalid id"},
		{"-1", "invalid id"},
		{" 1", "invalid id"},
		{"１２", "invalid id"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			t.Parallel()
			err := CheckID(tt.id)
			var fe *FieldError
			switch {
			case tt.wantRule == "" && err != nil:
				t.Errorf("CheckID(%q) = %v, want nil", tt.id, err)
			case tt.wantRule != "" && (!errors.As(err, &fe) || fe.Rule != tt.wantRule || fe.Field != "id"):
				t.Errorf("CheckID(%q) = %v, want rule %q", tt.id, err, tt.wantRule)
			}
		})
	}
}

// TestLargeInputsStayLinear guards against quadratic scans: each call would
// take minutes if the link, bracket or tag scans were quadratic.
func TestLargeInputsStayLinear(t *testing.T) {
	t.Parallel()
	brackets := "https://a.com/" + strings.Repeat(")", 200000)
	if got := Links(brackets); len(got) != 1 || got[0] != "https://a.com/" {
		t.Errorf("Links(brackets) = %q", got[0][:20])
	}
	var b strings.Builder
	for i := range 20000 {
		fmt.Fprintf(&b, "#t%d https://h%d.example.com www. ", i, i)
	}
	text := b.String()
	if n := len(TopicTags(text)); n != 20000 {
		t.Errorf("TopicTags found %d tags, want 20000", n)
	}
	if n := len(Links(text)); n != 20000 {
		t.Errorf("Links found %d links, want 20000", n)
	}
	a := PublishTextArgs{Text: text}
	if err := a.Validate(); err == nil {
		t.Error("Validate accepted a huge text")
	}
}

func TestLongListsAreShortened(t *testing.T) {
	t.Parallel()
	a := PublishTextArgs{Text: "#a #b #c #d #e #f #g #h #i #j #k #l " + links(12)}
	msg := a.Validate().Error()
	for _, want := range []string{"#j and 2 more", "site9.example.com/p\" and 2 more"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}
