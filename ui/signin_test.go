package ui

import (
	"context"
	"madoguchi/internal/uitest"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"madoguchi/i18n"
	"madoguchi/i18n/failure"
)

type fakeSignIn struct {
	account  *Account
	gotPIN   string
	err      error
	signOuts int
}

func (f *fakeSignIn) Municipality(string) string { return "テスト市" }
func (f *fakeSignIn) Current() *Account          { return f.account }
func (f *fakeSignIn) Persistent() bool           { return true }
func (f *fakeSignIn) SignIn(_ context.Context, ask PINAsker, consent ConsentAsker) (*Account, error) {
	if err := consent([]string{"certificates"}); err != nil {
		return nil, err
	}
	pin, _, err := ask("auth-pin", 2)
	if err != nil {
		return nil, err
	}
	f.gotPIN = string(pin)
	if f.err != nil {
		return nil, f.err
	}
	f.account = &Account{Name: "佐藤 ハナ"}
	return f.account, nil
}
func (f *fakeSignIn) SignOut(context.Context) error { f.signOuts++; f.account = nil; return nil }

func TestSignInPanel(t *testing.T) {
	uitest.NewApp(t)
	tr := i18n.New("ja")
	svc := &fakeSignIn{}
	w := test.NewTempWindow(t, nil)
	p := NewSignInPanel(w, svc, tr, "ja")
	p.async = func(f func()) { f() }
	p.askFn = func(string, int) ([]byte, bool, error) { return []byte("4321"), false, nil }
	p.consentFn = func([]string) error { return nil }
	w.SetContent(p.Object())
	if p.status.Text != tr.T("signin.signed_out") {
		t.Fatalf("%q", p.status.Text)
	}
	test.Tap(p.button)
	if svc.gotPIN != "4321" || !strings.Contains(p.status.Text, "佐藤 ハナ") || p.button.Text != tr.T("signin.sign_out") {
		t.Fatalf("after sign-in: pin %q status %q button %q", svc.gotPIN, p.status.Text, p.button.Text)
	}
	test.Tap(p.button)
	if svc.signOuts != 1 || p.status.Text != tr.T("signin.signed_out") {
		t.Fatalf("sign-out: %d %q", svc.signOuts, p.status.Text)
	}
	// a refused sign-in explains the provider's reason
	svc.err = failure.New("SSO-LOGIN-REFUSED", "refused").With("ProviderCode", "AUTH-CERT-REVOKED")
	test.Tap(p.button)
	got := strings.Join(p.failure.Text(), "\n")
	if !strings.Contains(got, "SSO-LOGIN-REFUSED / AUTH-CERT-REVOKED") || !strings.Contains(got, tr.T("failure.AUTH-CERT-REVOKED.action")) {
		t.Fatalf("failure shown: %q", got)
	}
	// cancelling the PIN dialog is not a failure
	svc.err = nil
	p.askFn = func(string, int) ([]byte, bool, error) { return nil, false, ErrCancelled }
	test.Tap(p.button)
	if p.failure.Text() != nil || p.status.Text != tr.T("signin.signed_out") {
		t.Fatalf("cancel: %q", p.failure.Text())
	}
}

// The panel's PIN asker shows the dialog with the tries left and returns
// what was typed; one goroutine touches widgets at a time.
func TestSignInPINAsker(t *testing.T) {
	uitest.NewApp(t)
	tr := i18n.New("en")
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(900, 700))
	p := NewSignInPanel(w, &fakeSignIn{}, tr, "en")
	w.SetContent(p.Object())
	shown := make(chan struct{})
	p.shown = func() { close(shown) }
	type res struct {
		pin []byte
		err error
	}
	out := make(chan res)
	go func() { pin, _, err := p.ask("auth-pin", 2); out <- res{pin, err} }()
	<-shown // the asking goroutine now only waits for the answer
	form := w.Canvas().Overlays().Top()
	if form == nil || !strings.Contains(labelTexts(t, form), "Tries left: 2.") {
		t.Fatal("no PIN dialog with tries left")
	}
	entry := findEntry(t, form)
	test.Type(entry, "8642")
	entry.OnSubmitted(entry.Text)
	r := <-out
	if r.err != nil || string(r.pin) != "8642" {
		t.Fatalf("%q %v", r.pin, r.err)
	}
}

func TestSignedInStateFollowsTheLanguage(t *testing.T) {
	uitest.NewApp(t)
	svc := &localized{fakeSignIn{account: &Account{Name: "NGUYEN VAN AN"}}}
	w := test.NewTempWindow(t, nil)
	for lang, want := range map[string]string{"ja": "架空の市", "en": "fictional city"} {
		p := NewSignInPanel(w, svc, i18n.New(lang), lang)
		if !strings.Contains(p.status.Text, want) || !strings.Contains(p.status.Text, "NGUYEN VAN AN") {
			t.Errorf("%s: %q", lang, p.status.Text)
		}
	}
}

type localized struct{ fakeSignIn }

func (l *localized) Municipality(lang string) string {
	if lang == "en" {
		return "fictional city"
	}
	return "架空の市"
}

// Declining the consent question stops before the PIN is asked.
func TestSignInConsentDeclined(t *testing.T) {
	uitest.NewApp(t)
	tr := i18n.New("en")
	svc := &fakeSignIn{}
	w := test.NewTempWindow(t, nil)
	p := NewSignInPanel(w, svc, tr, "en")
	p.async = func(f func()) { f() }
	asked := false
	p.askFn = func(string, int) ([]byte, bool, error) { asked = true; return []byte("4321"), false, nil }
	var shown []string
	p.consentFn = func(sc []string) error { shown = sc; return ErrCancelled }
	w.SetContent(p.Object())
	test.Tap(p.button)
	if asked || len(shown) != 1 || svc.account != nil || p.status.Text != tr.T("signin.signed_out") {
		t.Fatalf("asked PIN %v, consent %v, account %v, status %q", asked, shown, svc.account, p.status.Text)
	}
}
