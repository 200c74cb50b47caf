package ui

import (
	"fyne.io/fyne/v2/test"
	"madoguchi/internal/uitest"
	"strings"
	"testing"

	"madoguchi/i18n"
)

// A secret is asked by its own name (a signing password is not "your
// PIN"), and while acting for someone the form says the secret wanted is
// of the proxy's own card — typing the principal's spends the proxy's try.
func TestPINFormSaysWhichSecretAndWhose(t *testing.T) {
	a := uitest.NewApp(t)
	a.Settings().SetTheme(NewTheme(1))
	tr := i18n.New("en")
	for _, secret := range []string{"auth-pin", "sign-password", "input-pin"} {
		f := NewPINForm(tr, secret, 3, nil, func([]byte, bool) {}, func() {}, ForPrincipal("佐藤 ハナ"))
		text := labelTexts(t, f.Content)
		if !strings.Contains(text, "佐藤 ハナ") || !strings.Contains(text, "your own card") || !strings.Contains(text, tr.T("secret."+secret)) {
			t.Errorf("%s: %q", secret, text)
		}
		plain := labelTexts(t, NewPINForm(tr, secret, 3, nil, func([]byte, bool) {}, func() {}).Content)
		if strings.Contains(plain, "your own card") {
			t.Errorf("%s: says acting when not: %q", secret, plain)
		}
	}
	if tr.T(titleKey("sign-password")) == tr.T("pin.title") || !strings.Contains(tr.T(titleKey("sign-password")), "signing password") {
		t.Error("the signing password is asked as a PIN")
	}
}

// Wherever a secret is asked, the dialog pictures the card's three
// secrets and marks, in words, the one asked — in every language.
func TestPINDialogPicturesWhichSecret(t *testing.T) {
	uitest.NewApp(t)
	for _, lang := range i18n.Languages() {
		tr := i18n.New(lang)
		for _, asked := range cardSecrets {
			f := NewPINForm(tr, asked, 3, nil, func([]byte, bool) {}, func() {})
			got := labelTexts(t, f.Content)
			mark := "✓ " + tr.T("pin.this_one") + " — "
			if !strings.Contains(got, mark+tr.T("secret."+asked)) {
				t.Errorf("%s %s: the asked secret is not marked:\n%s", lang, asked, got)
			}
			if strings.Count(got, mark) != 1 {
				t.Errorf("%s %s: %d secrets marked", lang, asked, strings.Count(got, mark))
			}
			for _, other := range cardSecrets {
				if !strings.Contains(got, tr.T("secret."+other)) || !strings.Contains(got, tr.T("pin.use."+other)) {
					t.Errorf("%s %s: %s is not pictured", lang, asked, other)
				}
			}
		}
	}
}

// Changing a secret in the window: the current one and the new one twice
// in one form; a new one typed differently twice, or in the wrong form, is
// refused in the form (nothing reaches the card) and every entry is
// cleared; typed the same, the card gets the current and the new one.
func TestChangePINForm(t *testing.T) {
	uitest.NewApp(t)
	tr := i18n.New("vi")
	rule := func(_ string, pin []byte) bool { return len(pin) == 4 }
	var got, next []byte
	f := NewPINForm(tr, "input-pin", 3, rule, func(p []byte, _ bool) { got = append([]byte(nil), p...) }, func() {},
		Changing(func(n []byte) { next = append([]byte(nil), n...) }))
	if f.New == nil || f.Repeat == nil {
		t.Fatal("no entries for the new secret")
	}
	texts := labelTexts(t, f.Content)
	for _, k := range []string{"pin.change.current", "pin.change.new", "pin.change.repeat"} {
		if !strings.Contains(texts, tr.T(k)) {
			t.Errorf("the form does not say %q", tr.T(k))
		}
	}
	try := func(cur, n, again string) {
		test.Type(f.Entry, cur)
		test.Type(f.New, n)
		test.Type(f.Repeat, again)
		test.Tap(f.OK)
		if f.Entry.Text != "" || f.New.Text != "" || f.Repeat.Text != "" {
			t.Fatalf("an entry keeps a secret after OK (%q %q %q)", f.Entry.Text, f.New.Text, f.Repeat.Text)
		}
	}
	try("1111", "2222", "2223")
	if got != nil || next != nil || f.Error.Text != tr.T("pin.change.mismatch") {
		t.Fatalf("typed differently: submitted %v %v, says %q", got != nil, next != nil, f.Error.Text) // (never a secret in test output)
	}
	try("1111", "22", "22")
	if got != nil || next != nil || !strings.Contains(f.Error.Text, tr.T("pin.format.digits4")) {
		t.Fatalf("wrong form: submitted %v %v, says %q", got != nil, next != nil, f.Error.Text)
	}
	try("1111", "2222", "2222")
	if string(got) != "1111" || string(next) != "2222" {
		t.Fatal("the current and the new secret did not reach the card as typed")
	}
}
