package media

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// RootsFromURIs returns the local directories of MCP roots (file:// URIs,
// https://modelcontextprotocol.io/specification/2025-06-18/client/roots);
// other schemes are ignored.
func RootsFromURIs(uris []string) []string {
	var out []string
	for _, s := range uris {
		u, err := url.Parse(s)
		if err != nil || u.Scheme != "file" || (u.Host != "" && u.Host != "localhost") {
			continue
		}
		if p := filepath.FromSlash(u.Path); filepath.IsAbs(p) {
			out = append(out, p)
		}
	}
	return out
}

// pathError is a path input refused; field and the rule are filled by the
// caller's FieldError.
type pathError struct {
	rule, detail, fix string
}

func (e *pathError) Error() string { return e.rule + ": " + e.detail }

// ResolvePath returns the real path (symlinks resolved) of the regular file
// p when it lies inside one of roots (also resolved), or a *pathError.
// p must be absolute (a file:// URI is accepted). Containment is checked
// on the resolved paths, so neither ".." nor a symlink can leave the roots.
func ResolvePath(p string, roots []string) (string, error) {
	if strings.HasPrefix(p, "file://") {
		if r := RootsFromURIs([]string{p}); len(r) == 1 {
			p = r[0]
		}
	}
	if len(roots) == 0 {
		return "", &pathError{"no allowed roots", "this server reads local files only inside allowed directories, and none is set",
			"start the server with --media-root DIR (or THREADS_MCP_MEDIA_ROOT), or use an MCP client that declares roots, or give a public https url"}
	}
	if !filepath.IsAbs(p) {
		return "", &pathError{"not absolute", fmt.Sprintf("%q is a relative path", p),
			"give the absolute path of the file, inside " + strings.Join(roots, " or ")}
	}
	real, err := filepath.EvalSymlinks(filepath.Clean(p))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", &pathError{"no such file", fmt.Sprintf("%s does not exist", p), "check the path (it is read on the server's machine)"}
		}
		return "", &pathError{"unreadable", fmt.Sprintf("%s cannot be resolved (%v)", p, errors.Unwrap(err)), "check the path and its permissions"}
	}
	inside := false
	for _, r := range roots {
		rr, err := filepath.EvalSymlinks(filepath.Clean(r))
		if err != nil {
			continue
		}
		if within(rr, real) {
			inside = true
			break
		}
	}
	if !inside {
		return "", &pathError{"outside the allowed roots", fmt.Sprintf("%s resolves to a file outside the allowed directories (%s)", p, strings.Join(roots, ", ")),
			"copy the file into an allowed directory, or add its directory with --media-root"}
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", &pathError{"unreadable", fmt.Sprintf("%s cannot be read (%v)", p, errors.Unwrap(err)), "check the file's permissions"}
	}
	if !fi.Mode().IsRegular() {
		return "", &pathError{"not a file", fmt.Sprintf("%s is not a regular file", p), "give the path of an image or video file"}
	}
	return real, nil
}

// within reports whether path p is root or below it (both clean, absolute).
func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return false
	}
	return rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel))
}
