package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// pngBytes is a w×h PNG.
func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// jpegBytes is a w×h JPEG.
func jpegBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// box is an ISO-BMFF box of typ holding parts.
func box(typ string, parts ...[]byte) []byte {
	body := bytes.Join(parts, nil)
	return append(append(u32(uint32(8+len(body))), typ...), body...)
}

// video describes a generated MP4.
type video struct {
	brand        string
	codec        string
	w, h         int
	timescale    uint32 // mdhd
	frames       uint32
	frameDelta   uint32
	seconds      uint32 // mvhd duration at timescale 1000
	moovAtEnd    bool
	mdatBytes    int
	largeMdat    bool // a 64-bit size mdat
	noVideoTrack bool
}

// mp4Bytes builds an MP4 (or MOV, brand "qt  ") file from v.
func mp4Bytes(v video) []byte {
	if v.brand == "" {
		v.brand = "isom"
	}
	if v.codec == "" {
		v.codec = "avc1"
	}
	if v.timescale == 0 {
		v.timescale = 30000
	}
	ftyp := box("ftyp", []byte(v.brand), u32(0x200), []byte("isomiso2avc1mp41"))
	mvhd := box("mvhd", u32(0), u32(0), u32(0), u32(1000), u32(v.seconds*1000), make([]byte, 80))
	tkhd := box("tkhd", u32(3), make([]byte, 20), make([]byte, 8), make([]byte, 8), make([]byte, 36),
		u32(uint32(v.w)<<16), u32(uint32(v.h)<<16))
	mdhd := box("mdhd", u32(0), u32(0), u32(0), u32(v.timescale), u32(v.frames*v.frameDelta), u32(0x55c40000))
	handler := "vide"
	if v.noVideoTrack {
		handler = "soun"
	}
	hdlr := box("hdlr", u32(0), u32(0), []byte(handler), make([]byte, 12), []byte("h\x00"))
	stsd := box("stsd", u32(0), u32(1), box(v.codec, make([]byte, 78)))
	stts := box("stts", u32(0), u32(1), u32(v.frames), u32(v.frameDelta))
	stbl := box("stbl", stsd, stts)
	minf := box("minf", box("vmhd", u32(1), make([]byte, 8)), stbl)
	mdia := box("mdia", mdhd, hdlr, minf)
	moov := box("moov", mvhd, box("trak", tkhd, mdia))
	var mdat []byte
	if v.largeMdat {
		body := make([]byte, v.mdatBytes)
		mdat = append(append(append(u32(1), "mdat"...), binary.BigEndian.AppendUint64(nil, uint64(16+len(body)))...), body...)
	} else {
		mdat = box("mdat", make([]byte, v.mdatBytes))
	}
	if v.moovAtEnd {
		return bytes.Join([][]byte{ftyp, mdat, moov}, nil)
	}
	return bytes.Join([][]byte{ftyp, moov, mdat}, nil)
}

// goodVideo is a valid 1080×1920, 30 fps, 10 s H.264 video.
func goodVideo() video {
	return video{w: 1080, h: 1920, timescale: 30000, frames: 300, frameDelta: 1000, seconds: 10, mdatBytes: 2048}
}
