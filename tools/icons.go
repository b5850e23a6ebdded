package tools

import (
	"encoding/base64"

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
