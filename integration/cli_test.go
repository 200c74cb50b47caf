package integration

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"madoguchi/app"
)

func cli(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := app.RunWith(append([]string{"--lang", "en"}, args...),
		&app.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

// The CLI against the real PC/SC stack.
func TestCLIThroughPCSC(t *testing.T) {
	_, r := insert(t, "suzuki-hanako")
	code, out, errs := cli(t, "", "card", "readers", "--json")
	if code != 0 || !strings.Contains(out, `"name": "`+reader0+`"`) || !strings.Contains(out, `"card_present": true`) {
		t.Fatalf("readers: %d %s %s", code, out, errs)
	}
	code, out, errs = cli(t, "", "card", "pin-status", "--json")
	var cs []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &cs) != nil || len(cs) != 3 || cs[1]["tries_left"] != float64(5) {
		t.Fatalf("pin-status: %d %s %s", code, out, errs)
	}
	code, out, errs = cli(t, r.InputPIN+"\n", "card", "info", "--pin-stdin", "--json")
	if code != 0 || !strings.Contains(out, r.Address) || strings.Contains(out, r.InputPIN+"\"") {
		t.Fatalf("info: %d %s %s", code, out, errs)
	}
	code, out, _ = cli(t, "", "doctor")
	if code != 0 || !strings.Contains(out, "✓ PC/SC service") || !strings.Contains(out, reader0) {
		t.Fatalf("doctor: %d %s", code, out)
	}
}

func TestDoctorWithoutCard(t *testing.T) {
	code, out, _ := cli(t, "", "doctor", "--json")
	if code != 1 || !strings.Contains(out, `"code": "CARD-MISSING"`) {
		t.Fatalf("doctor without a card: %d %s", code, out)
	}
}
