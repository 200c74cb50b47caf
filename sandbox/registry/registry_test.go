package registry

import (
	"regexp"
	"testing"
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
