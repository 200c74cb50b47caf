package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The documented example answers plan, in both languages and as JSON.
func TestProcedurePlanExamples(t *testing.T) {
	for _, ev := range []string{"moving", "job-change", "birth"} {
		file := filepath.Join("..", "..", "docs", "examples", ev+".yaml")
		code, out, errs := run(t, "", "procedure", "plan", ev, "--answers", file, "--json", "--profile", "/nonexistent")
		var j struct {
			Event string `json:"event"`
			Items []struct {
				ID       string `json:"id"`
				DaysLeft *int   `json:"days_left"`
			} `json:"items"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &j) != nil || j.Event != ev || len(j.Items) < 3 {
			t.Fatalf("%s: exit %d %s %s", ev, code, out, errs)
		}
		code, out, _ = run(t, "", "procedure", "plan", ev, "--answers", file, "--profile", "/nonexistent")
		if code != 0 || !strings.Contains(out, "left") && !strings.Contains(out, "ago") {
			t.Fatalf("%s text: %d %s", ev, code, out)
		}
	}
	code, out, _ := run(t, "", "procedure", "events", "--json")
	if code != 0 || !strings.Contains(out, `"moving"`) {
		t.Fatalf("events: %d %s", code, out)
	}
	code, out, _ = run(t, "", "procedure", "questions", "moving", "--json")
	if code != 0 || !strings.Contains(out, `"ask_if"`) || !strings.Contains(out, `"kokuho"`) {
		t.Fatalf("questions: %d %s", code, out)
	}
	if code, _, errs := run(t, "", "procedure", "plan", "wedding", "--answers", "x"); code != ExitUsage || !strings.Contains(errs, "moving") {
		t.Fatalf("unknown event: %d %s", code, errs)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("move_date: soon\n"), 0o600)
	if code, _, errs := run(t, "", "procedure", "plan", "moving", "--answers", bad, "--profile", "/nonexistent"); code != 1 || !strings.Contains(errs, "[ANSWERS-INVALID]") || !strings.Contains(errs, "move_date") {
		t.Fatalf("bad answer: %d %s", code, errs)
	}
}
