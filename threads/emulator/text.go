package emulator

import (
	"strings"

	"github.com/threads-mcp/threads-mcp/schemas"
)

// countText returns the counted length of s under the project's single
// text-length rule (threads-api.md, decision 1), schemas.CountText: the
// emulator and the server must agree on it.
func countText(s string) int { return schemas.CountText(s).Length }

// extractURLs returns the distinct URLs of text, in order (schemas.Links).
func extractURLs(text string) []string { return schemas.Links(text) }

// countLinks counts the unique URLs over text plus the extra attachments
// (decision 4's counting, schemas.UniqueLinks).
func countLinks(text string, extra ...string) int {
	links := schemas.Links(text)
	for _, e := range extra {
		links = schemas.UniqueLinks(strings.Join(links, " "), e)
	}
	return len(links)
}

// extractTags returns the distinct valid in-text topic tags of text, without
// '#', in order of appearance (schemas.TopicTags).
func extractTags(text string) []string { return schemas.TopicTags(text) }
