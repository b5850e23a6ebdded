package schemas

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestSplitText(t *testing.T) {
	sentence := func(i int) string { return fmt.Sprintf("Sentence number %d says something of medium length here.", i) }
	var sentences []string
	for i := range 30 {
		sentences = append(sentences, sentence(i))
	}
	para := func(n int, c string) string { return strings.TrimSpace(strings.Repeat(c+" ", n/2)) }
	tests := []struct {
		name     string
		text     string
		numbered bool
		parts    int
		check    func(t *testing.T, parts []string)
	}{
		{"fits in one", "one\n\ntwo\n\nthree", false, 1, func(t *testing.T, p []string) {
			if p[0] != "one\n\ntwo\n\nthree" {
				t.Errorf("paragraphs not kept: %q", p[0])
			}
		}},
		{"paragraph boundaries", para(300, "a") + "\n\n" + para(300, "b") + "\n \n" + para(100, "c"), false, 2, func(t *testing.T, p []string) {
			if !strings.HasPrefix(p[1], "b") || !strings.Contains(p[1], "\n\nc") {
				t.Errorf("second part %q", p[1])
			}
		}},
		{"sentence boundaries", strings.Join(sentences, " "), false, 4, func(t *testing.T, p []string) {
			for i, s := range p {
				if !strings.HasSuffix(s, ".") {
					t.Errorf("part %d does not end a sentence: %q", i, s[len(s)-20:])
				}
			}
		}},
		{"word boundaries", strings.Repeat("word ", 300), false, 3, func(t *testing.T, p []string) {
			for i, s := range p {
				if strings.Contains(strings.ReplaceAll(s, "word", ""), "wor") || strings.Trim(s, "word ") != "" {
					t.Errorf("part %d splits a word", i)
				}
			}
		}},
		{"one huge word", strings.Repeat("x", 1200), false, 3, nil},
		{"emoji count 4", strings.Repeat("😀 ", 300), false, 3, nil},
		{"numbered", strings.Join(sentences, " "), true, 4, func(t *testing.T, p []string) {
			for i, s := range p {
				if !strings.HasSuffix(s, fmt.Sprintf(" %d/4", i+1)) {
					t.Errorf("part %d lacks its number: %q", i, s)
				}
			}
		}},
		{"numbered with two digits", strings.Repeat("word ", 1100), true, 12, func(t *testing.T, p []string) {
			if !strings.HasSuffix(p[11], " 12/12") || !strings.HasSuffix(p[0], " 1/12") {
				t.Errorf("numbers: %q … %q", p[0][len(p[0])-8:], p[11][len(p[11])-8:])
			}
		}},
	}
	number := regexp.MustCompile(` \d+/\d+$`)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			parts := SplitText(tc.text, tc.numbered)
			if len(parts) != tc.parts {
				t.Fatalf("%d parts, want %d", len(parts), tc.parts)
			}
			var words []string
			for i, p := range parts {
				if n := CountText(p).Length; n > MaxTextLength || n == 0 {
					t.Errorf("part %d counts %d", i, n)
				}
				words = append(words, strings.Fields(number.ReplaceAllString(p, ""))...)
			}
			if tc.name != "one huge word" && strings.Join(words, " ") != strings.Join(strings.Fields(tc.text), " ") {
				t.Errorf("the parts do not hold the text's words in order")
			}
			if tc.check != nil {
				tc.check(t, parts)
			}
		})
	}
}

func TestPublishThreadValidate(t *testing.T) {
	img := func(u string) *CarouselItemArgs { return &CarouselItemArgs{Type: "image", URL: u} }
	parts := func(texts ...string) []ThreadPartArgs {
		out := make([]ThreadPartArgs, len(texts))
		for i, s := range texts {
			out[i].Text = s
		}
		return out
	}
	tests := []struct {
		name string
		args PublishThreadArgs
		want string // the whole error text
	}{
		{"no parts", PublishThreadArgs{}, "parts: required. Fix: give 2 to 25 parts, or one long text with split: true."},
		{"one part", PublishThreadArgs{Parts: parts("a")}, "parts: too few parts: got 1 part; a thread has 2 to 25. Fix: add a second part, or use publish_text or publish_media for a single post."},
		{"26 parts", PublishThreadArgs{Parts: parts(strings.Split(strings.Repeat("x,", 26), ",")[:26]...)}, "parts: too many parts: got 26 parts; a thread has 2 to 25. Fix: remove at least 1 parts, or publish two threads."},
		{"empty part", PublishThreadArgs{Parts: parts("a", " ")}, `parts[1].text: required: a part needs text, media or (first part) items. Fix: give the part's text.`},
		{"long part", PublishThreadArgs{Parts: parts("a", strings.Repeat("b", 501))}, "parts[1].text: too long: counted 501 of 500 characters"},
		{"bad media", PublishThreadArgs{Parts: []ThreadPartArgs{{Text: "a"}, {Text: "b", Media: img("http://x.com/a.jpg")}}}, "parts[1].media.url: "},
		{"carousel not first", PublishThreadArgs{Parts: []ThreadPartArgs{{Text: "a"}, {Text: "b", Items: []CarouselItemArgs{*img("https://x.com/1.jpg"), *img("https://x.com/2.jpg")}}}},
			"parts[1].items: first part only: only the first part of a thread may be a carousel. Fix: give parts[1] one image or video in media, or move the carousel to parts[0]."},
		{"carousel and media", PublishThreadArgs{Parts: []ThreadPartArgs{{Text: "a", Media: img("https://x.com/0.jpg"), Items: []CarouselItemArgs{*img("https://x.com/1.jpg"), *img("https://x.com/2.jpg")}}, {Text: "b"}}},
			`parts[0].media: not with items: a part carries media or a carousel, not both. Fix: keep only one of media and items.`},
		{"repeated item", PublishThreadArgs{Parts: []ThreadPartArgs{{Items: []CarouselItemArgs{*img("https://x.com/1.jpg"), *img("https://x.com/1.jpg")}}, {Text: "b"}}},
			`parts[0].items[1].url: repeated item`},
		{"text without split", PublishThreadArgs{Parts: parts("a", "b"), Text: "c"}, `text: only with split: text is the input of split: true. Fix: set split: true to split it into parts, or give the parts in parts.`},
		{"split without text", PublishThreadArgs{Split: true}, `text: required: split: true needs the text to split. Fix: give the long text in text.`},
		{"split of a short text", PublishThreadArgs{Split: true, Text: "short"}, `parts: too few parts: got 1 part; a thread has 2 to 25. Fix: the text fits in one post: use publish_text.`},
		{"split too long", PublishThreadArgs{Split: true, Text: strings.Repeat("word ", 2600)}, `text: too many parts: got 26 parts; a thread has 2 to 25. Fix: shorten the text: it splits into 26 parts.`},
		{"two tags in a part", PublishThreadArgs{Parts: parts("a", "#one #two")}, "parts[1].text: "},
		{"topic tag vs first part", PublishThreadArgs{TopicTag: "go", Parts: parts("#rust", "b")}, `topic_tag: conflicting topic tags: topic_tag is "go" but the text holds the tag #rust`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.args
			a.Normalize()
			a.Defaults()
			err := a.Validate()
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got  %v\nwant %s", err, tc.want)
			}
		})
	}
	ok := PublishThreadArgs{Split: true, Numbering: true, Text: strings.Repeat("word ", 300)}
	ok.Defaults()
	if err := ok.Validate(); err != nil || len(ok.Parts) != 4 {
		t.Errorf("split thread: %v, %d parts", err, len(ok.Parts))
	}
}
