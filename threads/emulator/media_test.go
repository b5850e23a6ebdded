package emulator

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// waitStatus polls a container until it leaves IN_PROGRESS (real time:
// downloads run beside the clock).
func waitStatus(t *testing.T, a *api, clk *ManualClock, id string) (string, string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		clk.Advance(time.Second)
		r := a.do(http.MethodGet, "/v1.0/"+id, url.Values{"fields": {"status,error_message"}})
		if st, _ := r.body["status"].(string); st != StatusInProgress {
			msg, _ := r.body["error_message"].(string)
			return st, msg
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("container still IN_PROGRESS")
	return "", ""
}

func TestMediaDownloadErrors(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 100)...)
	mp4 := append([]byte{0, 0, 0, 16}, "ftypisom\x00\x00\x02\x00"...)
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") != "facebookexternalhit/1.1" {
			http.Error(w, "crawler only", http.StatusForbidden)
			return
		}
		switch r.URL.Path {
		case "/ok.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(png)
		case "/ok.mp4":
			w.Header().Set("Content-Type", "video/mp4")
			w.Write(mp4)
		case "/forbidden.mp4", "/forbidden.png":
			http.Error(w, "no", http.StatusForbidden)
		case "/page.png":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html>not an image</html>"))
		case "/renamed.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte("plain text"))
		case "/huge.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(png)
			w.Write(make([]byte, 8<<20))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(host.Close)
	_, clk, a := newWorld(t, WithMediaDownload(DownloadAll, nil))
	tests := []struct {
		typ, path string
		status    string
		msg       string
	}{
		{"IMAGE", "/ok.png", StatusFinished, ""},
		{"VIDEO", "/ok.mp4", StatusFinished, ""},
		{"VIDEO", "/forbidden.mp4", StatusError, ErrCodeDownloadVideo},
		{"VIDEO", "/missing.mp4", StatusError, ErrCodeDownloadVideo},
		{"IMAGE", "/forbidden.png", StatusError, ErrCodeDownloadImage},
		{"IMAGE", "/page.png", StatusError, ErrCodeUnsupportedFormat},
		{"IMAGE", "/renamed.png", StatusError, ErrCodeUnsupportedFormat},
		{"VIDEO", "/ok.png", StatusError, ErrCodeUnsupportedFormat},
		{"IMAGE", "/huge.png", StatusError, ErrCodeFileSizeExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.typ+tt.path, func(t *testing.T) {
			field := map[string]string{"IMAGE": "image_url", "VIDEO": "video_url"}[tt.typ]
			r := a.do(http.MethodPost, "/v1.0/me/threads", url.Values{"media_type": {tt.typ}, field: {host.URL + tt.path}})
			if r.id() == "" {
				t.Fatalf("create: %s", r.raw)
			}
			st, msg := waitStatus(t, a, clk, r.id())
			if st != tt.status || msg != tt.msg {
				t.Errorf("status %s %q, want %s %q", st, msg, tt.status, tt.msg)
			}
		})
	}
	var last Download
	for _, d := range a.s.Downloads() {
		if strings.HasSuffix(d.URL, "/huge.png") {
			last = d
		}
	}
	if last.Bytes <= 8<<20 || last.Error != ErrCodeFileSizeExceeded {
		t.Errorf("huge download recorded as %+v", last)
	}
}

func TestMediaHost(t *testing.T) {
	s, clk, a := newWorld(t, WithMediaDownload(DownloadHosted, nil))
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 50)...)
	req, _ := http.NewRequest(http.MethodPut, s.URL+"/_emulator/media/abc123", bytes.NewReader(png))
	req.Header.Set("Content-Type", "image/png")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT: %v %v", resp, err)
	}
	resp.Body.Close()
	if !s.HostedMedia("abc123") {
		t.Fatal("not hosted")
	}
	// A carousel item on the emulator's own host is accepted over http.
	r := a.do(http.MethodPost, "/v1.0/me/threads", url.Values{"media_type": {"IMAGE"}, "is_carousel_item": {"true"}, "image_url": {s.URL + "/media/abc123"}})
	if r.id() == "" {
		t.Fatalf("create: %s", r.raw)
	}
	if st, msg := waitStatus(t, a, clk, r.id()); st != StatusFinished {
		t.Errorf("hosted media: %s %s", st, msg)
	}
	// A made-up public URL is not fetched in this mode.
	n := len(s.Downloads())
	r = a.do(http.MethodPost, "/v1.0/me/threads", url.Values{"media_type": {"IMAGE"}, "image_url": {"https://example.invalid/a.png"}})
	if st, _ := waitStatus(t, a, clk, r.id()); st != StatusFinished || len(s.Downloads()) != n {
		t.Errorf("public URL: status %s, %d downloads", st, len(s.Downloads())-n)
	}
	// A missing hosted file fails the container like Meta.
	r = a.do(http.MethodPost, "/v1.0/me/threads", url.Values{"media_type": {"VIDEO"}, "video_url": {s.URL + "/media/gone"}})
	if st, msg := waitStatus(t, a, clk, r.id()); st != StatusError || msg != ErrCodeDownloadVideo {
		t.Errorf("missing hosted video: %s %s", st, msg)
	}
	req, _ = http.NewRequest(http.MethodDelete, s.URL+"/_emulator/media/abc123", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
	if s.HostedMedia("abc123") {
		t.Error("still hosted after DELETE")
	}
}
