package tools_test

import (
	"encoding/json"
	"testing"

	"github.com/threads-mcp/threads-mcp/tools"
)

// TestExamplesWork runs every worked example of the README reference:
// validate_post accepts it, and the sandbox publishes it. A reply's target
// is swapped for a live post of the sandbox.
func TestExamplesWork(t *testing.T) {
	e := newEnv(t)
	seen := map[string]bool{}
	for _, ex := range tools.Examples() {
		t.Run(ex.Title, func(t *testing.T) {
			seen[ex.Tool] = true
			var args map[string]any
			if err := json.Unmarshal([]byte(ex.Arguments), &args); err != nil {
				t.Fatalf("arguments are not JSON: %v", err)
			}
			if _, ok := args["reply_to_id"]; ok {
				args["reply_to_id"] = e.demoPost(t)
			}
			_, vc := e.call(t, "validate_post", map[string]any{"tool": ex.Tool, "arguments": args}, false)
			if vc["valid"] != true {
				t.Fatalf("validate_post: %v", vc)
			}
			if res, _ := e.call(t, ex.Tool, args, false); res.IsError {
				t.Fatalf("%s: %s", ex.Tool, text(res))
			}
		})
	}
	for _, tool := range []string{"publish_thread", "publish_text"} {
		if !seen[tool] {
			t.Errorf("no worked example of %s", tool)
		}
	}
}
