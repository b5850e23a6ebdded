// Package release builds what a threads-mcp release ships besides the
// binaries goreleaser builds (.ci/goreleaser.yaml): the MCP desktop bundle
// (.mcpb, a zip of a manifest and one platform's binary), the server.json
// the official MCP registry publishes, and a CycloneDX SBOM of a binary
// read from its embedded build information. Everything is generated from
// the tool registry and the build, never written by hand.
package release

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/threads-mcp/threads-mcp/tools"
)

// Identity of the project.
const (
	// Module is the Go module path.
	Module = "github.com/threads-mcp/threads-mcp"
	// RegistryName is the server's name in the official MCP registry
	// (reverse DNS of the GitHub owner, then the repository).
	RegistryName = "io.github.threads-mcp/threads-mcp"
	// Repository is the source repository's URL.
	Repository = "https://" + Module
	// Description is the one-line description (the registry allows 100
	// characters).
	Description = "Publish to and read from Meta's Threads: exactly-once posts, no token leaks, fixable errors."
	// Author is the bundle's author.
	Author = "threads-mcp contributors"
)

// ManifestVersion is the MCPB manifest format
// (https://github.com/modelcontextprotocol/mcpb/blob/main/MANIFEST.md, schema
// mcpb-manifest-v0.4.schema.json).
const ManifestVersion = "0.4"

// Platforms maps a Go GOOS to the platform name of an MCPB manifest's
// compatibility.platforms (Node's process.platform values).
var Platforms = map[string]string{"darwin": "darwin", "linux": "linux", "windows": "win32"}

// Manifest is an MCPB manifest.json.
type Manifest struct {
	ManifestVersion string                `json:"manifest_version"`
	Name            string                `json:"name"`
	DisplayName     string                `json:"display_name"`
	Version         string                `json:"version"`
	Description     string                `json:"description"`
	LongDescription string                `json:"long_description,omitempty"`
	Author          Person                `json:"author"`
	Repository      *ManifestRepo         `json:"repository,omitempty"`
	Homepage        string                `json:"homepage,omitempty"`
	Documentation   string                `json:"documentation,omitempty"`
	License         string                `json:"license,omitempty"`
	Keywords        []string              `json:"keywords,omitempty"`
	Server          ManifestServer        `json:"server"`
	Tools           []ManifestTool        `json:"tools"`
	ToolsGenerated  bool                  `json:"tools_generated"`
	UserConfig      map[string]UserConfig `json:"user_config"`
	Compatibility   Compatibility         `json:"compatibility"`
}

// Person is a manifest's author.
type Person struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// ManifestRepo is a manifest's source repository.
type ManifestRepo struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// ManifestServer says how the host starts the server.
type ManifestServer struct {
	Type       string    `json:"type"`
	EntryPoint string    `json:"entry_point"`
	MCPConfig  MCPConfig `json:"mcp_config"`
}

// MCPConfig is the command line and environment of the server.
type MCPConfig struct {
	Command string            `json:"command"`
	Args    []string          `json:"args"`
	Env     map[string]string `json:"env"`
}

// ManifestTool is one tool as the manifest lists it.
type ManifestTool struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// UserConfig is one install-time setting the host asks for.
type UserConfig struct {
	Type        string `json:"type"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Required    bool   `json:"required"`
	Default     any    `json:"default,omitempty"`
}

// Compatibility limits the platforms the bundle installs on.
type Compatibility struct {
	Platforms []string `json:"platforms"`
}

// EntryPoint is the binary's path inside a bundle for goos.
func EntryPoint(goos string) string {
	if goos == "windows" {
		return "server/threads-mcp.exe"
	}
	return "server/threads-mcp"
}

// NewManifest builds the manifest of the bundle for goos: it runs the
// bundled binary in stdio mode with the default toolsets, and lists their
// tools from the registry. The user chooses at install time between a
// stored account (by name, after `threads-mcp auth login`) and the
// sandbox; no token ever goes into the host's configuration.
func NewManifest(version, goos string) (*Manifest, error) {
	platform, ok := Platforms[goos]
	if !ok {
		return nil, fmt.Errorf("release: no MCPB platform for GOOS %q", goos)
	}
	sel, err := tools.Select(nil, false)
	if err != nil {
		return nil, err
	}
	m := &Manifest{
		ManifestVersion: ManifestVersion,
		Name:            "threads-mcp",
		DisplayName:     tools.ServerTitle + " (threads-mcp)",
		Version:         strings.TrimPrefix(version, "v"),
		Description:     Description,
		LongDescription: "Tools to publish posts, replies, carousels and threads to Threads, read posts, replies, mentions " +
			"and insights, and moderate replies, through Meta's official Threads Graph API. Log in once with " +
			"`threads-mcp auth login` in a terminal (the token stays in threads-mcp's own state directory), or " +
			"turn on the sandbox to try everything against the built-in emulator.",
		Author:        Person{Name: Author, URL: Repository},
		Repository:    &ManifestRepo{Type: "git", URL: Repository},
		Homepage:      Repository,
		Documentation: Repository + "#readme",
		Keywords:      []string{"threads", "meta", "social", "publishing"},
		Server: ManifestServer{
			Type:       "binary",
			EntryPoint: EntryPoint(goos),
			MCPConfig: MCPConfig{
				Command: "${__dirname}/" + EntryPoint(goos),
				Args:    []string{},
				// The server reads these as it reads its flags
				// (THREADS_MCP_SANDBOX=true|false, THREADS_MCP_ACCOUNT="" for
				// the stored default).
				Env: map[string]string{
					"THREADS_MCP_SANDBOX": "${user_config.sandbox}",
					"THREADS_MCP_ACCOUNT": "${user_config.account}",
				},
			},
		},
		ToolsGenerated: false,
		UserConfig: map[string]UserConfig{
			"sandbox": {Type: "boolean", Title: "Sandbox",
				Description: "Use the built-in Threads emulator: no Meta account needed, nothing is published to Threads.",
				Default:     true},
			"account": {Type: "string", Title: "Threads account",
				Description: "The stored account to act as (see `threads-mcp auth status`); empty for the default. Leave it empty with the sandbox.",
				Default:     ""},
		},
		Compatibility: Compatibility{Platforms: []string{platform}},
	}
	for _, t := range sel {
		m.Tools = append(m.Tools, ManifestTool{Name: t.Name(), Description: t.Definition().Description})
	}
	return m, nil
}

// JSON is the manifest as indented JSON.
func (m *Manifest) JSON() ([]byte, error) { return marshal(m) }

// marshal is indented JSON without HTML escaping, with a final newline.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
