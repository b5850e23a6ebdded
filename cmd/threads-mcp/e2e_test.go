package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/threads-mcp/threads-mcp/tools"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// binary is the threads-mcp binary built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "threads-mcp-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "threads-mcp")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sandboxEnv is the environment of a sandboxed server with its own state.
func sandboxEnv(t *testing.T) []string {
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"THREADS_MCP_SANDBOX=1",
		"THREADS_MCP_STATE_DIR=" + t.TempDir(),
		"THREADS_MCP_LOG_LEVEL=debug",
	}, fastSandboxEnv...)
}

// fastSandboxEnv keeps the sandbox quick in tests that are not about its
// realistic delays: no latency, no publish lag, short processing.
var fastSandboxEnv = []string{"THREADS_MCP_SANDBOX_LATENCY=0s", "THREADS_MCP_SANDBOX_PUBLISH_LAG=0s",
	"THREADS_MCP_SANDBOX_IMAGE_DELAY=300ms", "THREADS_MCP_SANDBOX_VIDEO_DELAY=1500ms"}

var toolNames = func() []string {
	var names []string
	sel, _ := tools.Select(nil, false) // the default toolsets: a new tool needs no edit here
	for _, t := range sel {
		names = append(names, t.Name())
	}
	return names
}()

// syncBuffer is a goroutine-safe buffer for a child's stderr.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startHTTP starts the binary on a loopback port and returns the URL it logs.
func startHTTP(t *testing.T, transportName string) string {
	t.Helper()
	cmd := exec.Command(binary, "--transport", transportName, "--listen", "127.0.0.1:0")
	cmd.Env = sandboxEnv(t)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server exit after SIGINT: %v", err)
			}
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("server did not stop on SIGINT")
		}
	})
	urlRE := regexp.MustCompile(`url=(http://\S+)`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			if m := urlRE.FindStringSubmatch(sc.Text()); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
	}()
	select {
	case u := <-found:
		return u
	case <-time.After(20 * time.Second):
		t.Fatal("server did not log its URL")
		return ""
	}
}

// exercise drives every tool through an mcp-go client: list, each tool
// successfully, each with bad input, and progress during a carousel.
func exercise(t *testing.T, c *mcpclient.Client, notes <-chan mcp.JSONRPCNotification) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	list, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tool := range list.Tools {
		got = append(got, tool.Name)
	}
	want := slices.Sorted(slices.Values(toolNames))
	if !slices.Equal(got, want) { // mcp-go lists tools sorted by name: a deterministic order
		t.Fatalf("tools = %v, want %v", got, want)
	}
	callTool := func(name string, args map[string]any, progress string) *mcp.CallToolResult {
		t.Helper()
		req := mcp.CallToolRequest{}
		req.Params.Name = name
		req.Params.Arguments = args
		if progress != "" {
			req.Params.Meta = &mcp.Meta{ProgressToken: progress}
		}
		res, err := c.CallTool(ctx, req)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return res
	}
	structured := func(res *mcp.CallToolResult) map[string]any {
		b, _ := json.Marshal(res.StructuredContent)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return m
	}

	res := callTool("publish_text", map[string]any{"text": "e2e post #e2e"}, "")
	if res.IsError {
		t.Fatalf("publish_text: %v", res.Content)
	}
	post := structured(res)
	id, _ := post["id"].(string)
	if id == "" || post["sandbox"] != true {
		t.Fatalf("publish_text result: %v", post)
	}
	good := []struct {
		name string
		args map[string]any
	}{
		{"publish_carousel", map[string]any{"items": []any{
			map[string]any{"type": "image", "url": "https://cdn.example.com/a.jpg"},
			map[string]any{"type": "image", "url": "https://cdn.example.com/b.png", "alt_text": "b"},
		}}},
		{"reply", map[string]any{"reply_to_id": id, "text": "a reply"}},
		{"set_reply_control", map[string]any{"value": "accounts_you_follow"}},
		{"get_insights", map[string]any{"post_id": id}},
		{"get_insights", map[string]any{"metrics": []any{"views", "followers_count"}}},
		{"list_replies", map[string]any{"post_id": id}},
		{"list_accounts", map[string]any{}},
		{"get_publishing_limit", map[string]any{"account": "sandbox"}},
		{"list_posts", map[string]any{"since": "7d", "include_replies": true}},
		{"get_post", map[string]any{"post": id, "with_insights": true}},
		{"get_top_posts", map[string]any{"metric": "engagement_rate"}},
		{"search_posts", map[string]any{"query": "golang", "search_mode": "tag"}},
		{"list_mentions", map[string]any{"since": "14d"}},
		{"get_profile", map[string]any{}},
		{"get_profile", map[string]any{"username": "quill_and_ink"}},
		{"list_pending_replies", map[string]any{"post_id": id}},
		{"publish_media", map[string]any{"type": "image", "url": "https://cdn.example.com/one.jpg", "text": "one image", "alt_text": "one"}},
		{"publish_thread", map[string]any{"parts": []any{map[string]any{"text": "e2e thread 1/2"}, map[string]any{"text": "e2e thread 2/2"}}}},
		{"publish_text", map[string]any{"text": "e2e poll", "poll": []any{"yes", "no"}}},
		{"validate_post", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "dry run"}}},
		{"repost", map[string]any{"post_id": id}},
	}
	for _, g := range good {
		progress := ""
		if g.name == "publish_carousel" {
			progress = "carousel-1"
		}
		res := callTool(g.name, g.args, progress)
		if res.IsError {
			t.Errorf("%s: isError %v", g.name, res.Content)
			continue
		}
		if m := structured(res); m["sandbox"] != true {
			t.Errorf("%s: result not marked sandbox: %v", g.name, m)
		}
	}
	// Moderation: hide and unhide a reply to the e2e post; a link resolves.
	rep := structured(callTool("reply", map[string]any{"reply_to_id": id, "text": "to hide"}, ""))
	for _, tool := range []string{"hide_reply", "unhide_reply"} {
		if res := callTool(tool, map[string]any{"reply_id": rep["id"]}, ""); res.IsError {
			t.Errorf("%s: %v", tool, res.Content)
		}
	}
	if res := callTool("get_post", map[string]any{"post": post["permalink"]}, ""); res.IsError || structured(res)["resolved_by"] != "own_posts" {
		t.Errorf("get_post by permalink: %v", res.Content)
	}
	// Last, as it removes the post the calls above use.
	if res := callTool("delete_post", map[string]any{"post_id": id}, ""); res.IsError || structured(res)["sandbox"] != true {
		t.Errorf("delete_post: %v", res.Content)
	}
	// Progress notifications arrive (possibly after CallTool returned).
	deadline := time.After(10 * time.Second)
	progressCount := 0
wait:
	for progressCount < 3 {
		select {
		case n := <-notes:
			if n.Method == "notifications/progress" && n.Params.AdditionalFields["progressToken"] == "carousel-1" {
				progressCount++
			}
		case <-deadline:
			break wait
		}
	}
	if progressCount < 3 {
		t.Errorf("got %d progress notifications for the carousel", progressCount)
	}

	bad := []struct {
		name string
		args map[string]any
		want string
	}{
		{"publish_text", map[string]any{"text": strings.Repeat("“quote” ", 80)}, "500"},
		{"publish_carousel", map[string]any{"items": []any{map[string]any{"type": "image", "url": "https://cdn.example.com/a.jpg"}}}, "items"},
		{"reply", map[string]any{"reply_to_id": "not-a-number", "text": "x"}, "reply_to_id"},
		{"set_reply_control", map[string]any{"value": "anyone"}, "value"},
		{"get_insights", map[string]any{"post_id": id, "breakdown": "country"}, "breakdown"},
		{"list_replies", map[string]any{"post_id": id, "order": "random"}, "order"},
		{"list_accounts", map[string]any{"verbose": true}, "verbose"},
		{"get_publishing_limit", map[string]any{"account": "someone_else"}, "someone_else"},
		{"list_posts", map[string]any{"since": "last week"}, "since"},
		{"get_post", map[string]any{"post": "https://example.com/@x/post/abc"}, "post"},
		{"get_top_posts", map[string]any{"metric": "fame"}, "metric"},
		{"search_posts", map[string]any{"query": ""}, "query"},
		{"list_mentions", map[string]any{"limit": 0.5}, "limit"},
		{"get_profile", map[string]any{"username": "no spaces"}, "username"},
		{"hide_reply", map[string]any{"reply_id": "x"}, "reply_id"},
		{"unhide_reply", map[string]any{}, "reply_id"},
		{"list_pending_replies", map[string]any{"post_id": id, "approval_status": "PENDING!"}, "approval_status"},
		{"approve_reply", map[string]any{"reply_id": ""}, "reply_id"},
		{"ignore_reply", map[string]any{"reply_id": "1.5"}, "reply_id"},
		{"publish_media", map[string]any{"type": "image", "url": "http://cdn.example.com/a.jpg"}, "url"},
		{"publish_thread", map[string]any{"parts": []any{map[string]any{"text": "only one"}}}, "parts"},
		{"publish_text", map[string]any{"text": "x", "poll": []any{"a", "b"}, "gif": "abc"}, "one attachment per post"},
		{"validate_post", map[string]any{"tool": "list_replies", "arguments": map[string]any{}}, "tool"},
		{"repost", map[string]any{"post_id": "x"}, "post_id"},
		{"delete_post", map[string]any{}, "post_id"},
	}
	for _, b := range bad {
		res := callTool(b.name, b.args, "")
		if !res.IsError {
			t.Errorf("%s %v: want isError", b.name, b.args)
			continue
		}
		tc, _ := res.Content[0].(mcp.TextContent)
		if !strings.Contains(tc.Text, b.want) {
			t.Errorf("%s: message lacks %q: %s", b.name, b.want, tc.Text)
		}
	}
}

func notifications(c *mcpclient.Client) chan mcp.JSONRPCNotification {
	ch := make(chan mcp.JSONRPCNotification, 256)
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		select {
		case ch <- n:
		default:
		}
	})
	return ch
}

func initialize(t *testing.T, c *mcpclient.Client) {
	t.Helper()
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	req.Params.ClientInfo = mcp.Implementation{Name: "e2e", Version: "0"}
	if _, err := c.Initialize(t.Context(), req); err != nil {
		t.Fatalf("initialize: %v", err)
	}
}

func TestE2EStdioMCPGo(t *testing.T) {
	for _, version := range []string{"", "2025-06-18", "2024-11-05"} {
		t.Run("protocol="+version, func(t *testing.T) {
			stderr := &syncBuffer{}
			var opts []mcpclient.ClientOption
			if version != "" {
				opts = append(opts, mcpclient.WithProtocolVersion(version))
			}
			tr := transport.NewStdioWithOptions(binary, sandboxEnv(t), nil, transport.WithCommandStderrWriter(stderr))
			if err := tr.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			c := mcpclient.NewClient(tr, opts...)
			t.Cleanup(func() { c.Close() })
			notes := notifications(c)
			if err := c.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			initialize(t, c)
			exercise(t, c, notes)
			if !strings.Contains(stderr.String(), "SANDBOX") {
				t.Errorf("stderr does not announce sandbox mode:\n%s", stderr.String())
			}
		})
	}
}

func TestE2EStreamableHTTPMCPGo(t *testing.T) {
	url := startHTTP(t, "http")
	if !strings.HasSuffix(url, "/mcp") {
		t.Fatalf("url %s", url)
	}
	c, err := mcpclient.NewStreamableHttpClient(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	notes := notifications(c)
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	initialize(t, c)
	exercise(t, c, notes)
}

func TestE2ESSEMCPGo(t *testing.T) {
	url := startHTTP(t, "sse")
	c, err := mcpclient.NewSSEMCPClient(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	notes := notifications(c)
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	initialize(t, c)
	exercise(t, c, notes)
}

// exerciseSDK drives every tool through the official go-sdk client.
func exerciseSDK(t *testing.T, tr sdk.Transport) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	var mu sync.Mutex
	progress := 0
	c := sdk.NewClient(&sdk.Implementation{Name: "e2e-sdk", Version: "0"}, &sdk.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, r *sdk.ProgressNotificationClientRequest) {
			mu.Lock()
			progress++
			mu.Unlock()
		},
	})
	cs, err := c.Connect(ctx, tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	list, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Tools) != len(toolNames) {
		t.Fatalf("listed %d tools", len(list.Tools))
	}
	call := func(name string, args map[string]any, withProgress bool) *sdk.CallToolResult {
		p := &sdk.CallToolParams{Name: name, Arguments: args}
		if withProgress {
			p.SetProgressToken("sdk-progress")
		}
		res, err := cs.CallTool(ctx, p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return res
	}
	res := call("publish_text", map[string]any{"text": "from the go-sdk"}, false)
	if res.IsError {
		t.Fatalf("publish_text: %v", res.Content)
	}
	b, _ := json.Marshal(res.StructuredContent)
	var post map[string]any
	_ = json.Unmarshal(b, &post)
	id, _ := post["id"].(string)
	for _, g := range []struct {
		name string
		args map[string]any
	}{
		{"publish_carousel", map[string]any{"items": []any{
			map[string]any{"type": "image", "url": "https://cdn.example.com/a.jpg"},
			map[string]any{"type": "image", "url": "https://cdn.example.com/b.jpg"},
		}}},
		{"reply", map[string]any{"reply_to_id": id, "text": "sdk reply"}},
		{"set_reply_control", map[string]any{"value": "everyone"}},
		{"get_insights", map[string]any{"post_id": id}},
		{"list_replies", map[string]any{"post_id": id, "scope": "conversation"}},
	} {
		if res := call(g.name, g.args, g.name == "publish_carousel"); res.IsError {
			t.Errorf("%s: %v", g.name, res.Content)
		}
	}
	res = call("publish_text", map[string]any{"text": "x", "topic_tag": "a.b"}, false)
	if !res.IsError {
		t.Errorf("bad topic tag accepted")
	} else if txt := res.Content[0].(*sdk.TextContent).Text; !strings.Contains(txt, "topic_tag") {
		t.Errorf("message: %s", txt)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := progress
		mu.Unlock()
		if n >= 3 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("go-sdk client saw %d progress notifications", progress)
}

func TestE2EStdioGoSDK(t *testing.T) {
	cmd := exec.Command(binary)
	cmd.Env = sandboxEnv(t)
	exerciseSDK(t, &sdk.CommandTransport{Command: cmd})
}

func TestE2EStreamableHTTPGoSDK(t *testing.T) {
	url := startHTTP(t, "http")
	exerciseSDK(t, &sdk.StreamableClientTransport{Endpoint: url})
}

// TestStdoutIsOnlyJSONRPC sends raw frames, closes stdin while a call is in
// flight, and checks every stdout line is a JSON-RPC message, the in-flight
// call was answered, and the process exited cleanly.
func TestStdoutIsOnlyJSONRPC(t *testing.T) {
	cmd := exec.Command(binary)
	cmd.Env = sandboxEnv(t)
	var stdout bytes.Buffer
	stderr := &syncBuffer{}
	cmd.Stdout = &stdout
	cmd.Stderr = stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	frames := []string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"0"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"publish_text","arguments":{"text":"raw frame"}}}`,
		`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"publish_carousel","arguments":{"items":[{"type":"image","url":"https://cdn.example.com/1.jpg"},{"type":"image","url":"https://cdn.example.com/2.jpg"}]}}}`,
	}
	for _, f := range frames {
		if _, err := io.WriteString(in, f+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond) // let the carousel start
	in.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("server did not exit after stdin closed")
	}
	ids := map[float64]bool{}
	for _, line := range strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n") {
		var msg map[string]any
		if err := json.Unmarshal([]byte(line), &msg); err != nil {
			t.Fatalf("stdout line is not JSON: %q", line)
		}
		if msg["jsonrpc"] != "2.0" {
			t.Fatalf("stdout line is not JSON-RPC 2.0: %q", line)
		}
		if id, ok := msg["id"].(float64); ok {
			ids[id] = true
			if r, ok := msg["result"].(map[string]any); ok && r["isError"] == true {
				t.Errorf("call %v failed: %s", id, line)
			}
		}
	}
	for _, id := range []float64{1, 2, 3, 4} {
		if !ids[id] {
			t.Errorf("no response to request %v (in-flight calls must finish on EOF); stdout:\n%s", id, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "SANDBOX") {
		t.Errorf("no sandbox notice on stderr")
	}
}

func TestCommands(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     []string
		code    int
		stdout  []string
		stderr  []string
		jsonOut bool
		stdin   string
		// notOut are texts stdout must not hold.
		notOut []string
	}{
		{"no credentials", nil, []string{"HOME=/nonexistent"}, 2, nil, []string{"auth login", "THREADS_ACCESS_TOKEN", "--sandbox"}, false, "", nil},
		{"bad transport", []string{"--transport", "carrier-pigeon", "--sandbox"}, nil, 2, nil, []string{"transport"}, false, "", nil},
		{"version", []string{"version"}, nil, 0, []string{"threads-mcp"}, nil, false, "", nil},
		{"tools", []string{"tools"}, nil, 0, []string{"publish_carousel", "inputSchema", "outputSchema"}, nil, true, "", nil},
		{"call ok", []string{"call", "--sandbox", "publish_text", `{"text":"from call"}`}, nil, 0, []string{"structuredContent", `"sandbox":true`}, nil, true, "", nil},
		{"call tool error", []string{"call", "--sandbox", "publish_text", `{"text":""}`}, nil, 1, []string{`"isError":true`, "text"}, nil, true, "", nil},
		{"call bad json", []string{"call", "--sandbox", "publish_text", `{text`}, nil, 2, nil, []string{"JSON"}, false, "", nil},
		{"unknown command", []string{"frobnicate"}, nil, 2, nil, []string{"unknown command"}, false, "", nil},
		{"flags before the command", []string{"--sandbox", "call", "publish_text", `{"text":"flags first"}`}, nil, 0, []string{`"sandbox":true`}, nil, true, "", nil},
		{"flag value before the command", []string{"--log-level", "warn", "call", "--sandbox", "list_accounts"}, nil, 0, []string{`"sandbox"`}, nil, true, "", nil},
		{"flags after the tool", []string{"call", "publish_text", `{"text":"flags last"}`, "--sandbox"}, nil, 0, []string{`"sandbox":true`}, nil, true, "", nil},
		{"--version", []string{"--version"}, nil, 0, []string{"threads-mcp "}, nil, false, "", nil},
		{"help on stdout", []string{"help"}, nil, 0, []string{"threads-mcp call", "THREADS_MCP_SANDBOX"}, nil, false, "", nil},
		{"--help is the overview", []string{"--help"}, nil, 0, []string{"threads-mcp emulator"}, nil, false, "", nil},
		{"call --help lists its flags", []string{"call", "--help"}, nil, 0, []string{"usage: threads-mcp call", "-pretty", "-sandbox"}, nil, false, "", []string{"-listen 127.0.0.1:8787"}},
		{"emulator --help lists only its flags", []string{"emulator", "--help"}, nil, 0, []string{"-listen"}, nil, false, "", []string{"-sandbox", "-pretty"}},
		{"did you mean", []string{"call", "--sandbox", "publish_txt", `{"text":"x"}`}, nil, 2, nil, []string{`did you mean "publish_text"`}, false, "", nil},
		{"arguments from stdin", []string{"call", "--sandbox", "publish_text", "-"}, nil, 0, []string{`"text":"from stdin"`}, nil, true, `{"text":"from stdin"}`, nil},
		{"pretty", []string{"call", "--sandbox", "--pretty", "publish_text", `{"text":"pretty"}`}, nil, 0, []string{"\n  \"id\": "}, nil, true, "", []string{"structuredContent"}},
		{"read-only lists read tools only", []string{"tools", "--read-only"}, nil, 0, []string{"get_insights", "list_accounts", `"name": "validate_post"`}, nil, true, "", []string{`"name": "publish_text"`, `"name": "set_reply_control"`}},
		{"toolsets select", []string{"tools", "--toolsets", "accounts"}, nil, 0, []string{"list_accounts"}, nil, true, "", []string{`"get_insights"`}},
		{"unknown toolset", []string{"--toolsets", "publish,bogus", "--sandbox"}, nil, 2, nil, []string{`"bogus"`, "read"}, false, "", nil},
		{"read-only refuses a write", []string{"call", "--sandbox", "--read-only", "publish_text", `{"text":"nope"}`}, nil, 2, nil, []string{`"publish_text" is not served`, `toolset "publish"`}, false, "", nil},
		{"read-only serves a read", []string{"call", "--sandbox", "--read-only", "list_accounts"}, nil, 0, []string{`"sandbox"`}, nil, true, "", nil},
		{"pretty tool error", []string{"call", "--sandbox", "--pretty", "publish_text", `{"text":""}`}, nil, 1, []string{"text"}, nil, false, "", []string{"isError"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(binary, tc.args...)
			cmd.Env = append(append([]string{"PATH=" + os.Getenv("PATH"), "THREADS_MCP_STATE_DIR=" + t.TempDir()}, fastSandboxEnv...), tc.env...)
			if tc.env == nil {
				cmd.Env = append(cmd.Env, "HOME="+t.TempDir())
			}
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			cmd.Stdin = strings.NewReader(tc.stdin)
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out.String(), errb.String())
			}
			for _, w := range tc.stdout {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q: %s", w, out.String())
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr lacks %q: %s", w, errb.String())
				}
			}
			for _, w := range tc.notOut {
				if strings.Contains(out.String(), w) {
					t.Errorf("stdout holds %q: %s", w, out.String())
				}
			}
			if tc.jsonOut && !json.Valid(bytes.TrimSpace(out.Bytes())) {
				t.Errorf("stdout is not JSON: %s", out.String())
			}
		})
	}
}
