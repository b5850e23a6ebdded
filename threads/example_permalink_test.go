package threads_test

import (
	"fmt"
	"strings"

	"github.com/threads-mcp/threads-mcp/threads"
)

// ParsePermalink reads the forms people paste; the shortcode is then
// resolved to a media id with ResolveShortcode.
func ExampleParsePermalink() {
	for _, link := range []string{
		"https://www.threads.com/@gopher/post/DAbc123xyz?xmt=AQGz",
		"threads.net/@gopher/post/DAbc123xyz/",
		"https://www.threads.net/t/DAbc123xyz",
		"DAbc123xyz",
	} {
		ref, err := threads.ParsePermalink(link)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%q %s\n", ref.Username, ref.Shortcode)
	}
	// Output:
	// "gopher" DAbc123xyz
	// "gopher" DAbc123xyz
	// "" DAbc123xyz
	// "" DAbc123xyz
}

// SpoilerEntity measures a spoiler range in the unit the client sends.
func ExampleSpoilerEntity() {
	text := "Spoiler 🎬: the butler did it"
	i := strings.Index(text, "the butler")
	e, err := threads.SpoilerEntity(text, i, len(text))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s offset=%d length=%d (%s)\n", e.EntityType, e.Offset, e.Length, threads.EntityOffsetUnit)
	// Output: SPOILER offset=11 length=17 (code_points)
}
