package config

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestApproverToken: the approver's bearer must be strong, beside an
// agent token, and not the agent's; neither token shows in --help.
func TestApproverToken(t *testing.T) {
	const agent, approver = "7f3c9a1e5b2d8f4067a9c3e1b5d7f20a", "0b8e2d4f6a1c3e5b7d9f0a2c4e6b8d1f"
	for _, tc := range []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"both tokens", map[string]string{"THREADS_MCP_HTTP_TOKEN": agent, "THREADS_MCP_APPROVER_TOKEN": approver}, ""},
		{"the agent's token", map[string]string{"THREADS_MCP_HTTP_TOKEN": agent, "THREADS_MCP_APPROVER_TOKEN": agent}, "could approve its own posts"},
		{"no agent token", map[string]string{"THREADS_MCP_APPROVER_TOKEN": approver}, "needs --http-token"},
		{"weak", map[string]string{"THREADS_MCP_HTTP_TOKEN": agent, "THREADS_MCP_APPROVER_TOKEN": "short"}, "--approver-token / THREADS_MCP_APPROVER_TOKEN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"THREADS_MCP_TRANSPORT": "http"}
			for k, v := range tc.env {
				env[k] = v
			}
			c, _, err := Parse("serve", nil, io.Discard, func(k string) string { return env[k] })
			if tc.wantErr == "" {
				if err != nil || c.ApproverToken != approver || c.HTTPOptions(nil, nil).ApproverToken != approver {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Parse: %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
	var help bytes.Buffer
	fs := FlagSet("serve", func(k string) string {
		return map[string]string{"THREADS_MCP_HTTP_TOKEN": agent, "THREADS_MCP_APPROVER_TOKEN": approver}[k]
	})
	fs.SetOutput(&help)
	fs.PrintDefaults()
	if strings.Contains(help.String(), agent) || strings.Contains(help.String(), approver) {
		t.Errorf("--help prints a token:\n%s", help.String())
	}
}
