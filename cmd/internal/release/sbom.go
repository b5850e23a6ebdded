package release

import (
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// CycloneDX is the subset of a CycloneDX 1.5 BOM
// (https://cyclonedx.org/docs/1.5/json/) an SBOM of a Go binary needs.
type CycloneDX struct {
	BOMFormat    string       `json:"bomFormat"`
	SpecVersion  string       `json:"specVersion"`
	Version      int          `json:"version"`
	Metadata     BOMMetadata  `json:"metadata"`
	Components   []Component  `json:"components"`
	Dependencies []Dependency `json:"dependencies"`
}

// BOMMetadata says what the BOM describes and what made it.
type BOMMetadata struct {
	Timestamp string    `json:"timestamp"`
	Tools     BOMTools  `json:"tools"`
	Component Component `json:"component"`
}

// BOMTools lists the tools that made the BOM.
type BOMTools struct {
	Components []Component `json:"components"`
}

// Component is a module (or the binary itself).
type Component struct {
	Type       string     `json:"type"`
	BOMRef     string     `json:"bom-ref,omitempty"`
	Name       string     `json:"name"`
	Version    string     `json:"version,omitempty"`
	PURL       string     `json:"purl,omitempty"`
	Hashes     []Hash     `json:"hashes,omitempty"`
	Properties []Property `json:"properties,omitempty"`
}

// Hash is a component's digest.
type Hash struct {
	Alg     string `json:"alg"`
	Content string `json:"content"`
}

// Property is a name-value pair.
type Property struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Dependency says which components a component depends on.
type Dependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

// SBOM writes a CycloneDX SBOM of the Go binary at path to w, from the
// build information the Go toolchain embeds in it (what `go version -m`
// prints): the main module, every module linked in (replacements
// resolved), the Go version and the build settings (GOOS, GOARCH,
// CGO_ENABLED, -ldflags, VCS revision). version, when given, is the
// binary's release version (a checkout build records "(devel)"). No
// network, no syft.
func SBOM(w io.Writer, path, version string, now time.Time) error {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return fmt.Errorf("release: sbom: %w", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("release: sbom: %w", err)
	}
	sum := sha256.Sum256(data)
	mainVersion := bi.Main.Version
	if version != "" {
		mainVersion = tagOf(version)
	}
	mainRef := purl(bi.Main.Path, mainVersion)
	app := Component{Type: "application", BOMRef: mainRef, Name: filepath.Base(path), Version: mainVersion, PURL: mainRef,
		Hashes:     []Hash{{Alg: "SHA-256", Content: hex.EncodeToString(sum[:])}},
		Properties: []Property{{Name: "go:module", Value: bi.Main.Path}, {Name: "go:version", Value: bi.GoVersion}}}
	for _, s := range bi.Settings {
		app.Properties = append(app.Properties, Property{Name: "go:build:" + s.Key, Value: s.Value})
	}
	bom := CycloneDX{BOMFormat: "CycloneDX", SpecVersion: "1.5", Version: 1,
		Metadata: BOMMetadata{Timestamp: now.UTC().Format(time.RFC3339), Component: app,
			Tools: BOMTools{Components: []Component{{Type: "application", Name: "threads-mcp release sbom"}}}},
		Components: []Component{}}
	dep := Dependency{Ref: mainRef, DependsOn: []string{}}
	for _, m := range bi.Deps {
		if m.Replace != nil {
			m = m.Replace
		}
		ref := purl(m.Path, m.Version)
		c := Component{Type: "library", BOMRef: ref, Name: m.Path, Version: m.Version, PURL: ref}
		if m.Sum != "" {
			c.Properties = []Property{{Name: "go:sum", Value: m.Sum}}
		}
		bom.Components = append(bom.Components, c)
		dep.DependsOn = append(dep.DependsOn, ref)
	}
	bom.Dependencies = []Dependency{dep}
	b, err := marshal(bom)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// purl is the package URL of a Go module (https://github.com/package-url/purl-spec,
// type golang).
func purl(path, version string) string {
	p := "pkg:golang/" + path
	if version != "" && version != "(devel)" {
		p += "@" + version
	}
	return p
}
