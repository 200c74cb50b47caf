//go:build !nosandbox

package demo

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Each demo's throwaway municipality lives in a temp folder
// "madoguchi-demo-*" holding its owner's process id. A demo killed
// (SIGKILL, a crash, the power) leaves its folder — the sandbox databases
// with that session's filings — behind; the next demo removes the folders
// whose owner is gone.

const ownerFile = "owner.pid"

// claim marks dir as this process's.
func claim(dir string) error {
	return os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o600)
}

// CleanLeftovers removes the demo folders under tmp whose owner is no
// longer running (or unknown, and older than a day), and returns them.
func CleanLeftovers(tmp string) []string {
	dirs, _ := filepath.Glob(filepath.Join(tmp, "madoguchi-demo-*"))
	var removed []string
	for _, d := range dirs {
		info, err := os.Stat(d)
		if err != nil || !info.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(d, ownerFile))
		pid, perr := strconv.Atoi(strings.TrimSpace(string(b)))
		switch {
		case err == nil && perr == nil && pid == os.Getpid():
			continue // ours
		case err == nil && perr == nil && running(pid):
			continue // another demo, still open
		case err != nil && time.Since(info.ModTime()) < 24*time.Hour:
			continue // being created by another demo just now (or not ours to judge yet)
		}
		if os.RemoveAll(d) == nil {
			removed = append(removed, d)
		}
	}
	return removed
}
