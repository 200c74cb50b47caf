//go:build !nosandbox

package app

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"sync"

	"fyne.io/fyne/v2"

	"madoguchi/auth/card"
	"madoguchi/auth/sso"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/card/inproc"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/idp"
	"madoguchi/sandbox/issuer"
	"madoguchi/ui"
)

// demoControls lets the demo swap fictional cards in the in-process reader.
type demoControls struct {
	reader  *inproc.Reader
	mu      sync.Mutex
	current string
}

var _ ui.DemoControls = (*demoControls)(nil)

// newDemoReader puts the given fixture resident's card in a demo reader.
func newDemoReader(id string) (*demoControls, error) {
	c, err := vcard.NewByID(id)
	if err != nil {
		return nil, err
	}
	return &demoControls{reader: inproc.NewReader(c), current: id}, nil
}

func (d *demoControls) Residents() []ui.DemoResident {
	rs, _ := fixtures.Residents()
	out := make([]ui.DemoResident, 0, len(rs))
	for _, r := range rs {
		out = append(out, ui.DemoResident{ID: r.ID, Name: r.Name, Role: string(r.Role)})
	}
	return out
}

func (d *demoControls) Current() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.current
}

func (d *demoControls) Insert(id string) error {
	if c := d.reader.Card(); c != nil && c.ResidentID() == id {
		c.Insert()
		return nil
	}
	c, err := vcard.NewByID(id)
	if err != nil {
		return err
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

func (d *demoControls) Remove() {
	if c := d.reader.Card(); c != nil {
		c.Remove()
	}
}

// sandboxRecipients lists the sandbox verifier (mounted beside the issuer)
// as the recipient a sandbox municipality profile offers for presentations.
func sandboxRecipients(base string) []sso.Recipient {
	return []sso.Recipient{{ID: "sandbox-verifier", URL: base, Purpose: "demo"}}
}

// startDemoMunicipality runs the sandbox municipality in-process on a free
// loopback port with throwaway data, and returns its profile.
func startDemoMunicipality() (sso.Profile, func(), error) {
	dir, err := os.MkdirTemp("", "madoguchi-demo-")
	if err != nil {
		return sso.Profile{}, nil, err
	}
	srv, err := idp.Start(idp.Config{Addr: "127.0.0.1:0", DataDir: dir, Mount: []func(*idp.Server, *http.ServeMux) error{issuer.Mount}})
	if err != nil {
		os.RemoveAll(dir)
		return sso.Profile{}, nil, fmt.Errorf("sandbox: %w", err)
	}
	p := sso.Profile{ID: "sandbox-demo", Issuer: srv.Issuer, ClientID: idp.AppClientID, Scopes: sso.DefaultScopes, CAFile: srv.CAFile,
		DisplayName: map[string]string{"ja": "架空のサンドボックス市", "en": "fictional Sandbox City"},
		Recipients:  sandboxRecipients(srv.Issuer)}
	return p, func() { srv.Close(); os.RemoveAll(dir) }, nil
}

// demoShowAttributes waits for the demo card and reads its attributes with
// the fictional resident's PIN, as if typed: used to look at that screen.
func demoShowAttributes(m *card.Monitor, svc *cardService, shell *ui.Shell, resident string) {
	waitIdentified(m)
	r, err := fixtures.ByID(resident)
	if err != nil {
		return
	}
	a, err := svc.ReadAttributes(context.Background(), func(string, int) ([]byte, bool, error) { return []byte(r.InputPIN), false, nil })
	if err == nil {
		fyne.Do(func() { shell.CardScreen().ShowAttributes(a) })
	}
}

// demoSignInNow signs in with the fictional resident's auth PIN, as if typed.
func demoSignInNow(m *card.Monitor, s *signInService, shell *ui.Shell, resident, cert string) {
	waitIdentified(m)
	r, err := fixtures.ByID(resident)
	if err != nil {
		return
	}
	_, err = s.SignIn(context.Background(), func(string, int) ([]byte, bool, error) { return []byte(r.AuthPIN), false, nil }, nil) // the demo agrees as the person would
	if err == nil {
		fyne.Do(func() {
			shell.SignInPanel().Reload()
			if cert != "" {
				shell.ShowCertificates(cert)
			}
		})
	}
}

// waitIdentified waits until the monitor has identified a card.
func waitIdentified(m *card.Monitor) {
	ch, cancel := m.SubscribeCancel()
	defer cancel()
	for ev := range ch {
		if ev.State == card.StateIdentified {
			return
		}
	}
}
