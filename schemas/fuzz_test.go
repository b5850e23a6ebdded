package schemas

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// Seed corpora live in testdata/fuzz/<FuzzName>/; f.Add adds a few more.

func FuzzCountText(f *testing.F) {
	for _, s := range []string{"", "a\r\nb", "“quote” 😀", "👨‍👩‍👧🇩🇪1️⃣", "e\u0301\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tc := CountText(s)
		clusters := uniseg.GraphemeClusterCount(s)
		if tc.Length < clusters || tc.Length > len(s) {
			t.Fatalf("Length %d outside [%d clusters, %d bytes]", tc.Length, clusters, len(s))
		}
		if len(tc.Costliest) > 5 {
			t.Fatalf("%d costliest", len(tc.Costliest))
		}
		for i, c := range tc.Costliest {
			if c.Cost < 2 || c.Cost != len(c.Text) || c.Count < 1 || !strings.HasPrefix(s[c.Offset:], c.Text) {
				t.Fatalf("bad cluster %+v", c)
			}
			if i > 0 && tc.Costliest[i-1].Total() < c.Total() {
				t.Fatalf("costliest not sorted: %+v", tc.Costliest)
			}
		}
	})
}

func FuzzTopicTags(f *testing.F) {
	for _, s := range []string{"#go #Go", "C# a#b ##x #1", "https://x.com/#frag #real", "(#go) #東京."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags := TopicTags(s)
		for i, tag := range tags {
			n := utf8.RuneCountInString(tag)
			if n < 1 || n > MaxTopicTagLength {
				t.Fatalf("tag %q has %d runes", tag, n)
			}
			if strings.ContainsAny(tag, ".&@!?,;:# \n\t") {
				t.Fatalf("tag %q holds a terminator", tag)
			}
			if !strings.Contains(s, "#"+tag) {
				t.Fatalf("tag %q not in text", tag)
			}
			for _, other := range tags[:i] {
				if strings.EqualFold(other, tag) {
					t.Fatalf("duplicate tags %q", tags)
				}
			}
		}
		a := PublishTextArgs{Text: s}
		err := a.Validate()
		if len(tags) > 1 && (err == nil || !strings.Contains(err.Error(), "more than one topic tag")) {
			t.Fatalf("two tags %q accepted: %v", tags, err)
		}
	})
}

func FuzzLinks(f *testing.F) {
	for _, s := range [][2]string{{"https://a.com http://A.com/", "https://a.com"}, {"www.x.com/(a) “https://b.org”", ""}, {"https:// http://x", "ftp://y"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, text, attachment string) {
		links := Links(text)
		for _, l := range links {
			if !strings.Contains(text, l) {
				t.Fatalf("link %q not in text", l)
			}
		}
		u := UniqueLinks(text, attachment)
		if len(u) < len(links) || len(u) > len(links)+1 {
			t.Fatalf("UniqueLinks %q vs Links %q", u, links)
		}
	})
}

func FuzzCheckMediaURL(f *testing.F) {
	for _, s := range []string{"https://cdn.example.com/a.jpg", "http://a.com", "https://0x7f.1/", "https://[::ffff:127.0.0.1]/", "https://u@a.com", "javascript:x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for name, check := range map[string]func(string) error{"media": CheckMediaURL, "link": CheckLinkURL} {
			err := check(raw)
			if err != nil {
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Rule == "" || fe.Fix == "" {
					t.Fatalf("%s: rejection %v is not a complete *FieldError", name, err)
				}
				continue
			}
			u, perr := url.Parse(raw)
			if perr != nil || u.Host == "" || u.User != nil || len(raw) > MaxURLLength {
				t.Fatalf("%s: accepted %q", name, raw)
			}
			if name == "media" && u.Scheme != "https" && u.Scheme != "HTTPS" && !strings.EqualFold(u.Scheme, "https") {
				t.Fatalf("media: accepted non-https %q", raw)
			}
			if h := strings.ToLower(u.Hostname()); h == "localhost" || strings.HasSuffix(h, ".localhost") {
				t.Fatalf("%s: accepted localhost %q", name, raw)
			}
		}
	})
}

// validator is the subset of behaviour every Args type has.
type validator interface{ Validate() error }

func FuzzDecodeValidate(f *testing.F) {
	for _, at := range argTypes {
		f.Add([]byte(at.valid))
	}
	f.Add([]byte(`{"items":[{"type":"image","url":"https://10.0.0.1/a"}],"text":"#a #b"}`))
	f.Add([]byte(`{"metrics":["follower_demographics"],"since":"2024-01-01","until":"x"}`))
	f.Add([]byte(`{"post_id":"1","limit":1e3,"Scope":"x"}`))
	f.Add([]byte(`null`))
	validators := make([]*Validator, len(argTypes))
	for i, at := range argTypes {
		v, err := NewValidator(MustInputSchema(at.new()))
		if err != nil {
			f.Fatal(err)
		}
		validators[i] = v
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		for i, at := range argTypes {
			if err := validators[i].Validate(json.RawMessage(raw)); err != nil && AsFieldErrors(err) == nil {
				t.Fatalf("%s: schema rejection %v is not FieldErrors", at.name, err)
			}
			dst := at.new()
			if err := Decode(json.RawMessage(raw), dst); err != nil {
				if AsFieldErrors(err) == nil {
					t.Fatalf("%s: decode rejection %v is not FieldErrors", at.name, err)
				}
				continue
			}
			if n, ok := dst.(interface{ Normalize() }); ok {
				n.Normalize()
			}
			if d, ok := dst.(interface{ Defaults() }); ok {
				d.Defaults()
			}
			if err := dst.(validator).Validate(); err != nil {
				es := AsFieldErrors(err)
				if es == nil {
					t.Fatalf("%s: validate rejection %v is not FieldErrors", at.name, err)
				}
				for _, fe := range es {
					if fe.Field == "" || fe.Rule == "" || fe.Fix == "" {
						t.Fatalf("%s: incomplete FieldError %+v", at.name, fe)
					}
				}
			}
		}
	})
}
