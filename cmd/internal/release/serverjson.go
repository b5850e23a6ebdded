package release

import (
	"bytes"
	"io"
	"strings"

	"github.com/threads-mcp/threads-mcp/tools"
)

// ServerSchema is the server.json schema the official MCP registry
// validates against (https://modelcontextprotocol.io/registry/package-types).
const ServerSchema = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"

// Server is a server.json.
type Server struct {
	Schema      string     `json:"$schema"`
	Name        string     `json:"name"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
	Version     string     `json:"version"`
	WebsiteURL  string     `json:"websiteUrl"`
	Repository  ServerRepo `json:"repository"`
	Packages    []Package  `json:"packages"`
}

// ServerRepo is server.json's source repository.
type ServerRepo struct {
	URL    string `json:"url"`
	Source string `json:"source"`
}

// Package is one way to get and run the server.
type Package struct {
	RegistryType         string    `json:"registryType"`
	Identifier           string    `json:"identifier"`
	Version              string    `json:"version,omitempty"`
	FileSHA256           string    `json:"fileSha256,omitempty"`
	Transport            Transport `json:"transport"`
	EnvironmentVariables []EnvVar  `json:"environmentVariables,omitempty"`
}

// Transport is how a client talks to the package's server.
type Transport struct {
	Type string `json:"type"`
}

// EnvVar is an environment variable the server reads.
type EnvVar struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	IsRequired  bool   `json:"isRequired"`
	IsSecret    bool   `json:"isSecret"`
	Format      string `json:"format,omitempty"`
}

// Bundle is a released .mcpb: its download URL and SHA-256.
type Bundle struct {
	URL    string
	SHA256 string
}

// BundleURL is where a release's bundle for goos/goarch is downloaded.
func BundleURL(version, goos, goarch string) string {
	return Repository + "/releases/download/" + tagOf(version) + "/" + BundleName(version, goos, goarch)
}

// BundleName is the file name of a release's bundle for goos/goarch.
func BundleName(version, goos, goarch string) string {
	return "threads-mcp_" + strings.TrimPrefix(version, "v") + "_" + goos + "_" + goarch + ".mcpb"
}

func tagOf(version string) string { return "v" + strings.TrimPrefix(version, "v") }

// NewServer builds server.json for version: the Go module (go install)
// and each bundle given (the release adds them with their hashes).
func NewServer(version string, bundles []Bundle) *Server {
	env := []EnvVar{
		{Name: "THREADS_MCP_SANDBOX", Description: "true runs against the built-in Threads emulator (no account needed)", Format: "boolean"},
		{Name: "THREADS_MCP_ACCOUNT", Description: "the stored account to act as (threads-mcp auth login); empty for the default"},
		{Name: "THREADS_MCP_TOOLSETS", Description: "comma-separated toolsets to serve (default: " + defaultToolsets() + ")"},
	}
	s := &Server{
		Schema: ServerSchema, Name: RegistryName, Title: tools.ServerTitle, Description: Description,
		Version:    strings.TrimPrefix(version, "v"),
		WebsiteURL: Repository, Repository: ServerRepo{URL: Repository, Source: "github"},
		Packages: []Package{{RegistryType: "go", Identifier: Module, Version: tagOf(version),
			Transport: Transport{Type: "stdio"}, EnvironmentVariables: env}},
	}
	for _, b := range bundles {
		s.Packages = append(s.Packages, Package{RegistryType: "mcpb", Identifier: b.URL, FileSHA256: b.SHA256,
			Transport: Transport{Type: "stdio"}, EnvironmentVariables: env})
	}
	return s
}

// JSON is server.json as indented JSON.
func (s *Server) JSON() ([]byte, error) { return marshal(s) }

func defaultToolsets() string {
	var names []string
	for _, t := range tools.Toolsets() {
		if t.Default {
			names = append(names, t.Name)
		}
	}
	return strings.Join(names, ",")
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// CommittedVersion is the version of the committed .ci/server.json (the
// first release); a release writes its own with the tag and the bundles.
const CommittedVersion = "0.1.0"
