package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestResetState: a state database that vanished refuses to start (the
// ledger would be forgotten and a retried key could post again) and names
// --reset-state, which starts over on purpose and keeps the old files.
func TestResetState(t *testing.T) {
	dir := t.TempDir()
	run := func(args ...string) (string, int) {
		cmd := exec.Command(binary, args...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "THREADS_MCP_STATE_DIR=" + dir}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return out.String(), ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), 0
	}
	if out, code := run("call", "--sandbox", "publish_text", `{"text":"before the loss"}`); code != 0 {
		t.Fatalf("first call: exit %d\n%s", code, out)
	}
	if err := os.Remove(filepath.Join(dir, "state.db")); err != nil {
		t.Fatal(err)
	}
	out, code := run("call", "--sandbox", "list_accounts")
	if code == 0 || !strings.Contains(out, "is missing") || !strings.Contains(out, "--reset-state") {
		t.Fatalf("start on a vanished database: exit %d, want a refusal naming --reset-state\n%s", code, out)
	}
	if out, code := run("call", "--sandbox", "--reset-state", "list_accounts"); code != 0 {
		t.Fatalf("--reset-state: exit %d\n%s", code, out)
	}
	if out, code := run("call", "--sandbox", "list_accounts"); code != 0 {
		t.Fatalf("after the reset: exit %d\n%s", code, out)
	}
}
