package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

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

func startCluster(t testing.TB, n int, lease time.Duration, emuOpts ...emulator.Option) *cluster {
	t.Helper()
	return startClusterOn(t, n, statetest.PostgresURL(t), lease, emuOpts...)
}

// startClusterOn is startCluster on database; "" is SQLite, every replica
// then sharing one state directory (processes of one machine). lease is
// THREADS_MCP_LEDGER_LEASE: how soon a dead publisher's claim is taken over
// (and so how late a slow publisher's renewal may be).
func startClusterOn(t testing.TB, n int, db string, lease time.Duration, emuOpts ...emulator.Option) *cluster {
	t.Helper()
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
		"THREADS_MCP_LEDGER_LEASE=" + lease.String(),
	}
	shared := t.TempDir()
	var wg sync.WaitGroup
	c.replicas = make([]*replica, n)
	for i := range n {
		wg.Go(func() {
			dir := t.TempDir()
			if db == "" {
				dir = shared
			}
			c.replicas[i] = startReplica(t, append(env, "HOME="+t.TempDir(), "THREADS_MCP_STATE_DIR="+dir))
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
func startReplica(t testing.TB, env []string) *replica {
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
	if err := initReplica(t.Context(), cl); err != nil {
		t.Error(err)
		return nil
	}
	r.client = cl
	return r
}

// client is a new initialized MCP client of the replica.
func (r *replica) newClient(t testing.TB) *mcpclient.Client {
	cl, err := mcpclient.NewStreamableHttpClient(r.url, transport.WithHTTPBasicClient(r.hc))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	if err := initReplica(t.Context(), cl); err != nil {
		t.Fatal(err)
	}
	return cl
}

func initReplica(ctx context.Context, c *mcpclient.Client) error {
	if err := c.Start(ctx); err != nil {
		return err
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "replicas", Version: "0"}
	if _, err := c.Initialize(ctx, init); err != nil {
		return fmt.Errorf("initialize: %w", err)
	}
	return nil
}

// TestReplicasPublishOnce: 500 concurrent publishes with one idempotency key
// spread over 2 and 4 server processes on one PostgreSQL make one post, and
// every call returns it.
func TestReplicasPublishOnce(t *testing.T) {
	for _, n := range []int{2, 4} {
		t.Run(fmt.Sprintf("%d replicas", n), func(t *testing.T) {
			// A lease long enough that no publisher on this loaded machine is
			// taken over: this test is about concurrent calls, not dead ones.
			c := startCluster(t, n, 20*time.Second, emulator.WithLatency(20*time.Millisecond))
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
	c := startCluster(t, 3, 2*time.Second, emulator.WithLatency(300*time.Millisecond))
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

// BenchmarkReplicas measures publishes per second and the p99 latency of a
// publish_text tools/call with 64 concurrent MCP clients spread over 1, 2
// and 4 server processes on PostgreSQL, against one process on SQLite; the
// Threads API is the emulator without latency, so the figures are the
// server's and its database's own cost. Run it with
// go test ./cmd/threads-mcp -run '^$' -bench Replicas -benchtime 2000x.
func BenchmarkReplicas(b *testing.B) {
	const clients = 64
	unlimited := emulator.WithFaults(emulator.Faults{Quotas: map[string]int{"posts": 1 << 30}})
	for _, cfg := range []struct {
		name string
		n    int
		pg   bool
	}{{"sqlite/1", 1, false}, {"postgres/1", 1, true}, {"postgres/2", 2, true}, {"postgres/4", 4, true}} {
		db := ""
		if cfg.pg {
			db = statetest.PostgresURL(b)
		}
		c := startClusterOn(b, cfg.n, db, 20*time.Second, unlimited)
		var cls []*mcpclient.Client
		for i := range clients {
			cls = append(cls, c.replicas[i%cfg.n].newClient(b))
		}
		run := 0
		b.Run(cfg.name, func(b *testing.B) {
			run++
			var next atomic.Int64
			lat := make([]time.Duration, b.N)
			var wg sync.WaitGroup
			b.ResetTimer()
			began := time.Now()
			for w := range clients {
				wg.Go(func() {
					for {
						i := int(next.Add(1)) - 1
						if i >= b.N {
							return
						}
						t0 := time.Now()
						_, err := callOK(b.Context(), cls[w], "publish_text", map[string]any{"text": fmt.Sprintf("bench %s %d %d", cfg.name, run, i)})
						lat[i] = time.Since(t0)
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(began)
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "publishes/s")
			b.ReportMetric(float64(lat[(len(lat)*99)/100].Microseconds())/1000, "p99-ms")
		})
	}
}
