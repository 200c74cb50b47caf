package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"madoguchi/i18n"
	"madoguchi/procedures"
)

// movingTyped are a move's answers as a person types them, by question.
func movingTyped() map[string]string {
	return map[string]string{"move_date": time.Now().AddDate(0, 0, 10).Format("2006/1/2"), "same_municipality": "no",
		"new_postal_code": "〒530-0001", "new_address_line": "梅田一丁目1番1号", "movers": "山田 太郎", "child_mover": "いいえ",
		"school_mover": "no", "elderly_mover": "no", "koki_mover": "no", "health_insurance": "1", "registered_seal": "no",
		"has_dog": "no", "has_card": "yes", "sign_cert": "yes", "foreign_mover": "no", "care_certified": "no",
		"receives_child_allowance": "no"}
}

// order is the questions the interview asks, in order, for these typed
// answers (without a record).
func order(t *testing.T, event string, typed map[string]string) []string {
	t.Helper()
	cat, _ := procedures.Bundled(i18n.Languages())
	e, _ := cat.Event(event)
	iv, err := procedures.StartInterview(context.Background(), e, procedures.Facts{Today: time.Now()}, &procedures.MemoryDrafts{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	st, err := iv.Step()
	for err == nil && st.Question != nil {
		v, ok := typed[st.Question.ID]
		if !ok {
			t.Fatalf("asked %s", st.Question.ID)
		}
		ids = append(ids, st.Question.ID)
		st, err = iv.AnswerText(context.Background(), st.Question.ID, v)
	}
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// The terminal interview, one question at a time: a wrong answer is
// explained and asked again, "back" changes the last one, the end of input
// stops and keeps what was given, and running it again continues where it
// stopped — ending in the plan, and an answers file the plan command reads.
func TestTerminalInterview(t *testing.T) {
	typed := movingTyped()
	ids := order(t, "moving", typed)
	file := filepath.Join(t.TempDir(), "answers.yaml")
	// the first two answers, a wrong date, then "back", then stop
	in := "next week\n" + typed[ids[0]] + "\n" + typed[ids[1]] + "\nback\n" + typed[ids[1]] + "\n"
	code, out, errs := run(t, in, "procedure", "start", "moving", "--answers", file, "--profile", "/nonexistent")
	if code != 0 || !strings.Contains(errs, "not in the expected form") || !strings.Contains(errs, "kept") || out != "" {
		t.Fatalf("first part: %d %q %s", code, out, errs)
	}
	if strings.Count(errs, "\nOn what day do you move") != 2 || !strings.Contains(errs, "Before: No.") {
		t.Fatalf("the refused date is not asked again, or back does not offer the answer: %s", errs)
	}
	kept, _ := os.ReadFile(file)
	if !strings.Contains(string(kept), ids[0]) || !strings.Contains(string(kept), ids[1]) || strings.Contains(string(kept), ids[2]) {
		t.Fatalf("kept: %s", kept)
	}
	// again: it continues at the third question, and ends in the plan
	var rest []string
	for _, id := range ids[2:] {
		rest = append(rest, typed[id])
	}
	code, out, errs = run(t, strings.Join(rest, "\n")+"\n", "procedure", "start", "moving", "--answers", file, "--profile", "/nonexistent")
	if code != 0 || strings.Contains(errs, "On what day do you move") || !strings.Contains(out, "Moving-out notice") {
		t.Fatalf("second part: %d %s %s", code, out, errs)
	}
	code, plan, errs := run(t, "", "procedure", "plan", "moving", "--answers", file, "--profile", "/nonexistent")
	if code != 0 || plan != strings.TrimPrefix(out, "\n") {
		t.Fatalf("the plan of the kept answers differs: %d %s\n---\n%s", code, errs, plan)
	}
	// an over-long line is refused, not read without end
	code, _, errs = run(t, strings.Repeat("x", 10<<10)+"\n", "procedure", "start", "job-change", "--answers", filepath.Join(t.TempDir(), "j.yaml"), "--profile", "/nonexistent")
	if code != ExitUsage {
		t.Fatalf("a 10 KB line: %d %s", code, errs)
	}
}

// Signed in, the interview keeps its answers in the sealed draft: run
// again, it continues at the next question.
func TestTerminalInterviewSignedIn(t *testing.T) {
	runK, profile, _ := signedIn(t, "sato-kenji")
	first := func(errs string) string { // the first question asked
		l, _, _ := strings.Cut(strings.TrimLeft(errs, "\n"), "\n")
		return l
	}
	code, _, errs := runK("2027/3/31\n", "procedure", "start", "job-change", "--profile", profile)
	if code != 0 || !strings.Contains(errs, "kept") {
		t.Fatalf("%d %s", code, errs)
	}
	asked := first(errs)
	code, _, again := runK("", "procedure", "start", "job-change", "--profile", profile)
	if code != 0 || first(again) == asked || strings.Contains(again, asked) {
		t.Fatalf("the kept answer is asked again: %d\n%s\n---\n%s", code, errs, again)
	}
}
