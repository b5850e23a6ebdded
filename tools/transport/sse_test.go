package transport

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// sseConn is a raw HTTP+SSE client: the event stream and the message URL.
type sseConn struct {
	t       *testing.T
	msgURL  string
	answers chan json.RawMessage
}

// dialSSE opens the event stream at base+"/sse" and waits for the endpoint
// event; every later message event goes to answers.
func dialSSE(t *testing.T, base string) *sseConn {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/sse", nil)
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /sse: %d", res.StatusCode)
	}
	c := &sseConn{t: t, answers: make(chan json.RawMessage, 16)}
	endpoint := make(chan string, 1)
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(nil, 1<<20)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			if e, ok := strings.CutPrefix(line, "event: "); ok {
				event = e
			}
			if data, ok := strings.CutPrefix(line, "data: "); ok {
				if event == "endpoint" {
					endpoint <- data
				} else {
					c.answers <- json.RawMessage(data)
				}
			}
		}
	}()
	select {
	case ep := <-endpoint:
		ref, _ := url.Parse(ep)
		b, _ := url.Parse(base)
		c.msgURL = b.ResolveReference(ref).String()
	case <-time.After(5 * time.Second):
		t.Fatal("no endpoint event")
	}
	return c
}

// call posts one request and returns the answer from the event stream (or
// from the response body, when the POST itself was refused).
func (c *sseConn) call(body string, hdr map[string]string) map[string]any {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.msgURL, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	if res.StatusCode != http.StatusAccepted {
		if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
			c.t.Fatalf("POST %s: %d, body not JSON-RPC: %v", body, res.StatusCode, err)
		}
		return m
	}
	select {
	case a := <-c.answers:
		if err := json.Unmarshal(a, &m); err != nil {
			c.t.Fatalf("answer %s: %v", a, err)
		}
		return m
	case <-time.After(5 * time.Second):
		c.t.Fatalf("no answer to %s", body)
		return nil
	}
}

// notify posts a notification, which gets no answer.
func (c *sseConn) notify(body string) {
	c.t.Helper()
	res, err := http.Post(c.msgURL, "application/json", strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		c.t.Fatalf("POST %s: %d", body, res.StatusCode)
	}
}

func errorCode(m map[string]any) float64 {
	e, _ := m["error"].(map[string]any)
	code, _ := e["code"].(float64)
	return code
}

// TestSSEAdvertisesOnlyLegacyRevisions plays a 2026-07-28 client over SSE:
// its server/discover (or any request) at 2026-07-28 gets "unsupported
// protocol version" with the revisions SSE serves, never -32020; the newest
// of them then works; and mcp-go's own client asking for 2026-07-28 lands on
// a legacy revision it can use.
func TestSSEAdvertisesOnlyLegacyRevisions(t *testing.T) {
	ts := httptest.NewServer(mustHandler(t, newTestServer(t), HTTPOptions{Kind: KindSSE}))
	t.Cleanup(ts.Close)
	legacy := mcp.LegacyProtocolVersions()
	modern := mcp.LATEST_PROTOCOL_VERSION
	modernHdr := map[string]string{"Mcp-Protocol-Version": modern}
	modernMeta := `"_meta":{"` + mcp.MetaKeyProtocolVersion + `":"` + modern + `","io.modelcontextprotocol/clientInfo":{"name":"modern","version":"0"},"io.modelcontextprotocol/clientCapabilities":{}}`

	c := dialSSE(t, ts.URL)
	for _, tc := range []struct {
		name, body string
	}{
		{"discover at 2026-07-28", `{"jsonrpc":"2.0","id":2,"method":"server/discover","params":{` + modernMeta + `}}`},
		{"tools/call at 2026-07-28", `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"count",` + modernMeta + `}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := c.call(tc.body, modernHdr)
			if code := errorCode(m); code != mcp.UNSUPPORTED_PROTOCOL_VERSION {
				t.Fatalf("error code %v, want %d (unsupported protocol version): %v", code, mcp.UNSUPPORTED_PROTOCOL_VERSION, m)
			}
			data, _ := m["error"].(map[string]any)["data"].(map[string]any)
			var got []string
			for _, v := range data["supported"].([]any) {
				got = append(got, v.(string))
			}
			if !slices.Equal(got, legacy) {
				t.Errorf("supported %v, want only the legacy revisions %v", got, legacy)
			}
			if id, _ := m["id"].(float64); id == 0 {
				t.Errorf("answer without the request's id: %v", m)
			}
		})
	}
	t.Run("a legacy revision offered works", func(t *testing.T) {
		m := c.call(`{"jsonrpc":"2.0","id":4,"method":"initialize","params":{"protocolVersion":"`+legacy[0]+
			`","capabilities":{},"clientInfo":{"name":"modern","version":"0"}}}`, modernHdr)
		res, _ := m["result"].(map[string]any)
		if res["protocolVersion"] != legacy[0] {
			t.Fatalf("initialize: %v", m)
		}
		c.notify(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
		m = c.call(`{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"count"}}`, map[string]string{"Mcp-Protocol-Version": legacy[0]})
		if m["result"] == nil {
			t.Errorf("tools/call after negotiating %s: %v", legacy[0], m)
		}
	})
	t.Run("mcp-go client asking for 2026-07-28", func(t *testing.T) {
		cl, err := mcpclient.NewSSEMCPClient(ts.URL + "/sse")
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		if err := cl.Start(ctx); err != nil {
			t.Fatal(err)
		}
		init := mcp.InitializeRequest{}
		init.Params.ProtocolVersion = modern
		init.Params.ClientInfo = mcp.Implementation{Name: "mcp-go", Version: "0"}
		res, err := cl.Initialize(ctx, init)
		if err != nil {
			t.Fatalf("initialize: %v", err)
		}
		if !slices.Contains(legacy, res.ProtocolVersion) || cl.ProtocolVersion() != res.ProtocolVersion {
			t.Errorf("negotiated %q (client %q), want one of %v", res.ProtocolVersion, cl.ProtocolVersion(), legacy)
		}
		req := mcp.CallToolRequest{}
		req.Params.Name = "count"
		if _, err := cl.CallTool(ctx, req); err != nil {
			t.Errorf("tools/call: %v", err)
		}
	})
}
