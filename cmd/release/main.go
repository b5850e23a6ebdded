// Command release builds the release artifacts goreleaser does not: the
// MCP desktop bundle (.mcpb) of one platform's binary, server.json for the
// official MCP registry, and a CycloneDX SBOM of a binary. .ci/goreleaser.yaml
// runs it; so can a person:
//
//	go run ./cmd/release manifest --os darwin --version v1.2.3
//	go run ./cmd/release mcpb --binary dist/x/threads-mcp --os darwin --arch arm64 --version v1.2.3 --out dist/
//	go run ./cmd/release server-json --version v1.2.3 [--bundles dist/] [--out server.json]
//	go run ./cmd/release sbom --binary dist/x/threads-mcp --out dist/threads-mcp.cdx.json
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/threads-mcp/threads-mcp/cmd/internal/release"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: release manifest|mcpb|server-json|sbom [flags]")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	version := fs.String("version", "", "the release version (the tag, v optional; default 0.0.0-dev, for sbom the binary's own)")
	goos := fs.String("os", runtime.GOOS, "the binary's GOOS")
	goarch := fs.String("arch", runtime.GOARCH, "the binary's GOARCH")
	binary := fs.String("binary", "", "the built threads-mcp binary")
	out := fs.String("out", "", "output file (a directory for mcpb); stdout when empty")
	bundles := fs.String("bundles", "", "server-json: a directory of .mcpb bundles to list with their SHA-256")
	epoch := fs.Int64("mtime", 0, "mcpb: modification time of the entries, Unix seconds (default: the binary's)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *version == "" && args[0] != "sbom" {
		*version = "0.0.0-dev"
	}
	switch args[0] {
	case "manifest":
		m, err := release.NewManifest(*version, *goos)
		if err != nil {
			return err
		}
		b, err := m.JSON()
		if err != nil {
			return err
		}
		return write(*out, stdout, b)
	case "mcpb":
		m, err := release.NewManifest(*version, *goos)
		if err != nil {
			return err
		}
		fi, err := os.Stat(*binary)
		if err != nil {
			return err
		}
		mtime := fi.ModTime()
		if *epoch > 0 {
			mtime = time.Unix(*epoch, 0)
		}
		var b bytes.Buffer
		if err := release.WriteBundle(&b, m, *binary, mtime); err != nil {
			return err
		}
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(*out, release.BundleName(*version, *goos, *goarch)), b.Bytes(), 0o644)
	case "server-json":
		var list []release.Bundle
		if *bundles != "" {
			for _, p := range []struct{ os, arch string }{{"darwin", "amd64"}, {"darwin", "arm64"}, {"linux", "amd64"},
				{"linux", "arm64"}, {"windows", "amd64"}, {"windows", "arm64"}} {
				data, err := os.ReadFile(filepath.Join(*bundles, release.BundleName(*version, p.os, p.arch)))
				if os.IsNotExist(err) {
					continue
				}
				if err != nil {
					return err
				}
				sum := sha256.Sum256(data)
				list = append(list, release.Bundle{URL: release.BundleURL(*version, p.os, p.arch), SHA256: hex.EncodeToString(sum[:])})
			}
		}
		b, err := release.NewServer(*version, list).JSON()
		if err != nil {
			return err
		}
		return write(*out, stdout, b)
	case "sbom":
		var b bytes.Buffer
		if err := release.SBOM(&b, *binary, *version, time.Now()); err != nil {
			return err
		}
		return write(*out, stdout, b.Bytes())
	}
	return fmt.Errorf("unknown command %q: want manifest, mcpb, server-json or sbom", args[0])
}

func write(path string, stdout io.Writer, b []byte) error {
	if path == "" {
		_, err := stdout.Write(b)
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
