package sdjwt

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// The independent implementation: OpenWallet Foundation's sd-jwt-js, run
// with node from interop/ (npm ci there is part of `make test`). Without
// node or its modules the live half is skipped and the committed vector,
// produced by the same script, still checks that we accept its output.
func sdjwtJS(t *testing.T, req map[string]any) map[string]any {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed: the live sd-jwt-js round trip is skipped (the committed vector still runs)")
	}
	if _, err := os.Stat(filepath.Join("interop", "node_modules", "@sd-jwt", "core")); err != nil {
		t.Skip("sd-jwt-js not installed (run `make test`, which runs npm ci in protocol/sdjwt/interop)")
	}
	in, _ := json.Marshal(req)
	cmd := exec.Command(node, filepath.Join("interop", "interop.mjs"))
	cmd.Stdin = bytes.NewReader(in)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("sd-jwt-js: %v\n%s", err, errb.String())
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("sd-jwt-js answer: %v: %s", err, out.String())
	}
	return m
}

func publicJWK(t *testing.T, f *fixture) map[string]any {
	t.Helper()
	b, err := json.Marshal(f.policy.Keys.Keys[0].Public())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	return m
}

// sd-jwt-js verifies our credential, with nested and array-element
// disclosures and decoys, and our key binding.
func TestSDJWTJSVerifiesOurs(t *testing.T) {
	f := newFixture(t)
	now := time.Now()
	cred, err := f.issuer.IssueClaims("urn:madoguchi:residence-record", map[string]any{
		"certificate_number": "R-9", "name": SD{"佐藤 健二"}, "my_number": SD{"100000000039"},
		"household_members": SD{[]any{SD{map[string]any{"name": "佐藤 ハナ"}}, SD{map[string]any{"name": "佐藤 健二"}}}},
		"address_parts":     SD{map[string]any{"prefecture": SD{"埼玉県"}, "street": SD{"高砂三丁目15番1号"}}},
	}, &jose.JSONWebKey{Key: &f.holder.PublicKey, Algorithm: "ES256"}, now, now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Present(cred, []string{"name", "household_members[1]", "address_parts.prefecture"}, f.holder, "js-nonce", "https://verifier.example", now)
	if err != nil {
		t.Fatal(err)
	}
	res := sdjwtJS(t, map[string]any{"mode": "verify", "presentation": p, "issuer_jwk": publicJWK(t, f), "nonce": "js-nonce", "aud": "https://verifier.example"})
	claims, _ := res["claims"].(map[string]any)
	hm, _ := claims["household_members"].([]any)
	ap, _ := claims["address_parts"].(map[string]any)
	if claims["name"] != "佐藤 健二" || len(hm) != 1 || len(ap) != 1 || ap["prefecture"] != "埼玉県" || claims["my_number"] != nil || res["typ"] != TypVC {
		t.Fatalf("sd-jwt-js saw %v", res)
	}
}

func checkJSPresentation(t *testing.T, m map[string]any, now time.Time) {
	t.Helper()
	b, _ := json.Marshal(m["issuer_jwk"])
	var k jose.JSONWebKey
	if err := k.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	pol := Policy{Issuer: "https://sdjwt-js.example/issuer", Keys: jose.JSONWebKeySet{Keys: []jose.JSONWebKey{k}},
		VCTs: []string{"urn:madoguchi:residence-record"}, Now: now}
	p := m["presentation"].(string)
	nonce, _ := m["nonce"].(string)
	aud, _ := m["aud"].(string)
	v, err := VerifyPresentation(p, pol, nonce, aud, time.Hour, nil)
	if err != nil {
		t.Fatalf("our verifier refuses sd-jwt-js's presentation: %v", err)
	}
	hm, _ := v.Claims["household_members"].([]any)
	ap, _ := v.Claims["address_parts"].(map[string]any)
	if len(hm) != 1 || hm[0].(map[string]any)["name"] != "佐藤 健二" || len(ap) != 1 || ap["prefecture"] != "埼玉県" {
		t.Fatalf("claims %v", v.Claims)
	}
	if _, shown := v.Claims["name"]; shown || strings.Contains(jsonOf(v.Claims), "佐藤 ハナ") {
		t.Fatalf("undisclosed claims visible: %v", v.Claims)
	}
	if !slices.Contains(v.Disclosed, "household_members") {
		t.Fatalf("disclosed %v", v.Disclosed)
	}
	// the whole credential sd-jwt-js issued (all disclosures) verifies too
	if full, ok := m["full"].(string); ok {
		if _, _, err := Verify(full, pol); err != nil {
			t.Fatalf("full credential: %v", err)
		}
	}
}

// We verify what sd-jwt-js issues and presents (live).
func TestWeVerifySDJWTJS(t *testing.T) {
	m := sdjwtJS(t, map[string]any{"mode": "issue", "nonce": "n-live", "aud": "https://verifier.example"})
	m["nonce"], m["aud"] = "n-live", "https://verifier.example"
	checkJSPresentation(t, m, time.Now())
}

// The committed vector from sd-jwt-js (runs without node).
func TestSDJWTJSVector(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "interop", "sdjwt-js-presentation.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	// the key-binding JWT's time: verify as of then
	parts := strings.Split(m["presentation"].(string), "~")
	kb := parts[len(parts)-1]
	raw, _ := b64.DecodeString(strings.Split(kb, ".")[1])
	var kbp struct{ Iat int64 }
	json.Unmarshal(raw, &kbp)
	checkJSPresentation(t, m, time.Unix(kbp.Iat, 0).Add(time.Second))
}
