package media

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestSigner(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	s := NewSigner([]byte("0123456789abcdef0123456789abcdef"), clk.now)
	id := "0123456789abcdef0123456789abcdef"
	q, _ := url.ParseQuery(s.Sign(http.MethodGet, id, 0, time.Hour))
	put, _ := url.ParseQuery(s.Sign(http.MethodPut, "up_"+id, 1000, time.Hour))
	tests := []struct {
		name                 string
		method, id, exp, max string
		sig                  string
		advance              time.Duration
		want                 error
		wantMax              int64
	}{
		{"valid", "GET", id, q.Get("exp"), "", q.Get("sig"), 0, nil, 0},
		{"valid upload", "PUT", "up_" + id, put.Get("exp"), put.Get("max"), put.Get("sig"), 0, nil, 1000},
		{"expired", "GET", id, q.Get("exp"), "", q.Get("sig"), time.Hour, ErrExpired, 0},
		{"other id", "GET", strings.Repeat("f", 32), q.Get("exp"), "", q.Get("sig"), 0, ErrBadSignature, 0},
		{"later expiry", "GET", id, "9999999999", "", q.Get("sig"), 0, ErrBadSignature, 0},
		{"GET signature used for PUT", "PUT", id, q.Get("exp"), "", q.Get("sig"), 0, ErrBadSignature, 0},
		{"raised upload cap", "PUT", "up_" + id, put.Get("exp"), "1000000", put.Get("sig"), 0, ErrBadSignature, 0},
		{"flipped signature digit", "GET", id, q.Get("exp"), "", flip(q.Get("sig")), 0, ErrBadSignature, 0},
		{"no signature", "GET", id, q.Get("exp"), "", "", 0, ErrBadSignature, 0},
		{"bad expiry", "GET", id, "soon", "", q.Get("sig"), 0, ErrBadSignature, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &fakeClock{t: clk.now().Add(tt.advance)}
			v := NewSigner(s.key, c.now)
			max, err := v.Verify(tt.method, tt.id, tt.exp, tt.max, tt.sig)
			if !errors.Is(err, tt.want) || (err == nil && max != tt.wantMax) {
				t.Errorf("Verify = %d, %v; want %d, %v", max, err, tt.wantMax, tt.want)
			}
		})
	}
}

func flip(s string) string {
	b := []byte(s)
	if b[0] == '0' {
		b[0] = '1'
	} else {
		b[0] = '0'
	}
	return string(b)
}

func TestLoadSignerKeyFile(t *testing.T) {
	dir := t.TempDir()
	s1, err := LoadSigner(dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, keyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	s2, err := LoadSigner(dir)
	if err != nil || !bytes.Equal(s1.key, s2.key) {
		t.Fatalf("second load: %v, same key %v", err, bytes.Equal(s1.key, s2.key))
	}
	if err := os.Chmod(filepath.Join(dir, keyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSigner(dir); err == nil {
		t.Error("a world-readable key was accepted")
	}
}

// selfServer is a SelfStore behind an httptest server, its public URL the
// server's.
func selfServer(t *testing.T, clk *fakeClock) (*SelfStore, *httptest.Server) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	st, err := newSelfStore(t.TempDir(), "https://placeholder", NewSigner([]byte("k0123456789abcdef0123456789abcdef"), clk.now))
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = st.Handler()
	srv.StartTLS()
	t.Cleanup(srv.Close)
	st.public = srv.URL
	return st, srv
}

func TestSelfStoreServe(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	st, srv := selfServer(t, clk)
	ctx := context.Background()
	img := pngBytes(t, 400, 300)
	id := newID("")
	if err := st.Put(ctx, Object{ID: id, ContentType: TypePNG}, bytes.NewReader(img)); err != nil {
		t.Fatal(err)
	}
	signed, _ := st.URL(ctx, id, time.Hour)
	get := func(u string, hdr ...string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	resp := get(signed)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !bytes.Equal(body, img) || resp.Header.Get("Content-Type") != TypePNG ||
		resp.ContentLength != int64(len(img)) {
		t.Fatalf("GET = %s %q len %d", resp.Status, resp.Header.Get("Content-Type"), resp.ContentLength)
	}
	if resp := get(signed, "Range", "bytes=0-7"); resp.StatusCode != http.StatusPartialContent || resp.ContentLength != 8 {
		t.Errorf("Range GET = %s, %d bytes", resp.Status, resp.ContentLength)
	}
	for name, u := range map[string]string{
		"no signature": srv.URL + "/media/" + id,
		"listing":      srv.URL + "/media/",
		"other id":     strings.Replace(signed, id, newID(""), 1),
		"traversal":    srv.URL + "/media/..%2fmedia.key",
	} {
		if resp := get(u); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: GET = %s, want 403 or 404", name, resp.Status)
		}
	}
	clk.advance(2 * time.Hour)
	if resp := get(signed); resp.StatusCode != http.StatusForbidden {
		t.Errorf("expired URL: GET = %s, want 403", resp.Status)
	}
}

func TestSelfStoreUpload(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	st, srv := selfServer(t, clk)
	ctx := context.Background()
	put := func(u string, body []byte) int {
		req, _ := http.NewRequest(http.MethodPut, u, bytes.NewReader(body))
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	img := jpegBytes(t, 640, 480)
	id := newID("up_")
	u, _ := st.UploadURL(ctx, id, 8<<20, 15*time.Minute)
	if got := put(u, img); got != http.StatusCreated {
		t.Fatalf("upload = %d, want 201", got)
	}
	f, obj, err := st.Open(ctx, id)
	if err != nil || obj.ContentType != TypeJPEG || obj.Size != int64(len(img)) {
		t.Fatalf("Open = %+v, %v", obj, err)
	}
	f.Close()
	if got := put(u, img); got != http.StatusConflict {
		t.Errorf("replayed upload URL = %d, want 409", got)
	}
	_ = st.Delete(ctx, id)
	if got := put(u, img); got != http.StatusConflict {
		t.Errorf("replay after the object was deleted = %d, want 409", got)
	}
	text := newID("up_")
	u2, _ := st.UploadURL(ctx, text, 8<<20, 15*time.Minute)
	if got := put(u2, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\n")); got != http.StatusUnsupportedMediaType {
		t.Errorf("key file upload = %d, want 415", got)
	}
	if _, _, err := st.Open(ctx, text); !errors.Is(err, ErrNotFound) {
		t.Errorf("refused upload kept: %v", err)
	}
	big := newID("up_")
	u3, _ := st.UploadURL(ctx, big, 1000, 15*time.Minute)
	if got := put(u3, pngBytes(t, 400, 400)); got != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize upload = %d, want 413", got)
	}
	late := newID("up_")
	u4, _ := st.UploadURL(ctx, late, 8<<20, 15*time.Minute)
	clk.advance(16 * time.Minute)
	if got := put(u4, img); got != http.StatusForbidden {
		t.Errorf("expired upload URL = %d, want 403", got)
	}
	if got := put(strings.Replace(u4, "max=", "max=9", 1), img); got != http.StatusForbidden {
		t.Errorf("tampered upload URL = %d, want 403", got)
	}
}

func TestSelfStoreSweep(t *testing.T) {
	clk := &fakeClock{t: time.Now()}
	st, _ := selfServer(t, clk)
	ctx := context.Background()
	id := newID("")
	if err := st.Put(ctx, Object{ID: id, ContentType: TypePNG}, bytes.NewReader(pngBytes(t, 10, 10))); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.Sweep(ctx, time.Now().Add(-time.Hour)); n != 0 {
		t.Errorf("swept a fresh object")
	}
	if n, err := st.Sweep(ctx, time.Now().Add(time.Hour)); n != 1 || err != nil {
		t.Errorf("Sweep = %d, %v; want 1", n, err)
	}
	if _, _, err := st.Open(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("swept object still opens: %v", err)
	}
}

func TestNewSelfStoreNeedsHTTPS(t *testing.T) {
	for _, u := range []string{"", "http://example.com", "example.com", "https://"} {
		if _, err := NewSelfStore(t.TempDir(), u); err == nil {
			t.Errorf("NewSelfStore(%q) accepted", u)
		}
	}
}
