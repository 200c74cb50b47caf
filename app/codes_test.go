package app

import (
	"testing"

	"madoguchi/i18n"
	"madoguchi/i18n/failure"
)

// Every failure code any package registers — the card's, sign-in's, the
// provider's reasons the app shows in place of its own, the store's, the
// app's — is explained (title, cause, action) in every shipped language.
// The app links every package, so failure.Registered is the whole list.
func TestEveryFailureCodeIsExplained(t *testing.T) {
	codes := failure.Registered()
	if len(codes) < 40 {
		t.Fatalf("only %d codes registered: a package no longer registers its codes", len(codes))
	}
	for _, lang := range i18n.Languages() {
		l := i18n.New(lang)
		for _, c := range codes {
			for _, part := range []string{"title", "cause", "action"} {
				if !l.Has("failure." + string(c) + "." + part) {
					t.Errorf("%s: no failure.%s.%s", lang, c, part)
				}
			}
		}
	}
}
