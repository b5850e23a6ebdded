package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/threads-mcp/threads-mcp/auth/authcmd"
	"github.com/threads-mcp/threads-mcp/cmd/internal/cli"
	"github.com/threads-mcp/threads-mcp/cmd/internal/commands"
	"github.com/threads-mcp/threads-mcp/cmd/internal/config"
)

// callUsage is the usage line of call.
const callUsage = "call [flags] TOOL [JSON|-]"

// call runs one tool call through an in-process MCP client, prints the
// result JSON on stdout and exits 1 when it is a tool error. The arguments
// are a JSON object, "-" to read it from stdin, or absent for {}.
func call(ctx context.Context, args []string, s stdio, getenv env) int {
	var pretty bool
	prettyFlag := func(fs *flag.FlagSet) {
		fs.BoolVar(&pretty, "pretty", false, "print only the result (structured content, indented; or the error text)")
	}
	if cli.WantsHelp(args) {
		cli.PrintHelp(s.out, config.FlagSet("call", getenv, prettyFlag), callUsage,
			"Calls one tool in-process and prints the result JSON on stdout; exit 1 on a tool error.\n"+
				"JSON is the tool's arguments as one object; - reads them from stdin. `threads-mcp tools` lists the tools.")
		return exitOK
	}
	c, rest, err := config.Parse("call", args, s.err, getenv, prettyFlag)
	if err != nil {
		fmt.Fprintln(s.err, "threads-mcp call:", err)
		return exitUsage
	}
	if len(rest) < 1 || len(rest) > 2 {
		fmt.Fprintln(s.err, "usage: threads-mcp "+callUsage)
		return exitUsage
	}
	name := rest[0]
	if msg := commands.Servable(name, c); msg != "" {
		fmt.Fprintln(s.err, "threads-mcp call:", msg)
		return exitUsage
	}
	arguments, err := cli.Arguments(strings.Join(rest[1:], ""), s.in)
	if err != nil {
		fmt.Fprintln(s.err, "threads-mcp call:", err)
		return exitUsage
	}
	a, code := start(ctx, c, s)
	if a == nil {
		return code
	}
	defer a.close()
	res, err := cli.CallTool(ctx, a.mcp, "threads-mcp-call", version, name, arguments)
	if err != nil {
		fmt.Fprintln(s.err, "threads-mcp call:", err)
		return exitFail
	}
	if err := cli.PrintResult(s.out, res, pretty); err != nil {
		a.logger.Error("encode", "err", err)
		return exitFail
	}
	if res.IsError {
		return exitFail
	}
	return exitOK
}

// authCommand runs `threads-mcp auth ...`.
func authCommand(ctx context.Context, args []string, s stdio, getenv env) int {
	return authcmd.Run(ctx, args, authcmd.IO{
		Stdin:    s.in,
		Stdout:   s.out,
		Stderr:   s.err,
		Getenv:   getenv,
		StateDir: stateDir(getenv),
	})
}

// stateDir is the state directory the auth commands use ("" when none can
// be found: authcmd then says so).
func stateDir(getenv env) string {
	d, _ := (&config.Config{StateDir: getenv("THREADS_MCP_STATE_DIR")}).Dir()
	return d
}
