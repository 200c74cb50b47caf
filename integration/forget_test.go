package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// `madoguchi forget` against the real Secret Service (gnome-keyring on the
// harness's session bus) and real folders: afterwards the app has no
// keyring item and no file left for this user; another application's
// keyring item and files are untouched.
func TestForgetLeavesNoFileAndNoKeyringItem(t *testing.T) {
	bin := madoguchiBinary(t)
	root := t.TempDir()
	env := append(os.Environ(), "HOME="+filepath.Join(root, "home"), "XDG_DATA_HOME="+filepath.Join(root, "data"),
		"XDG_CONFIG_HOME="+filepath.Join(root, "config"), "XDG_CACHE_HOME="+filepath.Join(root, "cache"))
	for _, p := range []string{"data/madoguchi/madoguchi.sqlite", "data/madoguchi/profile.json", "config/fyne/jp.madoguchi.app/preferences.json",
		"cache/fyne/jp.madoguchi.app/x", "config/other-app/keep"} {
		os.MkdirAll(filepath.Join(root, filepath.Dir(p)), 0o700)
		os.WriteFile(filepath.Join(root, p), []byte("x"), 0o600)
	}
	for _, u := range []string{"data-key/store", "https://sandbox.example", "https://sandbox.example/sub-1"} {
		if err := keyring.Set("jp.madoguchi.app", u, "secret"); err != nil {
			t.Fatalf("the Secret Service: %v", err)
		}
	}
	keyring.Set("other.app", "user", "theirs")
	defer keyring.Delete("other.app", "user")

	cmd := exec.Command(bin, "--lang", "en", "forget", "--yes")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("forget: %v\n%s", err, out)
	}
	for _, u := range []string{"data-key/store", "https://sandbox.example", "https://sandbox.example/sub-1"} {
		if _, err := keyring.Get("jp.madoguchi.app", u); err != keyring.ErrNotFound {
			t.Errorf("keyring item %q: %v", u, err)
		}
	}
	if v, err := keyring.Get("other.app", "user"); err != nil || v != "theirs" {
		t.Errorf("another app's item: %q %v", v, err)
	}
	var left []string
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && !strings.Contains(p, "other-app") {
			left = append(left, p)
		}
		return nil
	})
	if len(left) > 0 {
		t.Errorf("files left: %v\n%s", left, out)
	}
	if _, err := os.Stat(filepath.Join(root, "config/other-app/keep")); err != nil {
		t.Error("another app's file was removed")
	}
}
