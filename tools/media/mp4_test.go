package media

import (
	"bytes"
	"math"
	"testing"
)

func TestProbeMP4(t *testing.T) {
	tests := []struct {
		name       string
		v          video
		moovFirst  bool
		codec      string
		fps        float64
		seconds    float64
		w, h       int
		brand      string
		wantErr    bool
		corruptEnd bool
	}{
		{name: "moov at front", v: goodVideo(), moovFirst: true, codec: "avc1", fps: 30, seconds: 10, w: 1080, h: 1920, brand: "isom"},
		{name: "moov at end", v: func() video { v := goodVideo(); v.moovAtEnd = true; return v }(), moovFirst: false, codec: "avc1", fps: 30, seconds: 10, w: 1080, h: 1920, brand: "isom"},
		{name: "hevc mov 29.97 fps", v: video{brand: "qt  ", codec: "hvc1", w: 1920, h: 1080, timescale: 30000, frames: 2997, frameDelta: 1001, seconds: 100, mdatBytes: 10},
			moovFirst: true, codec: "hvc1", fps: 29.97, seconds: 100, w: 1920, h: 1080, brand: "qt  "},
		{name: "64-bit mdat before moov", v: video{w: 640, h: 480, frames: 24, frameDelta: 1250, seconds: 1, mdatBytes: 100, largeMdat: true, moovAtEnd: true},
			moovFirst: false, codec: "avc1", fps: 24, seconds: 1, w: 640, h: 480, brand: "isom"},
		{name: "truncated", v: goodVideo(), corruptEnd: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := mp4Bytes(tt.v)
			if tt.corruptEnd {
				b = b[:40] // inside moov
			}
			info, err := ProbeMP4(bytes.NewReader(b), int64(len(b)))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ProbeMP4 = %+v, want an error", info)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if info.MoovFirst != tt.moovFirst || info.Codec != tt.codec || info.Width != tt.w || info.Height != tt.h || info.Brand != tt.brand {
				t.Errorf("info = %+v", info)
			}
			if math.Abs(info.FPS-tt.fps) > 0.01 || math.Abs(info.Seconds-tt.seconds) > 0.01 {
				t.Errorf("fps %.3f seconds %.3f, want %.3f %.3f", info.FPS, info.Seconds, tt.fps, tt.seconds)
			}
		})
	}
}

func TestProbeMP4Garbage(t *testing.T) {
	for _, b := range [][]byte{nil, []byte("hello world, not a movie"), append(u32(4), "ftyp"...), box("ftyp", []byte("isom")),
		append(box("ftyp", []byte("isom")), append(u32(0xffffff), "moov"...)...)} {
		if info, err := ProbeMP4(bytes.NewReader(b), int64(len(b))); err == nil {
			t.Errorf("ProbeMP4(%q) = %+v, want an error", b, info)
		}
	}
}

func FuzzProbeMP4(f *testing.F) {
	f.Add(mp4Bytes(goodVideo()))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ProbeMP4(bytes.NewReader(b), int64(len(b)))
	})
}
