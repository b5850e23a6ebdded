package commands

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"

	"github.com/threads-mcp/threads-mcp/cmd/internal/cli"
	"github.com/threads-mcp/threads-mcp/cmd/internal/config"
	"github.com/threads-mcp/threads-mcp/schemas"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools/doctor"
	"github.com/threads-mcp/threads-mcp/tools/httpmw"
	"github.com/threads-mcp/threads-mcp/tools/media"
	"github.com/threads-mcp/threads-mcp/tools/schedule"
)

// doctorUsage is the usage line of doctor.
const doctorUsage = "doctor [server flags] [--json]"

// NewDoctor returns the doctor for the server configured by c: the
// standard checks, then one per configured component. A component's check
// is registered here, after the HTTP transport's, in the order a person
// fixes things.
func NewDoctor(c *config.Config) *doctor.Doctor {
	d := doctor.New(doctor.Standard()...)
	d.Register(httpCheck(c), mediaCheck(c), workerCheck(c), webhooksCheck(c))
	return d
}

// DoctorEnv is what the doctor checks for the server configured by c. A
// sandbox's emulator is given by its base URL and demo token.
func DoctorEnv(c *config.Config, sandboxURL, sandboxToken string) *doctor.Env {
	dir, _ := c.Dir()
	env := &doctor.Env{StateDir: dir, StateOptions: c.StateOptions, Sandbox: c.Sandbox, Tools: c.Tools, BaseURL: c.BaseURL, DefaultAccount: c.Account}
	if c.Redact != nil {
		env.Redact = c.Redact.Scrub
	}
	switch {
	case c.Sandbox:
		env.BaseURL = sandboxURL
		env.Accounts = []doctor.Account{{Name: "sandbox", Source: "sandbox", Token: sandboxToken}}
	case c.Token != "":
		env.Accounts = []doctor.Account{{Source: "environment", Token: c.Token}}
	}
	return env
}

// Doctor runs `threads-mcp doctor`: it checks the setup the same flags
// and environment give the server, prints one line per finding (or the
// report as JSON with --json) and exits 0 only when nothing the enabled
// tools need is broken.
func Doctor(ctx context.Context, args []string, s IO) int {
	getenv := s.getenv()
	var asJSON bool
	jsonFlag := func(fs *flag.FlagSet) {
		fs.BoolVar(&asJSON, "json", false, "print the report as JSON ({ok, checks: [{check, status, detail, fix}]})")
	}
	if cli.WantsHelp(args) {
		cli.PrintHelp(s.Out, config.FlagSet("doctor", getenv, jsonFlag), doctorUsage,
			"Checks the state directory, each account's token, the permissions the enabled tools need, the app's mode,\n"+
				"the quotas, the Graph API host, the clock and the HTTP settings; prints the exact fix for each problem.\n"+
				"Give it the flags (or environment) the server runs with. Exit 0 only when the enabled tools have all they need.")
		return ExitOK
	}
	c, rest, err := config.ParseLenient("doctor", args, s.Err, getenv, jsonFlag)
	if err != nil {
		fmt.Fprintln(s.Err, "threads-mcp doctor:", err)
		return ExitUsage
	}
	if len(rest) > 0 {
		fmt.Fprintf(s.Err, "threads-mcp doctor: unexpected arguments %q\nusage: threads-mcp %s\n", rest, doctorUsage)
		return ExitUsage
	}
	var sandboxURL, sandboxToken string
	if c.Sandbox {
		// The sandbox's own world is left alone: its faults and limits
		// (the --sandbox-* flags) apply to a fresh one.
		emu, err := emulator.OpenServer(append(emulator.SandboxDefaults(), c.Emulator...)...)
		if err != nil {
			fmt.Fprintln(s.Err, "threads-mcp doctor: sandbox:", err)
			return ExitFail
		}
		defer emu.Close()
		sandboxURL, sandboxToken = emu.BaseURL(), emu.DemoToken()
		c.Redact.Add(sandboxToken)
	}
	report := NewDoctor(c).Run(ctx, DoctorEnv(c, sandboxURL, sandboxToken))
	if asJSON {
		res := report.Result()
		res.Sandbox = c.Sandbox
		b, err := json.MarshalIndent(res, "", "  ")
		if err != nil {
			fmt.Fprintln(s.Err, "threads-mcp doctor:", err)
			return ExitFail
		}
		fmt.Fprintln(s.Out, string(b))
	} else if err := report.WriteText(s.Out); err != nil {
		return ExitFail
	}
	if !report.OK() {
		return ExitFail
	}
	return ExitOK
}

// DoctorResult runs the doctor for the doctor tool of a server configured
// by c.
func DoctorResult(ctx context.Context, c *config.Config, sandboxURL, sandboxToken string) *schemas.DoctorResult {
	return NewDoctor(c).Run(ctx, DoctorEnv(c, sandboxURL, sandboxToken)).Result()
}

// httpCheck checks the HTTP transport settings when one is configured: the
// refusals of config.HTTPProblems, then the bearer token's strength and the
// allowed origins and hosts.
func httpCheck(c *config.Config) doctor.Check {
	return doctor.Check{Name: "http transport", Run: func(context.Context, *doctor.Env) []doctor.Finding {
		if c.Transport == "stdio" {
			return doctor.Skipped("stdio: no HTTP listener")
		}
		if probs := c.HTTPProblems(); len(probs) > 0 {
			var out []doctor.Finding
			for _, p := range probs {
				fix := p.Fix
				if fix == "" && strings.HasPrefix(p.Problem, "--http-token") {
					fix = "set --http-token / THREADS_MCP_HTTP_TOKEN to a strong token; " + httpmw.GenerateTokenHint
				}
				out = append(out, doctor.Finding{Status: doctor.StatusFail, Detail: p.Problem, Fix: fix})
			}
			return out
		}
		detail := fmt.Sprintf("%s on %s", c.Transport, c.Listen)
		if c.HTTPToken != "" {
			detail += fmt.Sprintf(", bearer token set (%d bytes, strong enough)", len(c.HTTPToken))
		} else {
			detail += ", loopback only, no bearer token"
		}
		if c.Origins != "" {
			detail += ", browser origins allowed besides loopback: " + c.Origins
		}
		if c.Hosts != "" {
			detail += ", Host names allowed besides loopback: " + c.Hosts
		}
		return doctor.OK(detail)
	}}
}

// mediaCheck checks the media store when one is configured: a small test
// object is uploaded, a URL signed for it and, for an S3 store, fetched
// back through that URL as Meta would, then deleted. The self store is
// served by the running server, so only its signing is checked here.
func mediaCheck(c *config.Config) doctor.Check {
	return doctor.Check{Name: "media store", Run: func(ctx context.Context, env *doctor.Env) []doctor.Finding {
		spec := strings.TrimSpace(c.MediaStore)
		switch {
		case spec == "" && c.Sandbox:
			return doctor.OK("sandbox: local files are staged on the emulator's media host")
		case spec == "":
			return doctor.Skipped("none configured: path, upload_id and data inputs are refused (public https URLs work); " +
				"set --media-store s3://bucket/prefix, or self with --public-url, to post local files")
		}
		m, _, err := media.Open(media.Setup{Store: spec, PublicURL: c.PublicURL, StateDir: env.StateDir, Getenv: c.Getenv})
		if err != nil {
			return doctor.Failed(env.ScrubText(err.Error()), "fix --media-store / THREADS_MCP_MEDIA_STORE (s3://bucket/prefix with the AWS_* variables, or self with --public-url https://…)")
		}
		detail, err := m.SelfTest(ctx, strings.HasPrefix(spec, "s3://"), nil)
		if err != nil {
			return doctor.Failed(env.ScrubText(err.Error()), "check the bucket, its endpoint (AWS_ENDPOINT_URL), region and the credentials' write and delete rights")
		}
		return doctor.OK(detail)
	}}
}

// webhooksCheck checks how replies and mentions are heard: Meta's webhooks
// (the HTTP transport, a verify token and the app secrets that sign
// deliveries) or the polling fallback.
func webhooksCheck(c *config.Config) doctor.Check {
	return doctor.Check{Name: "webhooks", Run: func(context.Context, *doctor.Env) []doctor.Finding {
		polling := "polling every " + c.PollInterval.String()
		if c.PollInterval <= 0 {
			polling = "polling off"
		}
		switch {
		case c.WebhookVerifyToken != "" && len(c.WebhookSecrets) == 0:
			return doctor.Failed("a webhook verify token is set but no app secret: every delivery will be refused (its signature cannot be checked)",
				"set THREADS_MCP_WEBHOOK_SECRETS to the app secret (App Dashboard → App settings → Basic)")
		case c.WebhookVerifyToken == "" && len(c.WebhookSecrets) > 0:
			return doctor.Failed("app secrets are set but no webhook verify token: Meta's subscription handshake will be refused",
				"set THREADS_MCP_WEBHOOK_VERIFY_TOKEN to the verify token entered in the App Dashboard")
		case c.WebhookVerifyToken != "" && c.Transport == "stdio":
			return doctor.Warned("webhooks are configured but the stdio transport has no listener to receive them ("+polling+")",
				"serve with --transport http behind your public URL, at /webhooks/threads")
		case c.WebhookVerifyToken != "":
			return doctor.OK("receiving at /webhooks/threads; " + polling + " as a fallback")
		case c.PollInterval <= 0:
			return doctor.Warned("no webhooks and polling is off: new replies and mentions are heard of only when a tool reads them",
				"set THREADS_MCP_POLL_INTERVAL=2m, or configure webhooks (THREADS_MCP_WEBHOOK_VERIFY_TOKEN, THREADS_MCP_WEBHOOK_SECRETS)")
		}
		return doctor.Skipped("no webhooks configured (they need an app that is Live); " + polling + " instead")
	}}
}

// workerCheck says whether a worker fires scheduled posts (and runs the
// polling fallback) on this state database: one was alive in its last
// heartbeats, in this or any other process.
func workerCheck(c *config.Config) doctor.Check {
	return doctor.Check{Name: "worker", Run: func(ctx context.Context, env *doctor.Env) []doctor.Finding {
		st := env.Store()
		if st == nil {
			return doctor.Skipped("the state database did not open (see above)")
		}
		eng, err := schedule.Open(ctx, st, schedule.WithSandbox(c.Sandbox))
		if err != nil {
			return doctor.Failed(env.ScrubText(err.Error()), "check the state database (above); scheduled posts cannot fire until it opens")
		}
		defer func() { _ = eng.Close() }()
		running, note := eng.WorkerRunning(ctx)
		if running {
			return doctor.OK(note)
		}
		cmd := "threads-mcp worker"
		if c.Sandbox {
			cmd += " --sandbox"
		}
		return doctor.Warned("no worker is running: scheduled posts fire and replies are polled only while a threads-mcp serve or worker runs",
			"run `"+cmd+"` as a service (the README has a systemd unit and a launchd plist)")
	}}
}
