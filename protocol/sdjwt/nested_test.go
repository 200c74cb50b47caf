package sdjwt

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"madoguchi/i18n/failure"
)

func payloadOf(t *testing.T, cred string) map[string]any {
	t.Helper()
	parts := strings.Split(strings.Split(cred, "~")[0], ".")
	b, err := b64.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Seen: a residence record had 8 digests without the My Number and 9 with
// it, even when the number was not disclosed. Decoys make the count equal.
func TestDecoysHideTheCount(t *testing.T) {
	f := newFixture(t)
	base := map[string]any{"name": "佐藤 ハナ", "birth_date": "1942-03-05", "sex": 2, "address": "埼玉県", "moved_in": "2020-04-01",
		"household_head": "佐藤 ハナ", "relationship": "世帯主", "household_members": []any{}}
	with := map[string]any{"my_number": "100000000021"}
	for k, v := range base {
		with[k] = v
	}
	a, err := f.issuer.Issue("urn:madoguchi:residence-record", nil, base, nil, f.now, f.now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.issuer.Issue("urn:madoguchi:residence-record", nil, with, nil, f.now, f.now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	na, nb := len(payloadOf(t, a)["_sd"].([]any)), len(payloadOf(t, b)["_sd"].([]any))
	if na != nb || na < 8+2 {
		t.Fatalf("digests: %d without the My Number, %d with it", na, nb)
	}
	// the decoys do not disturb verification
	if v, _, err := Verify(b, f.policy); err != nil || v.Claims["my_number"] != "100000000021" {
		t.Fatalf("%v %v", v, err)
	}
}

// signPayload signs an arbitrary payload with the fixture's issuer key.
func (f *fixture) signPayload(t *testing.T, payload map[string]any, discs ...Disclosure) string {
	t.Helper()
	jwt, err := sign(f.issuer.Key, f.issuer.KID, TypVC, payload)
	if err != nil {
		t.Fatal(err)
	}
	return (&Token{JWT: jwt, Disclosures: discs}).String()
}

func TestDuplicateDigestsRefused(t *testing.T) {
	f := newFixture(t)
	d, _ := NewDisclosure("name", "山田 太郎")
	e, _ := NewElementDisclosure("x")
	base := func() map[string]any {
		return map[string]any{"iss": f.issuer.ID, "vct": "urn:madoguchi:residence-record", "iat": f.now.Unix(), "_sd_alg": "sha-256"}
	}
	p := base()
	p["_sd"] = []any{d.Digest(), d.Digest()}
	if _, _, err := Verify(f.signPayload(t, p, d), f.policy); failure.CodeOf(err) != CodeDisclosure {
		t.Fatalf("same digest twice in one _sd: %v", err)
	}
	p = base()
	p["_sd"] = []any{d.Digest()}
	p["nested"] = map[string]any{"_sd": []any{d.Digest()}}
	if _, _, err := Verify(f.signPayload(t, p, d), f.policy); failure.CodeOf(err) != CodeDisclosure {
		t.Fatalf("same digest in two places: %v", err)
	}
	p = base()
	p["list"] = []any{map[string]any{"...": e.Digest()}, map[string]any{"...": e.Digest()}}
	if _, _, err := Verify(f.signPayload(t, p, e), f.policy); failure.CodeOf(err) != CodeDisclosure {
		t.Fatalf("same array digest twice: %v", err)
	}
	// a member disclosure used as an array element, and the reverse
	p = base()
	p["list"] = []any{map[string]any{"...": d.Digest()}}
	if _, _, err := Verify(f.signPayload(t, p, d), f.policy); failure.CodeOf(err) != CodeDisclosure {
		t.Fatalf("member as element: %v", err)
	}
	p = base()
	p["_sd"] = []any{e.Digest()}
	if _, _, err := Verify(f.signPayload(t, p, e), f.policy); failure.CodeOf(err) != CodeDisclosure {
		t.Fatalf("element as member: %v", err)
	}
}

// Lenient where the spec is: no _sd_alg means sha-256; no exp, no expiry.
func TestOptionalAlgAndExpiry(t *testing.T) {
	f := newFixture(t)
	d, _ := NewDisclosure("name", "山田 太郎")
	p := map[string]any{"iss": f.issuer.ID, "vct": "urn:madoguchi:residence-record", "iat": f.now.Unix(), "_sd": []any{d.Digest()}}
	v, _, err := Verify(f.signPayload(t, p, d), f.policy)
	if err != nil || v.Claims["name"] != "山田 太郎" || !v.Expires.IsZero() {
		t.Fatalf("no _sd_alg, no exp: %+v %v", v, err)
	}
	p["_sd_alg"] = "sha-512"
	if _, _, err := Verify(f.signPayload(t, p, d), f.policy); failure.CodeOf(err) != CodeMalformed {
		t.Fatalf("another _sd_alg: %v", err)
	}
	// issuing without exp
	cred, err := f.issuer.IssueClaims("urn:madoguchi:residence-record", map[string]any{"name": SD{"x"}}, nil, f.now, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if _, present := payloadOf(t, cred)["exp"]; present {
		t.Fatal("exp issued")
	}
	f.policy.Now = f.now.AddDate(50, 0, 0)
	if _, _, err := Verify(cred, f.policy); err != nil {
		t.Fatalf("a credential without exp expired: %v", err)
	}
}

// One household member, or one part of the address, can be shown alone;
// undisclosed array placeholders are removed.
func TestNestedAndArrayElementDisclosures(t *testing.T) {
	f := newFixture(t)
	claims := map[string]any{
		"certificate_number": "R-2",
		"name":               SD{"佐藤 健二"},
		"household_members": SD{[]any{
			SD{map[string]any{"name": "佐藤 ハナ", "birth_date": "1942-03-05"}},
			SD{map[string]any{"name": "佐藤 健二", "birth_date": "1970-08-20"}},
			SD{map[string]any{"name": "佐藤 美咲", "birth_date": "2001-01-09"}},
		}},
		"address_parts": SD{map[string]any{"prefecture": SD{"埼玉県"}, "municipality": SD{"さいたま市浦和区"}, "street": SD{"高砂三丁目15番1号"}}},
	}
	cred, err := f.issuer.IssueClaims("urn:madoguchi:residence-record", claims,
		&jose.JSONWebKey{Key: &f.holder.PublicKey, Algorithm: "ES256"}, f.now, f.now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	paths, err := Paths(cred)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"name", "household_members", "household_members[1]", "address_parts.prefecture"} {
		if !slices.Contains(paths, want) {
			t.Fatalf("paths %v lack %q", paths, want)
		}
	}
	// the household array carries decoys: its length says nothing
	if n := len(payloadOf(t, cred)["_sd"].([]any)); n != PadDigests(3) {
		t.Fatalf("top _sd has %d digests", n)
	}
	p, err := Present(cred, []string{"household_members[1]", "address_parts.prefecture"}, f.holder, "n", "aud", f.now)
	if err != nil {
		t.Fatal(err)
	}
	v, err := VerifyPresentation(p, f.policy, "n", "aud", time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	hm, _ := v.Claims["household_members"].([]any)
	if len(hm) != 1 || hm[0].(map[string]any)["name"] != "佐藤 健二" {
		t.Fatalf("household shown: %v", v.Claims["household_members"])
	}
	ap, _ := v.Claims["address_parts"].(map[string]any)
	if len(ap) != 1 || ap["prefecture"] != "埼玉県" {
		t.Fatalf("address parts shown: %v", ap)
	}
	if _, shown := v.Claims["name"]; shown {
		t.Fatal("name disclosed without being chosen")
	}
	for _, s := range []string{"佐藤 ハナ", "佐藤 美咲", "さいたま市"} {
		if strings.Contains(jsonOf(v.Claims), s) {
			t.Fatalf("%q disclosed", s)
		}
	}
	// naming a whole claim takes what is inside it
	p, _ = Present(cred, []string{"address_parts"}, f.holder, "n2", "aud", f.now)
	v, err = VerifyPresentation(p, f.policy, "n2", "aud", time.Minute, nil)
	if ap, _ := v.Claims["address_parts"].(map[string]any); err != nil || len(ap) != 3 {
		t.Fatalf("whole address: %v %v", v.Claims["address_parts"], err)
	}
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }
