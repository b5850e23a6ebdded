// Package commands implements the threads-mcp subcommands that are not the
// server itself: tools (list the definitions), emulator (serve the Threads
// API emulator), install and uninstall (edit an MCP client's
// configuration), and the top-level help. The server (serve, call) is
// wired in cmd/threads-mcp; auth is auth/authcmd.
package commands

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/threads-mcp/threads-mcp/cmd/internal/cli"
	"github.com/threads-mcp/threads-mcp/cmd/internal/config"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitFail  = 1
	ExitUsage = 2
)

// IO is a command's standard streams and environment.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	// Getenv reads the environment (nil: none is set).
	Getenv func(string) string
}

func (s IO) getenv() func(string) string {
	if s.Getenv == nil {
		return func(string) string { return "" }
	}
	return s.Getenv
}

// commands are the subcommands, in the order help lists them.
var commands = []struct{ name, args, summary string }{
	{"serve", "[flags]", "run the MCP server (the default command)"},
	{"call", "[flags] TOOL [JSON|-]", "one tool call; the result JSON on stdout; exit 1 on a tool error"},
	{"worker", "[flags]", "only fire scheduled posts (a long-lived service)"},
	{"drafts", "[flags]", "list drafts and scheduled posts awaiting approval"},
	{"approve", "[flags] JOB", "show a scheduled post and approve it as a person"},
	{"tools", "", "every tool with its schemas, as JSON"},
	{"emulator", "[flags]", "the Threads API emulator over HTTP; prints its demo token"},
	{"auth", "login|status|refresh|logout|default|rotate-key ...", "manage stored Threads accounts"},
	{"webhooks", "subscribe|list|unsubscribe [flags]", "manage the app's Threads webhook subscription"},
	{"install", "--client CLIENT [flags]", "add threads-mcp to an MCP client's configuration"},
	{"uninstall", "--client CLIENT", "remove it again"},
	{"doctor", "[flags] [--json]", "what is wrong with the setup, and the exact fix; exit 0 when all is well"},
	{"version", "", "print the version"},
	{"help", "", "this text"},
}

// Usage is the top-level help text.
func Usage() string {
	var b strings.Builder
	b.WriteString("threads-mcp — a Model Context Protocol server for Meta's Threads\n\nUsage:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  threads-mcp %-9s %-40s %s\n", c.name, c.args, c.summary)
	}
	b.WriteString(`
Flags go before or after the command; "threads-mcp COMMAND --help" lists a command's own flags.

Environment (flags win):
  THREADS_ACCESS_TOKEN     a Threads access token (single account)
  THREADS_API_BASE_URL     Graph API base URL (default https://graph.threads.net/v1.0)
  THREADS_MCP_TRANSPORT    stdio (default), sse or http
  THREADS_MCP_LISTEN       listen address for sse/http (default 127.0.0.1:8080)
  THREADS_MCP_SANDBOX=1    run against the built-in emulator; no account needed
  THREADS_MCP_STATE_DIR    state directory (default: the user config dir/threads-mcp)
  THREADS_MCP_LOG_LEVEL    debug, info (default), warn or error

In stdio mode stdout carries JSON-RPC only; every log line goes to stderr.
`)
	return b.String()
}

// Servable says why the tool named name cannot be called with c ("" when
// it can): an unknown name (with a "did you mean"), or one the toolsets or
// --read-only leave out.
func Servable(name string, c *config.Config) string {
	var names []string
	toolset := ""
	for _, t := range tools.Tools() {
		names = append(names, t.Name())
		if t.Name() == name {
			toolset = t.Toolset()
		}
	}
	if toolset == "" {
		msg := fmt.Sprintf("no tool %q", name)
		if near, ok := cli.Closest(name, names); ok {
			msg += fmt.Sprintf("; did you mean %q?", near)
		}
		return msg + " (`threads-mcp tools` lists them: " + strings.Join(names, ", ") + ")"
	}
	if !slices.ContainsFunc(c.Tools, func(t tools.Tool) bool { return t.Name() == name }) {
		return fmt.Sprintf("tool %q is not served with --toolsets %q --read-only=%v (it is in toolset %q)", name, c.Toolsets, c.ReadOnly, toolset)
	}
	return ""
}

// Tools runs `threads-mcp tools`: it prints every tool definition, with schemas, as JSON; --toolsets
// and --read-only select as they do for serve.
func Tools(args []string, s IO) int {
	getenv := s.getenv()
	fs := flag.NewFlagSet("tools", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	toolsets := fs.String("toolsets", getenv("THREADS_MCP_TOOLSETS"), "comma-separated toolsets: "+config.ToolsetNames())
	readOnly := fs.Bool("read-only", cli.Truthy(getenv("THREADS_MCP_READ_ONLY")), "only read-only tools")
	if cli.WantsHelp(args) {
		cli.PrintHelp(s.Out, fs, "tools [flags]", "Prints the tool definitions (name, title, description, hints, input and output schemas) as JSON.")
		return ExitOK
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(s.Err, "usage: threads-mcp tools [--toolsets LIST] [--read-only]")
		return ExitUsage
	}
	selected, err := tools.Select(cli.List(*toolsets), *readOnly)
	if err != nil {
		fmt.Fprintln(s.Err, "threads-mcp tools:", err)
		return ExitUsage
	}
	defs := make([]mcp.Tool, 0, len(selected))
	for _, t := range selected {
		defs = append(defs, t.Definition())
	}
	b, err := json.MarshalIndent(defs, "", "  ")
	if err != nil {
		fmt.Fprintln(s.Err, "threads-mcp tools:", err)
		return ExitFail
	}
	fmt.Fprintln(s.Out, string(b))
	return ExitOK
}

// Emulator runs `threads-mcp emulator`: it serves the Threads API emulator
// with its demo world until ctx ends.
func Emulator(ctx context.Context, args []string, s IO) int {
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.SetOutput(s.Err)
	listen := fs.String("listen", "127.0.0.1:8787", "listen address")
	stateFile := fs.String("state", "", "keep the emulated world in this file across runs")
	emuOpts := emulator.Flags(fs, "")
	if cli.WantsHelp(args) {
		cli.PrintHelp(s.Out, fs, "emulator [flags]", "Serves the Threads Graph API emulator (with a demo world) over HTTP.")
		return ExitOK
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	opts, err := emuOpts()
	if err != nil {
		fmt.Fprintln(s.Err, "threads-mcp emulator:", err)
		return ExitUsage
	}
	if *stateFile != "" {
		opts = append(opts, emulator.WithStateFile(*stateFile))
	}
	emu, err := emulator.Open(append(emulator.SandboxDefaults(), opts...)...)
	if err != nil {
		fmt.Fprintln(s.Err, "threads-mcp emulator:", err)
		return ExitFail
	}
	defer emu.Close()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(s.Err, "threads-mcp emulator:", err)
		return ExitFail
	}
	hs := &http.Server{Handler: emu.Handler(), ReadHeaderTimeout: 10 * time.Second}
	base := "http://" + ln.Addr().String()
	appID, appSecret := emu.DemoApp()
	fmt.Fprintf(s.Out, "Threads API emulator listening on %s\n", base)
	fmt.Fprintf(s.Out, "THREADS_API_BASE_URL=%s/v1.0\n", base)
	fmt.Fprintf(s.Out, "THREADS_ACCESS_TOKEN=%s\n", emu.DemoToken())
	fmt.Fprintf(s.Out, "demo app: id %s, secret %s\n", appID, appSecret)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintln(s.Err, "threads-mcp emulator:", err)
		return ExitFail
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = hs.Shutdown(sctx)
	return ExitOK
}
