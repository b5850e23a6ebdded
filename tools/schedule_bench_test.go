package tools_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/ledger"
	"github.com/threads-mcp/threads-mcp/tools/schedule"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// benchAccounts are many emulator accounts by name.
type benchAccounts map[string]*tools.Account

func (m benchAccounts) Resolve(_ context.Context, name string) (*tools.Account, error) {
	if a, ok := m[name]; ok {
		c := *a
		return &c, nil
	}
	return nil, fmt.Errorf("no account %q", name)
}

func (m benchAccounts) List(context.Context) ([]tools.AccountInfo, error) { return nil, nil }

// BenchmarkSchedulerFire schedules 1,000 and 10,000 posts over 100
// sandbox accounts, due within one minute, and fires them through one worker (River on the
// SQLite state database, the tools' firer, the emulator). It reports the
// fire lateness (when the worker handed a job to the publishing tool,
// against its instant) at p50 and p99, the wall time until the last post
// was published, the process's peak RSS and the state database's size.
// Run it with -benchtime=1x; it is not part of the normal test run.
func BenchmarkSchedulerFire(b *testing.B) {
	for _, jobs := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("jobs=%d", jobs), func(b *testing.B) { benchmarkSchedulerFire(b, jobs) })
	}
}

func benchmarkSchedulerFire(b *testing.B, jobs int) {
	const (
		accounts = 100
		spread   = time.Minute
	)
	for range b.N {
		emu := emulator.NewServer()
		dir := b.TempDir()
		st, err := state.Open(b.Context(), dir)
		if err != nil {
			b.Fatal(err)
		}
		led, err := ledger.Open(b.Context(), st)
		if err != nil {
			b.Fatal(err)
		}
		eng, err := schedule.Open(b.Context(), st, schedule.WithSandbox(true))
		if err != nil {
			b.Fatal(err)
		}
		accts := benchAccounts{}
		for i := range accounts {
			uid := emu.AddUser(emulator.UserSpec{Username: fmt.Sprintf("bench%03d", i)})
			tok := emu.IssueToken(uid, emulator.DefaultScopes, 24*time.Hour)
			name := fmt.Sprintf("acct%03d", i)
			accts[name] = &tools.Account{Name: name, API: threads.NewClient(threads.WithBaseURL(emu.BaseURL()), threads.WithToken(tok))}
		}
		deps := tools.Deps{Accounts: accts, Settings: st, Sandbox: true, Ledger: led, Scheduler: eng, Notifier: tools.NewNotifier()}
		if err := eng.Start(b.Context(), tools.NewScheduleFirer(deps)); err != nil {
			b.Fatal(err)
		}
		// Insert every job first (the insert throughput of River's one
		// connection), due over one minute once all are inserted (about
		// 300 inserts a second, doubled for slack).
		insertStart := time.Now()
		base := insertStart.Add(10*time.Second + time.Duration(jobs)*time.Second/150)
		ids := make([]string, 0, jobs)
		for i := range jobs {
			args, _ := json.Marshal(map[string]any{"text": fmt.Sprintf("bench post %05d", i)})
			j, err := eng.Create(b.Context(), schedule.NewJob{Scope: schedule.Scope{Sandbox: true, Account: fmt.Sprintf("acct%03d", i%accounts)},
				Tool: "publish_text", Args: args, FireAt: base.Add(time.Duration(i) * spread / time.Duration(jobs))})
			if err != nil {
				b.Fatal(err)
			}
			ids = append(ids, j.ID)
		}
		insertTook := time.Since(insertStart)
		// Poll until all are published (River completes jobs asynchronously).
		var (
			last    time.Time
			late    []time.Duration
			pending = ids
		)
		for len(pending) > 0 {
			time.Sleep(2 * time.Second)
			if time.Now().After(base.Add(spread + 10*time.Minute)) {
				b.Fatalf("%d of %d not published 10 minutes after the last instant", len(pending), jobs)
			}
			var still []string
			for _, id := range pending {
				j, err := eng.Get(b.Context(), id)
				if err != nil {
					b.Fatal(err)
				}
				switch j.Status {
				case "published":
					late = append(late, j.FiredAt.Sub(j.FireAt))
					if j.PublishedAt.After(last) {
						last = j.PublishedAt
					}
				case "failed", "skipped":
					b.Fatalf("job %s %s: %s %s", id, j.Status, j.Error, j.Note)
				default:
					still = append(still, id)
				}
			}
			pending = still
		}
		slices.Sort(late)
		if late[0] < 0 {
			b.Fatalf("a job fired %s early", -late[0])
		}
		b.ReportMetric(float64(late[len(late)/2].Milliseconds()), "p50-late-ms")
		b.ReportMetric(float64(late[len(late)*99/100].Milliseconds()), "p99-late-ms")
		b.ReportMetric(float64(late[len(late)-1].Milliseconds()), "max-late-ms")
		b.ReportMetric(last.Sub(base).Seconds(), "wall-s")
		b.ReportMetric(insertTook.Seconds(), "insert-s")
		b.ReportMetric(float64(jobs)/insertTook.Seconds(), "inserts/s")
		b.ReportMetric(peakRSSMiB(), "peak-rss-MiB")
		var size int64
		for _, f := range []string{"state.db", "state.db-wal"} {
			if fi, err := os.Stat(filepath.Join(dir, f)); err == nil {
				size += fi.Size()
			}
		}
		b.ReportMetric(float64(size)/(1<<20), "db-MiB")
		_ = eng.Close()
		_ = st.Close()
		emu.Close()
	}
}

// peakRSSMiB reads the process's peak resident set (VmHWM) on Linux; 0
// elsewhere.
func peakRSSMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
