package integration

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"madoguchi/app"
	appcli "madoguchi/app/cli"
	"madoguchi/auth/keystore"
	"madoguchi/i18n"
	"madoguchi/procedures"
	"madoguchi/protocol/bundle"
	"madoguchi/protocol/proxy"
	"madoguchi/sandbox/intake"
)

// atComputer runs the CLI as one person at their own computer: their own
// data folder and keyring (nil: the real Secret Service of the harness).
func atComputer(t *testing.T, keys *keystore.Store) func(stdin string, args ...string) (int, string, string) {
	data := t.TempDir()
	return func(stdin string, args ...string) (int, string, string) {
		t.Helper()
		os.Setenv("XDG_DATA_HOME", data)
		var out, errb bytes.Buffer
		code := app.RunWith(append([]string{"--lang", "en"}, args...),
			&appcli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Keys: keys})
		return code, out.String(), errb.String()
	}
}

// A mother and her son, each with their own card in a pcscd reader: she
// registers him as her proxy, he accepts with his card, fetches her
// residence record and files her moving-out notice signed with HIS card
// over HTTPS; her card is refused for his signature; she sees every act and
// ends it; his next act is refused.
func TestProxyThroughRealParts(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	_, profile := startSandbox(t, "sandbox-proxy")
	_, hanaCard := insertIn(t, "sato-hana", 0)
	_, kenjiCard := insertIn(t, "sato-kenji", 1)
	hana := atComputer(t, keystore.New(keystore.NewMemory())) // her own computer
	kenji := atComputer(t, nil)                               // his: the real Secret Service

	if code, _, errs := hana(hanaCard.AuthPIN+"\n", "login", "--reader", reader0, "--profile", profile, "--pin-stdin", "--agree"); code != 0 {
		t.Fatalf("her login: %s", errs)
	}
	var inv struct {
		Code  string      `json:"code"`
		Grant proxy.Grant `json:"grant"`
	}
	code, out, errs := hana("", "proxy", "invite", "--profile", profile, "--scopes", "cert:residence,file:moving-out-notice,status,protected", "--json")
	if code != 0 || json.Unmarshal([]byte(out), &inv) != nil {
		t.Fatalf("invite: %d %s %s", code, out, errs)
	}
	if code, _, errs := kenji(kenjiCard.AuthPIN+"\n", "login", "--reader", reader1, "--profile", profile, "--pin-stdin", "--agree"); code != 0 {
		t.Fatalf("his login: %s", errs)
	}
	if code, out, errs := kenji("", "proxy", "accept", inv.Code, "--profile", profile); code != 0 || !strings.Contains(out, "佐藤 ハナ") {
		t.Fatalf("accept: %d %s %s", code, out, errs)
	}
	if code, out, errs := kenji("", "cert", "fetch", "residence", "--as", "佐藤 ハナ", "--profile", profile, "--json"); code != 0 || !strings.Contains(out, "佐藤 ハナ") {
		t.Fatalf("fetch as: %d %s %s", code, out, errs)
	}
	answers := writeAnswers(t, "move_date: "+time.Now().AddDate(0, 0, 10).Format(time.DateOnly)+
		"\nsame_municipality: false\ncare_certified: false\nreceives_child_allowance: false\nnew_postal_code: 530-0001\nnew_address_line: 梅田一丁目1番1号\nmovers: [佐藤 ハナ]\nchild_mover: false\nschool_mover: false\nelderly_mover: false\nhas_card: true\nsign_cert: true\nforeign_mover: false\nhealth_insurance: employer\nregistered_seal: false\nhas_dog: false\n")
	submit := func(reader, password string) (int, string, string) {
		return kenji(password+"\n", "procedure", "submit", "moving", "--as", inv.Grant.ID, "--answers", answers, "--reader", reader,
			"--profile", profile, "--pin-stdin", "--field", "moving-out-notice.phone=090-1234-5678", "--json")
	}
	// her card in the reader he uses: refused before any password is asked
	if code, out, errs := submit(reader0, hanaCard.SignPassword); code != 1 || !strings.Contains(out, "CARD-NOT-SIGNED-IN") {
		t.Fatalf("signing with the principal's card: %d %s %s", code, out, errs)
	}
	code, out, errs = submit(reader1, kenjiCard.SignPassword)
	var res bundle.SubmitResponse
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Receipts) != 1 || res.Receipts[0].Procedure != "moving-out-notice" {
		t.Fatalf("submit as: %d %s %s", code, out, errs)
	}
	// she sees her receipt as her own, and every act with who did it
	if code, out, _ := hana("", "applications", "--profile", profile, "--json"); code != 0 || !strings.Contains(out, res.Receipts[0].Number) {
		t.Fatalf("her applications: %s", out)
	}
	var trail []proxy.AuditEntry
	if code, out, _ := hana("", "proxy", "audit", "--profile", profile, "--json"); code != 0 || json.Unmarshal([]byte(out), &trail) != nil {
		t.Fatalf("audit: %s", out)
	}
	acts := map[string]bool{}
	for _, e := range trail {
		if e.Allowed && e.Actor.Name == "佐藤 健二" {
			acts[e.Action] = true
		}
	}
	for _, want := range []string{"exchange", proxy.CertScope("residence"), proxy.FileScope("moving-out-notice")} {
		if !acts[want] {
			t.Errorf("her trail lacks %s: %+v", want, trail)
		}
	}
	if code, _, _ := hana("", "proxy", "revoke", inv.Grant.ID, "--profile", profile); code != 0 {
		t.Fatal("revoke")
	}
	if code, _, errs := kenji("", "applications", "--as", "佐藤 ハナ", "--profile", profile); code != 1 || !strings.Contains(errs, "[PROXY-GRANT-REVOKED]") {
		t.Fatalf("after revocation: %d %s", code, errs)
	}
	kenji("", "logout", "--profile", profile)
}

// The catalogue and the sandbox municipality agree on which procedures need
// the person's own signature (the app says so before signing; the intake
// refuses a proxy's signature for them).
func TestOwnSignatureAgreesWithTheIntake(t *testing.T) {
	cat, err := procedures.Bundled(i18n.Languages())
	if err != nil {
		t.Fatal(err)
	}
	own := map[string]bool{}
	for _, e := range cat.Events {
		for _, p := range e.Procedures {
			if p.OwnSignature {
				if p.Channel != procedures.ChannelBundle {
					t.Errorf("%s/%s: own signature on a procedure not filed online", e.ID, p.ID)
				}
				own[p.ID] = true
			}
		}
	}
	if len(own) != len(intake.OwnSignature) {
		t.Fatalf("catalogue %v, intake %v", own, intake.OwnSignature)
	}
	for _, id := range intake.OwnSignature {
		if !own[id] {
			t.Errorf("the intake needs the principal's own signature for %s; the catalogue does not say so", id)
		}
	}
}
