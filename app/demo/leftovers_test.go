//go:build !nosandbox

package demo

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// A demo removes the folders previous demos left when they were killed —
// never its own, nor an open demo's, nor a folder another demo is just
// creating.
func TestCleanLeftovers(t *testing.T) {
	tmp := t.TempDir()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	mk := func(name, pid string, age time.Duration) string {
		d := filepath.Join(tmp, "madoguchi-demo-"+name)
		os.MkdirAll(filepath.Join(d, "intake"), 0o700)
		os.WriteFile(filepath.Join(d, "intake", "filings.sqlite"), []byte("a filing"), 0o600)
		if pid != "" {
			os.WriteFile(filepath.Join(d, ownerFile), []byte(pid), 0o600)
		}
		old := time.Now().Add(-age)
		os.Chtimes(d, old, old)
		return d
	}
	killed := mk("killed", strconv.Itoa(dead.Process.Pid), time.Minute)
	mine := mk("mine", strconv.Itoa(os.Getpid()), time.Minute)
	open := mk("open", strconv.Itoa(os.Getppid()), time.Minute)
	oldUnknown := mk("old", "", 48*time.Hour)
	justNow := mk("new", "", time.Second)
	other := filepath.Join(tmp, "someone-else")
	os.MkdirAll(other, 0o700)

	removed := CleanLeftovers(tmp)
	gone := map[string]bool{}
	for _, d := range removed {
		gone[d] = true
	}
	for d, want := range map[string]bool{killed: true, oldUnknown: true, mine: false, open: false, justNow: false} {
		_, err := os.Stat(d)
		if want != os.IsNotExist(err) || want != gone[d] {
			t.Errorf("%s: removed %v, want %v", filepath.Base(d), gone[d], want)
		}
	}
	if _, err := os.Stat(other); err != nil {
		t.Error("another program's folder was removed")
	}
}
