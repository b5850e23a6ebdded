package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/threads-mcp/threads-mcp/cmd/internal/cli"
	"github.com/threads-mcp/threads-mcp/cmd/internal/config"
	"github.com/threads-mcp/threads-mcp/tools/schedule"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// worker runs only the scheduled-post worker until ctx ends (SIGINT,
// SIGTERM): the long-lived service that fires posts when no MCP client is
// connected.
func worker(ctx context.Context, args []string, s stdio, getenv env) int {
	if cli.WantsHelp(args) {
		cli.PrintHelp(s.out, config.FlagSet("worker", getenv), "worker [flags]",
			"Fires scheduled posts and polls for replies until stopped (SIGINT/SIGTERM); run it as a service. --sandbox fires the sandbox's posts.\n"+
				"With --transport http it also receives Threads webhooks at /webhooks/threads (and serves staged media) on --listen.")
		return exitOK
	}
	c, rest, err := config.Parse("worker", args, s.err, getenv)
	if msg := badArgs(err, rest); msg != "" {
		fmt.Fprintln(s.err, "threads-mcp worker:", msg)
		return exitUsage
	}
	a, code := start(ctx, c, s)
	if a == nil {
		return code
	}
	defer a.close()
	if err := a.worker(ctx); err != nil {
		a.logger.Error("worker", "err", err)
		return exitFail
	}
	a.logger.Info("worker running: firing scheduled posts", "sandbox", c.Sandbox)
	if c.Transport != "stdio" {
		// With --transport http the worker also receives Meta's webhooks
		// (and serves staged media) on --listen; it serves no MCP endpoint.
		if err := servePublic(ctx, a, c); err != nil {
			a.logger.Error("worker", "err", err)
			return exitFail
		}
	} else {
		<-ctx.Done()
	}
	a.logger.Info("worker stopped")
	return exitOK
}

// openSchedule opens the state and the schedule of c's mode (no worker).
func openSchedule(ctx context.Context, c *config.Config) (*schedule.Engine, func(), error) {
	dir, err := c.Dir()
	if err != nil {
		return nil, nil, err
	}
	st, err := state.Open(ctx, dir, c.StateOptions...)
	if err != nil {
		return nil, nil, fmt.Errorf("open state in %s: %w", dir, err)
	}
	eng, err := schedule.Open(ctx, st, schedule.WithSandbox(c.Sandbox))
	if err != nil {
		_ = st.Close()
		return nil, nil, err
	}
	return eng, func() { _ = eng.Close(); _ = st.Close() }, nil
}

// drafts lists the drafts and the posts awaiting approval.
func drafts(ctx context.Context, args []string, s stdio, getenv env) int {
	if cli.WantsHelp(args) {
		cli.PrintHelp(s.out, config.FlagSet("drafts", getenv), "drafts [flags]", "Lists drafts and scheduled posts awaiting approval.")
		return exitOK
	}
	c, rest, err := config.Parse("drafts", args, s.err, getenv)
	if msg := badArgs(err, rest); msg != "" {
		fmt.Fprintln(s.err, "threads-mcp drafts:", msg)
		return exitUsage
	}
	eng, closeAll, err := openSchedule(ctx, c)
	if err != nil {
		fmt.Fprintln(s.err, "threads-mcp drafts:", err)
		return exitFail
	}
	defer closeAll()
	if err := eng.Drafts(ctx, s.out); err != nil {
		fmt.Fprintln(s.err, "threads-mcp drafts:", err)
		return exitFail
	}
	return exitOK
}

// approve shows one job and approves it once the person confirms.
func approve(ctx context.Context, args []string, s stdio, getenv env) int {
	var yes bool
	yesFlag := func(fs *flag.FlagSet) {
		fs.BoolVar(&yes, "yes", false, "approve without asking (you have reviewed the post)")
	}
	if cli.WantsHelp(args) {
		cli.PrintHelp(s.out, config.FlagSet("approve", getenv, yesFlag), "approve [flags] JOB",
			"Shows a scheduled post awaiting approval and approves exactly what is shown.")
		return exitOK
	}
	c, rest, err := config.Parse("approve", args, s.err, getenv, yesFlag)
	if err != nil || len(rest) != 1 {
		fmt.Fprintln(s.err, "usage: threads-mcp approve [flags] JOB")
		return exitUsage
	}
	eng, closeAll, err := openSchedule(ctx, c)
	if err != nil {
		fmt.Fprintln(s.err, "threads-mcp approve:", err)
		return exitFail
	}
	defer closeAll()
	j, err := eng.ApproveByPerson(ctx, rest[0], s.in, s.err, yes)
	if err != nil {
		fmt.Fprintln(s.err, "threads-mcp approve:", err)
		return exitFail
	}
	fmt.Fprintf(s.out, "approved %s: %s\n", j.ID, j.Status)
	return exitOK
}

// badArgs says what is wrong with a command's flags or extra arguments.
func badArgs(err error, rest []string) string {
	if err != nil {
		return err.Error()
	}
	if len(rest) > 0 {
		return fmt.Sprintf("unexpected arguments %q", rest)
	}
	return ""
}
