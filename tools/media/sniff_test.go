package media

import "testing"

func TestSniff(t *testing.T) {
	tests := []struct {
		name     string
		head     []byte
		ct, kind string
		ok       bool
	}{
		{"png", pngBytes(t, 400, 300), TypePNG, KindImage, true},
		{"jpeg", jpegBytes(t, 400, 300), TypeJPEG, KindImage, true},
		{"mp4", mp4Bytes(goodVideo()), TypeMP4, KindVideo, true},
		{"mov", mp4Bytes(video{brand: "qt  ", frames: 1, frameDelta: 1, seconds: 1}), TypeMOV, KindVideo, true},
		{"text renamed .jpg", []byte("just some notes, saved as photo.jpg\n"), "", "", false},
		{"ssh private key", []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA"), "", "", false},
		{"gif", []byte("GIF89a\x01\x00\x01\x00"), "", "", false},
		{"pdf", []byte("%PDF-1.7\n"), "", "", false},
		{"empty", nil, "", "", false},
		{"ftyp with bad size", append(u32(2), "ftypisom"...), "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := tt.head[:min(len(tt.head), SniffLen)]
			ct, kind, ok := Sniff(head)
			if ct != tt.ct || kind != tt.kind || ok != tt.ok {
				t.Errorf("Sniff = %q %q %v, want %q %q %v", ct, kind, ok, tt.ct, tt.kind, tt.ok)
			}
		})
	}
	if got := Describe([]byte("-----BEGIN OPENSSH")); got != "a key or certificate" {
		t.Errorf("Describe(key) = %q", got)
	}
}
