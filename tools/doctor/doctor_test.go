package doctor_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/doctor"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// sentinel starts every token the emulator issues; no report may hold it.
const sentinel = "SENTINELTOKEN"

// world is an emulator and a state directory with one stored account,
// "work", whose token the case shapes.
type world struct {
	emu  *emulator.Server
	dir  string
	tok  string
	user string
}

func newWorld(t *testing.T, scopes []string, opts ...emulator.Option) *world {
	t.Helper()
	emu, err := emulator.OpenServer(append([]emulator.Option{emulator.WithTokenPrefix(sentinel)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	user := emu.AddUser(emulator.UserSpec{Username: "worker", Followers: 500})
	tok := emu.IssueToken(user, scopes, 0)
	dir := filepath.Join(t.TempDir(), "state")
	st, err := state.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.PutAccount(context.Background(), state.Account{Name: "work", UserID: user, Username: "worker", Token: tok,
		ObtainedAt: time.Now(), ExpiresAt: time.Now().Add(60 * 24 * time.Hour), Scopes: scopes, AppID: "1234"}); err != nil {
		t.Fatal(err)
	}
	return &world{emu: emu, dir: dir, tok: tok, user: user}
}

func (w *world) env() *doctor.Env {
	return &doctor.Env{StateDir: w.dir, BaseURL: w.emu.BaseURL(), Timeout: 5 * time.Second}
}

// find returns the finding named name.
func find(t *testing.T, r *doctor.Report, name string) doctor.Finding {
	t.Helper()
	for _, f := range r.Findings {
		if f.Name == name {
			return f
		}
	}
	var names []string
	for _, f := range r.Findings {
		names = append(names, f.Name+"="+f.Status)
	}
	t.Fatalf("no finding %q in %v", name, names)
	return doctor.Finding{}
}

// want is one expected finding: status, words in the detail, the exact
// fix ("" for none) or, when fixHas is set, words in it.
type want struct {
	name, status, detailHas, fix, fixHas string
}

func TestDoctorFindings(t *testing.T) {
	ctx := context.Background()
	all := emulator.AllScopes
	withoutDelete := []string{}
	for _, s := range all {
		if s != emulator.ScopeDelete {
			withoutDelete = append(withoutDelete, s)
		}
	}
	tests := []struct {
		name   string
		scopes []string
		setup  func(t *testing.T, w *world, env *doctor.Env)
		ok     bool
		want   []want
	}{
		{
			name: "healthy", scopes: all, ok: true,
			want: []want{
				{name: "state directory", status: doctor.StatusOK, detailHas: "1 stored account(s)"},
				{name: "account work: token", status: doctor.StatusOK, detailHas: "(59 days left)"},
				{name: "account work: permissions", status: doctor.StatusOK, detailHas: "all 24 enabled tools have what they need"},
				{name: "account work: quota", status: doctor.StatusOK, detailHas: "posts 0/250 used (250 left), replies 0/1000 used (1000 left), deletes 0/100 used (100 left)"},
				{name: "graph api", status: doctor.StatusOK, detailHas: "answers"},
				{name: "clock", status: doctor.StatusOK, detailHas: "within"},
			},
		},
		{
			name: "expired token", scopes: all,
			setup: func(t *testing.T, w *world, _ *doctor.Env) { w.emu.ExpireToken(w.tok) },
			want: []want{
				{name: "account work: token", status: doctor.StatusFail, detailHas: "Session has expired", fix: "threads-mcp auth login --account work"},
				{name: "account work: permissions", status: doctor.StatusSkip, detailHas: "the token does not work"},
			},
		},
		{
			name: "missing scope", scopes: withoutDelete,
			want: []want{
				{name: "account work: permissions", status: doctor.StatusFail, detailHas: "without threads_delete, delete_post will fail",
					fix: "threads-mcp auth login --account work --add-scopes threads_delete (it keeps the account's other permissions)"},
				{name: "account work: quota", status: doctor.StatusOK, detailHas: "deletes not shown (they need threads_delete)"},
			},
		},
		{
			name: "default login scopes", scopes: emulator.DefaultScopes,
			want: []want{
				{name: "account work: permissions", status: doctor.StatusFail,
					detailHas: "without threads_delete, delete_post will fail; without threads_keyword_search, search_posts will fail; " +
						"without threads_manage_mentions, list_mentions will fail",
					fix: "threads-mcp auth login --account work --add-scopes threads_delete,threads_keyword_search,threads_manage_mentions " +
						"(it keeps the account's other permissions)"},
			},
		},
		{
			name: "missing optional scope only warns", scopes: []string{"threads_basic", "threads_content_publish", "threads_manage_replies",
				"threads_read_replies", "threads_manage_insights", "threads_delete", "threads_keyword_search", "threads_manage_mentions"},
			ok: true,
			want: []want{
				{name: "account work: permissions", status: doctor.StatusWarn,
					detailHas: "without threads_location_tagging, some calls of publish_text fail",
					fix: "only if you need them: threads-mcp auth login --account work --add-scopes " +
						"threads_location_tagging,threads_profile_discovery,threads_share_to_instagram (it keeps the account's other permissions)"},
			},
		},
		{
			// Meta's debug_token does not tell the app's mode: the doctor
			// says so and where to look; it is a warning, not a failure.
			name: "app mode unknown", scopes: all, ok: true,
			want: []want{
				{name: "account work: app mode", status: doctor.StatusWarn, detailHas: "does not report whether",
					fixHas: "https://developers.facebook.com/docs/development/build-and-test/app-modes"},
			},
		},
		{
			name: "quota spent", scopes: all,
			setup: func(t *testing.T, w *world, env *doctor.Env) {
				if err := w.emu.ApplyFaults(emulator.Faults{Quotas: map[string]int{"posts": 1}}); err != nil {
					t.Fatal(err)
				}
				c := threads.NewClient(threads.WithBaseURL(w.emu.BaseURL()), threads.WithToken(w.tok))
				if _, err := c.PublishPost(context.Background(), threads.Post{Text: "the only post today"}); err != nil {
					t.Fatal(err)
				}
			},
			want: []want{
				{name: "account work: quota", status: doctor.StatusFail, detailHas: "quota spent: posts (1 of 1)",
					fix: "wait: each post, reply or delete stops counting 24 hours after it was made (get_publishing_limit shows the usage); " +
						"nothing in threads-mcp can raise Meta's quota"},
			},
		},
		{
			name: "quota spent, no publishing tool enabled", scopes: all, ok: true,
			setup: func(t *testing.T, w *world, env *doctor.Env) {
				if err := w.emu.ApplyFaults(emulator.Faults{Quotas: map[string]int{"posts": 1}}); err != nil {
					t.Fatal(err)
				}
				c := threads.NewClient(threads.WithBaseURL(w.emu.BaseURL()), threads.WithToken(w.tok))
				if _, err := c.PublishPost(context.Background(), threads.Post{Text: "the only post today"}); err != nil {
					t.Fatal(err)
				}
				sel, err := tools.Select([]string{"read"}, false)
				if err != nil {
					t.Fatal(err)
				}
				env.Tools = sel
			},
			want: []want{{name: "account work: quota", status: doctor.StatusWarn, detailHas: "quota spent: posts (1 of 1)", fixHas: "wait: "}},
		},
		{
			name: "unreachable host", scopes: all,
			setup: func(t *testing.T, w *world, env *doctor.Env) { env.BaseURL = "http://127.0.0.1:1/v1.0" },
			want: []want{
				{name: "account work: token", status: doctor.StatusFail, detailHas: "could not ask Meta about the token",
					fix: "see the graph api line below (network, proxy or --api-base-url)"},
				{name: "graph api", status: doctor.StatusFail, detailHas: "cannot reach 127.0.0.1:1",
					fix: "check the network connection, the firewall and any proxy (HTTPS_PROXY) for 127.0.0.1:1; " +
						"if you meant another endpoint, set --api-base-url / THREADS_API_BASE_URL"},
			},
		},
		{
			name: "clock off", scopes: all,
			setup: func(t *testing.T, w *world, env *doctor.Env) {
				env.Now = func() time.Time { return time.Now().Add(10 * time.Minute) }
			},
			want: []want{{name: "clock", status: doctor.StatusFail, detailHas: "this machine's clock is 10m",
				fixHas: "timedatectl set-ntp true"}},
		},
		{
			name: "unknown --account", scopes: all,
			setup: func(t *testing.T, w *world, env *doctor.Env) { env.DefaultAccount = "personal" },
			want: []want{{name: "default account", status: doctor.StatusFail, detailHas: "--account personal: no such stored account (stored: work)",
				fix: "threads-mcp auth login --account personal, or pass --account with one of the stored names (threads-mcp auth status lists them)"}},
		},
		{
			name: "no account", scopes: all,
			setup: func(t *testing.T, w *world, env *doctor.Env) { env.StateDir = filepath.Join(t.TempDir(), "fresh") },
			want: []want{
				{name: "state directory", status: doctor.StatusSkip, detailHas: "does not exist yet"},
				{name: "accounts", status: doctor.StatusFail, detailHas: "no Threads account",
					fix: "threads-mcp auth login   (or try everything without an account: threads-mcp install --client claude-desktop --sandbox)"},
			},
		},
	}
	if runtime.GOOS != "windows" {
		tests = append(tests, struct {
			name   string
			scopes []string
			setup  func(t *testing.T, w *world, env *doctor.Env)
			ok     bool
			want   []want
		}{
			name: "state directory open to others", scopes: all,
			setup: func(t *testing.T, w *world, _ *doctor.Env) {
				if err := os.Chmod(w.dir, 0o755); err != nil {
					t.Fatal(err)
				}
			},
			want: []want{
				{name: "state directory", status: doctor.StatusFail, detailHas: "open to other users (mode 0755)", fixHas: "chmod 700 "},
				{name: "accounts", status: doctor.StatusSkip, detailHas: "fix it first"},
			},
		})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, tc.scopes)
			env := w.env()
			if tc.setup != nil {
				tc.setup(t, w, env)
			}
			r := doctor.New(doctor.Standard()...).Run(ctx, env)
			var text bytes.Buffer
			if err := r.WriteText(&text); err != nil {
				t.Fatal(err)
			}
			t.Log("\n" + text.String())
			for _, wt := range tc.want {
				f := find(t, r, wt.name)
				if f.Status != wt.status || !strings.Contains(f.Detail, wt.detailHas) {
					t.Errorf("%s: %s %q, want %s with %q", wt.name, f.Status, f.Detail, wt.status, wt.detailHas)
				}
				if wt.fixHas != "" {
					if !strings.Contains(f.Fix, wt.fixHas) {
						t.Errorf("%s: fix %q, want it to contain %q", wt.name, f.Fix, wt.fixHas)
					}
				} else if f.Fix != wt.fix {
					t.Errorf("%s: fix\n %q, want\n %q", wt.name, f.Fix, wt.fix)
				}
			}
			if r.OK() != tc.ok {
				t.Errorf("OK() = %v, want %v", r.OK(), tc.ok)
			}
			b, err := json.Marshal(r.Result())
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b)+text.String(), sentinel) {
				t.Errorf("a token is in the report:\n%s", b)
			}
		})
	}
}

// TestRegister proves the registration API: a check appended runs after
// the standard ones, its findings carry its name and a failure decides OK.
func TestRegister(t *testing.T) {
	w := newWorld(t, emulator.AllScopes)
	d := doctor.New(doctor.Standard()...)
	d.Register(doctor.Check{Name: "media store", Run: func(ctx context.Context, env *doctor.Env) []doctor.Finding {
		if env.Store() == nil {
			return doctor.Failed("no store", "")
		}
		return doctor.Failed("test upload refused: 403", "grant the bucket policy s3:PutObject")
	}})
	names := d.Checks()
	if got := names[len(names)-1]; got != "media store" {
		t.Fatalf("checks %v: the registered one is not last", names)
	}
	r := d.Run(context.Background(), w.env())
	last := r.Findings[len(r.Findings)-1]
	if last.Name != "media store" || last.Detail != "test upload refused: 403" || r.OK() {
		t.Errorf("last finding %+v, OK %v", last, r.OK())
	}
}
