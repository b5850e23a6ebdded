package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// t0 is the fixed start of every ManualClock in the tests.
var t0 = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// api is a raw net/http test client for one token.
type api struct {
	t     *testing.T
	s     *Server
	tok   string
	param bool // send the token as access_token instead of Bearer
}

func newWorld(t *testing.T, opts ...Option) (*Server, *ManualClock, *api) {
	t.Helper()
	clk := NewManualClock(t0)
	s := NewServer(append([]Option{WithClock(clk), WithDemoWorld()}, opts...)...)
	t.Cleanup(s.Close)
	return s, clk, &api{t: t, s: s, tok: s.DemoToken()}
}

// resp is a decoded response.
type resp struct {
	status int
	body   map[string]any
	raw    string
}

func (r resp) errCode() int {
	if e, ok := r.body["error"].(map[string]any); ok {
		return num(e["code"])
	}
	return 0
}

func (r resp) errObj() map[string]any {
	e, _ := r.body["error"].(map[string]any)
	return e
}

func (r resp) id() string { s, _ := r.body["id"].(string); return s }

func (r resp) data() []map[string]any {
	raw, _ := r.body["data"].([]any)
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		out[i], _ = v.(map[string]any)
	}
	return out
}

func num(v any) int {
	switch x := v.(type) {
	case float64:
		return int(x)
	case json.Number:
		n, _ := x.Int64()
		return int(n)
	}
	return -1
}

// do sends params in the query string for GET/DELETE and as a form body for POST.
func (a *api) do(method, path string, params url.Values) resp {
	a.t.Helper()
	if params == nil {
		params = url.Values{}
	}
	if a.param && a.tok != "" {
		params.Set("access_token", a.tok)
	}
	u := a.s.URL + path
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(params.Encode())
	} else if len(params) > 0 {
		u += "?" + params.Encode()
	}
	req, err := http.NewRequestWithContext(a.t.Context(), method, u, body)
	if err != nil {
		a.t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if !a.param && a.tok != "" {
		req.Header.Set("Authorization", "Bearer "+a.tok)
	}
	return send(a.t, req)
}

func send(t *testing.T, req *http.Request) resp {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	out := resp{status: res.StatusCode, raw: string(b)}
	if len(b) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(b, &out.body); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
	}
	return out
}

func (a *api) get(path string, kv ...string) resp  { return a.do(http.MethodGet, path, vals(kv...)) }
func (a *api) post(path string, kv ...string) resp { return a.do(http.MethodPost, path, vals(kv...)) }

func vals(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// mustOK fails unless r is a 200.
func mustOK(t *testing.T, r resp) resp {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.raw)
	}
	return r
}

// wantErr fails unless r is a Graph error with that status and code.
func wantErr(t *testing.T, r resp, status, code int) map[string]any {
	t.Helper()
	if r.status != status || r.errCode() != code {
		t.Fatalf("want HTTP %d code %d, got %d: %s", status, code, r.status, r.raw)
	}
	return r.errObj()
}

// container creates a container and returns its id.
func (a *api) container(kv ...string) string {
	a.t.Helper()
	return mustOK(a.t, a.post("/v1.0/me/threads", kv...)).id()
}

// publishText creates and publishes a text post, returning the media id.
func (a *api) publishText(text string, kv ...string) string {
	a.t.Helper()
	cid := a.container(append([]string{"media_type", "TEXT", "text", text}, kv...)...)
	return mustOK(a.t, a.post("/v1.0/me/threads_publish", "creation_id", cid)).id()
}

func (a *api) status(cid string) string {
	a.t.Helper()
	r := mustOK(a.t, a.get("/v1.0/"+cid, "fields", "id,status,error_message"))
	s, _ := r.body["status"].(string)
	return s
}

// as returns a client for another token.
func (a *api) as(tok string) *api { return &api{t: a.t, s: a.s, tok: tok} }
