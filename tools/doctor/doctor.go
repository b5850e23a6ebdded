// Package doctor says what is wrong with a threads-mcp setup and how to fix
// it: `threads-mcp doctor` prints its report, one line per finding with ✓, !
// or ✗ and the exact fix, and the doctor tool gives the same report to the
// agent.
//
// A doctor is an ordered list of [Check] values. A check has a name and a
// run function returning one or more [Finding]s (status, detail, fix); it
// gets what it needs from the [Env] or from its own closure. [Standard]
// returns the built-in checks, in the order a person fixes things: the state
// directory, then each account (token validity and expiry from Meta's
// debug_token, the permissions the enabled tools need, the app's mode, the
// publishing quotas), then the Graph API host and the clock. A component
// with something to check (the HTTP transport, a media store, a worker,
// webhooks) adds its own Check with [Doctor.Register], from the code that
// knows its configuration:
//
//	d := doctor.New(doctor.Standard()...)
//	d.Register(doctor.Check{Name: "media store", Run: func(ctx context.Context, env *doctor.Env) []doctor.Finding {
//		if !configured {
//			return doctor.Skipped("no media store configured")
//		}
//		...
//	}})
//	report := d.Run(ctx, env)
//
// A check fails (StatusFail) only for what the enabled tools need: a missing
// permission only optional calls use, an unknown app mode or a token that
// is being refreshed are warnings. [Report.OK] is true when nothing failed;
// the command exits 0 exactly then.
//
// Nothing in a report is a secret: tokens are only ever sent to Meta, and
// every detail and fix passes through Env.Redact before it leaves the
// package.
package doctor

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/tools"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// Statuses of a finding (the schemas.Doctor* values).
const (
	StatusOK   = schemas.DoctorOK
	StatusSkip = schemas.DoctorSkip
	StatusWarn = schemas.DoctorWarn
	StatusFail = schemas.DoctorFail
)

// Finding is one line of the report.
type Finding struct {
	// Name names the line; "" is the check's name.
	Name   string
	Status string
	// Detail says what was found.
	Detail string
	// Fix is the exact fix (a command to run, a setting to change); ""
	// when there is nothing to fix.
	Fix string
}

// OK is a finding that all is well.
func OK(detail string) []Finding { return []Finding{{Status: StatusOK, Detail: detail}} }

// Skipped is a finding that there was nothing to check.
func Skipped(detail string) []Finding { return []Finding{{Status: StatusSkip, Detail: detail}} }

// Failed is a finding that something the enabled tools need is broken.
func Failed(detail, fix string) []Finding {
	return []Finding{{Status: StatusFail, Detail: detail, Fix: fix}}
}

// Warned is a finding worth fixing that breaks nothing the enabled tools
// need.
func Warned(detail, fix string) []Finding {
	return []Finding{{Status: StatusWarn, Detail: detail, Fix: fix}}
}

// Check is one check of the doctor.
type Check struct {
	// Name names the check's lines ("state directory", "graph api").
	Name string
	// Run checks and returns at least one finding. It must not change
	// anything (no refresh, no publish, no file written) and should
	// finish within the Env's Timeout.
	Run func(ctx context.Context, env *Env) []Finding
}

// Account is an account to check, with its token. The token is sent to
// Meta only; it never appears in a finding.
type Account struct {
	// Name is the stored name ("" for THREADS_ACCESS_TOKEN).
	Name string
	// Source is "stored", "environment" or "sandbox".
	Source string
	// Token is the access token. Secret.
	Token string
	// ExpiresAt is the recorded expiry; zero when unknown.
	ExpiresAt time.Time
	// Scopes are the scopes recorded at login; nil when unknown.
	Scopes []string
	// AppID is the Threads app the account logged in with, when known.
	AppID string
}

// Env is what the built-in checks look at. Zero members are defaults
// (see each); one Env serves one Run.
type Env struct {
	// StateDir is the state directory ("" when none could be found).
	StateDir string
	// StateOptions open the state store as the server does (its database,
	// its secret key).
	StateOptions []state.Option
	// Sandbox is set when the server runs against the built-in emulator:
	// the state directory is then not needed for accounts.
	Sandbox bool
	// Accounts are the accounts to check besides the stored ones (the
	// THREADS_ACCESS_TOKEN account, the sandbox's demo account).
	Accounts []Account
	// DefaultAccount is the account calls act as when they name none
	// (--account); "" is the stored default.
	DefaultAccount string
	// Tools are the tools served (tools.Select); nil is the default
	// selection.
	Tools []tools.Tool
	// BaseURL is the versioned Graph API base
	// (https://graph.threads.net/v1.0 unless configured).
	BaseURL string
	// HTTPClient sends the checks' requests; nil is a client with Timeout.
	HTTPClient *http.Client
	// Timeout bounds each network request (default 10 s).
	Timeout time.Duration
	// Now is the local clock (default time.Now).
	Now func() time.Time
	// Redact scrubs secrets from every detail and fix (nil: only the
	// tokens of Accounts and of the stored accounts are scrubbed).
	Redact func(string) string

	store    *state.Store // opened by the state-directory check
	accounts []Account    // every account, resolved once
	loaded   bool
	secrets  []string
}

// Store is the state database when the state-directory check opened it
// (nil otherwise). Checks of components keeping their state there read it.
func (e *Env) Store() *state.Store { return e.store }

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Env) timeout() time.Duration {
	if e.Timeout > 0 {
		return e.Timeout
	}
	return 10 * time.Second
}

func (e *Env) client() *http.Client {
	if e.HTTPClient != nil {
		return e.HTTPClient
	}
	return &http.Client{Timeout: e.timeout()}
}

func (e *Env) tools() []tools.Tool {
	if e.Tools != nil {
		return e.Tools
	}
	sel, _ := tools.Select(nil, false)
	return sel
}

// scrub removes every secret from s.
func (e *Env) scrub(s string) string {
	for _, sec := range e.secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "[REDACTED]")
		}
	}
	if e.Redact != nil {
		s = e.Redact(s)
	}
	return s
}

// Doctor is an ordered list of checks.
type Doctor struct{ checks []Check }

// New returns a doctor running checks in order.
func New(checks ...Check) *Doctor { return &Doctor{checks: append([]Check(nil), checks...)} }

// Register appends checks; they run after the ones already there.
func (d *Doctor) Register(checks ...Check) { d.checks = append(d.checks, checks...) }

// Checks returns the names of the checks, in order.
func (d *Doctor) Checks() []string {
	names := make([]string, len(d.checks))
	for i, c := range d.checks {
		names[i] = c.Name
	}
	return names
}

// Report is the outcome of Run.
type Report struct {
	Findings []Finding
}

// OK reports whether no finding failed.
func (r *Report) OK() bool {
	for _, f := range r.Findings {
		if f.Status == StatusFail {
			return false
		}
	}
	return true
}

// Run runs every check in order and returns the report. It closes
// whatever the checks opened.
func (d *Doctor) Run(ctx context.Context, env *Env) *Report {
	for _, a := range env.Accounts {
		env.secrets = append(env.secrets, a.Token)
	}
	defer func() {
		if env.store != nil {
			_ = env.store.Close()
			env.store = nil
		}
	}()
	r := &Report{}
	for _, c := range d.checks {
		fs := c.Run(ctx, env)
		if len(fs) == 0 {
			fs = OK("")
		}
		for _, f := range fs {
			if f.Name == "" {
				f.Name = c.Name
			}
			f.Detail, f.Fix = env.scrub(f.Detail), env.scrub(f.Fix)
			r.Findings = append(r.Findings, f)
		}
	}
	return r
}

// Result is the report as the doctor tool and `doctor --json` give it.
func (r *Report) Result() *schemas.DoctorResult {
	out := &schemas.DoctorResult{OK: r.OK(), Checks: make([]schemas.DoctorCheck, 0, len(r.Findings))}
	for _, f := range r.Findings {
		out.Checks = append(out.Checks, schemas.DoctorCheck{Check: f.Name, Status: f.Status, Detail: f.Detail, Fix: f.Fix})
	}
	return out
}

// marks are the report's line marks by status.
var marks = map[string]string{StatusOK: "✓", StatusSkip: "-", StatusWarn: "!", StatusFail: "✗"}

// WriteText writes the report for a person: one line per finding (mark,
// name, detail), the fix indented below it, and a summary line.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fails, warns := 0, 0
	for _, f := range r.Findings {
		fmt.Fprintf(&b, "%s %s: %s\n", marks[f.Status], f.Name, f.Detail)
		if f.Fix != "" {
			fmt.Fprintf(&b, "    fix: %s\n", f.Fix)
		}
		switch f.Status {
		case StatusFail:
			fails++
		case StatusWarn:
			warns++
		}
	}
	switch {
	case fails > 0:
		fmt.Fprintf(&b, "\n%d problem(s) to fix, %d warning(s).\n", fails, warns)
	case warns > 0:
		fmt.Fprintf(&b, "\nEverything the enabled tools need works; %d warning(s).\n", warns)
	default:
		b.WriteString("\nEverything the enabled tools need works.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ScrubText removes the secrets the doctor knows of from s, for checks
// registered from outside this package.
func (e *Env) ScrubText(s string) string { return e.scrub(s) }
