// Package redact keeps the process's secrets — every Threads access token an
// account holds (the current one and those it replaced), the HTTP bearer
// token, the sandbox token — out of text that leaves the process: log lines
// and tool results.
//
// The client and auth layers already keep tokens out of URLs and errors;
// this is the last line, for text that echoes a token back (an upstream
// error message, a proxy page, a reply that quotes one).
//
// Readers never wait: a [Set] publishes an immutable snapshot of its secrets
// through an atomic pointer, and [Set.Scrub] reads that snapshot. Writers
// ([Set.Add]) copy it. So the log writer can scrub a line written by code
// that holds any lock — a token source logging its own refresh under its
// mutex — without ever calling back into that code. (Asking each token
// source for its current token at write time deadlocked exactly there.)
package redact

import (
	"context"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Mask replaces a secret wherever text leaves the process.
const Mask = "[REDACTED]"

// MinSecretLen keeps short strings (which could match ordinary text) out of
// a Set; real tokens are far longer.
const MinSecretLen = 8

// Set is the secrets to scrub. The zero value is ready to use; a nil *Set
// scrubs nothing. It is safe for concurrent use.
type Set struct {
	mu   sync.Mutex // serializes writers only
	snap atomic.Pointer[[]string]
}

// Add registers secrets; strings shorter than MinSecretLen and ones already
// known are ignored. Secrets are never removed: a refreshed token's
// predecessor stays valid until it expires, so it stays scrubbed.
func (s *Set) Add(secrets ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.secrets()
	var next []string
	for _, sec := range secrets {
		if len(sec) < MinSecretLen || slices.Contains(cur, sec) || slices.Contains(next, sec) {
			continue
		}
		next = append(next, sec)
	}
	if len(next) == 0 {
		return
	}
	all := append(slices.Clone(cur), next...)
	// Longest first, so a secret that contains another is masked whole.
	slices.SortFunc(all, func(a, b string) int { return len(b) - len(a) })
	s.snap.Store(&all)
}

func (s *Set) secrets() []string {
	if p := s.snap.Load(); p != nil {
		return *p
	}
	return nil
}

// Scrub returns text with every secret replaced by Mask. It never blocks.
func (s *Set) Scrub(text string) string {
	if s == nil {
		return text
	}
	for _, sec := range s.secrets() {
		if strings.Contains(text, sec) {
			text = strings.ReplaceAll(text, sec, Mask)
		}
	}
	return text
}

// Writer wraps w so every write is scrubbed. Log lines are written whole, so
// a secret is never split across two writes.
func (s *Set) Writer(w io.Writer) io.Writer { return &writer{w: w, s: s} }

type writer struct {
	w io.Writer
	s *Set
}

func (rw *writer) Write(p []byte) (int, error) {
	clean := rw.s.Scrub(string(p))
	if clean == string(p) {
		return rw.w.Write(p)
	}
	if _, err := io.WriteString(rw.w, clean); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Middleware scrubs every tool result: its text content and its structured
// content.
func (s *Set) Middleware(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		res, err := next(ctx, req)
		if res == nil {
			return res, err
		}
		for i, c := range res.Content {
			if tc, ok := c.(mcp.TextContent); ok {
				if clean := s.Scrub(tc.Text); clean != tc.Text {
					tc.Text = clean
					res.Content[i] = tc
				}
			}
		}
		if res.StructuredContent != nil {
			if b, jerr := json.Marshal(res.StructuredContent); jerr == nil {
				if clean := s.Scrub(string(b)); clean != string(b) {
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
