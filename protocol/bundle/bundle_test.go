package bundle

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"
	"time"

	"madoguchi/i18n/failure"
)

func testChain(t testing.TB) (*rsa.PrivateKey, []*x509.Certificate) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "test signer"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return key, []*x509.Certificate{c}
}

func sample() *Bundle {
	return &Bundle{Version: Version, ID: NewID(), Event: "moving", Municipality: "https://city.example", Subject: "sub-1",
		CreatedAt: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC),
		Applications: []Application{{Procedure: "moving-out-notice", Fields: map[string]any{"name": "山田 太郎", "move_date": "2026-12-20"},
			Sources: map[string]string{"name": "card", "move_date": "answer"}}}}
}

func signWith(key *rsa.PrivateKey) SignFunc {
	return func(di []byte) ([]byte, error) { return rsa.SignPKCS1v15(rand.Reader, key, crypto.Hash(0), di) }
}

// A bundle signed as the card signs (a DigestInfo in, PKCS#1 v1.5 out)
// parses back to the same content, with its chain.
func TestSignAndParse(t *testing.T) {
	key, chain := testChain(t)
	b := sample()
	jws, err := Sign(b, chain, signWith(key))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(jws)
	if err != nil {
		t.Fatal(err)
	}
	if s.Bundle.ID != b.ID || s.Bundle.Applications[0].Fields["name"] != "山田 太郎" || len(s.Chain) != 1 || !s.Chain[0].Equal(chain[0]) {
		t.Fatalf("%+v", s.Bundle)
	}
	canon, _ := b.Canonical()
	if string(canon) != string(s.Payload) {
		t.Fatal("the signed payload is not the canonical JSON")
	}
}

// Tampering, another key, a non-canonical payload, a wrong typ: refused
// with a code.
func TestParseRefuses(t *testing.T) {
	key, chain := testChain(t)
	other, _ := testChain(t)
	jws, _ := Sign(sample(), chain, signWith(key))
	parts := strings.Split(jws, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	tampered := strings.Replace(string(payload), "山田 太郎", "山田 次郎", 1)
	spaced := strings.Replace(string(payload), `{"applications"`, `{ "applications"`, 1)
	hdr, _ := base64.RawURLEncoding.DecodeString(parts[0])
	for name, c := range map[string]struct {
		jws  string
		code failure.Code
	}{
		"tampered payload":       {parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(tampered)) + "." + parts[2], CodeSignature},
		"signed by another key":  {func() string { j, _ := Sign(sample(), chain, signWith(other)); return j }(), CodeSignature},
		"not canonical":          {resign(t, key, hdr, spaced), CodeMalformed},
		"wrong typ":              {resign(t, key, []byte(strings.Replace(string(hdr), Type, "JWT", 1)), string(payload)), CodeMalformed},
		"not a JWS":              {"garbage", CodeMalformed},
		"no applications":        {func() string { b := sample(); b.Applications = nil; j, _ := Sign(b, chain, signWith(key)); return j }(), CodeMalformed},
		"an id too short to use": {func() string { b := sample(); b.ID = "1"; j, _ := Sign(b, chain, signWith(key)); return j }(), CodeMalformed},
	} {
		if _, err := Parse(c.jws); failure.CodeOf(err) != c.code {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// resign signs header and payload as given (to build malformed bundles).
func resign(t *testing.T, key *rsa.PrivateKey, hdr []byte, payload string) string {
	in := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
	h := crypto.SHA256.New()
	h.Write([]byte(in))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, h.Sum(nil))
	if err != nil {
		t.Fatal(err)
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func FuzzParse(f *testing.F) {
	key, chain := testChain(f)
	jws, _ := Sign(sample(), chain, signWith(key))
	f.Add(jws)
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, s string) {
		if b, err := Parse(s); err == nil && b.Bundle.ID == "" {
			t.Fatal("a bundle without an id parsed")
		}
	})
}
