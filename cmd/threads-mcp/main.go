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
)

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
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

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
	fs := configFlagSet("threads-mcp", getenv)
	cmd, rest := splitCommand(args, func(name string) bool { return isValueFlag(fs, name) })
	if cmd == "serve" && (len(args) == 0 || args[0] != "serve") && wantsHelp(args) {
		fmt.Fprint(s.out, usage()) // `threads-mcp --help`: the overview
		return exitOK
	}
	switch cmd {
	case "serve":
		return serve(ctx, rest, s, getenv)
	case "call":
		return call(ctx, rest, s, getenv)
	case "tools":
		return listTools(rest, s, getenv)
	case "emulator":
		return runEmulator(ctx, rest, s)
	case "auth":
		return authCommand(ctx, rest, s, getenv)
	case "install":
		return install(rest, s, getenv, false)
	case "uninstall":
		return install(rest, s, getenv, true)
	case "version":
		fmt.Fprintln(s.out, "threads-mcp", version)
		return exitOK
	case "help":
		fmt.Fprint(s.out, usage())
		return exitOK
	default:
		fmt.Fprintf(s.err, "threads-mcp: unknown command %q\n\n%s", cmd, usage())
		return exitUsage
	}
}
