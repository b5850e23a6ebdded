package schemas

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/invopop/jsonschema"
)

// Media specifications of Threads posts
// (https://developers.facebook.com/docs/threads/overview#media-specifications,
// the same numbers on https://developers.facebook.com/docs/threads/posts).
const (
	// MaxImageBytes is the largest image file.
	MaxImageBytes = 8 << 20
	// MinImageWidth and MaxImageWidth bound an image's width, in pixels.
	MinImageWidth = 320
	MaxImageWidth = 1440
	// MaxAspectRatio is the most elongated image or video (long side over
	// short side).
	MaxAspectRatio = 10
	// MaxVideoBytes is the largest video file.
	MaxVideoBytes = 1 << 30
	// MaxVideoSeconds is the longest video.
	MaxVideoSeconds = 300
	// MinVideoFPS and MaxVideoFPS bound a video's frame rate.
	MinVideoFPS = 23
	MaxVideoFPS = 60
	// MaxVideoWidth is the widest video, in pixels.
	MaxVideoWidth = 1920
	// MaxInlineBytes is the largest decoded data input (inline base64).
	MaxInlineBytes = 8 << 20
	// MaxPathLength is the longest path input, in bytes.
	MaxPathLength = 4096
)

// MediaSources are the fields that name an image or video; a media input
// takes exactly one.
func MediaSources() []string { return []string{"url", "path", "upload_id", "data"} }

// MediaInput is where one image or video comes from: a public URL, a file
// on the server's machine, an upload made with create_media_upload, or
// inline base64 data. Exactly one is set (checkMediaSource).
type MediaInput struct {
	URL      string
	Path     string
	UploadID string
	Data     string
}

// Source returns the name of the one source field set ("" for none; the
// first when several are, which Validate refuses).
func (m MediaInput) Source() string {
	for i, v := range []string{m.URL, m.Path, m.UploadID, m.Data} {
		if v != "" {
			return MediaSources()[i]
		}
	}
	return ""
}

// Local reports whether the input must be staged before Threads can fetch
// it (anything but a URL).
func (m MediaInput) Local() bool { return m.Source() != "" && m.Source() != "url" }

// DecodeData decodes the data input (standard or URL-safe base64, padded
// or not, whitespace ignored).
func DecodeData(s string) ([]byte, error) {
	s = strings.Join(strings.Fields(s), "")
	s = strings.TrimRight(s, "=")
	if strings.ContainsAny(s, "-_") {
		return base64.RawURLEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// normalizeMedia trims the source fields; data loses its whitespace.
func normalizeMedia(url, path, upload, data *string) {
	*url = strings.TrimSpace(*url)
	*path = strings.TrimSpace(*path)
	*upload = strings.TrimSpace(*upload)
	*data = strings.Join(strings.Fields(*data), "")
	// A data: URL's header ("data:image/png;base64,") is not base64.
	if strings.HasPrefix(*data, "data:") {
		if i := strings.Index(*data, ";base64,"); i > 0 {
			*data = (*data)[i+len(";base64,"):]
		}
	}
}

// checkMediaSource checks that exactly one source of an image or video is
// given, and that it has the right shape: an https URL (checkMediaURL), a
// path, an upload id, or base64 data of at most MaxInlineBytes decoded.
// prefix starts every field name.
func checkMediaSource(errs *FieldErrors, prefix string, m MediaInput) {
	var set []string
	for i, v := range []string{m.URL, m.Path, m.UploadID, m.Data} {
		if v != "" {
			set = append(set, MediaSources()[i])
		}
	}
	switch len(set) {
	case 0:
		errs.add(newFieldError(prefix+"url", "required", "", "an image or video needs one source: url, path, upload_id or data",
			"give a public https url (e.g. https://example.com/photo.jpg), or a local file in path"))
		return
	case 1:
	default:
		errs.add(newFieldError(prefix+set[1], "exactly one source", "",
			fmt.Sprintf("%s and %s are both set; an image or video takes exactly one of url, path, upload_id and data", set[0], set[1]),
			fmt.Sprintf("keep only %s%s", prefix, set[0])))
		return
	}
	switch set[0] {
	case "url":
		errs.add(checkMediaURL(prefix+"url", m.URL))
	case "path":
		if len(m.Path) > MaxPathLength {
			errs.add(newFieldError(prefix+"path", "too long", m.Path, fmt.Sprintf("%d bytes, limit %d", len(m.Path), MaxPathLength), "give a shorter path"))
		} else if strings.ContainsRune(m.Path, 0) {
			errs.add(newFieldError(prefix+"path", "invalid character", "", "the path contains a NUL byte", "give the file's path as it is on disk"))
		}
	case "upload_id":
		if !uploadIDPattern(m.UploadID) {
			errs.add(newFieldError(prefix+"upload_id", "unknown upload", m.UploadID, "an upload_id is the id create_media_upload returned",
				"call create_media_upload, PUT the file to its upload_url, then pass its upload_id"))
		}
	case "data":
		if n := len(m.Data) / 4 * 3; n > MaxInlineBytes+3 {
			errs.add(newFieldError(prefix+"data", "too large", "", fmt.Sprintf("about %d bytes decoded, limit %d", n, MaxInlineBytes),
				"give the file in path, or upload it with create_media_upload"))
			return
		}
		b, err := DecodeData(m.Data)
		switch {
		case err != nil:
			errs.add(newFieldError(prefix+"data", "not base64", "", fmt.Sprintf("data does not decode as base64 (%v)", err),
				"give the file's bytes base64-encoded, without a data: prefix"))
		case len(b) > MaxInlineBytes:
			errs.add(newFieldError(prefix+"data", "too large", "", fmt.Sprintf("%d bytes decoded, limit %d", len(b), MaxInlineBytes),
				"give the file in path, or upload it with create_media_upload"))
		}
	}
}

// uploadIDPattern reports whether s has the shape of an id
// create_media_upload returns: "up_" and 32 lower-case hex digits.
func uploadIDPattern(s string) bool {
	if len(s) != 35 || !strings.HasPrefix(s, "up_") {
		return false
	}
	for _, r := range s[3:] {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// IsUploadID reports whether s has the shape of an upload id.
func IsUploadID(s string) bool { return uploadIDPattern(s) }

// PreflightArg is embedded in the arguments of the tools that publish
// media: preflight false skips fetching every media URL as Meta would
// before the first container is created.
type PreflightArg struct {
	Preflight *bool `json:"preflight,omitempty" jsonschema_description:"false skips the media check."`
}

// PreflightOn reports whether the media are checked before publishing
// (the default).
func (p PreflightArg) PreflightOn() bool { return p.Preflight == nil || *p.Preflight }

// ImageFacts are what a media check read from an image.
type ImageFacts struct {
	ContentType   string
	Size          int64 // bytes; -1 when unknown
	Width, Height int
}

// VideoFacts are what a media check read from a video's boxes.
type VideoFacts struct {
	ContentType   string
	Size          int64 // bytes; -1 when unknown
	MoovFirst     bool
	Seconds       float64
	Codec         string // sample entry type: avc1, hvc1, …; "" without a video track
	CodecOK       bool   // H.264 or HEVC
	Width, Height int
	FPS           float64
}

// CheckImage applies Meta's image specification to f: JPEG or PNG, at most
// MaxImageBytes, an aspect ratio of at most MaxAspectRatio:1. Widths outside
// MinImageWidth–MaxImageWidth are scaled by Threads, so they pass with a
// note. field names the item ("items[1].path"). It returns the note and the
// refusal (nil when the image passes).
func CheckImage(field string, f ImageFacts) (note string, fe *FieldError) {
	switch {
	case f.ContentType != "image/jpeg" && f.ContentType != "image/png":
		return "", newFieldError(field, "unsupported image format", "", fmt.Sprintf("the image is %s; Threads takes JPEG or PNG", orUnknown(f.ContentType)),
			"convert it to JPEG or PNG")
	case f.Size > MaxImageBytes:
		return "", newFieldError(field, "image too large", "", fmt.Sprintf("%s, limit %s", megabytes(f.Size), megabytes(MaxImageBytes)),
			"resize or recompress it (for example as JPEG at quality 85) to under 8 MB")
	case f.Width <= 0 || f.Height <= 0:
		return "", newFieldError(field, "unreadable image", "", "its width and height cannot be read", "re-export it as a standard JPEG or PNG")
	}
	if r := ratio(f.Width, f.Height); r > MaxAspectRatio {
		return "", newFieldError(field, "aspect ratio", "", fmt.Sprintf("%d×%d px is %.1f:1; Threads takes at most %d:1", f.Width, f.Height, r, MaxAspectRatio),
			"crop it to at most 10:1")
	}
	if f.Width < MinImageWidth || f.Width > MaxImageWidth {
		note = fmt.Sprintf("%s: %d px wide; Threads scales images to %d–%d px wide.", field, f.Width, MinImageWidth, MaxImageWidth)
	}
	return note, nil
}

// CheckVideo applies Meta's video specification to f: MP4 or MOV, at most
// MaxVideoBytes, moov before mdat, more than 0 and at most MaxVideoSeconds,
// H.264 or HEVC, MinVideoFPS–MaxVideoFPS frames per second, at most
// MaxVideoWidth wide, aspect ratio at most MaxAspectRatio:1. field names
// the item. It returns nil when the video passes.
func CheckVideo(field string, f VideoFacts) *FieldError {
	bad := func(rule, detail, fix string) *FieldError { return newFieldError(field, rule, "", detail, fix) }
	switch {
	case f.ContentType != "video/mp4" && f.ContentType != "video/quicktime":
		return bad("unsupported video format", fmt.Sprintf("the video is %s; Threads takes MP4 or MOV", orUnknown(f.ContentType)),
			"re-encode it: ffmpeg -i in -c:v libx264 -c:a aac -movflags +faststart out.mp4")
	case f.Size > MaxVideoBytes:
		return bad("video too large", fmt.Sprintf("%s, limit 1 GB", megabytes(f.Size)), "shorten it or lower its bitrate")
	case !f.MoovFirst:
		return bad("moov atom at the end", "the moov box comes after the media data; Threads needs it at the front",
			"re-encode with -movflags +faststart (ffmpeg -i in.mp4 -c copy -movflags +faststart out.mp4)")
	case f.Seconds <= 0:
		return bad("no duration", "the video's duration is 0", "re-encode it")
	case f.Seconds > MaxVideoSeconds:
		return bad("too long", fmt.Sprintf("%.1f s, limit %d s (5 minutes)", f.Seconds, MaxVideoSeconds), "trim it to 5 minutes or split it")
	case f.Codec == "":
		return bad("no video track", "the file has no video track", "give a video file with an H.264 or HEVC track")
	case !f.CodecOK:
		return bad("unsupported codec", fmt.Sprintf("the video track is %q; Threads takes H.264 or HEVC", f.Codec),
			"re-encode with -c:v libx264 -movflags +faststart")
	case f.FPS > 0 && (f.FPS < MinVideoFPS-0.5 || f.FPS > MaxVideoFPS+0.5):
		return bad("frame rate", fmt.Sprintf("%.2f fps; Threads takes %d–%d fps", f.FPS, MinVideoFPS, MaxVideoFPS),
			"re-encode with -r 30 -movflags +faststart")
	case f.Width > MaxVideoWidth:
		return bad("too wide", fmt.Sprintf("%d px wide, limit %d", f.Width, MaxVideoWidth),
			"scale it down: -vf scale=1920:-2 -movflags +faststart")
	case f.Width > 0 && f.Height > 0 && ratio(f.Width, f.Height) > MaxAspectRatio:
		return bad("aspect ratio", fmt.Sprintf("%d×%d px is %.1f:1; Threads takes at most %d:1", f.Width, f.Height, ratio(f.Width, f.Height), MaxAspectRatio),
			"crop it (9:16 is recommended)")
	}
	return nil
}

func ratio(w, h int) float64 {
	a, b := float64(max(w, h)), float64(min(w, h))
	return a / b
}

func orUnknown(ct string) string {
	if ct == "" {
		return "of an unknown type"
	}
	return ct
}

func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

// Upload URL lifetimes of create_media_upload, in minutes.
const (
	DefaultUploadMinutes = 15
	MaxUploadMinutes     = 60
)

// CreateMediaUploadArgs are the arguments of the create_media_upload tool.
type CreateMediaUploadArgs struct {
	Type       string `json:"type" jsonschema:"required" jsonschema_description:"image or video."`
	TTLMinutes int    `json:"ttl_minutes,omitempty" jsonschema_description:"URL lifetime; default 15."`
}

// JSONSchemaExtend adds the type enum and the lifetime bounds.
func (CreateMediaUploadArgs) JSONSchemaExtend(s *jsonschema.Schema) {
	setEnum(s, "type", MediaTypes())
	if p := property(s, "ttl_minutes"); p != nil {
		p.Minimum, p.Maximum = json.Number("1"), json.Number(strconv.Itoa(MaxUploadMinutes))
	}
}

// Normalize trims and lower-cases type.
func (a *CreateMediaUploadArgs) Normalize() { a.Type = normalizeEnum(a.Type) }

// Defaults sets the lifetime.
func (a *CreateMediaUploadArgs) Defaults() {
	if a.TTLMinutes == 0 {
		a.TTLMinutes = DefaultUploadMinutes
	}
}

// Validate checks the type and the lifetime. It returns FieldErrors, or nil.
func (a *CreateMediaUploadArgs) Validate() error {
	var errs FieldErrors
	errs.add(checkEnum("type", a.Type, MediaTypes()))
	if a.TTLMinutes < 1 || a.TTLMinutes > MaxUploadMinutes {
		errs.add(newFieldError("ttl_minutes", "out of range", strconv.Itoa(a.TTLMinutes), fmt.Sprintf("1 to %d minutes", MaxUploadMinutes), "omit it for 15 minutes"))
	}
	return errs.Err()
}

// MediaUploadResult is the result of create_media_upload.
type MediaUploadResult struct {
	ResultMeta
	UploadID     string   `json:"upload_id" jsonschema_description:"Pass as upload_id in a media field."`
	UploadURL    string   `json:"upload_url" jsonschema_description:"PUT the file's bytes here, once."`
	Method       string   `json:"method"`
	ExpiresAt    string   `json:"expires_at"`
	MaxBytes     int64    `json:"max_bytes"`
	ContentTypes []string `json:"content_types"`
	Note         string   `json:"note,omitempty"`
}
