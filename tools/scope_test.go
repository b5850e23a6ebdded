package tools_test

import (
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
)

// TestMissingScopeAdvice: a missing permission is named as it is (not the
// endpoint's usual scope), with the tools that need it and the command that
// adds it for this account while keeping the others.
func TestMissingScopeAdvice(t *testing.T) {
	emu := newEmu(t)
	other := emu.AddUser(emulator.UserSpec{Username: "someone_else"})
	theirs, err := threads.NewClient(threads.WithBaseURL(emu.BaseURL()), threads.WithToken(emu.IssueToken(other, emulator.DefaultScopes, time.Hour))).
		PublishText(t.Context(), threads.Post{Text: "their post"})
	if err != nil {
		t.Fatal(err)
	}
	limited := emu.IssueToken(emu.DemoUserID(), emulator.DefaultScopes, time.Hour)
	work := func(api tools.API) tools.Accounts {
		return &tools.SingleAccount{Account: tools.Account{Name: "my work's", API: api}, Source: "stored"}
	}
	e := newEnvWith(t, emu, limited, envConfig{account: work})

	res, sc := e.call(t, "get_publishing_limit", map[string]any{}, false)
	if res.IsError {
		t.Fatal(text(res))
	}
	note, _ := sc["note"].(string)
	for _, want := range []string{"threads_delete", `threads-mcp auth login --account 'my work'\''s' --add-scopes threads_delete`} {
		if !strings.Contains(note, want) {
			t.Errorf("delete-quota note lacks %q: %s", want, note)
		}
	}
	if strings.Contains(note, "threads_content_publish") {
		t.Errorf("delete-quota note blames threads_content_publish: %s", note)
	}

	res, _ = e.call(t, "reply", map[string]any{"reply_to_id": theirs.ID, "text": "hi"}, false)
	msg := text(res)
	for _, want := range []string{"threads_keyword_search or threads_manage_mentions", "which reply",
		`threads-mcp auth login --account 'my work'\''s' --add-scopes threads_keyword_search`, "keeps the account's other permissions"} {
		if !res.IsError || !strings.Contains(msg, want) {
			t.Errorf("reply error lacks %q: %s", want, msg)
		}
	}
	if strings.Contains(msg, "--scopes ") {
		t.Errorf("advice would drop the other scopes: %s", msg)
	}

	// The environment's unnamed account has no stored login to extend.
	env := newEnvWith(t, emu, limited)
	_, sc = env.call(t, "get_publishing_limit", map[string]any{}, false)
	if note, _ := sc["note"].(string); !strings.Contains(note, "THREADS_ACCESS_TOKEN") || !strings.Contains(note, "--add-scopes threads_delete") {
		t.Errorf("environment account note: %s", note)
	}
}
