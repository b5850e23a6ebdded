package tools_test

import (
	"encoding/json"
	"testing"

	"github.com/threads-mcp/threads-mcp/tools"
)

// listedBytes is the recorded size of tools/list (the JSON of every tool
// definition) for the default selection. Definitions are paid for in every
// model context that lists them: TestToolListSize fails when they grow by
// more than 10% over this figure. After a deliberate change, record the new
// size the test prints.
const listedBytes = 38997

func TestToolListSize(t *testing.T) {
	sel, err := tools.Select(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defs := make([]any, len(sel))
	for i, tl := range sel {
		defs[i] = tl.Definition()
	}
	b, err := json.Marshal(map[string]any{"tools": defs})
	if err != nil {
		t.Fatal(err)
	}
	got := len(b)
	t.Logf("tools/list of %d tools: %d bytes", len(sel), got)
	if got > listedBytes*110/100 {
		t.Errorf("tools/list grew to %d bytes, more than 10%% over the recorded %d: shorten the descriptions and schemas, or record the new figure in listedBytes", got, listedBytes)
	}
}
