package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/threads-mcp/threads-mcp/schemas"
)

// TestDoctorCommand drives the built binary: the exit code is 0 only when
// nothing the enabled tools need is broken, and each failure prints its
// line and fix. The sandbox's fault flags produce the failures.
func TestDoctorCommand(t *testing.T) {
	const envToken = "THAASENTINELDOCTORTOKEN0123456789"
	tests := []struct {
		name     string
		args     []string
		env      []string
		code     int
		has      []string
		notInOut string
	}{
		{"healthy sandbox", []string{"doctor", "--sandbox"}, nil, 0,
			[]string{"✓ sandbox: token: valid", "✓ graph api:", "Everything the enabled tools need works."}, ""},
		{"expired token", []string{"doctor", "--sandbox", "--sandbox-expire-demo-token"}, nil, 1,
			[]string{"✗ sandbox: token: Meta refuses the token (expired or revoked)", "fix: the sandbox's demo token expires only when asked to"}, ""},
		{"quota spent", []string{"doctor", "--sandbox", "--sandbox-quota", "posts=1"}, nil, 1,
			[]string{"✗ sandbox: quota: quota spent: posts", "fix: wait: each post, reply or delete stops counting 24 hours after it was made"}, ""},
		{"open HTTP listener", []string{"doctor", "--sandbox", "--transport", "http", "--listen", "0.0.0.0:8080"}, nil, 1,
			[]string{"✗ http transport: refusing to listen on 0.0.0.0:8080 without a bearer token", "fix: Set --http-token (or THREADS_MCP_HTTP_TOKEN), or listen on 127.0.0.1"}, ""},
		{"weak HTTP token", []string{"doctor", "--sandbox", "--transport", "http"}, []string{"THREADS_MCP_HTTP_TOKEN=short"}, 1,
			[]string{"✗ http transport: --http-token / THREADS_MCP_HTTP_TOKEN: the HTTP bearer token is 5 bytes long", "fix: set --http-token / THREADS_MCP_HTTP_TOKEN to a strong token"}, "short"},
		{"unreachable host", []string{"doctor", "--api-base-url", "http://127.0.0.1:1/v1.0"}, []string{"THREADS_ACCESS_TOKEN=" + envToken}, 1,
			[]string{"✗ THREADS_ACCESS_TOKEN: token: could not ask Meta about the token", "✗ graph api: cannot reach 127.0.0.1:1"}, envToken},
		{"no account", []string{"doctor", "--api-base-url", "http://127.0.0.1:1/v1.0"}, nil, 1,
			[]string{"✗ accounts: no Threads account", "fix: threads-mcp auth login"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errs, code := runDoctor(t, tc.env, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s\n%s", code, tc.code, out, errs)
			}
			for _, h := range tc.has {
				if !strings.Contains(out, h) {
					t.Errorf("output lacks %q:\n%s", h, out)
				}
			}
			if tc.notInOut != "" && strings.Contains(out+errs, tc.notInOut) {
				t.Errorf("a secret is in the output:\n%s\n%s", out, errs)
			}
		})
	}
}

// TestDoctorJSON checks the shape of --json and that the doctor tool gives
// the same report.
func TestDoctorJSON(t *testing.T) {
	out, errs, code := runDoctor(t, nil, "doctor", "--sandbox", "--json", "--sandbox-expire-demo-token")
	if code != 1 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if want := []string{"checks", "ok", "sandbox"}; !slices.Equal(keys, want) {
		t.Errorf("keys %v, want %v", keys, want)
	}
	var res schemas.DoctorResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.OK || !res.Sandbox || len(res.Checks) < 5 {
		t.Fatalf("report %+v", res)
	}
	failed := false
	for _, c := range res.Checks {
		if c.Check == "" || c.Detail == "" || !slices.Contains(schemas.DoctorStatuses(), c.Status) {
			t.Errorf("check %+v: want a name, a detail and a known status", c)
		}
		if c.Status == schemas.DoctorFail {
			failed = true
			if c.Fix == "" {
				t.Errorf("failed check %q has no fix", c.Check)
			}
		}
	}
	if !failed {
		t.Error("no check failed although the token is expired")
	}

	// The doctor tool: the same report to the agent, read-only, outside
	// the default toolsets.
	out, errs, code = runDoctor(t, nil, "call", "--sandbox", "--toolsets", "diagnostics", "doctor")
	if code != 0 {
		t.Fatalf("doctor tool: exit %d\n%s\n%s", code, out, errs)
	}
	var call struct {
		StructuredContent schemas.DoctorResult `json:"structuredContent"`
	}
	if err := json.Unmarshal([]byte(out), &call); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if r := call.StructuredContent; !r.OK || !r.Sandbox || len(r.Checks) < 5 || r.Checks[0].Check != "state directory" {
		t.Errorf("doctor tool result %+v", r)
	}
	if strings.Contains(out, "THAA") {
		t.Errorf("a token is in the doctor tool's result:\n%s", out)
	}
}

// runDoctor runs the binary with its own home directory and a state
// directory that does not exist yet.
func runDoctor(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "THREADS_MCP_STATE_DIR=" + filepath.Join(t.TempDir(), "state")},
		fastSandboxEnv...), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}
