package sso_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"math/big"
	"testing"
	"time"

	"madoguchi/auth/card"
	"madoguchi/auth/sso"
	"madoguchi/i18n/failure"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/card/inproc"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/idp"
)

func startIdP(t *testing.T, cfg idp.Config) *idp.Server {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	s, err := idp.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func client(t *testing.T, s *idp.Server) *sso.Client {
	t.Helper()
	c, err := sso.New(context.Background(), sso.Profile{ID: "sandbox", Issuer: s.Issuer, ClientID: idp.AppClientID,
		Scopes: sso.DefaultScopes, CAFile: s.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// signer is the resident's virtual card answering with the given PIN.
func signer(t testing.TB, id, pin string) (sso.CardSigner, *vcard.Card) {
	t.Helper()
	c, err := vcard.NewByID(id)
	if err != nil {
		t.Fatal(err)
	}
	if pin == "" {
		r, _ := fixtures.ByID(id)
		pin = r.AuthPIN
	}
	return sso.CardSigner{Session: card.NewSession(inproc.NewTransport(c)),
		Prompt: func(_ context.Context, _ card.Secret, tries int) (card.PIN, bool, error) {
			return card.PIN(pin), false, nil
		}}, c
}

func TestLoginRefreshRevoke(t *testing.T) {
	s := startIdP(t, idp.Config{})
	c := client(t, s)
	ctx := context.Background()
	cs, _ := signer(t, "yamada-taro", "")
	tok, err := c.Login(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Claims.Subject == "" || tok.RefreshToken == "" || tok.AccessToken == "" || tok.Claims.ACR != idp.ACR {
		t.Fatalf("%+v", tok)
	}
	ui, err := c.UserInfo(ctx, tok.AccessToken)
	if err != nil || ui["name"] != "山田 太郎" || ui["birthdate"] != "1985-04-12" || ui["gender"] != "male" {
		t.Fatalf("userinfo %v %v", ui, err)
	}
	if _, ok := ui["my_number"]; ok {
		t.Fatal("the My Number left the provider")
	}
	// the same resident signs in again: the same pairwise subject
	cs2, _ := signer(t, "yamada-taro", "")
	tok2, err := c.Login(ctx, cs2)
	if err != nil || tok2.Claims.Subject != tok.Claims.Subject {
		t.Fatalf("subject not stable: %v %v", tok2, err)
	}
	// refresh rotates; replaying the spent token revokes the family
	r1, err := c.Refresh(ctx, tok.RefreshToken)
	if err != nil || r1.RefreshToken == "" || r1.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh: %+v %v", r1, err)
	}
	if _, err := c.Refresh(ctx, tok.RefreshToken); failure.CodeOf(err) != sso.CodeSessionExpired {
		t.Fatalf("replayed refresh token: %v", err)
	}
	if _, err := c.Refresh(ctx, r1.RefreshToken); failure.CodeOf(err) != sso.CodeSessionExpired {
		t.Fatalf("family not revoked after replay: %v", err)
	}
	// revocation (sign-out)
	if err := c.Revoke(ctx, tok2.RefreshToken, "refresh_token"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Refresh(ctx, tok2.RefreshToken); failure.CodeOf(err) != sso.CodeSessionExpired {
		t.Fatalf("revoked refresh token still works: %v", err)
	}
}

func TestPairwiseSubjectsAndRestart(t *testing.T) {
	dir := t.TempDir()
	s := startIdP(t, idp.Config{DataDir: dir})
	c := client(t, s)
	ctx := context.Background()
	cs, _ := signer(t, "sato-hana", "")
	tok, err := c.Login(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	cs2, _ := signer(t, "sato-kenji", "")
	other, err := c.Login(ctx, cs2)
	if err != nil || other.Claims.Subject == tok.Claims.Subject {
		t.Fatalf("two residents, one subject: %v", err)
	}
	addr := s.Issuer[len("https://"):]
	s.Close()
	// restart on the same address and data: the refresh token still works
	s2 := startIdP(t, idp.Config{DataDir: dir, Addr: addr})
	c2 := client(t, s2)
	r, err := c2.Refresh(ctx, tok.RefreshToken)
	if err != nil || r.Claims.Subject != tok.Claims.Subject {
		t.Fatalf("after restart: %+v %v", r, err)
	}
}

func TestLoginRefusals(t *testing.T) {
	s := startIdP(t, idp.Config{})
	c := client(t, s)
	ctx := context.Background()
	for _, tc := range []struct {
		resident, pin string
		code          failure.Code
		provider      string
	}{
		{"tanaka-ichiro", "", sso.CodeLoginRefused, "AUTH-CERT-EXPIRED"},
		{"kato-lost", "", sso.CodeLoginRefused, "AUTH-CERT-REVOKED"},
	} {
		cs, _ := signer(t, tc.resident, tc.pin)
		_, err := c.Login(ctx, cs)
		if failure.CodeOf(err) != tc.code || sso.ProviderCodeOf(err) != tc.provider {
			t.Errorf("%s: %v, want %s/%s", tc.resident, err, tc.code, tc.provider)
		}
	}
	// wrong PIN: the card's typed error, with tries left
	cs, _ := signer(t, "yamada-taro", "0000")
	_, err := c.Login(ctx, cs)
	if failure.CodeOf(err) != card.CodeWrongPIN || card.TriesLeftOf(err) != 2 {
		t.Fatalf("wrong PIN: %v", err)
	}
	// card pulled out during login
	cs, vc := signer(t, "yamada-taro", "")
	vc.RemoveAfter(3)
	if _, err := c.Login(ctx, cs); !errors.Is(err, card.ErrCardRemoved) {
		t.Fatalf("card removed: %v", err)
	}
	_ = time.Second
}

func TestSessionRefreshesSilently(t *testing.T) {
	s := startIdP(t, idp.Config{AccessTTL: 90 * time.Second})
	c := client(t, s)
	ctx := context.Background()
	cs, _ := signer(t, "yamada-taro", "")
	tok, err := c.Login(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	var persisted []string
	sess := sso.NewSession(c, tok)
	sess.Persist = func(t *sso.Tokens) error { persisted = append(persisted, t.RefreshToken); return nil }
	at, err := sess.AccessToken(ctx)
	if err != nil || at != tok.AccessToken || len(persisted) != 0 {
		t.Fatalf("fresh token refreshed needlessly: %v %d", err, len(persisted))
	}
	// 40 s later the token is within a minute of expiry: refresh first
	c.Now = func() time.Time { return time.Now().Add(40 * time.Second) }
	at2, err := sess.AccessToken(ctx)
	if err != nil || at2 == tok.AccessToken || len(persisted) != 1 || persisted[0] == tok.RefreshToken {
		t.Fatalf("no silent refresh: %v %d", err, len(persisted))
	}
	if sess.Subject() != tok.Claims.Subject {
		t.Fatal("subject lost on refresh")
	}
	if err := sess.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Refresh(ctx, persisted[0]); failure.CodeOf(err) != sso.CodeSessionExpired {
		t.Fatalf("after sign-out: %v", err)
	}
}

// A renewed auth certificate (new key, new serial) registered for the same
// resident keeps the subject: subjects come from the resident, not the
// certificate.
func TestSubjectStableAcrossRenewal(t *testing.T) {
	s := startIdP(t, idp.Config{})
	c := client(t, s)
	ctx := context.Background()
	cs, _ := signer(t, "yamada-taro", "")
	before, err := c.Login(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := fixtures.ByID("yamada-taro")
	keys, _ := r.Keys()
	ca, _ := fixtures.LoadCA()
	caCert, _ := x509.ParseCertificate(ca.AuthCACert)
	old, _ := x509.ParseCertificate(keys.AuthCert)
	newKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(900001), Subject: old.Subject,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(5, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &newKey.PublicKey, ca.AuthCAKey)
	if err != nil {
		t.Fatal(err)
	}
	renewed := keys
	renewed.AuthKey, renewed.AuthCert = newKey, der
	vc, err := vcard.NewWithKeys(r, renewed)
	if err != nil {
		t.Fatal(err)
	}
	newCard := sso.CardSigner{Session: card.NewSession(inproc.NewTransport(vc)),
		Prompt: func(context.Context, card.Secret, int) (card.PIN, bool, error) {
			return card.PIN(r.AuthPIN), false, nil
		}}
	// not registered yet: refused
	if _, err := c.Login(ctx, newCard); sso.ProviderCodeOf(err) != "LOGIN-NOT-REGISTERED" {
		t.Fatalf("unregistered renewed certificate: %v", err)
	}
	if err := s.RegisterCertificate(ctx, idp.ResidentID("yamada-taro"), der); err != nil {
		t.Fatal(err)
	}
	after, err := c.Login(ctx, newCard)
	if err != nil || after.Claims.Subject != before.Claims.Subject {
		t.Fatalf("after renewal: %v, subject %q want %q", err, after.Claims.Subject, before.Claims.Subject)
	}
}

// A presentation goes to a recipient the profile lists, never a built-in one.
func TestProfileRecipients(t *testing.T) {
	var p sso.Profile
	if _, ok := p.RecipientByID(""); ok {
		t.Fatal("a recipient out of nowhere")
	}
	p.Recipients = []sso.Recipient{{ID: "employer", URL: "https://employer.example"}}
	if r, ok := p.RecipientByID(""); !ok || r.ID != "employer" {
		t.Fatal("the only recipient is not the default")
	}
	p.Recipients = append(p.Recipients, sso.Recipient{ID: "school", URL: "https://school.example"})
	if _, ok := p.RecipientByID(""); ok {
		t.Fatal("guessed among two recipients")
	}
	if r, ok := p.RecipientByID("school"); !ok || r.URL != "https://school.example" {
		t.Fatal("by id")
	}
}
