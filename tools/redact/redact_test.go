package redact

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

func TestScrub(t *testing.T) {
	s := &Set{}
	s.Add("fixed-secret-123", "short") // "short" is too short to be a secret
	s.Add("rotating-token-A")
	tests := []struct{ in, want string }{
		{"token fixed-secret-123 here", "token [REDACTED] here"},
		{"rotating-token-A and again rotating-token-A", "[REDACTED] and again [REDACTED]"},
		{"a short word stays", "a short word stays"},
		{"nothing to hide", "nothing to hide"},
	}
	for _, tc := range tests {
		if got := s.Scrub(tc.in); got != tc.want {
			t.Errorf("Scrub(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	s.Add("rotating-token-B") // a refresh: the new token is scrubbed, and the old one still
	if got := s.Scrub("new rotating-token-B old rotating-token-A"); got != "new [REDACTED] old [REDACTED]" {
		t.Errorf("after rotation: %q", got)
	}
	// A secret containing another is masked whole, whatever the order added.
	s.Add("xx-fixed-secret-123-yy")
	if got := s.Scrub("a xx-fixed-secret-123-yy b"); got != "a [REDACTED] b" {
		t.Errorf("nested secrets: %q", got)
	}
	var buf bytes.Buffer
	w := s.Writer(&buf)
	if n, err := w.Write([]byte("log fixed-secret-123\n")); err != nil || n != len("log fixed-secret-123\n") {
		t.Errorf("Write = %d, %v", n, err)
	}
	if buf.String() != "log [REDACTED]\n" {
		t.Errorf("writer wrote %q", buf.String())
	}
	var nilSet *Set
	nilSet.Add("ignored-secret")
	if nilSet.Scrub("x fixed-secret-123") != "x fixed-secret-123" {
		t.Error("a nil Set changed text")
	}
}

// TestScrubNeverWaitsForWriters: a line written while a writer of the set is
// blocked (as a token source logging under its own lock is) is scrubbed at
// once. The deadlock this guards against: the writer holds a lock, logs, and
// the log writer waits for that lock.
func TestScrubNeverWaitsForWriters(t *testing.T) {
	s := &Set{}
	s.Add("secret-token-1")
	s.mu.Lock() // a writer in the middle of Add
	done := make(chan string)
	go func() { done <- s.Scrub("x secret-token-1") }()
	select {
	case got := <-done:
		if got != "x [REDACTED]" {
			t.Errorf("Scrub = %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Scrub blocked on a writer")
	}
	s.mu.Unlock()
}

func TestConcurrentAddScrub(t *testing.T) {
	s := &Set{}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				s.Add(string(rune('a'+i)) + "-secret-" + string(rune('a'+j%26)))
				_ = s.Scrub("a-secret-a b-secret-b")
			}
		})
	}
	wg.Wait()
	if got := s.Scrub("a-secret-a"); got != Mask {
		t.Errorf("Scrub = %q", got)
	}
}
