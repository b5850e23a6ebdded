package main

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

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/threads-mcp/threads-mcp/auth/authcmd"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
)

// callUsage is the usage line of call.
const callUsage = "call [flags] TOOL [JSON|-]"

// call runs one tool call through an in-process MCP client, prints the
// result JSON on stdout and exits 1 when it is a tool error. The arguments
// are a JSON object, "-" to read it from stdin, or absent for {}.
func call(ctx context.Context, args []string, s stdio, getenv env) int {
	var pretty bool
	prettyFlag := func(fs *flag.FlagSet) {
		fs.BoolVar(&pretty, "pretty", false, "print only the result (structured content, indented; or the error text)")
	}
	if wantsHelp(args) {
		printHelp(s.out, configFlagSet("call", getenv, prettyFlag), callUsage,
			"Calls one tool in-process and prints the result JSON on stdout; exit 1 on a tool error.\n"+
				"JSON is the tool's arguments as one object; - reads them from stdin. `threads-mcp tools` lists the tools.")
		return exitOK
	}
	c, rest, err := parseConfig("call", args, s, getenv, prettyFlag)
	if err != nil {
		fmt.Fprintln(s.err, "threads-mcp call:", err)
		return exitUsage
	}
	if len(rest) < 1 || len(rest) > 2 {
		fmt.Fprintln(s.err, "usage: threads-mcp "+callUsage)
		return exitUsage
	}
	name := rest[0]
	if names := knownTools(); !slices.Contains(names, name) {
		msg := fmt.Sprintf("threads-mcp call: no tool %q", name)
		if near, ok := closest(name, names); ok {
			msg += fmt.Sprintf("; did you mean %q?", near)
		}
		fmt.Fprintln(s.err, msg+" (`threads-mcp tools` lists them: "+strings.Join(names, ", ")+")")
		return exitUsage
	}
	if !slices.ContainsFunc(c.tools, func(t tools.Tool) bool { return t.Name() == name }) {
		fmt.Fprintf(s.err, "threads-mcp call: tool %q is not served with --toolsets %q --read-only=%v (it is in toolset %q)\n",
			name, c.toolsets, c.readOnly, toolsetOf(name))
		return exitUsage
	}
	arguments := json.RawMessage("{}")
	if len(rest) == 2 {
		raw := []byte(rest[1])
		if rest[1] == "-" {
			if raw, err = io.ReadAll(io.LimitReader(s.in, maxCallArgs+1)); err != nil {
				fmt.Fprintln(s.err, "threads-mcp call: read the arguments from stdin:", err)
				return exitUsage
			}
			if len(raw) > maxCallArgs {
				fmt.Fprintf(s.err, "threads-mcp call: the arguments on stdin exceed %d bytes\n", maxCallArgs)
				return exitUsage
			}
		}
		if !json.Valid(raw) {
			fmt.Fprintln(s.err, "threads-mcp call: the arguments are not valid JSON (give one JSON object, or - to read it from stdin)")
			return exitUsage
		}
		arguments = json.RawMessage(raw)
	}
	a, code := start(ctx, c, s)
	if a == nil {
		return code
	}
	defer a.close()
	logger := a.logger

	cl, err := client.NewInProcessClient(a.mcp)
	if err != nil {
		logger.Error("client", "err", err)
		return exitFail
	}
	defer cl.Close()
	if err := cl.Start(ctx); err != nil {
		logger.Error("client", "err", err)
		return exitFail
	}
	init := mcp.InitializeRequest{}
	init.Params.ClientInfo = mcp.Implementation{Name: "threads-mcp-call", Version: version}
	if _, err := cl.Initialize(ctx, init); err != nil {
		logger.Error("initialize", "err", err)
		return exitFail
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = arguments
	res, err := cl.CallTool(ctx, req)
	if err != nil {
		fmt.Fprintln(s.err, "threads-mcp call:", err)
		return exitFail
	}
	if err := printResult(s.out, res, pretty); err != nil {
		logger.Error("encode", "err", err)
		return exitFail
	}
	if res.IsError {
		return exitFail
	}
	return exitOK
}

// maxCallArgs bounds the arguments call reads from stdin.
const maxCallArgs = 16 << 20

// printResult writes a tool result: the whole result as one JSON line, or
// with pretty the structured content indented (a tool error's text as is).
func printResult(w io.Writer, res *mcp.CallToolResult, pretty bool) error {
	if !pretty {
		out, err := json.Marshal(res)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(w, string(out))
		return err
	}
	if res.StructuredContent != nil && !res.IsError {
		out, err := json.MarshalIndent(res.StructuredContent, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(w, string(out))
		return err
	}
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			if _, err := fmt.Fprintln(w, tc.Text); err != nil {
				return err
			}
		}
	}
	return nil
}

// toolsetOf returns the toolset of the tool named name.
func toolsetOf(name string) string {
	for _, t := range tools.Tools() {
		if t.Name() == name {
			return t.Toolset()
		}
	}
	return ""
}

// knownTools lists every tool's name.
func knownTools() []string {
	var names []string
	for _, t := range tools.Tools() {
		names = append(names, t.Name())
	}
	return names
}

// listTools prints every tool definition, with schemas, as JSON; --toolsets
// and --read-only select as they do for serve.
func listTools(args []string, s stdio, getenv env) int {
	fs := flag.NewFlagSet("tools", flag.ContinueOnError)
	fs.SetOutput(s.err)
	toolsets := fs.String("toolsets", getenv("THREADS_MCP_TOOLSETS"), "comma-separated toolsets: "+toolsetNames()+" (default all)")
	readOnly := fs.Bool("read-only", truthy(getenv("THREADS_MCP_READ_ONLY")), "only read-only tools")
	if wantsHelp(args) {
		printHelp(s.out, fs, "tools [flags]", "Prints the tool definitions (name, title, description, hints, input and output schemas) as JSON.")
		return exitOK
	}
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		fmt.Fprintln(s.err, "usage: threads-mcp tools [--toolsets LIST] [--read-only]")
		return exitUsage
	}
	selected, err := tools.Select(list(*toolsets), *readOnly)
	if err != nil {
		fmt.Fprintln(s.err, "threads-mcp tools:", err)
		return exitUsage
	}
	defs := make([]mcp.Tool, 0, len(selected))
	for _, t := range selected {
		defs = append(defs, t.Definition())
	}
	b, err := json.MarshalIndent(defs, "", "  ")
	if err != nil {
		fmt.Fprintln(s.err, "threads-mcp tools:", err)
		return exitFail
	}
	fmt.Fprintln(s.out, string(b))
	return exitOK
}

// emulator serves the Threads API emulator with its demo world until ctx ends.
func runEmulator(ctx context.Context, args []string, s stdio) int {
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.SetOutput(s.err)
	listen := fs.String("listen", "127.0.0.1:8787", "listen address")
	stateFile := fs.String("state", "", "keep the emulated world in this file across runs")
	emuOpts := emulator.Flags(fs, "")
	if wantsHelp(args) {
		printHelp(s.out, fs, "emulator [flags]", "Serves the Threads Graph API emulator (with a demo world) over HTTP.")
		return exitOK
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	opts, err := emuOpts()
	if err != nil {
		fmt.Fprintln(s.err, "threads-mcp emulator:", err)
		return exitUsage
	}
	if *stateFile != "" {
		opts = append(opts, emulator.WithStateFile(*stateFile))
	}
	emu, err := emulator.Open(append(emulator.SandboxDefaults(), opts...)...)
	if err != nil {
		fmt.Fprintln(s.err, "threads-mcp emulator:", err)
		return exitFail
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(s.err, "threads-mcp emulator:", err)
		return exitFail
	}
	hs := &http.Server{Handler: emu.Handler(), ReadHeaderTimeout: 10 * time.Second}
	base := "http://" + ln.Addr().String()
	appID, appSecret := emu.DemoApp()
	fmt.Fprintf(s.out, "Threads API emulator listening on %s\n", base)
	fmt.Fprintf(s.out, "THREADS_API_BASE_URL=%s/v1.0\n", base)
	fmt.Fprintf(s.out, "THREADS_ACCESS_TOKEN=%s\n", emu.DemoToken())
	fmt.Fprintf(s.out, "demo app: id %s, secret %s\n", appID, appSecret)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintln(s.err, "threads-mcp emulator:", err)
		return exitFail
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = hs.Shutdown(sctx)
	return exitOK
}

// authCommand runs `threads-mcp auth ...`.
func authCommand(ctx context.Context, args []string, s stdio, getenv env) int {
	return authcmd.Run(ctx, args, authcmd.IO{
		Stdin:    s.in,
		Stdout:   s.out,
		Stderr:   s.err,
		Getenv:   getenv,
		StateDir: stateDirOrDefault(getenv),
	})
}
