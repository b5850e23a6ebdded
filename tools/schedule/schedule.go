// Package schedule is the durable publishing queue behind the schedule
// toolset: posts to publish at an instant, drafts, human approval, and the
// worker that fires them. The Threads API publishes immediately and has no
// scheduling parameter (https://developers.facebook.com/docs/threads/posts),
// so the schedule lives here.
//
// # Jobs and River
//
// A job (a scheduled post, id "job_…") is a row of scheduled_posts in the
// state database: the publishing tool to call and its arguments, the
// account, the instant, the status (draft, awaiting_approval, scheduled,
// publishing, published, failed, cancelled, skipped), the approval, and
// the outcome (the tool's result, or the error, and a note saying what
// happened and why). River (github.com/riverqueue/river) does the queueing:
// every scheduled job has one River job (kind threads_mcp_fire) carrying
// its id and revision, scheduled a little before the instant (fireLead,
// because River moves scheduled jobs to available every few seconds); the
// worker then waits for the exact instant, so a job never fires early.
// Rescheduling, editing, approving or deferring a job bumps its revision
// and enqueues a new River job; a River job whose revision is stale does
// nothing, so no state change needs River and the job row in one
// transaction.
//
// # Exactly once
//
// A job fires through the publish ledger under the key "schedule:<id>"
// (a thread's parts under "schedule:<id>/part-<i>"), by the publishing
// tool's own code ([Firer]), so a worker killed at any step (after the
// claim, after the container, after the publish) resumes without posting
// twice, and two workers (processes) on one state database publish once:
// the job row is claimed for one worker with a lease (sqlClaimJob), River
// locks its job for one client, and the ledger makes any overlap a replay.
// A worker that dies while publishing leaves the row "publishing" with a
// lease that runs out; every running worker looks for such jobs at start
// and every heartbeat (Recover) and re-enqueues them, and the ledger
// resumes the publish.
//
// # Policies
//
// Before firing, the worker applies the account's posting schedule
// ([PostingSchedule]): a job later than schemas.OnTime missed its run (no
// worker ran) and follows the missed-run policy (publish_late within the
// maximum lateness, else skip); a job not approved for its current payload
// digest goes back to awaiting_approval; a job closer than the minimum gap
// to the account's last post is deferred to the end of the gap; a spent
// quota (the Firer's *DeferError) defers it until the oldest post leaves
// the 24-hour window. Every decision is written to the job's note, and
// every outcome (published, failed, skipped) goes to [Firer.Notify].
//
// # Drivers
//
// The engine's River calls go through the queue interface, which carries
// no driver transaction type; openQueue is the one place the driver
// is chosen: riversqlite on the state database file, on a pool of one
// connection, or riverpgxv5 on the store's PostgreSQL pool.
//
// # Periodic jobs of other components
//
// [WithPeriodic] registers further River periodic jobs and their workers on
// the engine's client, so another component (a poller) runs on the same
// queue, leader election and worker processes. Their jobs must be inserted
// into [Queue] of the engine's mode (PeriodicJobOpts and the constructor's
// InsertOpts.Queue), because a client works only its own queue.
package schedule

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// Timing of the engine.
const (
	// fireLead is how long before its instant a River job is scheduled:
	// River's scheduler moves due jobs to available every 5 s and its
	// producer polls every FetchPollInterval, so the worker gets the job
	// ahead of time and waits for the instant itself.
	fireLead = 8 * time.Second
	// maxWait is the longest a worker waits in process for an instant;
	// a job due later is deferred (a new River job).
	maxWait = fireLead + 5*time.Second
	// DefaultLease is how long a firing worker's claim on a job lives
	// without renewal: a worker killed while firing is taken over this
	// long after its last renewal.
	DefaultLease = 30 * time.Second
	// DefaultMaxWorkers is how many jobs a process holds at once by
	// default (most of them waiting for their instant).
	DefaultMaxWorkers = 1000
	// heartbeatEvery is how often a running worker says it is alive and
	// looks for jobs of dead workers (Recover).
	heartbeatEvery = 2 * time.Second
	// maxFireAttempts bounds the retries of a publish whose outcome is
	// unknown (each resumes through the ledger).
	maxFireAttempts = 8
)

// Queue returns the River queue of the engine's mode: sandbox jobs (the
// emulator) and live jobs never meet, even on one state database.
func Queue(sandbox bool) string {
	if sandbox {
		return "threads_mcp_sandbox"
	}
	return "threads_mcp"
}

// Scope is whose jobs these are: an account, in sandbox or live mode.
type Scope struct {
	Sandbox bool
	Account string
}

// Job is one scheduled post.
type Job struct {
	ID     string
	Scope  Scope
	Tool   string
	Args   json.RawMessage
	Digest string
	Media  bool
	Status string
	FireAt time.Time // zero for a draft without a time
	Zone   string
	// NotBefore, when later than FireAt, is when a deferred job (quota,
	// minimum gap) fires instead.
	NotBefore      time.Time
	Revision       int
	RiverJobID     int64
	ApprovalNeeded bool
	ApprovedDigest string
	ApprovedBy     string
	ApprovedAt     time.Time
	Result         json.RawMessage
	PostID         string
	Permalink      string
	Error          string
	Note           string
	Attempts       int
	FiredAt        time.Time
	PublishedAt    time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time

	owner      string
	leaseUntil time.Time
}

// Approved reports whether the job's current payload is approved (or needs
// no approval).
func (j *Job) Approved() bool {
	return !j.ApprovalNeeded || (j.ApprovedDigest != "" && j.ApprovedDigest == j.Digest)
}

// Due is when the job fires: FireAt, or NotBefore when deferred.
func (j *Job) Due() time.Time {
	if j.NotBefore.After(j.FireAt) {
		return j.NotBefore
	}
	return j.FireAt
}

// Key is the publish-ledger key the job publishes under.
func (j *Job) Key() string { return "schedule:" + j.ID }

// Digest identifies a payload: the tool and its arguments (as normalized
// JSON). An approval is bound to it.
func Digest(tool string, args json.RawMessage) string {
	sum := sha256.Sum256(append([]byte(tool+"\x00"), args...))
	return hex.EncodeToString(sum[:])
}

// FireRequest is one publish a job asks of the Firer.
type FireRequest struct {
	Job *Job
	// Key is the ledger key to publish under (Job.Key()).
	Key string
}

// FireResult is a published job's outcome.
type FireResult struct {
	Result    json.RawMessage
	PostID    string
	Permalink string
}

// Outcome is what became of a job, for notifications.
type Outcome struct {
	// Event is "scheduled_post_published", "scheduled_post_failed" or
	// "scheduled_post_skipped".
	Event string
	Job   *Job
}

// Outcome events.
const (
	EventPublished = "scheduled_post_published"
	EventFailed    = "scheduled_post_failed"
	EventSkipped   = "scheduled_post_skipped"
)

// Firer publishes jobs: the tools package implements it with the
// publishing tools' own checks and the publish ledger.
type Firer interface {
	// Fire validates the job's arguments again and publishes them under
	// the request's ledger key. A *DeferError asks to fire later (a spent
	// quota), a *RetryError says the outcome is unknown (a retry resumes
	// through the ledger); any other error fails the job.
	Fire(ctx context.Context, r FireRequest) (FireResult, error)
	// Notify tells connected clients what became of a job.
	Notify(ctx context.Context, o Outcome)
}

// DeferError asks the engine to fire a job again at Until.
type DeferError struct {
	Until  time.Time
	Reason string
}

func (e *DeferError) Error() string {
	return fmt.Sprintf("%s; deferred to %s", e.Reason, e.Until.UTC().Format(time.RFC3339))
}

// RetryError is a publish whose outcome is unknown: retrying resumes it
// through the ledger without posting twice.
type RetryError struct{ Err error }

func (e *RetryError) Error() string { return e.Err.Error() }
func (e *RetryError) Unwrap() error { return e.Err }

// NotFoundError is a job id that does not exist (in this mode).
type NotFoundError struct{ ID string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no scheduled post %s; list_scheduled shows the jobs", e.ID)
}

// StateError is a change a job's status does not allow.
type StateError struct {
	Job  *Job
	What string
	Fix  string
}

func (e *StateError) Error() string {
	return fmt.Sprintf("job %s is %s: %s. %s", e.Job.ID, e.Job.Status, e.What, e.Fix)
}

// ErrConflict is a job changed by someone else between read and write.
var ErrConflict = errors.New("schedule: the job was changed concurrently; read it again")

// Option configures an Engine.
type Option func(*Engine)

// WithClock sets the engine's time source (tests); River keeps real time.
func WithClock(now func() time.Time) Option { return func(e *Engine) { e.now = now } }

// WithLogger sets the logger (River's too); nil discards.
func WithLogger(l *slog.Logger) Option { return func(e *Engine) { e.logger = l } }

// WithSandbox makes the engine work the sandbox queue and jobs.
func WithSandbox(on bool) Option { return func(e *Engine) { e.sandbox = on } }

// WithLease sets how long a firing worker's claim on a job lives without
// renewal (default DefaultLease); non-positive keeps the default.
func WithLease(d time.Duration) Option {
	return func(e *Engine) {
		if d > 0 {
			e.lease = d
		}
	}
}

// WithMaxWorkers sets how many jobs this process holds at once (default
// DefaultMaxWorkers). A job is held from fireLead before its instant until
// it is published, so at n jobs due per second about n × fireLead are held
// at once: a busy queue needs more.
func WithMaxWorkers(n int) Option {
	return func(e *Engine) {
		if n > 0 {
			e.maxWorkers = n
		}
	}
}

// Periodic is what another component runs on the engine's River client:
// periodic jobs, and the workers of their kinds.
type Periodic struct {
	Jobs []*river.PeriodicJob
	// AddWorkers registers the workers of the jobs' kinds
	// (river.AddWorker(w, …)).
	AddWorkers func(w *river.Workers)
}

// WithPeriodic adds periodic jobs and their workers to the engine's
// client. Their jobs must go to Queue of the engine's mode.
func WithPeriodic(p Periodic) Option {
	return func(e *Engine) { e.periodic = append(e.periodic, p) }
}

// Engine is the schedule of one state database, in one mode.
type Engine struct {
	st         *state.Store
	db         *sql.DB
	now        func() time.Time
	logger     *slog.Logger
	sandbox    bool
	maxWorkers int
	lease      time.Duration
	periodic   []Periodic
	qdb        *queueDB
	workerID   string

	mu      sync.Mutex
	firer   Firer
	running bool
	stop    func()
	done    chan struct{}
}

// Open migrates the schedule's tables and River's into st's database and
// returns an engine whose worker is not running (Start runs it). Jobs can
// be created, listed and changed without a worker.
func Open(ctx context.Context, st *state.Store, opts ...Option) (*Engine, error) {
	e := &Engine{st: st, db: st.DB(), now: time.Now, maxWorkers: DefaultMaxWorkers, lease: DefaultLease, workerID: rand.Text()}
	for _, o := range opts {
		o(e)
	}
	if e.logger == nil {
		e.logger = discardLogger()
	}
	if err := st.Migrate(ctx, "schedule", migrations); err != nil {
		return nil, fmt.Errorf("schedule: migrate: %w", err)
	}
	workers := river.NewWorkers()
	if err := river.AddWorkerSafely(workers, &fireWorker{e: e}); err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	q := Queue(e.sandbox)
	var periodic []*river.PeriodicJob
	for _, p := range e.periodic {
		periodic = append(periodic, p.Jobs...)
		if p.AddWorkers != nil {
			p.AddWorkers(workers)
		}
	}
	cfg := &river.Config{
		Logger:               slog.New(warnOnly{e.logger.Handler()}),
		Queues:               map[string]river.QueueConfig{q: {MaxWorkers: e.maxWorkers}},
		Workers:              workers,
		PeriodicJobs:         periodic,
		JobTimeout:           15 * time.Minute, // longer than the longest publish (video processing)
		RescueStuckJobsAfter: 16 * time.Minute,
		MaxAttempts:          maxFireAttempts,
		FetchPollInterval:    500 * time.Millisecond,
	}
	qdb, err := openQueue(ctx, st, cfg)
	if err != nil {
		return nil, err
	}
	e.qdb = qdb
	return e, nil
}

// Close stops the worker (if running) and closes River's pool; the store
// stays open.
func (e *Engine) Close() error {
	e.Stop(context.Background())
	return e.qdb.close()
}

// Sandbox reports the engine's mode.
func (e *Engine) Sandbox() bool { return e.sandbox }

// Now returns the engine's current time.
func (e *Engine) Now() time.Time { return e.now() }

// Start runs the worker in this process until Stop: it fires due jobs
// through f. Several processes may run workers on one state database.
func (e *Engine) Start(ctx context.Context, f Firer) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.running {
		return nil
	}
	e.firer = f
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	if err := e.qdb.q.Start(ctx); err != nil {
		cancel()
		return fmt.Errorf("schedule: start worker: %w", err)
	}
	e.running = true
	e.done = make(chan struct{})
	started := time.Now().UnixMilli()
	e.beat(ctx, started)
	go e.heartbeat(ctx, started, e.done)
	e.stop = cancel
	return nil
}

// Stop stops the worker, letting running jobs finish (bounded by ctx).
func (e *Engine) Stop(ctx context.Context) {
	e.mu.Lock()
	if !e.running {
		e.mu.Unlock()
		return
	}
	e.running = false
	stop, done := e.stop, e.done
	e.mu.Unlock()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := e.qdb.q.Stop(sctx); err != nil {
		e.logger.Warn("schedule: stop worker", "err", err)
	}
	stop()
	<-done
	_, _ = e.db.ExecContext(context.WithoutCancel(ctx), sqlWorkerGone, e.workerID, time.Now().Add(-time.Hour).UnixMilli())
}

// beat records this worker as alive and recovers the jobs of stopped
// workers.
func (e *Engine) beat(ctx context.Context, started int64) {
	if _, err := e.db.ExecContext(ctx, sqlWorkerBeat, e.workerID, Queue(e.sandbox), os.Getpid(), started); err != nil && ctx.Err() == nil {
		e.logger.Debug("schedule: heartbeat", "err", err)
	}
	if err := e.Recover(ctx); err != nil && ctx.Err() == nil {
		e.logger.Warn("schedule: recover jobs of stopped workers", "err", err)
	}
}

// heartbeat beats every heartbeatEvery until ctx ends.
func (e *Engine) heartbeat(ctx context.Context, started int64, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			e.beat(ctx, started)
		}
	}
}

// WorkerRunning reports whether a worker of this mode (in any process on
// this state database) was alive in the last three heartbeats, and a
// sentence for scheduling results saying so and how to keep one running.
func (e *Engine) WorkerRunning(ctx context.Context) (bool, string) {
	var n int
	err := e.db.QueryRowContext(ctx, sqlWorkersLive, Queue(e.sandbox), time.Now().Add(-3*heartbeatEvery).UnixMilli()).Scan(&n)
	cmd := "threads-mcp worker"
	if e.sandbox {
		cmd += " --sandbox"
	}
	if err == nil && n > 0 {
		return true, fmt.Sprintf("A worker is running (%d process(es)); jobs fire while one runs. Every threads-mcp serve runs one while it is up; "+
			"to keep one running when no MCP client is connected, run `%s` as a service (the README has a systemd unit and a launchd plist).", n, cmd)
	}
	return false, fmt.Sprintf("No worker is running: jobs fire only while a threads-mcp process runs (every serve runs one while it is up). "+
		"Run `%s` as a service to keep one running (the README has a systemd unit and a launchd plist); "+
		"jobs whose time passes meanwhile follow the account's missed_run_policy.", cmd)
}

// NewJob is a job to create.
type NewJob struct {
	Scope Scope
	Tool  string
	Args  json.RawMessage
	// Media marks a payload with an image or video (require_approval:
	// media_only).
	Media bool
	// Draft stores the job without a time, or with one but unscheduled.
	Draft  bool
	FireAt time.Time
	Zone   string
}

// NewJobID returns a fresh job id.
func NewJobID() string { return schemas.JobIDPrefix + rand.Text() }

// Create stores a job: a draft, a job awaiting approval (when the account
// requires it for this payload), or a scheduled job enqueued on River.
func (e *Engine) Create(ctx context.Context, n NewJob) (*Job, error) {
	ps, err := e.Schedule(ctx, n.Scope)
	if err != nil {
		return nil, err
	}
	now := e.now()
	j := &Job{ID: NewJobID(), Scope: n.Scope, Tool: n.Tool, Args: n.Args, Digest: Digest(n.Tool, n.Args), Media: n.Media,
		FireAt: ceilMilli(n.FireAt), Zone: n.Zone, ApprovalNeeded: ps.NeedsApproval(n.Media), CreatedAt: now, UpdatedAt: now}
	switch {
	case n.Draft:
		j.Status = schemas.ScheduleDraft
	case !j.Approved():
		j.Status = schemas.ScheduleAwaitingApproval
	default:
		j.Status = schemas.ScheduleScheduled
	}
	if _, err := e.db.ExecContext(ctx, sqlInsertJob, j.row()...); err != nil {
		return nil, fmt.Errorf("schedule: store job: %w", err)
	}
	if j.Status == schemas.ScheduleScheduled {
		if err := e.enqueue(ctx, j); err != nil {
			return nil, err
		}
	}
	return j, nil
}

// Get returns the job id of the engine's mode.
func (e *Engine) Get(ctx context.Context, id string) (*Job, error) {
	j, err := scanJob(e.db.QueryRowContext(ctx, sqlGetJob, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && j.Scope.Sandbox != e.sandbox) {
		return nil, &NotFoundError{ID: id}
	}
	if err != nil {
		return nil, fmt.Errorf("schedule: read job: %w", err)
	}
	return j, nil
}

// Filter selects jobs for List.
type Filter struct {
	Account  string
	Status   string
	From, To time.Time
	Limit    int
	// AfterFire and AfterID are the cursor: the instant and id of the
	// last job of the previous page (AfterID "" for the first page).
	AfterFire time.Time
	AfterID   string
}

// List returns the account's jobs in due order (drafts without a time
// first), a page at a time.
func (e *Engine) List(ctx context.Context, f Filter) ([]*Job, error) {
	ms := func(t time.Time) int64 {
		if t.IsZero() {
			return 0
		}
		return t.UnixMilli()
	}
	after := int64(-1)
	if f.AfterID != "" {
		after = ms(f.AfterFire)
	}
	rows, err := e.db.QueryContext(ctx, sqlListJobs, boolInt(e.sandbox), f.Status, ms(f.From), ms(f.To), after, f.AfterID, f.Limit, f.Account)
	if err != nil {
		return nil, fmt.Errorf("schedule: list jobs: %w", err)
	}
	defer rows.Close()
	var out []*Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, fmt.Errorf("schedule: list jobs: %w", err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// changeable refuses a change of a job that fired or ended.
func changeable(j *Job, what string) error {
	switch j.Status {
	case schemas.ScheduleDraft, schemas.ScheduleAwaitingApproval, schemas.ScheduleScheduled:
		return nil
	case schemas.SchedulePublished:
		return &StateError{Job: j, What: what + " is too late: it was published as post " + j.PostID,
			Fix: "To take it down, call delete_post with that id."}
	case schemas.SchedulePublishing:
		return &StateError{Job: j, What: what + " is too late: it is being published now", Fix: "get_scheduled shows the outcome in a moment."}
	}
	return &StateError{Job: j, What: "it has ended", Fix: "schedule_post creates a new job."}
}

// Reschedule moves a job to a new instant (a draft becomes scheduled, or
// awaiting approval).
func (e *Engine) Reschedule(ctx context.Context, id string, at time.Time, zone string) (*Job, error) {
	return e.change(ctx, id, "rescheduling", func(j *Job) error {
		j.FireAt, j.Zone, j.NotBefore = ceilMilli(at), zone, time.Time{}
		j.Note = ""
		if j.Status == schemas.ScheduleDraft {
			j.Status = schemas.ScheduleScheduled
		}
		return nil
	})
}

// Update replaces a job's payload; an approval of the old payload no
// longer holds.
func (e *Engine) Update(ctx context.Context, id string, args json.RawMessage, media bool) (*Job, error) {
	j, err := e.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	ps, err := e.Schedule(ctx, j.Scope)
	if err != nil {
		return nil, err
	}
	return e.change(ctx, id, "editing", func(j *Job) error {
		j.Args, j.Digest, j.Media = args, Digest(j.Tool, args), media
		j.ApprovalNeeded = j.ApprovalNeeded || ps.NeedsApproval(media)
		return nil
	})
}

// Cancel cancels a job that has not fired.
func (e *Engine) Cancel(ctx context.Context, id string) (*Job, error) {
	return e.change(ctx, id, "cancelling", func(j *Job) error {
		j.Status = schemas.ScheduleCancelled
		j.Note = "Cancelled before it fired; nothing was published."
		return nil
	})
}

// Approve approves the job's payload as it is now (digest must match it:
// an edit after the preview the human saw needs a new approval). by says
// how ("elicitation", "cli").
func (e *Engine) Approve(ctx context.Context, id, digest, by string) (*Job, error) {
	return e.change(ctx, id, "approving", func(j *Job) error {
		if digest != j.Digest {
			return &StateError{Job: j, What: "its payload changed after the preview that was approved (digest " + short(digest) +
				", now " + short(j.Digest) + ")", Fix: "Review the current payload and approve again."}
		}
		j.ApprovedDigest, j.ApprovedBy, j.ApprovedAt = digest, by, e.now()
		if j.FireAt.IsZero() && j.Status == schemas.ScheduleAwaitingApproval {
			j.FireAt = ceilMilli(e.now()) // a held publish fires once approved
		}
		return nil
	})
}

// change applies fn to a changeable job, then re-derives its status from
// its approval and enqueues it when scheduled; the old River job (if any)
// goes stale with the revision and is cancelled.
func (e *Engine) change(ctx context.Context, id, what string, fn func(*Job) error) (*Job, error) {
	j, err := e.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := changeable(j, what); err != nil {
		return nil, err
	}
	oldRiver, oldRev := j.RiverJobID, j.Revision
	if err := fn(j); err != nil {
		return nil, err
	}
	if j.Status != schemas.ScheduleCancelled && j.Status != schemas.ScheduleDraft {
		if j.Approved() {
			j.Status = schemas.ScheduleScheduled
		} else {
			j.Status = schemas.ScheduleAwaitingApproval
		}
	}
	j.Revision++
	j.RiverJobID = 0
	j.UpdatedAt = e.now()
	if err := e.save(ctx, j, oldRev); err != nil {
		return nil, err
	}
	if oldRiver != 0 {
		if _, err := e.qdb.q.JobCancel(ctx, oldRiver); err != nil {
			e.logger.Debug("schedule: cancel stale river job", "job", j.ID, "err", err)
		}
	}
	if j.Status == schemas.ScheduleScheduled {
		if err := e.enqueue(ctx, j); err != nil {
			return nil, err
		}
	}
	return j, nil
}

// save writes j if its revision is still rev.
func (e *Engine) save(ctx context.Context, j *Job, rev int) error {
	args := append([]any{rev}, j.mutable()...)
	res, err := e.db.ExecContext(ctx, sqlSaveJob, args...)
	if err != nil {
		return fmt.Errorf("schedule: save job: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return ErrConflict
	}
	return nil
}

// enqueue inserts the River job that fires j at its current revision,
// fireLead before it is due.
func (e *Engine) enqueue(ctx context.Context, j *Job) error {
	_, err := e.enqueueAt(ctx, j, j.Due().Add(-fireLead))
	return err
}

// row returns j's columns in jobColumns order.
func (j *Job) row() []any {
	return append([]any{j.ID, boolInt(j.Scope.Sandbox), j.Scope.Account, j.Tool}, j.rest()...)
}

// rest are the columns after tool, in jobColumns order.
func (j *Job) rest() []any {
	return []any{string(j.Args), j.Digest, boolInt(j.Media), j.Status, ms(j.FireAt), ms(j.NotBefore), j.Zone, j.Revision, j.RiverJobID,
		boolInt(j.ApprovalNeeded), j.ApprovedDigest, j.ApprovedBy, ms(j.ApprovedAt), string(j.Result), j.PostID, j.Permalink, j.Error,
		j.Note, j.Attempts, j.owner, ms(j.leaseUntil), ms(j.FiredAt), ms(j.PublishedAt), ms(j.CreatedAt), ms(j.UpdatedAt)}
}

// mutable are sqlSaveJob's $2… arguments.
func (j *Job) mutable() []any {
	return []any{string(j.Args), j.Digest, boolInt(j.Media), j.Status, ms(j.FireAt), ms(j.NotBefore), j.Zone, j.Revision, j.RiverJobID,
		boolInt(j.ApprovalNeeded), j.ApprovedDigest, j.ApprovedBy, ms(j.ApprovedAt), string(j.Result), j.PostID, j.Permalink, j.Error,
		j.Note, j.Attempts, j.owner, ms(j.leaseUntil), ms(j.FiredAt), ms(j.PublishedAt), ms(j.UpdatedAt), j.ID}
}

func scanJob(r interface{ Scan(...any) error }) (*Job, error) {
	var (
		j                                                                      Job
		sandbox, media, approval                                               int
		args, result                                                           string
		fire, notBefore, approvedAt, lease, fired, published, created, updated int64
	)
	err := r.Scan(&j.ID, &sandbox, &j.Scope.Account, &j.Tool, &args, &j.Digest, &media, &j.Status, &fire, &notBefore, &j.Zone,
		&j.Revision, &j.RiverJobID, &approval, &j.ApprovedDigest, &j.ApprovedBy, &approvedAt, &result, &j.PostID, &j.Permalink,
		&j.Error, &j.Note, &j.Attempts, &j.owner, &lease, &fired, &published, &created, &updated)
	if err != nil {
		return nil, err
	}
	j.Scope.Sandbox, j.Media, j.ApprovalNeeded = sandbox != 0, media != 0, approval != 0
	j.Args = json.RawMessage(args)
	if result != "" {
		j.Result = json.RawMessage(result)
	}
	j.FireAt, j.NotBefore, j.ApprovedAt, j.leaseUntil = fromMS(fire), fromMS(notBefore), fromMS(approvedAt), fromMS(lease)
	j.FiredAt, j.PublishedAt, j.CreatedAt, j.UpdatedAt = fromMS(fired), fromMS(published), fromMS(created), fromMS(updated)
	return &j, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ceilMilli rounds t up to the millisecond, the precision instants are
// stored in, so a stored instant is never before the one asked for.
func ceilMilli(t time.Time) time.Time {
	if r := t.Truncate(time.Millisecond); r.Before(t) {
		return r.Add(time.Millisecond)
	}
	return t
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.UnixMilli(n)
}

// short is the first 12 characters of a digest, for messages.
func short(d string) string {
	if len(d) > 12 {
		return d[:12]
	}
	return d
}
