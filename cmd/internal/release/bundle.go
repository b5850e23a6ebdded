package release

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"time"
)

// WriteBundle writes the MCPB bundle (a zip archive) for goos to w: the
// manifest as manifest.json and the binary at its entry point, executable.
// Entries carry the fixed time modified, so a bundle built twice from the
// same binary is the same file (its SHA-256 goes into server.json).
func WriteBundle(w io.Writer, m *Manifest, binary string, modified time.Time) error {
	manifest, err := m.JSON()
	if err != nil {
		return err
	}
	bin, err := os.Open(binary)
	if err != nil {
		return fmt.Errorf("release: bundle: %w", err)
	}
	defer bin.Close()
	zw := zip.NewWriter(w)
	add := func(name string, mode os.FileMode, r io.Reader) error {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified.UTC()}
		h.SetMode(mode)
		f, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, r)
		return err
	}
	if err := add("manifest.json", 0o644, bytesReader(manifest)); err != nil {
		return fmt.Errorf("release: bundle: %w", err)
	}
	if err := add(m.Server.EntryPoint, 0o755, bin); err != nil {
		return fmt.Errorf("release: bundle: %w", err)
	}
	return zw.Close()
}
