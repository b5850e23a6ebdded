package tools

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/threads-mcp/threads-mcp/schemas"
)

// Markers delimiting the generated tool reference in README.md.
const (
	ReferenceBegin = "<!-- BEGIN GENERATED TOOL REFERENCE (go test ./tools -update) -->"
	ReferenceEnd   = "<!-- END GENERATED TOOL REFERENCE -->"
)

// Reference renders the Markdown tool reference from the tool registry:
// the toolsets with their tools, then per tool its name, title, toolset,
// hints, description and each parameter with its type, whether it is
// required, its limits and its description. It builds no handler.
func Reference() string {
	var b strings.Builder
	all := Tools()
	b.WriteString("Toolsets (`--toolsets a,b` or `THREADS_MCP_TOOLSETS`; `default` names the default ones, `all` every one; `--read-only` keeps only the tools marked read-only):\n\n")
	b.WriteString("| toolset | default | tools | description |\n|---|---|---|---|\n")
	for _, ts := range Toolsets() {
		var names []string
		for _, t := range all {
			if t.Toolset() == ts.Name {
				names = append(names, "`"+t.Name()+"`")
			}
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", ts.Name, yesNoBool(ts.Default), strings.Join(names, ", "), cell(ts.Description))
	}
	b.WriteString("\n")
	renderExamples(&b)
	for _, tool := range all {
		t := tool.Definition()
		ro, de, id, ow := tool.Hints()
		fmt.Fprintf(&b, "### `%s` — %s\n\n", t.Name, t.Annotations.Title)
		fmt.Fprintf(&b, "%s\n\n", t.Description)
		fmt.Fprintf(&b, "Toolset: `%s`. Hints: read-only %s, destructive %s, idempotent %s, open-world %s.",
			tool.Toolset(), yesNoBool(ro), yesNoBool(de), yesNoBool(id), yesNoBool(ow))
		if sc := tool.Scopes(); len(sc) > 0 {
			fmt.Fprintf(&b, " Permissions: `%s`.", strings.Join(sc, "`, `"))
		}
		b.WriteString("\n\n")
		var schema struct {
			Properties map[string]map[string]any `json:"properties"`
			Required   []string                  `json:"required"`
		}
		if err := json.Unmarshal(t.RawInputSchema, &schema); err != nil {
			fmt.Fprintf(&b, "(schema unreadable: %v)\n\n", err)
			continue
		}
		names := make([]string, 0, len(schema.Properties))
		for n := range schema.Properties {
			names = append(names, n)
		}
		sort.Strings(names)
		b.WriteString("| parameter | type | required | limits | description |\n|---|---|---|---|---|\n")
		for _, n := range names {
			p := schema.Properties[n]
			desc := fmt.Sprint(orEmpty(p["description"]))
			if desc == "" {
				desc = schemas.SharedArgDoc(n) // said once for tools/list, in the instructions
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", n, typeOf(p), yesNoBool(contains(schema.Required, n)),
				limits(p), cell(desc))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func yesNoBool(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func orEmpty(v any) any {
	if v == nil {
		return ""
	}
	return v
}

func typeOf(p map[string]any) string {
	t := fmt.Sprint(orEmpty(p["type"]))
	if t == "array" {
		if items, ok := p["items"].(map[string]any); ok {
			return "array of " + fmt.Sprint(orEmpty(items["type"]))
		}
	}
	return t
}

// limits lists the schema keywords that constrain a parameter.
func limits(p map[string]any) string {
	var parts []string
	for _, k := range []string{"minLength", "maxLength", "minimum", "maximum", "minItems", "maxItems", "format", "pattern"} {
		if v, ok := p[k]; ok {
			parts = append(parts, fmt.Sprintf("%s %v", k, v))
		}
	}
	if e, ok := p["enum"].([]any); ok {
		vals := make([]string, len(e))
		for i, v := range e {
			vals[i] = fmt.Sprint(v)
		}
		parts = append(parts, "one of "+strings.Join(vals, ", "))
	}
	if items, ok := p["items"].(map[string]any); ok {
		if e, ok := items["enum"].([]any); ok {
			vals := make([]string, len(e))
			for i, v := range e {
				vals[i] = fmt.Sprint(v)
			}
			parts = append(parts, "each one of "+strings.Join(vals, ", "))
		}
	}
	return cell(strings.Join(parts, "; "))
}

// cell escapes text for a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}
