package commands

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/threads-mcp/threads-mcp/cmd/internal/config"
	"github.com/threads-mcp/threads-mcp/tools/doctor"
	"github.com/threads-mcp/threads-mcp/tools/schedule"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// TestDoctorComponentChecks: the media store and webhooks checks against
// a configuration made to produce each finding, with its exact fix.
func TestDoctorComponentChecks(t *testing.T) {
	backend := s3mem.New()
	if err := backend.CreateBucket("posts"); err != nil {
		t.Fatal(err)
	}
	s3 := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(s3.Close)
	s3env := func(endpoint string) func(string) string {
		env := map[string]string{"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "auto", "AWS_ACCESS_KEY_ID": "AKIATEST", "AWS_SECRET_ACCESS_KEY": "test-secret"}
		return func(k string) string { return env[k] }
	}
	tests := []struct {
		name   string
		check  func(*config.Config) doctor.Check
		c      config.Config
		status string
		detail string
		fix    string
	}{
		{"sandbox media", mediaCheck, config.Config{Sandbox: true}, doctor.StatusOK, "emulator's media host", ""},
		{"no media store", mediaCheck, config.Config{}, doctor.StatusSkip, "path, upload_id and data inputs are refused", ""},
		{"s3 store works", mediaCheck, config.Config{MediaStore: "s3://posts/staged", Getenv: s3env(s3.URL)}, doctor.StatusOK, "upload, signed URL and fetch work", ""},
		{"s3 bucket missing", mediaCheck, config.Config{MediaStore: "s3://nope/staged", Getenv: s3env(s3.URL)}, doctor.StatusFail, "upload to", "check the bucket"},
		{"self store without a public URL", mediaCheck, config.Config{MediaStore: "self"}, doctor.StatusFail, "", "fix --media-store"},
		{"verify token without a secret", webhooksCheck, config.Config{Transport: "http", WebhookVerifyToken: "v", PollInterval: time.Minute}, doctor.StatusFail,
			"every delivery will be refused", "set THREADS_MCP_WEBHOOK_SECRETS"},
		{"secret without a verify token", webhooksCheck, config.Config{Transport: "http", WebhookSecrets: []string{"s"}}, doctor.StatusFail,
			"handshake will be refused", "set THREADS_MCP_WEBHOOK_VERIFY_TOKEN"},
		{"webhooks on stdio", webhooksCheck, config.Config{Transport: "stdio", WebhookVerifyToken: "v", WebhookSecrets: []string{"s"}}, doctor.StatusWarn,
			"no listener", "--transport http"},
		{"webhooks on http", webhooksCheck, config.Config{Transport: "http", WebhookVerifyToken: "v", WebhookSecrets: []string{"s"}, PollInterval: 2 * time.Minute}, doctor.StatusOK,
			"polling every 2m0s as a fallback", ""},
		{"nothing hears replies", webhooksCheck, config.Config{Transport: "stdio"}, doctor.StatusWarn, "polling is off", "THREADS_MCP_POLL_INTERVAL=2m"},
		{"polling only", webhooksCheck, config.Config{Transport: "stdio", PollInterval: 2 * time.Minute}, doctor.StatusSkip, "polling every 2m0s instead", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			if c.Getenv == nil {
				c.Getenv = func(string) string { return "" }
			}
			got := tc.check(&c).Run(t.Context(), &doctor.Env{StateDir: t.TempDir()})
			if len(got) != 1 {
				t.Fatalf("findings %+v, want one", got)
			}
			f := got[0]
			if f.Status != tc.status || !strings.Contains(f.Detail, tc.detail) || !strings.Contains(f.Fix, tc.fix) {
				t.Errorf("finding %+v, want status %s, detail with %q, fix with %q", f, tc.status, tc.detail, tc.fix)
			}
		})
	}
}

// TestDoctorWorkerCheck: no worker is a warning with the service to run;
// a running worker (its heartbeat in the state database) is fine.
func TestDoctorWorkerCheck(t *testing.T) {
	dir := t.TempDir()
	c := &config.Config{Sandbox: true, StateDir: dir}
	env := &doctor.Env{StateDir: dir}
	d := doctor.New(doctor.Standard()...)
	d.Register(workerCheck(c))
	find := func(r *doctor.Report) doctor.Finding {
		t.Helper()
		for _, f := range r.Result().Checks {
			if f.Check == "worker" {
				return doctor.Finding{Status: f.Status, Detail: f.Detail, Fix: f.Fix}
			}
		}
		t.Fatalf("no worker finding in %+v", r.Result())
		return doctor.Finding{}
	}
	st, err := state.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if f := find(d.Run(t.Context(), env)); f.Status != doctor.StatusWarn || !strings.Contains(f.Fix, "threads-mcp worker --sandbox") {
		t.Fatalf("without a worker: %+v", f)
	}
	eng, err := schedule.Open(t.Context(), st, schedule.WithSandbox(true))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if err := eng.Start(t.Context(), idleFirer{}); err != nil {
		t.Fatal(err)
	}
	if f := find(d.Run(t.Context(), &doctor.Env{StateDir: dir})); f.Status != doctor.StatusOK || !strings.Contains(f.Detail, "A worker is running") {
		t.Fatalf("with a worker: %+v", f)
	}
}

// idleFirer is a schedule.Firer with nothing to fire.
type idleFirer struct{}

func (idleFirer) Fire(context.Context, schedule.FireRequest) (schedule.FireResult, error) {
	return schedule.FireResult{}, nil
}
func (idleFirer) Notify(context.Context, schedule.Outcome) {}
