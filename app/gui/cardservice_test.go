package gui

import (
	"context"
	"testing"
	"time"

	"madoguchi/app/demo"
	"madoguchi/auth/card"
	"madoguchi/auth/reader"
	"madoguchi/i18n/failure"
	"madoguchi/ui"
)

// The UI's card service over the real monitor and the in-process card: what
// the card-status screen shows for each fixture.
func TestCardServiceOverMonitor(t *testing.T) {
	d, svc, views, ctx := demoCardService(t, "tanaka-ichiro", func() time.Time { return time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC) })

	certs, err := svc.Certificates(ctx)
	if err != nil || len(certs) != 3 {
		t.Fatalf("%v %v", certs, err)
	}
	if certs[0].Which != "auth" || !certs[0].Expired || certs[1].Expired {
		t.Fatalf("expired fixture: %+v", certs)
	}
	// the 5th birthday after issuance, as a Japanese date (23:59:59 JST)
	if got := certs[0].NotAfter.Format("2006-01-02 15:04"); got != "2024-01-10 23:59" {
		t.Fatalf("expiry shown as %s", got)
	}
	pin := func(p string, shown *int) ui.PINAsker {
		return func(sec string, tries int) ([]byte, bool, error) {
			if sec != "input-pin" {
				t.Fatalf("asked for %s", sec)
			}
			*shown = tries
			return []byte(p), false, nil
		}
	}
	var shown int
	a, err := svc.ReadAttributes(ctx, pin("8427", &shown))
	if err != nil || a.Name != "田中 一郎" || a.Sex != 1 || shown != 3 {
		t.Fatalf("%+v %v (tries shown %d)", a, err, shown)
	}
	if _, err := svc.ReadAttributes(ctx, pin("0000", &shown)); failure.CodeOf(err) != card.CodeWrongPIN {
		t.Fatalf("wrong PIN: %v", err)
	}
	counters, _ := svc.PINCounters(ctx)
	if counters[2].Secret != "input-pin" || counters[2].TriesLeft != 2 {
		t.Fatalf("%+v", counters)
	}
	// the demo controls swap the card; the view follows
	if err := d.Insert("yamada-yui"); err != nil {
		t.Fatal(err)
	}
	waitView(t, views, "reader-empty")
	waitView(t, views, "card-identified")
	counters, _ = svc.PINCounters(ctx)
	if failure.CodeOf(counters[1].Err) != card.CodeNoSignCert {
		t.Fatalf("child's signing password: %+v", counters[1])
	}
	d.Remove()
	waitView(t, views, "reader-empty")
}

func waitView(t *testing.T, views <-chan ui.CardView, state string) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case v := <-views:
			if v.State == state {
				return
			}
		case <-timeout:
			t.Fatalf("never %s", state)
		}
	}
}

// The PIN dialog's check is the card layer's one rule, lower case included.
func TestPINFormatRuleIsTheCardLayers(t *testing.T) {
	c := &cardService{}
	for _, tc := range []struct {
		secret, pin string
		ok          bool
	}{
		{"auth-pin", "1234", true}, {"auth-pin", "123", false}, {"auth-pin", "12a4", false},
		{"sign-password", "YAMADA2025", true}, {"sign-password", "yamada2025", true},
		{"sign-password", "AB-12", false}, {"sign-password", "ABC12", false}, {"nope", "1234", false},
	} {
		if got := c.PINFormatOK(tc.secret, []byte(tc.pin)); got != tc.ok {
			t.Errorf("%s %q: %v", tc.secret, tc.pin, got)
		}
	}
}

// Changing the input-support PIN through the window's card service, on the
// in-process card: the tries are shown first, the old PIN and the new one
// go to the card, and from then on the new one reads the attributes and
// the old one is refused; a wrong current PIN costs one try and changes
// nothing.
func TestCardServiceChangesAPIN(t *testing.T) {
	_, svc, _, ctx := demoCardService(t, "tanaka-ichiro", time.Now)
	change := func(cur, next string, shown *int) ui.ChangeAsker {
		return func(sec string, tries int) ([]byte, []byte, bool, error) {
			if sec != "input-pin" {
				t.Fatalf("asked for %s", sec)
			}
			*shown = tries
			return []byte(cur), []byte(next), false, nil
		}
	}
	var shown int
	if err := svc.ChangePIN(ctx, "input-pin", change("0000", "1357", &shown)); failure.CodeOf(err) != card.CodeWrongPIN || shown != 3 {
		t.Fatalf("wrong current PIN: %v (tries shown %d)", err, shown)
	}
	if err := svc.ChangePIN(ctx, "input-pin", change("8427", "1357", &shown)); err != nil || shown != 2 {
		t.Fatalf("change: %v (tries shown %d)", err, shown)
	}
	read := func(p string) error {
		_, err := svc.ReadAttributes(ctx, func(string, int) ([]byte, bool, error) { return []byte(p), false, nil })
		return err
	}
	if err := read("1357"); err != nil {
		t.Fatalf("the new PIN: %v", err)
	}
	if err := read("8427"); failure.CodeOf(err) != card.CodeWrongPIN {
		t.Fatalf("the old PIN: %v", err)
	}
}

// demoCardService is the window's card service over the monitor and the
// demo's in-process card of resident, the card identified; the views it
// reports arrive on the channel.
func demoCardService(t *testing.T, resident string, now func() time.Time) (*demo.Controls, *cardService, chan ui.CardView, context.Context) {
	t.Helper()
	d, err := demo.NewReader(resident)
	if err != nil {
		t.Fatal(err)
	}
	m := reader.NewMonitor(d.Backend(), "")
	svc := &cardService{m: m, now: now}
	views := make(chan ui.CardView, 64)
	t.Cleanup(svc.Watch(func(v ui.CardView) { views <- v }))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go m.Run(ctx)
	waitView(t, views, "card-identified")
	return d, svc, views, ctx
}
