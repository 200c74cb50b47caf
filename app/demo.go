package app

import (
	"madoguchi/auth/sso"
	"madoguchi/sandbox/card/inproc"

	"sync"

	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/fixtures"
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
