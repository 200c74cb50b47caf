// Package jpki owns the relying-party side of JPKI user authentication in the
// sandbox municipality: given the certificate a card presented and its
// signature over a challenge, it verifies the signature, the chain to the
// sandbox JPKI user-authentication CA, the validity period, the key usage and
// revocation (the CA's CRL). The sandbox OpenID Provider's card login builds
// on it. Each refusal has a stable failure code.
package jpki

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/cardlogin"
	"madoguchi/sandbox/fixtures"
)

// Verifier checks JPKI user-authentication signatures.
type Verifier struct {
	roots *x509.CertPool
	ca    *x509.Certificate
	crl   *x509.RevocationList
	// Now is the clock (tests set it).
	Now func() time.Time
}

// NewVerifier trusts the sandbox auth CA and uses its CRL, whose signature is
// checked here once.
func NewVerifier(ca fixtures.CA) (*Verifier, error) {
	caCert, err := x509.ParseCertificate(ca.AuthCACert)
	if err != nil {
		return nil, err
	}
	crl, err := x509.ParseRevocationList(ca.AuthCRL)
	if err != nil {
		return nil, err
	}
	if err := crl.CheckSignatureFrom(caCert); err != nil {
		return nil, fmt.Errorf("jpki: CRL not signed by the auth CA: %w", err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(caCert)
	return &Verifier{roots: roots, ca: caCert, crl: crl, Now: time.Now}, nil
}

// Verify checks that certDER is a valid, unrevoked user-authentication
// certificate of the sandbox JPKI and that sig is its PKCS#1 v1.5 SHA-256
// signature over challenge. It returns the certificate.
func (v *Verifier) Verify(certDER, challenge, sig []byte) (*x509.Certificate, error) {
	cert, err := v.CheckCertificate(certDER)
	if err != nil {
		return nil, err
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, failure.New(cardlogin.CodeCertMalformed, "not an RSA key")
	}
	h := sha256.Sum256(challenge)
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig); err != nil {
		return nil, failure.New(cardlogin.CodeSignatureInvalid, "signature does not verify")
	}
	return cert, nil
}

// CheckCertificate checks an auth certificate alone (chain, validity, key
// usage, CRL): what a provider can refuse before any PIN is asked.
func (v *Verifier) CheckCertificate(certDER []byte) (*x509.Certificate, error) {
	cert, err := x509.ParseCertificate(certDER)
	if err != nil {
		return nil, failure.New(cardlogin.CodeCertMalformed, err.Error())
	}
	now := v.Now()
	// Validity first, so an expired card gets "expired", not a generic chain error.
	if now.After(cert.NotAfter) {
		return nil, failure.New(cardlogin.CodeCertExpired, "expired "+cert.NotAfter.Format(time.RFC3339))
	}
	if now.Before(cert.NotBefore) {
		return nil, failure.New(cardlogin.CodeCertNotYetValid, "valid from "+cert.NotBefore.Format(time.RFC3339))
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: v.roots, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		var inv x509.CertificateInvalidError
		if errors.As(err, &inv) && inv.Reason == x509.IncompatibleUsage {
			return nil, failure.New(cardlogin.CodeCertUsage, err.Error())
		}
		return nil, failure.New(cardlogin.CodeCertUntrusted, err.Error())
	}
	if cert.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return nil, failure.New(cardlogin.CodeCertUsage, "no digitalSignature key usage")
	}
	if now.After(v.crl.NextUpdate) {
		return nil, failure.New(cardlogin.CodeCRLUnavailable, "CRL is stale")
	}
	for _, e := range v.crl.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
			return nil, failure.New(cardlogin.CodeCertRevoked, "revoked "+e.RevocationTime.Format(time.RFC3339))
		}
	}
	return cert, nil
}
