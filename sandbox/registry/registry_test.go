package registry

import (
	"context"
	"regexp"
	"testing"
	"time"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/proxy"
	"madoguchi/sandbox/idp"
)

// Codes are read out and typed by people: twelve base32 characters in
// groups of four, and a typed code matches whatever the case, dashes,
// spaces, or digits 0/1/8 typed for the letters O/I/B.
func TestInvitationCodesAsPeopleTypeThem(t *testing.T) {
	format := regexp.MustCompile(`^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$`)
	seen := map[string]bool{}
	for range 200 {
		c := newCode()
		if !format.MatchString(c) || seen[c] {
			t.Fatalf("code %q (seen before: %v)", c, seen[c])
		}
		seen[c] = true
	}
	want := hashCode("ABIO-B2QR-ST7Z")
	for _, typed := range []string{"abio-b2qr-st7z", "ABIOB2QRST7Z", "ab10 82qr st7z", "AB1O-B2QR-ST7Z"} {
		if hashCode(typed) != want {
			t.Errorf("%q does not match", typed)
		}
	}
	if hashCode("ABIO-B2QR-ST7Y") == want {
		t.Error("another code matched")
	}
}

// The principal's trail has every act, allowed or refused; what happens to
// tokens (acting began, a token refused) is written once an hour per actor,
// grant, scopes and answer, so renewals and a window polling after the
// grant ended do not bury the acts.
func TestTrailKeepsActsAndCollapsesTokenRepeats(t *testing.T) {
	r, err := Open(&idp.Server{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer r.db.Close()
	ctx := context.Background()
	revoked := failure.New(proxy.CodeGrantRevoked, "")
	for range 3 {
		r.Record(ctx, "res-hana", "res-kenji", "G-1", "exchange", "cert:residence", nil)
		r.Record(ctx, "res-hana", "res-kenji", "G-1", "exchange", "status", revoked)
		r.Record(ctx, "res-hana", "res-kenji", "G-1", "use", proxy.AudienceApplications, revoked)
		r.Record(ctx, "res-hana", "res-kenji", "G-1", proxy.CertScope("tax"), "", failure.New(proxy.CodeNotGranted, ""))
		r.Record(ctx, "res-hana", "res-kenji", "G-1", proxy.CertScope("residence"), "residence", nil)
	}
	// a refusal with no grant between them is hers to see too
	r.Record(ctx, "res-hana", "res-taro", "", "exchange", "status", failure.New(proxy.CodeNoGrant, ""))
	count := func(action string, allowed int, code string) (n int) {
		r.db.QueryRow(`SELECT COUNT(*) FROM audit WHERE principal='res-hana' AND action=? AND allowed=? AND code=?`, action, allowed, code).Scan(&n)
		return n
	}
	for _, c := range []struct {
		action  string
		allowed int
		code    failure.Code
		want    int
	}{
		{"exchange", 1, "", 1},
		{"exchange", 0, proxy.CodeGrantRevoked, 1},
		{"use", 0, proxy.CodeGrantRevoked, 1},
		{proxy.CertScope("tax"), 0, proxy.CodeNotGranted, 3},
		{proxy.CertScope("residence"), 1, "", 3},
		{"exchange", 0, proxy.CodeNoGrant, 1},
	} {
		if n := count(c.action, c.allowed, string(c.code)); n != c.want {
			t.Errorf("%s allowed=%d %s: %d in her trail, want %d", c.action, c.allowed, c.code, n, c.want)
		}
	}
	// an hour on, the same refusal is written again
	r.SetClock(func() time.Time { return time.Now().Add(61 * time.Minute) })
	r.Record(ctx, "res-hana", "res-kenji", "G-1", "use", proxy.AudienceApplications, revoked)
	if n := count("use", 0, string(proxy.CodeGrantRevoked)); n != 2 {
		t.Errorf("an hour on: %d refused uses, want 2", n)
	}
}
