package schedule

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// fakeFirer records fires and answers with err (nil publishes).
type fakeFirer struct {
	mu     sync.Mutex
	fires  map[string]int
	at     map[string]time.Time
	err    func(j *Job) error
	events []Outcome
	now    func() time.Time
}

func newFakeFirer() *fakeFirer {
	return &fakeFirer{fires: map[string]int{}, at: map[string]time.Time{}, now: time.Now}
}

func (f *fakeFirer) Fire(_ context.Context, r FireRequest) (FireResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		if err := f.err(r.Job); err != nil {
			return FireResult{}, err
		}
	}
	f.fires[r.Job.ID]++
	f.at[r.Job.ID] = f.now()
	return FireResult{Result: json.RawMessage(`{"id":"p1"}`), PostID: "p-" + r.Job.ID}, nil
}

func (f *fakeFirer) Notify(_ context.Context, o Outcome) {
	f.mu.Lock()
	f.events = append(f.events, o)
	f.mu.Unlock()
}

func (f *fakeFirer) count(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fires[id]
}

// template is a state directory migrated once (River's migrations are
// many, and slow under -race); each test starts from a copy.
var template struct {
	once sync.Once
	dir  string
	err  error
}

// migratedDir returns a fresh state directory with every table migrated.
func migratedDir(t *testing.T) string {
	t.Helper()
	template.once.Do(func() {
		dir, err := os.MkdirTemp("", "schedule-template")
		if err != nil {
			template.err = err
			return
		}
		template.dir = dir
		st, err := state.Open(context.Background(), dir)
		if err != nil {
			template.err = err
			return
		}
		e, err := Open(context.Background(), st)
		if err == nil {
			err = e.Close()
		}
		if cerr := st.Close(); err == nil {
			err = cerr
		}
		template.err = err
	})
	if template.err != nil {
		t.Fatal(template.err)
	}
	dir := t.TempDir()
	for _, f := range []string{state.FileName, state.FileName + state.MarkerSuffix} {
		b, err := os.ReadFile(filepath.Join(template.dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if template.dir != "" {
		_ = os.RemoveAll(template.dir)
	}
	os.Exit(code)
}

func openEngine(t *testing.T, opts ...Option) (*Engine, *state.Store) {
	t.Helper()
	st, err := state.Open(t.Context(), migratedDir(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	e, err := Open(t.Context(), st, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e, st
}

// waitStatus polls until job id has status want (River completes jobs
// asynchronously).
func waitStatus(t *testing.T, e *Engine, id, want string) *Job {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		j, err := e.Get(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		if j.Status == want {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s: status %s, want %s (note %q, error %q)", id, j.Status, want, j.Note, j.Error)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestEngineFiresAtItsInstant(t *testing.T) {
	e, _ := openEngine(t)
	f := newFakeFirer()
	if err := e.Start(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	at := time.Now().Add(3 * time.Second)
	j, err := e.Create(t.Context(), NewJob{Scope: Scope{Account: "a"}, Tool: "publish_text", Args: json.RawMessage(`{"text":"hi"}`), FireAt: at})
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != schemas.ScheduleScheduled {
		t.Fatalf("status %s", j.Status)
	}
	got := waitStatus(t, e, j.ID, schemas.SchedulePublished)
	if got.PostID != "p-"+j.ID || f.count(j.ID) != 1 {
		t.Fatalf("post %q fires %d", got.PostID, f.count(j.ID))
	}
	f.mu.Lock()
	fired := f.at[j.ID]
	f.mu.Unlock()
	if fired.Before(at) {
		t.Fatalf("fired %s early", at.Sub(fired))
	}
	// How late is BenchmarkSchedulerFire's to measure; never early is a rule.
	t.Logf("lateness %s", fired.Sub(at))
	running, note := e.WorkerRunning(t.Context())
	if !running || note == "" {
		t.Fatalf("worker running %v %q", running, note)
	}
}
