package gui

import (
	"context"
	"errors"
	"testing"

	"madoguchi/account"
	"madoguchi/app/demo"
	"madoguchi/auth/card"
	"madoguchi/auth/keystore"
	"madoguchi/auth/reader"
	"madoguchi/auth/sso"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/ui"
)

// Every failure the services hand the window carries a registered code the
// failure box explains — never UNKNOWN: signed out, an unreachable
// municipality, a wrong PIN, the card pulled out, a cancelled dialog, a
// file that is not a profile.
func TestServicesFailWithCodes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := demo.NewReader("sato-hana")
	if err != nil {
		t.Fatal(err)
	}
	m := reader.NewMonitor(d.Backend(), "")
	go m.Run(ctx)
	waitIdentified(m)
	cards := &cardService{m: m}
	nowhere := sso.Profile{ID: "nowhere", Issuer: "https://127.0.0.1:1", ClientID: "madoguchi-app", Scopes: sso.DefaultScopes}
	signIn := &signInService{m: m, profile: nowhere, keys: keystore.New(keystore.NewMemory())}
	wallets := &walletService{signIn: signIn}
	pin := func(p string) ui.PINAsker {
		return func(string, int) ([]byte, bool, error) { return []byte(p), false, nil }
	}
	cancelled := func(string, int) ([]byte, bool, error) { return nil, false, ui.ErrCancelled }

	check := func(what string, err error, want failure.Code) {
		t.Helper()
		got := i18n.New("ja").Explain(err)
		if failure.CodeOf(err) != want || !failure.IsRegistered(want) || got.Cause == "" {
			t.Errorf("%s: %v (shown as %s), want %s", what, err, got.Code, want)
		}
	}
	_, err = wallets.List(ctx)
	check("wallet signed out", err, account.CodeNotSignedIn)
	_, err = signIn.SignIn(ctx, pin("4321"), func([]string) error { return nil })
	check("sign-in, municipality unreachable", err, sso.CodeUnreachable)
	_, err = cards.ReadAttributes(ctx, pin("9999"))
	check("attributes, wrong PIN", err, card.CodeWrongPIN)
	_, err = cards.ReadAttributes(ctx, cancelled)
	check("attributes, dialog cancelled", err, failure.Cancelled)
	d.Remove()
	_, err = cards.ReadAttributes(ctx, pin("1234"))
	if c := failure.CodeOf(err); c != card.CodeNoCard && c != card.CodeCardRemoved {
		t.Errorf("attributes, card pulled: %v", err)
	}
	err = installProfile([]byte("not a profile"), t.TempDir()+"/p.json")
	check("profile file", err, CodeProfileInvalid)
	if errors.Is(err, ui.ErrCancelled) {
		t.Fatal("a profile failure matches the cancel sentinel")
	}
}
