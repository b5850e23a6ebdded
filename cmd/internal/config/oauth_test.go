package config

import (
	"io"
	"strings"
	"testing"
)

// TestOAuthChecks covers the refusals of an OAuth setup before anything
// starts.
func TestOAuthChecks(t *testing.T) {
	base := map[string]string{"THREADS_MCP_TRANSPORT": "http", "THREADS_MCP_OAUTH": "1",
		"THREADS_MCP_PUBLIC_URL": "https://mcp.example.com", "THREADS_APP_ID": "1", "THREADS_APP_SECRET": "s"}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"valid", nil, ""},
		{"loopback http public URL", map[string]string{"THREADS_MCP_PUBLIC_URL": "http://127.0.0.1:8080"}, ""},
		{"off loopback without a static token", map[string]string{"THREADS_MCP_LISTEN": "0.0.0.0:8080"}, ""},
		{"external issuer needs no Threads app", map[string]string{"THREADS_MCP_OAUTH_ISSUER": "https://as.example", "THREADS_APP_ID": "", "THREADS_APP_SECRET": ""}, ""},
		{"stdio", map[string]string{"THREADS_MCP_TRANSPORT": "stdio"}, ""},
		{"sse", map[string]string{"THREADS_MCP_TRANSPORT": "sse"}, "needs --transport http"},
		{"no public URL", map[string]string{"THREADS_MCP_PUBLIC_URL": ""}, "needs --public-url"},
		{"remote http public URL", map[string]string{"THREADS_MCP_PUBLIC_URL": "http://mcp.example.com"}, "must use https"},
		{"public URL with a path", map[string]string{"THREADS_MCP_PUBLIC_URL": "https://mcp.example.com/x"}, "scheme and host only"},
		{"static token beside OAuth", map[string]string{"THREADS_MCP_HTTP_TOKEN": "7f3c9a1e5b2d8f4067a9c3e1b5d7f20a"}, "exclude each other"},
		{"sandbox", map[string]string{"THREADS_MCP_SANDBOX": "1"}, "--sandbox"},
		{"no Threads app", map[string]string{"THREADS_APP_SECRET": ""}, "THREADS_APP_SECRET"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range tc.env {
				env[k] = v
			}
			c, _, err := Parse("serve", nil, io.Discard, func(k string) string { return env[k] })
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if c.OAuth && c.Transport == "http" && !contains(c.allowedHosts(), hostOf(c.PublicURL)) {
					t.Errorf("allowed hosts %v lack the public host", c.allowedHosts())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Parse: %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func hostOf(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	if i := strings.LastIndex(u, ":"); i >= 0 {
		u = u[:i]
	}
	return u
}
