package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

const (
	raceAppID     = "5550001112"
	raceAppSecret = "race-app-secret-value"
	nobodyUID     = 65534
)

// otherUser returns how to run a process as another local user (nobody)
// and a binary that user can execute, or nil when this machine does not
// allow it (not root): the test then runs the rival as the same user and
// says so.
func otherUser(t *testing.T) (*syscall.SysProcAttr, string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Logf("not root: the rival process runs as the same user (the race is the same; only the uid differs)")
		return nil, binary
	}
	dir, err := os.MkdirTemp("", "threads-mcp-rival")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(binary)
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "threads-mcp")
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	attr := &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobodyUID, Gid: nobodyUID}}
	probe := exec.Command(bin, "version")
	probe.SysProcAttr = attr
	if out, err := probe.CombinedOutput(); err != nil {
		t.Logf("cannot run a process as uid %d here (%v: %s): the rival runs as root", nobodyUID, err, out)
		return nil, binary
	}
	return attr, bin
}

// rival starts `threads-mcp emulator --listen 127.0.0.1:port` as another
// user: a local program that wants the login's callback port. It returns
// once the rival has either bound the port (bound true) or exited.
func rival(t *testing.T, port int) (bound bool, output string) {
	t.Helper()
	attr, bin := otherUser(t)
	cmd := exec.Command(bin, "emulator", "--listen", fmt.Sprintf("127.0.0.1:%d", port))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=/"}
	cmd.SysProcAttr = attr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	listening := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "listening on") {
				listening <- true
				return
			}
		}
		listening <- false
	}()
	select {
	case ok := <-listening:
		return ok, stderr.String()
	case <-time.After(processBound):
		t.Fatal("the rival neither listened nor exited")
		return false, ""
	}
}

// loginProc is `threads-mcp auth login --listen` against the emulator.
type loginProc struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan error
}

func startLogin(t *testing.T, emu *emulator.Server, dir, redirect string) *loginProc {
	t.Helper()
	cmd := exec.Command(binary, "auth", "login", "--listen", "--account", "work", "--redirect-uri", redirect)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "THREADS_MCP_STATE_DIR=" + dir,
		"THREADS_APP_ID=" + raceAppID, "THREADS_APP_SECRET=" + raceAppSecret,
		"THREADS_GRAPH_URL=" + emu.URL, "THREADS_AUTH_URL=" + emu.URL + "/oauth/authorize",
	}
	p := &loginProc{cmd: cmd, stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = p.stderr
	cmd.Stdin = strings.NewReader("")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-p.done })
	return p
}

var raceAuthorizeURL = regexp.MustCompile(`http://127\.0\.0\.1:\d+/oauth/authorize\?\S+`)

// TestLoginListenRace: the login's callback port on a shared machine. If
// another user's program holds the port first, the login fails at once
// without showing the authorize address (so no code can go to that
// program); if the login holds it first, the other program cannot bind it,
// and the browser's redirect completes the login.
func TestLoginListenRace(t *testing.T) {
	newWorld := func(t *testing.T) (*emulator.Server, string, int) {
		emu := emulator.NewServer()
		t.Cleanup(emu.Close)
		emu.AddUser(emulator.UserSpec{Username: "racer"})
		port := freeLoopbackPort(t)
		redirect := fmt.Sprintf("https://localhost.threads-mcp.test:%d/callback", port)
		emu.RegisterApp(raceAppID, raceAppSecret, redirect)
		return emu, redirect, port
	}

	t.Run("rival binds first", func(t *testing.T) {
		emu, redirect, port := newWorld(t)
		if bound, out := rival(t, port); !bound {
			t.Fatalf("the rival could not bind a free port: %s", out)
		}
		p := startLogin(t, emu, t.TempDir(), redirect)
		select {
		case err := <-p.done:
			p.done <- err
			if err == nil {
				t.Fatalf("login succeeded with its port taken:\n%s", p.stderr)
			}
		case <-time.After(processBound):
			t.Fatalf("login did not give up on a taken port:\n%s", p.stderr)
		}
		if strings.Contains(p.stderr.String(), "/oauth/authorize?") {
			t.Errorf("the login showed the authorize address although another program holds its callback port:\n%s", p.stderr)
		}
		if !strings.Contains(p.stderr.String(), "cannot listen") {
			t.Errorf("the failure does not say the port is taken:\n%s", p.stderr)
		}
	})

	t.Run("login binds first", func(t *testing.T) {
		emu, redirect, port := newWorld(t)
		dir := t.TempDir()
		p := startLogin(t, emu, dir, redirect)
		var authURL string
		deadline := time.Now().Add(processBound)
		for authURL == "" {
			if time.Now().After(deadline) {
				t.Fatalf("login printed no authorize address:\n%s", p.stderr)
			}
			time.Sleep(10 * time.Millisecond)
			authURL = raceAuthorizeURL.FindString(p.stderr.String())
		}
		if !strings.Contains(authURL, "code_challenge=") {
			t.Errorf("PKCE is off: %s", authURL)
		}
		if bound, _ := rival(t, port); bound {
			t.Fatal("another user's program bound the login's callback port after the address was shown")
		}
		// The user's browser: approve, then follow the redirect to the
		// login's port (the redirect host maps to 127.0.0.1).
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noFollow.Get(authURL)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("authorize %s: HTTP %d %s", authURL, resp.StatusCode, body)
		}
		loc, _ := url.Parse(resp.Header.Get("Location"))
		loc.Host, loc.Fragment = fmt.Sprintf("127.0.0.1:%d", port), ""
		browser := &http.Client{Timeout: processBound, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
		resp, err = browser.Get(loc.String())
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "Logged in") {
			t.Errorf("browser: HTTP %d %s", resp.StatusCode, page)
		}
		select {
		case err := <-p.done:
			p.done <- err
			if err != nil || !strings.Contains(p.stderr.String(), "Logged in as @") {
				t.Fatalf("login: %v\n%s", err, p.stderr)
			}
		case <-time.After(processBound):
			t.Fatalf("login did not finish:\n%s", p.stderr)
		}
		st, err := state.Open(t.Context(), dir)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		if _, err := st.AccountByName(context.WithoutCancel(t.Context()), "work"); err != nil {
			t.Errorf("no account stored: %v", err)
		}
	})
}

// freeLoopbackPort returns a port nothing listens on right now.
func freeLoopbackPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
