//go:build nosandbox

package app

import (
	"context"

	"madoguchi/auth/card"
	"madoguchi/auth/sso"
	"madoguchi/i18n/failure"
	"madoguchi/ui"
)

// A resident's build without the sandbox municipality and the virtual
// cards (go build -tags nosandbox; ADR 0010): no demo, no `sandbox`
// command, no --virtual cards.

var errNoSandbox = failure.New(CodeNoDemo, "this build of Madoguchi has no demo or sandbox")

type demoControls struct{ reader card.Backend }

func (d *demoControls) Residents() []ui.DemoResident { return nil }
func (d *demoControls) Current() string              { return "" }
func (d *demoControls) Insert(string) error          { return errNoSandbox }
func (d *demoControls) Remove()                      {}

func newDemoReader(string) (*demoControls, error) { return nil, errNoSandbox }

func startDemoMunicipality() (sso.Profile, func(), error) { return sso.Profile{}, nil, errNoSandbox }

func sandboxCommand(context.Context, []string, *Env) error { return errNoSandbox }

func sandboxRecipients(string) []sso.Recipient { return nil }

func demoShowAttributes(*card.Monitor, *cardService, *ui.Shell, string) {}

func demoSignInNow(*card.Monitor, *signInService, *ui.Shell, string, string) {}
