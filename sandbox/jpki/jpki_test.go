package jpki

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"testing"
	"time"

	"madoguchi/auth/card"
	"madoguchi/i18n/failure"
	"madoguchi/protocol/cardlogin"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/card/inproc"
	"madoguchi/sandbox/fixtures"
)

// login has the resident's virtual card sign the challenge with the auth key,
// as the app will during sign-in, and returns the certificate and signature.
func login(t *testing.T, id string, challenge []byte) ([]byte, []byte) {
	t.Helper()
	r, _ := fixtures.ByID(id)
	c, err := vcard.New(r)
	if err != nil {
		t.Fatal(err)
	}
	s := card.NewSession(inproc.NewTransport(c))
	cert, err := s.ReadCertificate(context.Background(), card.CertAuth)
	if err != nil {
		t.Fatal(err)
	}
	sg, _ := card.NewSigner(context.Background(), s, card.KeyAuth, cert,
		func(context.Context, card.Secret, int) (card.PIN, bool, error) {
			return card.PIN(r.AuthPIN), false, nil
		})
	h := sha256.Sum256(challenge)
	sig, err := sg.Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	return cert.Raw, sig
}

func TestVerifyCardLogin(t *testing.T) {
	ca, _ := fixtures.LoadCA()
	v, err := NewVerifier(ca)
	if err != nil {
		t.Fatal(err)
	}
	v.Now = func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) }
	challenge := []byte("nonce-3f1c")

	cert, sig := login(t, "yamada-taro", challenge)
	if _, err := v.Verify(cert, challenge, sig); err != nil {
		t.Fatalf("valid login refused: %v", err)
	}
	// the moved resident's signature certificate is revoked, her auth certificate is not
	cert, sig = login(t, "suzuki-hanako", challenge)
	if _, err := v.Verify(cert, challenge, sig); err != nil {
		t.Fatalf("moved resident: %v", err)
	}

	refusals := []struct {
		name string
		id   string
		mod  func(cert, ch, sig []byte) ([]byte, []byte, []byte)
		want failure.Code
	}{
		{"expired", "tanaka-ichiro", nil, cardlogin.CodeCertExpired},
		{"revoked (card lost)", "kato-lost", nil, cardlogin.CodeCertRevoked},
		{"signature over another challenge", "yamada-taro", func(c, ch, s []byte) ([]byte, []byte, []byte) {
			return c, []byte("replayed-nonce"), s
		}, cardlogin.CodeSignatureInvalid},
		{"tampered signature", "yamada-taro", func(c, ch, s []byte) ([]byte, []byte, []byte) {
			s = append([]byte(nil), s...)
			s[10] ^= 1
			return c, ch, s
		}, cardlogin.CodeSignatureInvalid},
		{"garbage certificate", "yamada-taro", func(c, ch, s []byte) ([]byte, []byte, []byte) { return c[:40], ch, s }, cardlogin.CodeCertMalformed},
		{"signature certificate presented", "sato-hana", func(c, ch, s []byte) ([]byte, []byte, []byte) {
			r, _ := fixtures.ByID("sato-hana")
			k, _ := r.Keys()
			return k.SignCert, ch, s
		}, cardlogin.CodeCertUntrusted},
	}
	for _, c := range refusals {
		cert, sig := login(t, c.id, challenge)
		ch := challenge
		if c.mod != nil {
			cert, ch, sig = c.mod(cert, ch, sig)
		}
		_, err := v.Verify(cert, ch, sig)
		if failure.CodeOf(err) != c.want {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
	}

	v.Now = func() time.Time { return time.Date(2037, 1, 1, 0, 0, 0, 0, time.UTC) }
	cert, sig = login(t, "sato-kenji", challenge)
	if _, err := v.Verify(cert, challenge, sig); failure.CodeOf(err) != cardlogin.CodeCertExpired {
		t.Errorf("in 2037: %v", err)
	}
}
