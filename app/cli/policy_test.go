package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"madoguchi/app/common"
)

// On a PC whose administrator file says kiosk, the terminal's commands
// that sign in or keep anything are refused, coded, and do nothing; the
// window gets the policy's settings, and a flag asking otherwise is refused.
func TestKioskPolicyInTheTerminal(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy.json")
	profile := filepath.Join(dir, "city.json")
	os.WriteFile(pol, []byte(`{"kiosk": true, "demo": false, "profile": "`+profile+`", "languages": ["vi", "ja"]}`), 0o644)
	runPol := func(args ...string) (int, string, string, *common.GUIOptions) {
		var out, errb bytes.Buffer
		var got *common.GUIOptions
		env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, PolicyFile: pol}
		code := RunWith(append([]string{"--lang", "ja"}, args...), env, Deps{GUI: func(o common.GUIOptions, _ *Env) int { got = &o; return 0 }})
		return code, out.String(), errb.String(), got
	}
	for _, args := range [][]string{{"login"}, {"whoami"}, {"card", "pin-status", "--virtual", "yamada-taro"}, {"procedure", "plan", "moving"}} {
		code, out, errs, _ := runPol(args...)
		if code != 1 || !strings.Contains(out+errs, "POLICY-REFUSED") {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, errs)
		}
	}
	if code, out, errs, _ := runPol("version"); code != 0 || !strings.Contains(out, "madoguchi") {
		t.Errorf("version: %d %s %s", code, out, errs)
	}
	code, _, errs, o := runPol()
	if code != 0 || o == nil || !o.Kiosk || o.Profile != profile {
		t.Fatalf("window: %d %s %+v", code, errs, o)
	}
	if code, out, errs, o := runPol("--demo"); code != 1 || o != nil || !strings.Contains(out+errs, "POLICY-REFUSED") {
		t.Errorf("--demo: exit %d %v\n%s%s", code, o, out, errs)
	}
	// a broken file stops everything, coded and naming the file
	os.WriteFile(pol, []byte(`{"kisok": true}`), 0o644)
	if code, out, errs, o := runPol(); code != 1 || o != nil || !strings.Contains(out+errs, "POLICY-INVALID") || !strings.Contains(out+errs, pol) {
		t.Errorf("broken file: exit %d %v\n%s%s", code, o, out, errs)
	}
}
