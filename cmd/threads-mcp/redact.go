package main

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// redacted replaces a secret wherever text leaves the process.
const redacted = "[REDACTED]"

// minSecretLen keeps short strings (which could match ordinary text) out of
// the redactor; real tokens are far longer.
const minSecretLen = 8

// redactor removes the process's secrets — the Threads access tokens of
// every account (current ones, after refreshes too), the HTTP bearer token —
// from log lines and tool results. The client and auth layers already keep
// tokens out of URLs and errors; this is the last line, for text that
// echoes a token back (an upstream error message, a proxy page).
type redactor struct {
	mu      sync.Mutex
	fixed   []string
	sources []func() []string
}

// add registers fixed secrets.
func (r *redactor) add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		if len(s) >= minSecretLen {
			r.fixed = append(r.fixed, s)
		}
	}
}

// addSource registers a function returning current secrets (tokens change
// when they are refreshed).
func (r *redactor) addSource(f func() []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sources = append(r.sources, f)
}

func (r *redactor) secrets() []string {
	r.mu.Lock()
	out := append([]string(nil), r.fixed...)
	sources := append([]func() []string(nil), r.sources...)
	r.mu.Unlock()
	for _, f := range sources {
		for _, s := range f() {
			if len(s) >= minSecretLen {
				out = append(out, s)
			}
		}
	}
	return out
}

// scrub returns s with every secret replaced.
func (r *redactor) scrub(s string) string {
	if r == nil {
		return s
	}
	for _, sec := range r.secrets() {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, redacted)
		}
	}
	return s
}

// writer wraps w so every write is scrubbed (log lines are written whole).
func (r *redactor) writer(w io.Writer) io.Writer { return &redactWriter{w: w, r: r} }

type redactWriter struct {
	w io.Writer
	r *redactor
}

func (rw *redactWriter) Write(p []byte) (int, error) {
	clean := rw.r.scrub(string(p))
	if len(clean) == len(p) && clean == string(p) {
		return rw.w.Write(p)
	}
	if _, err := io.WriteString(rw.w, clean); err != nil {
		return 0, err
	}
	return len(p), nil
}

// middleware scrubs every tool result: text content and structured content.
func (r *redactor) middleware(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		res, err := next(ctx, req)
		if res == nil {
			return res, err
		}
		for i, c := range res.Content {
			if tc, ok := c.(mcp.TextContent); ok {
				if clean := r.scrub(tc.Text); clean != tc.Text {
					tc.Text = clean
					res.Content[i] = tc
				}
			}
		}
		if res.StructuredContent != nil {
			if b, jerr := json.Marshal(res.StructuredContent); jerr == nil {
				if clean := r.scrub(string(b)); clean != string(b) {
					var v any
					if json.Unmarshal([]byte(clean), &v) == nil {
						res.StructuredContent = v
					}
				}
			}
		}
		return res, err
	}
}
