// Command threads-mcp is a Model Context Protocol server for Meta's Threads.
//
// Usage:
//
//	threads-mcp [serve] [--transport stdio|sse|http] [--listen 127.0.0.1:8080] [--sandbox]
//	threads-mcp call TOOL ['{"arg":"value"}']     one tool call; result JSON on stdout; exit 1 on a tool error
//	threads-mcp tools                              every tool with its schemas, as JSON
//	threads-mcp emulator [--listen 127.0.0.1:8787] the Threads API emulator over HTTP; prints its demo token
//	threads-mcp auth login|status|refresh|logout|default ...
//	threads-mcp version
//
// In stdio mode stdout carries JSON-RPC only; every log line goes to stderr.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

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
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, s, getenv)
	case "call":
		return call(ctx, args, s, getenv)
	case "tools":
		return listTools(args, s)
	case "emulator":
		return runEmulator(ctx, args, s)
	case "auth":
		return authCommand(ctx, args, s, getenv)
	case "version", "--version":
		fmt.Fprintln(s.out, "threads-mcp", version)
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(s.err, usage)
		return exitOK
	default:
		fmt.Fprintf(s.err, "threads-mcp: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
}

const usage = `threads-mcp — a Model Context Protocol server for Meta's Threads

Usage:
  threads-mcp [serve] [--transport stdio|sse|http] [--listen 127.0.0.1:8080] [--sandbox]
  threads-mcp call TOOL ['{"arg":"value"}']      one tool call; result JSON on stdout; exit 1 on a tool error
  threads-mcp tools                               every tool with its schemas, as JSON
  threads-mcp emulator [--listen 127.0.0.1:8787]  the Threads API emulator over HTTP; prints its demo token
  threads-mcp auth login|status|refresh|logout    manage stored Threads accounts
  threads-mcp version

Environment (flags win):
  THREADS_ACCESS_TOKEN     a Threads access token (single account)
  THREADS_API_BASE_URL     Graph API base URL (default https://graph.threads.net/v1.0)
  THREADS_MCP_TRANSPORT    stdio (default), sse or http
  THREADS_MCP_LISTEN       listen address for sse/http (default 127.0.0.1:8080)
  THREADS_MCP_SANDBOX=1    run against the built-in emulator; no account needed
  THREADS_MCP_STATE_DIR    state directory (default: the user config dir/threads-mcp)
  THREADS_MCP_LOG_LEVEL    debug, info (default), warn or error
`
