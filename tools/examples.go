package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Example is a worked example of a tool call, shown in the README
// reference. The tests run every one: validate_post accepts it and the
// sandbox publishes it, so the examples cannot drift from the tools.
type Example struct {
	// Title says what the example does.
	Title string
	// Tool is the tool called.
	Tool string
	// Arguments are the call's arguments, as JSON.
	Arguments string
}

// Examples returns the worked examples, in the order the reference shows them.
func Examples() []Example {
	return []Example{
		{"A three-part thread, the second part with a picture (the same arguments to validate_post, with \"tool\": \"publish_thread\", " +
			"show the containers it would create without posting)", "publish_thread", `{
  "idempotency_key": "launch-thread-1",
  "topic_tag": "golang",
  "parts": [
    {"text": "We just shipped threads-mcp 1.0. A thread on what it does 🧵"},
    {"text": "It posts text, media, carousels and whole threads.",
     "media": {"type": "image", "url": "https://example.com/screenshot.png", "alt_text": "The tool list"}},
    {"text": "Every rule is checked before anything is sent, and nothing is ever posted twice."}
  ]}`},
		{"One long text split into a numbered thread, at paragraphs, then sentences, then words", "publish_thread", `{
  "split": true,
  "numbering": true,
  "text": "Threads caps a post at 500 counted characters, so a long announcement needs several posts, each replying to the one before.\n\nThe server splits the text where a reader would pause: between paragraphs first, then between sentences, and only then between words. Each part ends with its number, and the number counts toward the limit, so no part is refused for being a few characters too long.\n\nEvery part is checked before the first one is posted, the quota for all of them is checked up front, and one idempotency key covers the whole chain: a retry after a failure continues where the thread stopped, without posting any part twice."}`},
		{"A poll", "publish_text", `{
  "text": "Tabs or spaces?",
  "poll": ["Tabs", "Spaces", "Whatever gofmt says"]}`},
		{"A reply with a long, styled text attachment", "reply", `{
  "reply_to_id": "17889615691921648",
  "text": "The details, for those who asked:",
  "text_attachment": {
    "plaintext": "Release notes: replies take polls, GIFs and text attachments now.",
    "styles": [{"offset": 0, "length": 13, "styles": ["bold"]}]}}`},
	}
}

// renderExamples writes the examples as Markdown: a title and the call as
// a JSON block each.
func renderExamples(b *strings.Builder) {
	b.WriteString("Worked examples (the tests check that `validate_post` accepts each and the sandbox publishes it):\n\n")
	for _, ex := range Examples() {
		var args bytes.Buffer
		if err := json.Compact(&args, []byte(ex.Arguments)); err != nil {
			fmt.Fprintf(b, "(example %q unreadable: %v)\n\n", ex.Title, err)
			continue
		}
		fmt.Fprintf(b, "%s:\n\n```json\n{\"name\": %q, \"arguments\": %s}\n```\n\n", ex.Title, ex.Tool, ex.Arguments)
	}
}
