package transport

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestPendingRequests(t *testing.T) {
	steps := []struct {
		in, out string // a line read from stdin, or one written to stdout
		want    int    // pending requests after the step
	}{
		{in: `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, want: 1},
		{in: `{"jsonrpc":"2.0","id":"1","method":"ping"}`, want: 2},             // a string id is another id
		{in: `{"jsonrpc":"2.0","method":"notifications/initialized"}`, want: 2}, // no id: no answer due
		{in: `{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}`, want: 2},         // not a valid id
		{in: `not json`, want: 2},
		{out: `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}`, want: 2},
		{out: `{"jsonrpc":"2.0","id":7,"method":"sampling/createMessage"}`, want: 2}, // a server request
		{out: `{"jsonrpc":"2.0","id":1.0,"result":{}}`, want: 1},
		{out: `{"jsonrpc":"2.0","id":1,"result":{}}`, want: 1}, // answered already
		{out: `{"jsonrpc":"2.0","id":"1","error":{"code":1,"message":"x"}}`, want: 0},
	}
	p := &pendingRequests{ids: map[string]int{}}
	var stdout bytes.Buffer
	w := &answerWriter{w: &stdout, p: p}
	for i, s := range steps {
		if s.in != "" {
			p.add([]byte(s.in + "\n"))
		} else {
			// Written in two pieces: lines are tracked across writes.
			line := s.out + "\n"
			if _, err := w.Write([]byte(line[:5])); err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write([]byte(line[5:])); err != nil {
				t.Fatal(err)
			}
		}
		if p.pending() != s.want {
			t.Fatalf("step %d (%s%s): %d pending, want %d", i, s.in, s.out, p.pending(), s.want)
		}
	}
	start := time.Now()
	p.wait(time.Second)
	if time.Since(start) > 100*time.Millisecond {
		t.Error("wait blocked with nothing pending")
	}
	p.add([]byte(`{"jsonrpc":"2.0","id":5,"method":"ping"}`))
	start = time.Now()
	p.wait(200 * time.Millisecond)
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("wait returned after %v with a request pending", d)
	}
	if !strings.Contains(stdout.String(), `"id":"1","error"`) {
		t.Errorf("answerWriter did not pass the output through: %s", stdout.String())
	}
}
