package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstallCommand drives the built binary: install into a fake home,
// the entry runs the binary by its absolute path, a second install of a
// different entry is refused, uninstall removes it.
func TestInstallCommand(t *testing.T) {
	home := t.TempDir()
	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(binary, args...)
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config")}, fastSandboxEnv...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), code
	}
	abs, err := filepath.Abs(binary)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		abs = r
	}
	cfg := filepath.Join(home, ".config", "Claude", "claude_desktop_config.json")

	out, _, code := run("install", "--client", "claude-desktop", "--sandbox", "--dry-run")
	if code != 0 || !strings.Contains(out, cfg) || !strings.Contains(out, `"--sandbox"`) {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(cfg); !os.IsNotExist(err) {
		t.Fatalf("the dry run wrote %s", cfg)
	}
	if _, errs, code := run("install", "--client", "claude-desktop", "--sandbox"); code != 0 {
		t.Fatalf("install: exit %d: %s", code, errs)
	}
	var doc struct {
		MCPServers map[string]struct {
			Command string   `json:"command"`
			Args    []string `json:"args"`
			Env     map[string]string
		} `json:"mcpServers"`
	}
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	e := doc.MCPServers["threads"]
	if e.Command != abs || len(e.Args) != 1 || e.Args[0] != "--sandbox" || len(e.Env) != 0 {
		t.Errorf("entry %+v, want command %s and args [--sandbox]", e, abs)
	}
	// The written entry really starts a working server.
	if out, errs, code := run(append([]string{"call"}, append(e.Args, "list_accounts")...)...); code != 0 || !strings.Contains(out, "sandbox") {
		t.Errorf("the configured command does not work: exit %d\n%s\n%s", code, out, errs)
	}
	if _, errs, code := run("install", "--client", "claude-desktop", "--account", "work"); code != 2 || !strings.Contains(errs, "--force") {
		t.Errorf("install over a different entry: exit %d: %s", code, errs)
	}
	if _, errs, code := run("uninstall", "--client", "claude-desktop"); code != 0 {
		t.Fatalf("uninstall: exit %d: %s", code, errs)
	}
	if b, _ := os.ReadFile(cfg); strings.Contains(string(b), "threads") {
		t.Errorf("after uninstall: %s", b)
	}
	if _, errs, code := run("install", "--client", "emacs"); code != 2 || !strings.Contains(errs, "claude-desktop") {
		t.Errorf("unknown client: exit %d: %s", code, errs)
	}
}
