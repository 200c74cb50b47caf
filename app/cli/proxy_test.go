package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"madoguchi/auth/keystore"
	"madoguchi/protocol/bundle"
	"madoguchi/protocol/proxy"
)

// person is someone at their own computer: their own keyring and data
// folder, signed in with their own card.
func person(t *testing.T, profile, id string) func(stdin string, args ...string) (int, string, string) {
	t.Helper()
	keys := keystore.New(keystore.NewMemory())
	data := t.TempDir()
	runP := func(stdin string, args ...string) (int, string, string) {
		os.Setenv("XDG_DATA_HOME", data)
		var out, errb bytes.Buffer
		env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Keys: keys}
		code := RunWith(append([]string{"--lang", "en"}, args...), env, Deps{})
		return code, out.String(), errb.String()
	}
	r := resident(t, id)
	if code, _, errs := runP(r.AuthPIN+"\n", "login", "--virtual", id, "--profile", profile, "--pin-stdin", "--agree"); code != 0 {
		t.Fatalf("login %s: %s", id, errs)
	}
	return runP
}

// From the command line: the mother invites, the son accepts with his own
// card, fetches her residence record and files her moving-out notice with
// --as, she sees it in her trail and ends it; the next act is refused.
func TestProxyFromTheCommandLine(t *testing.T) {
	srv, profile := sandboxProfileWithIntake(t)
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	hana := person(t, profile, "sato-hana")
	kenji := person(t, profile, "sato-kenji")

	code, out, errs := hana("", "proxy", "invite", "--profile", profile, "--scopes", "cert:residence,file:moving-out-notice,status,protected",
		"--expires", time.Now().AddDate(0, 6, 0).Format(time.DateOnly), "--note", "引っ越しの手続き")
	if code != 0 || !strings.Contains(out, "Invitation code:") || !strings.Contains(out, "▀") || !strings.Contains(out, "Get their residence record") {
		t.Fatalf("invite: %d %s %s", code, out, errs)
	}
	var inv struct {
		Code  string      `json:"code"`
		URI   string      `json:"uri"`
		Grant proxy.Grant `json:"grant"`
	}
	code, out, _ = hana("", "proxy", "invite", "--profile", profile, "--scopes", "cert:residence,file:moving-out-notice,status,protected", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &inv) != nil || inv.Grant.Status != proxy.StatusPending || InvitationCode(inv.URI) != inv.Code {
		t.Fatalf("invite --json: %s", out)
	}
	// unknown scopes: a typo is a usage error listing the choices; an own-
	// signature procedure can be granted for preparing only
	if code, _, errs := hana("", "proxy", "invite", "--profile", profile, "--scopes", "file:moving-out"); code != 2 || !strings.Contains(errs, "file:moving-out-notice") {
		t.Fatalf("bad scope: %d %s", code, errs)
	}
	if code, _, errs := hana("", "proxy", "invite", "--profile", profile, "--scopes", "file:pension-category-change"); code != 2 {
		t.Fatalf("filing an own-signature procedure granted: %d %s", code, errs)
	}
	if code, _, errs := hana("", "proxy", "invite", "--profile", profile, "--scopes", "prepare:moving-out-notice", "--expires", "2020-01-01"); code != 1 || !strings.Contains(errs, "[PROXY-SCOPE-INVALID]") {
		t.Fatalf("an end in the past: %d %s", code, errs)
	}
	// the son accepts the scanned invitation (its URI) with his own card
	code, out, errs = kenji("", "proxy", "accept", inv.URI, "--profile", profile)
	if code != 0 || !strings.Contains(out, "act for 佐藤 ハナ") {
		t.Fatalf("accept: %d %s %s", code, out, errs)
	}
	// acting: said on stderr every time
	code, out, errs = kenji("", "cert", "fetch", "residence", "--as", "佐藤 ハナ", "--profile", profile, "--json")
	if code != 0 || !strings.Contains(errs, "Acting for 佐藤 ハナ") || !strings.Contains(out, "埼玉県さいたま市") {
		t.Fatalf("fetch as: %d %s %s", code, out, errs)
	}
	// staff re-issue her card: he stops until she confirms; staff suspend
	// his card: he stops until it is resumed
	staff := func(args ...string) {
		t.Helper()
		if code, _, errs := run(t, "", append(append([]string{"sandbox", "admin"}, args...), "--data", srv.DataDir)...); code != 0 {
			t.Fatalf("sandbox admin %v: %s", args, errs)
		}
	}
	fetchAs := func() (int, string) {
		code, _, errs := kenji("", "cert", "fetch", "residence", "--as", "佐藤 ハナ", "--profile", profile)
		return code, errs
	}
	staff("reissue-card", "sato-hana")
	if code, errs := fetchAs(); code != 1 || !strings.Contains(errs, "[PROXY-GRANT-RECONFIRM]") {
		t.Fatalf("after her card was re-issued: %d %s", code, errs)
	}
	if code, out, _ := hana("", "proxy", "list", "--profile", profile); code != 0 || !strings.Contains(out, "needs your confirmation") {
		t.Fatalf("her list: %s", out)
	}
	if code, out, errs := hana("", "proxy", "confirm", inv.Grant.ID, "--profile", profile); code != 0 || !strings.Contains(out, "佐藤 健二 can act for you again") {
		t.Fatalf("confirm: %d %s %s", code, out, errs)
	}
	staff("suspend-card", "sato-kenji")
	if code, errs := fetchAs(); code != 1 || !strings.Contains(errs, "[PROXY-CARD-SUSPENDED]") {
		t.Fatalf("with his card suspended: %d %s", code, errs)
	}
	staff("suspend-card", "sato-kenji", "--resume")
	if code, errs := fetchAs(); code != 0 {
		t.Fatalf("after the suspension was lifted: %s", errs)
	}
	answers := filepath.Join(t.TempDir(), "a.yaml")
	os.WriteFile(answers, []byte("move_date: "+time.Now().AddDate(0, 0, 10).Format(time.DateOnly)+
		"\nsame_municipality: false\ncare_certified: false\nreceives_child_allowance: false\nnew_postal_code: 530-0001\nnew_address_line: 梅田一丁目1番1号\nmovers: [佐藤 ハナ]\nchild_mover: false\nschool_mover: false\nelderly_mover: false\nhas_card: true\nsign_cert: true\nforeign_mover: false\nhealth_insurance: employer\nregistered_seal: false\nhas_dog: false\n"), 0o600)
	son := resident(t, "sato-kenji")
	code, out, errs = kenji(son.SignPassword+"\n", "procedure", "submit", "moving", "--as", inv.Grant.ID, "--answers", answers, "--virtual", son.ID,
		"--profile", profile, "--pin-stdin", "--field", "moving-out-notice.phone=090-1234-5678", "--json")
	var res bundle.SubmitResponse
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Receipts) != 1 {
		t.Fatalf("submit as: %d %s %s", code, out, errs)
	}
	// a plan says what the person must sign themselves (his own job change:
	// the pension category change)
	job := filepath.Join(t.TempDir(), "job.yaml")
	os.WriteFile(job, []byte("leaving_date: "+time.Now().AddDate(0, 0, -2).Format(time.DateOnly)+
		"\nhas_new_job: false\nunder_60: true\ninsurance_choice: kokuho\nspouse_dependant: false\nwants_unemployment_benefit: false\n"), 0o600)
	if code, out, errs := kenji("", "procedure", "plan", "job-change", "--answers", job, "--profile", profile, "--json"); code != 0 ||
		!strings.Contains(out, `"own_signature": true`) {
		t.Fatalf("plan: %d %s %s", code, out, errs)
	}
	// his own applications are not hers
	code, out, _ = kenji("", "applications", "--profile", profile, "--json")
	if code != 0 || strings.Contains(out, res.Receipts[0].Number) {
		t.Fatalf("the proxy's own applications show the principal's: %s", out)
	}
	if code, out, _ = kenji("", "applications", "--as", "佐藤 ハナ", "--profile", profile, "--json"); code != 0 || !strings.Contains(out, res.Receipts[0].Number) {
		t.Fatalf("applications as: %d %s", code, out)
	}
	// she sees what was done, and by whom
	code, out, _ = hana("", "proxy", "audit", "--profile", profile)
	if code != 0 || !strings.Contains(out, "佐藤 健二: Prepare and file: Moving-out notice (online)") || !strings.Contains(out, "佐藤 健二: Get their residence record") {
		t.Fatalf("audit: %s", out)
	}
	code, out, _ = hana("", "proxy", "list", "--profile", profile)
	if code != 0 || !strings.Contains(out, "佐藤 健二  active") {
		t.Fatalf("list: %s", out)
	}
	if code, out, _ = hana("", "proxy", "revoke", inv.Grant.ID, "--profile", profile); code != 0 || !strings.Contains(out, "佐藤 健二 can no longer") {
		t.Fatalf("revoke: %d %s", code, out)
	}
	if code, _, errs = kenji("", "applications", "--as", "佐藤 ハナ", "--profile", profile); code != 1 || !strings.Contains(errs, "[PROXY-GRANT-REVOKED]") {
		t.Fatalf("after revocation: %d %s", code, errs)
	}
	// the principal cannot act for herself through a proxy relation
	if code, _, errs = hana("", "cert", "fetch", "residence", "--as", "佐藤 健二", "--profile", profile); code != 1 || !strings.Contains(errs, "[PROXY-NO-GRANT]") {
		t.Fatalf("no grant: %d %s", code, errs)
	}
}
