package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/threads-mcp/threads-mcp/cmd/internal/config"
	srvtransport "github.com/threads-mcp/threads-mcp/tools/transport"
)

const loadCalls = 200

// loadCall is the i-th call of the load mix: list_replies, get_insights,
// get_publishing_limit and publish_text with a distinct text.
func loadCall(i int, postID, run string) (name string, args map[string]any) {
	switch i % 4 {
	case 0:
		return "list_replies", map[string]any{"post_id": postID}
	case 1:
		return "get_insights", map[string]any{}
	case 2:
		return "get_publishing_limit", map[string]any{}
	default:
		return "publish_text", map[string]any{"text": fmt.Sprintf("load %s post %d", run, i)}
	}
}

// newInitialized starts and initializes an mcp-go client.
func newInitialized(ctx context.Context, t *testing.T, c *mcpclient.Client) {
	t.Helper()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "load", Version: "0"}
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatalf("initialize: %v", err)
	}
}

// callOK calls a tool and fails unless it succeeded; it returns the
// structured result.
func callOK(ctx context.Context, c *mcpclient.Client, name string, args map[string]any) (map[string]any, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if res.IsError {
		return nil, fmt.Errorf("%s %v: tool error %v", name, args, res.Content)
	}
	b, _ := json.Marshal(res.StructuredContent)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m, nil
}

// loadSeedPost publishes the post the list_replies calls read.
func loadSeedPost(ctx context.Context, t *testing.T, c *mcpclient.Client, run string) string {
	t.Helper()
	m, err := callOK(ctx, c, "publish_text", map[string]any{"text": "load seed " + run})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := m["id"].(string)
	if id == "" {
		t.Fatalf("no post id in %v", m)
	}
	return id
}

func TestLoadStreamableHTTP(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	u := startBinary(t, sandboxEnv(t), "--transport", "http", "--listen", "127.0.0.1:0").url
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: loadCalls}}
	defer hc.CloseIdleConnections()
	c, err := mcpclient.NewStreamableHttpClient(u, transport.WithHTTPBasicClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	newInitialized(ctx, t, c)
	run := "http-" + time.Now().Format("150405.000000")
	postID := loadSeedPost(ctx, t, c, run)

	start := make(chan struct{})
	errs := make(chan error, loadCalls)
	var wg sync.WaitGroup
	for i := range loadCalls {
		wg.Go(func() {
			<-start
			name, args := loadCall(i, postID, run)
			_, err := callOK(ctx, c, name, args)
			errs <- err
		})
	}
	began := time.Now()
	close(start)
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			failed++
			if failed <= 5 {
				t.Error(err)
			}
		}
	}
	if failed > 0 {
		t.Fatalf("%d of %d concurrent calls failed", failed, loadCalls)
	}
	t.Logf("%d concurrent calls in %v", loadCalls, time.Since(began))
	// Every distinct publish landed: the quota counts them.
	m, err := callOK(ctx, c, "get_publishing_limit", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	posts, _ := m["posts"].(map[string]any)
	if used, _ := posts["used"].(float64); int(used) < 1+loadCalls/4 {
		t.Errorf("quota shows %v posts used, want at least %d", posts["used"], 1+loadCalls/4)
	}
}

func TestLoadStdioPipelined(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	cmd := exec.Command(binary)
	cmd.Env = sandboxEnv(t)
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	t.Cleanup(func() {
		in.Close()
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("exit: %v\n%s", err, stderr)
			}
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("server did not exit after stdin closed")
		}
	})
	type response struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Result  *struct {
			IsError           bool           `json:"isError"`
			StructuredContent map[string]any `json:"structuredContent"`
			Content           []any          `json:"content"`
		} `json:"result"`
		Error *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	responses := make(chan response, 2*loadCalls)
	readErr := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(outPipe)
		sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
		for sc.Scan() {
			var r response
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil || r.JSONRPC != "2.0" {
				readErr <- fmt.Errorf("stdout line is not JSON-RPC: %.200q", sc.Text())
				return
			}
			responses <- r
		}
		readErr <- sc.Err()
	}()
	next := func() response {
		t.Helper()
		select {
		case r := <-responses:
			return r
		case err := <-readErr:
			t.Fatalf("stdout ended: %v\n%s", err, stderr)
		case <-time.After(30 * time.Second):
			t.Fatalf("no response in time\n%s", stderr)
		}
		return response{}
	}
	write := func(v any) {
		t.Helper()
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := in.Write(append(b, '\n')); err != nil {
			t.Fatal(err)
		}
	}
	write(map[string]any{"jsonrpc": "2.0", "id": "init", "method": "initialize", "params": map[string]any{
		"protocolVersion": "2025-06-18", "capabilities": map[string]any{}, "clientInfo": map[string]any{"name": "load", "version": "0"}}})
	if r := next(); r.Error != nil || r.Result == nil {
		t.Fatalf("initialize failed: %+v", r)
	}
	write(map[string]any{"jsonrpc": "2.0", "method": "notifications/initialized"})
	run := "stdio-" + time.Now().Format("150405.000000")
	write(map[string]any{"jsonrpc": "2.0", "id": "seed", "method": "tools/call",
		"params": map[string]any{"name": "publish_text", "arguments": map[string]any{"text": "load seed " + run}}})
	seed := next()
	if seed.Result == nil || seed.Result.IsError {
		t.Fatalf("seed post failed: %+v", seed)
	}
	postID, _ := seed.Result.StructuredContent["id"].(string)

	// Write all the requests before reading any response.
	began := time.Now()
	for i := range loadCalls {
		name, args := loadCall(i, postID, run)
		write(map[string]any{"jsonrpc": "2.0", "id": i, "method": "tools/call",
			"params": map[string]any{"name": name, "arguments": args}})
	}
	answered := make(map[int]bool, loadCalls)
	for range loadCalls {
		r := next()
		var id int
		if err := json.Unmarshal(r.ID, &id); err != nil {
			t.Fatalf("response with an unexpected id %s", r.ID)
		}
		if answered[id] {
			t.Errorf("id %d answered twice", id)
		}
		answered[id] = true
		if r.Error != nil || r.Result == nil || r.Result.IsError {
			name, _ := loadCall(id, postID, run)
			t.Errorf("call %d (%s) failed: error %+v result %+v", id, name, r.Error, r.Result)
		}
	}
	for i := range loadCalls {
		if !answered[i] {
			t.Errorf("id %d never answered", i)
		}
	}
	t.Logf("%d pipelined calls in %v", loadCalls, time.Since(began))
}

// TestHTTPNoGoroutineLeak serves the binary's handler stack in-process, runs
// sessions over both HTTP transports, shuts everything down and checks that
// no goroutine is left behind.
func TestHTTPNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, tr := range []string{"http", "sse"} {
		leakRound(t, tr)
	}
	var after int
	deadline := time.Now().Add(5 * time.Second)
	for {
		http.DefaultTransport.(*http.Transport).CloseIdleConnections()
		runtime.GC()
		after = runtime.NumGoroutine()
		if after <= before || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if after > before {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		t.Errorf("%d goroutines before, %d after shutdown:\n%s", before, after, buf[:n])
	}
}

// leakRound builds the app, serves httpHandler on an httptest server, makes
// concurrent calls, then tears everything down.
func leakRound(t *testing.T, tr string) {
	t.Helper()
	c := testConfig(t, tr)
	logger, err := config.NewLogger(io.Discard, c.LogLevel)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := build(ctx, c, logger)
	if err != nil {
		t.Fatal(err)
	}
	h, shutdown := srvtransport.NewHandler(a.mcp, c.HTTPOptions(a.inflight, slog.New(a.logger)))
	ts := httptest.NewServer(h)
	hc := &http.Client{Transport: &http.Transport{}}
	var cl *mcpclient.Client
	if tr == "sse" {
		cl, err = mcpclient.NewSSEMCPClient(ts.URL+"/sse", transport.WithHTTPClient(hc))
	} else {
		cl, err = mcpclient.NewStreamableHttpClient(ts.URL+"/mcp", transport.WithHTTPBasicClient(hc))
	}
	if err != nil {
		t.Fatal(err)
	}
	newInitialized(ctx, t, cl)
	run := "leak-" + tr + time.Now().Format("150405.000000")
	postID := loadSeedPost(ctx, t, cl, run)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			name, args := loadCall(i, postID, run)
			if _, err := callOK(ctx, cl, name, args); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := cl.Close(); err != nil && !strings.Contains(err.Error(), "closed") {
		t.Errorf("client close: %v", err)
	}
	hc.CloseIdleConnections()
	if err := shutdown(ctx); err != nil {
		t.Errorf("%s shutdown: %v", tr, err)
	}
	ts.Close()
	a.close()
}
