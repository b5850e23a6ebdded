package tools

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/tools/schedule"
)

// This file holds the schedule toolset's tools. A scheduled post is a
// publishing tool's call stored for later: schedule_post checks its
// arguments with that tool's own checks (Tool.check, as validate_post
// does), stores them normalized, and the worker (scheduleFirer) checks them
// again and runs the tool's own code under the ledger key of the job.

// scheduleScope returns the call's account's scope in the schedule.
func (c *call) scheduleScope() schedule.Scope {
	return schedule.Scope{Sandbox: c.Sandbox, Account: c.acct.Name}
}

// scheduledJob returns the engine and the job id; with act, the call then
// acts as the job's account.
func (c *call) scheduledJob(ctx context.Context, id string, act bool) (*schedule.Engine, *schedule.Job, error) {
	eng, err := c.engine()
	if err != nil {
		return nil, nil, err
	}
	j, err := eng.Get(ctx, id)
	if err != nil {
		return nil, nil, schedErr(err)
	}
	if act {
		if c.acct, err = c.account(ctx, j.Scope.Account); err != nil {
			return nil, nil, err
		}
	}
	return eng, j, nil
}

// engine returns the schedule engine, or the error saying none is set up.
func (c *call) engine() (*schedule.Engine, error) {
	if c.Scheduler == nil {
		return nil, errors.New("scheduling needs the state database, and none is configured")
	}
	return c.Scheduler, nil
}

// checkTarget runs tool's own checks on arguments and returns the
// normalized arguments (as stored and digested), whether the post carries
// media, and a one-line preview of it.
func (c *call) checkTarget(ctx context.Context, tool string, arguments map[string]any) (json.RawMessage, bool, string, error) {
	i := slices.IndexFunc(allTools(), func(t Tool) bool { return t.Name() == tool })
	if i < 0 {
		return nil, false, "", fmt.Errorf("tool %s is not available", tool)
	}
	raw, err := json.Marshal(arguments)
	if err != nil {
		return nil, false, "", fmt.Errorf("encode arguments: %w", err)
	}
	args, err := allTools()[i].check(raw)
	if err != nil {
		return nil, false, "", &userError{msg: invalidInputText(tool, err), cause: err}
	}
	norm, err := json.Marshal(args)
	if err != nil {
		return nil, false, "", fmt.Errorf("encode arguments: %w", err)
	}
	posts, _, _, _, err := c.plan(ctx, args)
	if err != nil {
		return nil, false, "", err
	}
	var texts []string
	for _, p := range posts {
		texts = append(texts, p.Text)
	}
	preview := tool + ": " + strings.Join(texts, " ⏎ ")
	return norm, hasMedia(posts), preview, nil
}

// resolveWhen turns when into an instant and the zone to show it in,
// refusing a time in the past or too far ahead.
func (c *call) resolveWhen(ctx context.Context, eng *schedule.Engine, w *schemas.WhenArgs) (time.Time, string, error) {
	ps, err := eng.Schedule(ctx, c.scheduleScope())
	if err != nil {
		return time.Time{}, "", err
	}
	now := eng.Now()
	zone := ps.Timezone
	var (
		at    time.Time
		field = "publish_at"
	)
	switch {
	case w.PublishAt != "":
		if at, err = time.Parse(time.RFC3339, w.PublishAt); err != nil {
			return time.Time{}, "", err // checked by Validate
		}
	case w.LocalTime != "":
		field = "local_time"
		if w.Timezone != "" {
			zone = w.Timezone
		}
		loc, err := time.LoadLocation(zone)
		if err != nil {
			return time.Time{}, "", schemas.FieldErrors{schemas.CheckTimezone("timezone", zone)}
		}
		wall, err := schemas.ParseLocalTime(w.LocalTime)
		if err != nil {
			return time.Time{}, "", err
		}
		var fe *schemas.FieldError
		if at, fe = schemas.ResolveLocalTime("local_time", wall, loc, w.Fold); fe != nil {
			return time.Time{}, "", schemas.FieldErrors{fe}
		}
	default:
		slots, err := eng.NextSlots(ctx, c.scheduleScope(), now, 1)
		if err != nil {
			var ns *schedule.NoSlotError
			if errors.As(err, &ns) {
				return time.Time{}, "", schemas.FieldErrors{{Field: "slot", Rule: "no free slot", Value: w.Slot, Detail: ns.Reason,
					Fix: "set slots with set_posting_schedule, or give publish_at or local_time"}}
			}
			return time.Time{}, "", err
		}
		return slots[0], zone, nil
	}
	if !at.After(now) {
		return time.Time{}, "", schemas.FieldErrors{{Field: field, Rule: "in the past", Value: at.UTC().Format(time.RFC3339),
			Detail: fmt.Sprintf("it is %s now; a scheduled post is never published early, and this time has passed", now.UTC().Format(time.RFC3339)),
			Fix:    "give a later time, or publish now with the tool itself"}}
	}
	if at.Sub(now) > schemas.MaxScheduleAhead {
		return time.Time{}, "", schemas.FieldErrors{{Field: field, Rule: "too far ahead", Value: at.UTC().Format(time.RFC3339),
			Detail: fmt.Sprintf("posts can be scheduled up to %d days ahead", int(schemas.MaxScheduleAhead.Hours()/24)),
			Fix:    "pick an earlier time"}}
	}
	return at, zone, nil
}

// scheduledResult builds a result around job.
func (c *call) scheduledResult(ctx context.Context, eng *schedule.Engine, j *schedule.Job, note string) *schemas.ScheduledResult {
	running, wnote := eng.WorkerRunning(ctx)
	return &schemas.ScheduledResult{Job: scheduledPost(j), Worker: schemas.WorkerStatus{Running: running, Note: wnote}, Note: note}
}

// scheduledPost converts a job for results.
func scheduledPost(j *schedule.Job) schemas.ScheduledPost {
	out := schemas.ScheduledPost{ID: j.ID, Account: j.Scope.Account, Tool: j.Tool, Status: j.Status, Timezone: j.Zone,
		PostID: j.PostID, Permalink: j.Permalink, Error: j.Error, Note: j.Note, Attempts: j.Attempts,
		FiredAt: rfc3339(j.FiredAt), CreatedAt: rfc3339(j.CreatedAt), UpdatedAt: rfc3339(j.UpdatedAt),
		Approval: schemas.ScheduledApproval{Required: j.ApprovalNeeded, Approved: j.ApprovalNeeded && j.Approved(),
			ApprovedBy: j.ApprovedBy, ApprovedAt: rfc3339(j.ApprovedAt), Digest: j.Digest}}
	_ = json.Unmarshal(j.Args, &out.Arguments)
	if len(j.Result) > 0 {
		_ = json.Unmarshal(j.Result, &out.Result)
	}
	if j.Due().After(j.FireAt) {
		out.DeferTo = rfc3339(j.Due())
	}
	if !j.FireAt.IsZero() {
		out.PublishAt = rfc3339(j.FireAt)
		if loc, err := time.LoadLocation(j.Zone); err == nil && j.Zone != "" {
			out.LocalTime = j.FireAt.In(loc).Format("2006-01-02T15:04:05 MST")
		}
	}
	return out
}

// schedErr maps the engine's refusals to errors a model acts on.
func schedErr(err error) error {
	var (
		nf *schedule.NotFoundError
		se *schedule.StateError
	)
	switch {
	case errors.As(err, &nf):
		return &userError{msg: nf.Error(), cause: err}
	case errors.As(err, &se):
		return &userError{msg: se.Error(), cause: err}
	case errors.Is(err, schedule.ErrConflict):
		return &userError{msg: "the job changed while this call ran; read it with get_scheduled and try again", cause: err}
	}
	return err
}

// approvalNote is what a job awaiting approval tells the agent.
func approvalNote(j *schedule.Job, sandbox bool) string {
	flag := ""
	if sandbox {
		flag = " --sandbox"
	}
	return fmt.Sprintf("This account requires a human's approval: the job publishes only once approved. Approval comes from a person, "+
		"not from you: ask the user to run `threads-mcp approve%s %s` in a terminal (`threads-mcp drafts%s` lists what waits), or call "+
		"approve_scheduled from a client that can show them a confirmation (MCP elicitation).", flag, j.ID, flag)
}

func schedulePost() Tool {
	return newTool[schemas.SchedulePostArgs](def{
		name:  "schedule_post",
		title: "Schedule a post",
		description: "Publish later: a publish_text, publish_media, publish_carousel, publish_thread or reply call, checked now and " +
			"when it fires, at publish_at, local_time+timezone or the next free slot; status draft stores it unscheduled. Never early, never twice.",
		toolset: ToolsetSchedule,
		scopes:  []string{scopeBasic, scopeContentPublish},
		hints:   additive(),
	}, func(ctx context.Context, c *call, a *schemas.SchedulePostArgs) (*schemas.ScheduledResult, error) {
		eng, err := c.engine()
		if err != nil {
			return nil, err
		}
		args, media, preview, err := c.checkTarget(ctx, a.Tool, a.Arguments)
		if err != nil {
			return nil, err
		}
		n := schedule.NewJob{Scope: c.scheduleScope(), Tool: a.Tool, Args: args, Media: media, Draft: a.Status == schemas.ScheduleDraft}
		if a.Given() {
			if n.FireAt, n.Zone, err = c.resolveWhen(ctx, eng, &a.WhenArgs); err != nil {
				return nil, err
			}
		}
		j, err := eng.Create(ctx, n)
		if err != nil {
			return nil, schedErr(err)
		}
		note := ""
		if j.Status == schemas.ScheduleAwaitingApproval {
			j, note = c.askApproval(ctx, eng, j, preview)
		}
		return c.scheduledResult(ctx, eng, j, note), nil
	})
}

func listScheduled() Tool {
	return newTool[schemas.ListScheduledArgs](def{
		name:        "list_scheduled",
		title:       "List scheduled posts",
		description: "The account's scheduled posts and drafts in due order, with status and what happened (late, skipped, failed).",
		toolset:     ToolsetSchedule,
		hints:       localRead(),
	}, func(ctx context.Context, c *call, a *schemas.ListScheduledArgs) (*schemas.ListScheduledResult, error) {
		eng, err := c.engine()
		if err != nil {
			return nil, err
		}
		f := schedule.Filter{Account: c.acct.Name, Status: a.Status, Limit: a.Limit + 1}
		f.From, _ = time.Parse(time.RFC3339, a.From)
		f.To, _ = time.Parse(time.RFC3339, a.To)
		if a.Cursor != "" {
			var cur struct {
				F int64  `json:"f"`
				I string `json:"i"`
			}
			b, err := base64.RawURLEncoding.DecodeString(a.Cursor)
			if err != nil || json.Unmarshal(b, &cur) != nil || cur.I == "" {
				return nil, schemas.FieldErrors{{Field: "cursor", Rule: "not a cursor", Value: a.Cursor, Detail: "cursors come from next_cursor",
					Fix: "pass next_cursor unchanged, or omit cursor for the first page"}}
			}
			f.AfterID = cur.I
			if cur.F != 0 {
				f.AfterFire = time.UnixMilli(cur.F)
			}
		}
		jobs, err := eng.List(ctx, f)
		if err != nil {
			return nil, err
		}
		out := &schemas.ListScheduledResult{Items: []schemas.ScheduledPost{}}
		if len(jobs) > a.Limit {
			jobs = jobs[:a.Limit]
			last := jobs[len(jobs)-1]
			var fms int64
			if !last.FireAt.IsZero() {
				fms = last.FireAt.UnixMilli()
			}
			b, _ := json.Marshal(map[string]any{"f": fms, "i": last.ID})
			out.NextCursor = base64.RawURLEncoding.EncodeToString(b)
		}
		for _, j := range jobs {
			out.Items = append(out.Items, scheduledPost(j))
		}
		running, note := eng.WorkerRunning(ctx)
		out.Worker = schemas.WorkerStatus{Running: running, Note: note}
		return out, nil
	})
}

func getScheduled() Tool {
	return newTool[schemas.GetScheduledArgs](def{
		name:        "get_scheduled",
		title:       "Get a scheduled post",
		description: "One scheduled post: its payload, status, approval, and once fired its result or error.",
		toolset:     ToolsetSchedule,
		hints:       localRead(),
	}, func(ctx context.Context, c *call, a *schemas.GetScheduledArgs) (*schemas.ScheduledResult, error) {
		eng, j, err := c.scheduledJob(ctx, a.ID, false)
		if err != nil {
			return nil, err
		}
		return c.scheduledResult(ctx, eng, j, ""), nil
	})
}

func reschedulePost() Tool {
	return newTool[schemas.RescheduleArgs](def{
		name:        "reschedule_post",
		title:       "Reschedule a post",
		description: "Move a scheduled post or draft to a new time (publish_at, local_time+timezone or slot next).",
		toolset:     ToolsetSchedule,
		hints:       hints{idempotent: true},
	}, func(ctx context.Context, c *call, a *schemas.RescheduleArgs) (*schemas.ScheduledResult, error) {
		eng, j, err := c.scheduledJob(ctx, a.ID, true)
		if err != nil {
			return nil, err
		}
		at, zone, err := c.resolveWhen(ctx, eng, &a.WhenArgs)
		if err != nil {
			return nil, err
		}
		if j, err = eng.Reschedule(ctx, a.ID, at, zone); err != nil {
			return nil, schedErr(err)
		}
		return c.scheduledResult(ctx, eng, j, ""), nil
	})
}

func updateScheduled() Tool {
	return newTool[schemas.UpdateScheduledArgs](def{
		name:        "update_scheduled",
		title:       "Edit a scheduled post",
		description: "Replace the arguments of a draft or not-yet-fired post (checked again); an approval must be given again.",
		toolset:     ToolsetSchedule,
		hints:       hints{idempotent: true},
	}, func(ctx context.Context, c *call, a *schemas.UpdateScheduledArgs) (*schemas.ScheduledResult, error) {
		eng, j, err := c.scheduledJob(ctx, a.ID, true)
		if err != nil {
			return nil, err
		}
		args, media, preview, err := c.checkTarget(ctx, j.Tool, a.Arguments)
		if err != nil {
			return nil, err
		}
		if j, err = eng.Update(ctx, a.ID, args, media); err != nil {
			return nil, schedErr(err)
		}
		note := ""
		if j.Status == schemas.ScheduleAwaitingApproval {
			j, note = c.askApproval(ctx, eng, j, preview)
		}
		return c.scheduledResult(ctx, eng, j, note), nil
	})
}

func cancelScheduled() Tool {
	return newTool[schemas.GetScheduledArgs](def{
		name:        "cancel_scheduled",
		title:       "Cancel a scheduled post",
		description: "Cancel a draft or a post that has not fired; one already published points to delete_post.",
		toolset:     ToolsetSchedule,
		hints:       hints{destructive: true, idempotent: true},
	}, func(ctx context.Context, c *call, a *schemas.GetScheduledArgs) (*schemas.ScheduledResult, error) {
		eng, err := c.engine()
		if err != nil {
			return nil, err
		}
		j, err := eng.Cancel(ctx, a.ID)
		if err != nil {
			return nil, schedErr(err)
		}
		return c.scheduledResult(ctx, eng, j, ""), nil
	})
}

func approveScheduled() Tool {
	return newTool[schemas.GetScheduledArgs](def{
		name:  "approve_scheduled",
		title: "Ask a human to approve a post",
		description: "Show the user the exact post awaiting approval and ask them to confirm (MCP elicitation); " +
			"you cannot approve it yourself. Without elicitation, tells how the user approves from a terminal.",
		toolset: ToolsetSchedule,
		hints:   hints{idempotent: true},
	}, func(ctx context.Context, c *call, a *schemas.GetScheduledArgs) (*schemas.ScheduledResult, error) {
		eng, j, err := c.scheduledJob(ctx, a.ID, false)
		if err != nil {
			return nil, err
		}
		if j.Status != schemas.ScheduleAwaitingApproval && j.Status != schemas.ScheduleDraft {
			return c.scheduledResult(ctx, eng, j, "Nothing to approve: the job is "+j.Status+"."), nil
		}
		if c.acct, err = c.account(ctx, j.Scope.Account); err != nil {
			return nil, err
		}
		var args map[string]any
		_ = json.Unmarshal(j.Args, &args)
		_, _, preview, err := c.checkTarget(ctx, j.Tool, args)
		if err != nil {
			return nil, err
		}
		j, note := c.askApproval(ctx, eng, j, preview)
		return c.scheduledResult(ctx, eng, j, note), nil
	})
}

func setPostingSchedule() Tool {
	return newTool[schemas.SetPostingScheduleArgs](def{
		name:  "set_posting_schedule",
		title: "Set the posting schedule",
		description: "Set the account's timezone, weekly slots (for slot next), minimum gap between posts, require_approval " +
			"and missed-run policy; fields left out keep their value.",
		toolset: ToolsetSchedule,
		hints:   localSetting(),
	}, func(ctx context.Context, c *call, a *schemas.SetPostingScheduleArgs) (*schemas.PostingScheduleResult, error) {
		eng, err := c.engine()
		if err != nil {
			return nil, err
		}
		p, err := eng.Schedule(ctx, c.scheduleScope())
		if err != nil {
			return nil, err
		}
		if a.Timezone != "" {
			p.Timezone = a.Timezone
		}
		if a.Slots != nil {
			p.Slots = a.Slots
		}
		if a.MinGapMinutes != nil {
			p.MinGap = time.Duration(*a.MinGapMinutes) * time.Minute
		}
		if a.RequireApproval != "" {
			p.RequireApproval = a.RequireApproval
		}
		if a.MissedRunPolicy != "" {
			p.MissedRunPolicy = a.MissedRunPolicy
		}
		if a.MaxLatenessMins != nil {
			p.MaxLateness = time.Duration(*a.MaxLatenessMins) * time.Minute
		}
		if err := eng.SetSchedule(ctx, c.scheduleScope(), p); err != nil {
			return nil, err
		}
		return c.postingSchedule(ctx, eng)
	})
}

func getPostingSchedule() Tool {
	return newTool[schemas.GetPostingScheduleArgs](def{
		name:        "get_posting_schedule",
		title:       "Get the posting schedule",
		description: "The account's timezone, weekly slots, minimum gap, approval and missed-run settings, and its next free slots.",
		toolset:     ToolsetSchedule,
		hints:       localRead(),
	}, func(ctx context.Context, c *call, _ *schemas.GetPostingScheduleArgs) (*schemas.PostingScheduleResult, error) {
		eng, err := c.engine()
		if err != nil {
			return nil, err
		}
		return c.postingSchedule(ctx, eng)
	})
}

// postingSchedule is the account's schedule as a result, with its next
// three free slots.
func (c *call) postingSchedule(ctx context.Context, eng *schedule.Engine) (*schemas.PostingScheduleResult, error) {
	p, err := eng.Schedule(ctx, c.scheduleScope())
	if err != nil {
		return nil, err
	}
	out := &schemas.PostingScheduleResult{Timezone: p.Timezone, Slots: p.Slots, MinGapMinutes: int(p.MinGap.Minutes()),
		RequireApproval: p.RequireApproval, MissedRunPolicy: p.MissedRunPolicy, MaxLatenessMinutes: int(p.MaxLateness.Minutes())}
	if next, err := eng.NextSlots(ctx, c.scheduleScope(), eng.Now(), 3); err == nil {
		for _, t := range next {
			out.NextSlots = append(out.NextSlots, rfc3339(t))
		}
	}
	return out, nil
}

// hasMedia reports whether any post of posts carries an image or video.
func hasMedia(posts []threads.Post) bool {
	return slices.ContainsFunc(posts, func(p threads.Post) bool { return p.ImageURL != "" || p.VideoURL != "" || len(p.Items) > 0 })
}

// maxSuggestPosts bounds the posts suggest_posting_times reads insights of
// (one request each).
const maxSuggestPosts = 200

func suggestPostingTimes() Tool {
	return newTool[schemas.SuggestPostingTimesArgs](def{
		name:  "suggest_posting_times",
		title: "Suggest posting times",
		description: "From the account's own posts of the last weeks (default 8) and their insights, the hours of the week " +
			"(account timezone) with the best median engagement rate, with the posts behind each; slots set_posting_schedule can adopt.",
		toolset: ToolsetSchedule,
		scopes:  []string{scopeBasic},
		needs:   []string{scopeManageInsights},
		hints:   readOnly(),
	}, func(ctx context.Context, c *call, a *schemas.SuggestPostingTimesArgs) (*schemas.SuggestPostingTimesResult, error) {
		eng, err := c.engine()
		if err != nil {
			return nil, err
		}
		ps, err := eng.Schedule(ctx, c.scheduleScope())
		if err != nil {
			return nil, err
		}
		loc := ps.Location()
		o := threads.ListOptions{Fields: []string{"id", "media_type", "timestamp"}, Limit: schemas.MaxListLimit,
			Since: time.Now().Add(-time.Duration(a.Weeks) * 7 * 24 * time.Hour)}
		var posts []threads.Media
		for len(posts) < maxSuggestPosts {
			ml, _, err := c.acct.API.ListThreads(ctx, o)
			if err != nil {
				return nil, err
			}
			posts = append(posts, ml.Data...)
			if ml.Paging.Next == "" || ml.Paging.Cursors.After == "" || len(ml.Data) == 0 {
				break
			}
			o.After = ml.Paging.Cursors.After
		}
		posts = posts[:min(len(posts), maxSuggestPosts)]
		ranked, _, _, err := c.postMetrics(ctx, posts)
		if err != nil {
			return nil, err
		}
		type bucket struct {
			day   time.Weekday
			hour  int
			rates []float64
		}
		buckets := map[int]*bucket{}
		for _, r := range ranked {
			if r.post.Timestamp.IsZero() || r.metrics.Views == 0 {
				continue
			}
			t := r.post.Timestamp.In(loc)
			k := int(t.Weekday())*24 + t.Hour()
			if buckets[k] == nil {
				buckets[k] = &bucket{day: t.Weekday(), hour: t.Hour()}
			}
			buckets[k].rates = append(buckets[k].rates, r.metrics.EngagementRate)
		}
		out := &schemas.SuggestPostingTimesResult{Timezone: ps.Timezone, Weeks: a.Weeks, Hours: []schemas.SuggestedHour{}, Slots: []schemas.PostingSlot{}}
		for _, b := range buckets {
			out.Considered += len(b.rates)
			slices.Sort(b.rates)
			n := len(b.rates)
			med := b.rates[n/2]
			if n%2 == 0 {
				med = (b.rates[n/2-1] + b.rates[n/2]) / 2
			}
			out.Hours = append(out.Hours, schemas.SuggestedHour{Day: schemas.Weekdays()[(int(b.day)+6)%7], Time: fmt.Sprintf("%02d:00", b.hour),
				Posts: n, MedianEngagementRate: med, Trusted: n >= schemas.MinSuggestSample})
		}
		slices.SortFunc(out.Hours, func(x, y schemas.SuggestedHour) int {
			if x.Trusted != y.Trusted {
				if x.Trusted {
					return -1
				}
				return 1
			}
			if d := compareFloat(y.MedianEngagementRate, x.MedianEngagementRate); d != 0 {
				return d
			}
			return y.Posts - x.Posts
		})
		for _, h := range out.Hours {
			if h.Trusted && len(out.Slots) < 3 {
				out.Slots = append(out.Slots, schemas.PostingSlot{Days: []string{h.Day}, Times: []string{h.Time}})
			}
		}
		switch {
		case out.Considered == 0:
			out.Summary = fmt.Sprintf("No post of the last %d weeks has insights with views: nothing to suggest yet.", a.Weeks)
		case len(out.Slots) == 0:
			out.Summary = fmt.Sprintf("The sample is too small to trust: %d posts over %d hours of the week, and no hour has %d or more posts. "+
				"Post at varied times and ask again, or read more weeks.", out.Considered, len(out.Hours), schemas.MinSuggestSample)
		default:
			best := out.Hours[0]
			out.Summary = fmt.Sprintf("Best: %s %s (%s), median engagement rate %.1f%% over %d posts. slots holds the best trusted hours; "+
				"pass them to set_posting_schedule to adopt them.", best.Day, best.Time, ps.Timezone, best.MedianEngagementRate*100, best.Posts)
		}
		return out, nil
	})
}

// scheduleLister lists an engine's waiting jobs for the
// threads://{account}/scheduled resource.
type scheduleLister struct{ eng *schedule.Engine }

// waiting reports whether a job of status is still to be published.
func waiting(status string) bool {
	switch status {
	case schemas.ScheduleDraft, schemas.ScheduleAwaitingApproval, schemas.ScheduleScheduled, schemas.SchedulePublishing:
		return true
	}
	return false
}

// Scheduled returns the account's posts waiting to be published, in due
// order (at most 100), each with the text it will publish.
func (l scheduleLister) Scheduled(ctx context.Context, account string) ([]ScheduledPost, error) {
	jobs, err := l.eng.List(ctx, schedule.Filter{Account: account, Limit: 100})
	if err != nil {
		return nil, err
	}
	var out []ScheduledPost
	for _, j := range jobs {
		if !waiting(j.Status) {
			continue
		}
		var payload struct {
			Text  string `json:"text"`
			Parts []struct {
				Text string `json:"text"`
			} `json:"parts"`
		}
		_ = json.Unmarshal(j.Args, &payload)
		text := payload.Text
		if text == "" && len(payload.Parts) > 0 {
			text = payload.Parts[0].Text
		}
		out = append(out, ScheduledPost{ID: j.ID, Text: text, At: j.FireAt, Status: j.Status})
	}
	return out, nil
}
