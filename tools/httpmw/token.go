package httpmw

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"math"
	"strings"
)

// Bearer token strength. A token admits its holder to every tool, publish
// included, so it must not be guessable: at least MinTokenBytes after
// trimming whitespace, and varied enough (MinTokenBitsPerByte, the Shannon
// entropy of its byte frequencies) that "aaaa…" or "abab…" padding to the
// length does not count. `openssl rand -hex 32` gives 64 bytes at about
// 3.7 bits each; a 32-character hex string about 3.5.
const (
	MinTokenBytes       = 32
	MinTokenBitsPerByte = 3.0
)

// GenerateTokenHint is how the error of CheckToken says to make a token.
const GenerateTokenHint = "generate one with: openssl rand -hex 32  (or: head -c 32 /dev/urandom | base64)"

// CheckToken returns the token to use (tok without surrounding whitespace)
// or an error saying why tok is too weak to guard the server. The error
// never contains the token.
func CheckToken(tok string) (string, error) {
	t := strings.TrimSpace(tok)
	switch {
	case t == "":
		return "", fmt.Errorf("the HTTP bearer token is blank; %s", GenerateTokenHint)
	case len(t) < MinTokenBytes:
		return "", fmt.Errorf("the HTTP bearer token is %d bytes long; it must have at least %d; %s", len(t), MinTokenBytes, GenerateTokenHint)
	case bitsPerByte(t) < MinTokenBitsPerByte:
		return "", fmt.Errorf("the HTTP bearer token is too repetitive to be secret (%.1f bits per byte, at least %.1f needed); %s",
			bitsPerByte(t), MinTokenBitsPerByte, GenerateTokenHint)
	}
	return t, nil
}

// bitsPerByte is the Shannon entropy of s's byte frequencies.
func bitsPerByte(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / float64(len(s))
			h -= p * math.Log2(p)
		}
	}
	return h
}

// tokenMatcher checks presented bearer tokens against the configured one
// without leaking, through timing, how much of a guess was right: both
// sides are hashed to a fixed length and compared with equal, which Guard
// sets to subtle.ConstantTimeCompare (a field so a test can prove that this
// comparison, and no ==, decides).
type tokenMatcher struct {
	want  [sha256.Size]byte
	equal func(x, y []byte) int
}

func newTokenMatcher(token string) *tokenMatcher {
	return &tokenMatcher{want: sha256.Sum256([]byte(token)), equal: subtle.ConstantTimeCompare}
}

// match reports whether got is the token.
func (m *tokenMatcher) match(got string) bool {
	sum := sha256.Sum256([]byte(got))
	return m.equal(sum[:], m.want[:]) == 1
}
