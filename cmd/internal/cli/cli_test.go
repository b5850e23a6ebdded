package cli

import (
	"flag"
	"runtime/debug"
	"slices"
	"testing"
)

func TestSplitCommand(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.String("listen", "", "")
	fs.String("log-level", "", "")
	fs.Bool("sandbox", false, "")
	valueFlag := func(n string) bool { return IsValueFlag(fs, n) }
	tests := []struct {
		args     []string
		cmd      string
		wantRest []string
	}{
		{nil, "serve", nil},
		{[]string{"--sandbox"}, "serve", []string{"--sandbox"}},
		{[]string{"call", "x"}, "call", []string{"x"}},
		{[]string{"--sandbox", "call", "x"}, "call", []string{"--sandbox", "x"}},
		{[]string{"--listen", "127.0.0.1:1", "serve"}, "serve", []string{"--listen", "127.0.0.1:1"}},
		{[]string{"--log-level=debug", "tools"}, "tools", []string{"--log-level=debug"}},
		{[]string{"--log-level", "call"}, "serve", []string{"--log-level", "call"}}, // "call" is the flag's value
		{[]string{"--", "call"}, "serve", []string{"--", "call"}},
	}
	for _, tc := range tests {
		cmd, rest := SplitCommand(tc.args, valueFlag)
		if cmd != tc.cmd || !slices.Equal(rest, tc.wantRest) {
			t.Errorf("SplitCommand(%q) = %q, %q; want %q, %q", tc.args, cmd, rest, tc.cmd, tc.wantRest)
		}
	}
}

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		args   []string
		pos    []string
		pretty bool
		level  string
	}{
		{[]string{"tool", "{}", "--pretty"}, []string{"tool", "{}"}, true, ""},
		{[]string{"--level", "x", "tool", "-"}, []string{"tool", "-"}, false, "x"},
		{[]string{"tool", "--", "--pretty"}, []string{"tool", "--pretty"}, false, ""},
	}
	for _, tc := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		pretty := fs.Bool("pretty", false, "")
		level := fs.String("level", "", "")
		pos, err := ParseInterspersed(fs, tc.args)
		if err != nil || !slices.Equal(pos, tc.pos) || *pretty != tc.pretty || *level != tc.level {
			t.Errorf("ParseInterspersed(%q) = %q, %v (pretty %v, level %q)", tc.args, pos, err, *pretty, *level)
		}
	}
}

func TestVersionFrom(t *testing.T) {
	info := func(v string, settings ...debug.BuildSetting) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Version: v}, Settings: settings}, true
		}
	}
	rev := debug.BuildSetting{Key: "vcs.revision", Value: "0123456789abcdef0123"}
	dirty := debug.BuildSetting{Key: "vcs.modified", Value: "true"}
	tests := []struct {
		name, stamped string
		read          func() (*debug.BuildInfo, bool)
		want          string
	}{
		{"stamped wins", "v1.2.3", info("v9.9.9"), "v1.2.3"},
		{"module version", "", info("v0.4.0"), "v0.4.0"},
		{"checkout", "", info("(devel)", rev), "devel+0123456789ab"},
		{"dirty checkout", "", info("(devel)", rev, dirty), "devel+0123456789ab-dirty"},
		{"nothing known", "", info("(devel)"), "devel"},
		{"no build info", "", func() (*debug.BuildInfo, bool) { return nil, false }, "devel"},
	}
	for _, tc := range tests {
		if got := VersionFrom(tc.stamped, tc.read); got != tc.want {
			t.Errorf("%s: versionFrom = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestClosest(t *testing.T) {
	names := []string{"publish_text", "publish_carousel", "reply", "list_replies"}
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"publish_txt", "publish_text", true},
		{"Reply", "reply", true},
		{"list_reply", "list_replies", true},
		{"frobnicate_everything", "", false},
	}
	for _, tc := range tests {
		got, ok := Closest(tc.in, names)
		if got != tc.want && tc.ok || ok != tc.ok {
			t.Errorf("Closest(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
