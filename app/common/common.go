// Package common owns what the window (app/gui) and the terminal
// (app/cli) both stand on, so that neither stands on the other: the
// environment a command or the window runs with, the window's options,
// the exit codes, a failure said in words, the user's folders, and how a
// proxy grant's scopes, invitations and trail are said.
package common

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"madoguchi/auth/keystore"
	"madoguchi/i18n"
	"madoguchi/procedures"
	"madoguchi/protocol/proxy"
)

// Env is what a command runs with; tests substitute the streams.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// TTY is the terminal for PIN prompts without echo (nil: none).
	TTY *os.File
	// Prompt is where prompts go (the terminal; stderr when TTY is stdin).
	Prompt io.Writer
	Tr     *i18n.Localizer
	// Keys is where secrets live (refresh tokens, the store's data key);
	// nil: the OS keyring.
	Keys *keystore.Store
	// PolicyFile is the administrator file ("": PolicyPath, the OS's place).
	PolicyFile string
}

// Policy reads the administrator file (none: no policy).
func (e *Env) Policy() (Policy, error) {
	path := e.PolicyFile
	if path == "" {
		path = PolicyPath()
	}
	return LoadPolicy(path)
}

// KeyStore returns the secret store (the OS keyring unless injected).
func (e *Env) KeyStore() *keystore.Store {
	if e.Keys == nil {
		e.Keys = keystore.New(nil)
	}
	return e.Keys
}

// GUIOptions are the window's flags (the root command without a subcommand).
type GUIOptions struct {
	Demo bool
	// Kiosk: the community-centre kiosk (--kiosk, or the administrator's
	// policy): nothing kept, the resident's private PIN step, take-home.
	Kiosk    bool
	Resident string // demo: the fictional resident whose card is in the reader
	Reader   string
	Profile  string
	Scale    float64
	// Lang is --lang as given ("" when not given: the language chosen in
	// the window last time, else the system's).
	Lang string
	// Demo scripts for screenshots and training.
	DemoShowAttributes bool
	DemoSignIn         bool
	DemoCertificate    string
	DemoLifeEvent      string
	DemoAnswers        string
	// Args are the arguments the app was started with (a restart reuses them).
	Args []string
	// Policy is what the administrator fixed (Policy.Apply set it).
	Policy Policy
}

// Exit codes of every command (README "Exit codes"):
const (
	ExitOK          = 0   // done
	ExitFailure     = 1   // the operation failed: a failure code is printed (stderr; stdout with --json)
	ExitUsage       = 2   // wrong flags or arguments; nothing was done
	ExitInterrupted = 130 // stopped by Ctrl-C or SIGTERM; the card was released
)

// ReportFailure prints a failure with its title, code, cause and action.
func ReportFailure(env *Env, err error) {
	fl := env.Tr.Explain(err)
	fmt.Fprintf(env.Stderr, "%s [%s]\n  %s\n  %s\n", fl.Title, fl.Code, fl.Cause, fl.Action)
}

// DataDir is the per-user data folder (XDG on Linux).
func DataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "madoguchi")
	}
	if runtime.GOOS == "linux" {
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, ".local", "share", "madoguchi")
		}
	}
	d, _ := os.UserConfigDir()
	return filepath.Join(d, "madoguchi")
}

// UserProfilePath is where the municipality profile chosen at first start
// is kept.
func UserProfilePath() string { return filepath.Join(DataDir(), "profile.json") }

// InvitationURI is what the invitation's QR code holds: the code and the
// municipality, so a phone or another computer can take it without typing.
func InvitationURI(code, municipality string) string {
	return "madoguchi:proxy-invitation?" + url.Values{"code": {code}, "municipality": {municipality}}.Encode()
}

// InvitationCode takes a typed code or a scanned invitation URI.
func InvitationCode(s string) string {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "madoguchi:proxy-invitation?"); ok {
		if q, err := url.ParseQuery(rest); err == nil {
			return q.Get("code")
		}
	}
	return s
}

// bundledOnline reads the bundled catalogue once (loading it checks the
// schema and compiles every condition: not something to do per line of a
// trail): the procedures filed online, by id and in catalogue order.
var bundledOnline = sync.OnceValues(func() (map[string]procedures.Procedure, []string) {
	byID := map[string]procedures.Procedure{}
	var order []string
	if cat, err := procedures.Bundled(i18n.Languages()); err == nil {
		for _, e := range cat.Events {
			for _, p := range e.Procedures {
				if _, seen := byID[p.ID]; !seen && p.Channel == procedures.ChannelBundle {
					byID[p.ID] = p
					order = append(order, p.ID)
				}
			}
		}
	}
	return byID, order
})

// OnlineProcedures are the bundled catalogue's procedures filed online,
// by id.
func OnlineProcedures() map[string]procedures.Procedure { m, _ := bundledOnline(); return m }
func onlineOrder() []string                             { _, o := bundledOnline(); return o }

// DescribeScope says a grant scope in plain language ("Fetch your residence
// record", "File: Moving-out notice (online)").
func DescribeScope(tr *i18n.Localizer, scope string) string {
	procName := func(id string) string {
		if p, ok := OnlineProcedures()[id]; ok {
			return p.Name.Counter(tr.Lang())
		}
		return id
	}
	switch {
	case scope == proxy.ScopeStatus:
		return tr.T("proxy.scope.status")
	case scope == proxy.ScopeProtected:
		return tr.T("proxy.scope.protected")
	case strings.HasPrefix(scope, proxy.CertPrefix):
		return tr.T("proxy.scope.cert", map[string]any{"Certificate": tr.T("certkind." + strings.TrimPrefix(scope, proxy.CertPrefix))})
	case strings.HasPrefix(scope, proxy.FilePrefix):
		return tr.T("proxy.scope.file", map[string]any{"Procedure": procName(strings.TrimPrefix(scope, proxy.FilePrefix))})
	case strings.HasPrefix(scope, proxy.PreparePrefix):
		return tr.T("proxy.scope.prepare", map[string]any{"Procedure": procName(strings.TrimPrefix(scope, proxy.PreparePrefix))})
	}
	return scope
}

// ScopeChoices are the scopes a principal can grant, in the order a person
// reads them: certificates, then each online procedure, then status and
// the protected fields.
func ScopeChoices() []string {
	var out []string
	for _, k := range proxy.CertKinds {
		out = append(out, proxy.CertScope(k))
	}
	ps := OnlineProcedures()
	for _, id := range onlineOrder() {
		if ps[id].OwnSignature { // the law leaves signing it to the person
			out = append(out, proxy.PrepareScope(id))
		} else {
			out = append(out, proxy.FileScope(id))
		}
	}
	return append(out, proxy.ScopeStatus, proxy.ScopeProtected)
}

// AuditLine is one act in the principal's trail, in plain language.
func AuditLine(tr *i18n.Localizer, e proxy.AuditEntry) string {
	var what string
	switch e.Action {
	case "exchange", "use", "invite", "accept", "revoke", "confirm":
		what = tr.T("proxy.action." + e.Action)
	default:
		what = DescribeScope(tr, e.Action)
	}
	key := "proxy.audit.allowed"
	if !e.Allowed {
		key = "proxy.audit.refused"
	}
	return tr.T(key, map[string]any{"At": tr.DateTime(e.At), "Who": e.Actor.Name, "What": what, "Code": e.Code})
}

// AppID is the app's reverse-DNS id: the window's, the keyring's service,
// Fyne's folders.
const AppID = "jp.madoguchi.app"

// KeptPlaces are the folders the app keeps things in on this computer, for
// this user: the data folder (the sealed store with certificates, drafts
// and receipts; the municipality profile; the sandbox's data) and Fyne's
// preferences and cache of the window. (The keyring's entries are the
// other place: keystore.ForgetAll.)
func KeptPlaces() []string {
	places := []string{DataDir()}
	if d, err := os.UserConfigDir(); err == nil {
		places = append(places, filepath.Join(d, "fyne", AppID))
	}
	if d, err := os.UserCacheDir(); err == nil {
		places = append(places, filepath.Join(d, "fyne", AppID))
	}
	return places
}

// Kept are the kept places that exist now.
func Kept() []string {
	var out []string
	for _, p := range KeptPlaces() {
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// Forget removes every kept place and every keyring entry of the app, and
// returns the places removed. A place that cannot be removed is reported
// (the others are removed all the same).
func Forget(keys *keystore.Store) (removed []string, err error) {
	var errs []error
	for _, p := range Kept() {
		if e := os.RemoveAll(p); e != nil {
			errs = append(errs, e)
			continue
		}
		removed = append(removed, p)
	}
	if e := keys.ForgetAll(); e != nil {
		errs = append(errs, e)
	}
	return removed, errors.Join(errs...)
}
