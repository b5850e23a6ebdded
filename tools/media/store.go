package media

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"time"
)

// Object is a staged file.
type Object struct {
	ID          string
	ContentType string
	Size        int64
	Created     time.Time
}

// ReadAtCloser is a staged object opened for reading.
type ReadAtCloser interface {
	io.ReaderAt
	io.Closer
}

// Store keeps staged media where Meta's crawler can fetch them.
type Store interface {
	// Name describes the store in messages ("s3://bucket/prefix", "self").
	Name() string
	// Put stores obj's bytes from r under obj.ID.
	Put(ctx context.Context, obj Object, r io.Reader) error
	// URL returns a signed GET URL of object id, valid for ttl. It is made
	// when the container is created, so it is fresh when Meta fetches it.
	URL(ctx context.Context, id string, ttl time.Duration) (string, error)
	// Open opens object id (an upload) to check it; ErrNotFound when absent.
	Open(ctx context.Context, id string) (ReadAtCloser, Object, error)
	// Delete removes object id; absent is not an error.
	Delete(ctx context.Context, id string) error
	// Sweep removes objects created before t (orphans of posts that never
	// finished) and returns how many.
	Sweep(ctx context.Context, before time.Time) (int, error)
}

// Uploader is a Store that can hand out one-time upload URLs.
type Uploader interface {
	// UploadURL returns a URL to PUT object id's bytes to (at most max
	// bytes), valid for ttl.
	UploadURL(ctx context.Context, id string, max int64, ttl time.Duration) (string, error)
}

// ErrNotFound is an object the store does not hold.
var ErrNotFound = errors.New("no such staged object")

// newID returns a fresh random object id (32 hex digits) with prefix.
func newID(prefix string) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return prefix + hex.EncodeToString(b)
}

// validID reports whether id has the shape newID gives (optionally "up_").
func validID(id string) bool {
	if len(id) == 35 && id[:3] == "up_" {
		id = id[3:]
	}
	if len(id) != 32 {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}
