package tools

import "strings"

// ScopePrefix starts every OAuth scope of the server: a remote MCP client
// is granted toolsets, one scope each (threads.read, threads.publish,
// threads.moderate, ...), and a tool call needs the scope of its tool's
// toolset.
const ScopePrefix = "threads."

// ToolsetScope returns the OAuth scope that grants the tools of toolset.
func ToolsetScope(toolset string) string { return ScopePrefix + toolset }

// ScopeToolset returns the toolset a scope grants, false when scope is not
// one of the server's.
func ScopeToolset(scope string) (string, bool) {
	name, ok := strings.CutPrefix(scope, ScopePrefix)
	if !ok || !knownToolset(name) {
		return "", false
	}
	return name, true
}

// Scopes returns the OAuth scope of every toolset, in documentation order.
func Scopes() []string {
	out := make([]string, len(toolsets))
	for i, ts := range toolsets {
		out[i] = ToolsetScope(ts.Name)
	}
	return out
}

// ToolScope returns the OAuth scope a call of the named tool needs (its
// toolset's), false when no tool has that name.
func ToolScope(name string) (string, bool) {
	for _, t := range allTools() {
		if t.Name() == name {
			return ToolsetScope(t.toolset), true
		}
	}
	return "", false
}
