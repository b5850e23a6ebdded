package tools_test

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/ledger"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// hookAPI wraps the Threads client to act at chosen moments of a publish.
type hookAPI struct {
	tools.API
	// beforeRecord runs when the client reports a new container, before the
	// ledger records it.
	beforeRecord func(containerID string)
	// after replaces the outcome of PublishPost.
	after func(*threads.PublishResult, error) (*threads.PublishResult, error)
}

func (h *hookAPI) PublishPost(ctx context.Context, p threads.Post) (*threads.PublishResult, error) {
	if h.beforeRecord != nil && p.OnContainer != nil {
		record := p.OnContainer
		p.OnContainer = func(id string, items []string) {
			h.beforeRecord(id)
			record(id, items)
		}
	}
	res, err := h.API.PublishPost(ctx, p)
	if h.after != nil {
		return h.after(res, err)
	}
	return res, err
}

// publishRequests counts the threads_publish requests the emulator saw.
func (e *env) publishRequests() int {
	n := 0
	for _, r := range e.emu.Requests() {
		if r.Method == "POST" && strings.HasSuffix(r.Path, "/threads_publish") {
			n++
		}
	}
	return n
}

// mountTmpfs mounts a tmpfs of size bytes at a new directory, or skips the
// fault when mounting is not allowed (not root).
func mountTmpfs(t *testing.T, size int) (string, bool) {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", size), "tmpfs", dir).CombinedOutput(); err != nil {
		t.Logf("cannot mount a tmpfs (%v: %s); using an injected store error instead", err, out)
		return "", false
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir, true
}

// fillDisk writes to dir until it is full and returns a function removing
// the filler.
func fillDisk(t *testing.T, dir string) func() {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	f.Close()
	return func() { _ = os.Remove(path) }
}

// TestUnrecordedContainerIsNeverPublished: when the state database stops
// taking writes between the claim and the container record, the container
// is not published, the call says nothing was posted, and a retry with the
// same key, once the database works again, posts exactly once.
func TestUnrecordedContainerIsNeverPublished(t *testing.T) {
	tests := []struct {
		name string
		// fault breaks the database at the moment of the record and returns
		// a repair; reopen is true when the env must be rebuilt after it.
		fault  func(t *testing.T, e *env, dir string, real bool) (repair func(), reopen bool)
		tmpfs  bool
		reason string // in the error message
		// lease is the ledger lease (default 300 ms); longer where the
		// fault also stalls the heartbeat's renewals.
		lease time.Duration
	}{
		{
			name: "disk full", tmpfs: true, reason: "full",
			fault: func(t *testing.T, e *env, dir string, real bool) (func(), bool) {
				if !real {
					e.store.DB().Close()
					return func() {}, true
				}
				return fillDisk(t, dir), false
			},
		},
		{
			name: "read-only database file", reason: "readonly",
			fault: func(t *testing.T, e *env, dir string, _ bool) (func(), bool) {
				// Bind-mount the file read-only over itself (root only) and let
				// the pool reopen it: the next write meets a read-only file.
				p := filepath.Join(dir, state.FileName)
				if out, err := exec.Command("mount", "--bind", p, p).CombinedOutput(); err != nil {
					t.Logf("cannot bind-mount (%v: %s); using an injected store error instead", err, out)
					e.store.DB().Close()
					return func() {}, true
				}
				mounted := true
				t.Cleanup(func() {
					if mounted {
						_ = exec.Command("umount", "-l", p).Run()
					}
				})
				if out, err := exec.Command("mount", "-o", "remount,bind,ro", p).CombinedOutput(); err != nil {
					_ = exec.Command("umount", p).Run()
					t.Fatalf("remount ro: %v %s", err, out)
				}
				e.store.DB().SetMaxIdleConns(0)
				return func() {
					if out, err := exec.Command("umount", p).CombinedOutput(); err != nil {
						t.Fatalf("umount: %v %s", err, out)
					}
					mounted = false
					e.store.DB().SetMaxIdleConns(2)
				}, false
			},
		},
		{
			name: "I/O error (store handle fails)", reason: "closed",
			fault: func(t *testing.T, e *env, dir string, real bool) (func(), bool) {
				e.store.DB().Close()
				return func() {}, true
			},
		},
		{
			name: "SQLITE_BUSY from another process", reason: "locked", lease: 3 * time.Second,
			fault: func(t *testing.T, e *env, dir string, real bool) (func(), bool) {
				return lockFromAnotherProcess(t, filepath.Join(dir, state.FileName)), false
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel))
			t.Cleanup(emu.Close)
			dir, real := "", false
			if tc.tmpfs {
				dir, real = mountTmpfs(t, 4<<20)
			}
			if dir == "" {
				dir = t.TempDir()
			}
			lease := tc.lease
			if lease == 0 {
				lease = 300 * time.Millisecond
			}
			var (
				once   sync.Once
				e      *env
				repair func()
				reopen bool
			)
			hook := &hookAPI{beforeRecord: func(string) {
				once.Do(func() { repair, reopen = tc.fault(t, e, dir, real) })
			}}
			cfg := envConfig{
				dir:        dir,
				stateOpts:  []state.Option{state.WithBusyTimeout(200 * time.Millisecond)},
				ledgerOpts: []ledger.Option{ledger.WithLease(lease)},
				wrap:       func(api tools.API) tools.API { hook.API = api; return hook },
			}
			e = newEnvWith(t, emu, emu.DemoToken(), cfg)
			body := "unrecorded: " + tc.name
			args := map[string]any{"text": body, "idempotency_key": "k-" + tc.name}
			res, _ := e.call(t, "publish_text", args, false)
			msg := text(res)
			if !res.IsError || !strings.Contains(msg, "could not record") || !strings.Contains(msg, "nothing was posted") {
				t.Fatalf("want a record failure, got %s", msg)
			}
			if !real && tc.tmpfs {
				t.Logf("fault injected, message: %s", msg)
			} else if !strings.Contains(strings.ToLower(msg), tc.reason) {
				t.Errorf("message does not give the database's reason (%q): %s", tc.reason, msg)
			}
			if n := e.publishRequests(); n != 0 {
				t.Fatalf("%d threads_publish requests for a container the ledger did not record", n)
			}
			if n := len(e.postsWithText(body)); n != 0 {
				t.Fatalf("%d posts published", n)
			}
			repair()
			if reopen {
				hook.beforeRecord = nil
				e = newEnvWith(t, emu, emu.DemoToken(), cfg)
			}
			time.Sleep(lease + 100*time.Millisecond) // the failed attempt's lease runs out
			res, sc := e.call(t, "publish_text", args, false)
			if res.IsError {
				t.Fatalf("retry after repair: %s", text(res))
			}
			posts := e.postsWithText(body)
			if len(posts) != 1 || sc["id"] != posts[0].ID {
				t.Fatalf("%d posts after the retry (result %v), want exactly 1", len(posts), sc["id"])
			}
		})
	}
}

// lockFromAnotherProcess starts this test binary as a helper process that
// holds a write transaction on the database at path, and returns the
// function that ends it.
func lockFromAnotherProcess(t *testing.T, path string) func() {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperLockDatabase$")
	cmd.Env = append(os.Environ(), "TOOLS_TEST_LOCK_DB="+path)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	locked := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "LOCKED") || strings.HasPrefix(sc.Text(), "ERROR") {
				locked <- sc.Text()
				return
			}
		}
		locked <- "EOF"
	}()
	select {
	case l := <-locked:
		if l != "LOCKED" {
			t.Fatalf("lock helper: %s", l)
		}
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("lock helper did not take the lock within 20 s")
	}
	var done sync.Once
	release := func() {
		done.Do(func() {
			in.Close()
			_ = cmd.Wait()
		})
	}
	t.Cleanup(release)
	return release
}

// TestHelperLockDatabase is the lock helper process: it holds a write
// transaction on TOOLS_TEST_LOCK_DB until its stdin closes.
func TestHelperLockDatabase(t *testing.T) {
	path := os.Getenv("TOOLS_TEST_LOCK_DB")
	if path == "" {
		t.Skip("helper process only")
	}
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)&_txlock=immediate")
	if err != nil {
		fmt.Println("ERROR", err)
		return
	}
	defer db.Close()
	tx, err := db.Begin()
	if err == nil {
		_, err = tx.Exec(`CREATE TABLE IF NOT EXISTS lock_helper (x INTEGER)`)
	}
	if err != nil {
		fmt.Println("ERROR", err)
		return
	}
	fmt.Println("LOCKED")
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = tx.Rollback()
}

// TestResumeStartedFindsItsPost: an entry left "started" (no container
// recorded) whose post was nevertheless published is resumed by finding
// that post, not by publishing again; a post already owned by another
// entry is not taken for it.
func TestResumeStartedFindsItsPost(t *testing.T) {
	emu := newEmu(t)
	e := newEnvWith(t, emu, emu.DemoToken(), envConfig{ledgerOpts: []ledger.Option{ledger.WithLease(200 * time.Millisecond)}})
	ctx := t.Context()
	const body = "resume a started entry"
	hash, err := tools.ArgsHash("publish_text", schemas.PublishTextArgs{Text: body, ReplyControl: "everyone"})
	if err != nil {
		t.Fatal(err)
	}
	// A keyed publish of the same text, recorded: its post is not ours.
	_, first := e.call(t, "publish_text", map[string]any{"text": body, "idempotency_key": "other"}, false)
	time.Sleep(1100 * time.Millisecond) // Threads timestamps have second precision
	c, err := e.led.Claim(ctx, ledger.Request{Scope: ledger.Scope{Sandbox: true}, Key: "started", Tool: "publish_text", ArgsHash: hash, TTL: tools.KeyTTL})
	if err != nil || c.Action != ledger.Run {
		t.Fatalf("claim: %+v %v", c, err)
	}
	// The publisher posted but died before recording anything.
	lost, err := e.api.PublishPost(ctx, threads.Post{Text: body, ReplyControl: threads.ReplyEveryone})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // its lease runs out
	res, sc := e.call(t, "publish_text", map[string]any{"text": body, "idempotency_key": "started"}, false)
	if res.IsError {
		t.Fatal(text(res))
	}
	if sc["id"] != lost.ID || sc["id"] == first["id"] {
		t.Fatalf("resume returned %v; the lost post is %s, the other entry's %v", sc["id"], lost.ID, first["id"])
	}
	if note, _ := sc["note"].(string); !strings.Contains(note, "found") {
		t.Errorf("note does not say the post was found: %q", note)
	}
	if n := len(e.postsWithText(body)); n != 2 {
		t.Errorf("%d posts with the text, want 2 (the other key's and the lost one)", n)
	}
}

// newEmu is an emulator with the demo world whose demo token the env uses.
func newEmu(t *testing.T) *emulator.Server {
	t.Helper()
	emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel))
	t.Cleanup(emu.Close)
	return emu
}
