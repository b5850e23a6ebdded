package tools_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
)

// TestVideoReplyReadBack: a video reply is read back after publishing to
// confirm Threads linked it (quick video replies have been reported to
// come out as standalone posts). Through the real client and the emulator,
// behind a proxy that can make Threads answer the read back as for a
// standalone post: then reply says so (reply_not_linked and the note), and
// so does publish_thread for a video part.
func TestVideoReplyReadBack(t *testing.T) {
	emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel),
		emulator.WithProcessingDelay(0, 50*time.Millisecond))
	t.Cleanup(emu.Close)
	base, err := url.Parse(emu.BaseURL())
	if err != nil {
		t.Fatal(err)
	}
	var standalone atomic.Bool
	var readBacks atomic.Int32
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: base.Scheme, Host: base.Host})
	rp.ModifyResponse = func(r *http.Response) error {
		fields := r.Request.URL.Query().Get("fields")
		if r.Request.Method != http.MethodGet || !strings.Contains(fields, "replied_to") || !strings.Contains(fields, "permalink") {
			return nil
		}
		readBacks.Add(1)
		if !standalone.Load() {
			return nil
		}
		var m map[string]any
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		delete(m, "replied_to")
		m["is_reply"] = false
		b, _ = json.Marshal(m)
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.ContentLength = int64(len(b))
		r.Header.Set("Content-Length", strconv.Itoa(len(b)))
		return nil
	}
	proxy := httptest.NewServer(rp)
	t.Cleanup(proxy.Close)
	e := newEnvWith(t, emu, emu.DemoToken(), envConfig{wrap: func(tools.API) tools.API {
		return threads.NewClient(threads.WithBaseURL(proxy.URL+base.Path), threads.WithToken(emu.DemoToken()),
			threads.WithPollPolicy(threads.PollPolicy{Initial: 20 * time.Millisecond, Max: 100 * time.Millisecond, Multiplier: 1.5,
				Deadline: 20 * time.Second, VideoDeadline: 20 * time.Second}))
	}})
	post := e.demoPost(t)

	for _, tc := range []struct {
		name       string
		standalone bool
	}{{"linked", false}, {"published standalone", true}} {
		t.Run(tc.name, func(t *testing.T) {
			standalone.Store(tc.standalone)
			before := readBacks.Load()
			res, sc := e.call(t, "reply", map[string]any{"reply_to_id": post, "text": "clip " + tc.name,
				"video_url": "https://cdn.example.com/reply-" + strings.ReplaceAll(tc.name, " ", "-") + ".mp4"}, false)
			if res.IsError {
				t.Fatalf("reply: %s", text(res))
			}
			if readBacks.Load() == before {
				t.Fatal("the video reply was not read back with replied_to")
			}
			note, _ := sc["note"].(string)
			if got := sc["reply_not_linked"] == true; got != tc.standalone {
				t.Errorf("reply_not_linked = %v, want %v: %v", sc["reply_not_linked"], tc.standalone, sc)
			}
			if want := "standalone post, not as a reply to " + post; tc.standalone != strings.Contains(note, want) {
				t.Errorf("note %q (want %q: %v)", note, want, tc.standalone)
			}
		})
	}

	standalone.Store(true)
	res, sc := e.call(t, "publish_thread", map[string]any{"parts": []any{
		map[string]any{"text": "read back 1"},
		map[string]any{"text": "read back 2", "media": map[string]any{"type": "video", "url": "https://cdn.example.com/part.mp4"}},
	}}, false)
	parts, _ := sc["parts"].([]any)
	if res.IsError || len(parts) != 2 || parts[1].(map[string]any)["reply_not_linked"] != true ||
		!strings.Contains(sc["note"].(string), "Threads shows parts[1]") {
		t.Errorf("thread: %s", text(res))
	}
}
