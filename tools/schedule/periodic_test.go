package schedule

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
)

type pollArgs struct {
	Account string `json:"account"`
}

func (pollArgs) Kind() string { return "test_poll" }

type pollWorker struct {
	river.WorkerDefaults[pollArgs]
	runs *atomic.Int32
}

func (w *pollWorker) Work(_ context.Context, j *river.Job[pollArgs]) error {
	if j.Args.Account == "a" {
		w.runs.Add(1)
	}
	return nil
}

// TestPeriodicHook: another component's periodic job, registered with
// WithPeriodic on the engine's queue, runs on the engine's worker.
func TestPeriodicHook(t *testing.T) {
	var runs atomic.Int32
	p := Periodic{
		Jobs: []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
			func() (river.JobArgs, *river.InsertOpts) {
				return pollArgs{Account: "a"}, &river.InsertOpts{Queue: Queue(true)}
			}, &river.PeriodicJobOpts{ID: "test_poll_a", RunOnStart: true})},
		AddWorkers: func(w *river.Workers) { river.AddWorker(w, &pollWorker{runs: &runs}) },
	}
	e, _ := openEngine(t, WithSandbox(true), WithPeriodic(p))
	if err := e.Start(t.Context(), newFakeFirer()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for runs.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the periodic job never ran")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
