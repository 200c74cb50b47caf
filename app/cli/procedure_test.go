package cli

import (
	"bytes"
	"encoding/json"
	"madoguchi/i18n"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"madoguchi/auth/keystore"
	"madoguchi/protocol/bundle"
	"madoguchi/sandbox/fixtures"
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

// From the command line: sign in, submit the moving bundle signed on the
// (virtual) card, see the receipts; submitting again files nothing twice.
func TestProcedureSubmitAndApplications(t *testing.T) {
	runK, profile, r := signedIn(t, "sato-kenji")
	answers := filepath.Join(t.TempDir(), "a.yaml")
	os.WriteFile(answers, []byte("move_date: "+time.Now().AddDate(0, 0, 10).Format(time.DateOnly)+
		"\nsame_municipality: false\ncare_certified: false\nreceives_child_allowance: false\nnew_postal_code: 530-0001\nnew_address_line: 梅田一丁目1番1号\nmovers: [佐藤 健二]\nchild_mover: false\nschool_mover: false\nelderly_mover: false\nhas_card: true\nsign_cert: true\nforeign_mover: false\nhealth_insurance: employer\nregistered_seal: false\nhas_dog: false\n"), 0o600)
	args := []string{"procedure", "submit", "moving", "--answers", answers, "--virtual", r.ID, "--profile", profile, "--pin-stdin",
		"--field", "moving-out-notice.phone=090-1234-5678", "--json"}
	code, out, errs := runK(r.SignPassword+"\n", args...)
	var res bundle.SubmitResponse
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Receipts) != 1 || res.Repeated {
		t.Fatalf("submit: %d %s %s", code, out, errs)
	}
	code, out, _ = runK("", args...) // no PIN needed: the draft says it was filed
	var again bundle.SubmitResponse
	if code != 0 || json.Unmarshal([]byte(out), &again) != nil || !again.Repeated || again.Receipts[0].Number != res.Receipts[0].Number {
		t.Fatalf("again: %d %s", code, out)
	}
	code, out, _ = runK("", "applications", "--profile", profile)
	if code != 0 || !strings.Contains(out, res.Receipts[0].Number) || !strings.Contains(out, "Received") {
		t.Fatalf("applications: %d %s", code, out)
	}
}

// The counter checklist as a PDF, and the deadlines as a calendar file.
func TestProcedureChecklistAndCalendar(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join("..", "..", "docs", "examples", "moving.yaml")
	pdf, ics := filepath.Join(dir, "c.pdf"), filepath.Join(dir, "c.ics")
	if code, _, errs := run(t, "", "procedure", "checklist", "moving", "--answers", file, "--pdf", pdf, "--profile", "/nonexistent"); code != 0 {
		t.Fatalf("checklist: %s", errs)
	}
	if b, err := os.ReadFile(pdf); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("pdf: %v", err)
	}
	if code, _, errs := run(t, "", "procedure", "calendar", "moving", "--answers", file, "--ics", ics, "--profile", "/nonexistent"); code != 0 {
		t.Fatalf("calendar: %s", errs)
	}
	if b, err := os.ReadFile(ics); err != nil || !bytes.HasPrefix(b, []byte("BEGIN:VCALENDAR\r\n")) {
		t.Fatalf("ics: %v", err)
	}
	if code, _, errs := run(t, "", "procedure", "checklist", "moving", "--answers", file, "--pdf", filepath.Join(dir, "no", "c.pdf"), "--profile", "/nonexistent"); code != 1 || !strings.Contains(errs, "[FILE-UNWRITABLE]") {
		t.Fatalf("unwritable: %d %s", code, errs)
	}
}

// Changing jobs from the command line: the old employer's documents go to
// the new one after the person says yes; "no" sends nothing.
func TestProcedureHandoff(t *testing.T) {
	runK, profile, _ := signedIn(t, "sato-kenji")
	answers := filepath.Join(t.TempDir(), "job.yaml")
	os.WriteFile(answers, []byte("leaving_date: 2027-03-31\nhas_new_job: true\nfirst_day: 2027-04-01\n"), 0o600)
	if code, _, errs := runK("no\n", "procedure", "handoff", "job-change", "--answers", answers, "--profile", profile); code != 1 || !strings.Contains(errs, "[PRESENT-DECLINED]") {
		t.Fatalf("declined: %d %s", code, errs)
	}
	code, out, errs := runK("yes\n", "procedure", "handoff", "job-change", "--answers", answers, "--profile", profile, "--json")
	if code != 0 || !strings.Contains(out, `"withholding"`) || !strings.Contains(errs, "Pay") {
		t.Fatalf("sent: %d %s %s", code, out, errs)
	}
	code, out, _ = runK("", "cert", "audit", "--profile", profile, "--json")
	if code != 0 || strings.Count(out, `"new-employer"`) != 2 {
		t.Fatalf("audit: %s", out)
	}
}

// signedIn is the sandbox municipality with a resident signed in from the
// command line (the keyring in memory), and a runner sharing that keyring.
func signedIn(t *testing.T, id string) (func(stdin string, args ...string) (int, string, string), string, fixtures.Resident) {
	t.Helper()
	_, profile := sandboxProfileWithIntake(t)
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	keys := keystore.New(keystore.NewMemory())
	r := resident(t, id)
	runK := func(stdin string, args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Keys: keys}
		code := RunWith(append([]string{"--lang", "en"}, args...), env, Deps{})
		return code, out.String(), errb.String()
	}
	if code, _, errs := runK(r.AuthPIN+"\n", "login", "--virtual", r.ID, "--profile", profile, "--pin-stdin", "--agree"); code != 0 {
		t.Fatalf("login: %s", errs)
	}
	return runK, profile, r
}

// Before the online window opens, submitting files nothing, needs no card
// in a reader (none is given here), and says from which day, as dates are
// written (not ISO).
func TestSubmitBeforeTheWindowOpens(t *testing.T) {
	runK, profile, r := signedIn(t, "sato-kenji")
	move := time.Now().AddDate(0, 0, 45)
	answers := filepath.Join(t.TempDir(), "a.yaml")
	os.WriteFile(answers, []byte("move_date: "+move.Format(time.DateOnly)+
		"\nsame_municipality: false\ncare_certified: false\nreceives_child_allowance: false\nnew_postal_code: 530-0001\nnew_address_line: 梅田一丁目1番1号\nmovers: [佐藤 健二]\nchild_mover: false\nschool_mover: false\nelderly_mover: false\nhas_card: true\nsign_cert: true\nforeign_mover: false\nhealth_insurance: employer\nregistered_seal: false\nhas_dog: false\n"), 0o600)
	code, _, errs := runK(r.SignPassword+"\n", "procedure", "submit", "moving", "--answers", answers, "--profile", profile, "--pin-stdin",
		"--field", "moving-out-notice.phone=090-1234-5678")
	// the day as dates are written (the profile sets the window), never ISO
	if code != 1 || !strings.Contains(errs, "[PROCEDURE-NOT-OPEN]") || !strings.Contains(errs, "(Reiwa ") || regexp.MustCompile(`20\d\d-\d\d-\d\d`).MatchString(errs) {
		t.Fatalf("%d %s", code, errs)
	}
}

// In every language, each procedure of the plan keeps its Japanese name
// beside the translation (Easy Japanese too: its names explain) — the name
// to show or say at the counter — and the Japanese plan does not repeat it.
func TestPlanKeepsTheCounterNames(t *testing.T) {
	for _, lang := range i18n.Languages() {
		code, out, errs := run(t, "", "procedure", "plan", "moving", "--answers", "../../docs/examples/moving.yaml", "--profile", "/nonexistent", "--lang", lang)
		if code != 0 {
			t.Fatalf("%s: %d %s", lang, code, errs)
		}
		japanese := lang == "ja"
		if strings.Contains(out, "(転入届)") == japanese {
			t.Errorf("%s: the moving-in notice's Japanese name beside it: %v\n%s", lang, !japanese, out)
		}
	}
}
