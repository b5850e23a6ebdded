package emulator

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// stateWorld opens a server on a state file.
func stateWorld(t *testing.T, path string, opts ...Option) *api {
	t.Helper()
	s := NewServer(append([]Option{WithDemoWorld(), WithStateFile(path)}, opts...)...)
	t.Cleanup(s.Close)
	return &api{t: t, s: s, tok: s.DemoToken()}
}

func postTexts(a *api) map[string]string {
	out := map[string]string{}
	for _, p := range a.s.Posts(a.s.DemoUserID()) {
		out[p.ID] = p.Text
	}
	return out
}

// The world survives the process: a post made by one emulator exists in the
// next one on the same file, and the next one hands out new ids.
func TestStatePersistsAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sandbox", "world.json")
	first := stateWorld(t, path)
	id1 := first.publishText("made by the first process")
	tok := first.tok
	first.s.Close()

	second := stateWorld(t, path)
	if second.tok != tok {
		t.Errorf("demo token changed across processes")
	}
	if got := postTexts(second)[id1]; got != "made by the first process" {
		t.Fatalf("post %s not found in the second process (got %q)", id1, got)
	}
	id2 := second.publishText("made by the second process")
	if id2 == id1 || compareIDs(id2, id1) <= 0 {
		t.Errorf("second process handed out id %s after %s", id2, id1)
	}
	r := mustOK(t, second.get("/v1.0/"+id1, "fields", "id,text"))
	if r.body["text"] != "made by the first process" {
		t.Errorf("GET %s: %s", id1, r.raw)
	}
	// Quotas persist too: two posts were published today plus the seeded ones.
	lim := mustOK(t, second.get("/v1.0/me/threads_publishing_limit", "fields", "quota_usage")).data()
	if len(lim) != 1 || num(lim[0]["quota_usage"]) < 2 {
		t.Errorf("quota usage not persisted: %v", lim)
	}
}

// Two processes on one state file take turns: each sees the other's posts,
// no id is handed out twice, and the file stays readable.
func TestStateTwoProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "world.json")
	a := stateWorld(t, path)
	b := stateWorld(t, path)
	var mu sync.Mutex
	ids := map[string]bool{}
	var wg sync.WaitGroup
	for _, c := range []*api{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				id := c.publishText("concurrent " + c.s.URL)
				mu.Lock()
				if ids[id] {
					t.Errorf("id %s handed out twice", id)
				}
				ids[id] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, c := range []*api{a, b} {
		r := mustOK(t, c.get("/v1.0/me/threads", "fields", "id", "limit", "100"))
		seen := map[string]bool{}
		for _, d := range r.data() {
			seen[d["id"].(string)] = true
		}
		for id := range ids {
			if !seen[id] {
				t.Errorf("%s does not list post %s", c.s.URL, id)
			}
		}
	}
	var w worldState
	b2, _ := os.ReadFile(path)
	if err := json.Unmarshal(b2, &w); err != nil {
		t.Fatalf("state file unreadable after concurrent use: %v", err)
	}
}

// ResetState starts the world over; an unreadable file is an error that says
// how to recover.
func TestStateResetAndCorruption(t *testing.T) {
	path := filepath.Join(t.TempDir(), "world.json")
	a := stateWorld(t, path)
	id := a.publishText("to be forgotten")
	a.s.Close()
	if err := ResetState(path); err != nil {
		t.Fatal(err)
	}
	if err := ResetState(path); err != nil {
		t.Fatalf("second reset: %v", err)
	}
	b := stateWorld(t, path)
	if _, ok := postTexts(b)[id]; ok {
		t.Errorf("post %s survived the reset", id)
	}
	b.s.Close()

	if err := os.WriteFile(path, []byte(`{"version":1,"users":[`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(WithDemoWorld(), WithStateFile(path))
	if err == nil || !strings.Contains(err.Error(), "reset") {
		t.Fatalf("Open on a corrupt file: %v, want an error that says to reset", err)
	}
}

// Every field of every record survives a save and a load.
func TestStateRoundTrip(t *testing.T) {
	_, _, a := newWorld(t)
	a.publishText("round trip #golang https://example.com", "reply_control", "mentioned_only",
		"text_entities", `[{"entity_type":"SPOILER","offset":0,"length":5}]`)
	a.s.AddUser(UserSpec{Username: "gated", Followers: 2000, GeoGatingIneligible: true})
	e := a.s.Emulator
	e.mu.Lock()
	w1 := e.snapshot()
	b1, _ := json.Marshal(w1)
	e.mu.Unlock()

	f := NewEmulator()
	var w worldState
	if err := json.Unmarshal(b1, &w); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	if err := f.restore(&w); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(f.snapshot())
	f.mu.Unlock()
	if string(b1) != string(b2) {
		t.Errorf("snapshot changed across a save and a load")
	}
	// The records themselves, unexported fields included: a field added to a
	// record but not to its persisted form fails here.
	for _, c := range []struct {
		name     string
		from, to any
	}{{"media", e.media, f.media}, {"containers", e.containers, f.containers}, {"users", e.users, f.users},
		{"tokens", e.tokens, f.tokens}, {"apps", e.apps, f.apps}, {"codes", e.codes, f.codes}} {
		if !reflect.DeepEqual(c.from, c.to) {
			t.Errorf("%s differ after a save and a load", c.name)
		}
	}
}
