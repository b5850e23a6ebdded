package cli

import "runtime/debug"

// Version is the version of the running binary: stamped (set at build time
// with -ldflags "-X main.stampedVersion=v1.2.3" and passed here), else from
// the build info (see VersionFrom).
func Version(stamped string) string { return VersionFrom(stamped, debug.ReadBuildInfo) }

// VersionFrom picks the version: the stamped one; else the module version
// (set by `go install module@version`); else the VCS revision the go tool
// records when building in a checkout ("devel+1a2b3c4d5e6f", "-dirty" when
// the tree had changes); else "devel".
func VersionFrom(stamped string, read func() (*debug.BuildInfo, bool)) string {
	if stamped != "" {
		return stamped
	}
	bi, ok := read()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev == "" {
		return "devel"
	}
	return "devel+" + rev[:min(12, len(rev))] + dirty
}
