package card_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"testing"

	"madoguchi/auth/card"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/fixtures"
)

func newCard(t testing.TB, id string) (*vcard.Card, *card.Session, fixtures.Resident) {
	t.Helper()
	r, err := fixtures.ByID(id)
	if err != nil {
		t.Fatal(err)
	}
	c, err := vcard.New(r)
	if err != nil {
		t.Fatal(err)
	}
	return c, card.NewSession(vcard.NewTransport(c), card.NewCache()), r
}

func pin(s string) card.PIN { return card.PIN(s) }

func TestIdentifyAndCerts(t *testing.T) {
	_, s, _ := newCard(t, "yamada-taro")
	k, err := s.Identify()
	if err != nil || k != card.KindMyNumberCard {
		t.Fatalf("Identify = %v, %v", k, err)
	}
	serial, _ := s.Serial()
	if serial != "MDGSBX0000001" {
		t.Fatalf("serial %q", serial)
	}
	ca, _ := fixtures.LoadCA()
	for _, f := range []card.CertFile{card.CertAuth, card.CertAuthCA, card.CertSignCA} {
		c, err := s.ReadCertificate(f)
		if err != nil {
			t.Fatalf("%v: %v", f, err)
		}
		if f == card.CertAuth {
			roots := x509.NewCertPool()
			caCert, _ := x509.ParseCertificate(ca.AuthCACert)
			roots.AddCert(caCert)
			if _, err := c.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
				t.Fatalf("auth cert does not chain to the sandbox CA: %v", err)
			}
		}
	}
	if _, err := s.ReadCertificate(card.CertSign); card.CodeOf(err) != card.CodeSecurityStatus {
		t.Fatalf("sign cert without password: %v", err)
	}
}

func TestCacheAvoidsRereading(t *testing.T) {
	c, s, _ := newCard(t, "yamada-taro")
	if _, err := s.Identify(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadCertificate(card.CertAuth); err != nil {
		t.Fatal(err)
	}
	before := c.APDUCount()
	// a new session on the same card (re-insertion) shares the cache by serial
	cache := card.NewCache()
	s1 := card.NewSession(vcard.NewTransport(c), cache)
	s1.Identify()
	s1.ReadCertificate(card.CertAuth)
	mid := c.APDUCount()
	s2 := card.NewSession(vcard.NewTransport(c), cache)
	s2.Identify()
	s2.ReadCertificate(card.CertAuth)
	after := c.APDUCount()
	if (after - mid) >= (mid - before) {
		t.Fatalf("cache did not save APDUs: first %d, second %d", mid-before, after-mid)
	}
}

func TestWrongThenRightPINResetsCounter(t *testing.T) {
	vc, s, r := newCard(t, "yamada-taro")
	err := s.Verify(card.SecretAuthPIN, pin("0000"), false)
	var ce *card.Error
	if !errors.As(err, &ce) || ce.Code != card.CodeWrongPIN || ce.TriesLeft != 2 {
		t.Fatalf("wrong PIN: %v", err)
	}
	if n, _ := s.TriesLeft(card.SecretAuthPIN); n != 2 {
		t.Fatalf("tries left %d", n)
	}
	if err := s.Verify(card.SecretAuthPIN, pin(r.AuthPIN), false); err != nil {
		t.Fatal(err)
	}
	if n := vc.TriesLeft(card.SecretAuthPIN); n != 3 {
		t.Fatalf("counter not reset: %d", n)
	}
}

func TestLastTryGuardAndLockout(t *testing.T) {
	vc, s, r := newCard(t, "sato-hana")
	for i := 0; i < 2; i++ {
		if err := s.Verify(card.SecretInputPIN, pin("9999"), false); card.CodeOf(err) != card.CodeWrongPIN {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	before := vc.TriesLeft(card.SecretInputPIN)
	// The right PIN is refused too without the explicit confirmation: the guard
	// is about the last try, not about the PIN being wrong.
	if err := s.Verify(card.SecretInputPIN, pin(r.InputPIN), false); card.CodeOf(err) != card.CodeLastTryUnconfirmed {
		t.Fatalf("last try without confirmation: %v", err)
	}
	if vc.TriesLeft(card.SecretInputPIN) != before {
		t.Fatal("the guard spent a try")
	}
	if err := s.Verify(card.SecretInputPIN, pin("9999"), true); !errors.Is(err, card.ErrPINBlocked) {
		t.Fatalf("confirmed wrong last try: %v", err)
	}
	if err := s.Verify(card.SecretInputPIN, pin(r.InputPIN), true); !errors.Is(err, card.ErrPINBlocked) {
		t.Fatalf("blocked PIN accepted: %v", err)
	}
	if n, err := s.TriesLeft(card.SecretInputPIN); n != 0 || err != nil {
		t.Fatalf("blocked tries = %d, %v", n, err)
	}
	// other secrets are unaffected
	if n, _ := s.TriesLeft(card.SecretAuthPIN); n != 3 {
		t.Fatalf("auth tries %d", n)
	}
}

func TestPINFormatSpendsNothing(t *testing.T) {
	vc, s, _ := newCard(t, "yamada-taro")
	n := vc.APDUCount()
	for _, p := range []string{"123", "12345", "12a4", ""} {
		if err := s.Verify(card.SecretAuthPIN, pin(p), false); card.CodeOf(err) != card.CodePINFormat {
			t.Fatalf("%q: %v", p, err)
		}
	}
	if vc.APDUCount() != n {
		t.Fatal("a malformed PIN reached the card")
	}
}

func TestPINIsWipedAfterUse(t *testing.T) {
	_, s, r := newCard(t, "yamada-taro")
	p := pin(r.AuthPIN)
	p = append(card.PIN(nil), p...)
	if err := s.Verify(card.SecretAuthPIN, p, false); err != nil {
		t.Fatal(err)
	}
	for _, b := range p {
		if b != 0 {
			t.Fatalf("PIN not wiped: %v", []byte(p))
		}
	}
	bad := card.PIN("12x")
	_ = s.Verify(card.SecretAuthPIN, bad, false)
	for _, b := range bad {
		if b != 0 {
			t.Fatal("malformed PIN not wiped")
		}
	}
}

func TestAttributesAndMyNumber(t *testing.T) {
	_, s, r := newCard(t, "nguyen-van-an")
	a, err := s.ReadAttributes(pin(r.InputPIN), false)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != r.Name || a.Address != r.Address || a.BirthDate.Format("20060102") != r.BirthDate || a.Sex != r.Sex {
		t.Fatalf("attributes %+v", a)
	}
	mn, err := s.ReadMyNumber(pin(r.InputPIN), false)
	if err != nil {
		t.Fatal(err)
	}
	if mn.Reveal() != r.MyNumber {
		t.Fatal("my number mismatch")
	}
	if got := mn.String(); got != "**** **** "+r.MyNumber[8:] {
		t.Fatalf("masked form %q", got)
	}
}

func TestChangePIN(t *testing.T) {
	_, s, r := newCard(t, "sato-kenji")
	if err := s.ChangePIN(card.SecretSignPassword, pin(r.SignPassword), pin("NEWPASS1"), false); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(card.SecretSignPassword, pin(r.SignPassword), false); card.CodeOf(err) != card.CodeWrongPIN {
		t.Fatalf("old password still works: %v", err)
	}
	if err := s.Verify(card.SecretSignPassword, pin("NEWPASS1"), false); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangePIN(card.SecretAuthPIN, pin(r.AuthPIN), pin("12"), false); card.CodeOf(err) != card.CodePINFormat {
		t.Fatalf("bad new PIN: %v", err)
	}
}

func TestSignerAuthAndSign(t *testing.T) {
	_, s, r := newCard(t, "yamada-taro")
	for _, key := range []card.Key{card.KeyAuth, card.KeySign} {
		var cert *x509.Certificate
		var err error
		secretOf := map[card.Secret]string{card.SecretAuthPIN: r.AuthPIN, card.SecretSignPassword: r.SignPassword}
		if key == card.KeyAuth {
			cert, err = s.ReadCertificate(card.CertAuth)
		} else {
			cert, err = s.ReadSignCertificate(pin(r.SignPassword), false)
		}
		if err != nil {
			t.Fatal(err)
		}
		var asked []int
		prompt := func(_ context.Context, sec card.Secret, tries int) (card.PIN, bool, error) {
			asked = append(asked, tries)
			return card.PIN(secretOf[sec]), false, nil
		}
		sg, err := card.NewSigner(context.Background(), s, key, cert, prompt)
		if err != nil {
			t.Fatal(err)
		}
		var _ crypto.Signer = sg
		h := sha256.Sum256([]byte("bundle"))
		sig, err := sg.Sign(rand.Reader, h[:], crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, h[:], sig); err != nil {
			t.Fatalf("%v signature does not verify: %v", key, err)
		}
		if len(asked) != 1 || asked[0] != key.Secret().MaxTries() {
			t.Fatalf("prompt saw tries %v", asked)
		}
		if _, err := sg.Sign(rand.Reader, h[:], &rsa.PSSOptions{Hash: crypto.SHA256}); card.CodeOf(err) != card.CodeUnsupportedHash {
			t.Fatalf("PSS: %v", err)
		}
	}
	id, err := card.ParseJPKIIdentity(mustSignCert(t, s, r))
	if err != nil || id.Name != r.Name || id.Address != r.Address || id.BirthDate != r.BirthDate || id.Sex != r.Sex {
		t.Fatalf("identity %+v %v", id, err)
	}
}

func mustSignCert(t *testing.T, s *card.Session, r fixtures.Resident) *x509.Certificate {
	c, err := s.ReadSignCertificate(pin(r.SignPassword), false)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestChildHasNoSignCertificate(t *testing.T) {
	_, s, _ := newCard(t, "yamada-yui")
	if _, err := s.TriesLeft(card.SecretSignPassword); card.CodeOf(err) != card.CodeNoSignCert {
		t.Fatalf("tries: %v", err)
	}
	if _, err := s.ReadCertificate(card.CertSignCA); card.CodeOf(err) != card.CodeNoSignCert {
		t.Fatalf("sign CA: %v", err)
	}
}

func TestCardRemovedMidRead(t *testing.T) {
	vc, s, _ := newCard(t, "yamada-taro")
	if _, err := s.Identify(); err != nil {
		t.Fatal(err)
	}
	vc.RemoveAfter(3)
	if _, err := s.ReadCertificate(card.CertAuth); !errors.Is(err, card.ErrCardRemoved) {
		t.Fatalf("removed: %v", err)
	}
	vc.Insert()
	s2 := card.NewSession(vcard.NewTransport(vc), nil)
	if _, err := s2.ReadCertificate(card.CertAuth); err != nil {
		t.Fatalf("after re-insert: %v", err)
	}
}
