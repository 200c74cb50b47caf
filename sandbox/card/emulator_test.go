package vcard

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"madoguchi/auth/card"
	"madoguchi/sandbox/fixtures"
)

func newTestCard(t testing.TB, id string) (*Card, fixtures.Resident) {
	r, err := fixtures.ByID(id)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(r)
	if err != nil {
		t.Fatal(err)
	}
	return c, r
}

func x(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

func swOf(r []byte) uint16 { return uint16(r[len(r)-2])<<8 | uint16(r[len(r)-1]) }

func send(t *testing.T, c *Card, apdu string) []byte {
	t.Helper()
	r, err := c.Process(x(apdu))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestStatusWordsLikeTheCard(t *testing.T) {
	c, r := newTestCard(t, "yamada-taro")
	steps := []struct {
		apdu string
		sw   uint16
	}{
		{"00 A4 04 0C 05 A0 00 00 00 03", 0x6A82},                           // unknown AID (OpenSC probes)
		{"00 CA 01 00 00", 0x6A88},                                          // GET DATA: not supported here
		{"00 99 00 00", 0x6D00},                                             // unknown INS
		{"B0 A4 04 0C 01 00", 0x6E00},                                       // unknown CLA
		{"00 B0 00 00 10", 0x6986},                                          // no EF selected
		{"00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01", 0x9000},            // JPKI AP
		{"00 A4 02 0C 02 00 99", 0x6A82},                                    // no such EF
		{"00 A4 02 0C 02 00 17", 0x9000},                                    // auth key EF
		{"00 B0 00 00 10", 0x6981},                                          // keys are not readable
		{"80 2A 00 80 03 01 02 03 00", 0x6982},                              // sign without PIN
		{"00 A4 02 0C 02 00 01", 0x9000},                                    // sign cert
		{"00 B0 00 00 10", 0x6982},                                          // needs the signing password
		{"00 A4 02 0C 02 00 18", 0x9000},                                    // auth PIN EF
		{"00 20 00 80", 0x63C3},                                             // tries left, none spent
		{"00 24 01 80 04 31 31 31 31", 0x6982},                              // change without VERIFY
		{"00 20 00 80 04 39 39 39 39", 0x63C2},                              // wrong PIN
		{"00 20 00 80", 0x63C2},                                             // counter shows it
		{"00 20 00 80 04 " + hex.EncodeToString([]byte(r.AuthPIN)), 0x9000}, // right PIN
		{"00 20 00 80", 0x63C3},                                             // counter reset
		{"00 A4 02 0C 02 00 0A", 0x9000},                                    // auth cert
		{"00 B0 7F 00 10", 0x6B00},                                          // offset beyond the file
		{"00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08", 0x9000},            // input-support AP
		{"00 A4 02 0C 02 00 02", 0x9000},                                    // attributes
		{"00 B0 00 00 10", 0x6982},                                          // PIN not verified in this AP
		{"00 A4 04 0C 0A D3 92 10 00 31 00 01 01 01 00", 0x9000},            // common AP
		{"00 B2 01 0C 00", 0x9000},                                          // serial record
		{"00 B2 02 0C 00", 0x6A83},                                          // no record 2
	}
	for i, s := range steps {
		if got := swOf(send(t, c, s.apdu)); got != s.sw {
			t.Fatalf("step %d %s: SW %04X, want %04X", i, s.apdu, got, s.sw)
		}
	}
}

func TestSecurityStatusEndsWithTheApplication(t *testing.T) {
	c, r := newTestCard(t, "yamada-taro")
	send(t, c, "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01")
	send(t, c, "00 A4 02 0C 02 00 1B")
	if sw := swOf(send(t, c, "00 20 00 80 "+hex.EncodeToString(append([]byte{byte(len(r.SignPassword))}, r.SignPassword...)))); sw != 0x9000 {
		t.Fatalf("verify %04X", sw)
	}
	send(t, c, "00 A4 02 0C 02 00 01")
	if sw := swOf(send(t, c, "00 B0 00 00 04")); sw != 0x9000 {
		t.Fatalf("read after verify %04X", sw)
	}
	// selecting another application (or a reset) drops the security status
	send(t, c, "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01")
	send(t, c, "00 A4 02 0C 02 00 01")
	if sw := swOf(send(t, c, "00 B0 00 00 04")); sw != 0x6982 {
		t.Fatalf("after re-select %04X", sw)
	}
}

func TestLockoutPersistsAcrossReset(t *testing.T) {
	c, r := newTestCard(t, "sato-hana")
	send(t, c, "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08")
	send(t, c, "00 A4 02 0C 02 00 11")
	for i := 0; i < 3; i++ {
		send(t, c, "00 20 00 80 04 30 30 30 30")
	}
	if sw := swOf(send(t, c, "00 20 00 80")); sw != 0x63C0 {
		t.Fatalf("blocked counter %04X", sw)
	}
	c.Remove()
	c.Insert()
	send(t, c, "00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 08")
	send(t, c, "00 A4 02 0C 02 00 11")
	if sw := swOf(send(t, c, "00 20 00 80 04 "+hex.EncodeToString([]byte(r.InputPIN)))); sw != 0x6983 {
		t.Fatalf("right PIN on a blocked card: %04X", sw)
	}
	if c.TriesLeft(string(card.SecretAuthPIN)) != 3 {
		t.Fatal("other counters changed")
	}
}

func TestRemovedCardAnswersNothing(t *testing.T) {
	c, _ := newTestCard(t, "yamada-taro")
	c.RemoveAfter(2)
	if _, err := c.Process(x("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Process(x("00 A4 02 0C 02 00 0A")); err == nil || c.Present() {
		t.Fatal("card answered after being pulled out")
	}
	if _, err := c.Process(x("00 A4 02 0C 02 00 0A")); err == nil {
		t.Fatal("a removed card answered")
	}
}

func TestReadsToTheEndOfAFile(t *testing.T) {
	c, r := newTestCard(t, "yamada-taro")
	keys, _ := r.Keys()
	send(t, c, "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01")
	send(t, c, "00 A4 02 0C 02 00 0A")
	var got []byte
	for off := 0; off < len(keys.AuthCert); off += 256 {
		resp := send(t, c, hex.EncodeToString([]byte{0, 0xB0, byte(off >> 8), byte(off), 0}))
		got = append(got, resp[:len(resp)-2]...)
		if sw := swOf(resp); sw != 0x9000 && sw != 0x6282 {
			t.Fatalf("SW %04X", sw)
		}
	}
	if !bytes.Equal(got, keys.AuthCert) {
		t.Fatal("certificate read back differs")
	}
}

// The emulator never panics and always answers with a status word.
func FuzzProcess(f *testing.F) {
	for _, s := range []string{
		"00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01", "00 B0 00 00 00", "00 20 00 80",
		"80 2A 00 80 01 00 00", "00 B2 01 0C 00", "00 A4 02 0C 02 00 0A", "00", "00 A4 04 0C FF",
	} {
		f.Add(x(s), x("00 A4 02 0C 02 00 0A"))
	}
	f.Fuzz(func(t *testing.T, first, second []byte) {
		c, _ := newTestCard(t, "yamada-taro")
		for _, a := range [][]byte{x("00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01"), first, second} {
			r, err := c.Process(a)
			if err != nil {
				t.Fatal(err)
			}
			if len(r) < 2 {
				t.Fatalf("no status word for % X", a)
			}
		}
	})
}
