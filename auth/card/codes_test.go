package card_test

import (
	"testing"

	"madoguchi/auth/card"
	"madoguchi/i18n"
)

// Every failure code has a title, cause and action in every language.
func TestEveryCodeIsExplained(t *testing.T) {
	for _, lang := range i18n.Languages() {
		l := i18n.New(lang)
		for _, c := range card.Codes {
			for _, part := range []string{"title", "cause", "action"} {
				if !l.Has("failure." + string(c) + "." + part) {
					t.Errorf("%s: no failure.%s.%s", lang, c, part)
				}
			}
		}
	}
}
