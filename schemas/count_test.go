package schemas

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCountText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"empty", "", 0},
		{"ascii", "Hello, world!", 13},
		{"crlf is one ascii cluster", "a\r\nb", 3},
		{"newline", "a\nb", 3},
		// Meta [S5]: "emojis are counted as the number of UTF-8 bytes".
		{"emoji costs its bytes", "😀", 4},
		{"two emoji", "😀😀", 8},
		{"emoji with skin tone", "👍🏽", 8},
		{"zwj family is one cluster of 18 bytes", "👨‍👩‍👧", 18},
		{"flag", "🇩🇪", 8},
		{"heart with variation selector", "❤️", 6},
		// gitroomhq/postiz-app#1946: curly quotes cost bytes.
		{"left curly quote", "“", 3},
		{"right single quote", "’", 3},
		{"em dash", "—", 3},
		{"ellipsis", "…", 3},
		{"no-break space", "\u00a0", 2},
		{"copyright sign", "©", 2},
		{"euro sign", "€", 3},
		// Letters, marks and numbers cost 1 per cluster.
		{"precomposed e acute", "é", 1},
		{"decomposed e acute", "e\u0301", 1},
		{"german", "Straße", 6},
		{"cyrillic", "Привет", 6},
		{"cjk", "漢字", 2},
		{"hangul syllables", "한국어", 3},
		{"devanagari with vowel sign", "कि", 1},
		{"arabic", "مرحبا", 5},
		{"superscript two is a number", "²", 1},
		{"roman numeral is a number", "Ⅻ", 1},
		{"lone combining mark", "\u0301", 1},
		// Consequence of the rule as decided: a keycap starts with an ASCII digit.
		{"keycap starts with a digit", "1️⃣", 1},
		{"invalid utf-8 byte", "\xff", 1},
		{"mixed", "Café “ok” 😀", 4 + 1 + 3 + 2 + 3 + 1 + 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := CountText(tt.in).Length; got != tt.want {
				t.Errorf("CountText(%q).Length = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

// TestCountTextPostizEvidence reproduces gitroomhq/postiz-app#1946: a text of
// 498 grapheme clusters holding curly quotes (504 UTF-8 bytes) was refused by
// Threads, so it must count over 500.
func TestCountTextPostizEvidence(t *testing.T) {
	t.Parallel()
	text := "“" + strings.Repeat("a", 300) + "” " + strings.Repeat("b", 194) + "’"
	if n := utf8.RuneCountInString(text); n != 498 {
		t.Fatalf("setup: %d runes, want 498", n)
	}
	if len(text) != 504 {
		t.Fatalf("setup: %d bytes, want 504", len(text))
	}
	tc := CountText(text)
	if tc.Length != 504 {
		t.Errorf("Length = %d, want 504", tc.Length)
	}
	if tc.Length <= MaxTextLength {
		t.Errorf("Length %d passes the limit; Threads refused this text", tc.Length)
	}
	a := PublishTextArgs{Text: text}
	err := a.Validate()
	if err == nil {
		t.Fatal("Validate accepted the refused text")
	}
	msg := err.Error()
	for _, want := range []string{"text: too long", "counted 504 of 500", "shorten by at least 4", `"“" with "\""`} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func TestCountTextCostliest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []Cluster
	}{
		{"none", "plain ascii and é", nil},
		{"single", "a😀", []Cluster{{Text: "😀", Cost: 4, Offset: 1, Count: 1}}},
		{
			"ordered by total then first occurrence",
			"“x” 😀 “y” 😀 —",
			[]Cluster{
				{Text: "😀", Cost: 4, Offset: 8, Count: 2},
				{Text: "“", Cost: 3, Offset: 0, Count: 2},
				{Text: "”", Cost: 3, Offset: 4, Count: 2},
				{Text: "—", Cost: 3, Offset: 26, Count: 1},
			},
		},
		{
			"at most five",
			"©®™€£¥😀",
			[]Cluster{
				{Text: "😀", Cost: 4, Offset: 14, Count: 1},
				{Text: "™", Cost: 3, Offset: 4, Count: 1},
				{Text: "€", Cost: 3, Offset: 7, Count: 1},
				{Text: "©", Cost: 2, Offset: 0, Count: 1},
				{Text: "®", Cost: 2, Offset: 2, Count: 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := CountText(tt.in).Costliest
			if len(got) != len(tt.want) {
				t.Fatalf("Costliest = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("Costliest[%d] = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestCountTextManyDistinct(t *testing.T) {
	t.Parallel()
	// More than 16 distinct costly clusters switches to the map index.
	var b strings.Builder
	for r := rune(0x1F600); r < 0x1F600+40; r++ {
		b.WriteRune(r)
		b.WriteRune(r)
	}
	b.WriteString("😀") // U+1F600 a third time: the costliest.
	tc := CountText(b.String())
	if tc.Length != 81*4 {
		t.Errorf("Length = %d, want %d", tc.Length, 81*4)
	}
	if len(tc.Costliest) != 5 || tc.Costliest[0].Text != "😀" || tc.Costliest[0].Count != 3 {
		t.Errorf("Costliest = %+v, want 5 entries led by 😀 ×3", tc.Costliest)
	}
}

func TestCountTextAllocations(t *testing.T) {
	ascii := strings.Repeat("Hello, Threads! ", 30)
	cjk := strings.Repeat("漢字かなカナ한국어Привет ", 20)
	for name, s := range map[string]string{"ascii": ascii, "letters": cjk} {
		if n := testing.AllocsPerRun(20, func() { _ = CountText(s) }); n != 0 {
			t.Errorf("%s: %v allocations per CountText, want 0", name, n)
		}
	}
}

func TestTextLengthErrorMessage(t *testing.T) {
	t.Parallel()
	const head = `text: too long: counted `
	tests := []struct {
		name, text, want string
	}{
		{"swap is enough", strings.Repeat("a", 486) + strings.Repeat("“", 6) + strings.Repeat("😀", 2),
			head + `512 of 500 characters (emoji, symbols and curly quotes count as their UTF-8 bytes; costliest: "“" ×6 = 18, "😀" ×2 = 8). ` +
				`Fix: shorten by at least 12, or replace "“" with "\"" (saves 12, enough on its own).`},
		{"swap saves more than needed", strings.Repeat("a", 490) + strings.Repeat("—", 6),
			head + `508 of 500 characters (emoji, symbols and curly quotes count as their UTF-8 bytes; costliest: "—" ×6 = 18). ` +
				`Fix: shorten by at least 8, or replace "—" with "-" (saves 12, enough on its own).`},
		{"swap is not enough", strings.Repeat("a", 500) + strings.Repeat("“", 4),
			head + `512 of 500 characters (emoji, symbols and curly quotes count as their UTF-8 bytes; costliest: "“" ×4 = 12). ` +
				`Fix: shorten by at least 12, or replace "“" with "\"" (saves 8) and then shorten by at least 4 more.`},
		{"two swaps together", strings.Repeat("a", 495) + "“…”",
			head + `504 of 500 characters (emoji, symbols and curly quotes count as their UTF-8 bytes; costliest: "“" ×1 = 3, "…" ×1 = 3, "”" ×1 = 3). ` +
				`Fix: shorten by at least 4, or replace "“" with "\"", "”" with "\"" (saves 4, enough on its own).`},
		{"ellipsis saves nothing", strings.Repeat("a", 499) + "……",
			head + `505 of 500 characters (emoji, symbols and curly quotes count as their UTF-8 bytes; costliest: "…" ×2 = 6). ` +
				`Fix: shorten by at least 5, or remove some of the costliest emoji or symbols.`},
		{"emoji only", strings.Repeat("a", 496) + "😀😀",
			head + `504 of 500 characters (emoji, symbols and curly quotes count as their UTF-8 bytes; costliest: "😀" ×2 = 8). ` +
				`Fix: shorten by at least 4, or remove some of the costliest emoji or symbols.`},
		{"ascii", strings.Repeat("a", 501),
			head + `501 of 500 characters (emoji, symbols and curly quotes count as their UTF-8 bytes). Fix: shorten by at least 1.`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := textLengthError("text", tt.text, CountText(tt.text), MaxTextLength).Error()
			if got != tt.want {
				t.Errorf("message\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func BenchmarkCountText(b *testing.B) {
	inputs := map[string]string{
		"ascii500":  strings.Repeat("abcdefghij", 50),
		"mixed500":  strings.Repeat("Café “ok” 😀 漢字 ", 25),
		"emoji1000": strings.Repeat("👨‍👩‍👧😀🇩🇪", 100),
	}
	for name, s := range inputs {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				_ = CountText(s)
			}
		})
	}
}
