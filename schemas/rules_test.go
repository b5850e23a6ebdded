package schemas

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRuleValuesWrittenOnce fails when a Threads rule value is written as a
// literal in a second non-test Go file of the module. The emulator
// (threads/emulator) is exempt: it is an independent oracle and keeps its own
// copy of Meta's rules on purpose.
func TestRuleValuesWrittenOnce(t *testing.T) {
	t.Parallel()
	literals := map[string]string{ // literal -> the one file allowed to hold it
		`"everyone"`:                 "threads/types.go",
		`"accounts_you_follow"`:      "threads/types.go",
		`"mentioned_only"`:           "threads/types.go",
		`"parent_post_author_only"`:  "threads/types.go",
		`"followers_only"`:           "threads/types.go",
		`"INVALID_ASPEC_RATIO"`:      "threads/errors.go",
		`"FAILED_DOWNLOADING_VIDEO"`: "threads/errors.go",
	}
	root := ".."
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Skip("module root not found")
	}
	found := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "threads/emulator" || d.Name() == "testdata" || (strings.HasPrefix(d.Name(), ".") && rel != ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for lit := range literals {
			if strings.Contains(string(b), lit) {
				found[lit] = append(found[lit], rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for lit, home := range literals {
		if got := found[lit]; len(got) != 1 || got[0] != home {
			t.Errorf("%s is written in %q; write it only in %s and generate the rest from there", lit, got, home)
		}
	}
}

// TestIDPatternMatchesMaxIDLength: the id pattern is a regular expression
// constant and cannot be built from MaxIDLength; this keeps the two equal.
func TestIDPatternMatchesMaxIDLength(t *testing.T) {
	t.Parallel()
	if want := "^[0-9]{1," + strconv.Itoa(MaxIDLength) + "}$"; IDPattern != want {
		t.Errorf("IDPattern = %s, want %s", IDPattern, want)
	}
}
