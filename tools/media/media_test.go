package media

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threads-mcp/threads-mcp/schemas"
)

func TestStage(t *testing.T) {
	st, _ := fakeS3(t)
	m := New(Options{Store: st, Roots: []string{}})
	root := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(root, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	chart := write("chart.png", pngBytes(t, 1200, 800))
	clip := write("clip.mp4", mp4Bytes(goodVideo()))
	notes := write("notes.jpg", []byte("my passwords: hunter2\n"))
	tooBig := write("big.png", append(pngBytes(t, 400, 400), make([]byte, schemas.MaxImageBytes)...))
	moovEnd := goodVideo()
	moovEnd.moovAtEnd = true
	late := write("late.mp4", mp4Bytes(moovEnd))
	ctx := context.Background()
	tests := []struct {
		name string
		it   Item
		rule string
	}{
		{"png path", Item{Prefix: "", Kind: KindImage, MediaInput: schemas.MediaInput{Path: chart}}, ""},
		{"mp4 path", Item{Prefix: "items[1].", Kind: KindVideo, MediaInput: schemas.MediaInput{Path: clip}}, ""},
		{"inline data", Item{Kind: KindImage, MediaInput: schemas.MediaInput{Data: base64.StdEncoding.EncodeToString(jpegBytes(t, 400, 400))}}, ""},
		{"text renamed .jpg", Item{Kind: KindImage, MediaInput: schemas.MediaInput{Path: notes}}, "not an image or video"},
		{"video given as image", Item{Kind: KindImage, MediaInput: schemas.MediaInput{Path: clip}}, "type mismatch"},
		{"oversize image", Item{Kind: KindImage, MediaInput: schemas.MediaInput{Path: tooBig}}, "image too large"},
		{"moov at the end", Item{Kind: KindVideo, MediaInput: schemas.MediaInput{Path: late}}, "moov atom at the end"},
		{"outside the roots", Item{Kind: KindImage, MediaInput: schemas.MediaInput{Path: "/etc/hostname"}}, "outside the allowed roots"},
		{"unknown upload", Item{Kind: KindImage, MediaInput: schemas.MediaInput{UploadID: newID("up_")}}, "unknown upload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := m.Stage(ctx, tt.it, []string{root})
			if tt.rule != "" {
				var fe *schemas.FieldError
				if !errors.As(err, &fe) || fe.Rule != tt.rule || !strings.HasPrefix(fe.Field, tt.it.Prefix) {
					t.Fatalf("Stage = %+v, %v; want rule %q", got, err, tt.rule)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ID == "" || !strings.Contains(got.URL, got.ID) {
				t.Fatalf("Stage = %+v", got)
			}
			f, obj, err := st.Open(ctx, got.ID)
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
			if want := map[string]string{KindImage: "image/", KindVideo: "video/mp4"}[tt.it.Kind]; !strings.HasPrefix(obj.ContentType, want) {
				t.Errorf("staged content type %q", obj.ContentType)
			}
			m.Release(ctx, got.ID)
			if _, _, err := st.Open(ctx, got.ID); !errors.Is(err, ErrNotFound) {
				t.Errorf("Release left the object: %v", err)
			}
		})
	}
	// Nothing is staged for a refused file.
	if n, _ := st.Sweep(ctx, farFuture); n != 0 {
		t.Errorf("%d objects left behind by refused inputs", n)
	}
}

func TestStageWithoutStore(t *testing.T) {
	m := New(Options{})
	_, err := m.Stage(context.Background(), Item{Kind: KindImage, MediaInput: schemas.MediaInput{Path: "/tmp/x.png"}}, nil)
	var fe *schemas.FieldError
	if !errors.As(err, &fe) || fe.Rule != "no media store" || !strings.Contains(fe.Fix, "--media-store") {
		t.Fatalf("Stage = %v, want a refusal saying what to configure", err)
	}
	got, err := m.Stage(context.Background(), Item{Kind: KindImage, MediaInput: schemas.MediaInput{URL: "https://example.com/a.png"}}, nil)
	if err != nil || got.URL != "https://example.com/a.png" || got.ID != "" {
		t.Errorf("public URL: %+v, %v", got, err)
	}
}

func TestStageUploadServesItsRealType(t *testing.T) {
	st, _ := fakeS3(t)
	m := New(Options{Store: st})
	ctx := context.Background()
	up, err := m.NewUpload(ctx, KindImage, 0)
	if err != nil {
		t.Fatal(err)
	}
	img := pngBytes(t, 400, 400)
	req, _ := http.NewRequest(http.MethodPut, up.URL, bytes.NewReader(img))
	req.Header.Set("Content-Type", "application/octet-stream") // what curl -T sends
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("PUT: %v %v", resp, err)
	}
	resp.Body.Close()
	got, err := m.Stage(ctx, Item{Kind: KindImage, MediaInput: schemas.MediaInput{UploadID: up.ID}}, nil)
	if err != nil || got.ID != up.ID {
		t.Fatalf("Stage = %+v, %v", got, err)
	}
	resp, err = http.Get(got.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != TypePNG {
		t.Errorf("staged upload served as %q, want %s", ct, TypePNG)
	}
}
