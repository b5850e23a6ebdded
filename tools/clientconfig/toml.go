package clientconfig

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Codex keeps its servers in TOML tables, [mcp_servers.NAME] and
// [mcp_servers.NAME.env]. The file is edited as text so that its other
// tables, comments and layout stay exactly as they were: only the lines of
// the entry's own tables are replaced or removed.

// tomlHeaders returns the headers of name's two tables.
func tomlHeaders(name string) (table, env string) {
	key := name
	if !isBareKey(name) {
		key = strconv.Quote(name)
	}
	return "[mcp_servers." + key + "]", "[mcp_servers." + key + ".env]"
}

func isBareKey(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// tomlEntry is e as Codex TOML.
func tomlEntry(e Entry) string {
	table, envTable := tomlHeaders(e.Name)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\ncommand = %s\n", table, strconv.Quote(e.Command))
	if len(e.Args) > 0 {
		q := make([]string, len(e.Args))
		for i, a := range e.Args {
			q[i] = strconv.Quote(a)
		}
		fmt.Fprintf(&b, "args = [%s]\n", strings.Join(q, ", "))
	}
	if len(e.Env) > 0 {
		fmt.Fprintf(&b, "\n%s\n", envTable)
		keys := make([]string, 0, len(e.Env))
		for k := range e.Env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "%s = %s\n", k, strconv.Quote(e.Env[k]))
		}
	}
	return b.String()
}

// tomlSplit cuts old into the text before name's tables, the tables
// themselves, and the text after them. found is false when it has none.
func tomlSplit(old []byte, name string) (before, entry, after string, found bool) {
	table, envTable := tomlHeaders(name)
	lines := strings.SplitAfter(string(old), "\n")
	start, end := -1, len(lines)
	for i, l := range lines {
		h := strings.TrimSpace(l)
		if !strings.HasPrefix(h, "[") {
			continue
		}
		mine := h == table || h == envTable
		switch {
		case mine && start < 0:
			start = i
		case !mine && start >= 0:
			end = i
		}
		if start >= 0 && end < len(lines) {
			break
		}
	}
	if start < 0 {
		return string(old), "", "", false
	}
	return strings.Join(lines[:start], ""), strings.Join(lines[start:end], ""), strings.Join(lines[end:], ""), true
}

// tomlSet puts e into the Codex config old.
func tomlSet(old []byte, e Entry, force bool) ([]byte, error) {
	want := tomlEntry(e)
	before, cur, after, found := tomlSplit(old, e.Name)
	if found {
		if strings.TrimSpace(cur) == strings.TrimSpace(want) {
			return old, nil
		}
		if !force {
			return nil, fmt.Errorf("%w: %q is already configured with other settings (pass --force to replace it)", ErrExists, e.Name)
		}
		sep := ""
		if after != "" {
			sep = "\n"
		}
		return []byte(before + want + sep + after), nil
	}
	var b bytes.Buffer
	b.Write(old)
	if len(old) > 0 {
		if !bytes.HasSuffix(old, []byte("\n")) {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	b.WriteString(want)
	return b.Bytes(), nil
}

// tomlDelete removes name's tables from old.
func tomlDelete(old []byte, name string) []byte {
	before, _, after, found := tomlSplit(old, name)
	if !found {
		return old
	}
	return []byte(strings.TrimRight(before, "\n") + trimLeadingBlank(after, before != ""))
}

func trimLeadingBlank(after string, sep bool) string {
	after = strings.TrimLeft(after, "\n")
	switch {
	case after == "" && sep:
		return "\n"
	case after == "":
		return ""
	case sep:
		return "\n\n" + after
	}
	return after
}
