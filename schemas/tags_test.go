package schemas

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestTopicTags(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 50)
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"none", "no tags here", nil},
		{"one", "Hello #golang world", []string{"golang"}},
		{"at start", "#go rocks", []string{"go"}},
		{"at end", "rocks #go", []string{"go"}},
		{"ends at period", "#go.", []string{"go"}},
		{"ends at each terminator", "#a& #b@ #c! #d? #e, #f; #g: #h\n#i\t", []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}},
		{"ends at hash", "#a#b", []string{"a"}},
		{"digits only is not a tag", "#1 and #2024", nil},
		{"digits then letters is a tag", "#2024goals", []string{"2024goals"}},
		{"bare hash", "# and #.", nil},
		{"inside a word", "C# and a#b", nil},
		{"double hash", "##x", nil},
		{"after punctuation", "(#go) \"#rust\"", []string{"go)", "rust\""}},
		{"unicode tag", "#café #東京", []string{"café", "東京"}},
		{"fifty characters", "#" + long, []string{long}},
		{"fifty-one characters is not a tag", "#" + long + "y", nil},
		{"case-insensitive distinct keeps first spelling", "#Go #go #GO", []string{"Go"}},
		{"order of appearance", "#b #a #b", []string{"b", "a"}},
		{"url fragment ignored", "see https://x.com/#frag and https://x.com/page#top", nil},
		{"www fragment ignored", "www.example.com/#frag", nil},
		{"tag after url", "https://x.com/#frag #real", []string{"real"}},
		{"emoji after tag", "#go😀", []string{"go😀"}},
		{"no-break space ends", "#go\u00a0now", []string{"go"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := TopicTags(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("TopicTags(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckTopicTag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tag      string
		wantRule string // "" = valid
	}{
		{"golang", ""},
		{"#golang", ""},
		{"Book Threads", ""},
		{"東京", ""},
		{strings.Repeat("a", 50), ""},
		{strings.Repeat("é", 50), ""},
		{"", "empty"},
		{"#", "empty"},
		{strings.Repeat("a", 51), "too long"},
		{"a.b", "forbidden character"},
		{"a&b", "forbidden character"},
		{"a#b", "forbidden character"},
		{"##a", "forbidden character"},
		{"a\nb", "forbidden character"},
		{" go", "surrounding whitespace"},
		{"go ", "surrounding whitespace"},
	}
	for _, tt := range tests {
		t.Run(tt.tag, func(t *testing.T) {
			t.Parallel()
			err := CheckTopicTag(tt.tag)
			if tt.wantRule == "" {
				if err != nil {
					t.Fatalf("CheckTopicTag(%q) = %v, want nil", tt.tag, err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("CheckTopicTag(%q) = %v, want *FieldError", tt.tag, err)
			}
			if fe.Field != "topic_tag" || fe.Rule != tt.wantRule || fe.Fix == "" {
				t.Errorf("CheckTopicTag(%q) = %+v, want field topic_tag, rule %q, a fix", tt.tag, fe, tt.wantRule)
			}
		})
	}
}

func TestNormalizeTopicTag(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{" #go ": "go", "go": "go", "##go": "#go", "# go": "go", "": ""} {
		if got := NormalizeTopicTag(in); got != want {
			t.Errorf("NormalizeTopicTag(%q) = %q, want %q", in, got, want)
		}
	}
}
