package sdjwt

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"madoguchi/i18n/failure"
)

type fixture struct {
	issuer  Issuer
	holder  *ecdsa.PrivateKey
	policy  Policy
	now     time.Time
	cred    string
	seen    map[string]bool
	otherIs Issuer
}

func newFixture(t testing.TB) *fixture {
	ik, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	hk, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ok, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	f := &fixture{
		issuer:  Issuer{ID: "https://sandbox.example/city", Key: ik, KID: "k1"},
		otherIs: Issuer{ID: "https://sandbox.example/city", Key: ok, KID: "k1"},
		holder:  hk, now: now, seen: map[string]bool{},
	}
	f.policy = Policy{Issuer: f.issuer.ID, VCTs: []string{"urn:madoguchi:residence-record"}, Now: now,
		Keys: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &ik.PublicKey, KeyID: "k1", Algorithm: "ES256", Use: "sig"}}}}
	cred, err := f.issuer.Issue("urn:madoguchi:residence-record",
		map[string]any{"certificate_number": "R-0001"},
		map[string]any{"name": "山田 太郎", "address": "東京都千代田区霞が関二丁目1番2号", "birth_date": "1985-04-12", "household_head": "山田 太郎"},
		&jose.JSONWebKey{Key: &hk.PublicKey, Algorithm: "ES256"}, now.Add(-time.Hour), now.Add(90*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	f.cred = cred
	return f
}

func (f *fixture) seenOnce(n string) bool {
	if f.seen[n] {
		return true
	}
	f.seen[n] = true
	return false
}

func TestIssueVerifyPresentSelectively(t *testing.T) {
	f := newFixture(t)
	v, _, err := Verify(f.cred, f.policy)
	if err != nil {
		t.Fatal(err)
	}
	if v.Claims["name"] != "山田 太郎" || v.Claims["certificate_number"] != "R-0001" || len(v.Disclosed) != 4 {
		t.Fatalf("%+v", v)
	}
	// nothing but digests in the signed part
	if strings.Contains(f.cred[:strings.Index(f.cred, "~")], "5bGx") { // base64 of 山 would leak here
		t.Fatal("a disclosable value is in the issuer-signed part")
	}
	p, err := Present(f.cred, []string{"name", "address"}, f.holder, "n-1", "https://employer.example", f.now)
	if err != nil {
		t.Fatal(err)
	}
	pv, err := VerifyPresentation(p, f.policy, "n-1", "https://employer.example", 5*time.Minute, f.seenOnce)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(pv.Disclosed)
	if !slices.Equal(pv.Disclosed, []string{"address", "name"}) {
		t.Fatalf("disclosed %v", pv.Disclosed)
	}
	if _, leaked := pv.Claims["birth_date"]; leaked {
		t.Fatal("an undisclosed claim reached the verifier")
	}
}

func TestRefusals(t *testing.T) {
	f := newFixture(t)
	present := func(nonce, aud string) string {
		p, err := Present(f.cred, []string{"name"}, f.holder, nonce, aud, f.now)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	jwtEnd := strings.Index(f.cred, "~")
	parts := strings.Split(f.cred[:jwtEnd], ".")
	payload, _ := b64.DecodeString(parts[1])
	var m map[string]any
	json.Unmarshal(payload, &m)
	m["certificate_number"] = "R-9999"
	forged, _ := json.Marshal(m)
	tamperedPayload := parts[0] + "." + b64.EncodeToString(forged) + "." + parts[2] + f.cred[jwtEnd:]

	discs := strings.Split(f.cred, "~")
	d, _ := ParseDisclosure(discs[1])
	evil, _ := json.Marshal([]any{d.Salt, d.Name, "偽の値"})
	tamperedDisclosure := strings.Replace(f.cred, discs[1], b64.EncodeToString(evil), 1)

	foreign, _ := NewDisclosure("my_number", "123456789018")
	notListed := f.cred + foreign.Raw + "~"

	otherKey, _ := f.otherIs.Issue("urn:madoguchi:residence-record", nil, map[string]any{"name": "x"}, nil, f.now, f.now.Add(time.Hour))
	unknownVCT, _ := f.issuer.Issue("urn:other:type", nil, map[string]any{"name": "x"}, nil, f.now, f.now.Add(time.Hour))
	expired, _ := f.issuer.Issue("urn:madoguchi:residence-record", nil, map[string]any{"name": "x"}, nil, f.now.Add(-48*time.Hour), f.now.Add(-time.Hour))

	for _, c := range []struct {
		name, cred string
		code       failure.Code
	}{
		{"tampered payload", tamperedPayload, CodeSignature},
		{"tampered disclosure", tamperedDisclosure, CodeDisclosure},
		{"disclosure not in _sd", notListed, CodeDisclosure},
		{"wrong issuer key", otherKey, CodeSignature},
		{"unknown vct", unknownVCT, CodeType},
		{"expired", expired, CodeExpired},
		{"garbage", "not.a~token", CodeMalformed},
	} {
		if _, _, err := Verify(c.cred, f.policy); failure.CodeOf(err) != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}

	otherHolder, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	wrongKey, _ := Present(f.cred, []string{"name"}, otherHolder, "n", "aud", f.now)
	withoutKB := present("n", "aud")
	withoutKB = withoutKB[:strings.LastIndex(withoutKB, "~")+1]
	swapped := present("n", "aud")
	swapped = strings.Replace(swapped, "~"+strings.Split(swapped, "~")[1]+"~", "~"+strings.Split(f.cred, "~")[2]+"~", 1)
	for _, c := range []struct {
		name, pres, nonce, aud string
		code                   failure.Code
		detail                 string
	}{
		{"KB-JWT wrong nonce", present("n-a", "aud"), "n-b", "aud", CodeKeyBinding, "wrong nonce"},
		{"KB-JWT wrong audience", present("n2", "https://evil.example"), "n2", "aud", CodeKeyBinding, "wrong audience"},
		{"KB-JWT wrong key", wrongKey, "n", "aud", CodeKeyBinding, "no trusted key"},
		{"no KB-JWT", withoutKB, "n", "aud", CodeKeyBinding, "no key-binding JWT"},
		{"disclosures swapped after binding", swapped, "n", "aud", CodeKeyBinding, "sd_hash"},
	} {
		_, err := VerifyPresentation(c.pres, f.policy, c.nonce, c.aud, 5*time.Minute, nil)
		if failure.CodeOf(err) != c.code || !strings.Contains(err.Error(), c.detail) {
			t.Errorf("%s: %v, want %s (%s)", c.name, err, c.code, c.detail)
		}
	}
	p := present("once", "aud")
	if _, err := VerifyPresentation(p, f.policy, "once", "aud", 5*time.Minute, f.seenOnce); err != nil {
		t.Fatal(err)
	}
	if _, err := VerifyPresentation(p, f.policy, "once", "aud", 5*time.Minute, f.seenOnce); failure.CodeOf(err) != CodeReplay {
		t.Errorf("replayed presentation: %v", err)
	}
	stale := f.policy
	stale.Now = f.now.Add(time.Hour)
	if _, err := VerifyPresentation(present("late", "aud"), stale, "late", "aud", 5*time.Minute, nil); failure.CodeOf(err) != CodeKeyBinding {
		t.Errorf("stale KB-JWT: %v", err)
	}
}

// FuzzParse: the parser of received SD-JWTs never panics and never accepts
// a disclosure it cannot decode.
func FuzzParse(f *testing.F) {
	fx := newFixture(f)
	f.Add(fx.cred)
	p, _ := Present(fx.cred, []string{"name"}, fx.holder, "n", "a", fx.now)
	f.Add(p)
	f.Add("a.b.c~")
	f.Add("~~~")
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := Parse(s)
		if err != nil {
			return
		}
		for _, d := range tok.Disclosures {
			if d.Name == "" || d.Salt == "" {
				t.Fatal("empty disclosure accepted")
			}
		}
		if tok.String() != s && !strings.HasSuffix(s, "~") && tok.KBJWT == "" {
			t.Fatalf("round trip changed the token")
		}
	})
}
