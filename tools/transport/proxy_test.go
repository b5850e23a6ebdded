package transport

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"
	"time"

	mcpclient "github.com/mark3labs/mcp-go/client"
	clienttransport "github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// publicHost is the name clients use in front of the reverse proxy.
const publicHost = "mcp.example.com"

// asHost sends every request with Host publicHost, as a client resolving
// the public name to the proxy would.
type asHost struct{ next http.RoundTripper }

func (a asHost) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Host = publicHost
	return a.next.RoundTrip(r)
}

// caddyLike is a reverse proxy to target that keeps the client's Host, as
// Caddy and Traefik do by default (nginx with proxy_set_header Host $host).
func caddyLike(t *testing.T, target string) *httptest.Server {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(u)
		r.Out.Host = r.In.Host
		r.SetXForwarded()
	}}
	ts := httptest.NewServer(p)
	t.Cleanup(ts.Close)
	return ts
}

// TestBehindReverseProxy serves both HTTP transports behind a real reverse
// proxy forwarding Host: mcp.example.com: refused without AllowedHosts,
// served with it, over a full mcp-go client session.
func TestBehindReverseProxy(t *testing.T) {
	for _, kind := range []string{KindHTTP, KindSSE} {
		for _, allowed := range []bool{false, true} {
			name := kind + "/without AllowedHosts"
			o := HTTPOptions{Kind: kind}
			if allowed {
				name = kind + "/with AllowedHosts"
				o.AllowedHosts = []string{publicHost}
			}
			t.Run(name, func(t *testing.T) {
				backend := httptest.NewServer(mustHandler(t, newTestServer(t), o))
				t.Cleanup(backend.Close)
				proxy := caddyLike(t, backend.URL)
				hc := &http.Client{Transport: asHost{http.DefaultTransport}}

				req, _ := http.NewRequest(http.MethodPost, proxy.URL+"/mcp", nil)
				if kind == KindSSE {
					req, _ = http.NewRequest(http.MethodGet, proxy.URL+"/sse", nil)
				}
				ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
				defer cancel()
				res, err := hc.Do(req.WithContext(ctx))
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if !allowed {
					if res.StatusCode != http.StatusForbidden {
						t.Fatalf("Host %s without AllowedHosts: %d, want 403", publicHost, res.StatusCode)
					}
					return
				}
				if res.StatusCode == http.StatusForbidden {
					t.Fatalf("Host %s with AllowedHosts: 403", publicHost)
				}

				var c *mcpclient.Client
				if kind == KindSSE {
					c, err = mcpclient.NewSSEMCPClient(proxy.URL+"/sse", clienttransport.WithHTTPClient(hc))
				} else {
					c, err = mcpclient.NewStreamableHttpClient(proxy.URL+"/mcp", clienttransport.WithHTTPBasicClient(hc))
				}
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				if err := c.Start(ctx); err != nil {
					t.Fatal(err)
				}
				init := mcp.InitializeRequest{}
				init.Params.ClientInfo = mcp.Implementation{Name: "proxied", Version: "0"}
				if _, err := c.Initialize(ctx, init); err != nil {
					t.Fatalf("initialize through the proxy: %v", err)
				}
				call := mcp.CallToolRequest{}
				call.Params.Name = "count"
				if _, err := c.CallTool(ctx, call); err != nil {
					t.Fatalf("tools/call through the proxy: %v", err)
				}
			})
		}
	}
}
