package tools_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
)

// post returns the emulator's snapshot of id.
func (e *env) post(t *testing.T, id string) emulator.Post {
	t.Helper()
	for _, u := range []string{emulator.DemoUsername, "ada_builds", "lin_makes", "quill_and_ink", "river_runs"} {
		for _, p := range e.emu.Posts(e.emu.UserIDByUsername(u)) {
			if p.ID == id {
				return p
			}
		}
	}
	t.Fatalf("no post %s", id)
	return emulator.Post{}
}

// demoByText returns the id of the demo account's post starting with prefix.
func demoByText(t *testing.T, e *env, prefix string) string {
	t.Helper()
	for _, p := range e.emu.Posts(e.emu.DemoUserID()) {
		if strings.HasPrefix(p.Text, prefix) {
			return p.ID
		}
	}
	t.Fatalf("no demo post %q", prefix)
	return ""
}

func TestHideAndUnhideReply(t *testing.T) {
	e := newEnv(t)
	generics := demoByText(t, e, "Go generics")
	top, err := e.emu.AddActivity(emulator.Activity{Kind: "reply", From: "river_runs", ReplyTo: generics, Text: "Spam spam spam"})
	if err != nil {
		t.Fatal(err)
	}
	nested, err := e.emu.AddActivity(emulator.Activity{Kind: "reply", From: "ada_builds", ReplyTo: top, Text: "Agreed, spam."})
	if err != nil {
		t.Fatal(err)
	}
	deeper, err := e.emu.AddActivity(emulator.Activity{Kind: "reply", From: "lin_makes", ReplyTo: nested, Text: "deeper"})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		tool, id   string
		wantStatus string // HideStatus of top and its nested replies afterwards
		wantNote   string
	}{
		{"hide_reply", top, "HIDDEN", "nested under it follow"},
		{"hide_reply", top, "HIDDEN", "already hidden"},
		{"unhide_reply", top, "UNHUSHED", "nested under it follow"},
	}
	for _, s := range steps {
		res, sc := e.call(t, s.tool, map[string]any{"reply_id": s.id}, false)
		if res.IsError {
			t.Fatalf("%s: %s", s.tool, text(res))
		}
		if sc["hide_status"] != s.wantStatus || !strings.Contains(sc["note"].(string), s.wantNote) {
			t.Errorf("%s: %v", s.tool, sc)
		}
		for _, id := range []string{top, nested, deeper} {
			if got := e.post(t, id).HideStatus; got != s.wantStatus {
				t.Errorf("after %s, %s has hide_status %q, want %q", s.tool, id, got, s.wantStatus)
			}
		}
	}
	// list_replies shows the hide status.
	e.call(t, "hide_reply", map[string]any{"reply_id": top}, false)
	_, sc := e.call(t, "list_replies", map[string]any{"post_id": generics}, false)
	found := false
	for _, r := range items(sc, "replies") {
		if r["id"] == top {
			found = r["hide_status"] == "HIDDEN"
		}
	}
	if !found {
		t.Errorf("list_replies does not show %s hidden: %v", top, sc)
	}

	// A nested reply is refused before any change, naming its top-level reply.
	e.emu.ResetRequests()
	res, _ := e.call(t, "hide_reply", map[string]any{"reply_id": deeper}, false)
	if !res.IsError || !strings.Contains(text(res), "nested reply") || !strings.Contains(text(res), "top-level reply "+top) {
		t.Errorf("nested: %s", text(res))
	}
	for _, r := range e.emu.Requests() {
		if r.Method != "GET" {
			t.Errorf("a nested reply sent %s %s", r.Method, r.Path)
		}
	}
}

func TestModerationErrors(t *testing.T) {
	e := newEnv(t)
	// A top-level reply under someone else's post: Meta refuses to hide it.
	tip := ""
	for _, p := range e.emu.Posts(e.emu.UserIDByUsername("quill_and_ink")) {
		if strings.HasPrefix(p.Text, "Writing tip") {
			tip = p.ID
		}
	}
	theirReply, err := e.emu.AddActivity(emulator.Activity{Kind: "reply", From: "ada_builds", ReplyTo: tip, Text: "nice"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		tool string
		args map[string]any
		want []string
	}{
		{"hide_reply", map[string]any{}, []string{"reply_id", "required"}},
		{"hide_reply", map[string]any{"reply_id": "12ab"}, []string{"reply_id", "digits"}},
		{"hide_reply", map[string]any{"reply_id": "999999999"}, []string{"check the id"}},
		{"hide_reply", map[string]any{"reply_id": demoByText(t, e, "Go generics")}, []string{"not a reply"}},
		{"hide_reply", map[string]any{"reply_id": theirReply}, []string{"Only top-level replies to your own posts"}},
		{"approve_reply", map[string]any{"reply_id": "999999999"}, []string{"check the id"}},
		{"list_pending_replies", map[string]any{"post_id": "1", "approval_status": "approved"}, []string{"approval_status"}},
		{"list_pending_replies", map[string]any{"post_id": tip}, []string{"check the id"}},
		{"list_replies", map[string]any{"post_id": tip, "pending": true, "scope": "conversation"}, []string{"scope", "pending"}},
	}
	for _, tc := range tests {
		t.Run(tc.tool+" "+strings.Join(tc.want, " "), func(t *testing.T) {
			res, _ := e.call(t, tc.tool, tc.args, false)
			if !res.IsError {
				t.Fatalf("want isError, got %s", text(res))
			}
			for _, w := range tc.want {
				if !strings.Contains(text(res), w) {
					t.Errorf("message lacks %q: %s", w, text(res))
				}
			}
		})
	}
}

func TestReplyApprovals(t *testing.T) {
	e := newEnv(t)
	gated := demoByText(t, e, "Reply approvals are on")
	held := func(status string) []string {
		t.Helper()
		args := map[string]any{"post_id": gated, "order": "oldest"}
		if status != "" {
			args["approval_status"] = status
		}
		var out []string
		for _, r := range e.walk(t, "list_pending_replies", args, "replies") {
			out = append(out, r["username"].(string)+":"+r["approval_status"].(string))
		}
		return out
	}
	if got := held(""); !slices.Equal(got, []string{"ada_builds:pending", "river_runs:pending", "lin_makes:ignored"}) {
		t.Errorf("held replies: %v", got)
	}
	if got := held("ignored"); !slices.Equal(got, []string{"lin_makes:ignored"}) {
		t.Errorf("ignored: %v", got)
	}
	// list_replies' pending filter shows the same.
	_, sc := e.call(t, "list_replies", map[string]any{"post_id": gated, "pending": true, "order": "oldest"}, false)
	if n := len(items(sc, "replies")); n != 3 || items(sc, "replies")[0]["approval_status"] != "pending" {
		t.Errorf("list_replies pending: %v", sc)
	}
	pending := items(sc, "replies")
	ada, river := pending[0]["id"].(string), pending[1]["id"].(string)
	if res, sc := e.call(t, "approve_reply", map[string]any{"reply_id": ada}, false); res.IsError || sc["approval_status"] != "approved" {
		t.Fatalf("approve: %s", text(res))
	}
	if res, sc := e.call(t, "ignore_reply", map[string]any{"reply_id": river}, false); res.IsError || sc["approval_status"] != "ignored" {
		t.Fatalf("ignore: %s", text(res))
	}
	if got := held(""); !slices.Equal(got, []string{"river_runs:ignored", "lin_makes:ignored"}) {
		t.Errorf("held after deciding: %v", got)
	}
	_, sc = e.call(t, "list_replies", map[string]any{"post_id": gated}, false)
	if got := ids(items(sc, "replies")); !slices.Contains(got, ada) || slices.Contains(got, river) {
		t.Errorf("published replies after approving %s: %v", ada, got)
	}
	// Ignored replies can still be approved.
	if res, _ := e.call(t, "approve_reply", map[string]any{"reply_id": river}, false); res.IsError {
		t.Errorf("approve an ignored reply: %s", text(res))
	}
}

func TestModerateToolset(t *testing.T) {
	sel, err := tools.Select([]string{"moderate"}, false)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range sel {
		names = append(names, tl.Name())
		ro, de, id, _ := tl.Hints()
		if tl.Name() != "list_pending_replies" && (ro || de || !id) {
			t.Errorf("%s hints: %+v", tl.Name(), tl.Definition().Annotations)
		}
	}
	if want := []string{"hide_reply", "unhide_reply", "list_pending_replies", "approve_reply", "ignore_reply"}; !slices.Equal(names, want) {
		t.Errorf("moderate toolset %v, want %v", names, want)
	}
	ro, _ := tools.Select([]string{"moderate"}, true)
	if len(ro) != 1 || ro[0].Name() != "list_pending_replies" {
		t.Errorf("read-only moderate: %v", ro)
	}
}

func TestSetReplyControlPointsToModeration(t *testing.T) {
	e := newEnv(t)
	res, _ := e.call(t, "set_reply_control", map[string]any{"value": "everyone", "post_id": e.demoPost(t)}, false)
	for _, w := range []string{"hide_reply", "list_replies", "unhide_reply", "list_pending_replies", "approve_reply"} {
		if !res.IsError || !strings.Contains(text(res), w) {
			t.Errorf("answer lacks %s: %s", w, text(res))
		}
	}
}
