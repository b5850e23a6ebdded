package emulator

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// The emulator's media host: files staged with PUT /_emulator/media/{id}
// are served at GET /media/{id} on the emulator's own address, so a server
// in sandbox mode can turn a local file into a URL the emulator then
// downloads like Meta's crawler, with no bucket and no account.
//
// Processing downloads (WithMediaDownload) fetch a container's image_url or
// video_url for real when it is created and fail the container the way
// Meta does: error_message FAILED_DOWNLOADING_VIDEO for an answer other
// than 200/206 or an unreachable host, UNSUPPORTED_FORMAT for a file that
// is not JPEG/PNG (image) or MP4/MOV (video), FILE_SIZE_EXCEEDED for an
// image over 8 MB or a video over 1 GB
// (https://developers.facebook.com/docs/threads/overview#media-specifications).
// Meta documents FAILED_DOWNLOADING_VIDEO only for videos; the code of an
// image it cannot download is UNCONFIRMED, so images use
// Config-independent FAILED_DOWNLOADING_IMAGE.

// Media processing error codes of downloads.
const (
	ErrCodeDownloadVideo     = "FAILED_DOWNLOADING_VIDEO"
	ErrCodeDownloadImage     = "FAILED_DOWNLOADING_IMAGE"
	ErrCodeUnsupportedFormat = "UNSUPPORTED_FORMAT"
	ErrCodeFileSizeExceeded  = "FILE_SIZE_EXCEEDED"
)

// Media host bounds: the sandbox keeps staged files in memory.
const (
	maxHostedFile  = 256 << 20
	maxHostedTotal = 512 << 20
	maxImageFile   = 8 << 20
	maxVideoFile   = 1 << 30
	downloadTime   = 30 * time.Second
	keptDownloads  = 256
)

// Download is one media download the emulator made for a container.
type Download struct {
	URL         string
	Status      int    // HTTP status, 0 when the request failed
	Bytes       int64  // bytes read
	ContentType string // as sent by the host
	Error       string // the container's error_message, "" on success
}

// mediaHost holds the staged files and the download log.
type mediaHost struct {
	mu        sync.Mutex
	files     map[string]*hostedFile
	order     []string
	total     int64
	downloads []Download
	download  MediaDownload
	client    *http.Client
}

type hostedFile struct {
	contentType string
	data        []byte
	at          time.Time
}

// MediaDownload selects which media URLs the emulator downloads.
type MediaDownload int

// Media download modes.
const (
	// DownloadNone downloads nothing: containers follow SetMediaOutcome
	// and the processing delays only.
	DownloadNone MediaDownload = iota
	// DownloadHosted downloads URLs on the emulator's own media host (the
	// sandbox: staged files are checked, made-up public URLs still work
	// offline).
	DownloadHosted
	// DownloadAll downloads every media URL.
	DownloadAll
)

// WithMediaDownload makes container creation download media URLs (mode),
// failing containers with Meta's codes; client makes the requests (nil:
// a default client).
func WithMediaDownload(mode MediaDownload, client *http.Client) Option {
	return func(cf *config) { cf.download, cf.downloadClient = mode, client }
}

// Downloads returns the downloads made so far (the last 256), oldest first.
func (e *Emulator) Downloads() []Download {
	h := &e.host
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Download(nil), h.downloads...)
}

// HostedMedia reports whether the media host holds id.
func (e *Emulator) HostedMedia(id string) bool {
	h := &e.host
	h.mu.Lock()
	defer h.mu.Unlock()
	_, ok := h.files[id]
	return ok
}

func validMediaID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// serveMediaHost serves the media host's routes; false when r is not one.
func (e *Emulator) serveMediaHost(w http.ResponseWriter, r *http.Request) bool {
	h := &e.host
	switch {
	case strings.HasPrefix(r.URL.Path, "/media/"):
		id := strings.TrimPrefix(r.URL.Path, "/media/")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "use GET", http.StatusMethodNotAllowed)
			return true
		}
		h.mu.Lock()
		f, ok := h.files[id]
		h.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return true
		}
		w.Header().Set("Content-Type", f.contentType)
		http.ServeContent(w, r, "", f.at, bytes.NewReader(f.data))
		return true
	case r.URL.Path == "/_emulator/downloads" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, map[string]any{"data": e.Downloads()})
		return true
	case strings.HasPrefix(r.URL.Path, "/_emulator/media/"):
		id := strings.TrimPrefix(r.URL.Path, "/_emulator/media/")
		if !validMediaID(id) {
			http.Error(w, "bad media id", http.StatusBadRequest)
			return true
		}
		switch r.Method {
		case http.MethodPut:
			data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxHostedFile))
			if err != nil {
				http.Error(w, "file too large for the emulator's media host", http.StatusRequestEntityTooLarge)
				return true
			}
			h.put(id, r.Header.Get("Content-Type"), data, e.now())
			w.WriteHeader(http.StatusCreated)
		case http.MethodGet:
			h.mu.Lock()
			f, ok := h.files[id]
			h.mu.Unlock()
			if !ok {
				http.NotFound(w, r)
				return true
			}
			w.Header().Set("Content-Type", f.contentType)
			http.ServeContent(w, r, "", f.at, bytes.NewReader(f.data))
		case http.MethodDelete:
			h.remove(id)
			w.WriteHeader(http.StatusNoContent)
		default:
			http.Error(w, "use PUT, GET or DELETE", http.StatusMethodNotAllowed)
		}
		return true
	}
	return false
}

func (h *mediaHost) put(id, ct string, data []byte, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.files == nil {
		h.files = map[string]*hostedFile{}
	}
	if old, ok := h.files[id]; ok {
		h.total -= int64(len(old.data))
	} else {
		h.order = append(h.order, id)
	}
	h.files[id] = &hostedFile{contentType: ct, data: data, at: now}
	h.total += int64(len(data))
	for h.total > maxHostedTotal && len(h.order) > 1 {
		oldest := h.order[0]
		h.order = h.order[1:]
		if f, ok := h.files[oldest]; ok {
			h.total -= int64(len(f.data))
			delete(h.files, oldest)
		}
	}
}

func (h *mediaHost) remove(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if f, ok := h.files[id]; ok {
		h.total -= int64(len(f.data))
		delete(h.files, id)
		for i, o := range h.order {
			if o == id {
				h.order = append(h.order[:i], h.order[i+1:]...)
				break
			}
		}
	}
}

// shouldDownload reports whether a container's media URL u, created through a
// request to host reqHost, is downloaded.
func (h *mediaHost) shouldDownload(u, reqHost string) bool {
	switch h.download {
	case DownloadAll:
		return true
	case DownloadHosted:
		return hostedURL(u, reqHost)
	}
	return false
}

// hostedURL reports whether u is on the media host of the emulator that
// answered a request to reqHost (such URLs are http on loopback, and
// accepted where Meta insists on https).
func hostedURL(u, reqHost string) bool {
	p, err := url.Parse(u)
	return err == nil && p.Scheme == "http" && p.Host == reqHost && strings.HasPrefix(p.Path, "/media/")
}

// fetch downloads u as Meta's crawler would and returns the container's
// error_message ("" when the file is acceptable).
func (h *mediaHost) fetch(u string, video bool) string {
	ctx, cancel := context.WithTimeout(context.Background(), downloadTime)
	defer cancel()
	d := Download{URL: u}
	defer func() {
		h.mu.Lock()
		h.downloads = append(h.downloads, d)
		if len(h.downloads) > keptDownloads {
			h.downloads = h.downloads[len(h.downloads)-keptDownloads:]
		}
		h.mu.Unlock()
	}()
	failed := ErrCodeDownloadImage
	limit := int64(maxImageFile)
	if video {
		failed, limit = ErrCodeDownloadVideo, maxVideoFile
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		d.Error = failed
		return d.Error
	}
	req.Header.Set("User-Agent", "facebookexternalhit/1.1")
	client := h.client
	if client == nil {
		client = &http.Client{Timeout: downloadTime}
	}
	resp, err := client.Do(req)
	if err != nil {
		d.Error = failed
		return d.Error
	}
	defer resp.Body.Close()
	d.Status, d.ContentType = resp.StatusCode, resp.Header.Get("Content-Type")
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusPartialContent {
		d.Error = failed
		return d.Error
	}
	n, head, err := readCounting(resp.Body, limit+1)
	d.Bytes = n
	switch {
	case err != nil && !errors.Is(err, io.EOF):
		d.Error = failed
	case n > limit:
		d.Error = ErrCodeFileSizeExceeded
	case !formatOK(head, resp.Header.Get("Content-Type"), video):
		d.Error = ErrCodeUnsupportedFormat
	}
	return d.Error
}

// readCounting reads up to limit bytes of r, keeping the first 16.
func readCounting(r io.Reader, limit int64) (int64, []byte, error) {
	head := make([]byte, 16)
	n, err := io.ReadFull(r, head)
	head = head[:n]
	if err != nil {
		return int64(n), head, nil
	}
	m, err := io.Copy(io.Discard, io.LimitReader(r, limit-int64(n)))
	return int64(n) + m, head, err
}

// formatOK is the emulator's own format check: JPEG or PNG magic numbers
// for images, an ISO-BMFF ftyp (or QuickTime moov) box for videos, and a
// content type of the same kind.
func formatOK(head []byte, contentType string, video bool) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	if video {
		ok := len(head) >= 8 && (string(head[4:8]) == "ftyp" || string(head[4:8]) == "moov")
		return ok && (mt == "video/mp4" || mt == "video/quicktime")
	}
	jpeg := len(head) >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF
	png := bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n"))
	return (jpeg || png) && (mt == "image/jpeg" || mt == "image/png")
}

// processDownload downloads a container's media and ends its fetching,
// failing it with the download's error_message.
func (e *Emulator) processDownload(c *container, u string, video bool) {
	msg := e.host.fetch(u, video)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.touch()
	c.fetching = false
	if msg != "" && c.errMsg == "" {
		c.errMsg = msg
	}
}
