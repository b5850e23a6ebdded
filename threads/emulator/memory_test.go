package emulator_test

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/threads-mcp/threads-mcp/threads/emulator"
)

// heapAfterGC returns the live heap after a full collection.
func heapAfterGC() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestSandboxMemoryFlat drives 10,000 sandbox-like calls (profile, post
// list, publishing limit, status of an unknown object) through the sandbox
// configuration and asserts the live heap does not grow with the number of
// calls: the request log must not keep them.
func TestSandboxMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("memory test")
	}
	e := emulator.NewEmulator(append(emulator.SandboxDefaults(), emulator.WithLatency(0))...)
	h := e.Handler()
	paths := []string{
		"/v1.0/me?fields=id,username,name",
		"/v1.0/me/threads?fields=id,text,timestamp,permalink&limit=25",
		"/v1.0/me/threads_publishing_limit?fields=quota_usage,config",
		"/v1.0/17999999999999999?fields=id,status",
	}
	call := func(i int) {
		req := httptest.NewRequest(http.MethodGet, paths[i%len(paths)], nil)
		req.Header.Set("Authorization", "Bearer "+e.DemoToken())
		req.Header.Set("User-Agent", "threads-mcp/test")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if i < len(paths) && w.Code >= 500 {
			t.Fatalf("%s: HTTP %d %s", paths[i%len(paths)], w.Code, w.Body)
		}
	}
	for i := 0; i < 500; i++ { // warm up caches and pools
		call(i)
	}
	before := heapAfterGC()
	for i := 0; i < 10000; i++ {
		call(i)
	}
	after := heapAfterGC()
	runtime.KeepAlive(e) // the emulator must be live when the heap is measured
	const bound = 1 << 20
	if after > before && after-before > bound {
		t.Errorf("live heap grew by %d KB over 10,000 calls (from %d KB to %d KB); want at most %d KB",
			(after-before)>>10, before>>10, after>>10, bound>>10)
	}
}

// TestRequestLogRing checks that the request log keeps only the last n
// requests, oldest first, and that n = 0 records nothing.
func TestRequestLogRing(t *testing.T) {
	for _, n := range []int{0, 3} {
		e := emulator.NewEmulator(emulator.WithDemoWorld(), emulator.WithRequestLog(n))
		for i := 0; i < 5; i++ {
			req := httptest.NewRequest(http.MethodGet, "/v1.0/me?fields=id&i="+string(rune('0'+i)), nil)
			req.Header.Set("Authorization", "Bearer "+e.DemoToken())
			e.Handler().ServeHTTP(httptest.NewRecorder(), req)
		}
		got := e.Requests()
		if len(got) != n {
			t.Fatalf("WithRequestLog(%d): %d requests recorded", n, len(got))
		}
		for i, r := range got {
			if want := string(rune('0' + 5 - n + i)); r.Query.Get("i") != want {
				t.Errorf("WithRequestLog(%d): entry %d is request i=%s, want i=%s", n, i, r.Query.Get("i"), want)
			}
		}
	}
}
