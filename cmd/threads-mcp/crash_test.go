package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// liveServer is the binary in live mode (no sandbox) against an in-process
// emulator, speaking raw JSON-RPC over its stdio.
type liveServer struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	frames chan []byte // stdout, one JSON-RPC frame each; closed at EOF
	err    error       // the read error, once frames is closed
}

// frameWait bounds how long a test waits for one response from a server
// process, so a hang fails quickly and says what it waited for.
const frameWait = 30 * time.Second

func startLive(t *testing.T, emu *emulator.Server, stateDir, token string) *liveServer {
	t.Helper()
	cmd := exec.Command(binary)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"THREADS_API_BASE_URL=" + emu.BaseURL(),
		"THREADS_ACCESS_TOKEN=" + token,
		"THREADS_MCP_STATE_DIR=" + stateDir,
		"THREADS_MCP_LEDGER_LEASE=1s",
		"THREADS_MCP_MEDIA_PREFLIGHT=staged", // the made-up media URLs cannot be fetched
	}
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
	s.send(t, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"crash","version":"0"}}}`)
	s.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	s.await(t, 1)
	return s
}

func (s *liveServer) send(t *testing.T, frame string) {
	t.Helper()
	if _, err := io.WriteString(s.in, frame+"\n"); err != nil {
		t.Fatal(err)
	}
}

// await reads frames until the response to id, returning its result; it
// fails the test when none comes within frameWait.
func (s *liveServer) await(t *testing.T, id int) map[string]any {
	t.Helper()
	deadline := time.After(frameWait)
	for {
		select {
		case b, ok := <-s.frames:
			if !ok {
				t.Fatalf("the server closed stdout before answering request %d: %v", id, s.err)
			}
			var msg map[string]any
			if err := json.Unmarshal(b, &msg); err != nil {
				t.Fatalf("bad frame %q", b)
			}
			if msg["id"] == float64(id) {
				res, _ := msg["result"].(map[string]any)
				return res
			}
		case <-deadline:
			t.Fatalf("no response to request %d within %s", id, frameWait)
		}
	}
}

// TestCrashResume kills the server (SIGKILL) in the middle of a publish and
// retries the same idempotency key in a new process: exactly one post
// exists afterwards and the agent gets its id.
func TestCrashResume(t *testing.T) {
	tests := []struct {
		name string
		// killWhen reports the moment to kill the first process.
		killWhen func(e *emulator.Server, uid string) bool
	}{
		{"after the publish is committed", func(e *emulator.Server, uid string) bool {
			return len(e.Posts(uid)) > 0
		}},
		{"after the container is created, before publishing", func(e *emulator.Server, uid string) bool {
			return len(e.Containers(uid)) > 0
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			emu := emulator.NewServer(emulator.WithLatency(300 * time.Millisecond))
			t.Cleanup(emu.Close)
			uid := emu.AddUser(emulator.UserSpec{Username: "crashy"})
			tok := emu.IssueToken(uid, emulator.DefaultScopes, 24*time.Hour)
			state := t.TempDir()
			call := fmt.Sprintf(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"publish_text","arguments":{"text":"crash test %s","idempotency_key":"crash-key"}}}`, tc.name)

			first := startLive(t, emu, state, tok)
			first.send(t, call)
			deadline := time.Now().Add(20 * time.Second)
			for !tc.killWhen(emu, uid) {
				if time.Now().After(deadline) {
					t.Fatal("the publish never reached the kill point")
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := first.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			waitExit(t, first.cmd)

			second := startLive(t, emu, state, tok)
			second.send(t, call)
			res := second.await(t, 7)
			if res == nil || res["isError"] == true {
				t.Fatalf("retry after the crash failed: %v", res)
			}
			sc, _ := res["structuredContent"].(map[string]any)
			posts := emu.Posts(uid)
			if len(posts) != 1 {
				t.Fatalf("%d posts exist after crash and retry, want exactly 1", len(posts))
			}
			if sc["id"] != posts[0].ID {
				t.Errorf("retry returned id %v, the post is %s (result %v)", sc["id"], posts[0].ID, sc)
			}
			if note, _ := sc["note"].(string); !strings.Contains(note, "interrupted") {
				t.Errorf("result does not say the earlier attempt was interrupted: %v", sc)
			}
		})
	}
}

// waitExit waits for a killed process to exit, failing after frameWait.
func waitExit(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(frameWait):
		t.Fatalf("process %d did not exit within %s of SIGKILL", cmd.Process.Pid, frameWait)
	}
}

// TestLostStateRefusesToStart: a server whose state database vanished (or
// was emptied) since the last run refuses to start, says what happened and
// how to start over, and recreates nothing; a live server that loses its
// database stops publishing and says so.
func TestLostStateRefusesToStart(t *testing.T) {
	emu := emulator.NewServer()
	t.Cleanup(emu.Close)
	uid := emu.AddUser(emulator.UserSpec{Username: "lost"})
	tok := emu.IssueToken(uid, emulator.DefaultScopes, 24*time.Hour)
	dir := t.TempDir()
	db := filepath.Join(dir, "state.db")

	s := startLive(t, emu, dir, tok)
	s.send(t, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"publish_text","arguments":{"text":"before the loss"}}}`)
	if res := s.await(t, 2); res == nil || res["isError"] == true {
		t.Fatalf("first publish: %v", res)
	}
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		_ = os.Remove(p)
	}
	s.send(t, `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"publish_text","arguments":{"text":"after the loss"}}}`)
	res := s.await(t, 3)
	if b, _ := json.Marshal(res); res["isError"] != true || !strings.Contains(string(b), "publishing is stopped") {
		t.Fatalf("publish after the database vanished: %s", b)
	}
	if n := len(emu.Posts(uid)); n != 1 {
		t.Fatalf("%d posts, want 1", n)
	}
	_ = s.cmd.Process.Kill()
	waitExit(t, s.cmd)

	cmd := exec.Command(binary, "call", "list_accounts")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "THREADS_API_BASE_URL=" + emu.BaseURL(),
		"THREADS_ACCESS_TOKEN=" + tok, "THREADS_MCP_STATE_DIR=" + dir}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err == nil {
		t.Fatal("the server started over a vanished state database")
	}
	for _, want := range []string{"is missing", "--reset-state"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("start-up error lacks %q:\n%s", want, stderr.String())
		}
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a new database was created: %v", err)
	}
}

// crashAndRetry sends call (request id 7) to a live server, kills it
// (SIGKILL) once killWhen holds, then sends the same call to a new server
// on the same state directory and returns the retry's structured content.
func crashAndRetry(t *testing.T, emu *emulator.Server, state, tok, call string, killWhen func() bool) map[string]any {
	t.Helper()
	first := startLive(t, emu, state, tok)
	first.send(t, call)
	deadline := time.Now().Add(20 * time.Second)
	for !killWhen() {
		if time.Now().After(deadline) {
			t.Fatal("the call never reached the kill point")
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := first.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	waitExit(t, first.cmd)
	second := startLive(t, emu, state, tok)
	second.send(t, call)
	res := second.await(t, 7)
	if res == nil || res["isError"] == true {
		t.Fatalf("retry after the crash failed: %v", res)
	}
	sc, _ := res["structuredContent"].(map[string]any)
	return sc
}

// TestCrashResumeMediaThreadDelete extends TestCrashResume to publish_media,
// publish_thread and delete_post: killed at each step, the retry in a new
// process leaves exactly the posts the call asked for.
func TestCrashResumeMediaThreadDelete(t *testing.T) {
	const (
		media  = `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"publish_media","arguments":{"type":"video","url":"https://cdn.example.com/crash.mp4","text":"crash video","idempotency_key":"crash-media"}}}`
		thread = `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"publish_thread","arguments":{"idempotency_key":"crash-thread","parts":[{"text":"part one"},{"text":"part two","media":{"type":"image","url":"https://cdn.example.com/two.jpg"}},{"text":"part three"}]}}}`
	)
	posts := func(w world) int { return len(w.emu.Posts(w.uid)) }
	containers := func(w world) int { return len(w.emu.Containers(w.uid)) }
	// processing: a video container has been processing for a while (the
	// server is polling its status), half its processing delay.
	processing := func(w world) bool {
		for _, c := range w.emu.Containers(w.uid) {
			if c.Status == emulator.StatusInProgress && time.Since(c.CreatedAt) > 300*time.Millisecond {
				return true
			}
		}
		return false
	}
	tests := []struct {
		name     string
		call     string
		killWhen func(w world) bool
		check    func(t *testing.T, w world, sc map[string]any)
	}{
		{"publish_media at once", media, func(world) bool { return true }, checkOne("crash video")},
		{"publish_media after the container is created", media, func(w world) bool { return containers(w) > 0 }, checkOne("crash video")},
		{"publish_media while the video processes", media, func(w world) bool { return processing(w) }, checkOne("crash video")},
		{"publish_media after the post is live", media, func(w world) bool { return posts(w) > 0 }, checkOne("crash video")},
		{"publish_thread at once", thread, func(world) bool { return true }, checkChain},
		{"publish_thread after part 1's container is created", thread, func(w world) bool { return containers(w) >= 1 }, checkChain},
		{"publish_thread after part 1 is live", thread, func(w world) bool { return posts(w) >= 1 }, checkChain},
		{"publish_thread after part 2's container is created", thread, func(w world) bool { return containers(w) >= 2 }, checkChain},
		{"publish_thread after part 2 is live", thread, func(w world) bool { return posts(w) >= 2 }, checkChain},
		{"publish_thread after part 3's container is created", thread, func(w world) bool { return containers(w) >= 3 }, checkChain},
		{"publish_thread after part 3 is live", thread, func(w world) bool { return posts(w) >= 3 }, checkChain},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			emu := emulator.NewServer(emulator.WithLatency(150*time.Millisecond), emulator.WithProcessingDelay(300*time.Millisecond, 600*time.Millisecond))
			t.Cleanup(emu.Close)
			w := world{emu: emu, uid: emu.AddUser(emulator.UserSpec{Username: "crashy"})}
			tok := emu.IssueToken(w.uid, emulator.DefaultScopes, 24*time.Hour)
			sc := crashAndRetry(t, emu, t.TempDir(), tok, tc.call, func() bool { return tc.killWhen(w) })
			tc.check(t, w, sc)
		})
	}

	for _, killAt := range []string{"at once", "after the delete is committed"} {
		t.Run("delete_post "+killAt, func(t *testing.T) {
			emu := emulator.NewServer(emulator.WithLatency(200 * time.Millisecond))
			t.Cleanup(emu.Close)
			uid := emu.AddUser(emulator.UserSpec{Username: "deleter"})
			tok := emu.IssueToken(uid, append(emulator.DefaultScopes, emulator.ScopeDelete), 24*time.Hour)
			state := t.TempDir()
			const publish = `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"publish_text","arguments":{"text":"short-lived","idempotency_key":"del-key"}}}`
			s := startLive(t, emu, state, tok)
			s.send(t, publish)
			res := s.await(t, 7)
			sc, _ := res["structuredContent"].(map[string]any)
			id, _ := sc["id"].(string)
			if id == "" {
				t.Fatalf("publish: %v", res)
			}
			_ = s.cmd.Process.Kill()
			waitExit(t, s.cmd)

			del := fmt.Sprintf(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"delete_post","arguments":{"post_id":%q}}}`, id)
			sent := time.Now()
			got := crashAndRetry(t, emu, state, tok, del, func() bool {
				if killAt == "at once" {
					return time.Since(sent) > 0
				}
				return len(emu.Posts(uid)) == 0
			})
			if got["deleted_id"] != id {
				t.Errorf("retry: %v", got)
			}
			if n := len(emu.Posts(uid)); n != 0 {
				t.Fatalf("%d posts live after delete and retry", n)
			}
			// The ledger knows the post is gone: its key publishes anew.
			s = startLive(t, emu, state, tok)
			s.send(t, publish)
			res = s.await(t, 7)
			sc, _ = res["structuredContent"].(map[string]any)
			if sc["replayed"] == true || sc["id"] == id || len(emu.Posts(uid)) != 1 {
				t.Errorf("publish after delete replayed the dead post: %v", res)
			}
		})
	}
}

// world is one crash test's emulator and user.
type world struct {
	emu *emulator.Server
	uid string
}

// checkOne checks that exactly one post exists, with text, and that the
// retry returned it.
func checkOne(text string) func(t *testing.T, w world, sc map[string]any) {
	return func(t *testing.T, w world, sc map[string]any) {
		posts := w.emu.Posts(w.uid)
		if len(posts) != 1 || posts[0].Text != text {
			t.Fatalf("%d posts after crash and retry, want exactly 1: %+v", len(posts), posts)
		}
		if sc["id"] != posts[0].ID {
			t.Errorf("retry returned id %v, the post is %s", sc["id"], posts[0].ID)
		}
	}
}

// checkChain checks that the thread's three parts exist once each, chained,
// and that the retry returned them in order.
func checkChain(t *testing.T, w world, sc map[string]any) {
	byText := map[string][]emulator.Post{}
	for _, p := range w.emu.Posts(w.uid) {
		byText[p.Text] = append(byText[p.Text], p)
	}
	parts, _ := sc["parts"].([]any)
	if len(parts) != 3 {
		t.Fatalf("result parts: %v", sc)
	}
	prev := ""
	for i, text := range []string{"part one", "part two", "part three"} {
		ps := byText[text]
		if len(ps) != 1 {
			t.Fatalf("%q posted %d times", text, len(ps))
		}
		if ps[0].ReplyToID != prev {
			t.Errorf("%q replies to %q, want %q", text, ps[0].ReplyToID, prev)
		}
		if id := parts[i].(map[string]any)["id"]; id != ps[0].ID {
			t.Errorf("result part %d is %v, the post is %s", i, id, ps[0].ID)
		}
		prev = ps[0].ID
	}
}
