package tools_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/ledger"
	"github.com/threads-mcp/threads-mcp/tools/schedule"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// schedWorld is a sandbox server with the schedule toolset and a running
// worker.
type schedWorld struct {
	emu *emulator.Server
	srv *server.MCPServer
	led *ledger.Ledger
	eng *schedule.Engine
	api *threads.Client
}

func newSchedWorld(t *testing.T) *schedWorld {
	t.Helper()
	emu := emulator.NewServer(emulator.WithDemoWorld(), emulator.WithTokenPrefix(sentinel))
	t.Cleanup(emu.Close)
	st, err := state.Open(t.Context(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	led, err := ledger.Open(t.Context(), st)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := schedule.Open(t.Context(), st, schedule.WithSandbox(true))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Close() })
	api := threads.NewClient(threads.WithBaseURL(emu.BaseURL()), threads.WithToken(emu.DemoToken()),
		threads.WithPollPolicy(threads.PollPolicy{Initial: 20 * time.Millisecond, Max: 100 * time.Millisecond, Multiplier: 1.5, Deadline: 20 * time.Second, VideoDeadline: 20 * time.Second}))
	deps := tools.Deps{
		Accounts:  &tools.SingleAccount{Account: tools.Account{Name: "sandbox", API: api}, Source: "sandbox"},
		Settings:  st,
		Sandbox:   true,
		Ledger:    led,
		Scheduler: eng,
		Notifier:  tools.NewNotifier(),
	}
	srv := tools.NewServer(deps, "test")
	if err := eng.Start(t.Context(), tools.NewScheduleFirer(deps)); err != nil {
		t.Fatal(err)
	}
	return &schedWorld{emu: emu, srv: srv, led: led, eng: eng, api: api}
}

// elicitor answers elicitation requests with accept (approve) or decline.
type elicitor struct {
	mu       sync.Mutex
	approve  bool
	messages []string
}

func (h *elicitor) Elicit(_ context.Context, r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.messages = append(h.messages, r.Params.Message)
	if !h.approve {
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionDecline}}, nil
	}
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept,
		Content: map[string]any{"approve": true}}}, nil
}

// schedClient is one MCP client of the world.
type schedClient struct {
	c     *client.Client
	notes chan mcp.JSONRPCNotification
}

func (w *schedWorld) connect(t *testing.T, h client.ElicitationHandler) *schedClient {
	t.Helper()
	var opts []client.ClientOption
	if h != nil {
		opts = append(opts, client.WithElicitationHandler(h))
	}
	c, err := client.NewInProcessClientWithOptions(w.srv, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	notes := make(chan mcp.JSONRPCNotification, 256)
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		select {
		case notes <- n:
		default:
		}
	})
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "schedule-test", Version: "0"}
	if h != nil {
		init.Params.Capabilities.Elicitation = &mcp.ElicitationCapability{}
	}
	if _, err := c.Initialize(t.Context(), init); err != nil {
		t.Fatal(err)
	}
	lvl := mcp.SetLevelRequest{}
	lvl.Params.Level = mcp.LoggingLevelInfo
	if err := c.SetLevel(t.Context(), lvl); err != nil {
		t.Fatal(err)
	}
	return &schedClient{c: c, notes: notes}
}

func (sc *schedClient) call(t *testing.T, name string, args map[string]any) (*mcp.CallToolResult, map[string]any) {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = name, args
	res, err := sc.c.CallTool(t.Context(), req)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return res, structuredMap(res)
}

func (sc *schedClient) ok(t *testing.T, name string, args map[string]any) map[string]any {
	t.Helper()
	res, out := sc.call(t, name, args)
	if res.IsError {
		t.Fatalf("%s: %s", name, text(res))
	}
	return out
}

// await returns the first event notification named event.
func (sc *schedClient) await(t *testing.T, event string) map[string]any {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case n := <-sc.notes:
			if n.Method != string(mcp.MethodNotificationMessage) {
				continue
			}
			if data, _ := n.Params.AdditionalFields["data"].(map[string]any); data["event"] == event {
				return data
			}
		case <-deadline:
			t.Fatalf("no %s event", event)
		}
	}
}

// waitJob polls get_scheduled until the job's status is want.
func (sc *schedClient) waitJob(t *testing.T, id, want string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out := sc.ok(t, "get_scheduled", map[string]any{"id": id})
		job := out["job"].(map[string]any)
		if job["status"] == want {
			return job
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s is %v, want %s: %v", id, job["status"], want, job)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func jobOf(out map[string]any) map[string]any { m, _ := out["job"].(map[string]any); return m }

func soon(d time.Duration) string { return time.Now().Add(d).UTC().Format(time.RFC3339Nano) }

func (w *schedWorld) postsWithText(s string) int {
	n := 0
	for _, p := range w.emu.Posts(w.emu.DemoUserID()) {
		if p.Text == s {
			n++
		}
	}
	return n
}

func TestScheduledPostsFireOnceThroughTheLedger(t *testing.T) {
	w := newSchedWorld(t)
	sc := w.connect(t, nil)
	post := sc.ok(t, "schedule_post", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "scheduled once"}, "publish_at": soon(2 * time.Second)})
	job := jobOf(post)
	if job["status"] != "scheduled" || post["worker"].(map[string]any)["running"] != true {
		t.Fatalf("schedule_post: %v", post)
	}
	id := job["id"].(string)
	thread := sc.ok(t, "schedule_post", map[string]any{"tool": "publish_thread", "arguments": map[string]any{
		"parts": []any{map[string]any{"text": "sched part one"}, map[string]any{"text": "sched part two"}, map[string]any{"text": "sched part three"}}},
		"local_time": time.Now().Add(3 * time.Second).In(mustZone(t, "Europe/Berlin")).Format("2006-01-02T15:04:05"), "timezone": "Europe/Berlin"})
	tid := jobOf(thread)["id"].(string)
	if tz := jobOf(thread)["timezone"]; tz != "Europe/Berlin" {
		t.Errorf("timezone %v", tz)
	}

	got := sc.waitJob(t, id, "published")
	ev := sc.await(t, schedule.EventPublished)
	if ev["job_id"] != id && ev["job_id"] != tid {
		t.Errorf("event %v", ev)
	}
	if n := w.postsWithText("scheduled once"); n != 1 {
		t.Fatalf("%d posts", n)
	}
	at, _ := time.Parse(time.RFC3339, got["publish_at"].(string))
	res := got["result"].(map[string]any)
	if pub, _ := time.Parse(time.RFC3339, res["published_at"].(string)); pub.Before(at.Truncate(time.Second)) {
		t.Errorf("published at %s, before %s", pub, at)
	}
	e, err := w.led.Get(t.Context(), ledger.Scope{Sandbox: true, Account: "sandbox"}, "schedule:"+id)
	if err != nil || e == nil || e.State != ledger.StatePublished || e.PostID != got["post_id"] {
		t.Fatalf("ledger entry %+v %v", e, err)
	}
	sc.waitJob(t, tid, "published")
	for _, s := range []string{"sched part one", "sched part two", "sched part three"} {
		if n := w.postsWithText(s); n != 1 {
			t.Errorf("%q posted %d times", s, n)
		}
	}
	// Firing the same job again (a second worker, a retry) replays the
	// ledger entry: still one post.
	j, _ := w.eng.Get(t.Context(), id)
	if _, err := tools.NewScheduleFirer(tools.Deps{Accounts: &tools.SingleAccount{Account: tools.Account{Name: "sandbox", API: w.api}},
		Sandbox: true, Ledger: w.led}).Fire(t.Context(), schedule.FireRequest{Job: j, Key: j.Key()}); err != nil {
		t.Fatal(err)
	}
	if n := w.postsWithText("scheduled once"); n != 1 {
		t.Fatalf("refire posted again: %d posts", n)
	}
	// After it fired, cancel points to delete_post.
	res2, _ := sc.call(t, "cancel_scheduled", map[string]any{"id": id})
	if !res2.IsError || !strings.Contains(text(res2), "delete_post") {
		t.Errorf("cancel after publish: %s", text(res2))
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestSchedulePostRefuses(t *testing.T) {
	w := newSchedWorld(t)
	sc := w.connect(t, nil)
	long := strings.Repeat("x", 501)
	vres, vout := sc.call(t, "validate_post", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": long}})
	if vres.IsError {
		t.Fatal(text(vres))
	}
	tests := []struct {
		name string
		args map[string]any
		want []string
	}{
		{"payload as validate_post", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": long}, "publish_at": soon(time.Hour)},
			[]string{vout["error"].(string)}},
		{"dst gap", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "x"}, "local_time": "2027-03-28T02:30", "timezone": "Europe/Berlin"},
			[]string{"local_time: in a DST gap", "02:00", "03:00"}},
		{"dst overlap", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "x"}, "local_time": "2027-11-07T01:30", "timezone": "America/New_York"},
			[]string{"in a DST overlap", "fold"}},
		{"past", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "x"}, "publish_at": "2020-01-01T00:00:00Z"},
			[]string{"publish_at: in the past", "never published early"}},
		{"no offset", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "x"}, "publish_at": "2030-01-01T09:00:00"},
			[]string{"publish_at: not RFC 3339"}},
		{"key", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "x", "idempotency_key": "k"}, "publish_at": soon(time.Hour)},
			[]string{"arguments.idempotency_key: not allowed"}},
		{"no slots", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "x"}, "slot": "next"},
			[]string{"slot: no free slot", "set_posting_schedule"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := sc.call(t, "schedule_post", tc.args)
			if !res.IsError {
				t.Fatalf("accepted: %s", text(res))
			}
			for _, s := range tc.want {
				if !strings.Contains(text(res), s) {
					t.Errorf("%q lacks %q", text(res), s)
				}
			}
		})
	}
	// With fold, the overlap resolves to the instant asked for.
	out := sc.ok(t, "schedule_post", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "x"},
		"local_time": "2027-11-07T01:30", "timezone": "America/New_York", "fold": "later"})
	if at := jobOf(out)["publish_at"]; at != "2027-11-07T06:30:00Z" {
		t.Errorf("fold later: %v", at)
	}
}

func TestScheduleLifecycle(t *testing.T) {
	w := newSchedWorld(t)
	sc := w.connect(t, nil)
	sc.ok(t, "set_posting_schedule", map[string]any{"timezone": "America/New_York", "min_gap_minutes": 60,
		"slots": []any{map[string]any{"days": []any{"mon", "tue", "wed", "thu", "fri"}, "times": []any{"09:00", "12:30", "18:00"}}}})
	ps := sc.ok(t, "get_posting_schedule", map[string]any{})
	if ps["timezone"] != "America/New_York" || len(ps["next_slots"].([]any)) != 3 {
		t.Fatalf("posting schedule %v", ps)
	}
	first := ps["next_slots"].([]any)[0]
	a := jobOf(sc.ok(t, "schedule_post", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "slot a"}, "slot": "next"}))
	b := jobOf(sc.ok(t, "schedule_post", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "slot b"}, "slot": "next"}))
	if a["publish_at"] != first || b["publish_at"] == a["publish_at"] {
		t.Fatalf("slots: a %v b %v first %v", a["publish_at"], b["publish_at"], first)
	}
	// A draft, then edited, rescheduled and cancelled.
	d := jobOf(sc.ok(t, "schedule_post", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "draft"}, "status": "draft"}))
	if d["status"] != "draft" {
		t.Fatalf("draft %v", d)
	}
	res, _ := sc.call(t, "update_scheduled", map[string]any{"id": d["id"], "arguments": map[string]any{"text": strings.Repeat("y", 501)}})
	if !res.IsError || !strings.Contains(text(res), "text") {
		t.Fatalf("invalid edit accepted: %s", text(res))
	}
	u := jobOf(sc.ok(t, "update_scheduled", map[string]any{"id": d["id"], "arguments": map[string]any{"text": "draft edited"}}))
	if u["arguments"].(map[string]any)["text"] != "draft edited" || u["approval"].(map[string]any)["digest"] == d["approval"].(map[string]any)["digest"] {
		t.Fatalf("edit %v", u)
	}
	r := jobOf(sc.ok(t, "reschedule_post", map[string]any{"id": d["id"], "publish_at": "2027-06-01T09:00:00+02:00"}))
	if r["status"] != "scheduled" || r["publish_at"] != "2027-06-01T07:00:00Z" || r["local_time"] != "2027-06-01T03:00:00 EDT" {
		t.Fatalf("reschedule %v", r)
	}
	list := sc.ok(t, "list_scheduled", map[string]any{"status": "scheduled", "limit": 2})
	items := list["items"].([]any)
	if len(items) != 2 || list["next_cursor"] == nil {
		t.Fatalf("page 1: %v", list)
	}
	list2 := sc.ok(t, "list_scheduled", map[string]any{"status": "scheduled", "limit": 2, "cursor": list["next_cursor"]})
	if items2 := list2["items"].([]any); len(items2) != 1 || items2[0].(map[string]any)["id"] != d["id"] || list2["next_cursor"] != nil {
		t.Fatalf("page 2: %v", list2)
	}
	// The threads://{account}/scheduled resource lists the waiting posts.
	req := mcp.ReadResourceRequest{}
	req.Params.URI = "threads://sandbox/scheduled"
	rr, err := sc.c.ReadResource(t.Context(), req)
	if err != nil || len(rr.Contents) != 1 {
		t.Fatalf("read %s: %v, %v", req.Params.URI, rr, err)
	}
	var waiting struct {
		Scheduled []struct{ ID, Text, Status string } `json:"scheduled"`
	}
	if err := json.Unmarshal([]byte(rr.Contents[0].(mcp.TextResourceContents).Text), &waiting); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range waiting.Scheduled {
		found = found || (p.ID == d["id"] && p.Text == "draft edited" && p.Status == "scheduled")
	}
	if len(waiting.Scheduled) != 3 || !found {
		t.Fatalf("scheduled resource %+v, want the 3 waiting posts with the edited draft", waiting.Scheduled)
	}
	c := jobOf(sc.ok(t, "cancel_scheduled", map[string]any{"id": d["id"]}))
	if c["status"] != "cancelled" {
		t.Fatalf("cancel %v", c)
	}
	res, _ = sc.call(t, "reschedule_post", map[string]any{"id": d["id"], "slot": "next"})
	if !res.IsError || !strings.Contains(text(res), "cancelled") {
		t.Fatalf("reschedule after cancel: %s", text(res))
	}
	res, _ = sc.call(t, "get_scheduled", map[string]any{"id": "job_AAAAAAAAAAAAAAAAAAAAAAAAAA"})
	if !res.IsError || !strings.Contains(text(res), "no scheduled post") {
		t.Fatalf("unknown id: %s", text(res))
	}
}

func TestScheduleApproval(t *testing.T) {
	w := newSchedWorld(t)
	plain := w.connect(t, nil)
	plain.ok(t, "set_posting_schedule", map[string]any{"require_approval": "always"})

	// A client without elicitation: the job waits, and the note says how a
	// person approves it.
	out := plain.ok(t, "schedule_post", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "needs a human"}, "publish_at": soon(time.Hour)})
	job := jobOf(out)
	if job["status"] != "awaiting_approval" || !strings.Contains(out["note"].(string), "threads-mcp approve --sandbox "+job["id"].(string)) {
		t.Fatalf("without elicitation: %v", out)
	}
	ap := plain.ok(t, "approve_scheduled", map[string]any{"id": job["id"]})
	if jobOf(ap)["status"] != "awaiting_approval" || !strings.Contains(ap["note"].(string), "threads-mcp approve") {
		t.Fatalf("approve without elicitation: %v", ap)
	}

	// A client that declines.
	no := &elicitor{}
	declining := w.connect(t, no)
	ap = declining.ok(t, "approve_scheduled", map[string]any{"id": job["id"]})
	if jobOf(ap)["status"] != "awaiting_approval" || !strings.Contains(ap["note"].(string), "did not approve") {
		t.Fatalf("declined: %v", ap)
	}
	if len(no.messages) != 1 || !strings.Contains(no.messages[0], "needs a human") {
		t.Fatalf("elicitation preview %q", no.messages)
	}

	// A client that approves: the preview shows the exact post, and the
	// job is scheduled, approved for that digest.
	yes := &elicitor{approve: true}
	approving := w.connect(t, yes)
	out = approving.ok(t, "schedule_post", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "approved by a human"}, "publish_at": soon(2 * time.Second)})
	job = jobOf(out)
	appr := job["approval"].(map[string]any)
	if job["status"] != "scheduled" || appr["approved"] != true || appr["approved_by"] != tools.ApprovedByElicitation {
		t.Fatalf("with elicitation: %v", out)
	}
	if len(yes.messages) != 1 || !strings.Contains(yes.messages[0], "approved by a human") || !strings.Contains(yes.messages[0], appr["digest"].(string)[:12]) {
		t.Fatalf("preview %q", yes.messages)
	}
	approving.waitJob(t, job["id"].(string), "published")
	if n := w.postsWithText("approved by a human"); n != 1 {
		t.Fatalf("%d posts", n)
	}
	// An edit after approval needs a new one.
	out = approving.ok(t, "schedule_post", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "v1"}, "publish_at": soon(time.Hour)})
	yes.mu.Lock()
	yes.approve = false
	yes.mu.Unlock()
	ed := approving.ok(t, "update_scheduled", map[string]any{"id": jobOf(out)["id"], "arguments": map[string]any{"text": "v2"}})
	if jobOf(ed)["status"] != "awaiting_approval" || jobOf(ed)["approval"].(map[string]any)["approved"] != false {
		t.Fatalf("edit after approval: %v", ed)
	}
	// Immediate publishes are held too: without elicitation the call posts
	// nothing and says which job waits; with it the user approves and the
	// job publishes at once.
	res, _ := plain.call(t, "publish_text", map[string]any{"text": "held now"})
	if !res.IsError || !strings.Contains(text(res), "Nothing was published") || !strings.Contains(text(res), "threads-mcp approve") {
		t.Fatalf("held publish: %s", text(res))
	}
	if n := w.postsWithText("held now"); n != 0 {
		t.Fatalf("held publish posted %d", n)
	}
	held := plain.ok(t, "list_scheduled", map[string]any{"status": "awaiting_approval"})
	found := ""
	for _, it := range held["items"].([]any) {
		if m := it.(map[string]any); m["arguments"].(map[string]any)["text"] == "held now" {
			found = m["id"].(string)
		}
	}
	if found == "" {
		t.Fatalf("held job not listed: %v", held)
	}
	// A retry of the held call is not a second job (two approvals would
	// post it twice): it names the first.
	res, _ = plain.call(t, "publish_text", map[string]any{"text": "held now"})
	if !res.IsError || !strings.Contains(text(res), "already held for approval as job "+found) {
		t.Fatalf("retried held publish: %s", text(res))
	}
	again := plain.ok(t, "list_scheduled", map[string]any{"status": "awaiting_approval"})
	n := 0
	for _, it := range again["items"].([]any) {
		if it.(map[string]any)["arguments"].(map[string]any)["text"] == "held now" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d jobs hold the same publish after a retry, want 1", n)
	}
	yes.mu.Lock()
	yes.approve = true
	yes.mu.Unlock()
	res, _ = approving.call(t, "publish_text", map[string]any{"text": "held and approved"})
	if !res.IsError || !strings.Contains(text(res), "The user approved it") {
		t.Fatalf("held and approved: %s", text(res))
	}
	deadline := time.Now().Add(30 * time.Second)
	for w.postsWithText("held and approved") != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the approved held publish never posted")
		}
		time.Sleep(50 * time.Millisecond)
	}
	yes.mu.Lock()
	yes.approve = false
	yes.mu.Unlock()

	// The person approves from the terminal (threads-mcp approve).
	var sb strings.Builder
	j, err := w.eng.ApproveByPerson(t.Context(), jobOf(ed)["id"].(string), strings.NewReader("y\n"), &sb, false)
	if err != nil || j.Status != "scheduled" || j.ApprovedBy != "cli" || !strings.Contains(sb.String(), `"text": "v2"`) {
		t.Fatalf("cli approval: %v %+v\n%s", err, j, sb.String())
	}
}

func TestScheduledPostWaitsForSpentQuota(t *testing.T) {
	w := newSchedWorld(t)
	sc := w.connect(t, nil)
	ctx := t.Context()
	lim, _, err := w.api.PublishingLimit(ctx, "quota_usage", "config")
	if err != nil {
		t.Fatal(err)
	}
	for i := lim.QuotaUsage; i < 250; i++ {
		if _, err := w.api.PublishPost(ctx, threads.Post{Text: fmt.Sprintf("filler %d", i)}); err != nil {
			t.Fatalf("filler %d: %v", i, err)
		}
	}
	var oldest time.Time
	for _, p := range w.emu.Posts(w.emu.DemoUserID()) {
		if p.ReplyToID == "" && time.Since(p.Timestamp) < 24*time.Hour && (oldest.IsZero() || p.Timestamp.Before(oldest)) {
			oldest = p.Timestamp
		}
	}
	out := sc.ok(t, "schedule_post", map[string]any{"tool": "publish_text", "arguments": map[string]any{"text": "over quota"}, "publish_at": soon(2 * time.Second)})
	id := jobOf(out)["id"].(string)
	deadline := time.Now().Add(30 * time.Second)
	for {
		job := jobOf(sc.ok(t, "get_scheduled", map[string]any{"id": id}))
		if job["deferred_to"] != nil {
			want := oldest.Add(24 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
			if job["status"] != "scheduled" || job["deferred_to"] != want || !strings.Contains(job["note"].(string), "quota") {
				t.Fatalf("deferred: %v (want deferred_to %s)", job, want)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never deferred: %v", job)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := w.postsWithText("over quota"); n != 0 {
		t.Fatalf("posted over the quota")
	}
}

func TestSuggestPostingTimes(t *testing.T) {
	w := newSchedWorld(t)
	sc := w.connect(t, nil)
	sc.ok(t, "set_posting_schedule", map[string]any{"timezone": "Europe/Berlin"})
	out := sc.ok(t, "suggest_posting_times", map[string]any{})
	hours := out["hours"].([]any)
	if out["timezone"] != "Europe/Berlin" || out["weeks"] != float64(8) || out["summary"] == "" {
		t.Fatalf("result %v", out)
	}
	total := 0
	for i, h := range hours {
		m := h.(map[string]any)
		n := int(m["posts"].(float64))
		total += n
		if (n >= 3) != (m["trusted"] == true) {
			t.Errorf("hour %v: trusted with %d posts", m, n)
		}
		if i > 0 && m["trusted"] == hours[i-1].(map[string]any)["trusted"] &&
			m["median_engagement_rate"].(float64) > hours[i-1].(map[string]any)["median_engagement_rate"].(float64) {
			t.Errorf("hours not sorted at %d: %v", i, hours)
		}
	}
	if total != int(out["considered"].(float64)) {
		t.Errorf("considered %v, hours add up to %d", out["considered"], total)
	}
	if len(out["slots"].([]any)) == 0 && !strings.Contains(out["summary"].(string), "too small to trust") && total > 0 {
		t.Errorf("no slots and no caveat: %v", out["summary"])
	}
	t.Logf("%v", out["summary"])
}
