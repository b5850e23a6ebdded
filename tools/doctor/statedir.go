package doctor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/threads-mcp/threads-mcp/auth"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// Standard returns the built-in checks in order: the state directory, the
// accounts, the Graph API host and the clock.
func Standard() []Check {
	return []Check{
		{Name: "state directory", Run: checkStateDir},
		{Name: "accounts", Run: checkAccounts},
		{Name: "graph api", Run: checkGraph},
	}
}

// checkStateDir checks that the state directory is private and its
// database opens (the store is then kept for the account checks). A
// directory readable by others is reported, not repaired: the doctor
// changes nothing.
func checkStateDir(ctx context.Context, env *Env) []Finding {
	dir := env.StateDir
	if dir == "" {
		return Failed("no state directory: the user config directory cannot be found",
			"set THREADS_MCP_STATE_DIR to a directory of your own, e.g. export THREADS_MCP_STATE_DIR=$HOME/.threads-mcp")
	}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return Skipped(dir + " does not exist yet; the first `threads-mcp auth login` or server start creates it (mode 0700)")
	case err != nil:
		return Failed(fmt.Sprintf("cannot read %s: %v", dir, err), "make it readable by you, or set THREADS_MCP_STATE_DIR to another directory")
	case !fi.IsDir():
		return Failed(dir+" is not a directory", "remove or rename it, or set THREADS_MCP_STATE_DIR to a directory")
	}
	if err := state.CheckOwner(dir); err != nil {
		return Failed(err.Error(), "run threads-mcp as the directory's owner, or set THREADS_MCP_STATE_DIR")
	}
	db := filepath.Join(dir, state.FileName)
	// Mode bits mean nothing on Windows, where the directory inherits the
	// ACL of the user's profile.
	if runtime.GOOS != "windows" {
		if m := fi.Mode().Perm(); m&0o077 != 0 {
			return Failed(fmt.Sprintf("%s is open to other users (mode %04o); it holds your access tokens", dir, m),
				"chmod 700 "+auth.ShellQuote(dir))
		}
		if dfi, err := os.Stat(db); err == nil && dfi.Mode().Perm()&0o077 != 0 {
			return Failed(fmt.Sprintf("%s is open to other users (mode %04o); it holds your access tokens", db, dfi.Mode().Perm()),
				"chmod 600 "+auth.ShellQuote(db)+"*")
		}
	}
	st, err := state.Open(ctx, dir, env.StateOptions...)
	if le := (*state.LostError)(nil); errors.As(err, &le) {
		return Failed(err.Error(), "restore "+le.Path+" from a backup, or start over on purpose: threads-mcp --reset-state (then threads-mcp auth login)")
	}
	if err != nil {
		return Failed(fmt.Sprintf("cannot open the state database: %v", err), "check the permissions of "+dir+" and the free disk space")
	}
	env.store = st
	stored, err := st.Accounts(ctx)
	if err != nil {
		return Failed(fmt.Sprintf("cannot read the stored accounts: %v", err), "restore "+db+" from a backup, or threads-mcp --reset-state")
	}
	detail := fmt.Sprintf("%s, private, database opens; %d stored account(s)", dir, len(stored))
	if runtime.GOOS != "windows" {
		detail = fmt.Sprintf("%s (mode %04o), database opens; %d stored account(s)", dir, fi.Mode().Perm(), len(stored))
	}
	return OK(detail)
}
