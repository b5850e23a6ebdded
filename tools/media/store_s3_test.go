package media

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// fakeS3 is an in-process S3 (gofakes3) with bucket "media"; it does not
// check signatures or expiry (the self store's signer has its own tests).
func fakeS3(t *testing.T) (*S3Store, *httptest.Server) {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("media"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	env := map[string]string{
		EnvEndpoint: srv.URL, EnvRegion: "auto",
		EnvAccessKeyID: "AKIATEST", EnvSecretAccessKey: "secret-key-for-tests",
	}
	st, err := NewS3Store("s3://media/staged/", func(k string) string { return env[k] }, nil)
	if err != nil {
		t.Fatal(err)
	}
	return st, srv
}

func TestS3Store(t *testing.T) {
	st, _ := fakeS3(t)
	ctx := context.Background()
	img := pngBytes(t, 500, 500)
	id := newID("")
	if err := st.Put(ctx, Object{ID: id, ContentType: TypePNG, Size: int64(len(img))}, bytes.NewReader(img)); err != nil {
		t.Fatal(err)
	}
	u, err := st.URL(ctx, id, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(u, "/media/staged/"+id) || !strings.Contains(u, "X-Amz-Signature=") || !strings.Contains(u, "X-Amz-Expires=3600") {
		t.Errorf("presigned URL %s", u)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(body, img) || resp.Header.Get("Content-Type") != TypePNG {
		t.Fatalf("GET presigned = %s %q, %d bytes", resp.Status, resp.Header.Get("Content-Type"), len(body))
	}
	// An upload: presigned PUT, then opened and checked like a local file.
	up := newID("up_")
	pu, err := st.UploadURL(ctx, up, 8<<20, 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPut, pu, bytes.NewReader(img))
	req.Header.Set("Content-Type", TypePNG)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("PUT presigned: %v %v", resp, err)
	}
	f, obj, err := st.Open(ctx, up)
	if err != nil || obj.Size != int64(len(img)) {
		t.Fatalf("Open(upload) = %+v, %v", obj, err)
	}
	head := make([]byte, 8)
	if _, err := f.ReadAt(head, 0); err != nil || !bytes.Equal(head, img[:8]) {
		t.Errorf("ReadAt = %q, %v", head, err)
	}
	f.Close()
	if err := st.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Open(ctx, id); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open after Delete: %v, want ErrNotFound", err)
	}
	if err := st.Delete(ctx, id); err != nil {
		t.Errorf("second Delete: %v", err)
	}
	if n, err := st.Sweep(ctx, time.Now().Add(-time.Hour)); n != 0 || err != nil {
		t.Errorf("Sweep of fresh objects = %d, %v", n, err)
	}
	if n, err := st.Sweep(ctx, time.Now().Add(time.Hour)); n != 1 || err != nil {
		t.Errorf("Sweep = %d, %v; want the upload", n, err)
	}
}

func TestNewS3StoreConfig(t *testing.T) {
	full := map[string]string{EnvAccessKeyID: "a", EnvSecretAccessKey: "b"}
	tests := []struct {
		spec string
		env  map[string]string
		ok   bool
	}{
		{"s3://bucket/prefix", full, true},
		{"s3://bucket", full, true},
		{"s3:///prefix", full, false},
		{"gs://bucket", full, false},
		{"s3://bucket", map[string]string{EnvAccessKeyID: "a"}, false},
		{"s3://bucket", map[string]string{EnvAccessKeyID: "a", EnvSecretAccessKey: "b", EnvEndpoint: "ftp://x"}, false},
		{"s3://bucket", map[string]string{EnvAccessKeyID: "a", EnvSecretAccessKey: "b", EnvEndpointS3: "https://acct.r2.cloudflarestorage.com", EnvRegion: "auto"}, true},
	}
	for _, tt := range tests {
		_, err := NewS3Store(tt.spec, func(k string) string { return tt.env[k] }, nil)
		if (err == nil) != tt.ok {
			t.Errorf("NewS3Store(%q, %v) = %v, want ok %v", tt.spec, tt.env, err, tt.ok)
		}
	}
}
