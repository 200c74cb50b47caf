package app

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"madoguchi/sandbox/fixtures"
)

// run runs the CLI with stdin and returns exit code, stdout, stderr.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}
	code := RunWith(append([]string{"--lang", "en"}, args...), env)
	return code, out.String(), errb.String()
}

func resident(t *testing.T, id string) fixtures.Resident {
	r, err := fixtures.ByID(id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestPINStatusJSON(t *testing.T) {
	code, out, errs := run(t, "", "card", "pin-status", "--virtual", "yamada-yui", "--json")
	if code != 0 {
		t.Fatalf("%d %s", code, errs)
	}
	var cs []counterJSON
	if err := json.Unmarshal([]byte(out), &cs); err != nil {
		t.Fatal(err)
	}
	if len(cs) != 3 || cs[0].TriesLeft != 3 || cs[1].Error != "CARD-NO-SIGN-CERT" || cs[2].Max != 3 {
		t.Fatalf("%+v", cs)
	}
}

func TestInfoMasksMyNumberAndNeverEchoesThePIN(t *testing.T) {
	r := resident(t, "sato-hana")
	code, out, errs := run(t, r.InputPIN+"\n", "card", "info", "--virtual", r.ID, "--pin-stdin", "--mynumber", "--json")
	if code != 0 {
		t.Fatalf("%d %s", code, errs)
	}
	var j map[string]any
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatal(err)
	}
	if j["name"] != r.Name || j["address"] != r.Address || j["birth_date"] != "1942-03-05" {
		t.Fatalf("%v", j)
	}
	if mn, _ := j["my_number"].(string); mn != "**** **** "+r.MyNumber[8:] {
		t.Fatalf("my number %q", mn)
	}
	for _, leak := range []string{r.MyNumber, r.InputPIN} {
		if strings.Contains(out+errs, leak) {
			t.Fatalf("output contains %q", leak)
		}
	}
	code, out, _ = run(t, r.InputPIN+"\n", "card", "info", "--virtual", r.ID, "--pin-stdin", "--show-mynumber", "--json")
	if code != 0 || !strings.Contains(out, r.MyNumber) {
		t.Fatalf("--show-mynumber: %d %s", code, out)
	}
	// without --mynumber the number is not even read
	_, out, _ = run(t, r.InputPIN+"\n", "card", "info", "--virtual", r.ID, "--pin-stdin", "--json")
	if strings.Contains(out, "my_number") {
		t.Fatalf("my number read without being asked: %s", out)
	}
}

func TestWrongPINReportsCodeAndTriesLeft(t *testing.T) {
	code, _, errs := run(t, "0000\n", "card", "info", "--virtual", "yamada-taro", "--pin-stdin")
	if code != 1 || !strings.Contains(errs, "[PIN-WRONG]") || !strings.Contains(errs, "Tries left: 2") {
		t.Fatalf("%d %q", code, errs)
	}
	code, _, errs = run(t, "12\n", "card", "info", "--virtual", "yamada-taro", "--pin-stdin")
	if code != 1 || !strings.Contains(errs, "[PIN-FORMAT]") || !strings.Contains(errs, "no try was used") {
		t.Fatalf("%d %q", code, errs)
	}
}

func TestPINsAreNeverTakenFromArguments(t *testing.T) {
	code, _, errs := run(t, "", "card", "info", "--virtual", "yamada-taro", "1234")
	if code != 2 || !strings.Contains(errs, "never taken from the command line") {
		t.Fatalf("%d %q", code, errs)
	}
	code, _, errs = run(t, "", "card", "info", "--virtual", "yamada-taro")
	if code != 2 || !strings.Contains(errs, "--pin-stdin") {
		t.Fatalf("no terminal: %d %q", code, errs)
	}
}

func TestSignWithAuthAndSignKeys(t *testing.T) {
	r := resident(t, "sato-kenji")
	in := filepath.Join(t.TempDir(), "doc.txt")
	os.WriteFile(in, []byte("申請書"), 0o600)
	for _, c := range []struct{ key, secret string }{{"auth", r.AuthPIN}, {"sign", r.SignPassword}} {
		code, out, errs := run(t, c.secret+"\n", "card", "sign", "--virtual", r.ID, "--key", c.key, "--in", in, "--pin-stdin", "--json")
		if code != 0 {
			t.Fatalf("%s: %d %s", c.key, code, errs)
		}
		var j signJSON
		json.Unmarshal([]byte(out), &j)
		blk, _ := pem.Decode([]byte(j.Certificate))
		cert, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		sig, _ := base64.StdEncoding.DecodeString(j.SignatureB4)
		h := sha256.Sum256([]byte("申請書"))
		if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, h[:], sig); err != nil {
			t.Fatalf("%s: %v", c.key, err)
		}
		if strings.Contains(out, c.secret) {
			t.Fatal("the secret is in the output")
		}
	}
}

func TestDoctor(t *testing.T) {
	code, out, _ := run(t, "", "doctor", "--virtual", "yamada-taro")
	if code != 0 || !strings.Contains(out, "No problems found.") {
		t.Fatalf("%d %s", code, out)
	}
	code, out, _ = run(t, "", "doctor", "--virtual", "tanaka-ichiro", "--json")
	if code != 1 {
		t.Fatalf("expired certificates pass doctor: %s", out)
	}
	var j struct {
		OK     bool    `json:"ok"`
		Checks []check `json:"checks"`
	}
	json.Unmarshal([]byte(out), &j)
	found := false
	for _, c := range j.Checks {
		if c.Name == "cert.auth" && c.Code == "CERT-EXPIRED" {
			found = true
		}
	}
	if j.OK || !found {
		t.Fatalf("%s", out)
	}
}

func TestChangePIN(t *testing.T) {
	// one virtual card per command: change-pin checks its own flow end to end
	r := resident(t, "yamada-taro")
	code, out, errs := run(t, r.AuthPIN+"\n5555\n5555\n", "card", "change-pin", "--virtual", r.ID, "--secret", "auth-pin", "--pin-stdin")
	if code != 0 || !strings.Contains(out, "changed") {
		t.Fatalf("%d %s %s", code, out, errs)
	}
	code, _, errs = run(t, r.AuthPIN+"\n5555\n5556\n", "card", "change-pin", "--virtual", r.ID, "--secret", "auth-pin", "--pin-stdin")
	if code != 1 || !strings.Contains(errs, "differ") {
		t.Fatalf("mismatch accepted: %d %s", code, errs)
	}
}

func TestSandboxResidents(t *testing.T) {
	code, out, _ := run(t, "", "sandbox", "residents", "--json")
	var rs []fixtures.Resident
	if code != 0 || json.Unmarshal([]byte(out), &rs) != nil || len(rs) < 7 || rs[0].AuthPIN == "" {
		t.Fatalf("%d %s", code, out)
	}
	code, out, _ = run(t, "", "sandbox", "residents")
	if code != 0 || !strings.Contains(out, "FICTIONAL") || !strings.Contains(out, "yamada-yui") {
		t.Fatalf("%s", out)
	}
}

func TestLastTryNeedsAnExplicitYes(t *testing.T) {
	env := &Env{Stdin: strings.NewReader(""), Tr: nil}
	if yes, _ := newPINReader(env, true, false).confirmLast(1); yes {
		t.Fatal("stdin mode agreed to the last try without --yes-last-try")
	}
	if yes, _ := newPINReader(env, true, true).confirmLast(1); !yes {
		t.Fatal("--yes-last-try ignored")
	}
	if yes, _ := newPINReader(env, true, true).confirmLast(2); yes {
		t.Fatal("confirmation passed when it is not the last try")
	}
}

func TestDoctorSpeaksThePersonsLanguage(t *testing.T) {
	var out bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &bytes.Buffer{}}
	if code := RunWith([]string{"--lang", "ja", "doctor", "--virtual", "yamada-yui"}, env); code != 0 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	got := out.String()
	for _, want := range []string{"残り 3 回（最大 3 回）", "このカードにはありません", "有効（"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	for _, english := range []string{"valid until", "none on this card"} {
		if strings.Contains(got, english) {
			t.Errorf("English %q in Japanese output", english)
		}
	}
}

// The sandbox municipality's keys are public: it refuses to listen beyond
// this computer unless told so explicitly.
func TestSandboxRefusesRemoteAddress(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8443", ":8443", "192.0.2.1:8443"} {
		code, _, errs := run(t, "", "sandbox", "--addr", addr, "--data", t.TempDir())
		if code != 2 || !strings.Contains(errs, "not a loopback address") || !strings.Contains(errs, "--allow-remote") {
			t.Errorf("%s: %d %s", addr, code, errs)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0", "localhost:0"} {
		if !loopbackAddr(addr) {
			t.Errorf("%s refused", addr)
		}
	}
}

// One date formatter: the CA certificate's expiry (2044-01-01 00:00 JST,
// still 2043 in UTC) is the same Japanese day in card certs, its JSON and
// doctor, whatever the PC's time zone.
func TestSameExpiryDateEverywhere(t *testing.T) {
	old := time.Local
	time.Local = time.UTC
	defer func() { time.Local = old }()
	_, out, _ := run(t, "", "card", "certs", "--virtual", "yamada-taro")
	_, js, _ := run(t, "", "card", "certs", "--virtual", "yamada-taro", "--json")
	_, doc, _ := run(t, "", "doctor", "--virtual", "yamada-taro")
	if !strings.Contains(out, "CA certificate: Valid until 1 January 2044") || strings.Contains(out, "2043") {
		t.Fatalf("card certs: %s", out)
	}
	if !strings.Contains(js, `"not_after": "2044-01-01T00:00:00+09:00"`) {
		t.Fatalf("card certs --json: %s", js)
	}
	if !strings.Contains(doc, "CA certificate: Valid until 1 January 2044") {
		t.Fatalf("doctor: %s", doc)
	}
}

// --help at every level exits 0 and says something.
func TestHelpEverywhere(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"card", "--help"}, {"card", "-h"}, {"cert", "--help"},
		{"card", "info", "--help"}, {"card", "sign", "-h"}, {"cert", "fetch", "--help"}, {"login", "--help"},
		{"whoami", "--help"}, {"doctor", "--help"}, {"sandbox", "--help"}, {"sandbox", "card", "--help"}} {
		code, out, errs := run(t, "", args...)
		if code != 0 || len(out)+len(errs) == 0 {
			t.Errorf("%v: exit %d", args, code)
		}
	}
}

// Choosing a municipality at first start: a profile file is checked before
// it is kept.
func TestInstallProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "madoguchi", "profile.json")
	for _, bad := range []string{`not json`, `{"issuer":"https://city.example"}`, `{"issuer":"http://city.example","client_id":"app"}`} {
		if err := installProfile([]byte(bad), path); err == nil || !strings.Contains(err.Error(), "PROFILE-INVALID") {
			t.Errorf("%s: %v", bad, err)
		}
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("an invalid profile was kept")
	}
	for _, good := range []string{`{"issuer":"https://city.example","client_id":"madoguchi-app"}`, `{"issuer":"https://127.0.0.1:8443","client_id":"madoguchi-app"}`, `{"issuer":"http://127.0.0.1:8443","client_id":"madoguchi-app"}`} {
		if err := installProfile([]byte(good), path); err != nil {
			t.Errorf("%s: %v", good, err)
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("kept profile: %v %v", fi, err)
	}
}
