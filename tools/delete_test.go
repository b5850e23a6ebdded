package tools_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
)

// scopedAccounts is one stored account whose granted scopes are known.
type scopedAccounts struct {
	tools.SingleAccount
	scopes []string
}

func (s *scopedAccounts) List(ctx context.Context) ([]tools.AccountInfo, error) {
	infos, err := s.SingleAccount.List(ctx)
	for i := range infos {
		infos[i].Scopes = s.scopes
	}
	return infos, err
}

// limitAPI reports a chosen delete quota usage, or fails to read it.
type limitAPI struct {
	tools.API
	deletesUsed int
	fail        bool
}

func (l *limitAPI) PublishingLimit(ctx context.Context, fields ...string) (*threads.PublishingLimit, *threads.Response, error) {
	if l.fail {
		return nil, nil, &threads.APIError{HTTPStatus: 500, Code: 2, Message: "Service temporarily unavailable"}
	}
	lim, resp, err := l.API.PublishingLimit(ctx, fields...)
	if lim != nil {
		lim.DeleteQuotaUsage = l.deletesUsed
	}
	return lim, resp, err
}

func TestDeletePost(t *testing.T) {
	e := newEnv(t)
	args := map[string]any{"text": "to be deleted", "idempotency_key": "del-1"}
	_, first := e.call(t, "publish_text", args, false)
	id := first["id"].(string)

	res, sc := e.call(t, "delete_post", map[string]any{"post_id": id}, false)
	if res.IsError || sc["deleted_id"] != id || sc["deletes_left"] != float64(99) {
		t.Fatalf("delete: %s", text(res))
	}
	for _, p := range e.emu.Posts(e.emu.DemoUserID()) {
		if p.ID == id {
			t.Fatalf("post %s still live", id)
		}
	}
	// A retry (lost answer) reports it deleted, not an error.
	res, sc = e.call(t, "delete_post", map[string]any{"post_id": id}, false)
	if res.IsError || sc["already_deleted"] != true {
		t.Errorf("second delete: %s", text(res))
	}
	// The publish's key no longer replays the dead post: it posts anew.
	res, again := e.call(t, "publish_text", args, false)
	if res.IsError || again["replayed"] == true || again["id"] == id {
		t.Errorf("replay after delete: %s", text(res))
	}
}

func TestDeletePostRefusals(t *testing.T) {
	emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel))
	t.Cleanup(emu.Close)
	other := emu.AddUser(emulator.UserSpec{Username: "someone"})
	otherTok := emu.IssueToken(other, emulator.DefaultScopes, time.Hour)
	otherPost, err := threads.NewClient(threads.WithBaseURL(emu.BaseURL()), threads.WithToken(otherTok)).PublishText(t.Context(), threads.Post{Text: "not yours"})
	if err != nil {
		t.Fatal(err)
	}
	noDelete := emu.IssueToken(emu.DemoUserID(), emulator.DefaultScopes, time.Hour) // DefaultScopes lack threads_delete
	stored := func(scopes ...string) func(tools.API) tools.Accounts {
		return func(api tools.API) tools.Accounts {
			return &scopedAccounts{SingleAccount: tools.SingleAccount{Account: tools.Account{Name: "main", API: api}, Source: "stored"}, scopes: scopes}
		}
	}
	const scopeFix = "The token lacks the threads_delete permission (needed to delete posts and to read the delete quota). " +
		"Fix: run `threads-mcp auth login --account 'main' --add-scopes threads_delete` (it keeps the account's other permissions), then call again."
	tests := []struct {
		name    string
		token   string
		cfg     envConfig
		post    string
		want    string
		deletes int // DELETE requests that reached the emulator
	}{
		{"stored scopes lack threads_delete", emu.DemoToken(), envConfig{account: stored("threads_basic", "threads_content_publish")},
			"123", "delete_post: Nothing was deleted. " + scopeFix, 0},
		{"token lacks threads_delete", noDelete, envConfig{account: stored()}, "", "delete_post: Nothing was deleted. " + scopeFix, 0},
		{"quota spent", emu.DemoToken(), envConfig{wrap: func(a tools.API) tools.API { return &limitAPI{API: a, deletesUsed: 100} }}, "123",
			"delete_post: Threads delete quota spent: 100 of 100 deletes in the last 24 hours; nothing was deleted (retryable: true). " +
				"Fix: wait until older deletes leave the rolling 24-hour window; get_publishing_limit shows the usage.", 0},
		{"another account's post", emu.DemoToken(), envConfig{}, otherPost.ID, "Fix: check the id", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnvWith(t, emu, tc.token, tc.cfg)
			post := tc.post
			if post == "" {
				post = e.demoPost(t)
			}
			emu.ResetRequests()
			res, _ := e.call(t, "delete_post", map[string]any{"post_id": post}, false)
			if !res.IsError || !strings.Contains(text(res), tc.want) {
				t.Errorf("got %s\nwant %s", text(res), tc.want)
			}
			n := 0
			for _, r := range emu.Requests() {
				if r.Method == "DELETE" {
					n++
				}
			}
			if n != tc.deletes {
				t.Errorf("%d DELETE requests reached the emulator, want %d", n, tc.deletes)
			}
		})
	}
}

func TestDeletePostQuotaUnread(t *testing.T) {
	emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel))
	t.Cleanup(emu.Close)
	e := newEnvWith(t, emu, emu.DemoToken(), envConfig{wrap: func(a tools.API) tools.API { return &limitAPI{API: a, fail: true} }})
	res, sc := e.call(t, "delete_post", map[string]any{"post_id": e.demoPost(t)}, false)
	if res.IsError || sc["note"] != "The delete quota could not be read, so it was not checked first." || sc["deletes_left"] != nil {
		t.Errorf("delete: %s", text(res))
	}
}
