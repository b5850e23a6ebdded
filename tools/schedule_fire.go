package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/tools/schedule"
)

// NewScheduleFirer returns what fires scheduled posts for the engine
// (schedule.Engine.Start): each job runs its publishing tool's own checks
// again and then its own code, as a call of the job's account whose
// idempotency key is the job's ledger key, so every publish promise of the
// tool holds (exactly once, resume after a crash, thread parts one by one,
// containers created at fire time and recreated when expired). Outcomes go
// to d.Notifier as logging notifications.
func NewScheduleFirer(d Deps) schedule.Firer {
	if d.quotas == nil {
		d.quotas = newQuotaCache()
	}
	if d.replyDefaults == nil {
		d.replyDefaults = newSettingCache()
	}
	if d.insights == nil {
		d.insights = newInsightCache()
	}
	return scheduleFirer{d: d}
}

type scheduleFirer struct{ d Deps }

// Fire publishes one job.
func (f scheduleFirer) Fire(ctx context.Context, r schedule.FireRequest) (schedule.FireResult, error) {
	j := r.Job
	i := slices.IndexFunc(allTools(), func(t Tool) bool { return t.Name() == j.Tool })
	if i < 0 {
		return schedule.FireResult{}, fmt.Errorf("tool %s is not available", j.Tool)
	}
	t := allTools()[i]
	args, err := t.check(j.Args)
	if err != nil {
		return schedule.FireResult{}, fmt.Errorf("the arguments no longer pass %s's checks, so nothing was published: %w", j.Tool, err)
	}
	acct, err := f.d.account(ctx, j.Scope.Account)
	if err != nil {
		return schedule.FireResult{}, fmt.Errorf("account %q: %w", j.Scope.Account, err)
	}
	c := &call{Deps: f.d, acct: acct, key: r.Key}
	// Read the publishing limit before firing: a spent quota defers the
	// job until the oldest post of the 24-hour window leaves it.
	reply := j.Tool == "reply"
	if err := f.d.quotas.check(ctx, acct, reply); err != nil {
		return schedule.FireResult{}, fireError(err)
	}
	if j.Tool == "publish_thread" {
		if err := f.d.quotas.check(ctx, acct, true); err != nil {
			return schedule.FireResult{}, fireError(err)
		}
	}
	res, err := t.run(ctx, c, args)
	if err != nil {
		return schedule.FireResult{}, fireError(err)
	}
	if m, ok := res.(metaCarrier); ok {
		c.fillMeta(m.Meta())
	}
	b, err := json.Marshal(res)
	if err != nil {
		return schedule.FireResult{}, fmt.Errorf("encode result: %w", err)
	}
	var ids struct {
		ID        string `json:"id"`
		Permalink string `json:"permalink"`
	}
	_ = json.Unmarshal(b, &ids)
	return schedule.FireResult{Result: b, PostID: ids.ID, Permalink: ids.Permalink}, nil
}

// fireError classifies a publishing failure for the engine: a spent quota
// defers, an unknown outcome retries (the ledger resumes), anything else
// fails the job with the text a tool call would show.
func fireError(err error) error {
	var (
		qe  *quotaError
		oue *outcomeUnknownError
		ae  *abortError
		api *threads.APIError
		ce  *threads.ContainerError
		fe  schemas.FieldErrors
	)
	switch {
	case errors.As(err, &qe) && !qe.freeAt.IsZero():
		return &schedule.DeferError{Until: qe.freeAt, Reason: fmt.Sprintf("the Threads publishing quota is spent (%d of %d %s in the last 24 hours); "+
			"the oldest post leaves the window then", qe.used, qe.total, qe.what)}
	case errors.As(err, &qe):
		return &schedule.RetryError{Err: errors.New(explain(err, nil))}
	case errors.As(err, &oue), errors.As(err, &ae):
		return &schedule.RetryError{Err: errors.New(explain(err, nil))}
	case errors.As(err, &api), errors.As(err, &ce), errors.As(err, &fe):
		return errors.New(explain(err, nil))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &schedule.RetryError{Err: err}
	}
	var ue *userError
	if errors.As(err, &ue) && ue.cause == nil {
		return err
	}
	return &schedule.RetryError{Err: errors.New(explain(err, nil))}
}

// Notify sends a job's outcome to connected clients.
func (f scheduleFirer) Notify(ctx context.Context, o schedule.Outcome) {
	if f.d.Notifier == nil {
		return
	}
	level := mcp.LoggingLevelInfo
	switch o.Event {
	case schedule.EventFailed:
		level = mcp.LoggingLevelError
	case schedule.EventSkipped:
		level = mcp.LoggingLevelWarning
	}
	j := o.Job
	fields := map[string]any{"job_id": j.ID, "account": j.Scope.Account, "tool": j.Tool, "status": j.Status}
	for k, v := range map[string]string{"post_id": j.PostID, "permalink": j.Permalink, "error": j.Error, "note": j.Note} {
		if v != "" {
			fields[k] = v
		}
	}
	f.d.Notifier.Event(ctx, level, o.Event, fields)
}
