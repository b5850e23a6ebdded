package main

import (
	"context"
	"strings"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/threads-mcp/threads-mcp/cmd/internal/config"
	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// TestTokenEchoedByThreadsIsRedacted: Threads (or a proxy) answering with
// an error that quotes the access token must not carry it to the model or
// the log.
func TestTokenEchoedByThreadsIsRedacted(t *testing.T) {
	emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix("SENTINELTOKEN"))
	t.Cleanup(emu.Close)
	tok := emu.DemoToken()
	emu.InjectError("GET", "conversation", emulator.ErrorSpec{HTTPStatus: 400, Code: 100, Type: "THApiException",
		Message: "Invalid parameter for access_token=" + tok}, 0)

	var logs syncBuffer
	c, _, err := config.Parse("serve", []string{"--state-dir", t.TempDir(), "--api-base-url", emu.BaseURL(), "--log-level", "debug"}, &logs, func(k string) string {
		if k == "THREADS_ACCESS_TOKEN" {
			return tok
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	logger, err := config.NewLogger(c.Redact.Writer(&logs), "debug")
	if err != nil {
		t.Fatal(err)
	}
	a, err := build(t.Context(), c, logger)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.close)
	cl, err := mcpclient.NewInProcessClient(a.mcp)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := cl.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "redact", Version: "0"}
	if _, err := cl.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	post := emu.Posts(emu.DemoUserID())[0].ID
	call := func() *mcp.CallToolResult {
		req := mcp.CallToolRequest{}
		req.Params.Name = "list_replies"
		req.Params.Arguments = map[string]any{"post_id": post, "scope": "conversation"}
		res, err := cl.CallTool(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// An error quoting the token (the client scrubs it, the middleware too).
	res := call()
	text := res.Content[0].(mcp.TextContent).Text
	if !res.IsError || !strings.Contains(text, "access_token=[REDACTED]") {
		t.Errorf("want an isError naming the redacted value, got %q", text)
	}
	// Data that happens to hold the token: only the result middleware stands
	// between it and the model.
	emu.Reset()
	other := emu.AddUser(emulator.UserSpec{Username: "quoter"})
	otherAPI := threads.NewClient(threads.WithBaseURL(emu.BaseURL()),
		threads.WithToken(emu.IssueToken(other, emulator.AllScopes, time.Hour)))
	if _, err := otherAPI.PublishPost(ctx, threads.Post{ReplyToID: post, Text: "look: " + tok}); err != nil {
		t.Fatal(err)
	}
	res = call()
	text = res.Content[0].(mcp.TextContent).Text
	if res.IsError || !strings.Contains(text, "look: [REDACTED]") {
		t.Errorf("want the reply with the token redacted, got %q", text)
	}
	if strings.Contains(text, "SENTINELTOKEN") || strings.Contains(logs.String(), tok) {
		t.Errorf("the token leaked:\nresult: %s\nlogs: %s", text, logs.String())
	}
}
