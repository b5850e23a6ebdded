package schedule

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// clock is a controllable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// clocked returns an engine on a controllable clock whose firer is f; its
// River client is not started (tests call Fire).
func clocked(t *testing.T, start time.Time) (*Engine, *clock, *fakeFirer) {
	t.Helper()
	clk := &clock{t: start}
	e, _ := openEngine(t, WithClock(clk.Now), WithSandbox(true))
	f := newFakeFirer()
	f.now = clk.Now
	e.firer = f
	return e, clk, f
}

var scope = Scope{Sandbox: true, Account: "sandbox"}

func create(t *testing.T, e *Engine, at time.Time) *Job {
	t.Helper()
	j, err := e.Create(t.Context(), NewJob{Scope: scope, Tool: "publish_text", Args: json.RawMessage(`{"text":"x"}`), FireAt: at})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func fire(t *testing.T, e *Engine, id string) *Job {
	t.Helper()
	j, err := e.Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Fire(t.Context(), id, j.Revision, false); err != nil {
		t.Fatalf("fire: %v", err)
	}
	j, err = e.Get(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestMissedRunPolicies(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		policy   string
		lateness time.Duration
		maxLate  time.Duration
		want     string
		note     string
	}{
		{"on time", schemas.MissedPublishLate, 10 * time.Second, -1, schemas.SchedulePublished, ""},
		{"late within max", schemas.MissedPublishLate, 2 * time.Hour, -1, schemas.SchedulePublished, "late"},
		{"later than default max", schemas.MissedPublishLate, 7 * time.Hour, -1, schemas.ScheduleSkipped, "maximum lateness of 6h0m0s"},
		{"later than own max", schemas.MissedPublishLate, 90 * time.Minute, time.Hour, schemas.ScheduleSkipped, "maximum lateness of 1h0m0s"},
		{"skip", schemas.MissedSkip, 5 * time.Minute, -1, schemas.ScheduleSkipped, "missed_run_policy is skip"},
		{"skip on time", schemas.MissedSkip, 30 * time.Second, -1, schemas.SchedulePublished, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, clk, f := clocked(t, t0)
			if err := e.SetSchedule(t.Context(), scope, PostingSchedule{MissedRunPolicy: tc.policy, MaxLateness: tc.maxLate}); err != nil {
				t.Fatal(err)
			}
			j := create(t, e, t0.Add(time.Hour))
			clk.Set(j.FireAt.Add(tc.lateness)) // the downtime
			got := fire(t, e, j.ID)
			if got.Status != tc.want || !strings.Contains(got.Note, tc.note) {
				t.Fatalf("status %s note %q; want %s with %q", got.Status, got.Note, tc.want, tc.note)
			}
			if n := f.count(j.ID); (n == 1) != (tc.want == schemas.SchedulePublished) {
				t.Fatalf("fired %d times", n)
			}
			if tc.want == schemas.ScheduleSkipped && (len(f.events) != 1 || f.events[0].Event != EventSkipped) {
				t.Fatalf("events %v", f.events)
			}
		})
	}
}

func TestApprovalBoundToDigest(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	e, clk, f := clocked(t, t0)
	ctx := t.Context()
	if err := e.SetSchedule(ctx, scope, PostingSchedule{RequireApproval: schemas.ApprovalAlways, MaxLateness: -1}); err != nil {
		t.Fatal(err)
	}
	j := create(t, e, t0.Add(time.Hour))
	if j.Status != schemas.ScheduleAwaitingApproval {
		t.Fatalf("status %s", j.Status)
	}
	clk.Set(j.FireAt)
	if got := fire(t, e, j.ID); got.Status != schemas.ScheduleAwaitingApproval || f.count(j.ID) != 0 {
		t.Fatalf("unapproved job fired: %s", got.Status)
	}
	var se *StateError
	if _, err := e.Approve(ctx, j.ID, Digest("publish_text", json.RawMessage(`{"text":"other"}`)), "cli"); !errors.As(err, &se) {
		t.Fatalf("approval of another digest: %v", err)
	}
	a, err := e.Approve(ctx, j.ID, j.Digest, "cli")
	if err != nil || a.Status != schemas.ScheduleScheduled || a.ApprovedBy != "cli" {
		t.Fatalf("approve: %v %+v", err, a)
	}
	// Editing after approval needs a new approval.
	u, err := e.Update(ctx, j.ID, json.RawMessage(`{"text":"edited"}`), false)
	if err != nil || u.Status != schemas.ScheduleAwaitingApproval || u.Approved() {
		t.Fatalf("update: %v %s", err, u.Status)
	}
	if _, err := e.Approve(ctx, j.ID, u.Digest, "cli"); err != nil {
		t.Fatal(err)
	}
	if got := fire(t, e, j.ID); got.Status != schemas.SchedulePublished || f.count(j.ID) != 1 {
		t.Fatalf("approved job: %s", got.Status)
	}
	// Media-only approval.
	if err := e.SetSchedule(ctx, scope, PostingSchedule{RequireApproval: schemas.ApprovalMediaOnly, MaxLateness: -1}); err != nil {
		t.Fatal(err)
	}
	text, _ := e.Create(ctx, NewJob{Scope: scope, Tool: "publish_text", Args: json.RawMessage(`{"text":"t"}`), FireAt: t0.Add(2 * time.Hour)})
	media, _ := e.Create(ctx, NewJob{Scope: scope, Tool: "publish_media", Args: json.RawMessage(`{"type":"image"}`), Media: true, FireAt: t0.Add(2 * time.Hour)})
	if text.Status != schemas.ScheduleScheduled || media.Status != schemas.ScheduleAwaitingApproval {
		t.Fatalf("media_only: text %s media %s", text.Status, media.Status)
	}
}

func TestMinimumGapDefersToGapEnd(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	e, clk, f := clocked(t, t0)
	if err := e.SetSchedule(t.Context(), scope, PostingSchedule{MinGap: 30 * time.Minute, MaxLateness: -1}); err != nil {
		t.Fatal(err)
	}
	a := create(t, e, t0.Add(time.Hour))
	b := create(t, e, t0.Add(time.Hour+10*time.Minute))
	clk.Set(a.FireAt)
	if got := fire(t, e, a.ID); got.Status != schemas.SchedulePublished {
		t.Fatal(got.Status)
	}
	clk.Set(b.FireAt)
	got := fire(t, e, b.ID)
	if got.Status != schemas.ScheduleScheduled || !got.NotBefore.Equal(a.FireAt.Add(30*time.Minute)) || !strings.Contains(got.Note, "minimum gap") {
		t.Fatalf("b: %s not before %s note %q", got.Status, got.NotBefore, got.Note)
	}
	if got.Revision == b.Revision || got.RiverJobID == b.RiverJobID {
		t.Fatal("deferral did not enqueue a new revision")
	}
	clk.Set(got.NotBefore)
	if got := fire(t, e, b.ID); got.Status != schemas.SchedulePublished || f.count(b.ID) != 1 {
		t.Fatalf("b after the gap: %s (fires %d)", got.Status, f.count(b.ID))
	}
}

func TestOutcomes(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	until := t0.Add(5 * time.Hour)
	tests := []struct {
		name   string
		err    error
		last   bool
		want   string
		retry  bool
		event  string
		inNote string
	}{
		{"defer", &DeferError{Until: until, Reason: "the Threads publishing quota is spent"}, false, schemas.ScheduleScheduled, false, "", "quota"},
		{"unknown outcome retries", &RetryError{Err: errors.New("timeout")}, false, schemas.SchedulePublishing, true, "", ""},
		{"unknown outcome, last attempt", &RetryError{Err: errors.New("timeout")}, true, schemas.ScheduleFailed, false, EventFailed, ""},
		{"refused", errors.New("Threads refused the request"), false, schemas.ScheduleFailed, false, EventFailed, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, clk, f := clocked(t, t0)
			f.err = func(*Job) error { return tc.err }
			j := create(t, e, t0.Add(time.Hour))
			clk.Set(j.FireAt)
			err := e.Fire(t.Context(), j.ID, j.Revision, tc.last)
			if (err != nil) != tc.retry {
				t.Fatalf("fire error %v", err)
			}
			got, _ := e.Get(t.Context(), j.ID)
			if got.Status != tc.want || !strings.Contains(got.Note, tc.inNote) {
				t.Fatalf("status %s note %q", got.Status, got.Note)
			}
			if tc.name == "defer" && !got.NotBefore.Equal(until) {
				t.Fatalf("deferred to %s, want %s", got.NotBefore, until)
			}
			if tc.event != "" && (len(f.events) != 1 || f.events[0].Event != tc.event || f.events[0].Job.Error == "") {
				t.Fatalf("events %+v", f.events)
			}
			if tc.retry { // the retry of the same revision publishes
				f.err = nil
				if err := e.Fire(t.Context(), j.ID, j.Revision, false); err != nil {
					t.Fatal(err)
				}
				if got, _ := e.Get(t.Context(), j.ID); got.Status != schemas.SchedulePublished || got.Attempts != 2 {
					t.Fatalf("retry: %s after %d attempts", got.Status, got.Attempts)
				}
			}
		})
	}
}

func TestStaleAndEndedJobsDoNothing(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	e, clk, f := clocked(t, t0)
	ctx := t.Context()
	j := create(t, e, t0.Add(time.Hour))
	moved, err := e.Reschedule(ctx, j.ID, t0.Add(2*time.Hour), "UTC")
	if err != nil {
		t.Fatal(err)
	}
	clk.Set(t0.Add(2 * time.Hour))
	if err := e.Fire(ctx, j.ID, j.Revision, false); err != nil || f.count(j.ID) != 0 {
		t.Fatalf("stale revision fired: %v %d", err, f.count(j.ID))
	}
	c := create(t, e, t0.Add(3*time.Hour))
	if _, err := e.Cancel(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Cancel(ctx, c.ID); err == nil {
		t.Fatal("cancelled twice")
	}
	if got := fire(t, e, moved.ID); got.Status != schemas.SchedulePublished {
		t.Fatal(got.Status)
	}
	_, err = e.Cancel(ctx, moved.ID)
	var se *StateError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "delete_post") {
		t.Fatalf("cancel after publish: %v", err)
	}
}

func TestRecoverResumesDeadWorker(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	e, clk, f := clocked(t, t0)
	ctx := t.Context()
	j := create(t, e, t0.Add(time.Hour))
	clk.Set(j.FireAt)
	// A worker claims it and dies.
	if _, err := e.db.ExecContext(ctx, sqlClaimJob, "dead", j.FireAt.Add(DefaultLease).UnixMilli(), j.Revision, j.FireAt.UnixMilli(), j.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Get(ctx, j.ID); got.Revision != j.Revision {
		t.Fatal("a live lease was taken over")
	}
	clk.Set(j.FireAt.Add(DefaultLease + time.Second))
	if err := e.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := e.Get(ctx, j.ID)
	if got.Revision != j.Revision+1 || got.Status != schemas.SchedulePublishing {
		t.Fatalf("not re-enqueued: rev %d status %s", got.Revision, got.Status)
	}
	if got := fire(t, e, j.ID); got.Status != schemas.SchedulePublished || f.count(j.ID) != 1 || !strings.Contains(got.Note, "resumed") {
		t.Fatalf("resumed: %s %q", got.Status, got.Note)
	}
}

func TestSlotsAcrossDST(t *testing.T) {
	tests := []struct {
		name  string
		zone  string
		slots []schemas.PostingSlot
		after string
		want  []string
	}{
		{"berlin spring forward", "Europe/Berlin", []schemas.PostingSlot{{Days: schemas.Weekdays(), Times: []string{"09:00"}}},
			"2026-03-28T00:00:00Z", []string{"2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z", "2026-03-30T07:00:00Z"}},
		{"berlin slot in the gap", "Europe/Berlin", []schemas.PostingSlot{{Days: []string{"sun"}, Times: []string{"02:30"}}},
			"2026-03-28T00:00:00Z", []string{"2026-03-29T01:30:00Z", "2026-04-05T00:30:00Z"}},
		{"berlin slot in the overlap", "Europe/Berlin", []schemas.PostingSlot{{Days: []string{"sun"}, Times: []string{"02:30"}}},
			"2026-10-24T00:00:00Z", []string{"2026-10-25T00:30:00Z", "2026-11-01T01:30:00Z"}},
		{"new york fall back", "America/New_York", []schemas.PostingSlot{{Days: []string{"sat", "sun", "mon"}, Times: []string{"12:30"}}},
			"2026-10-31T00:00:00Z", []string{"2026-10-31T16:30:00Z", "2026-11-01T17:30:00Z", "2026-11-02T17:30:00Z"}},
		{"leap day", "UTC", []schemas.PostingSlot{{Days: []string{"tue"}, Times: []string{"09:00"}}},
			"2028-02-28T12:00:00Z", []string{"2028-02-29T09:00:00Z", "2028-03-07T09:00:00Z"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			after, _ := time.Parse(time.RFC3339, tc.after)
			e, _, _ := clocked(t, after)
			if err := e.SetSchedule(t.Context(), scope, PostingSchedule{Timezone: tc.zone, Slots: tc.slots, MaxLateness: -1}); err != nil {
				t.Fatal(err)
			}
			got, err := e.NextSlots(t.Context(), scope, after, len(tc.want))
			if err != nil {
				t.Fatal(err)
			}
			var s []string
			for _, g := range got {
				s = append(s, g.UTC().Format(time.RFC3339))
			}
			if strings.Join(s, " ") != strings.Join(tc.want, " ") {
				t.Fatalf("got %v, want %v", s, tc.want)
			}
		})
	}
	// A taken slot and the minimum gap are skipped.
	after := time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC) // a Monday
	e, _, _ := clocked(t, after)
	ctx := t.Context()
	if err := e.SetSchedule(ctx, scope, PostingSchedule{Timezone: "UTC", MinGap: 2 * time.Hour, MaxLateness: -1,
		Slots: []schemas.PostingSlot{{Days: []string{"mon"}, Times: []string{"09:00", "10:00", "12:30"}}}}); err != nil {
		t.Fatal(err)
	}
	create(t, e, time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC))
	got, err := e.NextSlots(ctx, scope, after, 1)
	if err != nil || !got[0].Equal(time.Date(2026, 5, 4, 12, 30, 0, 0, time.UTC)) {
		t.Fatalf("next free slot %v %v", got, err)
	}
	var ns *NoSlotError
	if _, err := e.NextSlots(ctx, Scope{Sandbox: true, Account: "other"}, after, 1); !errors.As(err, &ns) {
		t.Fatalf("no slots: %v", err)
	}
}

func TestTwoWorkersFireEachJobOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two River clients")
	}
	dir := migratedDir(t)
	f := newFakeFirer()
	var engines []*Engine
	for range 2 {
		st, err := state.Open(t.Context(), dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		e, err := Open(t.Context(), st, WithSandbox(true))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = e.Close() })
		if err := e.Start(t.Context(), f); err != nil {
			t.Fatal(err)
		}
		engines = append(engines, e)
	}
	const n = 20
	at := time.Now().Add(time.Second)
	var ids []string
	for i := range n {
		j, err := engines[i%2].Create(t.Context(), NewJob{Scope: scope, Tool: "publish_text", Args: json.RawMessage(`{"text":"x"}`), FireAt: at})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	for _, id := range ids {
		waitStatus(t, engines[0], id, schemas.SchedulePublished)
	}
	for _, id := range ids {
		if c := f.count(id); c != 1 {
			t.Errorf("job %s fired %d times", id, c)
		}
	}
}
