//go:build !nosandbox

package demo

import (
	"context"
	"slices"
	"testing"
	"time"

	"madoguchi/account"
	"madoguchi/account/wallet"
	"madoguchi/auth/card"
	"madoguchi/auth/keystore"
	"madoguchi/auth/reader"
	"madoguchi/auth/sso"
	"madoguchi/i18n/failure"
	"madoguchi/protocol/proxy"
	"madoguchi/sandbox/fixtures"
)

// The README's demo journeys with registered proxies, each from a fresh
// start (a new sandbox municipality with nothing left from earlier runs),
// wired as `madoguchi --demo --resident …` wires them: the demo's reader
// with the resident's card, the in-process municipality, the session kept
// in memory only.

// demoAt is the demo started as resident: the municipality, and the demo's
// reader (whose card the demo controls swap) followed by a monitor.
type demoAt struct {
	profile  sso.Profile
	controls *Controls
	monitor  *reader.Monitor
	client   *sso.Client
}

func startDemo(t *testing.T, resident string) *demoAt {
	t.Helper()
	p, stop, err := StartMunicipality()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	d, err := NewReader(resident)
	if err != nil {
		t.Fatal(err)
	}
	m := reader.NewMonitor(d.Backend(), "")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go m.Run(ctx)
	c, err := sso.New(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	return &demoAt{profile: p, controls: d, monitor: m, client: c}
}

// waitCard waits until the reader has identified the card of resident.
func (d *demoAt) waitCard(t *testing.T, resident string) {
	t.Helper()
	ch, cancel := d.monitor.SubscribeCancel()
	defer cancel()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case ev := <-ch:
			if ev.State == reader.StateIdentified && d.controls.Current() == resident {
				return
			}
		case <-deadline:
			t.Fatalf("the reader did not identify %s's card", resident)
		}
	}
}

// signIn signs in with the card in the demo's reader, its PIN typed as the
// person would (the demo's sign-in: nothing kept on the computer).
func (d *demoAt) signIn(t *testing.T, resident string) *account.Account {
	t.Helper()
	d.waitCard(t, resident)
	r, err := fixtures.ByID(resident)
	if err != nil {
		t.Fatal(err)
	}
	cs := sso.CardSigner{Do: d.monitor.Do, Prompt: func(context.Context, card.Secret, int) (card.PIN, bool, error) {
		return card.PIN(r.AuthPIN), false, nil
	}}
	a, err := account.SignIn(context.Background(), d.client, cs, account.Options{Keys: keystore.New(keystore.NewMemory())})
	if err != nil {
		t.Fatalf("%s signs in: %v", resident, err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// swap pulls the card out and puts resident's in (the demo's card controls).
func (d *demoAt) swap(t *testing.T, resident string) {
	t.Helper()
	if err := d.controls.Insert(resident); err != nil {
		t.Fatal(err)
	}
}

// fetchCert fetches a certificate as the window's certificate screen does.
func fetchCert(ctx context.Context, a *account.Account, kind string) error {
	w, err := a.Wallet(ctx)
	if err != nil {
		return err
	}
	tok, err := a.TokenFor(ctx, proxy.AudienceCertificates)
	if err != nil {
		return err
	}
	_, _, err = w.Fetch(ctx, kind, wallet.FetchOptions{}, tok)
	return err
}

// inTrail tells whether the principal's trail has an act by actor with
// action, allowed or refused (refused: with code).
func inTrail(trail []proxy.AuditEntry, actor, action string, allowed bool, code failure.Code) bool {
	return slices.ContainsFunc(trail, func(e proxy.AuditEntry) bool {
		return e.Action == action && e.Actor.Name == actor && e.Allowed == allowed && (allowed || e.Code == string(code))
	})
}

// `madoguchi --demo --resident sato-kenji`: the son chooses "Act for 佐藤
// ハナ" and fetches her residence record, before she has ever signed in
// at this municipality; she then sees the fetch in "What was done for me".
func TestDemoSonFetchesHisMothersResidenceRecord(t *testing.T) {
	ctx := context.Background()
	d := startDemo(t, "sato-kenji")
	kenji := d.signIn(t, "sato-kenji")
	gs, err := kenji.Grants(ctx)
	if err != nil || len(gs.IActFor) != 1 || gs.IActFor[0].Status != proxy.StatusActive || gs.IActFor[0].Principal.Name != "佐藤 ハナ" {
		t.Fatalf("the Family screen: %+v %v", gs, err)
	}
	as, err := kenji.ActAs(ctx, "佐藤 ハナ")
	if err != nil {
		t.Fatal(err)
	}
	if err := fetchCert(ctx, as, "residence"); err != nil {
		t.Fatalf("her residence record: %v", err)
	}
	w, _ := as.Wallet(ctx)
	if kept, _ := w.List(ctx); len(kept) != 1 {
		t.Fatalf("kept for her: %d certificates", len(kept))
	}

	d.swap(t, "sato-hana")
	hana := d.signIn(t, "sato-hana")
	trail, err := hana.ProxyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !inTrail(trail, kenji.Name(), proxy.CertScope("residence"), true, "") {
		t.Fatalf("her trail lacks the fetch of her residence record: %+v", trail)
	}
}

// A refused act is in the principal's trail too: the son asks for her tax
// certificate, which she did not grant; a grant she ended refuses his next
// act, with the token he holds and with a new one.
func TestDemoRefusedActsAreInHerTrail(t *testing.T) {
	ctx := context.Background()
	d := startDemo(t, "sato-kenji")
	kenji := d.signIn(t, "sato-kenji")
	as, err := kenji.ActAs(ctx, "佐藤 ハナ")
	if err != nil {
		t.Fatal(err)
	}
	if err := fetchCert(ctx, as, "tax"); failure.CodeOf(err) != proxy.CodeNotGranted {
		t.Fatalf("her tax certificate, not granted: %v", err)
	}

	d.swap(t, "sato-hana")
	hana := d.signIn(t, "sato-hana")
	trail, err := hana.ProxyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !inTrail(trail, kenji.Name(), proxy.CertScope("tax"), false, proxy.CodeNotGranted) {
		t.Fatalf("her trail lacks the refused tax certificate: %+v", trail)
	}
	mine, err := hana.Grants(ctx)
	if err != nil || len(mine.ActForMe) != 1 {
		t.Fatalf("her grants: %+v %v", mine, err)
	}
	if _, err := hana.RevokeGrant(ctx, mine.ActForMe[0].ID); err != nil {
		t.Fatal(err)
	}
	// his window still acts for her: the certificates token he holds, and
	// a new token for the applications service, are both refused
	if err := fetchCert(ctx, as, "residence"); failure.CodeOf(err) != proxy.CodeGrantRevoked {
		t.Fatalf("a certificate after she ended it: %v", err)
	}
	for range 3 { // his window polls the status: the same refusal again and again
		if _, err := as.TokenFor(ctx, proxy.AudienceApplications); failure.CodeOf(err) != proxy.CodeGrantRevoked {
			t.Fatalf("acting anew after she ended it: %v", err)
		}
	}
	trail, err = hana.ProxyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"use", "exchange"} {
		if !inTrail(trail, kenji.Name(), action, false, proxy.CodeGrantRevoked) {
			t.Errorf("her trail lacks the refused %s after she ended the grant: %+v", action, trail)
		}
	}
	// written once, not once per poll: the acts stay readable
	if n := len(slices.DeleteFunc(slices.Clone(trail), func(e proxy.AuditEntry) bool { return e.Action != "exchange" || e.Allowed })); n != 1 {
		t.Errorf("%d refused exchanges in her trail, want 1: %+v", n, trail)
	}
}

// `madoguchi --demo --resident sato-hana`: the mother sees her son's grant
// (active, what it allows) and ends it at once; he can no longer act.
func TestDemoMotherSeesAndEndsTheGrant(t *testing.T) {
	ctx := context.Background()
	d := startDemo(t, "sato-hana")
	hana := d.signIn(t, "sato-hana")
	mine, err := hana.Grants(ctx)
	if err != nil || len(mine.ActForMe) != 1 {
		t.Fatalf("her grants: %+v %v", mine, err)
	}
	g := mine.ActForMe[0]
	if g.Status != proxy.StatusActive || g.Proxy.Name != "佐藤 健二" || !g.Allows(proxy.CertScope("residence")) || g.Allows(proxy.CertScope("tax")) {
		t.Fatalf("the grant she sees: %+v", g)
	}
	if _, err := hana.ProxyAudit(ctx); err != nil {
		t.Fatalf("What was done for me: %v", err)
	}
	ended, err := hana.RevokeGrant(ctx, g.ID)
	if err != nil || ended.Status != proxy.StatusRevoked {
		t.Fatalf("ending it: %+v %v", ended, err)
	}
	if mine, _ = hana.Grants(ctx); mine.ActForMe[0].Status != proxy.StatusRevoked {
		t.Fatalf("after ending it: %+v", mine.ActForMe[0])
	}
	trail, _ := hana.ProxyAudit(ctx)
	if !inTrail(trail, hana.Name(), "revoke", true, "") {
		t.Fatalf("her trail lacks the end of the grant: %+v", trail)
	}

	d.swap(t, "sato-kenji")
	kenji := d.signIn(t, "sato-kenji")
	if _, err := kenji.ActAs(ctx, "佐藤 ハナ"); failure.CodeOf(err) != proxy.CodeGrantRevoked {
		t.Fatalf("acting for her after she ended it: %v", err)
	}
}
