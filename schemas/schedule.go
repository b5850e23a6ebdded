package schemas

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/invopop/jsonschema"
)

// This file holds the arguments, results and rules of the schedule toolset:
// when a post is to be published (an instant, a local time in an IANA zone,
// or the account's next free slot), the states of a scheduled post, and an
// account's posting schedule. Resolving a local time is a rule of its own
// (ResolveLocalTime): a wall-clock time that a daylight-saving change skips
// is refused, and one it repeats needs fold.

// Statuses of a scheduled post.
const (
	ScheduleDraft            = "draft"
	ScheduleAwaitingApproval = "awaiting_approval"
	ScheduleScheduled        = "scheduled"
	SchedulePublishing       = "publishing"
	SchedulePublished        = "published"
	ScheduleFailed           = "failed"
	ScheduleCancelled        = "cancelled"
	ScheduleSkipped          = "skipped"
)

// ScheduleStatuses returns every status of a scheduled post.
func ScheduleStatuses() []string {
	return []string{ScheduleDraft, ScheduleAwaitingApproval, ScheduleScheduled, SchedulePublishing, SchedulePublished,
		ScheduleFailed, ScheduleCancelled, ScheduleSkipped}
}

// Approval modes (the account setting require_approval).
const (
	ApprovalNever     = "never"
	ApprovalAlways    = "always"
	ApprovalMediaOnly = "media_only"
)

// ApprovalModes returns the values of require_approval.
func ApprovalModes() []string { return []string{ApprovalNever, ApprovalAlways, ApprovalMediaOnly} }

// Missed-run policies: what a job whose instant passed while no worker ran
// does once one runs.
const (
	MissedPublishLate = "publish_late"
	MissedSkip        = "skip"
)

// MissedRunPolicies returns the values of missed_run_policy.
func MissedRunPolicies() []string { return []string{MissedPublishLate, MissedSkip} }

// Folds choose between the two instants of a local time repeated by a
// daylight-saving change.
const (
	FoldEarlier = "earlier"
	FoldLater   = "later"
)

// Folds returns the values of fold.
func Folds() []string { return []string{FoldEarlier, FoldLater} }

// SlotNext is the only slot value: the account's next free slot.
const SlotNext = "next"

// Scheduling limits.
const (
	// DefaultMaxLateness is how late a missed job may still publish under
	// publish_late.
	DefaultMaxLateness = 6 * time.Hour
	// OnTime is how late a job may fire and still count as on time (a job
	// later than this missed its run and follows the missed-run policy).
	OnTime = time.Minute
	// MaxScheduleAhead is how far ahead a post may be scheduled.
	MaxScheduleAhead = 366 * 24 * time.Hour
	// MaxSlots is the most weekly slots a posting schedule holds.
	MaxSlots = 100
	// MaxMinGap is the longest minimum gap between posts.
	MaxMinGap = 24 * time.Hour
	// DefaultSuggestWeeks is how many weeks suggest_posting_times reads.
	DefaultSuggestWeeks = 8
	// MaxSuggestWeeks is the most weeks it reads.
	MaxSuggestWeeks = 26
	// MinSuggestSample is the fewest posts behind an hour of the week for
	// its median to be trusted.
	MinSuggestSample = 3
	// MaxScheduledPage is the largest page of list_scheduled.
	MaxScheduledPage = 100
)

// localLayouts are the accepted forms of local_time.
var localLayouts = []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"}

// Weekdays are the day names of a posting slot, Monday first.
func Weekdays() []string { return []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} }

// WeekdayOf returns the time.Weekday of a day name from Weekdays.
func WeekdayOf(name string) (time.Weekday, bool) {
	for i, d := range Weekdays() {
		if d == name {
			return time.Weekday((i + 1) % 7), true
		}
	}
	return 0, false
}

// WhenArgs say when a post is published: exactly one of publish_at,
// local_time (with timezone, or the account's) or slot.
type WhenArgs struct {
	PublishAt string `json:"publish_at,omitempty" jsonschema_description:"RFC 3339 instant with offset, e.g. 2026-03-01T09:00:00+01:00."`
	LocalTime string `json:"local_time,omitempty" jsonschema_description:"Wall-clock time YYYY-MM-DDTHH:MM in timezone."`
	Timezone  string `json:"timezone,omitempty" jsonschema_description:"IANA zone for local_time; default the account's."`
	Fold      string `json:"fold,omitempty" jsonschema_description:"For a local time repeated by a DST change."`
	Slot      string `json:"slot,omitempty" jsonschema_description:"\"next\": the account's next free posting slot."`
}

// extendWhen sets the enums of the WhenArgs properties on s.
func extendWhen(s *jsonschema.Schema) {
	setEnum(s, "fold", Folds())
	setEnum(s, "slot", []string{SlotNext})
}

// normalizeWhen trims the fields of w.
func (w *WhenArgs) normalizeWhen() {
	w.PublishAt = strings.TrimSpace(w.PublishAt)
	w.LocalTime = strings.TrimSpace(w.LocalTime)
	w.Timezone = strings.TrimSpace(w.Timezone)
	w.Fold = normalizeEnum(w.Fold)
	w.Slot = normalizeEnum(w.Slot)
}

// Given reports whether any of the when fields is set.
func (w *WhenArgs) Given() bool { return w.PublishAt != "" || w.LocalTime != "" || w.Slot != "" }

// checkWhen checks the shape of w: one way of saying when, each well formed.
// required says whether one must be given.
func (w *WhenArgs) checkWhen(errs *FieldErrors, required bool) {
	n := 0
	for _, v := range []string{w.PublishAt, w.LocalTime, w.Slot} {
		if v != "" {
			n++
		}
	}
	switch {
	case n == 0 && required:
		errs.add(newFieldError("publish_at", "missing", "", "say when to publish",
			`give publish_at (RFC 3339 with offset), or local_time with timezone, or slot: "next"`))
	case n > 1:
		errs.add(newFieldError("publish_at", "conflicting", "", "publish_at, local_time and slot are alternatives",
			"give exactly one of them"))
	}
	if w.PublishAt != "" {
		if _, err := time.Parse(time.RFC3339, w.PublishAt); err != nil {
			errs.add(newFieldError("publish_at", "not RFC 3339", w.PublishAt, "an instant needs a date, a time and an offset",
				"write it like 2026-03-01T09:00:00+01:00 or 2026-03-01T08:00:00Z, or use local_time with timezone"))
		}
	}
	if w.LocalTime != "" {
		if _, err := ParseLocalTime(w.LocalTime); err != nil {
			errs.add(newFieldError("local_time", "not a local time", w.LocalTime, "a local time is a date and a wall-clock time without offset",
				"write it like 2026-03-01T09:00 and give the zone in timezone"))
		}
	}
	if w.Timezone != "" {
		if w.LocalTime == "" {
			errs.add(newFieldError("timezone", "without local_time", w.Timezone, "timezone applies to local_time only",
				"drop timezone, or give local_time"))
		}
		errs.add(CheckTimezone("timezone", w.Timezone))
	}
	if w.Fold != "" && w.LocalTime == "" {
		errs.add(newFieldError("fold", "without local_time", w.Fold, "fold chooses between the two instants of a repeated local time",
			"drop fold, or give local_time"))
	}
	errs.add(checkEnum("fold", w.Fold, Folds()))
	errs.add(checkEnum("slot", w.Slot, []string{SlotNext}))
}

// ParseLocalTime parses a wall-clock time (no offset) as UTC fields.
func ParseLocalTime(s string) (time.Time, error) {
	for _, l := range localLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("local time %q is not YYYY-MM-DDTHH:MM[:SS]", s)
}

// CheckTimezone checks that zone names an IANA time zone; nil when it does
// (or is empty).
func CheckTimezone(field, zone string) *FieldError {
	if zone == "" {
		return nil
	}
	if zone == "Local" {
		return newFieldError(field, "not an IANA zone", zone, `"Local" depends on the machine`, "name a zone such as Europe/Berlin or America/New_York")
	}
	if _, err := time.LoadLocation(zone); err != nil {
		return newFieldError(field, "unknown time zone", zone, "not in the IANA time zone database",
			"name a zone such as Europe/Berlin, America/New_York or UTC")
	}
	return nil
}

// ResolveLocalTime returns the instant at which the clocks of loc show the
// wall-clock time wall (its date and time fields, read as UTC fields). A
// wall time skipped by a daylight-saving change (a gap) is refused, naming
// the last valid time before it and the first after; one repeated (an
// overlap) is refused unless fold picks the earlier or the later instant.
// field names the argument in the FieldError.
func ResolveLocalTime(field string, wall time.Time, loc *time.Location, fold string) (time.Time, *FieldError) {
	y, mo, d := wall.Date()
	h, mi, s := wall.Clock()
	u := time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	var found []time.Time
	seen := map[int]bool{}
	for _, probe := range []time.Time{u.Add(-36 * time.Hour), u, u.Add(36 * time.Hour)} {
		_, off := probe.In(loc).Zone()
		if seen[off] {
			continue
		}
		seen[off] = true
		t := u.Add(-time.Duration(off) * time.Second)
		if sameWall(t.In(loc), u) {
			found = append(found, t)
		}
	}
	show := wall.Format("2006-01-02T15:04")
	switch len(found) {
	case 0:
		before, after := gapEdges(u, loc)
		return time.Time{}, newFieldError(field, "in a DST gap", show,
			fmt.Sprintf("clocks in %s skip from %s to %s on that day, so %s never happens", loc, before.Format("15:04"), after.Format("15:04"), wall.Format("15:04")),
			fmt.Sprintf("pick a time before %s or from %s on (e.g. %s)", before.Format("15:04"), after.Format("15:04"), after.Format("2006-01-02T15:04")))
	case 1:
		return found[0], nil
	}
	if found[0].After(found[1]) {
		found[0], found[1] = found[1], found[0]
	}
	switch fold {
	case FoldEarlier:
		return found[0], nil
	case FoldLater:
		return found[1], nil
	}
	return time.Time{}, newFieldError(field, "in a DST overlap", show,
		fmt.Sprintf("clocks in %s show %s twice on that day: at %s and at %s", loc, wall.Format("15:04"),
			found[0].In(loc).Format(time.RFC3339), found[1].In(loc).Format(time.RFC3339)),
		`add fold: "earlier" (the first, before the clocks go back) or fold: "later" (the second)`)
}

// sameWall reports whether t shows the wall clock of u (u's fields in UTC).
func sameWall(t, u time.Time) bool {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC).Equal(u)
}

// gapEdges returns the wall clocks (as UTC fields) a gap around u skips
// from and to: the clocks jump from before to after.
func gapEdges(u time.Time, loc *time.Location) (before, after time.Time) {
	_, offA := u.Add(-36 * time.Hour).In(loc).Zone()
	_, offB := u.Add(36 * time.Hour).In(loc).Zone()
	lo, hi := u.Add(-time.Duration(offA)*time.Second), u.Add(-time.Duration(offB)*time.Second)
	if lo.After(hi) {
		lo, hi = hi, lo
	}
	// Find the transition instant between lo and hi, to the second.
	_, offLo := lo.In(loc).Zone()
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2)
		if _, off := mid.In(loc).Zone(); off == offLo {
			lo = mid
		} else {
			hi = mid
		}
	}
	tr := hi.Truncate(time.Second).In(loc)
	after = time.Date(tr.Year(), tr.Month(), tr.Day(), tr.Hour(), tr.Minute(), 0, 0, time.UTC)
	before = after.Add(-time.Duration(offB-offA) * time.Second)
	return before, after
}

// ScheduleTarget is the publishing call a scheduled post makes: a
// publishing tool and its arguments.
type ScheduleTarget struct {
	Tool      string         `json:"tool" jsonschema:"required" jsonschema_description:"Publishing tool to run."`
	Arguments map[string]any `json:"arguments" jsonschema:"required" jsonschema_description:"That tool's arguments, checked as validate_post does."`
}

// checkTarget checks the tool name and the arguments the schedule owns.
func (t *ScheduleTarget) checkTarget(errs *FieldErrors) {
	errs.add(checkEnum("tool", t.Tool, ValidatableTools()))
	if _, ok := t.Arguments["idempotency_key"]; ok {
		errs.add(newFieldError("arguments.idempotency_key", "not allowed", fmt.Sprint(t.Arguments["idempotency_key"]),
			"a scheduled post is published exactly once by its job id", "drop idempotency_key"))
	}
	if _, ok := t.Arguments["account"]; ok {
		errs.add(newFieldError("arguments.account", "not allowed", fmt.Sprint(t.Arguments["account"]),
			"the account of a scheduled post is schedule_post's own account argument", "move it to account"))
	}
}

// SchedulePostArgs are the arguments of schedule_post.
type SchedulePostArgs struct {
	ScheduleTarget
	WhenArgs
	Status string `json:"status,omitempty" jsonschema_description:"\"draft\" stores it unscheduled."`
	AccountArg
}

// JSONSchemaExtend adds the enums.
func (SchedulePostArgs) JSONSchemaExtend(s *jsonschema.Schema) {
	setEnum(s, "tool", ValidatableTools())
	setEnum(s, "status", []string{ScheduleDraft, ScheduleScheduled})
	extendWhen(s)
}

// Normalize trims the fields.
func (a *SchedulePostArgs) Normalize() {
	a.Tool = normalizeEnum(a.Tool)
	a.Status = normalizeEnum(a.Status)
	a.normalizeWhen()
}

// Validate checks the tool, the status and when (required unless a draft).
func (a *SchedulePostArgs) Validate() error {
	var errs FieldErrors
	a.checkTarget(&errs)
	errs.add(checkEnum("status", a.Status, []string{ScheduleDraft, ScheduleScheduled}))
	a.checkWhen(&errs, a.Status != ScheduleDraft)
	return errs.Err()
}

// JobArg names a scheduled post.
type JobArg struct {
	ID string `json:"id" jsonschema:"required" jsonschema_description:"Job id from schedule_post or list_scheduled."`
}

func (j *JobArg) checkJob(errs *FieldErrors) {
	if j.ID = strings.TrimSpace(j.ID); !ValidJobID(j.ID) {
		errs.add(newFieldError("id", "not a job id", j.ID, "job ids look like job_ followed by 26 letters and digits",
			"copy the id from schedule_post or list_scheduled"))
	}
}

// JobIDPrefix starts every job id.
const JobIDPrefix = "job_"

// ValidJobID reports whether s has the shape of a job id.
func ValidJobID(s string) bool {
	rest, ok := strings.CutPrefix(s, JobIDPrefix)
	if !ok || len(rest) != 26 {
		return false
	}
	for _, r := range rest {
		if !(r >= 'A' && r <= 'Z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}

// GetScheduledArgs are the arguments of get_scheduled, cancel_scheduled and
// approve_scheduled.
type GetScheduledArgs struct {
	JobArg
}

// Validate checks the id.
func (a *GetScheduledArgs) Validate() error {
	var errs FieldErrors
	a.checkJob(&errs)
	return errs.Err()
}

// RescheduleArgs are the arguments of reschedule_post.
type RescheduleArgs struct {
	JobArg
	WhenArgs
}

// JSONSchemaExtend adds the enums.
func (RescheduleArgs) JSONSchemaExtend(s *jsonschema.Schema) { extendWhen(s) }

// Normalize trims the fields.
func (a *RescheduleArgs) Normalize() { a.normalizeWhen() }

// Validate checks the id and when.
func (a *RescheduleArgs) Validate() error {
	var errs FieldErrors
	a.checkJob(&errs)
	a.checkWhen(&errs, true)
	return errs.Err()
}

// UpdateScheduledArgs are the arguments of update_scheduled.
type UpdateScheduledArgs struct {
	JobArg
	Arguments map[string]any `json:"arguments" jsonschema:"required" jsonschema_description:"New arguments of the job's tool (replace the old ones)."`
}

// Validate checks the id and the arguments the schedule owns.
func (a *UpdateScheduledArgs) Validate() error {
	var errs FieldErrors
	a.checkJob(&errs)
	t := ScheduleTarget{Tool: ValidatableTools()[0], Arguments: a.Arguments}
	t.checkTarget(&errs)
	return errs.Err()
}

// ListScheduledArgs are the arguments of list_scheduled.
type ListScheduledArgs struct {
	Status string `json:"status,omitempty"`
	From   string `json:"from,omitempty" jsonschema_description:"RFC 3339; jobs due at or after it."`
	To     string `json:"to,omitempty" jsonschema_description:"RFC 3339; jobs due before it."`
	Limit  int    `json:"limit,omitempty" jsonschema:"minimum=1" jsonschema_description:"Default 25."`
	Cursor string `json:"cursor,omitempty" jsonschema_description:"next_cursor of the previous page."`
	AccountArg
}

// JSONSchemaExtend adds the status enum and the page limit.
func (ListScheduledArgs) JSONSchemaExtend(s *jsonschema.Schema) {
	setEnum(s, "status", ScheduleStatuses())
	if p := property(s, "limit"); p != nil {
		p.Maximum = json.Number(strconv.Itoa(MaxScheduledPage))
	}
}

// Normalize trims the fields.
func (a *ListScheduledArgs) Normalize() {
	a.Status = normalizeEnum(a.Status)
	a.From, a.To, a.Cursor = strings.TrimSpace(a.From), strings.TrimSpace(a.To), strings.TrimSpace(a.Cursor)
}

// Defaults sets the page size.
func (a *ListScheduledArgs) Defaults() {
	if a.Limit == 0 {
		a.Limit = 25
	}
}

// Validate checks the filters.
func (a *ListScheduledArgs) Validate() error {
	var errs FieldErrors
	errs.add(checkEnum("status", a.Status, ScheduleStatuses()))
	for _, f := range []struct{ name, v string }{{"from", a.From}, {"to", a.To}} {
		if f.v == "" {
			continue
		}
		if _, err := time.Parse(time.RFC3339, f.v); err != nil {
			errs.add(newFieldError(f.name, "not RFC 3339", f.v, "a window bound is an instant with offset", "write it like 2026-03-01T00:00:00Z"))
		}
	}
	if a.Limit < 1 || a.Limit > MaxScheduledPage {
		errs.add(newFieldError("limit", "out of range", fmt.Sprint(a.Limit), fmt.Sprintf("a page holds 1 to %d jobs", MaxScheduledPage), "pick a limit in range"))
	}
	return errs.Err()
}

// ScheduledApproval is the approval state of a job.
type ScheduledApproval struct {
	Required   bool   `json:"required"`
	Approved   bool   `json:"approved"`
	ApprovedBy string `json:"approved_by,omitempty" jsonschema_description:"elicitation or cli."`
	ApprovedAt string `json:"approved_at,omitempty"`
	Digest     string `json:"digest" jsonschema_description:"SHA-256 of tool and arguments; an approval holds for this digest only."`
}

// ScheduledPost is one job of the schedule.
type ScheduledPost struct {
	ID        string            `json:"id"`
	Account   string            `json:"account"`
	Tool      string            `json:"tool"`
	Arguments map[string]any    `json:"arguments"`
	Status    string            `json:"status"`
	PublishAt string            `json:"publish_at,omitempty" jsonschema_description:"UTC instant."`
	DeferTo   string            `json:"deferred_to,omitempty" jsonschema_description:"When it fires instead (quota, minimum gap)."`
	Timezone  string            `json:"timezone,omitempty"`
	LocalTime string            `json:"local_time,omitempty" jsonschema_description:"publish_at in timezone."`
	Approval  ScheduledApproval `json:"approval"`
	Result    map[string]any    `json:"result,omitempty" jsonschema_description:"The publishing tool's result."`
	PostID    string            `json:"post_id,omitempty"`
	Permalink string            `json:"permalink,omitempty"`
	Error     string            `json:"error,omitempty"`
	Note      string            `json:"note,omitempty" jsonschema_description:"What happened and why (late, skipped, snoozed)."`
	Attempts  int               `json:"attempts,omitempty"`
	FiredAt   string            `json:"fired_at,omitempty"`
	CreatedAt string            `json:"created_at"`
	UpdatedAt string            `json:"updated_at"`
}

// WorkerStatus says whether a worker runs to fire the jobs.
type WorkerStatus struct {
	Running bool   `json:"running"`
	Note    string `json:"note"`
}

// ScheduledResult is the result of schedule_post, get_scheduled,
// reschedule_post, update_scheduled, cancel_scheduled and approve_scheduled.
type ScheduledResult struct {
	ResultMeta
	Job    ScheduledPost `json:"job"`
	Worker WorkerStatus  `json:"worker"`
	Note   string        `json:"note,omitempty"`
}

// ListScheduledResult is the result of list_scheduled.
type ListScheduledResult struct {
	ResultMeta
	Items      []ScheduledPost `json:"items"`
	NextCursor string          `json:"next_cursor,omitempty"`
	Worker     WorkerStatus    `json:"worker"`
}

// PostingSlot is a set of wall-clock times on some days of the week.
type PostingSlot struct {
	Days  []string `json:"days" jsonschema:"required" jsonschema_description:"mon … sun."`
	Times []string `json:"times" jsonschema:"required" jsonschema_description:"HH:MM in the schedule's timezone."`
}

// SetPostingScheduleArgs are the arguments of set_posting_schedule; fields
// left out keep their value.
type SetPostingScheduleArgs struct {
	Timezone        string        `json:"timezone,omitempty" jsonschema_description:"IANA zone of the account."`
	Slots           []PostingSlot `json:"slots,omitempty" jsonschema_description:"Weekly slots for slot: next (replace the old ones)."`
	MinGapMinutes   *int          `json:"min_gap_minutes,omitempty" jsonschema_description:"Minimum minutes between posts."`
	RequireApproval string        `json:"require_approval,omitempty"`
	MissedRunPolicy string        `json:"missed_run_policy,omitempty" jsonschema_description:"For jobs whose time passed with no worker running."`
	MaxLatenessMins *int          `json:"max_lateness_minutes,omitempty" jsonschema_description:"publish_late limit; default 360."`
	AccountArg
}

// JSONSchemaExtend adds the enums and limits.
func (SetPostingScheduleArgs) JSONSchemaExtend(s *jsonschema.Schema) {
	setEnum(s, "require_approval", ApprovalModes())
	setEnum(s, "missed_run_policy", MissedRunPolicies())
	if p := property(s, "slots"); p != nil {
		n := uint64(MaxSlots)
		p.MaxItems = &n
	}
}

// Normalize trims and lower-cases the fields.
func (a *SetPostingScheduleArgs) Normalize() {
	a.Timezone = strings.TrimSpace(a.Timezone)
	a.RequireApproval = normalizeEnum(a.RequireApproval)
	a.MissedRunPolicy = normalizeEnum(a.MissedRunPolicy)
	for i := range a.Slots {
		for j := range a.Slots[i].Days {
			a.Slots[i].Days[j] = normalizeEnum(a.Slots[i].Days[j])
			if len(a.Slots[i].Days[j]) > 3 {
				a.Slots[i].Days[j] = a.Slots[i].Days[j][:3]
			}
		}
		for j := range a.Slots[i].Times {
			a.Slots[i].Times[j] = strings.TrimSpace(a.Slots[i].Times[j])
		}
	}
}

// Validate checks every field.
func (a *SetPostingScheduleArgs) Validate() error {
	var errs FieldErrors
	errs.add(CheckTimezone("timezone", a.Timezone))
	errs.add(checkEnum("require_approval", a.RequireApproval, ApprovalModes()))
	errs.add(checkEnum("missed_run_policy", a.MissedRunPolicy, MissedRunPolicies()))
	n := 0
	for i, sl := range a.Slots {
		if len(sl.Days) == 0 || len(sl.Times) == 0 {
			errs.add(newFieldError(fmt.Sprintf("slots[%d]", i), "empty", "", "a slot needs days and times", `give e.g. {"days":["mon","fri"],"times":["09:00"]}`))
		}
		for j, d := range sl.Days {
			if _, ok := WeekdayOf(d); !ok {
				errs.add(newFieldError(fmt.Sprintf("slots[%d].days[%d]", i, j), "not a day", d, "days are "+strings.Join(Weekdays(), ", "), "use a three-letter day name"))
			}
		}
		for j, t := range sl.Times {
			if _, err := time.Parse("15:04", t); err != nil {
				errs.add(newFieldError(fmt.Sprintf("slots[%d].times[%d]", i, j), "not HH:MM", t, "a slot time is a 24-hour wall-clock time", "write it like 09:00 or 18:30"))
			}
		}
		n += len(sl.Days) * len(sl.Times)
	}
	if n > MaxSlots {
		errs.add(newFieldError("slots", "too many", fmt.Sprint(n), fmt.Sprintf("the days × times add up to %d slots a week, limit %d", n, MaxSlots), "use fewer days or times"))
	}
	if a.MinGapMinutes != nil && (*a.MinGapMinutes < 0 || time.Duration(*a.MinGapMinutes)*time.Minute > MaxMinGap) {
		errs.add(newFieldError("min_gap_minutes", "out of range", fmt.Sprint(*a.MinGapMinutes), fmt.Sprintf("0 to %d minutes", int(MaxMinGap.Minutes())), "pick a gap in range"))
	}
	if a.MaxLatenessMins != nil && (*a.MaxLatenessMins < 0 || time.Duration(*a.MaxLatenessMins)*time.Minute > 7*24*time.Hour) {
		errs.add(newFieldError("max_lateness_minutes", "out of range", fmt.Sprint(*a.MaxLatenessMins), "0 to 10080 minutes (a week)", "pick a lateness in range"))
	}
	return errs.Err()
}

// GetPostingScheduleArgs are the arguments of get_posting_schedule.
type GetPostingScheduleArgs struct {
	AccountArg
}

// Validate has nothing to check beyond the account.
func (a *GetPostingScheduleArgs) Validate() error { return nil }

// PostingScheduleResult is an account's posting schedule.
type PostingScheduleResult struct {
	ResultMeta
	Timezone           string        `json:"timezone"`
	Slots              []PostingSlot `json:"slots"`
	MinGapMinutes      int           `json:"min_gap_minutes"`
	RequireApproval    string        `json:"require_approval"`
	MissedRunPolicy    string        `json:"missed_run_policy"`
	MaxLatenessMinutes int           `json:"max_lateness_minutes"`
	NextSlots          []string      `json:"next_slots,omitempty" jsonschema_description:"The next free slots (UTC)."`
}

// SuggestPostingTimesArgs are the arguments of suggest_posting_times.
type SuggestPostingTimesArgs struct {
	Weeks int `json:"weeks,omitempty" jsonschema:"minimum=1" jsonschema_description:"Weeks of the account's posts to read; default 8."`
	AccountArg
}

// JSONSchemaExtend sets the weeks limit.
func (SuggestPostingTimesArgs) JSONSchemaExtend(s *jsonschema.Schema) {
	if p := property(s, "weeks"); p != nil {
		p.Maximum = json.Number(strconv.Itoa(MaxSuggestWeeks))
	}
}

// Defaults sets the weeks.
func (a *SuggestPostingTimesArgs) Defaults() {
	if a.Weeks == 0 {
		a.Weeks = DefaultSuggestWeeks
	}
}

// Validate checks the weeks.
func (a *SuggestPostingTimesArgs) Validate() error {
	var errs FieldErrors
	if a.Weeks < 1 || a.Weeks > MaxSuggestWeeks {
		errs.add(newFieldError("weeks", "out of range", fmt.Sprint(a.Weeks), fmt.Sprintf("1 to %d weeks", MaxSuggestWeeks), "pick a number of weeks in range"))
	}
	return errs.Err()
}

// SuggestedHour is one hour of the week and how the account's posts
// published in it did.
type SuggestedHour struct {
	Day                  string  `json:"day" jsonschema_description:"mon … sun, in timezone."`
	Time                 string  `json:"time" jsonschema_description:"HH:00, the start of the hour."`
	Posts                int     `json:"posts" jsonschema_description:"Posts behind the median."`
	MedianEngagementRate float64 `json:"median_engagement_rate" jsonschema_description:"Interactions per view."`
	Trusted              bool    `json:"trusted" jsonschema_description:"Enough posts for the median to mean something."`
}

// SuggestPostingTimesResult is the result of suggest_posting_times.
type SuggestPostingTimesResult struct {
	ResultMeta
	Timezone   string          `json:"timezone"`
	Weeks      int             `json:"weeks"`
	Considered int             `json:"considered" jsonschema_description:"Posts with insights read."`
	Hours      []SuggestedHour `json:"hours" jsonschema_description:"Best median engagement first."`
	Slots      []PostingSlot   `json:"slots" jsonschema_description:"The trusted best hours, as set_posting_schedule slots."`
	Summary    string          `json:"summary"`
}
