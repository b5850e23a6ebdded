package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// TestSandboxWebhooksReachSubscriber: the built binary in sandbox HTTP mode
// answers the webhook handshake with its verify token, refuses an unsigned
// delivery, and a mention made in its emulator reaches a subscriptions/listen
// client as resources/updated of the inbox, through the emulator's signed
// webhook to the server's own /webhooks/threads (polling off).
func TestSandboxWebhooksReachSubscriber(t *testing.T) {
	cmd := exec.Command(binary, "--transport", "http", "--listen", "127.0.0.1:0")
	cmd.Env = append(sandboxEnv(t), "THREADS_MCP_WEBHOOK_VERIFY_TOKEN=verify-token-e2e-0123", "THREADS_MCP_POLL_INTERVAL=off")
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
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			t.Error("server did not stop on SIGINT")
		}
	})
	urls := make(chan [2]string, 1)
	go func() {
		emuRE, urlRE := regexp.MustCompile(`emulator=(http://\S+)/v1\.0`), regexp.MustCompile(`url=(http://\S+)/mcp`)
		var emu string
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := emuRE.FindStringSubmatch(sc.Text()); m != nil {
				emu = m[1]
			}
			if m := urlRE.FindStringSubmatch(sc.Text()); m != nil && emu != "" {
				urls <- [2]string{emu, m[1]}
				break
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
	}()
	var emu, base string
	select {
	case u := <-urls:
		emu, base = u[0], u[1]
	case <-time.After(20 * time.Second):
		t.Fatal("server did not log its URLs")
	}

	hook := base + "/webhooks/threads"
	for _, tc := range []struct {
		token string
		want  int
	}{{"verify-token-e2e-0123", 200}, {"guess", 403}} {
		q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {tc.token}, "hub.challenge": {"987654"}}
		resp, err := http.Get(hook + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want || (tc.want == 200 && string(b) != "987654") {
			t.Fatalf("handshake with %q: %d %q, want %d", tc.token, resp.StatusCode, b, tc.want)
		}
	}
	resp, err := http.Post(hook, "application/json", strings.NewReader(`{"values":{"field":"mentions","value":{"id":"1"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("unsigned delivery: %d, want 403", resp.StatusCode)
	}

	c, err := mcpclient.NewStreamableHttpClient(base + "/mcp")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	notes := make(chan mcp.JSONRPCNotification, 64)
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		select {
		case notes <- n:
		default:
		}
	})
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Initialize(t.Context(), mcp.InitializeRequest{}); err != nil {
		t.Fatal(err)
	}
	const inbox = "threads://sandbox/inbox"
	lctx, stop := context.WithCancel(t.Context())
	listening := make(chan struct{})
	go func() {
		defer close(listening)
		_ = c.Listen(lctx, mcp.SubscriptionFilter{ResourceSubscriptions: []string{inbox}})
	}()
	t.Cleanup(func() { stop(); <-listening })

	// The listen stream is set up asynchronously: mention the account until
	// the first update arrives (each mention is a new event).
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	mentions := 0
	for heard := false; !heard; {
		select {
		case n := <-notes:
			heard = n.Method == string(mcp.MethodNotificationResourceUpdated) && n.Params.AdditionalFields["uri"] == inbox
		case <-tick.C:
			if mentions < 20 {
				mentions++
				r, err := http.Post(emu+"/_emulator/activity", "application/json",
					strings.NewReader(`{"kind":"mention","from":"river_runs","text":"are you there?"}`))
				if err != nil {
					t.Fatal(err)
				}
				r.Body.Close()
			}
		case <-deadline:
			t.Fatalf("no resources/updated for %s after %d mentions", inbox, mentions)
		}
	}
	req := mcp.ReadResourceRequest{}
	req.Params.URI = inbox
	res, err := c.ReadResource(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Events []struct {
			Field  string `json:"field"`
			Source string `json:"source"`
		} `json:"events"`
	}
	if err := json.Unmarshal([]byte(res.Contents[0].(mcp.TextResourceContents).Text), &body); err != nil {
		t.Fatal(err)
	}
	if len(body.Events) == 0 || body.Events[0].Field != "mentions" || body.Events[0].Source != "webhook" {
		t.Fatalf("inbox %+v, want the mentions heard by webhook", body.Events)
	}
}
