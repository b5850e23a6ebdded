package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// VideoInfo is what ProbeMP4 reads from an MP4 or QuickTime file's boxes
// (ISO/IEC 14496-12; QuickTime File Format for MOV).
type VideoInfo struct {
	// Brand is the major brand of the ftyp box ("isom", "mp42", "qt  ").
	Brand string
	// MoovFirst is true when the moov box comes before the first mdat box
	// ("fast start"), as Meta requires.
	MoovFirst bool
	// Seconds is the movie's duration (mvhd).
	Seconds float64
	// Codec is the sample entry type of the first video track ("avc1",
	// "hvc1", "hev1", …; "" when the file has no video track).
	Codec string
	// Width and Height are the video track's display size (tkhd).
	Width, Height int
	// FPS is the video track's mean frame rate (stts over mdhd timescale).
	FPS float64
}

// H264 and HEVC sample entry types (ISO/IEC 14496-15).
var videoCodecs = map[string]string{
	"avc1": "H.264", "avc3": "H.264", "hvc1": "HEVC", "hev1": "HEVC",
}

// CodecName names a sample entry type, "" when it is neither H.264 nor HEVC.
func CodecName(entry string) string { return videoCodecs[entry] }

// Bounds of the box reader: how much of a file it reads.
const (
	maxTopBoxes = 64       // top-level boxes walked
	maxMoovSize = 64 << 20 // largest moov box read
	maxDepth    = 8
)

// errNotMP4 is a file whose boxes do not parse.
var errNotMP4 = errors.New("not an MP4/MOV file")

// ProbeMP4 reads the top-level boxes of the size-byte file r and its moov
// box, and returns what Meta's video rules need. It reads headers and the
// moov box only (at most maxMoovSize), never the media data.
func ProbeMP4(r io.ReaderAt, size int64) (*VideoInfo, error) {
	info := &VideoInfo{}
	var hdr [16]byte
	seenMdat, seenMoov := false, false
	off := int64(0)
	for i := 0; off < size && i < maxTopBoxes; i++ {
		n, err := r.ReadAt(hdr[:min(16, size-off)], off)
		if n < 8 && seenMdat {
			// The media data came first: whatever follows, the moov box
			// is not at the front, which is what a check needs to know.
			return info, nil
		}
		if n < 8 {
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("%w: box header at byte %d: %w", errNotMP4, off, err)
		}
		boxSize, typ, hlen, ok := boxHeader(hdr[:n], size-off)
		if !ok {
			return nil, fmt.Errorf("%w: bad box at byte %d", errNotMP4, off)
		}
		switch typ {
		case "ftyp":
			if n >= 12 {
				info.Brand = string(hdr[8:12])
			}
		case "mdat":
			seenMdat = true
		case "moov":
			if boxSize > maxMoovSize {
				return nil, fmt.Errorf("%w: moov box of %d bytes is too large to read", errNotMP4, boxSize)
			}
			body := make([]byte, boxSize-int64(hlen))
			if _, err := r.ReadAt(body, off+int64(hlen)); err != nil && !errors.Is(err, io.EOF) {
				if seenMdat {
					return info, nil
				}
				return nil, fmt.Errorf("read moov: %w", err)
			}
			info.MoovFirst = !seenMdat
			seenMoov = true
			if err := info.parseMoov(body); err != nil {
				return nil, err
			}
		}
		if seenMoov {
			break
		}
		off += boxSize
	}
	if !seenMoov && !seenMdat {
		return nil, fmt.Errorf("%w: no moov box", errNotMP4)
	}
	return info, nil
}

// boxHeader parses a box header from b (at least 8 bytes); left is how many
// bytes remain in the enclosing space (for size 0, "to the end").
func boxHeader(b []byte, left int64) (size int64, typ string, hlen int, ok bool) {
	size, typ, hlen = int64(binary.BigEndian.Uint32(b[:4])), string(b[4:8]), 8
	switch size {
	case 0:
		size = left
	case 1:
		if len(b) < 16 {
			return 0, "", 0, false
		}
		size, hlen = int64(binary.BigEndian.Uint64(b[8:16])), 16
	}
	if size < int64(hlen) || size > left {
		return 0, "", 0, false
	}
	return size, typ, hlen, true
}

// children calls f for each box in b (a container box's body).
func children(b []byte, f func(typ string, body []byte) error) error {
	for len(b) >= 8 {
		size, typ, hlen, ok := boxHeader(b, int64(len(b)))
		if !ok {
			return fmt.Errorf("%w: bad box in moov", errNotMP4)
		}
		if err := f(typ, b[hlen:size]); err != nil {
			return err
		}
		b = b[size:]
	}
	return nil
}

// track is what one trak box tells.
type track struct {
	handler         string
	width, height   int
	timescale       uint32
	entry           string
	samples, deltas uint64
}

func (info *VideoInfo) parseMoov(moov []byte) error {
	return children(moov, func(typ string, body []byte) error {
		switch typ {
		case "mvhd":
			ts, dur, ok := timescaleDuration(body, 8, 16)
			if !ok {
				return fmt.Errorf("%w: short mvhd", errNotMP4)
			}
			if ts > 0 {
				info.Seconds = float64(dur) / float64(ts)
			}
		case "trak":
			var t track
			if err := t.parse(body, 0); err != nil {
				return err
			}
			if t.handler == "vide" && info.Codec == "" {
				info.Codec, info.Width, info.Height = t.entry, t.width, t.height
				if t.deltas > 0 && t.timescale > 0 {
					info.FPS = float64(t.samples) * float64(t.timescale) / float64(t.deltas)
				}
			}
		}
		return nil
	})
}

// timescaleDuration reads a full box's timescale and duration: at v0off
// (version 0, 32-bit duration) or v1off (version 1, 64-bit duration) bytes
// into the body, counted after the version and flags.
func timescaleDuration(b []byte, v0off, v1off int) (uint32, uint64, bool) {
	if len(b) < 4 {
		return 0, 0, false
	}
	if b[0] == 1 {
		if len(b) < 4+v1off+12 {
			return 0, 0, false
		}
		p := b[4+v1off:]
		return binary.BigEndian.Uint32(p[:4]), binary.BigEndian.Uint64(p[4:12]), true
	}
	if len(b) < 4+v0off+8 {
		return 0, 0, false
	}
	p := b[4+v0off:]
	return binary.BigEndian.Uint32(p[:4]), uint64(binary.BigEndian.Uint32(p[4:8])), true
}

func (t *track) parse(b []byte, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: boxes nested too deep", errNotMP4)
	}
	return children(b, func(typ string, body []byte) error {
		switch typ {
		case "mdia", "minf", "stbl":
			return t.parse(body, depth+1)
		case "tkhd":
			// version 0: creation, modification, track_ID, reserved,
			// duration (5×4 bytes); version 1: 8+8+4+4+8. Then reserved (8),
			// layer, alternate_group, volume, reserved (4×2), matrix (36),
			// width and height (16.16 fixed point).
			skip := 4 + 20
			if len(body) > 0 && body[0] == 1 {
				skip = 4 + 32
			}
			skip += 8 + 8 + 36
			if len(body) >= skip+8 {
				t.width = int(binary.BigEndian.Uint32(body[skip:]) >> 16)
				t.height = int(binary.BigEndian.Uint32(body[skip+4:]) >> 16)
			}
		case "mdhd":
			ts, _, ok := timescaleDuration(body, 8, 16)
			if !ok {
				return fmt.Errorf("%w: short mdhd", errNotMP4)
			}
			t.timescale = ts
		case "hdlr":
			if len(body) >= 12 {
				t.handler = string(body[8:12])
			}
		case "stsd":
			if len(body) >= 16 {
				t.entry = string(body[12:16])
			}
		case "stts":
			if len(body) < 8 {
				return fmt.Errorf("%w: short stts", errNotMP4)
			}
			n := int(binary.BigEndian.Uint32(body[4:8]))
			e := body[8:]
			for i := 0; i < n && len(e) >= 8; i++ {
				c, d := uint64(binary.BigEndian.Uint32(e[:4])), uint64(binary.BigEndian.Uint32(e[4:8]))
				t.samples += c
				t.deltas += c * d
				e = e[8:]
			}
		}
		return nil
	})
}
