package tools_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
)

func names(ts []tools.Tool) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Name()
	}
	return out
}

// toolsetOf pins the toolset of each tool that existed when toolsets were
// introduced; tools added later declare theirs and are checked by rule.
var toolsetOf = map[string]string{
	"publish_text": "publish", "publish_carousel": "publish", "reply": "publish", "set_reply_control": "publish",
	"get_insights": "read", "list_replies": "read",
	"list_accounts": "accounts", "get_publishing_limit": "accounts",
}

func TestSelect(t *testing.T) {
	all := tools.Tools()
	for _, tool := range all {
		if want, ok := toolsetOf[tool.Name()]; ok && tool.Toolset() != want {
			t.Errorf("%s is in toolset %q, want %q", tool.Name(), tool.Toolset(), want)
		}
	}
	var defaults, every []string
	for _, ts := range tools.Toolsets() {
		every = append(every, ts.Name)
		if ts.Default {
			defaults = append(defaults, ts.Name)
		}
	}
	// expect lists, in registry order, the tools of the toolsets in sets
	// (the default ones when nil), only read-only ones when readOnly.
	expect := func(sets []string, readOnly bool) []string {
		if sets == nil {
			sets = defaults
		}
		var out []string
		for _, tool := range all {
			if slices.Contains(sets, tool.Toolset()) && (!readOnly || tool.ReadOnly()) {
				out = append(out, tool.Name())
			}
		}
		return out
	}
	tests := []struct {
		toolsets []string
		readOnly bool
		want     []string
	}{
		{nil, false, expect(nil, false)},
		{[]string{"all"}, false, expect(every, false)},
		{[]string{"default"}, false, expect(nil, false)},
		{[]string{"all", "publish"}, true, expect(every, true)},
		{[]string{"publish"}, false, expect([]string{"publish"}, false)},
		{[]string{" Read ", "accounts", ""}, false, expect([]string{"read", "accounts"}, false)},
		{nil, true, expect(nil, true)},
		{[]string{"publish"}, true, expect([]string{"publish"}, true)},
		{[]string{"publish", "accounts"}, true, expect([]string{"publish", "accounts"}, true)},
	}
	if got := expect([]string{"publish"}, false); len(got) < 4 || len(expect(nil, true)) < 4 || len(expect(nil, false)) < 8 {
		t.Fatalf("registry shrank: %v", names(all))
	}
	for _, tc := range tests {
		got, err := tools.Select(tc.toolsets, tc.readOnly)
		if err != nil {
			t.Fatalf("Select(%q, %v): %v", tc.toolsets, tc.readOnly, err)
		}
		if !slices.Equal(names(got), tc.want) {
			t.Errorf("Select(%q, %v) = %v, want %v", tc.toolsets, tc.readOnly, names(got), tc.want)
		}
		for _, tool := range got {
			if tc.readOnly && !tool.ReadOnly() {
				t.Errorf("read-only selection holds %s", tool.Name())
			}
		}
	}
	if ro := expect(nil, true); slices.Contains(ro, "publish_text") || slices.Contains(ro, "set_reply_control") {
		t.Errorf("read-only selection holds a writing tool: %v", ro)
	}
	_, err := tools.Select([]string{"read", "moderation"}, false)
	var ue *tools.UnknownToolsetError
	if !errors.As(err, &ue) || ue.Name != "moderation" {
		t.Fatalf("unknown toolset: %v", err)
	}
	for _, want := range []string{`"moderation"`, "publish", "read", "accounts", "all"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not list %s", err, want)
		}
	}
	// Every tool has a known toolset.
	for _, tool := range tools.Tools() {
		if !slices.ContainsFunc(tools.Toolsets(), func(ts tools.Toolset) bool { return ts.Name == tool.Toolset() }) {
			t.Errorf("%s: toolset %q is not listed", tool.Name(), tool.Toolset())
		}
	}
}

// TestReadOnlyServer: a read-only server neither lists nor runs a tool
// that is not read-only.
func TestReadOnlyServer(t *testing.T) {
	sel, err := tools.Select(nil, true)
	if err != nil {
		t.Fatal(err)
	}
	emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel))
	t.Cleanup(emu.Close)
	e := newEnvWith(t, emu, emu.DemoToken(), envConfig{deps: func(d *tools.Deps) { d.Tools = sel }})
	list, err := e.client.ListTools(t.Context(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, tool := range list.Tools {
		listed = append(listed, tool.Name)
	}
	want := names(sel)
	slices.Sort(want)
	slices.Sort(listed)
	if !slices.Equal(listed, want) {
		t.Errorf("listed %v, want %v", listed, names(sel))
	}
	emu.ResetRequests()
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = "publish_text", map[string]any{"text": "must not post"}
	res, err := e.client.CallTool(t.Context(), req)
	if err == nil && !res.IsError {
		t.Fatalf("publish_text ran on a read-only server: %s", text(res))
	}
	if n := len(e.postsWithText("must not post")); n != 0 {
		t.Errorf("%d posts published by a read-only server", n)
	}
	if res, _ := e.call(t, "get_publishing_limit", map[string]any{}, false); res.IsError {
		t.Errorf("read-only tool refused: %s", text(res))
	}
}

// TestSharedArguments: account and idempotency_key are handled the same way
// by every tool, whatever else the call holds.
func TestSharedArguments(t *testing.T) {
	emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel))
	t.Cleanup(emu.Close)
	e := newEnvWith(t, emu, emu.DemoToken(), envConfig{account: func(api tools.API) tools.Accounts {
		return &tools.SingleAccount{Account: tools.Account{Name: "sandbox", Username: emulator.DemoUsername, API: api}, Source: "sandbox"}
	}})
	post := e.demoPost(t)
	ok := []struct {
		tool string
		args map[string]any
	}{
		{"get_insights", map[string]any{"account": "@sandbox"}},
		{"get_insights", map[string]any{"account": " sandbox ", "metrics": []any{"views"}}},
		{"get_insights", map[string]any{"account": "@sandbox_demo", "post_id": post}},
		{"list_replies", map[string]any{"account": "@sandbox", "post_id": post}},
		{"get_publishing_limit", map[string]any{"account": "@sandbox"}},
		{"set_reply_control", map[string]any{"account": "@sandbox", "value": "everyone"}},
		{"publish_text", map[string]any{"account": "@sandbox", "text": "shared args", "idempotency_key": "k1"}},
	}
	for _, tc := range ok {
		res, sc := e.call(t, tc.tool, tc.args, false)
		if res.IsError {
			t.Errorf("%s %v: %s", tc.tool, tc.args, text(res))
			continue
		}
		if sc["account"] != emulator.DemoUsername {
			t.Errorf("%s: result account %v", tc.tool, sc["account"])
		}
	}
	bad := []struct {
		tool  string
		args  map[string]any
		field string
	}{
		{"get_insights", map[string]any{"account": "a b"}, "account"},
		{"get_insights", map[string]any{"account": "a b", "metrics": []any{"views"}}, "account"},
		{"get_publishing_limit", map[string]any{"account": "a\tb"}, "account"},
		{"publish_text", map[string]any{"text": "x", "idempotency_key": " padded "}, "idempotency_key"},
		{"reply", map[string]any{"reply_to_id": post, "text": "x", "idempotency_key": strings.Repeat("k", 201)}, "idempotency_key"},
	}
	for _, tc := range bad {
		emu.ResetRequests()
		res, _ := e.call(t, tc.tool, tc.args, false)
		if !res.IsError || !strings.Contains(text(res), tc.field+": ") {
			t.Errorf("%s %v: want an %s error, got %s", tc.tool, tc.args, tc.field, text(res))
		}
		if n := len(emu.Requests()); n != 0 {
			t.Errorf("%s: %d requests reached Threads", tc.tool, n)
		}
	}
	res, _ := e.call(t, "get_insights", map[string]any{"account": "someone_else"}, false)
	if !res.IsError || !strings.Contains(text(res), "not configured") {
		t.Errorf("unknown account: %s", text(res))
	}
}
