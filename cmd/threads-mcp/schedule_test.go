package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools/schedule"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// liveEnv is the environment of the binary in live mode against emu.
func liveEnv(t *testing.T, emu *emulator.Server, stateDir, token string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"THREADS_API_BASE_URL=" + emu.BaseURL(),
		"THREADS_ACCESS_TOKEN=" + token,
		"THREADS_MCP_STATE_DIR=" + stateDir,
		"THREADS_MCP_LEDGER_LEASE=1s",
		"THREADS_MCP_TOOLSETS=all",
	}
}

// startWorker runs `threads-mcp worker` until the test ends (or it is killed).
func startWorker(t *testing.T, env []string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary, "worker")
	cmd.Env = env
	if f := os.Getenv("SCHED_DEBUG_LOG"); f != "" {
		w, _ := os.OpenFile(f, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		cmd.Stderr = w
		cmd.Env = append(cmd.Env, "THREADS_MCP_LOG_LEVEL=debug")
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

// openJobs opens the schedule of a state directory from the test process.
func openJobs(t *testing.T, dir string) *schedule.Engine {
	t.Helper()
	st, err := state.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	eng, err := schedule.Open(t.Context(), st)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Close() })
	return eng
}

// waitJobs polls until every job is published (River completes jobs
// asynchronously), failing with the stragglers after d.
func waitJobs(t *testing.T, eng *schedule.Engine, ids []string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		var left []string
		for _, id := range ids {
			j, err := eng.Get(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			if j.Status != "published" {
				left = append(left, id+"="+j.Status+" "+j.Error)
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs not published: %v", len(left), left[:min(5, len(left))])
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func schedule1(t *testing.T, eng *schedule.Engine, text string, at time.Time) string {
	t.Helper()
	args, _ := json.Marshal(map[string]any{"text": text})
	j, err := eng.Create(t.Context(), schedule.NewJob{Tool: "publish_text", Args: args, FireAt: at})
	if err != nil {
		t.Fatal(err)
	}
	return j.ID
}

// TestWorkerKilledMidPublish kills the worker (SIGKILL) after it claimed a
// job, after it created the container and after it published; a new
// worker finishes the job and exactly one post exists.
func TestWorkerKilledMidPublish(t *testing.T) {
	tests := []struct {
		name     string
		killWhen func(e *emulator.Server, uid string) bool
	}{
		{"after the claim", func(e *emulator.Server, uid string) bool { return len(e.Requests()) > 0 }},
		{"after the container", func(e *emulator.Server, uid string) bool { return len(e.Containers(uid)) > 0 }},
		{"after the publish", func(e *emulator.Server, uid string) bool { return len(e.Posts(uid)) > 0 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // the processes mostly wait
			emu := emulator.NewServer(emulator.WithLatency(300 * time.Millisecond))
			t.Cleanup(emu.Close)
			uid := emu.AddUser(emulator.UserSpec{Username: "sched"})
			tok := emu.IssueToken(uid, emulator.DefaultScopes, 24*time.Hour)
			dir := t.TempDir()
			eng := openJobs(t, dir)
			id := schedule1(t, eng, "killed "+tc.name, time.Now().Add(2*time.Second))
			env := liveEnv(t, emu, dir, tok)
			first := startWorker(t, env)
			deadline := time.Now().Add(30 * time.Second)
			for !tc.killWhen(emu, uid) {
				if time.Now().After(deadline) {
					t.Fatal("the job never reached the kill point")
				}
				time.Sleep(2 * time.Millisecond)
			}
			if err := first.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			waitExit(t, first)
			startWorker(t, env)
			waitJobs(t, eng, []string{id}, 60*time.Second)
			if n := len(emu.Posts(uid)); n != 1 {
				t.Fatalf("%d posts after the kill and restart, want 1", n)
			}
			j, _ := eng.Get(t.Context(), id)
			if j.PostID != emu.Posts(uid)[0].ID {
				t.Fatalf("job recorded post %s, the post is %s", j.PostID, emu.Posts(uid)[0].ID)
			}
		})
	}
}

// TestTwoWorkersOneStateDir runs two worker processes on one state
// directory with many jobs due at once: every job is posted exactly once.
func TestTwoWorkersOneStateDir(t *testing.T) {
	emu := emulator.NewServer()
	t.Cleanup(emu.Close)
	uid := emu.AddUser(emulator.UserSpec{Username: "pair"})
	tok := emu.IssueToken(uid, emulator.DefaultScopes, 24*time.Hour)
	dir := t.TempDir()
	eng := openJobs(t, dir)
	const n = 200
	at := time.Now().Add(4 * time.Second)
	var ids []string
	for i := range n {
		ids = append(ids, schedule1(t, eng, fmt.Sprintf("pair %03d", i), at))
	}
	env := liveEnv(t, emu, dir, tok)
	startWorker(t, env)
	startWorker(t, env)
	waitJobs(t, eng, ids, 90*time.Second)
	seen := map[string]int{}
	for _, p := range emu.Posts(uid) {
		seen[p.Text]++
	}
	for i := range n {
		if c := seen[fmt.Sprintf("pair %03d", i)]; c != 1 {
			t.Errorf("pair %03d posted %d times", i, c)
		}
	}
	if len(seen) != n {
		t.Errorf("%d distinct posts, want %d", len(seen), n)
	}
}

// TestStdioServerRestartStillFires schedules through a stdio server that
// then exits; a new stdio server fires the job.
func TestStdioServerRestartStillFires(t *testing.T) {
	emu := emulator.NewServer()
	t.Cleanup(emu.Close)
	uid := emu.AddUser(emulator.UserSpec{Username: "stdio"})
	tok := emu.IssueToken(uid, emulator.DefaultScopes, 24*time.Hour)
	dir := t.TempDir()
	env := liveEnv(t, emu, dir, tok)
	at := time.Now().Add(6 * time.Second).UTC().Format(time.RFC3339)
	first := startLiveEnv(t, env)
	first.send(t, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"schedule_post","arguments":{"tool":"publish_text","arguments":{"text":"survives a restart"},"publish_at":"`+at+`"}}}`)
	res := first.await(t, 2)
	sc, _ := res["structuredContent"].(map[string]any)
	job, _ := sc["job"].(map[string]any)
	worker, _ := sc["worker"].(map[string]any)
	if res["isError"] == true || job["status"] != "scheduled" || worker["running"] != true || !strings.Contains(fmt.Sprint(worker["note"]), "threads-mcp worker") {
		t.Fatalf("schedule_post: %v", res)
	}
	_ = first.in.Close() // the client goes away; the server exits
	waitExit(t, first.cmd)
	if n := len(emu.Posts(uid)); n != 0 {
		t.Fatalf("posted early: %d", n)
	}
	startLiveEnv(t, env)
	eng := openJobs(t, dir)
	waitJobs(t, eng, []string{job["id"].(string)}, 60*time.Second)
	if n := len(emu.Posts(uid)); n != 1 {
		t.Fatalf("%d posts, want 1", n)
	}
}

// startLiveEnv is startLive with a given environment.
func startLiveEnv(t *testing.T, env []string) *liveServer {
	t.Helper()
	cmd := exec.Command(binary)
	cmd.Env = env
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	s := &liveServer{cmd: cmd, in: in, frames: make(chan []byte, 16)}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			s.frames <- append([]byte(nil), sc.Bytes()...)
		}
		s.err = sc.Err()
		close(s.frames)
	}()
	s.send(t, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"sched","version":"0"}}}`)
	s.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	s.await(t, 1)
	return s
}

// TestApproveFromTheCommandLine: with require_approval always, a post
// scheduled by the agent waits; `threads-mcp drafts` lists it and
// `threads-mcp approve` shows the payload and approves it, and it fires.
func TestApproveFromTheCommandLine(t *testing.T) {
	env := append(sandboxEnv(t), "THREADS_MCP_TOOLSETS=all")
	run := func(stdin string, args ...string) (string, string, error) {
		cmd := exec.Command(binary, args...)
		cmd.Env = env
		cmd.Stdin = strings.NewReader(stdin)
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String(), errb.String(), err
	}
	if out, stderr, err := run("", "call", "set_posting_schedule", `{"require_approval":"always"}`); err != nil {
		t.Fatalf("set_posting_schedule: %v %s %s", err, out, stderr)
	}
	at := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	out, stderr, err := run("", "call", "schedule_post", `{"tool":"publish_text","arguments":{"text":"a human says yes"},"publish_at":"`+at+`"}`)
	if err != nil {
		t.Fatalf("schedule_post: %v %s %s", err, out, stderr)
	}
	var res struct {
		StructuredContent struct {
			Job  struct{ ID, Status string } `json:"job"`
			Note string                      `json:"note"`
		} `json:"structuredContent"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	id := res.StructuredContent.Job.ID
	if res.StructuredContent.Job.Status != "awaiting_approval" || !strings.Contains(res.StructuredContent.Note, "threads-mcp approve --sandbox "+id) {
		t.Fatalf("schedule_post: %s", out)
	}
	if out, _, err := run("", "drafts", "--sandbox"); err != nil || !strings.Contains(out, id) || !strings.Contains(out, "a human says yes") {
		t.Fatalf("drafts: %v\n%s", err, out)
	}
	if _, stderr, err := run("n\n", "approve", "--sandbox", id); err == nil || !strings.Contains(stderr, "not approved") {
		t.Fatalf("approve answered no: %v %s", err, stderr)
	}
	out, stderr, err = run("y\n", "approve", "--sandbox", id)
	if err != nil || !strings.Contains(out, "approved "+id+": scheduled") || !strings.Contains(stderr, `"text": "a human says yes"`) {
		t.Fatalf("approve: %v\n%s\n%s", err, out, stderr)
	}
	if out, _, _ := run("", "drafts", "--sandbox"); strings.Contains(out, id) {
		t.Fatalf("approved job still listed: %s", out)
	}
}
