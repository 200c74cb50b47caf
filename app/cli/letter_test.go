package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The letter is for someone acting for a principal: without --as it is a
// usage error that says so, and nothing is written.
func TestLetterRefusedWhenNotActing(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "letter.pdf")
	code, stdout, errs := run(t, "", "proxy", "letter", "moving", "--answers", filepath.Join(dir, "a.yaml"), "--out", out)
	if code != ExitUsage || stdout != "" || !strings.Contains(errs, "acting for a principal") || !strings.Contains(errs, "--as") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, errs)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("a letter was written")
	}
}

// The son acts for his mother, who allowed him her residence record but
// no online filing: the letter has her moving-out notice for her
// municipality (named) and the moving-in visits for the new one (a blank
// to fill in), her name, address and birth date from her record and his
// name; what nobody can do for her is said, not put in the letter. Once
// he may file the moving-out notice online, it leaves the letter.
func TestLetterActingForAPrincipal(t *testing.T) {
	_, profile := sandboxProfileWithIntake(t)
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	hana := person(t, profile, "sato-hana")
	kenji := person(t, profile, "sato-kenji")
	accept := func(scopes string) string {
		t.Helper()
		var inv struct {
			Code  string `json:"code"`
			Grant struct {
				ID string `json:"id"`
			} `json:"grant"`
		}
		code, out, errs := hana("", "proxy", "invite", "--profile", profile, "--scopes", scopes, "--json")
		if code != 0 || json.Unmarshal([]byte(out), &inv) != nil {
			t.Fatalf("invite: %d %s %s", code, out, errs)
		}
		if code, out, errs := kenji("", "proxy", "accept", inv.Code, "--profile", profile); code != 0 {
			t.Fatalf("accept: %d %s %s", code, out, errs)
		}
		return inv.Grant.ID
	}
	grant := accept("cert:residence,status,protected")
	if code, out, errs := kenji("", "cert", "fetch", "residence", "--as", grant, "--profile", profile); code != 0 {
		t.Fatalf("fetch as: %d %s %s", code, out, errs)
	}
	dir := t.TempDir()
	answers := filepath.Join(dir, "a.yaml")
	os.WriteFile(answers, []byte("move_date: "+time.Now().AddDate(0, 0, 10).Format(time.DateOnly)+
		"\nsame_municipality: false\ncare_certified: false\nreceives_child_allowance: false\nnew_postal_code: 530-0001\nnew_address_line: 梅田一丁目1番1号\nmovers: [佐藤 ハナ]\nchild_mover: false\nschool_mover: false\nelderly_mover: false\nhas_card: true\nsign_cert: true\nforeign_mover: false\nhealth_insurance: employer\nregistered_seal: false\nhas_dog: false\n"), 0o600)
	pdf := filepath.Join(dir, "letter.pdf")

	code, out, errs := kenji("", "proxy", "letter", "moving", "--as", grant, "--answers", answers, "--out", pdf, "--profile", profile, "--json")
	type letter struct {
		To         string   `json:"to"`
		Procedures []string `json:"procedures"`
	}
	var res struct {
		PDF       string            `json:"pdf"`
		Letters   []letter          `json:"letters"`
		Principal map[string]string `json:"principal"`
		Proxy     map[string]string `json:"proxy"`
		InPerson  []string          `json:"in_person"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || !strings.Contains(errs, "Acting for 佐藤 ハナ") {
		t.Fatalf("letter: %d %s %s", code, out, errs)
	}
	if len(res.Letters) != 2 || res.Letters[0].To != "千代田区長 様" || !slices.Contains(res.Letters[0].Procedures, "moving-out-notice") ||
		res.Letters[1].To != "" || !slices.Contains(res.Letters[1].Procedures, "moving-in-notice") {
		t.Errorf("letters: %+v", res.Letters)
	}
	if res.Principal["name"] != "佐藤 ハナ" || res.Principal["address"] == "" || res.Principal["birth_date"] == "" || res.Proxy["name"] != "佐藤 健二" {
		t.Errorf("principal %v, proxy %v", res.Principal, res.Proxy)
	}
	// the signature certificate's re-issue a proxy can do with the letter
	// (and the inquiry form posted to her): at the new municipality
	if len(res.Letters) == 2 && !slices.Contains(res.Letters[1].Procedures, "sign-cert-reissue") || len(res.InPerson) != 0 {
		t.Errorf("the re-issue: letters %+v, in person %v", res.Letters, res.InPerson)
	}
	data, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) || bytes.Count(data, []byte("/Type /Page\n")) != 2 {
		t.Fatalf("the PDF: %v, %d bytes", err, len(data))
	}
	if dir := os.Getenv("MADOGUCHI_PDF"); dir != "" { // a look (dev): pdftoppm -png
		os.WriteFile(filepath.Join(dir, "letter-cli.pdf"), data, 0o644)
	}

	// in words, in Japanese
	code, out, errs = kenji("", "--lang", "ja", "proxy", "letter", "moving", "--as", grant, "--answers", answers, "--out", pdf, "--profile", profile)
	if code != 0 || !strings.Contains(out, "委任状を "+pdf) || !strings.Contains(out, "転入届") || !strings.Contains(out, "署名用電子証明書の再発行") {
		t.Fatalf("letter (ja): %d %s %s", code, out, errs)
	}

	// allowed to file the moving-out notice online: it is not in the letter
	grant2 := accept("cert:residence,file:moving-out-notice,status,protected")
	code, out, errs = kenji("", "proxy", "letter", "moving", "--as", grant2, "--answers", answers, "--out", pdf, "--profile", profile, "--json")
	res.Letters = nil
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Letters) != 1 || slices.Contains(res.Letters[0].Procedures, "moving-out-notice") {
		t.Fatalf("with filing allowed: %d %s %s", code, out, errs)
	}
}
