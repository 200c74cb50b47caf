package app

import (
	"testing"

	"madoguchi/auth/keystore"
	"madoguchi/auth/sso"
	"madoguchi/i18n"
	"madoguchi/protocol/cardlogin"
	"madoguchi/protocol/sdjwt"
	"madoguchi/sandbox/jpki"
	"madoguchi/store"
	"madoguchi/wallet"
)

// Every failure code a person can meet during sign-in is explained (title,
// cause, action) in every language — including the provider's codes, which
// the CLI and GUI show in its place.
func TestFailureCodesAreExplained(t *testing.T) {
	var codes []string
	for _, c := range sso.Codes {
		codes = append(codes, string(c))
	}
	for _, c := range jpki.Codes {
		codes = append(codes, string(c))
	}
	codes = append(codes, cardlogin.Codes...)
	codes = append(codes, keystore.CodeUnavailable, "CERT-EXPIRED", "GUI-START", "PROFILE-INVALID", "NO-DEMO")
	codes = append(codes, sdjwt.CodeMalformed, sdjwt.CodeSignature, sdjwt.CodeDisclosure, sdjwt.CodeExpired,
		sdjwt.CodeType, sdjwt.CodeIssuer, sdjwt.CodeKeyBinding, sdjwt.CodeReplay,
		store.CodeCorrupt, store.CodeUnavailable, store.CodeKeyMismatch, wallet.CodeFetch)
	for _, lang := range i18n.Languages() {
		l := i18n.New(lang)
		for _, c := range codes {
			for _, part := range []string{"title", "cause", "action"} {
				if !l.Has("failure." + c + "." + part) {
					t.Errorf("%s: no failure.%s.%s", lang, c, part)
				}
			}
		}
	}
}
