package cli

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"madoguchi/app/demo"
	"madoguchi/auth/sso"
	"madoguchi/sandbox/idp"
	"madoguchi/sandbox/intake"
	"madoguchi/sandbox/issuer"
	"madoguchi/sandbox/registry"
)

func sandboxProfile(t *testing.T) (*idp.Server, string) {
	return startSandbox(t, nil)
}

// sandboxProfileWithIntake is the sandbox with its certificate service and
// application intake.
func sandboxProfileWithIntake(t *testing.T) (*idp.Server, string) {
	return startSandbox(t, []func(*idp.Server, *http.ServeMux) error{issuer.Mount, intake.Mount, registry.Mount})
}

func startSandbox(t *testing.T, mounts []func(*idp.Server, *http.ServeMux) error) (*idp.Server, string) {
	t.Helper()
	data := t.TempDir()
	s, err := idp.Start(idp.Config{Addr: "127.0.0.1:0", DataDir: data, Mount: mounts})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	profile := filepath.Join(data, "profile.json")
	p := sso.Profile{ID: "test-city", Issuer: s.Issuer, ClientID: idp.AppClientID, CAFile: s.CAFile, Scopes: sso.DefaultScopes}
	if len(mounts) > 0 {
		p = demo.Profile(s, "test-city") // the sandbox municipality's own profile: employer, recipients, rules
	}
	b, _ := json.Marshal(p)
	if err := os.WriteFile(profile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return s, profile
}

// Seen: with the keyring unavailable, login exited 0 and left a live 30-day
// refresh token at the provider that nobody held.
func TestLoginWithoutKeyring(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/madoguchi-test-bus")
	s, profile := sandboxProfile(t)
	r := resident(t, "yamada-taro")
	code, _, errs := run(t, r.AuthPIN+"\n", "login", "--virtual", r.ID, "--profile", profile, "--pin-stdin", "--agree")
	if code != 1 || !strings.Contains(errs, "[KEYRING-UNAVAILABLE]") {
		t.Fatalf("login without keyring: %d %s", code, errs)
	}
	if n, err := s.LiveRefreshTokens(t.Context()); err != nil || n != 0 {
		t.Fatalf("%d live refresh tokens left at the provider (%v)", n, err)
	}
	// asked for explicitly: a session for this command only, said so, and
	// ended at exit
	code, out, errs := run(t, r.AuthPIN+"\n", "login", "--virtual", r.ID, "--profile", profile, "--pin-stdin", "--agree", "--no-keyring")
	if code != 0 || !strings.Contains(errs, "this command only") || !strings.Contains(out, "Signed in") {
		t.Fatalf("--no-keyring: %d %s %s", code, out, errs)
	}
	if n, _ := s.LiveRefreshTokens(t.Context()); n != 0 {
		t.Fatalf("%d live refresh tokens after --no-keyring", n)
	}
}

// Without a terminal and without --agree, sign-in stops before the card.
func TestLoginConsentRequired(t *testing.T) {
	_, profile := sandboxProfile(t)
	r := resident(t, "yamada-taro")
	code, _, errs := run(t, r.AuthPIN+"\n", "login", "--virtual", r.ID, "--profile", profile, "--pin-stdin")
	if code != 1 || !strings.Contains(errs, "[SSO-CONSENT-DECLINED]") || !strings.Contains(errs, "certificates for you") {
		t.Fatalf("%d %s", code, errs)
	}
}
