// Package clientconfig writes threads-mcp into the configuration files of MCP
// clients (Claude Desktop, Claude Code, VS Code, Cursor, Windsurf, Codex) and
// removes it again.
//
// Each client keeps its MCP servers in one file: a JSON object with the
// servers under a key ("mcpServers", or "servers" for VS Code), or for Codex a
// TOML file with one [mcp_servers.NAME] table per server. Install merges one
// entry into that file and leaves everything else as it was:
//
//  1. read the file (a missing file is an empty configuration);
//  2. refuse when an entry of the same name exists and differs, unless Force;
//  3. copy the old file to FILE.bak (the previous backup is replaced);
//  4. write the new content to a temporary file beside it and rename it over
//     the original, so a crash leaves either the old or the new file.
//
// The entry names the binary by its absolute path: desktop clients start
// servers without the user's shell PATH, and a bare command name fails there
// with ENOENT. No token is ever written: the entry points at a stored account
// (--account) or the sandbox.
package clientconfig

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Client is an MCP client whose configuration file this package edits.
type Client string

// The supported clients.
const (
	ClaudeDesktop Client = "claude-desktop"
	ClaudeCode    Client = "claude-code"
	VSCode        Client = "vscode"
	Cursor        Client = "cursor"
	Windsurf      Client = "windsurf"
	Codex         Client = "codex"
)

// Clients lists every supported client, in the order help shows them.
var Clients = []Client{ClaudeDesktop, ClaudeCode, VSCode, Cursor, Windsurf, Codex}

// ParseClient returns the client named s, or an error listing the valid names.
func ParseClient(s string) (Client, error) {
	c := Client(strings.ToLower(strings.TrimSpace(s)))
	if slices.Contains(Clients, c) {
		return c, nil
	}
	names := make([]string, len(Clients))
	for i, c := range Clients {
		names[i] = string(c)
	}
	return "", fmt.Errorf("unknown client %q: use one of %s", s, strings.Join(names, ", "))
}

// Platform is where the configuration files are: the operating system
// (runtime.GOOS) and the user's directories. Tests use a fake home.
type Platform struct {
	GOOS string
	// Home is the user's home directory.
	Home string
	// AppData is %APPDATA% on Windows (default Home\AppData\Roaming).
	AppData string
	// XDGConfigHome is $XDG_CONFIG_HOME on Linux (default Home/.config).
	XDGConfigHome string
	// CodexHome is $CODEX_HOME (default Home/.codex).
	CodexHome string
}

// Path returns the configuration file of c on p.
func (p Platform) Path(c Client) (string, error) {
	if p.Home == "" {
		return "", errors.New("clientconfig: no home directory")
	}
	join := filepath.Join
	if p.GOOS == "windows" {
		join = func(elem ...string) string { return strings.Join(elem, `\`) }
	}
	// userConfig is the OS's per-user application configuration directory.
	userConfig := func() string {
		switch p.GOOS {
		case "darwin":
			return join(p.Home, "Library", "Application Support")
		case "windows":
			if p.AppData != "" {
				return p.AppData
			}
			return join(p.Home, "AppData", "Roaming")
		default:
			if p.XDGConfigHome != "" {
				return p.XDGConfigHome
			}
			return join(p.Home, ".config")
		}
	}
	switch c {
	case ClaudeDesktop:
		return join(userConfig(), "Claude", "claude_desktop_config.json"), nil
	case ClaudeCode:
		return join(p.Home, ".claude.json"), nil
	case VSCode:
		return join(userConfig(), "Code", "User", "mcp.json"), nil
	case Cursor:
		return join(p.Home, ".cursor", "mcp.json"), nil
	case Windsurf:
		return join(p.Home, ".codeium", "windsurf", "mcp_config.json"), nil
	case Codex:
		if p.CodexHome != "" {
			return join(p.CodexHome, "config.toml"), nil
		}
		return join(p.Home, ".codex", "config.toml"), nil
	}
	return "", fmt.Errorf("clientconfig: unknown client %q", c)
}

// Entry is the server entry to write.
type Entry struct {
	// Name is the entry's key in the client's server list.
	Name string
	// Command is the absolute path of the threads-mcp binary.
	Command string
	// Args are the command's arguments (e.g. --sandbox, --account NAME).
	Args []string
	// Env holds environment variables for the server; never a token.
	Env map[string]string
}

// Options change how Install and Uninstall write.
type Options struct {
	// Force replaces an existing, different entry of the same name.
	Force bool
	// DryRun computes the new content without writing anything.
	DryRun bool
}

// Result is what Install or Uninstall did (or, with DryRun, would do).
type Result struct {
	// Path is the configuration file.
	Path string
	// Content is the file's new content.
	Content []byte
	// Backup is the copy of the old file ("" when there was none, nothing
	// changed, or DryRun).
	Backup string
	// Changed is false when the file already held exactly this entry (or,
	// for Uninstall, no entry of that name).
	Changed bool
}

// ErrExists is returned (wrapped) when an entry of the same name exists
// with other settings and Options.Force is not set.
var ErrExists = errors.New("an entry of that name exists")

// Install writes e into c's configuration file on p.
func Install(c Client, p Platform, e Entry, o Options) (*Result, error) {
	if e.Name == "" || e.Command == "" {
		return nil, errors.New("clientconfig: the entry needs a name and a command")
	}
	if !isAbs(p.GOOS, e.Command) {
		return nil, fmt.Errorf("clientconfig: command %q is not an absolute path (desktop clients do not search PATH)", e.Command)
	}
	return edit(c, p, o, func(old []byte) ([]byte, error) {
		if c == Codex {
			return tomlSet(old, e, o.Force)
		}
		return jsonSet(old, serversKey(c), e, jsonEntry(c, e), o.Force)
	})
}

// Uninstall removes the entry named name from c's configuration file on p.
func Uninstall(c Client, p Platform, name string, o Options) (*Result, error) {
	return edit(c, p, o, func(old []byte) ([]byte, error) {
		if c == Codex {
			return tomlDelete(old, name), nil
		}
		return jsonDelete(old, serversKey(c), name)
	})
}

func isAbs(goos, path string) bool {
	if goos == "windows" {
		return len(path) > 2 && path[1] == ':' && (path[2] == '\\' || path[2] == '/') || strings.HasPrefix(path, `\\`)
	}
	return strings.HasPrefix(path, "/")
}

// serversKey is the key under which c keeps its servers.
func serversKey(c Client) string {
	if c == VSCode {
		return "servers"
	}
	return "mcpServers"
}

// jsonServer is a server entry in the JSON files, fields in the order
// the clients' own documentation shows them.
type jsonServer struct {
	Type    string            `json:"type,omitempty"`
	Command string            `json:"command"`
	Args    []string          `json:"args,omitempty"`
	Env     map[string]string `json:"env,omitempty"`
}

// jsonEntry is e in c's JSON form.
func jsonEntry(c Client, e Entry) jsonServer {
	s := jsonServer{Command: e.Command, Args: e.Args, Env: e.Env}
	if c == VSCode || c == ClaudeCode {
		s.Type = "stdio"
	}
	return s
}

// edit applies change to c's file on p and writes it as the package doc
// describes.
func edit(c Client, p Platform, o Options, change func(old []byte) ([]byte, error)) (*Result, error) {
	path, err := p.Path(c)
	if err != nil {
		return nil, err
	}
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	existed := err == nil
	next, err := change(old)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r := &Result{Path: path, Content: next, Changed: !bytes.Equal(old, next)}
	if o.DryRun || !r.Changed {
		return r, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	mode := os.FileMode(0o600)
	if existed {
		if st, err := os.Stat(path); err == nil {
			mode = st.Mode().Perm()
		}
		r.Backup = path + ".bak"
		if err := os.WriteFile(r.Backup, old, mode); err != nil {
			return nil, fmt.Errorf("back up %s: %w", path, err)
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(next); err != nil {
		_ = tmp.Close()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		_ = tmp.Close()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return r, nil
}
