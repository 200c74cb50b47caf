package card

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"io"

	"madoguchi/i18n/failure"
)

// DigestInfo prefixes (RFC 8017 §9.2 note 1) for the hashes the card can sign.
var digestInfoPrefix = map[crypto.Hash][]byte{
	crypto.SHA256: {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
	crypto.SHA384: {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30},
	crypto.SHA512: {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40},
}

// DigestInfo builds the DER DigestInfo for a digest made with h.
func DigestInfo(h crypto.Hash, digest []byte) ([]byte, error) {
	prefix, ok := digestInfoPrefix[h]
	if !ok {
		return nil, &failure.Error{Code: CodeUnsupportedHash, Detail: "hash " + h.String() + " not supported by the card signer"}
	}
	if len(digest) != h.Size() {
		return nil, &failure.Error{Code: CodeUnsupportedHash, Detail: "digest length does not match the hash"}
	}
	out := make([]byte, 0, len(prefix)+len(digest))
	return append(append(out, prefix...), digest...), nil
}

// PINPrompt asks the person for a secret. It is called with the tries left
// (read from the card without spending one) before anything is sent, and
// returns the PIN and whether the person explicitly agreed to spend the last
// try. Returning an error cancels the operation.
type PINPrompt func(ctx context.Context, sec Secret, triesLeft int) (pin PIN, confirmLastTry bool, err error)

// Signer is a crypto.Signer backed by a JPKI key on the card, so Go's TLS,
// X.509 and JOSE code can sign with the card. Only RSA PKCS#1 v1.5 with
// SHA-256/384/512 is possible (the card pads PKCS#1 v1.5 itself).
type Signer struct {
	run    Runner
	key    Key
	cert   *x509.Certificate
	prompt PINPrompt
	ctx    context.Context
}

// NewSigner returns a signer for the key. cert is the key's certificate (the
// auth certificate is freely readable; the signature certificate is read with
// ReadSignCertificate first).
func NewSigner(ctx context.Context, s *Session, key Key, cert *x509.Certificate, prompt PINPrompt) (*Signer, error) {
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return nil, dataErr("certificate key is not RSA")
	}
	return &Signer{run: Direct(s), key: key, cert: cert, prompt: prompt, ctx: ctx}, nil
}

// NewSignerWith is NewSigner for a card reached through run (Monitor.Do):
// the card is busy only while it works, not while the person types.
func NewSignerWith(ctx context.Context, run Runner, key Key, cert *x509.Certificate, prompt PINPrompt) (*Signer, error) {
	if _, ok := cert.PublicKey.(*rsa.PublicKey); !ok {
		return nil, dataErr("certificate key is not RSA")
	}
	return &Signer{run: run, key: key, cert: cert, prompt: prompt, ctx: ctx}, nil
}

// Public returns the key's public key from its certificate.
func (sg *Signer) Public() crypto.PublicKey { return sg.cert.PublicKey }

// Certificate returns the key's certificate.
func (sg *Signer) Certificate() *x509.Certificate { return sg.cert }

// Sign asks for the PIN (showing tries left) and has the card sign digest.
func (sg *Signer) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if _, pss := opts.(*rsa.PSSOptions); pss {
		return nil, &failure.Error{Code: CodeUnsupportedHash, Detail: "the card signs PKCS#1 v1.5 only, not PSS"}
	}
	di, err := DigestInfo(opts.HashFunc(), digest)
	if err != nil {
		return nil, err
	}
	var sig []byte
	err = PINFirst(sg.ctx, sg.run, sg.key.secret(), sg.prompt, func(s *Session, pin PIN, confirm bool) error {
		var err error
		sig, err = s.SignDigestInfo(sg.ctx, sg.key, di, pin, confirm)
		return err
	})
	return sig, err
}
