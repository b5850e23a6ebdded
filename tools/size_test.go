package tools_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/threads-mcp/threads-mcp/tools"
)

// Recorded sizes of tools/list (the JSON of the tool definitions).
// Definitions are paid for in every model context that lists them:
// TestToolListSize fails when one is over its goal, or grows by more than
// 10% over its recorded figure. After a deliberate change, record the new
// sizes the test prints; the goals stay.
const (
	// listedBytes is the default selection (the default toolsets, 24 tools). It
	// was 71,371 before the output descriptions, the repeated parameter
	// descriptions and the duplicate title were cut, and 39,370 before the
	// reply attachments came and the meaning of the shared arguments
	// (account, idempotency_key, reply_control, text, cursor, since, until)
	// and result fields (replayed, untrusted_content) moved to the server's
	// instructions, said once (schemas.SharedArgs); 36,380 before the media
	// inputs (path, upload_id, data, preflight, check_media, reply's media).
	listedBytes = 37539
	// listedGoal is the most the default selection may take.
	listedGoal = 40000
	// missionBytes is the six tools of the first release (19,047, then
	// 11,734 before the same change).
	missionBytes = 11854
	// missionGoal is the most the six may take.
	missionGoal = 12000
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
		goal     int
	}{
		{"default selection", func(tools.Tool) bool { return true }, listedBytes, listedGoal},
		{"mission tools", func(tl tools.Tool) bool { return slices.Contains(mission, tl.Name()) }, missionBytes, missionGoal},
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
		if got >= tc.goal {
			t.Errorf("%s: tools/list takes %d bytes, over the goal of under %d: shorten the descriptions and schemas", tc.name, got, tc.goal)
		}
		if got > tc.recorded*110/100 {
			t.Errorf("%s: tools/list grew to %d bytes, more than 10%% over the recorded %d: shorten the descriptions and schemas, or record the new figure", tc.name, got, tc.recorded)
		}
	}
}
