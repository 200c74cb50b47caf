package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"madoguchi/protocol/bundle"
	"madoguchi/sandbox/intake"
)

func writeAnswers(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "answers.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func movingAnswers(t *testing.T, mover string) string { return movingAnswersIn(t, mover, 10) }

// movingAnswersIn are the answers of a move days from today.
func movingAnswersIn(t *testing.T, mover string, days int) string {
	return writeAnswers(t, "move_date: "+time.Now().AddDate(0, 0, days).Format(time.DateOnly)+
		"\nsame_municipality: false\ncare_certified: false\nreceives_child_allowance: false\nnew_postal_code: 530-0001\nnew_address_line: 梅田一丁目1番1号\nhealth_insurance: kokuho\n"+
		"registered_seal: false\nhas_dog: false\nmovers: ["+mover+"]\nchild_mover: false\nschool_mover: false\nelderly_mover: false\nhas_card: true\nsign_cert: true\nforeign_mover: false\n")
}

// Moving, through the real parts: sign in with the card in pcscd's reader,
// file the moving bundle signed with the card's signature key over HTTPS,
// see the receipts; the moving date corrected after filing is filed as
// corrections of those receipts (which the status then shows replaced),
// and the same answers again send nothing; staff complete the move, which
// revokes the signature
// certificate — the next bundle is refused with the code that says to
// re-issue it at the counter.
func TestMovingThroughRealParts(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	s, profile := startSandbox(t, "sandbox-moving")
	_, r := insert(t, "yamada-taro")
	if code, _, errs := cli(t, r.AuthPIN+"\n", "login", "--profile", profile, "--pin-stdin", "--agree"); code != 0 {
		t.Fatalf("login: %s", errs)
	}
	code, out, errs := cli(t, r.SignPassword+"\n", "procedure", "submit", "moving", "--answers", movingAnswers(t, r.Name), "--profile", profile,
		"--pin-stdin", "--field", "moving-out-notice.phone=090-1234-5678", "--json")
	var res bundle.SubmitResponse
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Receipts) != 2 {
		t.Fatalf("submit: %d %s %s", code, out, errs)
	}
	corrected := movingAnswersIn(t, r.Name, 12)
	code, out, errs = cli(t, r.SignPassword+"\n", "procedure", "submit", "moving", "--answers", corrected, "--profile", profile, "--pin-stdin", "--json")
	var cor bundle.SubmitResponse
	if code != 0 || json.Unmarshal([]byte(out), &cor) != nil || len(cor.Receipts) == 0 || cor.Repeated {
		t.Fatalf("the corrected date: %d %s %s", code, out, errs)
	}
	for _, rc := range cor.Receipts {
		if rc.Kind != bundle.KindCorrection || (rc.Corrects != res.Receipts[0].Number && rc.Corrects != res.Receipts[1].Number) {
			t.Errorf("not a correction of the filed receipts: %+v", rc)
		}
	}
	code, out, errs = cli(t, "", "--lang", "en", "procedure", "plan", "moving", "--answers", corrected, "--profile", profile)
	if code != 0 || !strings.Contains(out, "nothing changed") || !strings.Contains(out, cor.Receipts[0].Number) {
		t.Fatalf("the plan after the correction: %d %s %s", code, out, errs)
	}
	code, out, errs = cli(t, "", "--lang", "en", "procedure", "submit", "moving", "--answers", corrected, "--profile", profile, "--pin-stdin")
	if code != 0 || !strings.Contains(out, "Nothing changed") {
		t.Fatalf("the same answers again: %d %s %s", code, out, errs)
	}
	code, out, _ = cli(t, "", "--lang", "en", "applications", "--profile", profile)
	if code != 0 || !strings.Contains(out, "replaced by "+cor.Receipts[0].Number) {
		t.Fatalf("applications after the correction: %d %s", code, out)
	}
	res.Receipts = cor.Receipts
	in, err := intake.Open(s.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if err := in.SetStatus(context.Background(), res.Receipts[0].Number, bundle.StatusCompleted, ""); err != nil {
		t.Fatal(err)
	}
	code, out, _ = cli(t, "", "applications", "--profile", profile)
	if code != 0 || !strings.Contains(out, "Completed") || !strings.Contains(out, res.Receipts[1].Number) {
		t.Fatalf("applications: %d %s", code, out)
	}
	job := writeAnswers(t, "leaving_date: "+time.Now().AddDate(0, 0, -2).Format(time.DateOnly)+
		"\nhas_new_job: false\nunder_60: true\ninsurance_choice: kokuho\nspouse_dependant: false\nwants_unemployment_benefit: false\n")
	code, _, errs = cli(t, r.SignPassword+"\n", "procedure", "submit", "job-change", "--answers", job, "--profile", profile, "--pin-stdin")
	if code != 1 || !strings.Contains(errs, "[BUNDLE-CERT-REVOKED]") || !strings.Contains(errs, "re-issued") {
		t.Fatalf("after the move: %d %s", code, errs)
	}
}

// The submission killed (SIGKILL) at random moments — while reading the
// card, signing, sending — and run again until it succeeds: each bundle is
// filed exactly once. Every round starts a new draft (a new data folder, the
// session still in the keyring); 50 kills in all (12 with -short; KILLS
// sets another number).
func TestSubmitKilledFilesOnce(t *testing.T) {
	bin := madoguchiBinary(t)
	s, profile := startSandbox(t, "sandbox-kill")
	_, r := insert(t, "sato-kenji")
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	if code, _, errs := cli(t, r.AuthPIN+"\n", "login", "--profile", profile, "--pin-stdin", "--agree"); code != 0 {
		t.Fatalf("login: %s", errs)
	}
	answers := movingAnswers(t, r.Name)
	kills := 50
	if testing.Short() {
		kills = 12
	}
	if n, err := strconv.Atoi(os.Getenv("KILLS")); err == nil && n > 0 {
		kills = n
	}
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	run := func(data string, killAfter time.Duration) (int, string) {
		cmd := exec.Command(bin, "--lang", "en", "procedure", "submit", "moving", "--answers", answers, "--profile", profile,
			"--pin-stdin", "--field", "moving-out-notice.phone=090-1234-5678", "--json")
		cmd.Stdin = strings.NewReader(r.SignPassword + "\n")
		var out, errs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errs // stdout: the JSON; stderr: what goes with it
		cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+data)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited, _ := watchChild(cmd)
		limit := 60 * time.Second
		if killAfter > 0 {
			limit = killAfter
		}
		select {
		case <-exited:
		case <-time.After(limit):
			cmd.Process.Kill()
			<-exited
			if killAfter == 0 {
				t.Fatalf("submit hung: %s", out.String())
			}
		}
		if cmd.ProcessState.ExitCode() != 0 {
			return cmd.ProcessState.ExitCode(), out.String() + errs.String()
		}
		return cmd.ProcessState.ExitCode(), out.String()
	}
	in, _ := intake.Open(s.DataDir)
	defer in.Close()
	killed, rounds, relogins := 0, 0, 0
	// kills land anywhere in a run: the first round measures how long one
	// takes (start-up, card, signing, HTTPS)
	whole := time.Second
	for killed < kills {
		rounds++
		data := t.TempDir() // a new draft: a new bundle
		for k := 0; k < 1+rng.Intn(3) && killed < kills && rounds > 1; k++ {
			if code, _ := run(data, time.Duration(rng.Int63n(int64(whole)))); code == -1 {
				killed++ // ended by the signal, not by itself
			}
		}
		start := time.Now()
		code, out := run(data, 0)
		if code == 1 && (strings.Contains(out, "NOT-SIGNED-IN") || strings.Contains(out, "SSO-SESSION-EXPIRED")) {
			// killed between the provider rotating the refresh token and
			// the keyring keeping the new one: the replayed old token
			// revokes the session (theft detection). The person signs in
			// again; the draft — answers, bundle id, signed bundle — is
			// still there and files once.
			relogins++
			if code, _, errs := cli(t, r.AuthPIN+"\n", "login", "--profile", profile, "--pin-stdin", "--agree"); code != 0 {
				t.Fatalf("login again: %s", errs)
			}
			code, out = run(data, 0)
		}
		if rounds == 1 {
			whole = time.Since(start)
			t.Logf("one submission takes %v", whole)
		}
		var res bundle.SubmitResponse
		if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Receipts) == 0 {
			t.Fatalf("round %d, final run: %d %s", rounds, code, out)
		}
		if n, err := in.Bundles(context.Background()); err != nil || n != rounds {
			t.Fatalf("round %d: %d bundles filed (%v)", rounds, n, err)
		}
		if rounds > 4*kills {
			t.Fatalf("only %d kills landed midway in %d rounds", killed, rounds)
		}
	}
	t.Logf("%d kills midway over %d bundles, each filed once; %d sessions lost to a kill during token rotation", killed, rounds, relogins)
}
