package tools_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	clienttransport "github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/transport"
)

// TestApproverToken: over Streamable HTTP with an approver token, the
// agent's approve_scheduled only asks (the job keeps waiting); the same
// call with the approver's own bearer approves it for its digest.
func TestApproverToken(t *testing.T) {
	agent, approver := strings.Repeat("a1", 20), strings.Repeat("b2", 20)
	w := newSchedWorld(t)
	h, shutdown := transport.NewHandler(w.srv, transport.HTTPOptions{Kind: transport.KindHTTP, BearerToken: agent, ApproverToken: approver})
	t.Cleanup(func() { _ = shutdown(t.Context()) })
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	connect := func(token string) *schedClient {
		t.Helper()
		c, err := client.NewStreamableHttpClient(ts.URL+"/mcp", clienttransport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		if err := c.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		init := mcp.InitializeRequest{}
		init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
		init.Params.ClientInfo = mcp.Implementation{Name: "approver-test", Version: "0"}
		if _, err := c.Initialize(t.Context(), init); err != nil {
			t.Fatal(err)
		}
		return &schedClient{c: c}
	}
	ag := connect(agent)
	ag.ok(t, "set_posting_schedule", map[string]any{"require_approval": "always"})
	job := jobOf(ag.ok(t, "schedule_post", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "a person decides"},
		"publish_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}))
	if job["status"] != "awaiting_approval" {
		t.Fatalf("scheduled: %v", job)
	}
	if got := jobOf(ag.ok(t, "approve_scheduled", map[string]any{"id": job["id"]})); got["status"] != "awaiting_approval" {
		t.Fatalf("the agent's token approved its own post: %v", got)
	}
	got := jobOf(connect(approver).ok(t, "approve_scheduled", map[string]any{"id": job["id"]}))
	appr, _ := got["approval"].(map[string]any)
	if got["status"] != "scheduled" || appr["approved"] != true || appr["approved_by"] != tools.ApprovedByApproverToken {
		t.Fatalf("approved with the approver token: %v", got)
	}
}
