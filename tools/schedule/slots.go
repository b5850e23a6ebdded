package schedule

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
)

// PostingSchedule is an account's scheduling settings: its timezone, its
// weekly slots (for slot "next"), the minimum gap between posts, whether a
// human approves posts, and what a missed job does.
type PostingSchedule struct {
	Timezone        string
	Slots           []schemas.PostingSlot
	MinGap          time.Duration
	RequireApproval string
	MissedRunPolicy string
	MaxLateness     time.Duration
}

// withDefaults fills the settings never set.
func (p PostingSchedule) withDefaults() PostingSchedule {
	if p.Timezone == "" {
		p.Timezone = "UTC"
	}
	if p.RequireApproval == "" {
		p.RequireApproval = schemas.ApprovalNever
	}
	if p.MissedRunPolicy == "" {
		p.MissedRunPolicy = schemas.MissedPublishLate
	}
	if p.MaxLateness < 0 {
		p.MaxLateness = schemas.DefaultMaxLateness
	}
	if p.Slots == nil {
		p.Slots = []schemas.PostingSlot{}
	}
	return p
}

// NeedsApproval reports whether a payload (media or not) needs a human's
// approval under p.
func (p PostingSchedule) NeedsApproval(media bool) bool {
	switch p.RequireApproval {
	case schemas.ApprovalAlways:
		return true
	case schemas.ApprovalMediaOnly:
		return media
	}
	return false
}

// Location returns the schedule's time zone.
func (p PostingSchedule) Location() *time.Location {
	if loc, err := time.LoadLocation(p.Timezone); err == nil {
		return loc
	}
	return time.UTC
}

// Schedule returns the posting schedule of s (defaults when never set).
func (e *Engine) Schedule(ctx context.Context, s Scope) (PostingSchedule, error) {
	var (
		p             PostingSchedule
		slots         string
		gap, lateness int64
	)
	err := e.db.QueryRowContext(ctx, sqlGetSchedule, boolInt(s.Sandbox), s.Account).Scan(&p.Timezone, &slots, &gap, &p.RequireApproval,
		&p.MissedRunPolicy, &lateness)
	if errors.Is(err, sql.ErrNoRows) {
		return PostingSchedule{MaxLateness: -1}.withDefaults(), nil
	}
	if err != nil {
		return PostingSchedule{}, fmt.Errorf("schedule: read posting schedule: %w", err)
	}
	if slots != "" {
		if err := json.Unmarshal([]byte(slots), &p.Slots); err != nil {
			return PostingSchedule{}, fmt.Errorf("schedule: read posting slots: %w", err)
		}
	}
	p.MinGap, p.MaxLateness = time.Duration(gap)*time.Millisecond, time.Duration(lateness)*time.Millisecond
	if lateness < 0 {
		p.MaxLateness = -1
	}
	return p.withDefaults(), nil
}

// SetSchedule stores the posting schedule of s.
func (e *Engine) SetSchedule(ctx context.Context, s Scope, p PostingSchedule) error {
	slots, err := json.Marshal(p.Slots)
	if err != nil {
		return fmt.Errorf("schedule: encode slots: %w", err)
	}
	lateness := p.MaxLateness.Milliseconds()
	if p.MaxLateness < 0 {
		lateness = -1 // the default
	}
	_, err = e.db.ExecContext(ctx, sqlPutSchedule, boolInt(s.Sandbox), s.Account, p.Timezone, string(slots), p.MinGap.Milliseconds(),
		p.RequireApproval, p.MissedRunPolicy, lateness, e.now().UnixMilli())
	if err != nil {
		return fmt.Errorf("schedule: store posting schedule: %w", err)
	}
	return nil
}

// SlotTimes returns the slot instants of p from after (exclusive) for the
// next days days, in order. A slot time that a DST change skips that day
// moves forward by the length of the gap, as the clocks do (02:30 on the
// day Berlin springs forward is 03:30 CEST); one it repeats is the earlier.
func (p PostingSchedule) SlotTimes(after time.Time, days int) []time.Time {
	loc := p.Location()
	var out []time.Time
	start := after.In(loc)
	for d := 0; d <= days; d++ {
		day := time.Date(start.Year(), start.Month(), start.Day()+d, 12, 0, 0, 0, loc)
		for _, sl := range p.Slots {
			if !slices.ContainsFunc(sl.Days, func(n string) bool { w, ok := schemas.WeekdayOf(n); return ok && w == day.Weekday() }) {
				continue
			}
			for _, hm := range sl.Times {
				c, err := time.Parse("15:04", hm)
				if err != nil {
					continue
				}
				wall := time.Date(day.Year(), day.Month(), day.Day(), c.Hour(), c.Minute(), 0, 0, time.UTC)
				t, fe := schemas.ResolveLocalTime("slot", wall, loc, schemas.FoldEarlier)
				if fe != nil { // in a gap: time.Date reads it with the offset before the change
					t = time.Date(day.Year(), day.Month(), day.Day(), c.Hour(), c.Minute(), 0, 0, loc)
				}
				if t.After(after) {
					out = append(out, t)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.CompactFunc(out, func(a, b time.Time) bool { return a.Equal(b) })
}

// NoSlotError is a slot "next" asked of an account without free slots.
type NoSlotError struct{ Reason string }

func (e *NoSlotError) Error() string { return e.Reason }

// NextSlots returns up to n free slots of s after after: slot instants
// not taken by another live job and at least the minimum gap from them.
func (e *Engine) NextSlots(ctx context.Context, s Scope, after time.Time, n int) ([]time.Time, error) {
	p, err := e.Schedule(ctx, s)
	if err != nil {
		return nil, err
	}
	if len(p.Slots) == 0 {
		return nil, &NoSlotError{Reason: "the account has no posting slots: set them with set_posting_schedule (e.g. Mon–Fri 09:00, 12:30, 18:00), or give publish_at or local_time"}
	}
	const horizon = 60
	cands := p.SlotTimes(after, horizon)
	if len(cands) == 0 {
		return nil, &NoSlotError{Reason: "the posting schedule has no slot in the next 60 days"}
	}
	gap := max(p.MinGap, time.Minute)
	rows, err := e.db.QueryContext(ctx, sqlTakenSlots, boolInt(s.Sandbox), s.Account, after.Add(-gap).UnixMilli(), cands[len(cands)-1].Add(gap).UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("schedule: read taken slots: %w", err)
	}
	defer rows.Close()
	var taken []time.Time
	for rows.Next() {
		var t int64
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		taken = append(taken, time.UnixMilli(t))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []time.Time
	for _, c := range cands {
		free := true
		for _, t := range append(taken, out...) {
			if d := c.Sub(t); d > -gap && d < gap {
				free = false
				break
			}
		}
		if free {
			out = append(out, c)
			if len(out) == n {
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, &NoSlotError{Reason: "every posting slot of the next 60 days is taken"}
	}
	return out, nil
}
