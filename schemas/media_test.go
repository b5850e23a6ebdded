package schemas

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestMediaSourceExactlyOne(t *testing.T) {
	png := base64.StdEncoding.EncodeToString([]byte("\x89PNG\r\n\x1a\n"))
	big := strings.Repeat("A", (MaxInlineBytes/3+10)*4)
	tests := []struct {
		name  string
		args  interface{ Validate() error }
		field string // "" when valid
		rule  string
	}{
		{"url", &PublishMediaArgs{Type: "image", URL: "https://example.com/a.png"}, "", ""},
		{"path", &PublishMediaArgs{Type: "image", Path: "/home/me/a.png"}, "", ""},
		{"upload", &PublishMediaArgs{Type: "image", UploadID: "up_0123456789abcdef0123456789abcdef"}, "", ""},
		{"data", &PublishMediaArgs{Type: "image", Data: png}, "", ""},
		{"data URL", &PublishMediaArgs{Type: "image", Data: "data:image/png;base64," + png}, "", ""},
		{"none", &PublishMediaArgs{Type: "image"}, "url", "required"},
		{"url and path", &PublishMediaArgs{Type: "image", URL: "https://example.com/a.png", Path: "/a.png"}, "path", "exactly one source"},
		{"path and data", &PublishMediaArgs{Type: "image", Path: "/a.png", Data: png}, "data", "exactly one source"},
		{"bad upload id", &PublishMediaArgs{Type: "image", UploadID: "../../etc"}, "upload_id", "unknown upload"},
		{"bad base64", &PublishMediaArgs{Type: "image", Data: "@@@@"}, "data", "not base64"},
		{"data too large", &PublishMediaArgs{Type: "image", Data: big}, "data", "too large"},
		{"NUL in path", &PublishMediaArgs{Type: "image", Path: "/a\x00.png"}, "path", "invalid character"},
		{"carousel item", &PublishCarouselArgs{Items: []CarouselItemArgs{{Type: "image", Path: "/a.png"}, {Type: "image", Path: "/b.png", URL: "https://example.com/b.png"}}},
			"items[1].path", "exactly one source"},
		{"thread part", &PublishThreadArgs{Parts: []ThreadPartArgs{{Text: "a"}, {Media: &CarouselItemArgs{Type: "video"}}}}, "parts[1].media.url", "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n, ok := tt.args.(interface{ Normalize() }); ok {
				n.Normalize()
			}
			err := tt.args.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			fes := AsFieldErrors(err)
			if len(fes) == 0 || fes[0].Field != tt.field || fes[0].Rule != tt.rule || fes[0].Fix == "" {
				t.Fatalf("Validate = %v; want %s: %s", err, tt.field, tt.rule)
			}
		})
	}
}

func TestCheckImageAndVideo(t *testing.T) {
	img := func(ct string, size int64, w, h int) ImageFacts {
		return ImageFacts{ContentType: ct, Size: size, Width: w, Height: h}
	}
	for _, tt := range []struct {
		f    ImageFacts
		rule string
		note bool
	}{
		{img("image/png", MaxImageBytes, 1440, 144), "", false},
		{img("image/png", MaxImageBytes+1, 1000, 1000), "image too large", false},
		{img("image/gif", 10, 1000, 1000), "unsupported image format", false},
		{img("image/jpeg", 10, 1441, 144), "aspect ratio", false},
		{img("image/jpeg", 10, 319, 319), "", true},
		{img("image/jpeg", 10, 4032, 3024), "", true},
	} {
		note, fe := CheckImage("path", tt.f)
		if (fe == nil) != (tt.rule == "") || fe != nil && fe.Rule != tt.rule || (note != "") != tt.note {
			t.Errorf("CheckImage(%+v) = %q, %v; want rule %q note %v", tt.f, note, fe, tt.rule, tt.note)
		}
	}
	good := VideoFacts{ContentType: "video/mp4", Size: 1000, MoovFirst: true, Seconds: 10, Codec: "avc1", CodecOK: true, Width: 1080, Height: 1920, FPS: 30}
	for _, tt := range []struct {
		change func(*VideoFacts)
		rule   string
	}{
		{func(*VideoFacts) {}, ""},
		{func(f *VideoFacts) { f.Seconds = MaxVideoSeconds }, ""},
		{func(f *VideoFacts) { f.Seconds = MaxVideoSeconds + 0.5 }, "too long"},
		{func(f *VideoFacts) { f.Seconds = 0 }, "no duration"},
		{func(f *VideoFacts) { f.MoovFirst = false }, "moov atom at the end"},
		{func(f *VideoFacts) { f.FPS = 23.976 }, ""},
		{func(f *VideoFacts) { f.FPS = 15 }, "frame rate"},
		{func(f *VideoFacts) { f.FPS = 120 }, "frame rate"},
		{func(f *VideoFacts) { f.Width, f.Height = 1921, 1080 }, "too wide"},
		{func(f *VideoFacts) { f.Codec, f.CodecOK = "vp09", false }, "unsupported codec"},
		{func(f *VideoFacts) { f.Size = MaxVideoBytes + 1 }, "video too large"},
		{func(f *VideoFacts) { f.Width, f.Height = 1100, 100 }, "aspect ratio"},
	} {
		f := good
		tt.change(&f)
		fe := CheckVideo("items[0].url", f)
		if (fe == nil) != (tt.rule == "") || fe != nil && (fe.Rule != tt.rule || fe.Field != "items[0].url") {
			t.Errorf("CheckVideo(%+v) = %v; want %q", f, fe, tt.rule)
		}
	}
	if fe := CheckVideo("url", VideoFacts{ContentType: "video/mp4", Size: 1, Seconds: 1, Codec: "avc1", CodecOK: true}); fe == nil || !strings.Contains(fe.Fix, "-movflags +faststart") {
		t.Errorf("moov fix = %v", fe)
	}
}
