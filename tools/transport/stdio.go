package transport

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// DefaultDrainTimeout bounds how long shutdown waits for calls in flight.
const DefaultDrainTimeout = 30 * time.Second

// StdioOptions configure ServeStdio.
type StdioOptions struct {
	// Logger receives the transport's own lines (and mcp-go's errors); nil
	// discards them. It must not write to out.
	Logger *slog.Logger
	// DrainTimeout bounds the wait for unanswered requests once input ends;
	// 0 means DefaultDrainTimeout.
	DrainTimeout time.Duration
}

// ServeStdio serves JSON-RPC, one message a line, from in to out until in
// ends or ctx is cancelled. Then it stops reading, waits (at most
// DrainTimeout) until every request it read has been answered, and returns.
//
// It counts answers, not running calls: a call still queued behind mcp-go's
// worker pool when stdin closes has not started yet, and mcp-go would cancel
// it with its listener, so `printf '…' | threads-mcp` would lose the tail of
// its requests. Before a line reaches mcp-go its envelope is checked (see
// CheckEnvelope); a refused line is answered here.
func ServeStdio(ctx context.Context, srv *server.MCPServer, in io.Reader, out io.Writer, o StdioOptions) error {
	logger := loggerOr(o.Logger)
	drain := o.DrainTimeout
	if drain <= 0 {
		drain = DefaultDrainTimeout
	}
	logger.Info("serving", "transport", "stdio")
	reqs := &pendingRequests{ids: map[string]int{}}
	aw := &answerWriter{w: out, p: reqs}
	pr, pw := io.Pipe()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			reqs.wait(drain)
			_ = pw.Close()
		})
	}
	defer context.AfterFunc(ctx, stop)()
	go func() {
		defer stop()
		br := bufio.NewReader(in)
		for ctx.Err() == nil {
			line, err := br.ReadBytes('\n')
			if len(line) > 0 && ctx.Err() == nil {
				if line[len(line)-1] != '\n' {
					line = append(line, '\n') // a last request without a newline is still served
				}
				if refusal := CheckEnvelope(line); refusal != nil {
					aw.writeUntracked(append(refusal, '\n'))
				} else {
					reqs.add(line)
					if _, werr := pw.Write(line); werr != nil {
						return
					}
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					logger.Debug("stdin", "err", err)
				}
				return
			}
		}
	}()
	s := server.NewStdioServer(srv)
	s.SetErrorLogger(slog.NewLogLogger(logger.Handler(), slog.LevelError))
	// Listen's own context must outlive the signal so in-flight calls can finish.
	err := s.Listen(context.WithoutCancel(ctx), pr, aw)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// pendingRequests counts the JSON-RPC requests read from stdin and not yet
// answered on stdout, by id.
type pendingRequests struct {
	mu  sync.Mutex
	ids map[string]int
	n   int
}

// rpcMessage is the part of a JSON-RPC message the stdio drain looks at.
type rpcMessage struct {
	ID     json.RawMessage `json:"id"`
	Method *string         `json:"method"`
}

// rpcID is a comparable form of a request id (a string or a number).
func rpcID(raw json.RawMessage) (string, bool) {
	var v any
	if len(raw) == 0 || json.Unmarshal(raw, &v) != nil {
		return "", false
	}
	switch id := v.(type) {
	case string:
		return "s:" + id, true
	case float64:
		return "n:" + strconv.FormatFloat(id, 'g', -1, 64), true
	}
	return "", false
}

// add records line if it is a request (it has a method and an id).
func (p *pendingRequests) add(line []byte) {
	var m rpcMessage
	if json.Unmarshal(line, &m) != nil || m.Method == nil {
		return
	}
	if id, ok := rpcID(m.ID); ok {
		p.mu.Lock()
		p.ids[id]++
		p.n++
		p.mu.Unlock()
	}
}

// answered forgets the request line answers, if it is a response.
func (p *pendingRequests) answered(line []byte) {
	var m rpcMessage
	if json.Unmarshal(line, &m) != nil || m.Method != nil {
		return
	}
	id, ok := rpcID(m.ID)
	if !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ids[id] > 0 {
		p.ids[id]--
		p.n--
		if p.ids[id] == 0 {
			delete(p.ids, id)
		}
	}
}

// pending is the number of requests not answered yet.
func (p *pendingRequests) pending() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// wait blocks until every request is answered or d has passed.
func (p *pendingRequests) wait(d time.Duration) {
	deadline := time.Now().Add(d)
	for p.pending() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
}

// answerWriter passes stdout through, one write at a time, and tells p
// about every response line it carries.
type answerWriter struct {
	w   io.Writer
	p   *pendingRequests
	mu  sync.Mutex
	buf []byte
}

func (a *answerWriter) Write(b []byte) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	n, err := a.w.Write(b)
	a.buf = append(a.buf, b[:n]...)
	for {
		i := bytes.IndexByte(a.buf, '\n')
		if i < 0 {
			break
		}
		a.p.answered(a.buf[:i])
		a.buf = append(a.buf[:0], a.buf[i+1:]...)
	}
	return n, err
}

// writeUntracked writes an answer the transport made itself (to a request
// that never reached mcp-go and so was never counted).
func (a *answerWriter) writeUntracked(line []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, _ = a.w.Write(line)
}

// loggerOr is l, or a logger that discards everything.
func loggerOr(l *slog.Logger) *slog.Logger {
	if l != nil {
		return l
	}
	return slog.New(slog.DiscardHandler)
}
