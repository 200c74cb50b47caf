package app

import (
	"context"
	"time"

	"madoguchi/auth/card"
	"madoguchi/ui"
)

// cardService adapts the card monitor to what the UI needs.
type cardService struct {
	m   *card.Monitor
	now func() time.Time
}

var _ ui.CardService = (*cardService)(nil)

func viewOf(ev card.Event) ui.CardView {
	return ui.CardView{State: ev.State.String(), Reader: ev.Reader, Kind: ev.Kind.String(), Err: ev.Err}
}

func (c *cardService) Watch(fn func(ui.CardView)) (stop func()) {
	ch, cancel := c.m.SubscribeCancel()
	go func() {
		for ev := range ch {
			fn(viewOf(ev))
		}
	}()
	return cancel
}

func (c *cardService) PINCounters(_ context.Context) ([]ui.PINCounter, error) {
	var out []ui.PINCounter
	err := c.m.Do(func(s *card.Session) error {
		out = readCounters(s)
		return nil
	})
	return out, err
}

// readCounters reads all three retry counters without spending a try.
func readCounters(s *card.Session) []ui.PINCounter {
	var out []ui.PINCounter
	for _, sec := range card.Secrets {
		n, err := s.TriesLeft(sec)
		out = append(out, ui.PINCounter{Secret: string(sec), TriesLeft: n, Max: sec.MaxTries(), Err: err})
	}
	return out
}

func (c *cardService) Certificates(_ context.Context) ([]ui.CertView, error) {
	var out []ui.CertView
	err := c.m.Do(func(s *card.Session) error {
		out = readCertViews(s, c.now())
		return nil
	})
	return out, err
}

// jst is Japan Standard Time: JPKI expiry dates are Japanese dates, shown
// the same whatever the PC's time zone.
var jst = time.FixedZone("JST", 9*3600)

// publicCerts are the certificates readable without a PIN.
var publicCerts = []card.CertFile{card.CertAuth, card.CertAuthCA, card.CertSignCA}

func readCertViews(s *card.Session, now time.Time) []ui.CertView {
	var out []ui.CertView
	for _, f := range publicCerts {
		v := ui.CertView{Which: f.String()}
		cert, err := s.ReadCertificate(f)
		if err != nil {
			v.Err = err
		} else {
			v.NotAfter = cert.NotAfter.In(jst)
			v.Expired = now.After(cert.NotAfter)
		}
		out = append(out, v)
	}
	return out
}

func (c *cardService) TriesLeft(_ context.Context, secret string) (int, error) {
	sec, err := card.ParseSecret(secret)
	if err != nil {
		return 0, err
	}
	var n int
	err = c.m.Do(func(s *card.Session) error {
		var e error
		n, e = s.TriesLeft(sec)
		return e
	})
	return n, err
}

func (c *cardService) ReadAttributes(_ context.Context, pin []byte, confirmLast bool) (ui.Attributes, error) {
	p := card.PIN(pin)
	defer p.Wipe()
	var a card.Attributes
	err := c.m.Do(func(s *card.Session) error {
		var e error
		a, e = s.ReadAttributes(p, confirmLast)
		return e
	})
	return ui.Attributes{Name: a.Name, Address: a.Address, BirthDate: a.BirthDate, Sex: a.Sex}, err
}
