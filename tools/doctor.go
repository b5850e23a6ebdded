package tools

import (
	"context"
	"errors"

	"github.com/threads-mcp/threads-mcp/schemas"
)

// Diagnose runs the doctor's checks (package tools/doctor) and returns its
// report, which never holds a token.
type Diagnose func(ctx context.Context) (*schemas.DoctorResult, error)

// doctorTool is the doctor tool: the report of `threads-mcp doctor` (state
// directory, each account's token, permissions against the tools served,
// quotas, the Graph API host and the clock, the HTTP settings), so the
// agent can tell the user what is wrong and the exact fix.
func doctorTool() Tool {
	return newTool[schemas.DoctorArgs](def{
		name:  "doctor",
		title: "Diagnose the setup",
		description: "Check the setup as `threads-mcp doctor` does: tokens, permissions the served tools need, " +
			"quotas, the API host, the clock. Each failed check names its exact fix, for the user.",
		toolset: ToolsetDiagnostics,
		hints:   readOnly(),
	}, func(ctx context.Context, c *call, _ *schemas.DoctorArgs) (*schemas.DoctorResult, error) {
		if c.Doctor == nil {
			return nil, errors.New("the doctor is not available in this server")
		}
		return c.Doctor(ctx)
	})
}
