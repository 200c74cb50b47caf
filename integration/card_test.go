package integration

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"madoguchi/auth/card"
	"madoguchi/auth/pcsc"
	"madoguchi/auth/reader"
	"madoguchi/i18n/failure"
)

func TestPCSCIdentifyAndCertificates(t *testing.T) {
	insert(t, "yamada-taro")
	s := connect(t)
	if atr := s.Transport().ATR(); len(atr) == 0 || atr[0] != 0x3B {
		t.Fatalf("ATR %X", atr)
	}
	k, err := s.Identify(context.Background())
	if err != nil || k != card.KindMyNumberCard {
		t.Fatalf("identify: %v %v", k, err)
	}
	for _, f := range []card.CertFile{card.CertAuth, card.CertAuthCA, card.CertSignCA} {
		c, err := s.ReadCertificate(context.Background(), f)
		if err != nil {
			t.Fatalf("%v: %v", f, err)
		}
		if c.PublicKey.(*rsa.PublicKey).N.BitLen() != 2048 {
			t.Fatalf("%v: not RSA-2048", f)
		}
	}
}

func TestPCSCPINCountersWrongThenRight(t *testing.T) {
	vc, r := insert(t, "sato-kenji")
	s := connect(t)
	for _, sec := range card.Secrets {
		n, err := s.TriesLeft(context.Background(), sec)
		if err != nil || n != sec.MaxTries() {
			t.Fatalf("%s: %d %v", sec, n, err)
		}
	}
	err := s.Verify(context.Background(), card.SecretAuthPIN, card.PIN("0000"), false)
	if failure.CodeOf(err) != card.CodeWrongPIN || card.TriesLeftOf(err) != 2 {
		t.Fatalf("wrong PIN: %v", err)
	}
	if err := s.Verify(context.Background(), card.SecretAuthPIN, card.PIN(r.AuthPIN), false); err != nil {
		t.Fatal(err)
	}
	if n := vc.TriesLeft(string(card.SecretAuthPIN)); n != 3 {
		t.Fatalf("counter after right PIN: %d", n)
	}
}

func TestPCSCLockoutAndLastTryGuard(t *testing.T) {
	vc, r := insert(t, "sato-hana")
	s := connect(t)
	for i := 0; i < 2; i++ {
		if err := s.Verify(context.Background(), card.SecretAuthPIN, card.PIN("1111"), false); failure.CodeOf(err) != card.CodeWrongPIN {
			t.Fatal(err)
		}
	}
	if err := s.Verify(context.Background(), card.SecretAuthPIN, card.PIN(r.AuthPIN), false); failure.CodeOf(err) != card.CodeLastTryUnconfirmed {
		t.Fatalf("guard: %v", err)
	}
	if vc.TriesLeft(string(card.SecretAuthPIN)) != 1 {
		t.Fatal("guard spent a try")
	}
	if err := s.Verify(context.Background(), card.SecretAuthPIN, card.PIN("1111"), true); !errors.Is(err, card.ErrPINBlocked) {
		t.Fatalf("last wrong try: %v", err)
	}
	if err := s.Verify(context.Background(), card.SecretAuthPIN, card.PIN(r.AuthPIN), true); !errors.Is(err, card.ErrPINBlocked) {
		t.Fatalf("blocked: %v", err)
	}
}

func TestPCSCSignAndVerify(t *testing.T) {
	_, r := insert(t, "yamada-taro")
	s := connect(t)
	cert, err := s.ReadCertificate(context.Background(), card.CertAuth)
	if err != nil {
		t.Fatal(err)
	}
	sg, err := card.NewSigner(context.Background(), s, card.KeyAuth, cert,
		func(context.Context, card.Secret, int) (card.PIN, bool, error) {
			return card.PIN(r.AuthPIN), false, nil
		})
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte("login nonce"))
	sig, err := sg.Sign(rand.Reader, h[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, h[:], sig); err != nil {
		t.Fatal(err)
	}
	scert, err := s.ReadSignCertificate(context.Background(), card.PIN(r.SignPassword), false)
	if err != nil {
		t.Fatal(err)
	}
	di, _ := card.DigestInfo(crypto.SHA256, h[:])
	sig, err = s.SignDigestInfo(context.Background(), card.KeySign, di, card.PIN(r.SignPassword), false)
	if err != nil {
		t.Fatal(err)
	}
	if err := rsa.VerifyPKCS1v15(scert.PublicKey.(*rsa.PublicKey), crypto.SHA256, h[:], sig); err != nil {
		t.Fatal(err)
	}
}

// The card is pulled out in the middle of a certificate read: the client
// returns the typed error without hanging, and the monitor recovers when the
// card comes back.
func TestPCSCCardRemovedMidReadAndRecovers(t *testing.T) {
	vc, _ := insert(t, "yamada-taro")
	b, err := pcsc.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	m := reader.NewMonitor(b, reader0)
	events := m.Subscribe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Run(ctx)
	waitState(t, events, reader.StateIdentified)
	before := readerEvents(t)

	vc.RemoveAfter(3) // select EF, first chunk, then gone
	errc := make(chan error, 1)
	go func() {
		errc <- m.Do(func(s *card.Session) error {
			_, err := s.ReadCertificate(context.Background(), card.CertAuth)
			return err
		})
	}()
	select {
	case err := <-errc:
		if !errors.Is(err, card.ErrCardRemoved) {
			t.Fatalf("want CARD-REMOVED, got %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("read hung after card removal")
	}
	waitState(t, events, reader.StateEmpty)
	// pcsclite polls vpcd for presence every 400 ms; a physical card cannot be
	// back in the reader before pcscd has seen it leave, so neither may ours.
	waitReaderEvents(t, before)
	vc.Insert()
	waitState(t, events, reader.StateIdentified)
	if err := m.Do(func(s *card.Session) error {
		_, err := s.ReadCertificate(context.Background(), card.CertAuth)
		return err
	}); err != nil {
		t.Fatalf("after re-insert: %v", err)
	}
}

func waitState(t *testing.T, events <-chan reader.Event, want reader.State) reader.Event {
	t.Helper()
	timeout := time.After(15 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.State == want {
				return ev
			}
		case <-timeout:
			t.Fatalf("state %v never reached", want)
		}
	}
}

func readerEvents(t *testing.T) int {
	t.Helper()
	b, err := pcsc.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rs, err := b.Status()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Name == reader0 {
			return r.Events
		}
	}
	t.Fatalf("no reader %q", reader0)
	return 0
}

func waitReaderEvents(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if readerEvents(t) != before {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("pcscd never saw the card leave")
}
