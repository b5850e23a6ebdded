package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// MaxArguments bounds the tool arguments read from stdin.
const MaxArguments = 16 << 20

// Arguments returns a tool call's arguments from the command line: arg as
// JSON, "-" to read them from stdin, "" for {}.
func Arguments(arg string, stdin io.Reader) (json.RawMessage, error) {
	raw := []byte(arg)
	switch arg {
	case "":
		return json.RawMessage("{}"), nil
	case "-":
		var err error
		if raw, err = io.ReadAll(io.LimitReader(stdin, MaxArguments+1)); err != nil {
			return nil, fmt.Errorf("read the arguments from stdin: %w", err)
		}
		if len(raw) > MaxArguments {
			return nil, fmt.Errorf("the arguments on stdin exceed %d bytes", MaxArguments)
		}
	}
	if !json.Valid(raw) {
		return nil, errors.New("the arguments are not valid JSON (give one JSON object, or - to read it from stdin)")
	}
	return json.RawMessage(raw), nil
}

// PrintResult writes a tool result: the whole result as one JSON line, or
// with pretty the structured content indented (a tool error's text as is).
func PrintResult(w io.Writer, res *mcp.CallToolResult, pretty bool) error {
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

// CallTool calls the tool name of srv once, through an in-process MCP
// client that introduces itself as clientName at version.
func CallTool(ctx context.Context, srv *server.MCPServer, clientName, version, name string, arguments json.RawMessage) (*mcp.CallToolResult, error) {
	cl, err := client.NewInProcessClient(srv)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	if err := cl.Start(ctx); err != nil {
		return nil, err
	}
	init := mcp.InitializeRequest{}
	init.Params.ClientInfo = mcp.Implementation{Name: clientName, Version: version}
	if _, err := cl.Initialize(ctx, init); err != nil {
		return nil, fmt.Errorf("initialize: %w", err)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = arguments
	return cl.CallTool(ctx, req)
}
