package clientconfig

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var platforms = []struct{ goos, home, command string }{
	{"darwin", "/Users/alice", "/Users/alice/go/bin/threads-mcp"},
	{"linux", "/home/alice", "/home/alice/go/bin/threads-mcp"},
	{"windows", `C:\Users\alice`, `C:\Users\alice\go\bin\threads-mcp.exe`},
}

// TestPathsAndFreshInstall: each client's file, on each OS, written into an
// empty home (golden files hold the path and the content).
func TestPathsAndFreshInstall(t *testing.T) {
	for _, c := range Clients {
		for _, pl := range platforms {
			t.Run(string(c)+"/"+pl.goos, func(t *testing.T) {
				p := Platform{GOOS: pl.goos, Home: pl.home}
				if pl.goos == "windows" {
					p.AppData = pl.home + `\AppData\Roaming`
				}
				r, err := Install(c, p, Entry{Name: "threads", Command: pl.command, Args: []string{"--account", "work"}}, Options{DryRun: true})
				if err != nil {
					t.Fatal(err)
				}
				got := "path: " + r.Path + "\n" + string(r.Content)
				golden := filepath.Join("testdata", fmt.Sprintf("%s-%s.golden", c, pl.goos))
				if *update {
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./tools/clientconfig -update)", err)
				}
				if got != string(want) {
					t.Errorf("got:\n%s\nwant:\n%s", got, want)
				}
			})
		}
	}
}

// fakeHome is a linux platform rooted in a temporary directory.
func fakeHome(t *testing.T) Platform {
	return Platform{GOOS: "linux", Home: t.TempDir()}
}

func TestMergeKeepsOtherServersAndBacksUp(t *testing.T) {
	p := fakeHome(t)
	path, _ := p.Path(ClaudeDesktop)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	orig := `{"globalShortcut":"Ctrl+Space","mcpServers":{"other":{"command":"/usr/bin/other","args":["x"]}},"z":[1,2]}`
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	e := Entry{Name: "threads", Command: "/opt/threads-mcp", Args: []string{"--sandbox"}}
	r, err := Install(ClaudeDesktop, p, e, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := `{
  "globalShortcut": "Ctrl+Space",
  "mcpServers": {
    "other": {
      "command": "/usr/bin/other",
      "args": [
        "x"
      ]
    },
    "threads": {
      "command": "/opt/threads-mcp",
      "args": [
        "--sandbox"
      ]
    }
  },
  "z": [
    1,
    2
  ]
}
`
	if string(got) != want {
		t.Errorf("merged file:\n%s\nwant:\n%s", got, want)
	}
	if b, _ := os.ReadFile(r.Backup); string(b) != orig {
		t.Errorf("backup %s holds %q", r.Backup, b)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want the original 0644 kept", st.Mode().Perm())
	}
	// Installing the same entry again changes nothing.
	if r, err := Install(ClaudeDesktop, p, e, Options{}); err != nil || r.Changed {
		t.Errorf("second install: changed=%v err=%v", r != nil && r.Changed, err)
	}
	// A different entry of the same name is refused, then replaced with Force.
	e2 := e
	e2.Args = []string{"--account", "work"}
	if _, err := Install(ClaudeDesktop, p, e2, Options{}); !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), "--force") {
		t.Errorf("install over a different entry: %v, want ErrExists naming --force", err)
	}
	if _, err := Install(ClaudeDesktop, p, e2, Options{Force: true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), `"work"`) || strings.Contains(string(b), "--sandbox") {
		t.Errorf("forced install did not replace the entry:\n%s", b)
	}
	// Uninstall removes ours and keeps the other.
	if _, err := Uninstall(ClaudeDesktop, p, "threads", Options{}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), "threads-mcp") || !strings.Contains(string(b), "/usr/bin/other") || !strings.Contains(string(b), "Ctrl+Space") {
		t.Errorf("after uninstall:\n%s", b)
	}
	if r, err := Uninstall(ClaudeDesktop, p, "threads", Options{}); err != nil || r.Changed {
		t.Errorf("uninstalling twice: changed=%v err=%v", r != nil && r.Changed, err)
	}
}

func TestCodexKeepsOtherTables(t *testing.T) {
	p := fakeHome(t)
	path, _ := p.Path(Codex)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	orig := "model = \"o4\" # my model\n\n[mcp_servers.other]\ncommand = \"npx\"\n\n[profiles.fast]\nmodel = \"mini\"\n"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	e := Entry{Name: "threads", Command: "/opt/threads-mcp", Args: []string{"--sandbox"}, Env: map[string]string{"THREADS_MCP_LOG_LEVEL": "warn"}}
	if _, err := Install(Codex, p, e, Options{}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := orig + "\n[mcp_servers.threads]\ncommand = \"/opt/threads-mcp\"\nargs = [\"--sandbox\"]\n\n[mcp_servers.threads.env]\nTHREADS_MCP_LOG_LEVEL = \"warn\"\n"
	if string(got) != want {
		t.Errorf("codex config:\n%s\nwant:\n%s", got, want)
	}
	e.Args = nil
	if _, err := Install(Codex, p, e, Options{}); !errors.Is(err, ErrExists) {
		t.Errorf("different entry without force: %v", err)
	}
	if _, err := Install(Codex, p, e, Options{Force: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := Uninstall(Codex, p, "threads", Options{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != orig {
		t.Errorf("after uninstall:\n%q\nwant the original:\n%q", got, orig)
	}
}

func TestRefusals(t *testing.T) {
	p := fakeHome(t)
	tests := []struct {
		name string
		c    Client
		e    Entry
		file string
		want string
	}{
		{"relative command", Cursor, Entry{Name: "threads", Command: "threads-mcp"}, "", "absolute path"},
		{"no name", Cursor, Entry{Command: "/x"}, "", "needs a name"},
		{"comments in JSON", VSCode, Entry{Name: "threads", Command: "/x"}, "// mine\n{}", "comments are not supported"},
		{"not an object", Windsurf, Entry{Name: "threads", Command: "/x"}, "[1]", "not a JSON object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.file != "" {
				path, _ := p.Path(tc.c)
				_ = os.MkdirAll(filepath.Dir(path), 0o700)
				if err := os.WriteFile(path, []byte(tc.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := Install(tc.c, p, tc.e, Options{}); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Install = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := ParseClient("emacs"); err == nil || !strings.Contains(err.Error(), "claude-desktop") {
		t.Errorf("ParseClient(emacs) = %v", err)
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	p := fakeHome(t)
	r, err := Install(ClaudeCode, p, Entry{Name: "threads", Command: "/x"}, Options{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(r.Path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("dry run created %s", r.Path)
	}
	if !strings.Contains(string(r.Content), `"type": "stdio"`) {
		t.Errorf("content: %s", r.Content)
	}
}
