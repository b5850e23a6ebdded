package commands

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools/events"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// TestWebhooksCommand: subscribe points the emulator's deliveries at a
// receiver after the handshake with the verify token; list shows it;
// unsubscribe ends it; a wrong secret fails without printing it.
func TestWebhooksCommand(t *testing.T) {
	emu := emulator.NewServer(emulator.WithDemoWorld())
	t.Cleanup(emu.Close)
	st, err := state.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	store, err := events.Open(t.Context(), st)
	if err != nil {
		t.Fatal(err)
	}
	appID, secret := emu.DemoApp()
	rv := events.NewReceiver(store, events.ReceiverOptions{VerifyToken: "verify-token-123", Secrets: []string{secret},
		AccountFor: func(context.Context, string) string { return "sandbox" }})
	hook := httptest.NewServer(rv)
	t.Cleanup(hook.Close)
	env := map[string]string{"THREADS_APP_ID": appID, "THREADS_APP_SECRET": secret, "THREADS_API_BASE_URL": emu.BaseURL()}
	run := func(env map[string]string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := Webhooks(t.Context(), args, IO{Out: &out, Err: &errb, Getenv: func(k string) string { return env[k] }})
		return code, out.String(), errb.String()
	}
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		want     int
		contains string
	}{
		{"wrong verify token fails the handshake", env, []string{"subscribe", "--callback-url", hook.URL, "--verify-token", "nope-nope"}, ExitFail, "2200"},
		{"unknown field", env, []string{"subscribe", "--callback-url", hook.URL, "--verify-token", "verify-token-123", "--fields", "likes"}, ExitUsage, "likes"},
		{"subscribe", env, []string{"subscribe", "--callback-url", hook.URL, "--verify-token", "verify-token-123"}, ExitOK, hook.URL},
		{"list", env, []string{"list"}, ExitOK, `"name": "mentions"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(tc.env, tc.args...)
			if code != tc.want || !strings.Contains(out+errOut, tc.contains) {
				t.Fatalf("exit %d, want %d; output %q %q lacks %q", code, tc.want, out, errOut, tc.contains)
			}
		})
	}
	if _, err := emu.AddActivity(emulator.Activity{Kind: "mention", From: "river_runs", Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := emu.WaitWebhooks(ctx); err != nil {
		t.Fatal(err)
	}
	if p, err := store.List(t.Context(), events.Query{Account: "sandbox"}); err != nil || len(p.Events) != 1 {
		t.Fatalf("after subscribing, %d events stored (%v), want the mention", len(p.Events), err)
	}
	if code, out, _ := run(env, "unsubscribe"); code != ExitOK || strings.Contains(out, hook.URL) {
		t.Fatalf("unsubscribe: exit %d, %s", code, out)
	}
	bad := map[string]string{"THREADS_APP_ID": appID, "THREADS_APP_SECRET": "wrong-secret-value-1234", "THREADS_API_BASE_URL": emu.BaseURL()}
	if code, out, errOut := run(bad, "list"); code != ExitFail || strings.Contains(out+errOut, "wrong-secret-value-1234") {
		t.Fatalf("wrong secret: exit %d, output %q %q (must fail without the secret)", code, out, errOut)
	}
}
