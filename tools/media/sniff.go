package media

import (
	"bytes"
	"encoding/binary"
)

// Kinds of media.
const (
	KindImage = "image"
	KindVideo = "video"
)

// Content types the server stages and accepts.
const (
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeMP4  = "video/mp4"
	TypeMOV  = "video/quicktime"
)

// ContentTypes returns the content types accepted for a kind ("" for both).
func ContentTypes(kind string) []string {
	switch kind {
	case KindImage:
		return []string{TypeJPEG, TypePNG}
	case KindVideo:
		return []string{TypeMP4, TypeMOV}
	}
	return []string{TypeJPEG, TypePNG, TypeMP4, TypeMOV}
}

// SniffLen is how many leading bytes Sniff needs.
const SniffLen = 16

// Sniff returns the content type and kind of a file from its first bytes
// (by content, never by name): JPEG and PNG images, MP4 and QuickTime
// (MOV) videos. Anything else is ok false: a key file or a document renamed
// photo.jpg is not an image.
func Sniff(head []byte) (contentType, kind string, ok bool) {
	switch {
	case len(head) >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF:
		return TypeJPEG, KindImage, true
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG, KindImage, true
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		// ISO/IEC 14496-12 §4.3: the file type box comes first; QuickTime
		// files name the brand "qt  ".
		if n := binary.BigEndian.Uint32(head[:4]); n < 8 {
			return "", "", false
		}
		if string(head[8:12]) == "qt  " {
			return TypeMOV, KindVideo, true
		}
		return TypeMP4, KindVideo, true
	case len(head) >= 8 && (string(head[4:8]) == "moov" || string(head[4:8]) == "wide"):
		// Older QuickTime movies start with moov (or a wide atom) and no ftyp.
		return TypeMOV, KindVideo, true
	}
	return "", "", false
}

// Describe names what the first bytes look like, for an error message.
func Describe(head []byte) string {
	switch {
	case len(head) == 0:
		return "an empty file"
	case bytes.HasPrefix(head, []byte("GIF8")):
		return "a GIF image"
	case bytes.HasPrefix(head, []byte("RIFF")) && len(head) >= 12 && string(head[8:12]) == "WEBP":
		return "a WebP image"
	case bytes.HasPrefix(head, []byte("%PDF")):
		return "a PDF document"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "a ZIP archive or office document"
	case bytes.HasPrefix(head, []byte("-----BEGIN")), bytes.HasPrefix(head, []byte("ssh-")):
		return "a key or certificate"
	case bytes.HasPrefix(head, []byte("<")):
		return "an HTML or XML page"
	}
	for _, b := range head {
		if b < 0x09 || (b > 0x0d && b < 0x20) {
			return "binary data of an unsupported format"
		}
	}
	return "text"
}
