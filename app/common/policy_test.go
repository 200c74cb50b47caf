package common

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"madoguchi/i18n/failure"
)

func writePolicy(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "policy.json")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadPolicy(t *testing.T) {
	p, err := LoadPolicy(filepath.Join(t.TempDir(), "none.json"))
	if err != nil || p.Kiosk || p.From != "" {
		t.Fatalf("no file: %+v %v", p, err)
	}
	path := writePolicy(t, `{"kiosk": true, "profile": "/etc/madoguchi/city.json", "languages": ["vi", "en-US", "ja"],
	  "idle_timeout": "3m", "card_grace": "20s", "output": "pdf", "demo": false, "centre_record": "/var/lib/madoguchi/centre.json"}`)
	p, err = LoadPolicy(path)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Kiosk || p.Profile != "/etc/madoguchi/city.json" || strings.Join(p.Languages, ",") != "vi,en,ja" ||
		time.Duration(p.IdleTimeout) != 3*time.Minute || time.Duration(p.CardGrace) != 20*time.Second ||
		p.Output != OutputPDF || p.DemoAllowed() || p.From != path {
		t.Fatalf("%+v", p)
	}
}

// Every way a file can be wrong stops the app with POLICY-INVALID naming
// the file: a typo never turns a kiosk into an ordinary PC.
func TestPolicyInvalid(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"unknown field":   `{"kiosk": true, "kisok": true}`,
		"language":        `{"languages": ["xx"]}`,
		"output":          `{"output": "fax"}`,
		"short idle":      `{"idle_timeout": "5s"}`,
		"idle as number":  `{"idle_timeout": 300}`,
		"relative":        `{"profile": "city.json"}`,
		"record relative": `{"centre_record": "counts.json"}`,
		"scale":           `{"scale": 9}`,
		"two values":      `{"kiosk": true} {"kiosk": false}`,
		"not json":        `kiosk = true`,
		"too large":       `{"languages": [` + strings.Repeat(`"ja",`, 20000) + `"ja"]}`,
	} {
		_, err := LoadPolicy(writePolicy(t, body))
		var f *failure.Error
		if !errors.As(err, &f) || f.Code != CodePolicyInvalid || f.Data["File"] == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, path := range []string{dir, "/dev/zero"} {
		if _, err := LoadPolicy(path); !errors.Is(err, &failure.Error{Code: CodePolicyInvalid}) {
			t.Errorf("%s: %v", path, err)
		}
	}
}

// What the policy fixes wins; a flag asking otherwise is refused, never
// ignored in silence.
func TestPolicyApply(t *testing.T) {
	no := false
	p := Policy{Kiosk: true, Profile: "/etc/madoguchi/city.json", Languages: []string{"vi", "ja"}, Demo: &no, From: "/etc/madoguchi/policy.json"}
	var o GUIOptions
	if err := p.Apply(&o); err != nil || !o.Kiosk || o.Profile != p.Profile || !o.Policy.Kiosk {
		t.Fatalf("%+v %v", o, err)
	}
	for name, o := range map[string]GUIOptions{
		"--demo":    {Demo: true},
		"--profile": {Profile: "/tmp/other.json"},
		"--lang":    {Lang: "en"},
	} {
		err := p.Apply(&o)
		var f *failure.Error
		if !errors.As(err, &f) || f.Code != CodePolicyRefused || f.Data["Flag"] != name {
			t.Errorf("%s: %v", name, err)
		}
	}
	o = GUIOptions{Lang: "vi-VN", Profile: p.Profile}
	if err := p.Apply(&o); err != nil {
		t.Fatalf("an offered language, the same profile: %v", err)
	}
	// no policy: the person's flags as given
	o = GUIOptions{Demo: true, Lang: "en"}
	if err := (Policy{}).Apply(&o); err != nil || o.Kiosk || !o.Demo {
		t.Fatalf("%+v %v", o, err)
	}
}

func TestPolicyRefusesKeepingCommands(t *testing.T) {
	p := Policy{Kiosk: true}
	for _, c := range []string{"login", "cert", "procedure", "card", "proxy", "applications", "whoami", "logout", "sandbox"} {
		if !p.Refuses(c) {
			t.Errorf("kiosk PC allows %s", c)
		}
	}
	for _, c := range []string{"version", "doctor", "forget", "help"} {
		if p.Refuses(c) {
			t.Errorf("kiosk PC refuses %s", c)
		}
	}
	if (Policy{}).Refuses("login") {
		t.Error("no policy refuses login")
	}
}
