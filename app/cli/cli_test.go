package cli

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
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"madoguchi/account"
	"madoguchi/app/demo"
	"madoguchi/auth/card"
	"madoguchi/auth/keystore"
	"madoguchi/auth/sso"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/sandbox/fixtures"
)

// run runs the CLI with stdin and returns exit code, stdout, stderr.
func run(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}
	code := RunWith(append([]string{"--lang", "en"}, args...), env, Deps{})
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
	if code := RunWith([]string{"--lang", "ja", "doctor", "--virtual", "yamada-yui"}, env, Deps{}); code != 0 {
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

// --help at every level of the command tree exits 0, prints on stdout and
// names every flag of that command; the shells' completion scripts are
// generated.
func TestHelpTree(t *testing.T) {
	r := &runner{env: &Env{}}
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		n++
		path := strings.Fields(c.CommandPath())[1:]
		for _, h := range []string{"--help", "-h"} {
			code, out, errs := run(t, "", append(slices.Clone(path), h)...)
			if code != 0 || errs != "" {
				t.Errorf("%v %s: exit %d, stderr %q", path, h, code, errs)
			}
			c.LocalFlags().VisitAll(func(f *pflag.Flag) {
				if !f.Hidden && !strings.Contains(out, "--"+f.Name) {
					t.Errorf("%v %s does not name --%s", path, h, f.Name)
				}
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(r.root())
	if n < 20 {
		t.Fatalf("only %d commands walked", n)
	}
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		code, out, _ := run(t, "", "completion", sh)
		if code != 0 || !strings.Contains(out, "madoguchi") {
			t.Errorf("completion %s: exit %d", sh, code)
		}
	}
	// completion of values: the fetchable certificates
	code, out, _ := run(t, "", "__complete", "cert", "fetch", "")
	if code != 0 || !strings.Contains(out, "residence") || !strings.Contains(out, "tax") {
		t.Errorf("cert fetch completion: %d %q", code, out)
	}
}

// Wrong usage is exit 2 with a message, never a run.
func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"card"}, {"cardd"}, {"card", "foo"}, {"card", "info", "1234"}, {"card", "readers", "--bogus"},
		{"cert"}, {"cert", "show"}, {"cert", "fetch", "a", "b"}, {"sandbox", "foo"}} {
		code, out, errs := run(t, "", args...)
		if code != ExitUsage || out != "" || !strings.Contains(errs, "madoguchi:") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errs)
		}
	}
	if _, _, errs := run(t, "", "cardd"); !strings.Contains(errs, "Did you mean card") {
		t.Errorf("no suggestion: %s", errs)
	}
	// said in the person's language: a mistyped command or option
	vi := i18n.New("vi")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--lang", "vi", "cardd"}, vi.T("usage.unknown_command", map[string]any{"Name": "cardd", "Command": "madoguchi"})},
		{[]string{"--lang", "vi", "card"}, vi.T("usage.which_command")},
		{[]string{"--lang", "vi", "card", "info", "1234"}, vi.T("usage.unexpected_argument", map[string]any{"Command": "madoguchi card info", "Arg": "1234"})},
		{[]string{"--lang", "vi", "card", "readers", "--bogus"}, vi.T("usage.unknown_flag", map[string]any{"Flag": "--bogus"})},
		{[]string{"--lang", "vi", "procedure", "plan", "moving", "--answers"}, vi.T("usage.flag_needs_value", map[string]any{"Flag": "--answers"})},
		{[]string{"--lang", "vi", "--scale", "big"}, vi.T("usage.bad_flag_value", map[string]any{"Value": "big", "Flag": "--scale"})},
	} {
		if code, _, errs := run(t, "", c.args...); code != ExitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errs, c.want)
		}
	}
	// a language the app is not written in is never another in silence:
	// the message lists every language, each in its own name
	code, out, errs := run(t, "", "--lang", "fr", "version")
	if code != ExitUsage || out != "" {
		t.Fatalf("--lang fr: exit %d, stdout %q", code, out)
	}
	for _, l := range i18n.Languages() {
		if !strings.Contains(errs, l+" ("+i18n.Endonym(l)+")") {
			t.Errorf("--lang fr: %s is not listed: %s", l, errs)
		}
	}
	// a regional or other tag finds its language
	for _, tag := range []string{"en-US", "zh-CN", "pt", "tl", "vi_VN", "easy"} {
		if code, _, errs := run(t, "", "--lang", tag, "version"); code != 0 {
			t.Errorf("--lang %s: exit %d %s", tag, code, errs)
		}
	}
}

// Every failure that reaches the command line carries a registered code
// with its texts — never UNKNOWN — whatever goes wrong: a missing or
// broken profile, nobody signed in, an unreachable municipality, a wrong
// PIN, a mistyped new PIN, an unwritable file, no such fictional card.
// With --json it is on stdout; without, on stderr.
func TestEveryFailureHasACode(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.json")
	os.WriteFile(broken, []byte(`{"issuer":`), 0o600)
	unreachable := filepath.Join(dir, "unreachable.json")
	os.WriteFile(unreachable, []byte(`{"id":"nowhere","issuer":"https://127.0.0.1:1","client_id":"madoguchi-app"}`), 0o600)
	_, profile := sandboxProfile(t)
	in := filepath.Join(dir, "in.txt")
	os.WriteFile(in, []byte("data"), 0o600)
	taro := resident(t, "yamada-taro")
	for _, c := range []struct {
		stdin string
		args  []string
		want  failure.Code
	}{
		{"", []string{"whoami", "--profile", filepath.Join(dir, "none.json")}, sso.CodeProfile},
		{"", []string{"cert", "list", "--profile", broken}, sso.CodeProfile},
		{"", []string{"whoami", "--profile", profile}, account.CodeNotSignedIn},
		{"", []string{"cert", "list", "--profile", profile}, account.CodeNotSignedIn},
		{"", []string{"cert", "fetch", "tax", "--profile", profile}, account.CodeNotSignedIn},
		{taro.AuthPIN + "\n", []string{"login", "--profile", unreachable, "--virtual", taro.ID, "--pin-stdin", "--agree"}, sso.CodeUnreachable},
		{"9999\n", []string{"card", "info", "--virtual", "sato-hana", "--pin-stdin"}, card.CodeWrongPIN},
		{taro.AuthPIN + "\n5555\n5556\n", []string{"card", "change-pin", "--virtual", taro.ID, "--secret", "auth-pin", "--pin-stdin"}, CodePINMismatch},
		{taro.AuthPIN + "\n", []string{"card", "sign", "--virtual", taro.ID, "--in", in, "--out", filepath.Join(dir, "no", "such", "sig"), "--pin-stdin"}, CodeFileUnwritable},
		{"", []string{"card", "status", "--virtual", "nobody"}, demo.CodeNoResident},
		{"", []string{"card", "certs", "--virtual", "nobody"}, demo.CodeNoResident},
	} {
		for _, asJSON := range []bool{false, true} {
			args := slices.Clone(c.args)
			if asJSON {
				args = append(args, "--json")
			}
			var out, errb bytes.Buffer
			env := &Env{Stdin: strings.NewReader(c.stdin), Stdout: &out, Stderr: &errb, Keys: keystore.New(keystore.NewMemory())}
			code := RunWith(append([]string{"--lang", "en"}, args...), env, Deps{})
			var got string
			if asJSON {
				var j failureJSON
				if err := json.Unmarshal(out.Bytes(), &j); err != nil {
					t.Errorf("%v: not JSON on stdout: %q", args, out.String())
					continue
				}
				got = j.Error.Code
				if j.Error.Title == "" || j.Error.Cause == "" || j.Error.Action == "" {
					t.Errorf("%v: texts missing: %+v", args, j.Error)
				}
			} else if m := regexp.MustCompile(`\[([A-Z0-9-]+)\]`).FindStringSubmatch(errb.String()); m != nil {
				got = m[1]
			}
			if code != ExitFailure || got != string(c.want) || !failure.IsRegistered(failure.Code(got)) {
				t.Errorf("%v: exit %d, code %q, want %s (stdout %q, stderr %q)", args, code, got, c.want, out.String(), errb.String())
			}
		}
	}
}

// Without a command the window opens with the flags given; they are kept for
// a restart (the welcome's choices); its exit code is the program's.
func TestRootOpensTheWindow(t *testing.T) {
	var got GUIOptions
	gui := func(o GUIOptions, env *Env) int { got = o; return 3 }
	var out, errb bytes.Buffer
	env := &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}
	code := RunWith([]string{"--lang", "en", "--demo", "--resident", "sato-hana", "--scale", "2"}, env, Deps{GUI: gui})
	if code != 3 || !got.Demo || got.Resident != "sato-hana" || got.Scale != 2 {
		t.Fatalf("exit %d, options %+v", code, got)
	}
	want := []string{"--demo=true", "--lang=en", "--resident=sato-hana", "--scale=2"}
	if !slices.Equal(got.Args, want) {
		t.Fatalf("restart args %q, want %q", got.Args, want)
	}
	if code := RunWith([]string{"--no-such-flag"}, env, Deps{GUI: gui}); code != ExitUsage {
		t.Fatalf("unknown flag: exit %d", code)
	}
}

// The command line works on the municipality the window uses: the profile
// chosen at first start, else (with the sandbox) the running sandbox's.
func TestDefaultProfileIsTheWindows(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	if got := defaultProfile(); got != sandboxProfilePath(defaultSandboxData()) {
		t.Fatalf("without a chosen municipality: %s", got)
	}
	os.MkdirAll(filepath.Dir(UserProfilePath()), 0o700)
	os.WriteFile(UserProfilePath(), []byte(`{}`), 0o600)
	if got := defaultProfile(); got != UserProfilePath() {
		t.Fatalf("with a chosen municipality: %s", got)
	}
}
