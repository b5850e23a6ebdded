// Package cli holds the command-line mechanics of threads-mcp that are not
// wiring: finding the subcommand among flags given before or after it,
// parsing flags anywhere among the arguments, per-command help, "did you
// mean" suggestions, environment fallbacks for flag families, the version
// from the build info, and reading and printing one tool call.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// SplitCommand finds the subcommand among args, wherever the server's flags
// put it: `threads-mcp --sandbox call TOOL` and `threads-mcp call --sandbox
// TOOL` both name call. It returns the command ("serve" when none is named)
// and the remaining arguments, flags before the command first. valueFlag
// reports whether a flag takes the next argument as its value.
func SplitCommand(args []string, valueFlag func(name string) bool) (cmd string, rest []string) {
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

// IsValueFlag reports whether fs defines name as a flag that takes a value.
func IsValueFlag(fs *flag.FlagSet, name string) bool {
	f := fs.Lookup(name)
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}

// ParseInterspersed parses flags anywhere among args (the flag package stops
// at the first positional argument) and returns the positional arguments. A
// lone "-" is positional; "--" ends the flags.
func ParseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
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

// WantsHelp reports whether args ask for help (-h, -help, --help).
func WantsHelp(args []string) bool {
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

// PrintHelp writes a subcommand's usage line and its own flags to w.
func PrintHelp(w io.Writer, fs *flag.FlagSet, usageLine, more string) {
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

// Closest returns the candidate nearest to name by edit distance, if it is
// near enough to be a likely typo.
func Closest(name string, candidates []string) (string, bool) {
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

// IsTerminal reports whether r is an interactive terminal (a person started
// the stdio server by hand).
func IsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// SelfPath is the absolute path of the running binary, for commands shown to
// the user (desktop MCP clients do not search the shell's PATH).
func SelfPath() string {
	p, err := Executable()
	if err != nil {
		return "threads-mcp"
	}
	return p
}

// EnvDefaults sets each flag of fs whose name starts with prefix from its
// environment variable (THREADS_MCP_ and the name in upper case, dashes as
// underscores: --sandbox-latency reads THREADS_MCP_SANDBOX_LATENCY). Flags
// given on the command line still win: they are parsed later.
func EnvDefaults(fs *flag.FlagSet, prefix string, getenv func(string) string) error {
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if !strings.HasPrefix(f.Name, prefix) {
			return
		}
		name := "THREADS_MCP_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(name); v != "" {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s=%q: %w", name, v, err))
			}
		}
	})
	return errors.Join(errs...)
}

// List splits a comma-separated flag value ("" is none).
func List(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, ",")
}

// Truthy reports whether an environment value means yes.
func Truthy(v string) bool {
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// Or returns v, or def when v is empty.
func Or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// Executable is the absolute, symlink-resolved path of the running binary.
func Executable() (string, error) {
	p, err := os.Executable()
	if err != nil {
		return "", err
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	return filepath.Abs(p)
}
