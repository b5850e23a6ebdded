package tools_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/threads-mcp/threads-mcp/tools"
)

// Recorded sizes of tools/list (the JSON of the tool definitions).
// Definitions are paid for in every model context that lists them:
// TestToolListSize fails when one grows by more than 10% over its figure.
// After a deliberate change, record the new sizes the test prints.
const (
	// listedBytes is the default selection (every toolset): 24 tools since
	// the reading and moderation tools joined the publishing ones. The
	// goal is under 40,000.
	listedBytes = 71371
	// missionBytes is the six tools of the first release. The goal is
	// under 12,000.
	missionBytes = 19047
)

func TestToolListSize(t *testing.T) {
	sel, err := tools.Select(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	mission := []string{"publish_text", "publish_carousel", "reply", "set_reply_control", "get_insights", "list_replies"}
	tests := []struct {
		name     string
		keep     func(tools.Tool) bool
		recorded int
	}{
		{"default selection", func(tools.Tool) bool { return true }, listedBytes},
		{"mission tools", func(tl tools.Tool) bool { return slices.Contains(mission, tl.Name()) }, missionBytes},
	}
	for _, tc := range tests {
		var defs []any
		for _, tl := range sel {
			if tc.keep(tl) {
				defs = append(defs, tl.Definition())
			}
		}
		b, err := json.Marshal(map[string]any{"tools": defs})
		if err != nil {
			t.Fatal(err)
		}
		got := len(b)
		t.Logf("%s: tools/list of %d tools: %d bytes", tc.name, len(defs), got)
		if got > tc.recorded*110/100 {
			t.Errorf("%s: tools/list grew to %d bytes, more than 10%% over the recorded %d: shorten the descriptions and schemas, or record the new figure", tc.name, got, tc.recorded)
		}
	}
}
