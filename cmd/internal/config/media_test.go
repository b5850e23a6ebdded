package config

import (
	"io"
	"slices"
	"testing"
)

func TestMediaFlags(t *testing.T) {
	env := map[string]string{"THREADS_MCP_MEDIA_ROOT": "/srv/a,/srv/b", "THREADS_MCP_PUBLIC_URL": "https://mcp.example.com",
		"THREADS_MCP_MEDIA_STORE": "s3://bucket/p", "AWS_SECRET_ACCESS_KEY": "s3-secret-value"}
	c, _, err := Parse("serve", []string{"--media-root", "/srv/c", "--media-root=/srv/d,/srv/e", "--media-preflight", "staged"},
		io.Discard, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"/srv/a", "/srv/b", "/srv/c", "/srv/d", "/srv/e"}; !slices.Equal(c.MediaRoots, want) {
		t.Errorf("MediaRoots = %v, want %v", c.MediaRoots, want)
	}
	if c.PublicURL != "https://mcp.example.com" || c.MediaStore != "s3://bucket/p" || c.MediaPreflight != "staged" {
		t.Errorf("PublicURL %q MediaStore %q MediaPreflight %q", c.PublicURL, c.MediaStore, c.MediaPreflight)
	}
	if got := c.Redact.Scrub("key s3-secret-value"); got == "key s3-secret-value" {
		t.Errorf("the S3 secret is not redacted: %q", got)
	}
}
