package mynacard

import "testing"

// The signature certificate's OtherName type identifiers of docs/domain/card.md.
func TestSignatureCertificateOIDs(t *testing.T) {
	for _, c := range []struct {
		name string
		got  string
		want string
	}{
		{"name", OIDJPKIName.String(), "1.2.392.200149.8.5.5.1"},
		{"alternative name", OIDJPKIAltName.String(), "1.2.392.200149.8.5.5.2"},
		{"sex", OIDJPKISex.String(), "1.2.392.200149.8.5.5.3"},
		{"birth date", OIDJPKIBirth.String(), "1.2.392.200149.8.5.5.4"},
		{"address", OIDJPKIAddress.String(), "1.2.392.200149.8.5.5.5"},
		{"alternative address", OIDJPKIAltAddress.String(), "1.2.392.200149.8.5.5.6"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %s, want %s", c.name, c.got, c.want)
		}
	}
}
