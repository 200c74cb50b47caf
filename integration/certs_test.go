package integration

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"madoguchi/auth/keystore"
)

// Digital certificates through the real parts: sign in with the card in
// pcscd's reader, fetch SD-JWT VCs over HTTPS, each command reopening the
// sealed store from disk with the data key from gnome-keyring; present two
// fields with consent; the sandbox verifier accepts; the audit log shows it.
func TestCertificatesThroughRealParts(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", t.TempDir()) // the store goes here, not into $HOME
	_, profile := startSandbox(t, "sandbox-certs")
	_, r := insert(t, "yamada-taro")
	if code, _, errs := cli(t, r.AuthPIN+"\n", "login", "--profile", profile, "--pin-stdin", "--agree"); code != 0 {
		t.Fatalf("login: %s", errs)
	}
	ids := map[string]string{}
	for _, kind := range []string{"residence", "tax", "attributes"} {
		code, out, errs := cli(t, "", "cert", "fetch", kind, "--profile", profile, "--json")
		var j map[string]any
		if code != 0 || json.Unmarshal([]byte(out), &j) != nil || j["verified"] != true {
			t.Fatalf("fetch %s: %d %s %s", kind, code, out, errs)
		}
		ids[kind] = j["id"].(string)
	}
	if _, err := keyring.Get(keystore.Service, "data-key/store"); err != nil {
		t.Fatalf("the store's data key is not in the keyring: %v", err)
	}
	code, out, _ := cli(t, "", "cert", "list", "--profile", profile, "--json")
	var list []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) != 3 {
		t.Fatalf("list: %s", out)
	}
	for _, e := range list {
		if e["verified"] != true {
			t.Fatalf("not verified after reopening: %v", e)
		}
	}
	code, out, errs := cli(t, "yes\n", "cert", "present", ids["residence"], "--fields", "name,address", "--profile", profile)
	var res struct {
		Verified bool           `json:"verified"`
		Claims   map[string]any `json:"claims"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || !res.Verified || res.Claims["name"] != r.Name {
		t.Fatalf("present: %d %s %s", code, out, errs)
	}
	if _, leaked := res.Claims["birth_date"]; leaked {
		t.Fatal("an undisclosed field reached the verifier")
	}
	if !strings.Contains(errs, "name, address") {
		t.Fatalf("consent prompt did not list the fields: %s", errs)
	}
	// declining sends nothing and records nothing
	if code, _, _ := cli(t, "no\n", "cert", "present", ids["tax"], "--fields", "income", "--profile", profile); code != 1 {
		t.Fatal("declined consent still presented")
	}
	code, out, _ = cli(t, "", "cert", "audit", "--profile", profile, "--json")
	var audit []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &audit) != nil || len(audit) != 1 {
		t.Fatalf("audit: %s", out)
	}
}
