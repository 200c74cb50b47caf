package ui

import (
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
