package tools

import (
	"encoding/base64"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

// ServerTitle is the server's display name (serverInfo.title).
const ServerTitle = "Threads"

// Icons are small line drawings (24×24, stroked in the text colour), sent as
// SVG data URIs so a client shows them without fetching anything: the
// server's, the resources' and the prompts'. Tools carry none, since
// tools/list is paid for in every model context.
const (
	svgOpen = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" ` +
		`stroke-width="2">`
	svgClose = `</svg>`

	// iconServer is an at sign, the mark of a handle.
	iconServer = `<circle cx="12" cy="12" r="4"/><path d="M16 8v5a3 3 0 0 0 6 0v-1a10 10 0 1 0-4 8"/>`
	// iconRead is an eye.
	iconRead = `<path d="M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/>`
)

// svgIcon wraps drawing into an SVG data URI icon.
func svgIcon(drawing string) mcp.Icon {
	return mcp.Icon{
		Src:      "data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(svgOpen+drawing+svgClose)),
		MIMEType: "image/svg+xml",
		Sizes:    []string{"any"},
	}
}

// serverIcons are the server's icons (serverInfo.icons).
func serverIcons() []mcp.Icon { return []mcp.Icon{svgIcon(iconServer)} }

// resourceIcons are the icons of the resources and templates.
func resourceIcons() []mcp.Icon { return []mcp.Icon{svgIcon(iconRead)} }

// promptIcons are the icons of the prompts.
func promptIcons() []mcp.Icon { return []mcp.Icon{svgIcon(iconServer)} }

// Toolset drawings and titles, for clients and documentation that group the
// tools by toolset (MCP itself has no toolsets, and tools carry no icons).
var (
	toolsetTitles = map[string]string{
		ToolsetPublish:     "Publish",
		ToolsetRead:        "Read",
		ToolsetModerate:    "Moderate",
		ToolsetAccounts:    "Accounts",
		ToolsetEvents:      "Events",
		ToolsetMedia:       "Media",
		ToolsetDiagnostics: "Diagnostics",
		ToolsetSchedule:    "Schedule",
	}
	toolsetDrawings = map[string]string{
		// a pen
		ToolsetPublish: `<path d="M12 20h9"/><path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z"/>`,
		ToolsetRead:    iconRead,
		// a shield
		ToolsetModerate: `<path d="M12 22s8-4 8-10V5l-8-3-8 3v7c0 6 8 10 8 10z"/>`,
		// a person
		ToolsetAccounts: `<circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/>`,
		// a bell
		ToolsetEvents: `<path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"/><path d="M13.7 21a2 2 0 0 1-3.4 0"/>`,
		// a picture
		ToolsetMedia: `<rect x="3" y="3" width="18" height="18" rx="2"/><circle cx="9" cy="9" r="2"/><path d="M21 15l-5-5L5 21"/>`,
		// a pulse line
		ToolsetDiagnostics: `<path d="M22 12h-4l-3 9L9 3l-3 9H2"/>`,
		// a clock
		ToolsetSchedule: `<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 2"/>`,
	}
)

// Title returns the toolset's display title (its name, capitalized, when
// none is set).
func (t Toolset) Title() string {
	if s, ok := toolsetTitles[t.Name]; ok {
		return s
	}
	return strings.ToUpper(t.Name[:1]) + t.Name[1:]
}

// Icons returns the toolset's icons (the server's when it has none).
func (t Toolset) Icons() []mcp.Icon {
	if d, ok := toolsetDrawings[t.Name]; ok {
		return []mcp.Icon{svgIcon(d)}
	}
	return serverIcons()
}
