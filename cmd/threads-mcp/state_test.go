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

// TestResetState: a state database that vanished refuses to start (the
// ledger would be forgotten and a retried key could post again) and names
// --reset-state, which starts over on purpose and keeps the old files.
func TestResetState(t *testing.T) {
	dir := t.TempDir()
	run := func(args ...string) (string, int) {
		cmd := exec.Command(binary, args...)
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "THREADS_MCP_STATE_DIR=" + dir}, fastSandboxEnv...)
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

// TestSandboxWorldPersists: the sandbox's world lives in the state
// directory, so a post made by one `call` exists for the next (the ledger
// never replays an id the world forgot), ids are not handed out twice, and
// --sandbox-reset starts the world over.
func TestSandboxWorldPersists(t *testing.T) {
	dir := t.TempDir()
	run := func(args ...string) (map[string]any, string, int) {
		cmd := exec.Command(binary, args...)
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "THREADS_MCP_STATE_DIR=" + dir,
			"THREADS_MCP_SANDBOX=1"}, fastSandboxEnv...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		code := 0
		if err := cmd.Run(); err != nil {
			ee, ok := err.(*exec.ExitError)
			if !ok {
				t.Fatal(err)
			}
			code = ee.ExitCode()
		}
		var res struct {
			StructuredContent map[string]any `json:"structuredContent"`
		}
		_ = json.Unmarshal(out.Bytes(), &res)
		return res.StructuredContent, out.String() + errb.String(), code
	}
	first, out, code := run("call", "publish_text", `{"text":"made in the first process"}`)
	if code != 0 {
		t.Fatalf("publish: exit %d\n%s", code, out)
	}
	second, out, code := run("call", "publish_text", `{"text":"made in the second process"}`)
	if code != 0 {
		t.Fatalf("second publish: exit %d\n%s", code, out)
	}
	if first["id"] == second["id"] {
		t.Errorf("two processes handed out the same post id %v", first["id"])
	}
	if _, out, code := run("call", "reply", `{"reply_to_id":"`+first["id"].(string)+`","text":"the post is still there"}`); code != 0 {
		t.Errorf("replying to the first process's post: exit %d\n%s", code, out)
	}
	if _, out, code := run("call", "--sandbox-reset", "reply", `{"reply_to_id":"`+first["id"].(string)+`","text":"after a reset"}`); code == 0 {
		t.Errorf("after --sandbox-reset the old post still exists:\n%s", out)
	}
}

// TestSandboxFaultsFromEnvironment: the sandbox's faults are reachable
// from outside (flags or THREADS_MCP_SANDBOX_* variables).
func TestSandboxFaultsFromEnvironment(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  string
		code int
		want string
	}{
		{"injected error", "THREADS_MCP_SANDBOX_ERROR=threads_publish=2", 1, "isError"},
		{"bad value", "THREADS_MCP_SANDBOX_LATENCY=fast", 2, "--sandbox-latency"},
		{"bad number", "THREADS_MCP_SANDBOX_REQUEST_LOG=many", 2, "THREADS_MCP_SANDBOX_REQUEST_LOG"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(binary, "call", "--sandbox", "publish_text", `{"text":"with a fault"}`)
			cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "THREADS_MCP_STATE_DIR=" + t.TempDir()},
				append(fastSandboxEnv, tc.env)...)
			out, err := cmd.CombinedOutput()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
			if code != tc.code || !strings.Contains(string(out), tc.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s", code, tc.code, tc.want, out)
			}
		})
	}
}
