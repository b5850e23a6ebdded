package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/threads-mcp/threads-mcp/auth/authcmd"
	"github.com/threads-mcp/threads-mcp/threads/emulator"
	"github.com/threads-mcp/threads-mcp/tools"
)

// call runs one tool call through an in-process MCP client, prints the
// result JSON on stdout and exits 1 when it is a tool error.
func call(ctx context.Context, args []string, s stdio, getenv env) int {
	c, rest, err := parseConfig("call", args, s, getenv)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintln(s.err, "threads-mcp call:", err)
		return exitUsage
	}
	if len(rest) < 1 || len(rest) > 2 {
		fmt.Fprintln(s.err, `usage: threads-mcp call [--sandbox] TOOL ['{"arg":"value"}']`)
		return exitUsage
	}
	arguments := json.RawMessage("{}")
	if len(rest) == 2 {
		if !json.Valid([]byte(rest[1])) {
			fmt.Fprintln(s.err, "threads-mcp call: the arguments are not valid JSON")
			return exitUsage
		}
		arguments = json.RawMessage(rest[1])
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
	req.Params.Name = rest[0]
	req.Params.Arguments = arguments
	res, err := cl.CallTool(ctx, req)
	if err != nil {
		fmt.Fprintln(s.err, "threads-mcp call:", err)
		return exitFail
	}
	out, err := json.Marshal(res)
	if err != nil {
		logger.Error("encode", "err", err)
		return exitFail
	}
	fmt.Fprintln(s.out, string(out))
	if res.IsError {
		return exitFail
	}
	return exitOK
}

// listTools prints every tool definition, with schemas, as JSON.
func listTools(args []string, s stdio) int {
	if len(args) > 0 {
		fmt.Fprintln(s.err, "usage: threads-mcp tools")
		return exitUsage
	}
	defs := make([]mcp.Tool, 0, 8)
	for _, t := range tools.All(tools.Deps{}) {
		defs = append(defs, t.Tool)
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
