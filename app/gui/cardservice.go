package gui

import (
	"context"
	"madoguchi/i18n/failure"
	"time"

	"madoguchi/auth/card"
	"madoguchi/auth/reader"
	"madoguchi/i18n"
	"madoguchi/ui"
)

// cardService adapts the card monitor to what the UI needs.
type cardService struct {
	m   *reader.Monitor
	now func() time.Time
}

var _ ui.CardService = (*cardService)(nil)

func viewOf(ev reader.Event) ui.CardView {
	return ui.CardView{State: ev.State.String(), Reader: ev.Reader, Kind: ev.Kind.String(), Err: ev.Err,
		CountersChanged: ev.CountersChanged, CardReaders: ev.CardReaders,
		Identified: ev.State == reader.StateIdentified, Busy: ev.State == reader.StateBusy,
		Ready: ev.State == reader.StateIdentified && ev.Kind == card.KindMyNumberCard}
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

func (c *cardService) PINCounters(ctx context.Context) ([]ui.PINCounter, error) {
	var out []ui.PINCounter
	err := c.m.Do(func(s *card.Session) error {
		var err error
		out, err = readCounters(ctx, s)
		return err
	})
	return out, err
}

// readCounters reads all three retry counters without spending a try, in
// one transaction.
func readCounters(ctx context.Context, s *card.Session) ([]ui.PINCounter, error) {
	cs, err := s.PINCounters(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ui.PINCounter, 0, len(cs))
	for _, c := range cs {
		out = append(out, ui.PINCounter{Secret: string(c.Secret), TriesLeft: c.TriesLeft, Max: c.Secret.MaxTries(), Err: c.Err,
			Absent: failure.CodeOf(c.Err) == card.CodeNoSignCert})
	}
	return out, nil
}

func (c *cardService) Certificates(ctx context.Context) ([]ui.CertView, error) {
	var out []ui.CertView
	err := c.m.Do(func(s *card.Session) error {
		out = readCertViews(ctx, s, c.now())
		return nil
	})
	return out, err
}

func readCertViews(ctx context.Context, s *card.Session, now time.Time) []ui.CertView {
	var out []ui.CertView
	certs, errs := s.ReadCertificates(ctx, card.PublicCerts...)
	for i, f := range card.PublicCerts {
		v := ui.CertView{Which: f.String()}
		cert, err := certs[i], errs[i]
		if err != nil {
			v.Err, v.Absent = err, failure.CodeOf(err) == card.CodeNoSignCert
		} else {
			v.NotAfter = cert.NotAfter.In(i18n.JST)
			v.Expired = now.After(cert.NotAfter)
		}
		out = append(out, v)
	}
	return out
}

func (c *cardService) ReadAttributes(ctx context.Context, ask ui.PINAsker) (ui.Attributes, error) {
	var a card.Attributes
	err := card.PINFirst(ctx, c.m.Do, card.SecretInputPIN,
		func(_ context.Context, sec card.Secret, tries int) (card.PIN, bool, error) {
			pin, confirm, err := ask(string(sec), tries)
			return card.PIN(pin), confirm, err
		},
		func(s *card.Session, pin card.PIN, confirm bool) error {
			var err error
			a, err = s.ReadAttributes(ctx, pin, confirm)
			return err
		})
	return ui.Attributes{Name: a.Name, Address: a.Address, BirthDate: a.BirthDate, Sex: a.Sex}, err
}

// ChangePIN changes a secret: PIN first (the tries, then the dialog, then
// VERIFY and CHANGE REFERENCE DATA in one go); both secrets are wiped.
func (c *cardService) ChangePIN(ctx context.Context, secret string, ask ui.ChangeAsker) error {
	sec, err := card.ParseSecret(secret)
	if err != nil {
		return err
	}
	var next card.PIN
	defer func() { next.Wipe() }()
	return card.PINFirst(ctx, c.m.Do, sec,
		func(_ context.Context, sec card.Secret, tries int) (card.PIN, bool, error) {
			cur, n, confirm, err := ask(string(sec), tries)
			next = card.PIN(n)
			next.Normalize(sec)
			return card.PIN(cur), confirm, err
		},
		func(s *card.Session, cur card.PIN, confirm bool) error {
			return s.ChangePIN(ctx, sec, cur, next, confirm)
		})
}

func (c *cardService) UseReader(name string) { c.m.Choose(name) }

// PINFormatOK is the card layer's format rule (ui.PINRule).
func (c *cardService) PINFormatOK(secret string, pin []byte) bool {
	sec, err := card.ParseSecret(secret)
	return err == nil && card.FormatOK(sec, pin)
}
