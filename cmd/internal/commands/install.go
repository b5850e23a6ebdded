package commands

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"

	"github.com/threads-mcp/threads-mcp/cmd/internal/cli"
	"github.com/threads-mcp/threads-mcp/tools/clientconfig"
)

// Install runs `threads-mcp install` (remove false) and `threads-mcp
// uninstall` (remove true): it writes this binary, by its absolute path, into
// an MCP client's configuration, or takes it out.
func Install(args []string, s IO, remove bool) int {
	getenv := s.getenv()
	cmdName := map[bool]string{false: "install", true: "uninstall"}[remove]
	fs := flag.NewFlagSet(cmdName, flag.ContinueOnError)
	fs.SetOutput(s.Err)
	client := fs.String("client", "", "the MCP client: claude-desktop, claude-code, vscode, cursor, windsurf or codex")
	name := fs.String("name", "threads", "the entry's name in the client's configuration")
	dryRun := fs.Bool("dry-run", false, "print the new configuration instead of writing it")
	var sandbox, readOnly, force bool
	var account, toolsets string
	if !remove {
		fs.BoolVar(&sandbox, "sandbox", false, "configure the sandbox (the built-in emulator; no account needed)")
		fs.StringVar(&account, "account", "", "the stored account the server acts as by default (see threads-mcp auth status)")
		fs.StringVar(&toolsets, "toolsets", "", "comma-separated toolsets to enable (default: the server's default)")
		fs.BoolVar(&readOnly, "read-only", false, "only read-only tools")
		fs.BoolVar(&force, "force", false, "replace an existing entry of the same name")
	}
	usageLine := cmdName + " --client CLIENT [flags]"
	if cli.WantsHelp(args) {
		cli.PrintHelp(s.Out, fs, usageLine, map[bool]string{
			false: "Writes threads-mcp into an MCP client's configuration (merging; the old file is kept as FILE.bak).\nNo token is written: the entry uses a stored account (threads-mcp auth login) or the sandbox.",
			true:  "Removes the threads-mcp entry from an MCP client's configuration.",
		}[remove])
		return ExitOK
	}
	pos, err := cli.ParseInterspersed(fs, args)
	if err != nil {
		return ExitUsage
	}
	if len(pos) > 0 || *client == "" {
		fmt.Fprintln(s.Err, "usage: threads-mcp "+usageLine)
		return ExitUsage
	}
	c, err := clientconfig.ParseClient(*client)
	if err != nil {
		fmt.Fprintf(s.Err, "threads-mcp %s: %v\n", cmdName, err)
		return ExitUsage
	}
	if sandbox && account != "" {
		fmt.Fprintf(s.Err, "threads-mcp %s: --sandbox and --account exclude each other\n", cmdName)
		return ExitUsage
	}
	p, err := platform(getenv)
	if err != nil {
		fmt.Fprintf(s.Err, "threads-mcp %s: %v\n", cmdName, err)
		return ExitFail
	}
	opts := clientconfig.Options{Force: force, DryRun: *dryRun}
	var r *clientconfig.Result
	if remove {
		r, err = clientconfig.Uninstall(c, p, *name, opts)
	} else {
		self, serr := cli.Executable()
		if serr != nil {
			fmt.Fprintf(s.Err, "threads-mcp install: locate this binary: %v\n", serr)
			return ExitFail
		}
		e := clientconfig.Entry{Name: *name, Command: self}
		if sandbox {
			e.Args = append(e.Args, "--sandbox")
		}
		if account != "" {
			e.Args = append(e.Args, "--account", account)
		}
		if toolsets != "" {
			e.Args = append(e.Args, "--toolsets", toolsets)
		}
		if readOnly {
			e.Args = append(e.Args, "--read-only")
		}
		r, err = clientconfig.Install(c, p, e, opts)
	}
	if err != nil {
		fmt.Fprintf(s.Err, "threads-mcp %s: %v\n", cmdName, err)
		if errors.Is(err, clientconfig.ErrExists) {
			return ExitUsage
		}
		return ExitFail
	}
	switch {
	case *dryRun:
		fmt.Fprintf(s.Out, "# %s\n%s", r.Path, r.Content)
	case !r.Changed:
		fmt.Fprintf(s.Err, "%s: already up to date, nothing changed\n", r.Path)
	case remove:
		fmt.Fprintf(s.Err, "removed %q from %s (backup: %s); restart %s\n", *name, r.Path, r.Backup, c)
	default:
		fmt.Fprintf(s.Err, "added %q to %s", *name, r.Path)
		if r.Backup != "" {
			fmt.Fprintf(s.Err, " (backup: %s)", r.Backup)
		}
		fmt.Fprintf(s.Err, "; restart %s to load it\n", c)
	}
	return ExitOK
}

// platform describes this machine for clientconfig.
func platform(getenv func(string) string) (clientconfig.Platform, error) {
	home := getenv("HOME")
	if runtime.GOOS == "windows" || home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return clientconfig.Platform{}, fmt.Errorf("find the home directory: %w", err)
		}
		home = h
	}
	return clientconfig.Platform{
		GOOS: runtime.GOOS, Home: home,
		AppData: getenv("APPDATA"), XDGConfigHome: getenv("XDG_CONFIG_HOME"), CodexHome: getenv("CODEX_HOME"),
	}, nil
}
