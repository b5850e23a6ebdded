package schedule

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/threads-mcp/threads-mcp/schemas"
)

// fireArgs is the River job that fires one revision of a scheduled post.
type fireArgs struct {
	ID       string `json:"id"`
	Revision int    `json:"revision"`
}

// Kind is River's name of the job.
func (fireArgs) Kind() string { return "threads_mcp_fire" }

type fireWorker struct {
	river.WorkerDefaults[fireArgs]
	e *Engine
}

func (w *fireWorker) Work(ctx context.Context, job *river.Job[fireArgs]) error {
	return w.e.Fire(ctx, job.Args.ID, job.Args.Revision, job.Attempt >= maxFireAttempts)
}

// Recover re-enqueues the publishing jobs whose worker's lease ran out (it
// died): the new revision fires again and the ledger resumes the publish.
func (e *Engine) Recover(ctx context.Context) error {
	rows, err := e.db.QueryContext(ctx, sqlStuckJobs, boolInt(e.sandbox), e.now().UnixMilli())
	if err != nil {
		return fmt.Errorf("schedule: find stuck jobs: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		j, err := e.Get(ctx, id)
		if err != nil || j.Status != schemas.SchedulePublishing || !j.leaseUntil.Before(e.now()) {
			continue
		}
		rev := j.Revision
		j.Revision++
		j.owner, j.leaseUntil = "", time.Time{}
		j.Note = joinNote(j.Note, "A worker stopped while publishing this job; another resumed it.")
		j.UpdatedAt = e.now()
		if err := e.save(ctx, j, rev); err != nil {
			continue
		}
		if _, err := e.enqueueAt(ctx, j, e.now()); err != nil {
			e.logger.Warn("schedule: re-enqueue", "job", id, "err", err)
		}
	}
	return nil
}

// Fire runs revision rev of job id: the River worker's work, exported for
// tests that drive the clock. It waits for the job's instant (never fires
// early), applies the missed-run policy, the approval, the minimum gap and
// the quota, then publishes through the Firer and records the outcome.
// last says this is River's last attempt: an unknown outcome then fails the
// job instead of retrying.
func (e *Engine) Fire(ctx context.Context, id string, rev int, last bool) error {
	j, err := e.Get(ctx, id)
	var nf *NotFoundError
	if errors.As(err, &nf) {
		return nil
	}
	if err != nil {
		return err
	}
	if j.Revision != rev || (j.Status != schemas.ScheduleScheduled && j.Status != schemas.SchedulePublishing) {
		return nil // stale: rescheduled, edited, cancelled or done
	}
	due := j.Due()
	if due.Sub(e.now()) > maxWait {
		return e.deferTo(ctx, j, due, "")
	}
	p, err := e.Schedule(ctx, j.Scope)
	if err != nil {
		return err
	}
	now := e.now()
	lateNote := ""
	if j.Status == schemas.ScheduleScheduled {
		if late := now.Sub(due); late > schemas.OnTime {
			lateBy := late.Round(time.Second)
			switch {
			case p.MissedRunPolicy == schemas.MissedSkip:
				return e.skip(ctx, j, fmt.Sprintf("Skipped: its time (%s) passed %s ago while no worker ran, and the account's missed_run_policy is skip.",
					rfc(due), lateBy))
			case late > p.MaxLateness:
				return e.skip(ctx, j, fmt.Sprintf("Skipped: its time (%s) passed %s ago while no worker ran, more than the maximum lateness of %s "+
					"(missed_run_policy publish_late).", rfc(due), lateBy, p.MaxLateness))
			default:
				lateNote = fmt.Sprintf("Published %s late: no worker ran at its time (%s); missed_run_policy publish_late allows up to %s.",
					lateBy, rfc(due), p.MaxLateness)
			}
		}
		if !j.Approved() {
			j.Status = schemas.ScheduleAwaitingApproval
			j.Note = joinNote(j.Note, "Not published: its payload is not approved; it waits for approval.")
			return e.saveNext(ctx, j, rev)
		}
		if p.MinGap > 0 {
			var last int64
			if err := e.db.QueryRowContext(ctx, sqlLastPublished, boolInt(j.Scope.Sandbox), j.Scope.Account).Scan(&last); err != nil {
				return fmt.Errorf("schedule: read last post: %w", err)
			}
			if until := time.UnixMilli(last).Add(p.MinGap); last > 0 && maxTime(now, due).Before(until) {
				return e.deferTo(ctx, j, until, fmt.Sprintf("Deferred to %s: the account's minimum gap between posts is %s and its last post went out at %s.",
					rfc(until), p.MinGap, rfc(time.UnixMilli(last))))
			}
		}
	}
	owner := rand.Text()
	res, err := e.db.ExecContext(ctx, sqlClaimJob, owner, now.Add(e.lease).UnixMilli(), rev, now.UnixMilli(), j.ID)
	if err != nil {
		return fmt.Errorf("schedule: claim job: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // another worker fires it
	}
	if j, err = e.Get(ctx, id); err != nil {
		return err
	}
	j.Note = joinNote(j.Note, lateNote)
	if e.firer == nil {
		return errors.New("schedule: no firer: the worker was not started")
	}
	out, ferr := e.fireClaimed(ctx, j, owner, due)
	if errors.Is(ferr, errStopped) {
		return ctx.Err() // the worker stopped while waiting: the lease runs out and Recover re-enqueues it
	}
	return e.record(ctx, j, out, ferr, last)
}

// errStopped is a wait for the instant cut short by the worker stopping.
var errStopped = errors.New("schedule: worker stopped")

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// fireClaimed waits for the instant due (never early) and publishes a
// claimed job, renewing its claim meanwhile, so a worker killed while it
// waits or publishes leaves a lease that runs out.
func (e *Engine) fireClaimed(ctx context.Context, j *Job, owner string, due time.Time) (FireResult, error) {
	done := make(chan struct{})
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(e.lease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_, _ = e.db.ExecContext(context.WithoutCancel(ctx), sqlRenewJob, e.now().Add(e.lease).UnixMilli(), j.ID, owner)
			}
		}
	}()
	defer func() { close(done); <-renewed }()
	if wait := due.Sub(e.now()); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return FireResult{}, errStopped
		case <-t.C:
		}
		for e.now().Before(due) { // a clock coarser than the timer
			time.Sleep(time.Millisecond)
		}
	}
	j.FiredAt = e.now()
	return e.firer.Fire(ctx, FireRequest{Job: j, Key: j.Key()})
}

// record stores the outcome of a fire and notifies.
func (e *Engine) record(ctx context.Context, j *Job, out FireResult, ferr error, last bool) error {
	ctx = context.WithoutCancel(ctx)
	rev := j.Revision
	now := e.now()
	j.owner, j.leaseUntil = "", time.Time{}
	j.UpdatedAt = now
	var (
		de *DeferError
		re *RetryError
	)
	switch {
	case ferr == nil:
		j.Status, j.Result, j.PostID, j.Permalink, j.Error = schemas.SchedulePublished, out.Result, out.PostID, out.Permalink, ""
		j.PublishedAt = now
		if err := e.save(ctx, j, rev); err != nil {
			return err
		}
		e.firer.Notify(ctx, Outcome{Event: EventPublished, Job: j})
		return nil
	case errors.As(ferr, &de):
		j.Status = schemas.ScheduleScheduled
		return e.deferTo(ctx, j, de.Until, fmt.Sprintf("Deferred to %s: %s.", rfc(de.Until), de.Reason))
	case errors.As(ferr, &re) && !last:
		// Keep it publishing with no lease: River retries this revision
		// with backoff, and the ledger resumes the publish.
		j.Error = ferr.Error()
		if err := e.save(ctx, j, rev); err != nil {
			return err
		}
		return ferr
	}
	j.Status, j.Error = schemas.ScheduleFailed, ferr.Error()
	if err := e.save(ctx, j, rev); err != nil {
		return err
	}
	e.firer.Notify(ctx, Outcome{Event: EventFailed, Job: j})
	return nil
}

// skip records a missed job skipped under its policy.
func (e *Engine) skip(ctx context.Context, j *Job, note string) error {
	rev := j.Revision
	j.Status, j.Note, j.UpdatedAt = schemas.ScheduleSkipped, joinNote(j.Note, note), e.now()
	if err := e.saveNext(ctx, j, rev); err != nil {
		return err
	}
	if e.firer != nil {
		e.firer.Notify(ctx, Outcome{Event: EventSkipped, Job: j})
	}
	return nil
}

// saveNext saves j at the next revision (the River job running now goes
// stale).
func (e *Engine) saveNext(ctx context.Context, j *Job, rev int) error {
	j.Revision = rev + 1
	j.UpdatedAt = e.now()
	err := e.save(ctx, j, rev)
	if errors.Is(err, ErrConflict) {
		return nil // changed meanwhile: the change wins
	}
	return err
}

// deferTo moves a scheduled job's firing to until (it keeps its original
// instant) with a note, as a new revision and River job.
func (e *Engine) deferTo(ctx context.Context, j *Job, until time.Time, note string) error {
	rev := j.Revision
	j.Status = schemas.ScheduleScheduled
	if until.After(j.FireAt) {
		j.NotBefore = ceilMilli(until)
	}
	if note != "" {
		j.Note = note
	}
	j.Revision = rev + 1
	j.RiverJobID = 0
	j.UpdatedAt = e.now()
	if err := e.save(ctx, j, rev); err != nil {
		if errors.Is(err, ErrConflict) {
			return nil
		}
		return err
	}
	_, err := e.enqueueAt(ctx, j, j.Due().Add(-fireLead))
	return err
}

// enqueueAt inserts the River job of j's current revision at at.
func (e *Engine) enqueueAt(ctx context.Context, j *Job, at time.Time) (int64, error) {
	opts := &river.InsertOpts{Queue: Queue(e.sandbox), UniqueOpts: river.UniqueOpts{ByArgs: true}}
	// A job given any ScheduledAt is inserted "scheduled" and waits for the
	// leader's scheduler (every 5 s, and not at all while a killed leader's
	// lease runs out); one due now is inserted available, for any worker.
	if at.After(time.Now()) {
		opts.ScheduledAt = at
	}
	res, err := e.qdb.q.Insert(ctx, fireArgs{ID: j.ID, Revision: j.Revision}, opts)
	if err != nil {
		return 0, fmt.Errorf("schedule: enqueue job: %w", err)
	}
	_, _ = e.db.ExecContext(ctx, sqlSetRiverID, res.Job.ID, j.ID, j.Revision)
	j.RiverJobID = res.Job.ID
	return res.Job.ID, nil
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339) }
