package media

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// EmulatorStore stages media on the sandbox emulator's own media host
// (PUT /_emulator/media/{id}, served at /media/{id}), so the whole path —
// staging, pre-flight and the emulator's download — runs with no account
// and no bucket. Its URLs are not signed: the emulator listens on loopback.
type EmulatorStore struct {
	base   string // the emulator's root URL, http://127.0.0.1:PORT
	client *http.Client
}

// NewEmulatorStore returns the store of the emulator at base (its root URL).
func NewEmulatorStore(base string, client *http.Client) *EmulatorStore {
	if client == nil {
		client = &http.Client{Timeout: time.Minute}
	}
	return &EmulatorStore{base: strings.TrimRight(base, "/"), client: client}
}

// Name is "sandbox".
func (s *EmulatorStore) Name() string { return "sandbox" }

func (s *EmulatorStore) do(ctx context.Context, method, id string, body io.Reader, ct string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, s.base+"/_emulator/media/"+id, body)
	if err != nil {
		return nil, err
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("sandbox media host: %w", err)
	}
	return resp, nil
}

// Put stores the object on the media host.
func (s *EmulatorStore) Put(ctx context.Context, obj Object, r io.Reader) error {
	resp, err := s.do(ctx, http.MethodPut, obj.ID, r, obj.ContentType)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("sandbox media host: put answered %s", resp.Status)
	}
	return nil
}

// URL returns the object's URL on the media host.
func (s *EmulatorStore) URL(_ context.Context, id string, _ time.Duration) (string, error) {
	return s.base + "/media/" + id, nil
}

// UploadURL returns the media host's PUT URL (the sandbox has no signing).
func (s *EmulatorStore) UploadURL(_ context.Context, id string, _ int64, _ time.Duration) (string, error) {
	return s.base + "/_emulator/media/" + id, nil
}

// Open reads the object into memory (sandbox files are small).
func (s *EmulatorStore) Open(ctx context.Context, id string) (ReadAtCloser, Object, error) {
	resp, err := s.do(ctx, http.MethodGet, id, nil, "")
	if err != nil {
		return nil, Object{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, Object{}, ErrNotFound
	}
	if resp.StatusCode != http.StatusOK {
		return nil, Object{}, fmt.Errorf("sandbox media host: get answered %s", resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<30+1))
	if err != nil {
		return nil, Object{}, fmt.Errorf("sandbox media host: %w", err)
	}
	return nopCloser{bytes.NewReader(b)}, Object{ID: id, ContentType: resp.Header.Get("Content-Type"), Size: int64(len(b))}, nil
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

// Delete removes the object from the media host.
func (s *EmulatorStore) Delete(ctx context.Context, id string) error {
	resp, err := s.do(ctx, http.MethodDelete, id, nil, "")
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// Sweep does nothing: the media host keeps a bounded amount in memory.
func (s *EmulatorStore) Sweep(context.Context, time.Time) (int, error) { return 0, nil }
