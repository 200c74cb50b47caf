package common

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"madoguchi/i18n"
	"madoguchi/i18n/failure"
)

// Policy is what the municipality's IT fixes for a PC in the administrator
// file (PolicyPath): settings the person at the PC cannot change by flags
// or in the window. A field left out is the person's choice.
type Policy struct {
	// Kiosk: every window is the community-centre kiosk.
	Kiosk bool `json:"kiosk"`
	// Profile is the municipality profile file (--profile is refused).
	Profile string `json:"profile,omitempty"`
	// Languages are the languages offered, in the order shown (none: all).
	Languages []string `json:"languages,omitempty"`
	// IdleTimeout ends a kiosk session nobody touches ("5m"); CardGrace is
	// how long a card taken out may stay out ("30s").
	IdleTimeout Duration `json:"idle_timeout,omitempty"`
	CardGrace   Duration `json:"card_grace,omitempty"`
	// Output is how the take-home summary leaves the PC: "pdf" (saved where
	// the resident chooses), "printer" or "both" (the default).
	Output string `json:"output,omitempty"`
	// Demo: false turns the demo off (--demo is refused).
	Demo *bool `json:"demo,omitempty"`
	// CentreRecord is the file the centre's daily counts are kept in (no
	// names, no numbers); none: counted for this run only.
	CentreRecord string `json:"centre_record,omitempty"`
	// Scale is the kiosk's text size (default 2).
	Scale float64 `json:"scale,omitempty"`

	// From is the file the policy was read from ("" when there is none).
	From string `json:"-"`
}

// Duration is a Go duration written as text ("5m", "90s").
type Duration time.Duration

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is text such as \"5m\": %s", b)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// Output choices for the take-home summary.
const (
	OutputPDF     = "pdf"
	OutputPrinter = "printer"
	OutputBoth    = "both"
)

// Failure codes of the administrator file.
const (
	CodePolicyInvalid failure.Code = "POLICY-INVALID"
	CodePolicyRefused failure.Code = "POLICY-REFUSED"
)

// PolicyCodes lists them.
var PolicyCodes = failure.Register("policy", CodePolicyInvalid, CodePolicyRefused)

// PolicyPath is where the administrator file lives: a folder only an
// administrator can write (Linux /etc/madoguchi, Windows
// %ProgramData%\Madoguchi, macOS /Library/Application Support/Madoguchi).
func PolicyPath() string {
	switch runtime.GOOS {
	case "windows":
		d := os.Getenv("ProgramData")
		if d == "" {
			d = `C:\ProgramData`
		}
		return filepath.Join(d, "Madoguchi", "policy.json")
	case "darwin":
		return "/Library/Application Support/Madoguchi/policy.json"
	}
	return "/etc/madoguchi/policy.json"
}

// maxPolicy bounds the file read (a policy is a few hundred bytes).
const maxPolicy = 64 << 10

// LoadPolicy reads the administrator file at path; no file is no policy.
// A file that cannot be read or understood stops the app (POLICY-INVALID
// naming it): a typo must not quietly turn a kiosk into an ordinary PC.
func LoadPolicy(path string) (Policy, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Policy{}, nil
	}
	if err != nil {
		return Policy{}, policyInvalid(path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() {
		return Policy{}, policyInvalid(path, errors.New("not a regular file"))
	}
	b, err := io.ReadAll(io.LimitReader(f, maxPolicy+1))
	if err != nil {
		return Policy{}, policyInvalid(path, err)
	}
	if len(b) > maxPolicy {
		return Policy{}, policyInvalid(path, fmt.Errorf("larger than %d bytes", maxPolicy))
	}
	var p Policy
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Policy{}, policyInvalid(path, err)
	}
	if dec.More() {
		return Policy{}, policyInvalid(path, errors.New("more than one JSON value"))
	}
	if err := p.check(); err != nil {
		return Policy{}, policyInvalid(path, err)
	}
	p.From = path
	return p, nil
}

func policyInvalid(path string, err error) error {
	return (&failure.Error{Code: CodePolicyInvalid, Err: err}).With("File", path)
}

func (p *Policy) check() error {
	for i, l := range p.Languages {
		t, ok := i18n.Lookup(l)
		if !ok {
			return fmt.Errorf("languages: %q is not one of %s", l, strings.Join(i18n.Languages(), ", "))
		}
		p.Languages[i] = t
	}
	switch p.Output {
	case "", OutputPDF, OutputPrinter, OutputBoth:
	default:
		return fmt.Errorf("output: %q is not pdf, printer or both", p.Output)
	}
	if p.IdleTimeout < 0 || (p.IdleTimeout > 0 && time.Duration(p.IdleTimeout) < 30*time.Second) {
		return fmt.Errorf("idle_timeout: %v is shorter than 30s", time.Duration(p.IdleTimeout))
	}
	if p.CardGrace < 0 {
		return errors.New("card_grace is negative")
	}
	if p.Scale != 0 && (p.Scale < 1 || p.Scale > 3) {
		return fmt.Errorf("scale: %v is not between 1 and 3", p.Scale)
	}
	if p.Profile != "" && !filepath.IsAbs(p.Profile) {
		return fmt.Errorf("profile: %q is not an absolute path", p.Profile)
	}
	if p.CentreRecord != "" && !filepath.IsAbs(p.CentreRecord) {
		return fmt.Errorf("centre_record: %q is not an absolute path", p.CentreRecord)
	}
	return nil
}

// DemoAllowed tells whether the demo may run.
func (p Policy) DemoAllowed() bool { return p.Demo == nil || *p.Demo }

// Offers tells whether the language tag is offered.
func (p Policy) Offers(tag string) bool {
	if len(p.Languages) == 0 {
		return true
	}
	for _, l := range p.Languages {
		if l == tag {
			return true
		}
	}
	return false
}

// Offered are the languages the window offers.
func (p Policy) Offered() []string {
	if len(p.Languages) == 0 {
		return i18n.Languages()
	}
	return append([]string(nil), p.Languages...)
}

// Apply fixes the window's options by the policy: what the policy sets
// wins, and a flag that asks otherwise is refused (POLICY-REFUSED naming
// it), never quietly ignored.
func (p Policy) Apply(o *GUIOptions) error {
	refuse := func(flag string) error {
		return (&failure.Error{Code: CodePolicyRefused, Err: fmt.Errorf("%s is fixed by %s", flag, p.From)}).With("Flag", flag).With("File", p.From)
	}
	if o.Demo && !p.DemoAllowed() {
		return refuse("--demo")
	}
	if p.Profile != "" {
		if o.Profile != "" && o.Profile != p.Profile {
			return refuse("--profile")
		}
		o.Profile = p.Profile
	}
	if p.Kiosk {
		o.Kiosk = true
	}
	if o.Lang != "" && !p.Offers(i18n.Match(o.Lang)) {
		return refuse("--lang")
	}
	if o.Kiosk && (o.DemoSignIn || o.DemoShowAttributes || o.DemoLifeEvent != "") && p.From != "" {
		return refuse("--demo-sign-in")
	}
	o.Policy = p
	return nil
}

// Refuses tells whether a command is not for this PC: on a kiosk PC the
// terminal's commands that sign in or keep anything are refused (the
// window's kiosk leaves nothing behind; the terminal would keep a session).
func (p Policy) Refuses(command string) bool {
	if !p.Kiosk {
		return false
	}
	switch command {
	case "version", "help", "doctor", "completion", "forget", "__complete":
		return false
	}
	return true
}
