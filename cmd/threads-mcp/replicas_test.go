package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"

	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools/state/statetest"
)

// replica is one server process of a replicated deployment.
type replica struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	client *mcpclient.Client
	hc     *http.Client
}

// cluster is n Streamable HTTP server processes on one PostgreSQL database,
// in live mode against one in-process emulator (the world every replica
// sees, as Meta's API would be). Each replica has a state directory of its
// own, so nothing they share goes through a file.
type cluster struct {
	emu      *emulator.Server
	uid, tok string
	replicas []*replica
}

func startCluster(t *testing.T, n int, emuOpts ...emulator.Option) *cluster {
	t.Helper()
	db := statetest.PostgresURL(t)
	emu := emulator.NewServer(emuOpts...)
	t.Cleanup(emu.Close)
	c := &cluster{emu: emu, uid: emu.AddUser(emulator.UserSpec{Username: "replicated"})}
	c.tok = emu.IssueToken(c.uid, emulator.DefaultScopes, 24*time.Hour)
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"THREADS_API_BASE_URL=" + emu.BaseURL(),
		"THREADS_ACCESS_TOKEN=" + c.tok,
		"THREADS_MCP_DATABASE_URL=" + db,
		"THREADS_MCP_SECRET_KEY=" + base64.StdEncoding.EncodeToString(key),
		"THREADS_MCP_LEDGER_LEASE=1s",
	}
	var wg sync.WaitGroup
	c.replicas = make([]*replica, n)
	for i := range n {
		wg.Go(func() {
			c.replicas[i] = startReplica(t, append(env, "HOME="+t.TempDir(), "THREADS_MCP_STATE_DIR="+t.TempDir()))
		})
	}
	wg.Wait()
	for _, r := range c.replicas {
		if r == nil {
			t.FailNow()
		}
	}
	return c
}

// startReplica starts one server process and an MCP client to it.
func startReplica(t *testing.T, env []string) *replica {
	r := &replica{stderr: &syncBuffer{}}
	r.cmd = exec.Command(binary, "--transport", "http", "--listen", "127.0.0.1:0")
	r.cmd.Env = env
	r.cmd.Stderr = r.stderr
	if err := r.cmd.Start(); err != nil {
		t.Error(err)
		return nil
	}
	t.Cleanup(func() { _ = r.cmd.Process.Kill(); _ = r.cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := loggedURL.FindStringSubmatch(r.stderr.String()); m != nil {
			r.url = m[1]
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("replica did not log its URL:\n%s", r.stderr)
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.hc = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512}}
	t.Cleanup(r.hc.CloseIdleConnections)
	cl, err := mcpclient.NewStreamableHttpClient(r.url, transport.WithHTTPBasicClient(r.hc))
	if err != nil {
		t.Error(err)
		return nil
	}
	t.Cleanup(func() { _ = cl.Close() })
	newInitialized(t.Context(), t, cl)
	r.client = cl
	return r
}

// TestReplicasPublishOnce: 500 concurrent publishes with one idempotency key
// spread over 2 and 4 server processes on one PostgreSQL make one post, and
// every call returns it.
func TestReplicasPublishOnce(t *testing.T) {
	for _, n := range []int{2, 4} {
		t.Run(fmt.Sprintf("%d replicas", n), func(t *testing.T) {
			c := startCluster(t, n, emulator.WithLatency(20*time.Millisecond))
			ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
			defer cancel()
			const calls = 500
			args := map[string]any{"text": fmt.Sprintf("one of %d", n), "idempotency_key": "replicated-key"}
			ids := make([]string, calls)
			errs := make([]error, calls)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range calls {
				wg.Go(func() {
					<-start
					m, err := callOK(ctx, c.replicas[i%n].client, "publish_text", args)
					errs[i] = err
					ids[i], _ = m["id"].(string)
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
			}
			posts := c.emu.Posts(c.uid)
			if len(posts) != 1 {
				t.Fatalf("%d posts after %d identical-key publishes over %d replicas, want 1", len(posts), calls, n)
			}
			for i, id := range ids {
				if id != posts[0].ID {
					t.Fatalf("call %d returned id %q, the post is %s", i, id, posts[0].ID)
				}
			}
		})
	}
}

// TestReplicaKilledMidPublish: one replica is killed (SIGKILL) after it
// created the container, while the same publish waits on the other
// replicas; they take over once its claim runs out, and one post exists.
func TestReplicaKilledMidPublish(t *testing.T) {
	c := startCluster(t, 3, emulator.WithLatency(300*time.Millisecond))
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	args := map[string]any{"text": "survives a dead replica", "idempotency_key": "kill-key"}
	victim := c.replicas[0]
	go func() { _, _ = callOK(ctx, victim.client, "publish_text", args) }()
	deadline := time.Now().Add(20 * time.Second)
	for len(c.emu.Containers(c.uid)) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the publish never created its container")
		}
		time.Sleep(2 * time.Millisecond)
	}
	// The others are asked for the same publish while the victim holds it.
	type result struct {
		id  string
		err error
	}
	results := make(chan result, 8)
	for i := range 8 {
		go func() {
			m, err := callOK(ctx, c.replicas[1+i%2].client, "publish_text", args)
			id, _ := m["id"].(string)
			results <- result{id, err}
		}()
	}
	time.Sleep(50 * time.Millisecond)
	if err := victim.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	waitExit(t, victim.cmd)
	var ids []string
	for range 8 {
		r := <-results
		if r.err != nil {
			t.Fatalf("a surviving replica's call: %v", r.err)
		}
		ids = append(ids, r.id)
	}
	posts := c.emu.Posts(c.uid)
	if len(posts) != 1 {
		t.Fatalf("%d posts after a replica died mid-publish, want 1", len(posts))
	}
	for _, id := range ids {
		if id != posts[0].ID {
			t.Fatalf("a call returned %q, the post is %s", id, posts[0].ID)
		}
	}
}
