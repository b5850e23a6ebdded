// Command threads-mcp is a Model Context Protocol server for Meta's Threads.
//
// Run `threads-mcp help` for the commands and `threads-mcp COMMAND --help`
// for a command's flags. In stdio mode stdout carries JSON-RPC only; every
// log line goes to stderr.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/threads-mcp/threads-mcp/cmd/internal/cli"
	"github.com/threads-mcp/threads-mcp/cmd/internal/commands"
	"github.com/threads-mcp/threads-mcp/cmd/internal/config"
)

// stampedVersion is set at build time with -ldflags "-X main.stampedVersion=v1.2.3";
// when empty, the version comes from the build info.
var stampedVersion string

// version is the version reported to clients, in logs and by `version`.
var version = cli.Version(stampedVersion)

// env is how the command reads its environment (a map in tests).
type env func(string) string

// stdio are the command's standard streams.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}, os.Getenv)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK    = commands.ExitOK
	exitFail  = commands.ExitFail
	exitUsage = commands.ExitUsage
)

// io is s with the environment, for the commands package.
func (s stdio) io(getenv env) commands.IO {
	return commands.IO{In: s.in, Out: s.out, Err: s.err, Getenv: getenv}
}

// run dispatches a subcommand and returns the exit code.
func run(ctx context.Context, args []string, s stdio, getenv env) int {
	for _, a := range args {
		if a == "--version" {
			fmt.Fprintln(s.out, "threads-mcp", version)
			return exitOK
		}
		if a == "--" {
			break
		}
	}
	fs := config.FlagSet("threads-mcp", getenv)
	cmd, rest := cli.SplitCommand(args, func(name string) bool { return cli.IsValueFlag(fs, name) })
	if cmd == "serve" && (len(args) == 0 || args[0] != "serve") && cli.WantsHelp(args) {
		fmt.Fprint(s.out, commands.Usage()) // `threads-mcp --help`: the overview
		return exitOK
	}
	switch cmd {
	case "serve":
		return serve(ctx, rest, s, getenv)
	case "call":
		return call(ctx, rest, s, getenv)
	case "tools":
		return commands.Tools(rest, s.io(getenv))
	case "emulator":
		return commands.Emulator(ctx, rest, s.io(getenv))
	case "auth":
		return authCommand(ctx, rest, s, getenv)
	case "webhooks":
		return commands.Webhooks(ctx, rest, s.io(getenv))
	case "worker":
		return worker(ctx, rest, s, getenv)
	case "approve":
		return approve(ctx, rest, s, getenv)
	case "drafts":
		return drafts(ctx, rest, s, getenv)
	case "install":
		return commands.Install(rest, s.io(getenv), false)
	case "uninstall":
		return commands.Install(rest, s.io(getenv), true)
	case "doctor":
		return commands.Doctor(ctx, rest, s.io(getenv))
	case "version":
		fmt.Fprintln(s.out, "threads-mcp", version)
		return exitOK
	case "help":
		fmt.Fprint(s.out, commands.Usage())
		return exitOK
	default:
		fmt.Fprintf(s.err, "threads-mcp: unknown command %q\n\n%s", cmd, commands.Usage())
		return exitUsage
	}
}
