//go:build nosandbox

package demo

import (
	"madoguchi/auth/card"
	"madoguchi/auth/sso"
	"madoguchi/i18n/failure"
	"madoguchi/ui"
)

// A resident's build without the sandbox municipality and the virtual
// cards (go build -tags nosandbox; ADR 0010): no demo, no `sandbox`
// command, no --virtual cards.

// Available is true in builds with the demo (false with -tags nosandbox).
const Available = false

var errNoSandbox = failure.New(CodeNoDemo, "this build of Madoguchi has no demo or sandbox")

// Controls is absent from this build.
type Controls struct{}

var _ ui.DemoControls = (*Controls)(nil)

func (d *Controls) Backend() card.Backend        { return nil }
func (d *Controls) Residents() []ui.DemoResident { return nil }
func (d *Controls) Current() string              { return "" }
func (d *Controls) Insert(string) error          { return errNoSandbox }
func (d *Controls) Remove()                      {}

// NewReader fails: this build has no virtual cards.
func NewReader(string) (*Controls, error) { return nil, errNoSandbox }

// StartMunicipality fails: this build has no sandbox municipality.
func StartMunicipality() (sso.Profile, func(), error) { return sso.Profile{}, nil, errNoSandbox }

// PINs fails: this build has no fictional residents.
func PINs(string) (string, string, error) { return "", "", errNoSandbox }
