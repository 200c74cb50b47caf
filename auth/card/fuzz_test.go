package card

import (
	"crypto/x509"
	"testing"
)

// Fuzz targets for every parser of card data. The committed corpus under
// testdata/fuzz holds real files of the virtual card (attributes, My Number,
// digests, certificate headers, token) and malformed variants; `make fuzz`
// runs each target for longer.

func FuzzParseTLVs(f *testing.F) {
	f.Add([]byte{0xFF, 0x20, 0x03, 0xDF, 0x21, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		objs, err := ParseTLVs(b)
		if err != nil {
			return
		}
		var walk func([]TLV, int)
		walk = func(ts []TLV, depth int) {
			if depth > 9 {
				t.Fatal("nesting beyond the limit")
			}
			for _, o := range ts {
				if len(o.Value) > len(b) {
					t.Fatal("value longer than input")
				}
				walk(o.Children, depth+1)
			}
		}
		walk(objs, 0)
	})
}

func FuzzDERLength(f *testing.F) {
	f.Add([]byte{0x30, 0x82, 0x04, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := DERLength(b)
		if err == nil && (n < 2 || n > 0xFFFFFF+5) {
			t.Fatalf("implausible length %d", n)
		}
	})
}

func FuzzParseToken(f *testing.F) {
	f.Add([]byte("JPKIAPICCTOKEN2"))
	f.Fuzz(func(t *testing.T, b []byte) {
		k := ParseToken(b)
		if k < KindUnknown || k > KindSmartphoneJPKI {
			t.Fatalf("kind %d", k)
		}
	})
}

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

func FuzzParseResponse(f *testing.F) {
	f.Add([]byte{0x90, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseResponse(b)
		if err == nil && len(r.Data) != len(b)-2 {
			t.Fatal("data length")
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
