package media

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SelfStore keeps staged media in the state directory and serves them from
// the server's own HTTP listener at PublicURL/media/{id}?exp=…&sig=…, and
// takes uploads at PublicURL/media/upload/{id}?exp=…&max=…&sig=…. Both
// routes sit outside the MCP bearer (Meta's crawler cannot send one); the
// signature, checked in constant time, and the expiry are the access
// control. There is no listing.
type SelfStore struct {
	dir    string
	public string // https://host[:port][/base], no trailing slash
	sign   *Signer
	now    func() time.Time
}

// NewSelfStore returns the self store keeping files in dir/media, signing
// with the key in dir, serving at publicURL (an https URL).
func NewSelfStore(dir, publicURL string) (*SelfStore, error) {
	u, err := url.Parse(publicURL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" {
		return nil, fmt.Errorf("--media-store self needs --public-url https://host (where Meta's crawler reaches this server), not %q", publicURL)
	}
	s, err := LoadSigner(dir)
	if err != nil {
		return nil, err
	}
	return newSelfStore(dir, publicURL, s)
}

func newSelfStore(dir, publicURL string, s *Signer) (*SelfStore, error) {
	md := filepath.Join(dir, "media")
	if err := os.MkdirAll(md, 0o700); err != nil {
		return nil, fmt.Errorf("media store: %w", err)
	}
	return &SelfStore{dir: md, public: strings.TrimRight(publicURL, "/"), sign: s, now: s.now}, nil
}

// Name is "self".
func (s *SelfStore) Name() string { return "self" }

type selfMeta struct {
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Created     int64  `json:"created_ms"`
}

func (s *SelfStore) path(id, ext string) string { return filepath.Join(s.dir, id+ext) }

// Put writes the object and its metadata.
func (s *SelfStore) Put(_ context.Context, obj Object, r io.Reader) error {
	if !validID(obj.ID) {
		return fmt.Errorf("media store: bad id %q", obj.ID)
	}
	tmp, err := os.CreateTemp(s.dir, obj.ID+".*.part")
	if err != nil {
		return fmt.Errorf("media store: %w", err)
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("media store: write: %w", err)
	}
	m, _ := json.Marshal(selfMeta{ContentType: obj.ContentType, Size: n, Created: s.now().UnixMilli()})
	if err := os.WriteFile(s.path(obj.ID, ".json"), m, 0o600); err != nil {
		return fmt.Errorf("media store: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path(obj.ID, ".bin")); err != nil {
		return fmt.Errorf("media store: %w", err)
	}
	return nil
}

// URL returns the signed GET URL.
func (s *SelfStore) URL(_ context.Context, id string, ttl time.Duration) (string, error) {
	return s.public + "/media/" + id + "?" + s.sign.Sign(http.MethodGet, id, 0, ttl), nil
}

// UploadURL returns the signed one-time PUT URL.
func (s *SelfStore) UploadURL(_ context.Context, id string, max int64, ttl time.Duration) (string, error) {
	return s.public + "/media/upload/" + id + "?" + s.sign.Sign(http.MethodPut, id, max, ttl), nil
}

func (s *SelfStore) meta(id string) (Object, error) {
	b, err := os.ReadFile(s.path(id, ".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return Object{}, ErrNotFound
	}
	if err != nil {
		return Object{}, err
	}
	var m selfMeta
	if err := json.Unmarshal(b, &m); err != nil {
		return Object{}, fmt.Errorf("media store: %s: %w", id, err)
	}
	return Object{ID: id, ContentType: m.ContentType, Size: m.Size, Created: time.UnixMilli(m.Created)}, nil
}

// Open opens the object.
func (s *SelfStore) Open(_ context.Context, id string) (ReadAtCloser, Object, error) {
	if !validID(id) {
		return nil, Object{}, ErrNotFound
	}
	obj, err := s.meta(id)
	if err != nil {
		return nil, Object{}, err
	}
	f, err := os.Open(s.path(id, ".bin"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Object{}, ErrNotFound
	}
	if err != nil {
		return nil, Object{}, err
	}
	return f, obj, nil
}

// Delete removes the object (the upload's used marker stays until Sweep).
func (s *SelfStore) Delete(_ context.Context, id string) error {
	if !validID(id) {
		return nil
	}
	for _, ext := range []string{".bin", ".json"} {
		if err := os.Remove(s.path(id, ext)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("media store: %w", err)
		}
	}
	return nil
}

// Sweep removes objects, stale partial files and used-upload markers made
// before t.
func (s *SelfStore) Sweep(_ context.Context, before time.Time) (int, error) {
	ents, err := os.ReadDir(s.dir)
	if err != nil {
		return 0, fmt.Errorf("media store: %w", err)
	}
	n := 0
	for _, e := range ents {
		fi, err := e.Info()
		if err != nil || !fi.ModTime().Before(before) {
			continue
		}
		name := e.Name()
		if os.Remove(filepath.Join(s.dir, name)) == nil && strings.HasSuffix(name, ".bin") {
			n++
		}
	}
	return n, nil
}

// Handler serves GET /media/{id} (signed, expiring; Range and HEAD through
// http.ServeContent) and PUT /media/upload/{id} (signed, one-time, at most
// the signed size, sniffed before it is kept). Mount it at "/media/".
func (s *SelfStore) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /media/{id}", s.serveGet)
	mux.HandleFunc("PUT /media/upload/{id}", s.servePut)
	return mux
}

func (s *SelfStore) serveGet(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	q := r.URL.Query()
	if !validID(id) {
		http.NotFound(w, r)
		return
	}
	if _, err := s.sign.Verify(http.MethodGet, id, q.Get("exp"), "", q.Get("sig")); err != nil {
		http.Error(w, "forbidden: "+err.Error(), http.StatusForbidden)
		return
	}
	f, obj, err := s.Open(r.Context(), id)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", obj.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	http.ServeContent(w, r, "", obj.Created, f.(*os.File))
}

func (s *SelfStore) servePut(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	q := r.URL.Query()
	if !validID(id) || !strings.HasPrefix(id, "up_") {
		http.NotFound(w, r)
		return
	}
	max, err := s.sign.Verify(http.MethodPut, id, q.Get("exp"), q.Get("max"), q.Get("sig"))
	if err != nil {
		http.Error(w, "forbidden: "+err.Error(), http.StatusForbidden)
		return
	}
	// One time: the marker is made atomically; a second PUT with the same
	// URL finds it, even after the object was published and deleted.
	mark, err := os.OpenFile(s.path(id, ".used"), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		http.Error(w, "this upload URL was already used: call create_media_upload for a new one", http.StatusConflict)
		return
	}
	_ = mark.Close()
	body := http.MaxBytesReader(w, r.Body, max)
	head := make([]byte, SniffLen)
	n, _ := io.ReadFull(body, head)
	head = head[:n]
	ct, kind, ok := Sniff(head)
	if !ok {
		http.Error(w, "not a JPEG, PNG, MP4 or MOV file: the content is "+Describe(head), http.StatusUnsupportedMediaType)
		return
	}
	if err := s.Put(r.Context(), Object{ID: id, ContentType: ct}, io.MultiReader(bytes.NewReader(head), body)); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, fmt.Sprintf("the upload is larger than its limit of %d bytes", max), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "could not store the upload", http.StatusInternalServerError)
		return
	}
	if obj, err := s.meta(id); err == nil {
		if err := tooLarge("upload", kind, obj.Size); err != nil {
			_ = s.Delete(r.Context(), id)
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
	}
	w.WriteHeader(http.StatusCreated)
}
