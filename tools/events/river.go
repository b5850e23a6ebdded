package events

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// PollArgs is the River job of one polling round: every account that is
// due (its interval passed, stretched while Threads reports the app busy)
// is polled once.
type PollArgs struct{}

// Kind names the job in River's tables.
func (PollArgs) Kind() string { return "events_poll" }

// pollWorker runs a polling round.
type pollWorker struct {
	river.WorkerDefaults[PollArgs]
	p *Poller
}

// Work polls the due accounts.
func (w *pollWorker) Work(ctx context.Context, _ *river.Job[PollArgs]) error {
	w.p.Round(ctx)
	return nil
}

// Timeout bounds a round: a slow Graph API delays the next one, it does
// not pile rounds up.
func (w *pollWorker) Timeout(*river.Job[PollArgs]) time.Duration { return 5 * time.Minute }

// PeriodicJob returns the River periodic job that polls with p, inserted
// into queue: River inserts periodic jobs from its elected leader only, so
// of all the processes sharing a state database one runs each round, and
// a round is due every min(interval, 30 s) so that accounts fall due
// close to their own interval. AddWorker registers its worker.
func (p *Poller) PeriodicJob(queue string) *river.PeriodicJob {
	every := min(p.o.Interval, 30*time.Second)
	return river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) {
			// One round per period even across a change of leader (River
			// refuses unique periods under a second).
			return PollArgs{}, &river.InsertOpts{Queue: queue, UniqueOpts: river.UniqueOpts{ByPeriod: max(every, time.Second)}}
		}, &river.PeriodicJobOpts{ID: "events_poll", RunOnStart: true})
}

// AddWorker registers the worker of p's periodic job.
func (p *Poller) AddWorker(w *river.Workers) { river.AddWorker(w, &pollWorker{p: p}) }
