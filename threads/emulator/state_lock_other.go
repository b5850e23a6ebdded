//go:build !unix

package emulator

import "os"

// lockFile is a no-op where flock is unavailable: two processes on one state
// file then rely on reload-before-write alone.
func lockFile(*os.File) error { return nil }

// unlockFile is a no-op where flock is unavailable.
func unlockFile(*os.File) error { return nil }
