package sso

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"

	"madoguchi/auth/card"
)

// CardSigner is the card side of the login step: it reads the (freely
// readable) auth certificate, then has the card sign the login statement
// through card.Signer, whose prompt shows the tries left before asking.
type CardSigner struct {
	// Do runs fn with the card session (e.g. reader.Monitor.Do, which marks the
	// card busy); nil means use Session directly.
	Do      func(fn func(*card.Session) error) error
	Session *card.Session
	Prompt  card.PINPrompt
	// Ask, when set, asks the person's consent for scopes beyond the basics
	// before the card step (Consenter).
	Ask func(ctx context.Context, scopes []string) error
}

func (cs CardSigner) with(fn func(*card.Session) error) error {
	if cs.Do != nil {
		return cs.Do(fn)
	}
	return fn(cs.Session)
}

// AuthCertificate implements CardLogin.
func (cs CardSigner) AuthCertificate(ctx context.Context) ([]byte, error) {
	var der []byte
	err := cs.with(func(s *card.Session) error {
		cert, err := s.ReadCertificate(ctx, card.CertAuth)
		if err == nil {
			der = cert.Raw
		}
		return err
	})
	return der, err
}

// SignStatement implements CardLogin: PIN first (card.PINFirst), so the
// card is not held busy while the person types.
func (cs CardSigner) SignStatement(ctx context.Context, msg []byte) ([]byte, error) {
	var cert *x509.Certificate
	if err := cs.with(func(s *card.Session) error {
		var err error
		cert, err = s.ReadCertificate(ctx, card.CertAuth) // cached for the insertion
		return err
	}); err != nil {
		return nil, err
	}
	sg, err := card.NewSignerWith(ctx, cs.with, card.KeyAuth, cert, cs.Prompt)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(msg)
	return sg.Sign(rand.Reader, h[:], crypto.SHA256)
}

// Consent implements Consenter (no question when Ask is nil).
func (cs CardSigner) Consent(ctx context.Context, scopes []string) error {
	if cs.Ask == nil {
		return nil
	}
	return cs.Ask(ctx, scopes)
}
