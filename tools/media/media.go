// Package media turns the media inputs of a post into URLs Threads can
// fetch, and checks every media URL the way Meta's crawler will before any
// container is created.
//
// The Threads API only downloads media from public URLs. A media input is
// exactly one of url (public https), path (a file on the server's machine),
// upload_id (a file PUT to a one-time URL from create_media_upload) or data
// (inline base64). Anything but a URL is staged in a Store — an S3
// bucket (S3Store), the server's own HTTP listener (SelfStore) or, in
// sandbox mode, the emulator's media host (EmulatorStore) — and Threads
// gets a signed URL made right before the container is created. The staged
// object is deleted when the post is published or fails for good
// (Media.Release, called once by the publish flow), and Sweep removes
// orphans.
//
// Safety: a path is read only inside the allowed roots (the MCP roots the
// client declares plus --media-root directories; ResolvePath resolves
// symlinks and ".." before checking containment), and every file, upload
// and download is accepted by its content only (Sniff: JPEG, PNG, MP4,
// MOV), so no key file or document is ever published whatever its name.
// Sizes are checked before anything is uploaded.
//
// Pre-flight (Prober) fetches each URL with Meta's crawler User-Agent and
// Range requests, bounded in time, bytes and redirects, never to a
// non-public address (checked in the dialer after DNS resolution), and
// applies Meta's specification (schemas.CheckImage, schemas.CheckVideo;
// video boxes read by ProbeMP4). Each failure is a *schemas.FieldError
// naming the item, the rule and the fix.
package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
)

// Defaults of Options.
const (
	// DefaultURLTTL is how long a staged object's signed URL is valid:
	// enough for Meta to fetch it while the container processes (videos
	// take minutes; Meta's status page says to poll for up to 5).
	DefaultURLTTL = 2 * time.Hour
	// DefaultUploadTTL is how long an upload URL is valid.
	DefaultUploadTTL = 15 * time.Minute
	// OrphanAge is how old a staged object must be for Sweep to remove it:
	// older than any container (they expire after 24 hours).
	OrphanAge = 48 * time.Hour
)

// Scope says which media URLs are pre-flighted.
type Scope int

// Pre-flight scopes.
const (
	// PreflightAll checks every media URL, public or staged.
	PreflightAll Scope = iota
	// PreflightStaged checks staged URLs only (the sandbox, whose made-up
	// public URLs are never fetched).
	PreflightStaged
	// PreflightNone checks nothing.
	PreflightNone
)

// Options configure Media.
type Options struct {
	// Store stages local inputs; nil refuses them with StoreHint.
	Store Store
	// StoreHint says what to configure when Store is nil.
	StoreHint string
	// Roots are the --media-root directories; the client's MCP roots are
	// added per call.
	Roots []string
	// Prober pre-flights media URLs; nil makes one with no exceptions.
	Prober *Prober
	// Preflight is which URLs the Prober checks.
	Preflight Scope
	// URLTTL and UploadTTL override DefaultURLTTL and DefaultUploadTTL.
	URLTTL, UploadTTL time.Duration
	// Logger receives sweep and cleanup failures; nil discards them.
	Logger *slog.Logger
}

// Media stages and checks the media of posts.
type Media struct {
	o Options
}

// New returns a Media.
func New(o Options) *Media {
	if o.Prober == nil {
		o.Prober = NewProber(ProberOptions{})
	}
	if o.URLTTL <= 0 {
		o.URLTTL = DefaultURLTTL
	}
	if o.UploadTTL <= 0 {
		o.UploadTTL = DefaultUploadTTL
	}
	if o.StoreHint == "" {
		o.StoreHint = "start the server with --media-store s3://bucket/prefix (or self with --public-url https://…), or give a public https url"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Media{o: o}
}

// Item is one media input of a post.
type Item struct {
	// Prefix starts the item's field names ("items[1].", "parts[0].media.", "").
	Prefix string
	// Kind is KindImage or KindVideo.
	Kind string
	schemas.MediaInput
}

func (it Item) field() string { return it.Prefix + it.Source() }

// typedURLer is a Store whose signed URL can fix the Content-Type served.
type typedURLer interface {
	TypedURL(ctx context.Context, id, contentType string, ttl time.Duration) (string, error)
}

// Staged is a media input made fetchable.
type Staged struct {
	// URL is what the container gets.
	URL string
	// ID is the staged object to delete after publishing ("" for a public URL).
	ID string
}

// Stage returns the URL Threads fetches for it: a public URL as it is, a
// local input checked (roots, content, Meta's specification) and staged
// with a freshly signed URL. roots are the client's MCP roots.
func (m *Media) Stage(ctx context.Context, it Item, roots []string) (Staged, error) {
	if !it.Local() {
		return Staged{URL: it.URL}, nil
	}
	if m.o.Store == nil {
		return Staged{}, &schemas.FieldError{Field: it.field(), Rule: "no media store",
			Detail: "a " + it.Source() + " input is staged where Threads can fetch it, and this server has no media store", Fix: m.o.StoreHint}
	}
	r, obj, done, err := m.open(ctx, it, roots)
	if err != nil {
		return Staged{}, err
	}
	defer done()
	if it.UploadID == "" {
		obj.ID = newID("")
		if err := m.o.Store.Put(ctx, obj, io.NewSectionReader(r, 0, obj.Size)); err != nil {
			return Staged{}, fmt.Errorf("staging %s: %w", it.field(), err)
		}
	}
	var u string
	if ts, ok := m.o.Store.(typedURLer); ok {
		u, err = ts.TypedURL(ctx, obj.ID, obj.ContentType, m.o.URLTTL)
	} else {
		u, err = m.o.Store.URL(ctx, obj.ID, m.o.URLTTL)
	}
	if err != nil {
		m.Release(ctx, obj.ID)
		return Staged{}, fmt.Errorf("staging %s: %w", it.field(), err)
	}
	return Staged{URL: u, ID: obj.ID}, nil
}

// Check checks it without staging anything (validate_post): a local input
// is read and checked as Stage would; a URL is pre-flighted (unless the
// scope excludes it). It returns a note for an image Threads will scale.
func (m *Media) Check(ctx context.Context, it Item, roots []string) (string, error) {
	if !it.Local() {
		return m.Preflight(ctx, it.field(), it.Kind, it.URL, false)
	}
	if m.o.Store == nil {
		return "", &schemas.FieldError{Field: it.field(), Rule: "no media store",
			Detail: "a " + it.Source() + " input is staged where Threads can fetch it, and this server has no media store", Fix: m.o.StoreHint}
	}
	r, obj, done, err := m.open(ctx, it, roots)
	if err != nil {
		return "", err
	}
	defer done()
	_, note, err := inspect(it.field(), it.Kind, r, obj.Size)
	return note, err
}

// open opens a local input and checks it: inside the roots (path), its
// size, its content and Meta's specification. obj has the sniffed content
// type and size (and the id of an upload).
func (m *Media) open(ctx context.Context, it Item, roots []string) (io.ReaderAt, Object, func(), error) {
	field := it.field()
	nop := func() {}
	var (
		r    io.ReaderAt
		size int64
		obj  Object
		done = nop
	)
	switch {
	case it.Path != "":
		real, err := ResolvePath(it.Path, append(append([]string(nil), m.o.Roots...), roots...))
		if err != nil {
			var pe *pathError
			if errors.As(err, &pe) {
				return nil, obj, nop, &schemas.FieldError{Field: field, Rule: pe.rule, Detail: pe.detail, Fix: pe.fix}
			}
			return nil, obj, nop, err
		}
		f, err := os.Open(real)
		if err != nil {
			return nil, obj, nop, &schemas.FieldError{Field: field, Rule: "unreadable", Detail: fmt.Sprintf("%s cannot be opened (%v)", it.Path, errors.Unwrap(err)), Fix: "check the file's permissions"}
		}
		fi, err := f.Stat()
		if err != nil || !fi.Mode().IsRegular() {
			f.Close()
			return nil, obj, nop, &schemas.FieldError{Field: field, Rule: "not a file", Detail: it.Path + " is not a regular file", Fix: "give the path of an image or video file"}
		}
		r, size, done = f, fi.Size(), func() { f.Close() }
	case it.Data != "":
		b, err := schemas.DecodeData(it.Data)
		if err != nil {
			return nil, obj, nop, &schemas.FieldError{Field: field, Rule: "not base64", Detail: err.Error(), Fix: "give the file's bytes base64-encoded"}
		}
		r, size = bytes.NewReader(b), int64(len(b))
	case it.UploadID != "":
		if m.o.Store == nil {
			return nil, obj, nop, &schemas.FieldError{Field: field, Rule: "no media store", Detail: "this server has no media store", Fix: m.o.StoreHint}
		}
		f, o, err := m.o.Store.Open(ctx, it.UploadID)
		if errors.Is(err, ErrNotFound) {
			return nil, obj, nop, &schemas.FieldError{Field: field, Rule: "unknown upload",
				Detail: "no file was uploaded for this upload_id, or it was already published or has expired",
				Fix:    "PUT the file to the upload_url create_media_upload returned, or call it again for a new one"}
		}
		if err != nil {
			return nil, obj, nop, fmt.Errorf("%s: %w", field, err)
		}
		r, size, done, obj.ID = f, o.Size, func() { f.Close() }, it.UploadID
	default:
		return nil, obj, nop, fmt.Errorf("%s: not a local input", field)
	}
	if err := tooLarge(field, it.Kind, size); err != nil {
		done()
		return nil, obj, nop, err
	}
	ct, _, err := inspect(field, it.Kind, r, size)
	if err != nil {
		done()
		return nil, obj, nop, err
	}
	obj.ContentType, obj.Size = ct, size
	return r, obj, done, nil
}

// Preflight checks the media URL rawURL (staged: made by Stage) of the
// item named field before its container is created. It returns a note for
// an image Threads will scale.
func (m *Media) Preflight(ctx context.Context, field, kind, rawURL string, staged bool) (string, error) {
	switch {
	case m.o.Preflight == PreflightNone, m.o.Preflight == PreflightStaged && !staged:
		return "", nil
	}
	return m.o.Prober.Check(ctx, field, kind, rawURL)
}

// Release deletes staged objects (published, or failed for good). A failure
// is logged: Sweep removes what is left.
func (m *Media) Release(ctx context.Context, ids ...string) {
	if m.o.Store == nil {
		return
	}
	ctx = context.WithoutCancel(ctx)
	for _, id := range ids {
		if id == "" {
			continue
		}
		if err := m.o.Store.Delete(ctx, id); err != nil {
			m.o.Logger.Warn("media: delete staged object", "id", id, "err", err)
		}
	}
}

// Sweep removes staged objects older than OrphanAge and returns how many.
func (m *Media) Sweep(ctx context.Context) (int, error) {
	if m.o.Store == nil {
		return 0, nil
	}
	return m.o.Store.Sweep(ctx, time.Now().Add(-OrphanAge))
}

// RunSweeper sweeps now and every interval until ctx ends.
func (m *Media) RunSweeper(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := m.Sweep(ctx); err != nil {
			m.o.Logger.Warn("media: sweep", "err", err)
		} else if n > 0 {
			m.o.Logger.Info("media: swept orphaned staged objects", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Upload is a one-time upload URL.
type Upload struct {
	ID           string
	URL          string
	ExpiresAt    time.Time
	MaxBytes     int64
	ContentTypes []string
}

// NewUpload returns a one-time PUT URL for an image or video (kind) and its
// upload id, valid for ttl (zero: the default).
func (m *Media) NewUpload(ctx context.Context, kind string, ttl time.Duration) (*Upload, error) {
	up, ok := m.o.Store.(Uploader)
	if m.o.Store == nil || !ok {
		return nil, errors.New("this server has no media store that takes uploads. Fix: " + m.o.StoreHint)
	}
	if ttl <= 0 {
		ttl = m.o.UploadTTL
	}
	max := int64(schemas.MaxImageBytes)
	if kind == KindVideo {
		max = schemas.MaxVideoBytes
	}
	id := newID("up_")
	u, err := up.UploadURL(ctx, id, max, ttl)
	if err != nil {
		return nil, err
	}
	return &Upload{ID: id, URL: u, ExpiresAt: time.Now().Add(ttl), MaxBytes: max, ContentTypes: ContentTypes(kind)}, nil
}

// StoreName names the media store ("" when none).
func (m *Media) StoreName() string {
	if m.o.Store == nil {
		return ""
	}
	return m.o.Store.Name()
}
