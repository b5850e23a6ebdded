// Package authcmd implements the `threads-mcp auth ...` subcommands: login,
// status, refresh, logout, default and rotate-key. cmd calls Run with the arguments that
// follow "auth".
//
// Human-readable progress and errors go to Stderr; `status` writes its
// report (or, with --json, a JSON document) to Stdout. No token or app
// secret is ever printed.
package authcmd

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/threads-mcp/threads-mcp/auth"
	"github.com/threads-mcp/threads-mcp/tools/state"
)

// DefaultRedirectURI is the redirect URI used when neither --redirect-uri
// nor THREADS_REDIRECT_URI is set. Register it in the Threads app's "Valid
// OAuth redirect URIs". Its host never resolves (.test is reserved), so the
// browser shows an error page after approval, and the code never reaches any
// server: copy the address from the browser's address bar and paste it. To
// receive the redirect automatically instead, map a hostname to 127.0.0.1
// (e.g. "127.0.0.1 localhost.threads-mcp.test" in /etc/hosts), register
// https://localhost.threads-mcp.test:8443/callback and pass it with
// --redirect-uri (the login then listens on port 8443 with a self-signed
// certificate).
const DefaultRedirectURI = "https://threads-mcp.test/callback"

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// IO is Run's environment.
type IO struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Getenv reads environment variables (nil: none are set).
	Getenv func(string) string
	// StateDir is the state directory ("" : store.DefaultDir()).
	StateDir string
	// LoopbackHost reports whether a redirect host resolves to this machine
	// (login then listens for the redirect); nil means
	// auth.ResolvesToLoopback (a DNS/hosts lookup).
	LoopbackHost func(ctx context.Context, host string) bool
}

const usage = `usage: threads-mcp auth <command> [flags]

commands:
  login    [--account NAME] [--app-id ID] [--app-secret-file FILE] [--redirect-uri URL]
           [--scopes LIST | --add-scopes LIST] [--store-secret] [--listen]
           log in to Threads and store a long-lived token; --add-scopes keeps
           the account's granted scopes and asks for these too
  status   [--json]              list stored accounts (never shows tokens)
  refresh  [--account NAME]      refresh an account's token now (allowed once it is 24 h old)
  logout   [--account NAME]      forget an account's token
  default  NAME                  make NAME (or @username) the default account
  rotate-key                     re-encrypt the stored tokens under a new key (the key file's,
                                 or THREADS_MCP_SECRET_KEY with the old one in THREADS_MCP_SECRET_KEY_PREVIOUS)

common flags: --graph-url URL (THREADS_GRAPH_URL), --auth-url URL (THREADS_AUTH_URL)
environment: THREADS_APP_ID, THREADS_APP_SECRET (or THREADS_APP_SECRET_FILE), THREADS_REDIRECT_URI,
             THREADS_MCP_DATABASE_URL, THREADS_MCP_SECRET_KEY
`

// usageError marks a command-line mistake (exit code 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Run executes one auth subcommand and returns the process exit code:
// 0 ok, 1 failure, 2 usage error.
func Run(ctx context.Context, args []string, env IO) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if env.LoopbackHost == nil {
		env.LoopbackHost = auth.ResolvesToLoopback
	}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	if env.Stdout == nil {
		env.Stdout = io.Discard
	}
	if env.Stderr == nil {
		env.Stderr = io.Discard
	}
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return ExitUsage
	}
	r := &runner{io: env}
	var err error
	switch args[0] {
	case "login":
		err = r.login(ctx, args[1:])
	case "status":
		err = r.status(ctx, args[1:])
	case "refresh":
		err = r.refresh(ctx, args[1:])
	case "logout":
		err = r.logout(ctx, args[1:])
	case "default":
		err = r.setDefault(ctx, args[1:])
	case "rotate-key":
		err = r.rotateKey(ctx, args[1:])
	case "help", "-h", "--help", "-help":
		fmt.Fprint(env.Stderr, usage)
		return ExitOK
	default:
		fmt.Fprintf(env.Stderr, "threads-mcp auth: unknown command %q\n\n%s", args[0], usage)
		return ExitUsage
	}
	var ue usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, flag.ErrHelp):
		return ExitOK
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "threads-mcp auth %s: %s\n", args[0], ue.msg)
		return ExitUsage
	default:
		fmt.Fprintf(env.Stderr, "threads-mcp auth %s: %v\n", args[0], err)
		return ExitFailure
	}
}

type runner struct {
	io IO
	in *bufio.Reader // stdin, buffered once
	// common flags
	graphURL, authURL string
}

func (r *runner) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("threads-mcp auth "+name, flag.ContinueOnError)
	fs.SetOutput(r.io.Stderr)
	fs.StringVar(&r.graphURL, "graph-url", "", "Threads Graph API root (default $THREADS_GRAPH_URL or https://graph.threads.net)")
	fs.StringVar(&r.authURL, "auth-url", "", "authorization window URL (default $THREADS_AUTH_URL or https://threads.net/oauth/authorize)")
	return fs
}

func (r *runner) parse(fs *flag.FlagSet, args []string, maxArgs int) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > maxArgs {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(maxArgs))}
	}
	return nil
}

func (r *runner) env(key, flagVal string) string {
	if flagVal != "" {
		return flagVal
	}
	return r.io.Getenv(key)
}

// config builds an auth.Config from flags and the environment.
func (r *runner) config() auth.Config {
	graph := r.env("THREADS_GRAPH_URL", r.graphURL)
	if graph == "" {
		graph = r.io.Getenv("THREADS_API_BASE_URL") // versioned base; Config drops /v1.0
	}
	return auth.Config{
		AppID:     r.io.Getenv("THREADS_APP_ID"),
		AppSecret: r.io.Getenv("THREADS_APP_SECRET"),
		GraphURL:  graph,
		AuthURL:   r.env("THREADS_AUTH_URL", r.authURL),
	}
}

func (r *runner) open(ctx context.Context) (*state.Store, error) {
	dir := r.io.StateDir
	if dir == "" {
		d, err := state.DefaultDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	if err := state.CheckOwner(dir); err != nil {
		return nil, err
	}
	return state.Open(ctx, dir, state.EnvOptions(r.io.Getenv)...)
}

// rotateKey re-encrypts every stored secret under a new key (see
// state.Store.RotateKey).
func (r *runner) rotateKey(ctx context.Context, args []string) error {
	fs := r.flags("rotate-key")
	if err := r.parse(fs, args, 0); err != nil {
		return err
	}
	st, err := r.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := st.RotateKey(ctx)
	if err != nil {
		return err
	}
	if rep.FromEnv {
		fmt.Fprintf(r.io.Stderr, "Re-encrypted the secrets of %d account(s) under %s (key id %s). "+
			"Remove %s from every replica now.\n", rep.Reencrypted, state.EnvSecretKey, rep.KeyID, state.EnvSecretKeyPrevious)
		return nil
	}
	fmt.Fprintf(r.io.Stderr, "Re-encrypted the secrets of %d account(s) under a new key (key id %s) in the key file %s of the state directory. "+
		"Back it up: without it the stored tokens cannot be read.\n", rep.Reencrypted, rep.KeyID, state.KeyFileName)
	return nil
}

// scopeRE is the shape of a Threads permission name.
var scopeRE = regexp.MustCompile(`^threads_[a-z_]+$`)

// splitScopes splits a comma- or space-separated scope list, dropping
// empties and duplicates.
func splitScopes(list string) []string {
	var out []string
	for _, s := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// accountNameRE is what an account name may be: it appears unquoted in
// suggested commands, so no whitespace and no shell metacharacters; and no
// leading "@", which selects by Threads username.
var accountNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// checkAccountName refuses a name that accountNameRE rejects, or that differs
// only in case from another stored account (names match case-insensitively).
func checkAccountName(ctx context.Context, st *state.Store, name string) error {
	if !accountNameRE.MatchString(name) {
		return usageError{fmt.Sprintf("account name %q: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit "+
			"(no spaces or shell characters; @username selects an account by its Threads username)", name)}
	}
	all, err := st.Accounts(ctx)
	if err != nil {
		return err
	}
	for _, a := range all {
		if a.Name != name && strings.EqualFold(a.Name, name) {
			return usageError{fmt.Sprintf("account name %q differs only in case from the stored account %q (names match case-insensitively); "+
				"use --account %s to log that account in again, or choose another name", name, a.Name, auth.ShellQuote(a.Name))}
		}
	}
	return nil
}

func (r *runner) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(r.io.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func (r *runner) login(ctx context.Context, args []string) error {
	fs := r.flags("login")
	account := fs.String("account", "", "local name for this account (default \""+auth.DefaultAccountName+"\")")
	appID := fs.String("app-id", "", "Threads app id (default $THREADS_APP_ID)")
	appSecret := fs.String("app-secret", "", "Threads app secret (visible to every local user in the process list: prefer $THREADS_APP_SECRET, --app-secret-file or the prompt)")
	appSecretFile := fs.String("app-secret-file", "", "file holding the Threads app secret (default $THREADS_APP_SECRET_FILE)")
	redirect := fs.String("redirect-uri", "", "registered https redirect URI (default $THREADS_REDIRECT_URI or "+DefaultRedirectURI+")")
	scopes := fs.String("scopes", "", "comma-separated scopes (default "+strings.Join(auth.DefaultScopes, ",")+")")
	addScopes := fs.String("add-scopes", "", "comma-separated scopes to add to the ones the account already has")
	storeSecret := fs.Bool("store-secret", false, "also store the app secret with the account")
	listen := fs.Bool("listen", false, "receive the redirect on this machine (https on the redirect URI's port)")
	if err := r.parse(fs, args, 0); err != nil {
		return err
	}
	cfg := r.config()
	cfg.AppID = r.env("THREADS_APP_ID", *appID)
	cfg.PKCE = true // a code stolen from the redirect is useless without this login's verifier
	cfg.RedirectURI = r.env("THREADS_REDIRECT_URI", *redirect)
	if cfg.RedirectURI == "" {
		cfg.RedirectURI = DefaultRedirectURI
	}
	if *scopes != "" && *addScopes != "" {
		return usageError{"--scopes and --add-scopes exclude each other: --add-scopes keeps the account's current scopes and adds to them"}
	}
	if *scopes != "" {
		cfg.Scopes = splitScopes(*scopes)
	}
	name := *account
	if name == "" {
		name = auth.DefaultAccountName
	}
	var adding []string
	if *addScopes != "" {
		adding = splitScopes(*addScopes)
		for _, s := range adding {
			if !scopeRE.MatchString(s) {
				return usageError{fmt.Sprintf("--add-scopes: %q is not a Threads scope (they look like threads_delete)", s)}
			}
		}
	}
	st, err := r.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := checkAccountName(ctx, st, name); err != nil {
		return err
	}
	if cfg.AppID == "" {
		return usageError{"missing Threads app id (--app-id or THREADS_APP_ID)"}
	}
	if _, err := auth.ValidateRedirectURI(cfg.RedirectURI); err != nil {
		return usageError{err.Error()}
	}
	if cfg.AppSecret, err = r.appSecret(ctx, *appSecret, *appSecretFile); err != nil {
		return err
	}
	lg, err := auth.NewLogin(cfg)
	if err != nil {
		return usageError{err.Error()}
	}
	if adding != nil {
		cur, err := st.AccountByName(ctx, name)
		if errors.Is(err, state.ErrNoAccount) {
			return fmt.Errorf("--add-scopes: no stored account %q to add scopes to; log it in first with `%s`", name, auth.LoginCommand(name))
		}
		if err != nil {
			return err
		}
		cfg.Scopes = append(slices.Clone(cur.Scopes), adding...)
		if len(cur.Scopes) == 0 {
			cfg.Scopes = append(slices.Clone(auth.DefaultScopes), adding...)
		}
		cfg.Scopes = splitScopes(strings.Join(cfg.Scopes, ","))
		if !slices.Contains(cfg.Scopes, "threads_basic") {
			cfg.Scopes = append([]string{"threads_basic"}, cfg.Scopes...)
		}
		lg, err = auth.NewLogin(cfg)
		if err != nil {
			return usageError{err.Error()}
		}
		fmt.Fprintf(r.io.Stderr, "Asking Threads for the scopes of account %q plus %s: %s\n", name, strings.Join(adding, ", "), strings.Join(cfg.Scopes, ","))
	}

	if !*listen {
		if u, err := url.Parse(cfg.RedirectURI); err == nil && r.io.LoopbackHost(ctx, u.Hostname()) {
			*listen = true
		}
	}
	showURL := func() {
		fmt.Fprintf(r.io.Stderr, "Open this address in your browser and approve access to Threads:\n\n  %s\n\n", lg.AuthCodeURL())
	}
	var acct *state.Account
	if *listen {
		// Bind first: once the port is ours, no other local user can take
		// it and receive the code; the address is shown only then.
		x, err := lg.Listen(ctx)
		if err != nil {
			return err
		}
		showURL()
		fmt.Fprintf(r.io.Stderr, "Waiting for the browser at %s (https on %s; accept the self-signed certificate warning) ...\n",
			cfg.RedirectURI, x.Addr())
		if acct, err = x.Wait(ctx); err != nil {
			return err
		}
	} else {
		showURL()
		fmt.Fprint(r.io.Stderr, "After approving, the browser goes to "+cfg.RedirectURI+"?code=...\n"+
			"(the page itself may fail to load; that is expected). Paste that whole address, or just the code, here and press Enter:\n> ")
		line, err := r.readLine(ctx)
		if err != nil {
			return err
		}
		if acct, err = lg.Complete(ctx, line); err != nil {
			return err
		}
		if auth.IsBareCode(line) {
			// A bare code carries no state: nothing proves it comes from the
			// window this login opened (someone may have asked you to paste
			// theirs). Say whom it logs in as before storing it.
			fmt.Fprintf(r.io.Stderr, "This code logs in as @%s (Threads user id %s) and would be stored as account %q. Store it? [y/N] ",
				acct.Username, acct.UserID, name)
			answer, err := r.readLine(ctx)
			if err != nil {
				return fmt.Errorf("nothing stored: %w", err)
			}
			if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
				return errors.New("nothing stored: the login was not confirmed")
			}
		}
	}
	acct.Name = name
	if *storeSecret {
		acct.AppSecret = cfg.AppSecret
	}
	if err := st.PutAccount(ctx, *acct); err != nil {
		return err
	}
	for _, s := range adding {
		if !slices.Contains(acct.Scopes, s) {
			fmt.Fprintf(r.io.Stderr, "Warning: Threads did not grant %s (was it unticked in the authorization window?).\n", s)
		}
	}
	def, _ := st.DefaultAccount(ctx)
	marker := ""
	if def == name {
		marker = ", default"
	}
	fmt.Fprintf(r.io.Stderr, "Logged in as @%s (account %q%s). Token valid until %s (%d days); it is refreshed automatically while the server runs.\n",
		acct.Username, name, marker, acct.ExpiresAt.UTC().Format(time.DateOnly), auth.DaysLeft(acct.ExpiresAt, cfg.Now()))
	return nil
}

// readLine reads one line from stdin (one buffered reader for the whole
// command, so consecutive prompts see consecutive lines), giving up when ctx
// is done.
func (r *runner) readLine(ctx context.Context) (string, error) {
	if r.in == nil {
		r.in = bufio.NewReader(r.io.Stdin)
	}
	type res struct {
		s   string
		err error
	}
	ch := make(chan res, 1)
	go func() {
		s, err := r.in.ReadString('\n')
		if err == io.EOF && s != "" {
			err = nil
		}
		ch <- res{s, err}
	}()
	select {
	case x := <-ch:
		if x.err != nil {
			return "", fmt.Errorf("reading the terminal: %w", x.err)
		}
		return x.s, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// appSecret finds the Threads app secret: the --app-secret flag (with a
// warning: every local user can read a process's command line), else
// THREADS_APP_SECRET, else the file named by --app-secret-file or
// THREADS_APP_SECRET_FILE, else a prompt.
func (r *runner) appSecret(ctx context.Context, flagVal, file string) (string, error) {
	if flagVal != "" {
		fmt.Fprintln(r.io.Stderr, "Warning: --app-secret puts the secret in the process list, readable by every user of this machine "+
			"(/proc/PID/cmdline). Prefer THREADS_APP_SECRET, --app-secret-file FILE, or let the login prompt for it.")
		return flagVal, nil
	}
	if v := r.io.Getenv("THREADS_APP_SECRET"); v != "" {
		return v, nil
	}
	if file == "" {
		file = r.io.Getenv("THREADS_APP_SECRET_FILE")
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("read the app secret file: %w", err)
		}
		if fi, err := os.Stat(file); err == nil && fi.Mode().Perm()&0o077 != 0 {
			fmt.Fprintf(r.io.Stderr, "Warning: %s is readable by other users (mode %v); chmod 600 it.\n", file, fi.Mode().Perm())
		}
		if v := strings.TrimSpace(string(b)); v != "" {
			return v, nil
		}
		return "", fmt.Errorf("the app secret file %s is empty", file)
	}
	fmt.Fprint(r.io.Stderr, "Threads app secret (App Dashboard > Use cases > Access the Threads API > Settings; "+
		"not the Facebook app secret; not stored unless --store-secret): ")
	line, err := r.readLine(ctx)
	if v := strings.TrimSpace(line); err == nil && v != "" {
		return v, nil
	}
	return "", usageError{"missing Threads app secret: set THREADS_APP_SECRET or THREADS_APP_SECRET_FILE, pass --app-secret-file, or type it at the prompt"}
}

// statusAccount is one account in `status --json`.
type statusAccount struct {
	Name         string    `json:"name"`
	UserID       string    `json:"user_id"`
	Username     string    `json:"username"`
	Scopes       []string  `json:"scopes"`
	ObtainedAt   time.Time `json:"obtained_at,omitzero"`
	RefreshedAt  time.Time `json:"refreshed_at,omitzero"`
	ExpiresAt    time.Time `json:"expires_at,omitzero"`
	DaysLeft     int       `json:"days_left"`
	Expired      bool      `json:"expired"`
	Default      bool      `json:"default"`
	HasAppSecret bool      `json:"has_app_secret"`
}

type statusReport struct {
	StatePath string          `json:"state_path"`
	Default   string          `json:"default,omitempty"`
	EnvToken  bool            `json:"env_token"`
	Accounts  []statusAccount `json:"accounts"`
}

func (r *runner) status(ctx context.Context, args []string) error {
	fs := r.flags("status")
	asJSON := fs.Bool("json", false, "print JSON on stdout")
	if err := r.parse(fs, args, 0); err != nil {
		return err
	}
	st, err := r.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	accts, err := st.Accounts(ctx)
	if err != nil {
		return err
	}
	def, _ := st.DefaultAccount(ctx)
	now := time.Now()
	rep := statusReport{StatePath: st.Path(), Default: def, EnvToken: r.io.Getenv("THREADS_ACCESS_TOKEN") != "", Accounts: []statusAccount{}}
	for _, a := range accts {
		rep.Accounts = append(rep.Accounts, statusAccount{
			Name: a.Name, UserID: a.UserID, Username: a.Username, Scopes: a.Scopes,
			ObtainedAt: a.ObtainedAt, RefreshedAt: a.RefreshedAt, ExpiresAt: a.ExpiresAt,
			DaysLeft: auth.DaysLeft(a.ExpiresAt, now), Expired: !a.ExpiresAt.IsZero() && !now.Before(a.ExpiresAt),
			Default: a.Name == def, HasAppSecret: a.AppSecret != "",
		})
	}
	if *asJSON {
		enc := json.NewEncoder(r.io.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	if rep.EnvToken {
		fmt.Fprintln(r.io.Stdout, "THREADS_ACCESS_TOKEN is set: the server uses it instead of the stored default account.")
	}
	if len(rep.Accounts) == 0 {
		fmt.Fprintln(r.io.Stdout, "No Threads account stored. Run `threads-mcp auth login`.")
		return nil
	}
	tw := tabwriter.NewWriter(r.io.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\tACCOUNT\tUSERNAME\tOBTAINED\tEXPIRES\tDAYS LEFT\tSCOPES")
	for _, a := range rep.Accounts {
		mark := ""
		if a.Default {
			mark = "*"
		}
		days := fmt.Sprint(a.DaysLeft)
		if a.Expired {
			days = "EXPIRED: run `" + auth.LoginCommand(a.Name) + "`"
		}
		fmt.Fprintf(tw, "%s\t%s\t@%s\t%s\t%s\t%s\t%s\n", mark, a.Name, a.Username, date(a.ObtainedAt), date(a.ExpiresAt), days, strings.Join(a.Scopes, ","))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(r.io.Stdout, "* default account; state:", rep.StatePath)
	return nil
}

func date(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}

func (r *runner) refresh(ctx context.Context, args []string) error {
	fs := r.flags("refresh")
	account := fs.String("account", "", "account name or username (default: the default account)")
	if err := r.parse(fs, args, 0); err != nil {
		return err
	}
	st, err := r.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ts, err := auth.NewTokenSource(ctx, st, *account, r.config(), r.logger())
	if err != nil {
		return err
	}
	if err := ts.Refresh(ctx); err != nil {
		a := ts.Account()
		var expired *auth.ExpiredError
		switch {
		case errors.Is(err, auth.ErrTooYoung):
			issued := a.ObtainedAt
			if a.RefreshedAt.After(issued) {
				issued = a.RefreshedAt
			}
			from := issued.Add(auth.RefreshAge)
			if time.Now().Before(from) {
				return fmt.Errorf("%w; Threads allows a refresh from %s", err, from.UTC().Format(time.RFC3339))
			}
			return fmt.Errorf("%w, although this token was obtained at %s, more than 24 hours ago by this machine's clock: "+
				"the clock here may be ahead of Threads', or the token was replaced since; try again later", err, issued.UTC().Format(time.RFC3339))
		case errors.As(err, &expired):
			return err
		}
		var re *auth.RefreshError
		if errors.As(err, &re) {
			return errors.New(auth.RefreshAdvice(err, a.Name))
		}
		return err
	}
	a := ts.Account()
	fmt.Fprintf(r.io.Stderr, "Refreshed the token of account %q (@%s): valid until %s (%d days).\n",
		a.Name, a.Username, a.ExpiresAt.UTC().Format(time.DateOnly), ts.DaysLeft())
	return nil
}

func (r *runner) logout(ctx context.Context, args []string) error {
	fs := r.flags("logout")
	account := fs.String("account", "", "account name or username (default: the default account)")
	if err := r.parse(fs, args, 0); err != nil {
		return err
	}
	st, err := r.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := st.Account(ctx, *account)
	if err != nil {
		return err
	}
	if err := st.DeleteAccount(ctx, a.Name); err != nil {
		return err
	}
	fmt.Fprintf(r.io.Stderr, "Removed account %q (@%s) and its token from %s.\n"+
		"The token stays valid at Meta until it expires; to revoke it, remove the app under Threads > Settings > Account > Website permissions.\n",
		a.Name, a.Username, st.Path())
	return nil
}

func (r *runner) setDefault(ctx context.Context, args []string) error {
	fs := r.flags("default")
	if err := r.parse(fs, args, 1); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"expected exactly one account name"}
	}
	st, err := r.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SetDefaultAccount(ctx, fs.Arg(0)); err != nil {
		return err
	}
	def, _ := st.DefaultAccount(ctx)
	fmt.Fprintf(r.io.Stderr, "Default account is now %q.\n", def)
	return nil
}
