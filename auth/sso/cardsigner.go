package sso

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"

	"madoguchi/auth/card"
)

// CardSigner answers login challenges with a card session: it reads the
// (freely readable) auth certificate, then has the card sign through
// card.Signer, whose prompt shows the tries left before asking.
type CardSigner struct {
	// Do runs fn with the card session (e.g. card.Monitor.Do, which marks the
	// card busy); nil means use Session directly.
	Do      func(fn func(*card.Session) error) error
	Session *card.Session
	Prompt  card.PINPrompt
}

// SignChallenge implements CardLogin.
func (cs CardSigner) SignChallenge(ctx context.Context, challenge []byte) ([]byte, []byte, error) {
	var certDER, sig []byte
	run := func(s *card.Session) error {
		cert, err := s.ReadCertificate(ctx, card.CertAuth)
		if err != nil {
			return err
		}
		sg, err := card.NewSigner(ctx, s, card.KeyAuth, cert, cs.Prompt)
		if err != nil {
			return err
		}
		h := sha256.Sum256(challenge)
		sig, err = sg.Sign(rand.Reader, h[:], crypto.SHA256)
		certDER = cert.Raw
		return err
	}
	var err error
	if cs.Do != nil {
		err = cs.Do(run)
	} else {
		err = run(cs.Session)
	}
	return certDER, sig, err
}
