package card_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"strings"
	"testing"

	"madoguchi/auth/card"
	"madoguchi/i18n/failure"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/card/inproc"
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
	return c, card.NewSession(inproc.NewTransport(c)), r
}

func pin(s string) card.PIN { return card.PIN(s) }

func TestIdentifyAndCerts(t *testing.T) {
	_, s, _ := newCard(t, "yamada-taro")
	k, err := s.Identify(context.Background())
	if err != nil || k != card.KindMyNumberCard {
		t.Fatalf("Identify = %v, %v", k, err)
	}
	ca, _ := fixtures.LoadCA()
	for _, f := range []card.CertFile{card.CertAuth, card.CertAuthCA, card.CertSignCA} {
		c, err := s.ReadCertificate(context.Background(), f)
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
	if _, err := s.ReadCertificate(context.Background(), card.CertSign); failure.CodeOf(err) != card.CodeSecurityStatus {
		t.Fatalf("sign cert without password: %v", err)
	}
}

// Within one insertion the freely readable certificates are read once; a
// new insertion (a new session) reads them again: no serial read is spent on
// a cache that dies with the process.
func TestCertificatesCachedPerInsertion(t *testing.T) {
	ctx := context.Background()
	c, s, _ := newCard(t, "yamada-taro")
	before := c.APDUCount()
	if _, err := s.ReadCertificate(ctx, card.CertAuth); err != nil {
		t.Fatal(err)
	}
	first := c.APDUCount() - before
	before = c.APDUCount()
	if _, err := s.ReadCertificate(ctx, card.CertAuth); err != nil {
		t.Fatal(err)
	}
	if again := c.APDUCount() - before; again != 0 {
		t.Fatalf("second read in the same insertion sent %d APDUs", again)
	}
	s2 := card.NewSession(inproc.NewTransport(c))
	before = c.APDUCount()
	if _, err := s2.ReadCertificate(ctx, card.CertAuth); err != nil {
		t.Fatal(err)
	}
	if n := c.APDUCount() - before; n != first {
		t.Fatalf("new insertion: %d APDUs, first read %d", n, first)
	}
	if c.CommandCount(0xB2) != 0 {
		t.Fatal("the card serial (READ RECORD) was read")
	}
}

func TestWrongThenRightPINResetsCounter(t *testing.T) {
	vc, s, r := newCard(t, "yamada-taro")
	err := s.Verify(context.Background(), card.SecretAuthPIN, pin("0000"), false)
	if failure.CodeOf(err) != card.CodeWrongPIN || card.TriesLeftOf(err) != 2 {
		t.Fatalf("wrong PIN: %v", err)
	}
	if n, _ := s.TriesLeft(context.Background(), card.SecretAuthPIN); n != 2 {
		t.Fatalf("tries left %d", n)
	}
	if err := s.Verify(context.Background(), card.SecretAuthPIN, pin(r.AuthPIN), false); err != nil {
		t.Fatal(err)
	}
	if n := vc.TriesLeft(string(card.SecretAuthPIN)); n != 3 {
		t.Fatalf("counter not reset: %d", n)
	}
}

func TestLastTryGuardAndLockout(t *testing.T) {
	vc, s, r := newCard(t, "sato-hana")
	for i := 0; i < 2; i++ {
		if err := s.Verify(context.Background(), card.SecretInputPIN, pin("9999"), false); failure.CodeOf(err) != card.CodeWrongPIN {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	before := vc.TriesLeft(string(card.SecretInputPIN))
	// The right PIN is refused too without the explicit confirmation: the guard
	// is about the last try, not about the PIN being wrong.
	if err := s.Verify(context.Background(), card.SecretInputPIN, pin(r.InputPIN), false); failure.CodeOf(err) != card.CodeLastTryUnconfirmed {
		t.Fatalf("last try without confirmation: %v", err)
	}
	if vc.TriesLeft(string(card.SecretInputPIN)) != before {
		t.Fatal("the guard spent a try")
	}
	if err := s.Verify(context.Background(), card.SecretInputPIN, pin("9999"), true); !errors.Is(err, card.ErrPINBlocked) {
		t.Fatalf("confirmed wrong last try: %v", err)
	}
	if err := s.Verify(context.Background(), card.SecretInputPIN, pin(r.InputPIN), true); !errors.Is(err, card.ErrPINBlocked) {
		t.Fatalf("blocked PIN accepted: %v", err)
	}
	if n, err := s.TriesLeft(context.Background(), card.SecretInputPIN); n != 0 || err != nil {
		t.Fatalf("blocked tries = %d, %v", n, err)
	}
	// other secrets are unaffected
	if n, _ := s.TriesLeft(context.Background(), card.SecretAuthPIN); n != 3 {
		t.Fatalf("auth tries %d", n)
	}
}

func TestPINFormatSpendsNothing(t *testing.T) {
	vc, s, _ := newCard(t, "yamada-taro")
	n := vc.APDUCount()
	for _, p := range []string{"123", "12345", "12a4", ""} {
		if err := s.Verify(context.Background(), card.SecretAuthPIN, pin(p), false); failure.CodeOf(err) != card.CodePINFormat {
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
	if err := s.Verify(context.Background(), card.SecretAuthPIN, p, false); err != nil {
		t.Fatal(err)
	}
	for _, b := range p {
		if b != 0 {
			t.Fatalf("PIN not wiped: %v", []byte(p))
		}
	}
	bad := card.PIN("12x")
	_ = s.Verify(context.Background(), card.SecretAuthPIN, bad, false)
	for _, b := range bad {
		if b != 0 {
			t.Fatal("malformed PIN not wiped")
		}
	}
}

func TestAttributesAndMyNumber(t *testing.T) {
	_, s, r := newCard(t, "nguyen-van-an")
	a, err := s.ReadAttributes(context.Background(), pin(r.InputPIN), false)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != r.Name || a.Address != r.Address || a.BirthDate.Format("20060102") != r.BirthDate || a.Sex != r.Sex {
		t.Fatalf("attributes %+v", a)
	}
	mn, err := s.ReadMyNumber(context.Background(), pin(r.InputPIN), false)
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
	if err := s.ChangePIN(context.Background(), card.SecretSignPassword, pin(r.SignPassword), pin("NEWPASS1"), false); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(context.Background(), card.SecretSignPassword, pin(r.SignPassword), false); failure.CodeOf(err) != card.CodeWrongPIN {
		t.Fatalf("old password still works: %v", err)
	}
	if err := s.Verify(context.Background(), card.SecretSignPassword, pin("NEWPASS1"), false); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangePIN(context.Background(), card.SecretAuthPIN, pin(r.AuthPIN), pin("12"), false); failure.CodeOf(err) != card.CodePINFormat {
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
			cert, err = s.ReadCertificate(context.Background(), card.CertAuth)
		} else {
			cert, err = s.ReadSignCertificate(context.Background(), pin(r.SignPassword), false)
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
		if _, err := sg.Sign(rand.Reader, h[:], &rsa.PSSOptions{Hash: crypto.SHA256}); failure.CodeOf(err) != card.CodeUnsupportedHash {
			t.Fatalf("PSS: %v", err)
		}
	}
	id, err := card.ParseJPKIIdentity(mustSignCert(t, s, r))
	if err != nil || id.Name != r.Name || id.Address != r.Address || id.BirthDate != r.BirthDate || id.Sex != r.Sex {
		t.Fatalf("identity %+v %v", id, err)
	}
}

func mustSignCert(t *testing.T, s *card.Session, r fixtures.Resident) *x509.Certificate {
	c, err := s.ReadSignCertificate(context.Background(), pin(r.SignPassword), false)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestChildHasNoSignCertificate(t *testing.T) {
	_, s, _ := newCard(t, "yamada-yui")
	if _, err := s.TriesLeft(context.Background(), card.SecretSignPassword); failure.CodeOf(err) != card.CodeNoSignCert {
		t.Fatalf("tries: %v", err)
	}
	if _, err := s.ReadCertificate(context.Background(), card.CertSignCA); failure.CodeOf(err) != card.CodeNoSignCert {
		t.Fatalf("sign CA: %v", err)
	}
}

func TestCardRemovedMidRead(t *testing.T) {
	vc, s, _ := newCard(t, "yamada-taro")
	if _, err := s.Identify(context.Background()); err != nil {
		t.Fatal(err)
	}
	vc.RemoveAfter(3)
	if _, err := s.ReadCertificate(context.Background(), card.CertAuth); !errors.Is(err, card.ErrCardRemoved) {
		t.Fatalf("removed: %v", err)
	}
	vc.Insert()
	s2 := card.NewSession(inproc.NewTransport(vc))
	if _, err := s2.ReadCertificate(context.Background(), card.CertAuth); err != nil {
		t.Fatalf("after re-insert: %v", err)
	}
}

// The signing password typed in lower case is accepted: the card layer
// normalizes before its one format check (no try spent on case).
func TestSignPasswordLowerCase(t *testing.T) {
	vc, s, r := newCard(t, "yamada-taro")
	lower := []byte(strings.ToLower(r.SignPassword))
	if _, err := s.ReadSignCertificate(t.Context(), card.PIN(lower), false); err != nil {
		t.Fatalf("lower-case signing password: %v", err)
	}
	if n := vc.TriesLeft(string(card.SecretSignPassword)); n != 5 {
		t.Fatalf("counter %d", n)
	}
}

// The free certificates are read in one transaction: one SELECT of the JPKI
// AP for all of them; a child's card lacks only the signature CA.
func TestReadCertificatesInOneTransaction(t *testing.T) {
	ctx := t.Context()
	c, one, _ := newCard(t, "yamada-taro")
	files := []card.CertFile{card.CertAuth, card.CertAuthCA, card.CertSignCA}
	for _, f := range files {
		if _, err := one.ReadCertificate(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	all := card.NewSession(inproc.NewTransport(c))
	certs, errs := all.ReadCertificates(ctx, files...)
	for i := range files {
		if errs[i] != nil || certs[i] == nil {
			t.Fatalf("%v: %v", files[i], errs[i])
		}
	}
	if a, b := one.Stats().APDUs, all.Stats().APDUs; b != a-2 {
		t.Fatalf("%d APDUs together, %d one by one", b, a)
	}
	_, child, _ := newCard(t, "yamada-yui")
	certs, errs = child.ReadCertificates(ctx, files...)
	if certs[0] == nil || certs[1] == nil || failure.CodeOf(errs[2]) != card.CodeNoSignCert {
		t.Fatalf("child's card: %v", errs)
	}
}
