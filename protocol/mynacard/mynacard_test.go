package mynacard

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// The exact APDUs of docs/domain/card.md.
func TestCommandBytes(t *testing.T) {
	for _, c := range []struct {
		name string
		cmd  Command
		want string
	}{
		{"select JPKI AP", SelectDF(AIDJPKI), "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"},
		{"select input-support AP", SelectDF(AIDInputSupport), "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08"},
		{"select common AP", SelectDF(AIDCommon), "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 01 00"},
		{"select EF auth cert", SelectEF(EFAuthCert), "00 A4 02 0C 02 00 0A"},
		{"select EF sign PIN", SelectEF(EFSignPIN), "00 A4 02 0C 02 00 1B"},
		{"read binary 256", ReadBinary(0, 256), "00 B0 00 00 00"},
		{"read binary at 0x100, 17", ReadBinary(0x100, 17), "00 B0 01 00 11"},
		{"verify", VerifyPIN([]byte("1234")), "00 20 00 80 04 31 32 33 34"},
		{"tries left", VerifyStatus(), "00 20 00 80"},
		{"change PIN", ChangeReferenceData([]byte("5678")), "00 24 01 80 04 35 36 37 38"},
		{"sign", ComputeSignature([]byte{0xAA, 0xBB}), "80 2A 00 80 02 AA BB 00"},
		{"read record 1 SFI 1", ReadRecord(1, 1), "00 B2 01 0C 00"},
		{"get response", GetResponse(0x10), "00 C0 00 00 10"},
	} {
		got, err := c.cmd.Bytes()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !bytes.Equal(got, h(c.want)) {
			t.Errorf("%s: % X, want %s", c.name, got, c.want)
		}
	}
	if _, err := (Command{Data: make([]byte, 256), Le: -1}).Bytes(); err == nil {
		t.Error("256 data bytes accepted in a short APDU")
	}
}

func TestTLV(t *testing.T) {
	b := h("FF20 0B DF21 01 01 DF22 04 41424344")
	objs, err := ParseTLVs(b)
	if err != nil || len(objs) != 1 || objs[0].Tag != 0xFF20 || len(objs[0].Children) != 2 {
		t.Fatalf("%+v %v", objs, err)
	}
	if c, ok := objs[0].Find(0xDF22); !ok || string(c.Value) != "ABCD" {
		t.Fatalf("%+v", c)
	}
	if n, err := DERLength(h("30 82 01 00 00")); err != nil || n != 0x104 {
		t.Fatalf("DER length %d %v", n, err)
	}
	for _, bad := range []string{"30", "31 02 00 00", "30 80", "30 84 00 00 00 01"} {
		if _, err := DERLength(h(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if _, err := ParseTLVs(h("DF22 05 4142")); err == nil {
		t.Error("truncated value accepted")
	}
	if ParseToken([]byte("JPKIAPICCTOKEN2                 ")) != KindMyNumberCard ||
		ParseToken([]byte("JPKIAPICCTOKEN\x00\x00")) != KindJukiCard ||
		ParseToken([]byte("JPKIAPGPSETOKEN")) != KindSmartphoneJPKI ||
		ParseToken([]byte("OTHER")) != KindUnknown {
		t.Error("token kinds")
	}
}

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

func FuzzParseResponse(f *testing.F) {
	f.Add([]byte{0x90, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseResponse(b)
		if err == nil && len(r.Data) != len(b)-2 {
			t.Fatal("data length")
		}
	})
}

// h decodes spaced hex ("00 A4 04 0C").
func h(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}
