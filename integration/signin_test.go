package integration

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"madoguchi/auth/keystore"
	"madoguchi/auth/sso"
	"madoguchi/i18n/failure"
	"madoguchi/sandbox/idp"
	"madoguchi/sandbox/intake"
	"madoguchi/sandbox/issuer"
	"madoguchi/sandbox/registry"
)

// Sign-in end to end through the real parts: the virtual card in pcscd's
// vpcd reader, ebfe/scard, the sandbox provider over HTTPS on loopback with
// its development CA, and gnome-keyring's Secret Service for the refresh
// token. login → whoami (silent refresh) → logout leaves no keyring entry.
func TestSignInThroughPCSCAndSecretService(t *testing.T) {
	s, profile := startSandbox(t, "sandbox-e2e")

	_, r := insert(t, "sato-hana")
	code, out, errs := cli(t, r.AuthPIN+"\n", "login", "--profile", profile, "--pin-stdin", "--agree", "--json")
	if code != 0 {
		t.Fatalf("login: %d %s %s", code, out, errs)
	}
	var who map[string]any
	json.Unmarshal([]byte(out), &who)
	if who["name"] != r.Name || who["acr"] != idp.ACR {
		t.Fatalf("login answer %v", who)
	}
	stored, err := keystore.New(nil).Load("sandbox-e2e")
	if err != nil || stored.RefreshToken == "" || stored.Subject != who["subject"] {
		t.Fatalf("keyring entry: %+v %v", stored, err)
	}
	if strings.Contains(out+errs, r.AuthPIN+"\n") {
		t.Fatal("the PIN was echoed")
	}

	code, out, errs = cli(t, "", "whoami", "--profile", profile, "--json")
	if code != 0 || !strings.Contains(out, r.Name) {
		t.Fatalf("whoami: %d %s %s", code, out, errs)
	}
	rotated, _ := keystore.New(nil).Load("sandbox-e2e")
	if rotated.RefreshToken == stored.RefreshToken {
		t.Fatal("silent refresh did not rotate the stored refresh token")
	}

	code, _, errs = cli(t, "", "logout", "--profile", profile)
	if code != 0 {
		t.Fatalf("logout: %d %s", code, errs)
	}
	for _, user := range []string{"sandbox-e2e", "sandbox-e2e/" + stored.Subject} {
		if _, err := keyring.Get(keystore.Service, user); !errors.Is(err, keyring.ErrNotFound) {
			t.Fatalf("keyring entry %q left after logout: %v", user, err)
		}
	}
	// the revoked token is dead at the provider too
	c, _ := sso.New(t.Context(), sso.Profile{Issuer: s.Issuer, ClientID: idp.AppClientID, CAFile: s.CAFile, Scopes: sso.DefaultScopes})
	if _, err := c.Refresh(t.Context(), rotated.RefreshToken); failure.CodeOf(err) != sso.CodeSessionExpired {
		t.Fatalf("refresh after logout: %v", err)
	}
	code, _, errs = cli(t, "", "whoami", "--profile", profile)
	if code != 1 || !strings.Contains(errs, "[NOT-SIGNED-IN]") {
		t.Fatalf("whoami after logout: %d %s", code, errs)
	}
}

// A revoked certificate is refused at the provider, and the person sees why.
func TestSignInRefusedForLostCard(t *testing.T) {
	_, profile := startSandbox(t, "sandbox-lost")
	_, r := insert(t, "kato-lost")
	code, _, errs := cli(t, r.AuthPIN+"\n", "login", "--profile", profile, "--pin-stdin", "--agree")
	if code != 1 || !strings.Contains(errs, "SSO-LOGIN-REFUSED / AUTH-CERT-REVOKED") || !strings.Contains(errs, "re-issued") {
		t.Fatalf("%d %s", code, errs)
	}
}

// startSandbox runs the sandbox provider for the test and writes a profile
// file for it (as `madoguchi sandbox` does).
func startSandbox(t testing.TB, id string) (*idp.Server, string) {
	t.Helper()
	data := t.TempDir()
	s, err := idp.Start(idp.Config{Addr: "127.0.0.1:0", DataDir: data, Mount: []func(*idp.Server, *http.ServeMux) error{issuer.Mount, intake.Mount, registry.Mount}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	profile := filepath.Join(data, "profile.json")
	b, _ := json.Marshal(sso.Profile{ID: id, Issuer: s.Issuer, ClientID: idp.AppClientID, CAFile: s.CAFile,
		Recipients: []sso.Recipient{{ID: "sandbox-verifier", URL: s.Issuer, Purpose: "demo"}}})
	if err := os.WriteFile(profile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return s, profile
}
