//go:build !nosandbox

package demo

import (
	"testing"

	"madoguchi/i18n"
	"madoguchi/procedures"
	"madoguchi/sandbox/idp"
)

// The sandbox municipality's profile exercises the municipality's own rules:
// they parse, apply to the bundled catalogue and change it.
func TestSandboxProfileOverrides(t *testing.T) {
	p := Profile(&idp.Server{Issuer: "https://127.0.0.1:8443"}, "sandbox")
	o, err := procedures.ParseOverrides(p.Procedures)
	if err != nil || len(o.Closures) == 0 || !o.ChildMedicalSubsidy {
		t.Fatalf("%v %+v", err, o)
	}
	cat, _ := procedures.Bundled(i18n.Languages())
	applied, err := cat.Apply(o, procedures.ProfileLanguages)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := applied.Event("moving")
	pr, _ := e.Procedure("moving-out-notice")
	if pr.Deadline.OpensDaysBefore == nil || *pr.Deadline.OpensDaysBefore != 14 {
		t.Fatalf("override not applied: %+v", pr.Deadline)
	}
	if _, ok := e.Procedure("garbage-days"); !ok || len(o.OfficeAddresses) == 0 {
		t.Fatal("the sandbox's own procedure or office addresses are missing")
	}
}
