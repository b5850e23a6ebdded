package media

import (
	"fmt"
	"image"
	_ "image/jpeg" // DecodeConfig of JPEG images
	_ "image/png"  // DecodeConfig of PNG images
	"io"

	"github.com/threads-mcp/threads-mcp/schemas"
)

// inspect reads the image or video in r (size bytes; -1 when unknown) and
// applies Meta's specification for kind (schemas.CheckImage, CheckVideo).
// The content decides the format, never a name or a declared type. field
// names the item in errors. It returns the sniffed content type and a note
// (an image Threads will scale).
func inspect(field, kind string, r io.ReaderAt, size int64) (contentType, note string, err error) {
	head := make([]byte, SniffLen)
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	ct, got, ok := Sniff(head)
	if !ok {
		return "", "", &schemas.FieldError{Field: field, Rule: "not an image or video",
			Detail: fmt.Sprintf("the content is %s, not a JPEG, PNG, MP4 or MOV file (the format is read from the bytes, not the name)", Describe(head)),
			Fix:    "give a JPEG or PNG image, or an MP4 or MOV video"}
	}
	if got != kind {
		return "", "", &schemas.FieldError{Field: field, Rule: "type mismatch",
			Detail: fmt.Sprintf("type is %s but the file is a %s (%s)", kind, got, ct),
			Fix:    fmt.Sprintf("set type to %s, or give a %s file", got, kind)}
	}
	limit := int64(schemas.MaxImageBytes)
	if kind == KindVideo {
		limit = schemas.MaxVideoBytes
	}
	if size < 0 {
		size = limit + 1 // read no further than the limit
	}
	if kind == KindImage {
		cfg, _, err := image.DecodeConfig(io.NewSectionReader(r, 0, size))
		if err != nil {
			return "", "", &schemas.FieldError{Field: field, Rule: "unreadable image",
				Detail: fmt.Sprintf("the %s header does not decode (%v)", ct, err), Fix: "re-export it as a standard JPEG or PNG"}
		}
		note, fe := schemas.CheckImage(field, schemas.ImageFacts{ContentType: ct, Size: sizeOrUnknown(size, limit), Width: cfg.Width, Height: cfg.Height})
		if fe != nil {
			return "", "", fe
		}
		return ct, note, nil
	}
	info, err := ProbeMP4(r, size)
	if err != nil {
		return "", "", &schemas.FieldError{Field: field, Rule: "unreadable video",
			Detail: fmt.Sprintf("its boxes do not parse (%v)", err), Fix: "re-encode it: ffmpeg -i in -c:v libx264 -c:a aac -movflags +faststart out.mp4"}
	}
	fe := schemas.CheckVideo(field, schemas.VideoFacts{ContentType: ct, Size: sizeOrUnknown(size, limit), MoovFirst: info.MoovFirst,
		Seconds: info.Seconds, Codec: info.Codec, CodecOK: CodecName(info.Codec) != "", Width: info.Width, Height: info.Height, FPS: info.FPS})
	if fe != nil {
		return "", "", fe
	}
	return ct, "", nil
}

// sizeOrUnknown is size, or -1 when it stands for "unknown" (limit+1).
func sizeOrUnknown(size, limit int64) int64 {
	if size == limit+1 {
		return -1
	}
	return size
}

// tooLarge is the refusal of a file over its kind's limit, known before it
// is read.
func tooLarge(field, kind string, size int64) error {
	if kind == KindVideo {
		if size > schemas.MaxVideoBytes {
			return schemas.CheckVideo(field, schemas.VideoFacts{ContentType: TypeMP4, Size: size})
		}
		return nil
	}
	if size > schemas.MaxImageBytes {
		_, fe := schemas.CheckImage(field, schemas.ImageFacts{ContentType: TypeJPEG, Size: size})
		return fe
	}
	return nil
}
