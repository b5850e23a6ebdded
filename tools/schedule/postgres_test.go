package schedule

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/tools/state"
	"github.com/threads-mcp/threads-mcp/tools/state/statetest"
)

// TestPostgresReplicasFireOnce: two engines (two replicas) on one
// PostgreSQL database, River on its pgx driver, each with its own worker:
// every job fires once, at or after its instant, whichever replica takes
// it.
func TestPostgresReplicasFireOnce(t *testing.T) {
	db := statetest.PostgresURL(t)
	var engines []*Engine
	var firers []*fakeFirer
	for range 2 {
		st, err := state.Open(t.Context(), t.TempDir(), state.WithDatabase(db))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		e, err := Open(t.Context(), st)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = e.Close() })
		f := newFakeFirer()
		if err := e.Start(t.Context(), f); err != nil {
			t.Fatal(err)
		}
		engines, firers = append(engines, e), append(firers, f)
	}
	const jobs = 20
	at := time.Now().Add(2 * time.Second)
	ids := make([]string, jobs)
	for i := range ids {
		j, err := engines[i%2].Create(t.Context(), NewJob{Scope: Scope{Account: "a"}, Tool: "publish_text",
			Args: json.RawMessage(fmt.Sprintf(`{"text":"post %d"}`, i)), FireAt: at})
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = j.ID
	}
	for _, id := range ids {
		waitStatus(t, engines[0], id, schemas.SchedulePublished)
	}
	time.Sleep(time.Second) // a second fire, were there one, would land now
	for _, id := range ids {
		n := firers[0].count(id) + firers[1].count(id)
		if n != 1 {
			t.Errorf("job %s fired %d times over two replicas, want once", id, n)
		}
		for _, f := range firers {
			f.mu.Lock()
			fired, ok := f.at[id]
			f.mu.Unlock()
			if ok && fired.Before(at) {
				t.Errorf("job %s fired %s early", id, at.Sub(fired))
			}
		}
	}
}

// TestPostgresConcurrentOpen: replicas starting together on an empty
// PostgreSQL database migrate River's tables once, and every one opens.
func TestPostgresConcurrentOpen(t *testing.T) {
	db := statetest.PostgresURL(t)
	const replicas = 4
	errs := make(chan error, replicas)
	for range replicas {
		go func() {
			st, err := state.Open(t.Context(), t.TempDir(), state.WithDatabase(db))
			if err != nil {
				errs <- err
				return
			}
			defer st.Close()
			e, err := Open(t.Context(), st)
			if err == nil {
				err = e.Close()
			}
			errs <- err
		}()
	}
	for range replicas {
		if err := <-errs; err != nil {
			t.Errorf("a replica failed to open: %v", err)
		}
	}
}
