//go:build !nosandbox

package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"madoguchi/auth/card"
	"madoguchi/auth/sso"
	"madoguchi/i18n/failure"
	"madoguchi/protocol/certs"
	"madoguchi/protocol/proxy"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/card/inproc"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/idp"
	"madoguchi/sandbox/intake"
	"madoguchi/sandbox/issuer"
	"madoguchi/sandbox/registry"
	"madoguchi/ui"
)

// Available is true in builds with the demo (false with -tags nosandbox).
const Available = true

// Controls lets the demo swap, pull out and insert fictional cards in the
// in-process reader (it implements ui.DemoControls).
type Controls struct {
	reader  *inproc.Reader
	mu      sync.Mutex
	current string
}

var _ ui.DemoControls = (*Controls)(nil)

// NewReader puts the given fictional resident's card in an in-process reader.
func NewReader(id string) (*Controls, error) {
	c, err := vcard.NewByID(id)
	if err != nil {
		return nil, failure.New(CodeNoResident, err.Error()).With("Resident", id)
	}
	return &Controls{reader: inproc.NewReader(c), current: id}, nil
}

// Backend is the reader as the card layer sees it.
func (d *Controls) Backend() card.Backend { return d.reader }

func (d *Controls) Residents() []ui.DemoResident {
	rs, _ := fixtures.Residents()
	out := make([]ui.DemoResident, 0, len(rs))
	for _, r := range rs {
		out = append(out, ui.DemoResident{ID: r.ID, Name: r.Name, Role: string(r.Role)})
	}
	return out
}

func (d *Controls) Current() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.current
}

func (d *Controls) Insert(id string) error {
	if c := d.reader.Card(); c != nil && c.ResidentID() == id {
		c.Insert()
		return nil
	}
	c, err := vcard.NewByID(id)
	if err != nil {
		return failure.New(CodeNoResident, err.Error()).With("Resident", id)
	}
	if old := d.reader.Card(); old != nil {
		old.Remove()
	}
	d.mu.Lock()
	d.current = id
	d.mu.Unlock()
	d.reader.SetCard(c)
	return nil
}

func (d *Controls) Remove() {
	if c := d.reader.Card(); c != nil {
		c.Remove()
	}
}

// Profile is the municipality profile of a running sandbox provider: its
// issuer, the app's client, the development CA and the sandbox verifier
// (mounted beside the issuer) as the recipient for presentations.
func Profile(srv *idp.Server, id string) sso.Profile {
	return sso.Profile{ID: id, Issuer: srv.Issuer, ClientID: idp.AppClientID, Scopes: sso.DefaultScopes, CAFile: srv.CAFile,
		DisplayName: map[string]string{"ja": "架空のサンドボックス市", "en": "fictional Sandbox City"},
		Recipients: []sso.Recipient{{ID: "sandbox-verifier", URL: srv.Issuer, Purpose: "demo"},
			{ID: "new-employer", URL: srv.Issuer, Purpose: "onboarding"}},
		Services:   map[string]string{"employer": srv.Issuer + certs.EmployerPrefix},
		Procedures: json.RawMessage(sandboxRules)}
}

// sandboxRules are Sandbox City's own rules: a local closure, its child
// medical subsidy, and the online moving-out notice taken from 14 days
// before (not 30) — the sandbox exercises a profile override.
const sandboxRules = `{
  "closures": {"2026-12-28": "庁舎の電気設備点検 / electrical inspection", "2027-03-31": "年度末の窓口システム切替 / system changeover"},
  "child_medical_subsidy": true,
  "city": "千代田区",
  "office_addresses": {
    "municipality": {"ja": "架空のサンドボックス市役所 1階 市民課（霞が関二丁目1番2号）", "en": "Sandbox City Hall, Residents' Affairs, 1st floor"},
    "new-municipality": {"ja": "転入先の市区町村役場 市民課", "en": "the new municipality's residents' affairs desk"}
  },
  "add": {
    "moving": [{
      "id": "garbage-days", "name": {"ja": "ごみ収集日と分別の確認", "en": "Rubbish collection days and sorting"},
      "why": {"ja": "地区ごとに収集日と分別の決まりが違います。転入先の市区町村の案内を確認しましょう。", "en": "Collection days and sorting rules differ by district: look up the new municipality's guide."},
      "basis": {"ja": "架空のサンドボックス市の案内。", "en": "Sandbox City's own guidance."},
      "office": "new-municipality", "channel": "other", "when": "not same_municipality", "filer": "none"
    }]
  },
  "office_hours": {
    "municipality": {"ja": "平日 8:30〜17:15（第2・第4土曜 9:00〜12:00）", "en": "weekdays 8:30–17:15 (2nd and 4th Saturdays 9:00–12:00)"},
    "new-municipality": {"ja": "平日 8:30〜17:15", "en": "weekdays 8:30–17:15"},
    "old-municipality": {"ja": "平日 8:30〜17:15", "en": "weekdays 8:30–17:15"}
  },
  "procedures": {
    "moving/moving-out-notice": {
      "deadline": {"from": "move_date", "days": 10, "counting": "first-day-excluded", "opens_days_before": 14, "closed": "keep",
        "closed_reason": {"ja": "オンラインの受付は閉庁日も開いています。", "en": "The online service is open on closed days too."}},
      "note": {"ja": "架空のサンドボックス市は、オンラインの転出届を引っ越しの14日前から受け付けます。", "en": "Sandbox City takes the online moving-out notice from 14 days before the move."}
    }
  }
}`

// Serve starts the sandbox municipality: its OpenID Provider with card
// login, the certificate service and verifier, the application intake
// (whose receipts move on by themselves every advance, when set) and the
// proxy registry. The demo's family is seeded once the registry is open:
// a failure to seed it fails the start (the README's journeys need it).
func Serve(addr, dataDir string, advance time.Duration) (*idp.Server, error) {
	var reg *registry.Registry
	return idp.Start(idp.Config{Addr: addr, DataDir: dataDir, Mount: []func(*idp.Server, *http.ServeMux) error{
		issuer.Mount, intake.MountWith(intake.Options{Advance: advance, Complete: DemoComplete}), registry.MountWith(func(r *registry.Registry) { reg = r }),
		func(*idp.Server, *http.ServeMux) error { return seedFamily(reg) }}})
}

// seedFamily registers the demo's family: 佐藤健二 acts for his mother
// 佐藤ハナ (84) — her residence record, her moving-out notice, its status,
// her address and household. Neither needs to have signed in before: the
// provider knows every resident's subject from the start.
func seedFamily(r *registry.Registry) error {
	if err := r.Seed(context.Background(), idp.ResidentID("sato-hana"), idp.ResidentID("sato-kenji"),
		[]string{proxy.CertScope("residence"), proxy.FileScope("moving-out-notice"), proxy.ScopeProtected, proxy.ScopeStatus},
		"引っ越しの手続き / the move"); err != nil {
		return fmt.Errorf("demo family: %w", err)
	}
	return nil
}

// StartMunicipality runs the sandbox municipality in-process on a free
// loopback port with throwaway data, and returns its profile.
func StartMunicipality() (sso.Profile, func(), error) {
	CleanLeftovers(os.TempDir()) // a previous demo killed left its data
	dir, err := os.MkdirTemp("", "madoguchi-demo-")
	if err != nil {
		return sso.Profile{}, nil, &failure.Error{Code: CodeStart, Err: err}
	}
	if err := claim(dir); err != nil {
		os.RemoveAll(dir)
		return sso.Profile{}, nil, &failure.Error{Code: CodeStart, Err: err}
	}
	srv, err := Serve("127.0.0.1:0", dir, DemoAdvance)
	if err != nil {
		os.RemoveAll(dir)
		return sso.Profile{}, nil, &failure.Error{Code: CodeStart, Err: fmt.Errorf("sandbox: %w", err)}
	}
	return Profile(srv, "sandbox-demo"), func() { srv.Close(); os.RemoveAll(dir) }, nil
}

// PINs are a fictional resident's auth PIN and input-support PIN, for demo
// scripts that act as the person would (screenshots, training).
func PINs(id string) (auth, input string, err error) {
	r, err := fixtures.ByID(id)
	if err != nil {
		return "", "", failure.New(CodeNoResident, err.Error()).With("Resident", id)
	}
	return r.AuthPIN, r.InputPIN, nil
}
