package card

import (
	"crypto/x509"
	"testing"
)

// Fuzz targets for every parser of card data. The committed corpus under
// testdata/fuzz holds real files of the virtual card (attributes, My Number,
// digests, certificate headers, token) and malformed variants; `make fuzz`
// runs each target for longer.

func FuzzParseAttributes(f *testing.F) {
	f.Add([]byte{0xFF, 0x20, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ParseAttributes(b)
		if err == nil && a.Sex != 1 && a.Sex != 2 && a.Sex != 9 {
			t.Fatalf("sex %d accepted", a.Sex)
		}
	})
}

func FuzzParseMyNumber(f *testing.F) {
	f.Add([]byte{0xD0, 0x0C, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '1', '8'})
	f.Fuzz(func(t *testing.T, b []byte) {
		mn, err := ParseMyNumber(b)
		if err == nil && !ValidMyNumber(mn.Reveal()) {
			t.Fatal("invalid number accepted")
		}
	})
}

func FuzzParseJPKIIdentity(f *testing.F) {
	f.Add([]byte{0x30, 0x00})
	f.Fuzz(func(t *testing.T, der []byte) {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return
		}
		_, _ = ParseJPKIIdentity(c)
	})
}
