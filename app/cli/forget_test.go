package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"madoguchi/auth/keystore"
	"madoguchi/i18n"
)

// forget: after one confirmation, every place the app keeps things for
// this user — the data folder (sealed store, profile, sandbox), the
// window's preferences and cache — and every keyring entry of the app are
// gone, and it says which; answered no, nothing is touched. Sign-out then
// says what stays on the computer.
func TestForgetLeavesNothing(t *testing.T) {
	root := t.TempDir()
	for _, v := range []string{"XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"} {
		t.Setenv(v, filepath.Join(root, v))
	}
	t.Setenv("HOME", filepath.Join(root, "home"))
	kept := map[string]string{
		filepath.Join(root, "XDG_DATA_HOME", "madoguchi", "madoguchi.sqlite"):                  "sealed",
		filepath.Join(root, "XDG_DATA_HOME", "madoguchi", "profile.json"):                      "{}",
		filepath.Join(root, "XDG_DATA_HOME", "madoguchi", "sandbox", "idp.sqlite"):             "x",
		filepath.Join(root, "XDG_CONFIG_HOME", "fyne", "jp.madoguchi.app", "preferences.json"): "{}",
		filepath.Join(root, "XDG_CACHE_HOME", "fyne", "jp.madoguchi.app", "fonts"):             "x",
	}
	for p, c := range kept {
		os.MkdirAll(filepath.Dir(p), 0o700)
		os.WriteFile(p, []byte(c), 0o600)
	}
	other := filepath.Join(root, "XDG_CONFIG_HOME", "another-app", "settings")
	os.MkdirAll(filepath.Dir(other), 0o700)
	os.WriteFile(other, []byte("theirs"), 0o600)
	mem := keystore.NewMemory()
	keys := keystore.New(mem)
	keys.DataKey("store")
	mem.Set(keystore.Service, "some-profile", "subject")
	mem.Set("another.app", "user", "theirs")

	forget := func(stdin string, args ...string) (int, string) {
		var out, errb bytes.Buffer
		env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Keys: keys}
		code := RunWith(append([]string{"--lang", "en", "forget", "--profile", filepath.Join(root, "none.json")}, args...), env, Deps{})
		return code, out.String() + errb.String()
	}
	// sign-out says the truth: the sealed store stays (what logout prints
	// after signing out)
	if kept := stillKept(&Env{Tr: i18n.New("en")}); !strings.Contains(kept, "madoguchi forget") || !strings.Contains(kept, filepath.Join(root, "XDG_DATA_HOME", "madoguchi")) {
		t.Errorf("after sign-out: %q", kept)
	}
	if code, said := forget("no\n"); code != 0 || !strings.Contains(said, "Nothing was removed") {
		t.Fatalf("answered no: %d %s", code, said)
	}
	for p := range kept {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("answered no, and %s is gone", p)
		}
	}
	code, said := forget("yes\n")
	if code != 0 || !strings.Contains(said, "keeps nothing more") {
		t.Fatalf("forget: %d %s", code, said)
	}
	for p := range kept {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there", p)
		}
	}
	for _, d := range []string{filepath.Join(root, "XDG_DATA_HOME", "madoguchi"), filepath.Join(root, "XDG_CONFIG_HOME", "fyne", "jp.madoguchi.app")} {
		if !strings.Contains(said, d) {
			t.Errorf("does not say it removed %s:\n%s", d, said)
		}
	}
	if stillKept(&Env{Tr: i18n.New("en")}) != "" {
		t.Error("after forget, sign-out still says something stays")
	}
	if mem.Len() != 1 {
		t.Errorf("%d keyring entries left (only another app's should be)", mem.Len())
	}
	if b, err := os.ReadFile(other); err != nil || string(b) != "theirs" {
		t.Error("another app's settings were touched")
	}
}
