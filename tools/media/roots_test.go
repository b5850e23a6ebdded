package media

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestResolvePath(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{root, outside, filepath.Join(root, "sub")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p string) string {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	inside := write(filepath.Join(root, "sub", "chart.png"))
	secret := write(filepath.Join(outside, "id_ed25519"))
	link := func(target, name string) string {
		p := filepath.Join(root, name)
		if err := os.Symlink(target, p); err != nil {
			t.Skip("symlinks unavailable:", err)
		}
		return p
	}
	linkOut := link(secret, "innocent.png")
	linkDirOut := link(outside, "shared")
	linkIn := link(inside, "alias.png")
	rootLink := filepath.Join(base, "rootlink")
	if err := os.Symlink(root, rootLink); err != nil {
		t.Skip(err)
	}
	tests := []struct {
		name  string
		path  string
		roots []string
		want  string // resolved path, or "" for a refusal
		rule  string
	}{
		{"inside", inside, []string{root}, inside, ""},
		{"file URI", "file://" + filepath.ToSlash(inside), []string{root}, inside, ""},
		{"dot-dot out of the root", filepath.Join(root, "sub", "..", "..", "outside", "id_ed25519"), []string{root}, "", "outside the allowed roots"},
		{"dot-dot staying inside", filepath.Join(root, "sub", "..", "sub", "chart.png"), []string{root}, inside, ""},
		{"literal dot-dot string", root + "/../outside/id_ed25519", []string{root}, "", "outside the allowed roots"},
		{"symlink to a file outside", linkOut, []string{root}, "", "outside the allowed roots"},
		{"symlinked directory outside", filepath.Join(linkDirOut, "id_ed25519"), []string{root}, "", "outside the allowed roots"},
		{"symlink inside the root", linkIn, []string{root}, inside, ""},
		{"root given through a symlink", inside, []string{rootLink}, inside, ""},
		{"outside any root", secret, []string{root}, "", "outside the allowed roots"},
		{"relative", "sub/chart.png", []string{root}, "", "not absolute"},
		{"no roots", inside, nil, "", "no allowed roots"},
		{"missing", filepath.Join(root, "nope.png"), []string{root}, "", "no such file"},
		{"a directory", filepath.Join(root, "sub"), []string{root}, "", "not a file"},
		{"a prefix is not a parent", filepath.Join(base, "rootx"), []string{root}, "", ""},
	}
	if err := os.Mkdir(filepath.Join(base, "rootx"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(base, "rootx", "f"))
	tests[len(tests)-1].path = filepath.Join(base, "rootx", "f")
	tests[len(tests)-1].rule = "outside the allowed roots"
	wantReal := func(p string) string {
		r, err := filepath.EvalSymlinks(p)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolvePath(tt.path, tt.roots)
			if tt.want != "" {
				if err != nil {
					t.Fatalf("ResolvePath: %v", err)
				}
				if got != wantReal(tt.want) {
					t.Errorf("ResolvePath = %q, want %q", got, wantReal(tt.want))
				}
				return
			}
			var pe *pathError
			if !errors.As(err, &pe) || pe.rule != tt.rule {
				t.Fatalf("ResolvePath = %q, %v; want rule %q", got, err, tt.rule)
			}
		})
	}
}
