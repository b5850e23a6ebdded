package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// commands are the subcommands, in the order help lists them.
var commands = []struct{ name, args, summary string }{
	{"serve", "[flags]", "run the MCP server (the default command)"},
	{"call", "[flags] TOOL [JSON|-]", "one tool call; the result JSON on stdout; exit 1 on a tool error"},
	{"tools", "", "every tool with its schemas, as JSON"},
	{"emulator", "[flags]", "the Threads API emulator over HTTP; prints its demo token"},
	{"auth", "login|status|refresh|logout|default ...", "manage stored Threads accounts"},
	{"install", "--client CLIENT [flags]", "add threads-mcp to an MCP client's configuration"},
	{"uninstall", "--client CLIENT", "remove it again"},
	{"version", "", "print the version"},
	{"help", "", "this text"},
}

// isCommand reports whether name is a subcommand.
func isCommand(name string) bool {
	return slices.ContainsFunc(commands, func(c struct{ name, args, summary string }) bool { return c.name == name })
}

// splitCommand finds the subcommand among args, wherever the server's flags
// put it: `threads-mcp --sandbox call TOOL` and `threads-mcp call --sandbox
// TOOL` both name call. It returns the command ("serve" when none is named)
// and the remaining arguments, flags before the command first. valueFlag
// reports whether a flag takes the next argument as its value.
func splitCommand(args []string, valueFlag func(name string) bool) (cmd string, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if name, isFlag := flagName(a); isFlag {
			if !strings.Contains(a, "=") && valueFlag(name) {
				i++ // skip the flag's value
			}
			continue
		}
		return a, append(slices.Clone(args[:i]), args[i+1:]...)
	}
	return "serve", args
}

// flagName returns the name of a flag argument ("-x", "--x", "--x=v").
func flagName(a string) (string, bool) {
	if len(a) < 2 || a[0] != '-' {
		return "", false
	}
	name := strings.TrimLeft(a, "-")
	if i := strings.IndexByte(name, '='); i >= 0 {
		name = name[:i]
	}
	return name, name != ""
}

// isValueFlag reports whether fs defines name as a flag that takes a value.
func isValueFlag(fs *flag.FlagSet, name string) bool {
	f := fs.Lookup(name)
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}

// parseInterspersed parses flags anywhere among args (the flag package stops
// at the first positional argument) and returns the positional arguments. A
// lone "-" is positional; "--" ends the flags.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > 0 && len(rest) < len(args) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// wantsHelp reports whether args ask for help (-h, -help, --help).
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "-h" || a == "-help" || a == "--help" {
			return true
		}
	}
	return false
}

// printHelp writes a subcommand's usage line and its own flags to w.
func printHelp(w io.Writer, fs *flag.FlagSet, usageLine, more string) {
	fmt.Fprintf(w, "usage: threads-mcp %s\n", usageLine)
	if more != "" {
		fmt.Fprintln(w, more)
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintln(w, "\nflags:")
		out := fs.Output()
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(out)
	}
}

// usage is the top-level help text.
func usage() string {
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

// closest returns the candidate nearest to name by edit distance, if it is
// near enough to be a likely typo.
func closest(name string, candidates []string) (string, bool) {
	best, bestD := "", -1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(name), strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || bestD > max(2, len(name)/3) {
		return "", false
	}
	return best, true
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// isTerminal reports whether r is an interactive terminal (a person started
// the stdio server by hand).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// selfPath is the absolute path of the running binary, for commands shown to
// the user (desktop MCP clients do not search the shell's PATH).
func selfPath() string {
	p, err := executable()
	if err != nil {
		return "threads-mcp"
	}
	return p
}
