package transport

import (
	"context"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Inflight counts the tool calls running right now, so that shutdown can wait
// for them. Install Middleware on the MCP server
// (server.WithToolHandlerMiddleware) and pass the same Inflight to
// HTTPOptions. The zero value is ready to use.
type Inflight struct {
	mu sync.Mutex
	n  int
	c  *sync.Cond
}

func (f *Inflight) cond() *sync.Cond {
	if f.c == nil {
		f.c = sync.NewCond(&f.mu)
	}
	return f.c
}

// Middleware counts the call for as long as next runs.
func (f *Inflight) Middleware(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		f.mu.Lock()
		f.n++
		f.mu.Unlock()
		defer func() {
			f.mu.Lock()
			f.n--
			f.cond().Broadcast()
			f.mu.Unlock()
		}()
		return next(ctx, req)
	}
}

// Running is the number of calls running now.
func (f *Inflight) Running() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n
}

// Wait blocks until no call is running or d has passed; it reports whether
// every call finished.
func (f *Inflight) Wait(d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		f.mu.Lock()
		for f.n > 0 {
			f.cond().Wait()
		}
		f.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}
