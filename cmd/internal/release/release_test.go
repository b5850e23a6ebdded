package release_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/cmd/internal/release"
	"github.com/threads-mcp/threads-mcp/tools"
)

// manifestKeys are the top-level members the MCPB v0.4 manifest schema
// allows (it sets additionalProperties: false), and those it requires.
var (
	manifestKeys = []string{"$schema", "dxt_version", "manifest_version", "name", "display_name", "version", "description",
		"long_description", "author", "repository", "homepage", "documentation", "support", "icon", "icons", "screenshots",
		"localization", "server", "tools", "tools_generated", "prompts", "prompts_generated", "keywords", "license",
		"privacy_policies", "compatibility", "user_config", "_meta"}
	manifestRequired = []string{"name", "version", "description", "author", "server"}
	userConfigTypes  = []string{"string", "number", "boolean", "directory", "file"}
	platformNames    = []string{"darwin", "win32", "linux"}
)

// TestManifest checks each platform's manifest against the rules of the
// MCPB v0.4 schema and that it lists every default tool, from the registry.
func TestManifest(t *testing.T) {
	sel, err := tools.Select(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, goos := range []string{"darwin", "linux", "windows"} {
		t.Run(goos, func(t *testing.T) {
			m, err := release.NewManifest("v1.2.3", goos)
			if err != nil {
				t.Fatal(err)
			}
			b, err := m.JSON()
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			for k := range doc {
				if !slices.Contains(manifestKeys, k) {
					t.Errorf("member %q is not in the MCPB v0.4 manifest schema", k)
				}
			}
			for _, k := range manifestRequired {
				if _, ok := doc[k]; !ok {
					t.Errorf("required member %q missing", k)
				}
			}
			if doc["manifest_version"] != "0.4" || doc["version"] != "1.2.3" {
				t.Errorf("manifest_version %v, version %v", doc["manifest_version"], doc["version"])
			}
			srv := doc["server"].(map[string]any)
			cfg := srv["mcp_config"].(map[string]any)
			entry := srv["entry_point"].(string)
			if srv["type"] != "binary" || cfg["command"] != "${__dirname}/"+entry {
				t.Errorf("server %v", srv)
			}
			if (goos == "windows") != strings.HasSuffix(entry, ".exe") {
				t.Errorf("entry point %q for %s", entry, goos)
			}
			for k, v := range cfg["env"].(map[string]any) {
				if ref := strings.TrimSuffix(strings.TrimPrefix(v.(string), "${user_config."), "}"); m.UserConfig[ref].Type == "" {
					t.Errorf("env %s=%v refers to no user_config", k, v)
				}
				if strings.Contains(k, "TOKEN") {
					t.Errorf("env %s: no token goes into a host's configuration", k)
				}
			}
			for name, uc := range m.UserConfig {
				if !slices.Contains(userConfigTypes, uc.Type) || uc.Title == "" || uc.Description == "" {
					t.Errorf("user_config %s: %+v", name, uc)
				}
			}
			for _, p := range m.Compatibility.Platforms {
				if !slices.Contains(platformNames, p) {
					t.Errorf("platform %q", p)
				}
			}
			var names []string
			for _, tl := range m.Tools {
				names = append(names, tl.Name)
				if tl.Description == "" {
					t.Errorf("tool %s has no description", tl.Name)
				}
			}
			for _, tl := range sel {
				if !slices.Contains(names, tl.Name()) {
					t.Errorf("default tool %s is not listed", tl.Name())
				}
			}
			if len(names) != len(sel) {
				t.Errorf("%d tools listed, %d served by default", len(names), len(sel))
			}
		})
	}
	if _, err := release.NewManifest("v1", "plan9"); err == nil {
		t.Error("a manifest for plan9")
	}
}

// TestBundle checks the .mcpb: a zip with the manifest and the executable
// binary at its entry point, the same bytes when built twice.
func TestBundle(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "threads-mcp")
	if err := os.WriteFile(bin, []byte("\x7fELF not really"), 0o755); err != nil {
		t.Fatal(err)
	}
	m, err := release.NewManifest("v1.2.3", "linux")
	if err != nil {
		t.Fatal(err)
	}
	build := func() []byte {
		var b bytes.Buffer
		if err := release.WriteBundle(&b, m, bin, time.Unix(1700000000, 0)); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	first := build()
	if !bytes.Equal(first, build()) {
		t.Error("two builds of the same bundle differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(first), int64(len(first)))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]os.FileMode{}
	for _, f := range zr.File {
		got[f.Name] = f.Mode().Perm()
	}
	if len(got) != 2 || got["manifest.json"] != 0o644 || got["server/threads-mcp"] != 0o755 {
		t.Errorf("entries %v", got)
	}
	f, err := zr.Open("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var back release.Manifest
	if err := json.NewDecoder(f).Decode(&back); err != nil || back.Name != "threads-mcp" {
		t.Errorf("manifest in the bundle: %+v, %v", back, err)
	}
}

// TestServerJSON: the committed .ci/server.json is what the registry
// generates (regenerate: go run ./cmd/release server-json --version
// 0.1.0 --out .ci/server.json), and it keeps the official registry's rules.
func TestServerJSON(t *testing.T) {
	want, err := release.NewServer(release.CommittedVersion, nil).JSON()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", "..", ".ci", "server.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf(".ci/server.json is stale; regenerate it with go run ./cmd/release server-json --version %s --out .ci/server.json\ngot:\n%s\nwant:\n%s",
			release.CommittedVersion, got, want)
	}
	s := release.NewServer("v1.2.3", []release.Bundle{{URL: release.BundleURL("v1.2.3", "darwin", "arm64"), SHA256: strings.Repeat("ab", 32)}})
	if !regexp.MustCompile(`^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$`).MatchString(s.Name) || strings.Count(s.Name, "/") != 1 {
		t.Errorf("name %q", s.Name)
	}
	if len(s.Description) > 100 || s.Version != "1.2.3" {
		t.Errorf("description (%d chars) %q, version %q", len(s.Description), s.Description, s.Version)
	}
	mcpb := s.Packages[1]
	if mcpb.RegistryType != "mcpb" || !strings.Contains(mcpb.Identifier, "mcp") || len(mcpb.FileSHA256) != 64 ||
		mcpb.Identifier != "https://github.com/threads-mcp/threads-mcp/releases/download/v1.2.3/threads-mcp_1.2.3_darwin_arm64.mcpb" {
		t.Errorf("bundle package %+v", mcpb)
	}
	if g := s.Packages[0]; g.RegistryType != "go" || g.Identifier != release.Module || g.Version != "v1.2.3" {
		t.Errorf("go package %+v", g)
	}
}

// TestSBOM reads the build information of a binary built here (test
// binaries record no modules), cmd/release, which links mcp-go.
func TestSBOM(t *testing.T) {
	self := filepath.Join(t.TempDir(), "release")
	if out, err := exec.Command("go", "build", "-o", self, "../../release").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var b bytes.Buffer
	if err := release.SBOM(&b, self, "1.2.3", time.Unix(1700000000, 0)); err != nil {
		t.Fatal(err)
	}
	var bom release.CycloneDX
	if err := json.Unmarshal(b.Bytes(), &bom); err != nil {
		t.Fatal(err)
	}
	if app := bom.Metadata.Component; bom.BOMFormat != "CycloneDX" || bom.SpecVersion != "1.5" || len(app.Hashes) != 1 ||
		app.Version != "v1.2.3" || app.PURL != "pkg:golang/github.com/threads-mcp/threads-mcp@v1.2.3" {
		t.Fatalf("bom %+v", bom.Metadata)
	}
	found := false
	for _, c := range bom.Components {
		if c.Name == "github.com/mark3labs/mcp-go" && c.Version != "" && strings.HasPrefix(c.PURL, "pkg:golang/github.com/mark3labs/mcp-go@v") {
			found = true
		}
	}
	if !found || len(bom.Dependencies) != 1 || len(bom.Dependencies[0].DependsOn) != len(bom.Components) {
		t.Errorf("components %d, mcp-go found %v", len(bom.Components), found)
	}
}
