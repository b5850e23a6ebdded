package transport

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// deep is a JSON value nested n levels.
func deep(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

func TestCheckEnvelope(t *testing.T) {
	tooDeep := deep(10_001)
	tests := []struct {
		name   string
		msg    string
		pass   bool   // goes on to mcp-go
		wantID string // the refusal's id
	}{
		{name: "number id", msg: `{"jsonrpc":"2.0","id":1,"method":"ping"}`, pass: true},
		{name: "string id", msg: `{"jsonrpc":"2.0","id":"a","method":"ping"}`, pass: true},
		{name: "negative fractional id", msg: `{"jsonrpc":"2.0","id":-1.5,"method":"ping"}`, pass: true},
		{name: "notification", msg: `{"jsonrpc":"2.0","method":"notifications/initialized"}`, pass: true},
		{name: "response", msg: `{"jsonrpc":"2.0","id":{"x":1},"result":{}}`, pass: true},
		{name: "malformed", msg: `{"jsonrpc":"2.0","id":10,"method":`, pass: true},
		{name: "not an object", msg: `[1,2]`, pass: true},
		{name: "empty", msg: ``, pass: true},
		{name: "deep but parseable", msg: `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":` + deep(9_000) + `}}`, pass: true},
		{name: "object id", msg: `{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}`, wantID: "null"},
		{name: "array id", msg: `{"jsonrpc":"2.0","id":[1],"method":"ping"}`, wantID: "null"},
		{name: "boolean id", msg: `{"jsonrpc":"2.0","id":true,"method":"ping"}`, wantID: "null"},
		{name: "null id", msg: `{"jsonrpc":"2.0","id":null,"method":"ping"}`, wantID: "null"},
		{name: "too deep, number id", msg: `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"arguments":` + tooDeep + `}}`, wantID: "7"},
		{name: "too deep, string id after the params", msg: `{"jsonrpc":"2.0","method":"tools/call","params":` + tooDeep + `,"id":"req-\"9\""}`, wantID: `"req-\"9\""`},
		{name: "too deep, object id", msg: `{"jsonrpc":"2.0","id":{"a":` + tooDeep + `},"method":"ping"}`, wantID: "null"},
		{name: "too deep, an id only inside", msg: `{"jsonrpc":"2.0","method":"ping","params":[{"id":3},` + tooDeep + `]}`, pass: true},
		{name: "too deep notification", msg: `{"jsonrpc":"2.0","method":"ping","params":` + tooDeep + `}`, pass: true},
		{name: "too deep and malformed", msg: `{"jsonrpc":"2.0","id":7,"method":"ping","params":` + strings.Repeat("[", 10_001), pass: true},
		{name: "too deep with trailing data", msg: `{"jsonrpc":"2.0","id":7,"method":"ping","params":` + tooDeep + `} x`, pass: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckEnvelope([]byte(tc.msg))
			if tc.pass {
				if got != nil {
					t.Fatalf("refused: %s", got)
				}
				return
			}
			var e struct {
				ID    json.RawMessage `json:"id"`
				Error struct {
					Code int `json:"code"`
				} `json:"error"`
			}
			if err := json.Unmarshal(got, &e); err != nil {
				t.Fatalf("refusal %q: %v", got, err)
			}
			if string(e.ID) != tc.wantID || e.Error.Code != mcp.INVALID_REQUEST {
				t.Errorf("refusal %s, want id %s and code %d", got, tc.wantID, mcp.INVALID_REQUEST)
			}
		})
	}
}

// stdioAnswers serves lines on stdio with the test server and returns every
// answer by id (null ones under "null").
func stdioAnswers(t *testing.T, lines ...string) map[string][]map[string]any {
	t.Helper()
	in := strings.Join(lines, "\n") + "\n"
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- ServeStdio(context.Background(), newTestServer(t), strings.NewReader(in), pw, StdioOptions{DrainTimeout: 5 * time.Second})
		pw.Close()
	}()
	got := map[string][]map[string]any{}
	sc := bufio.NewScanner(pr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("stdout line %q: %v", sc.Text(), err)
		}
		id, _ := json.Marshal(m["id"])
		got[string(id)] = append(got[string(id)], m)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return got
}

func TestStdioEnvelope(t *testing.T) {
	got := stdioAnswers(t,
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"ping","params":{"x":`+deep(20_000)+`}}`,
		`{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}`,
		`{"jsonrpc":"2.0","id":3,"method":"ping"}`,
	)
	code := func(m map[string]any) float64 {
		e, _ := m["error"].(map[string]any)
		c, _ := e["code"].(float64)
		return c
	}
	if a := got["2"]; len(a) != 1 || code(a[0]) != mcp.INVALID_REQUEST {
		t.Errorf("the too-deep request was not refused under its id: %v (null answers: %v)", a, got["null"])
	}
	if a := got["null"]; len(a) != 1 || code(a[0]) != mcp.INVALID_REQUEST {
		t.Errorf("the object id was not refused with id null: %v", a)
	}
	for id := range got {
		if strings.HasPrefix(id, "{") {
			t.Errorf("answered the object id %s: %v", id, got[id])
		}
	}
	if a := got["3"]; len(a) != 1 || a[0]["result"] == nil {
		t.Errorf("the ping after them: %v", a)
	}
}

func TestHTTPEnvelope(t *testing.T) {
	tooDeep := `{"jsonrpc":"2.0","id":41,"method":"ping","params":{"x":` + deep(20_000) + `}}`
	objectID := `{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}`
	t.Run("streamable http", func(t *testing.T) {
		ts := httptest.NewServer(mustHandler(t, newTestServer(t), HTTPOptions{Kind: KindHTTP}))
		t.Cleanup(ts.Close)
		for _, tc := range []struct{ body, wantID string }{{tooDeep, "41"}, {objectID, "null"}} {
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/mcp", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var m struct {
				ID    json.RawMessage    `json:"id"`
				Error struct{ Code int } `json:"error"`
			}
			err = json.NewDecoder(res.Body).Decode(&m)
			res.Body.Close()
			if err != nil || string(m.ID) != tc.wantID || m.Error.Code != mcp.INVALID_REQUEST {
				t.Errorf("%.60s…: %d id %s code %d (%v), want id %s code %d", tc.body, res.StatusCode, m.ID, m.Error.Code, err, tc.wantID, mcp.INVALID_REQUEST)
			}
		}
	})
	t.Run("sse", func(t *testing.T) {
		ts := httptest.NewServer(mustHandler(t, newTestServer(t), HTTPOptions{Kind: KindSSE}))
		t.Cleanup(ts.Close)
		c := dialSSE(t, ts.URL)
		// The too-deep request is answered where the client waits: on the stream, under its id.
		m := c.call(tooDeep, nil)
		if id, _ := m["id"].(float64); id != 41 || errorCode(m) != mcp.INVALID_REQUEST {
			t.Errorf("too deep: %v, want id 41 and code %d", m, mcp.INVALID_REQUEST)
		}
		m = c.call(objectID, nil)
		if m["id"] != nil || errorCode(m) != mcp.INVALID_REQUEST {
			t.Errorf("object id: %v, want id null and code %d", m, mcp.INVALID_REQUEST)
		}
	})
}
