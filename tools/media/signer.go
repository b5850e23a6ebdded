package media

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Signer signs and checks the self store's URLs: HMAC-SHA256 over the
// method, the object id, the expiry and (uploads) the size cap, under a key
// kept in the state directory.
type Signer struct {
	key []byte
	now func() time.Time
}

// keyFile is the signing key's name in the state directory.
const keyFile = "media.key"

// LoadSigner reads the signing key from dir, creating it (32 random bytes,
// mode 0600) on first use.
func LoadSigner(dir string) (*Signer, error) {
	p := filepath.Join(dir, keyFile)
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return LoadSigner(dir) // another process made it first
		}
		if err != nil {
			return nil, fmt.Errorf("media signing key: %w", err)
		}
		_, werr := f.WriteString(hex.EncodeToString(key))
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return nil, fmt.Errorf("media signing key: %w", werr)
		}
		return &Signer{key: key, now: time.Now}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("media signing key: %w", err)
	}
	fi, err := os.Stat(p)
	if err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("media signing key %s is readable by others (mode %v): chmod 600 it", p, fi.Mode().Perm())
	}
	key, err := hex.DecodeString(string(b))
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("media signing key %s is damaged: delete it to make a new one", p)
	}
	return &Signer{key: key, now: time.Now}, nil
}

// NewSigner returns a Signer with key (tests).
func NewSigner(key []byte, now func() time.Time) *Signer {
	if now == nil {
		now = time.Now
	}
	return &Signer{key: key, now: now}
}

func (s *Signer) mac(method, id string, exp, max int64) string {
	m := hmac.New(sha256.New, s.key)
	fmt.Fprintf(m, "%s\n%s\n%d\n%d", method, id, exp, max)
	return hex.EncodeToString(m.Sum(nil))
}

// Sign returns the query (exp, sig, and max when > 0) authorising method on
// id until ttl from now.
func (s *Signer) Sign(method, id string, max int64, ttl time.Duration) string {
	exp := s.now().Add(ttl).Unix()
	q := "exp=" + strconv.FormatInt(exp, 10)
	if max > 0 {
		q += "&max=" + strconv.FormatInt(max, 10)
	}
	return q + "&sig=" + s.mac(method, id, exp, max)
}

// Errors of Verify.
var (
	ErrBadSignature = errors.New("bad signature")
	ErrExpired      = errors.New("expired")
)

// Verify checks a signed request's exp, max and sig query values for method
// on id, in constant time; it returns the size cap (0 for GET).
func (s *Signer) Verify(method, id, exp, max, sig string) (int64, error) {
	e, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return 0, ErrBadSignature
	}
	var m int64
	if max != "" {
		if m, err = strconv.ParseInt(max, 10, 64); err != nil || m <= 0 {
			return 0, ErrBadSignature
		}
	}
	want := s.mac(method, id, e, m)
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return 0, ErrBadSignature
	}
	if !s.now().Before(time.Unix(e, 0)) {
		return 0, ErrExpired
	}
	return m, nil
}
