package card

import (
	"fmt"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/mynacard"
)

// Secret names one of the card's three secrets.
type Secret string

const (
	// SecretAuthPIN is the 4-digit user-authentication PIN (JPKI, 3 tries).
	SecretAuthPIN Secret = "auth-pin"
	// SecretSignPassword is the 6–16 character signing password (JPKI, 5 tries).
	SecretSignPassword Secret = "sign-password"
	// SecretInputPIN is the 4-digit input-support PIN (券面事項入力補助, 3 tries).
	SecretInputPIN Secret = "input-pin"
)

// Secrets lists all three in display order.
var Secrets = []Secret{SecretAuthPIN, SecretSignPassword, SecretInputPIN}

// MaxTries is the card's retry limit for the secret.
func (s Secret) MaxTries() int {
	if s == SecretSignPassword {
		return 5
	}
	return 3
}

// Valid reports whether s names a known secret.
func (s Secret) Valid() bool {
	return s == SecretAuthPIN || s == SecretSignPassword || s == SecretInputPIN
}

// ParseSecret accepts the CLI names.
func ParseSecret(name string) (Secret, error) {
	s := Secret(name)
	if !s.Valid() {
		return "", fmt.Errorf("unknown secret %q (auth-pin, sign-password, input-pin)", name)
	}
	return s, nil
}

func (s Secret) app() []byte {
	if s == SecretInputPIN {
		return mynacard.AIDInputSupport
	}
	return mynacard.AIDJPKI
}

func (s Secret) pinEF() uint16 {
	switch s {
	case SecretAuthPIN:
		return mynacard.EFAuthPIN
	case SecretSignPassword:
		return mynacard.EFSignPIN
	}
	return mynacard.EFInputPIN
}

// PIN holds a secret's bytes. Wipe it as soon as it has been used; the card
// helpers that take a PIN wipe it themselves before returning.
type PIN []byte

// Wipe overwrites the PIN in place.
func (p PIN) Wipe() {
	for i := range p {
		p[i] = 0
	}
}

// String never shows the PIN.
func (p PIN) String() string   { return "<redacted>" }
func (p PIN) GoString() string { return "card.PIN(<redacted>)" }

// format is the secret's format on the card (protocol/mynacard).
func (s Secret) format() (mynacard.PINFormat, bool) {
	switch s {
	case SecretAuthPIN, SecretInputPIN:
		return mynacard.FormatPIN4, true
	case SecretSignPassword:
		return mynacard.FormatSignPassword, true
	}
	return mynacard.PINFormat{}, false
}

// Normalize prepares user input for the secret in place: the signing
// password is upper-case only on the card, so lower-case letters typed by
// the person are upper-cased. Nothing else is changed.
func (p PIN) Normalize(s Secret) {
	if f, ok := s.format(); ok {
		f.Normalize(p)
	}
}

// Validate checks the PIN against the secret's rule before anything is sent
// to the card, so a typing mistake never costs a try.
func (p PIN) Validate(s Secret) error {
	f, ok := s.format()
	if !ok {
		return failure.New(CodePINFormat, "unknown secret").With(DataSecret, string(s))
	}
	if !f.Accepts(p) {
		return failure.New(CodePINFormat, f.Rule).With(DataSecret, string(s))
	}
	return nil
}

// FormatOK reports whether what the person typed is acceptable for the
// secret once normalized — the one rule, for forms that check as people type.
// pin is not changed.
func FormatOK(s Secret, pin []byte) bool {
	p := append(PIN(nil), pin...)
	defer p.Wipe()
	p.Normalize(s)
	return p.Validate(s) == nil
}
