package card

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/mynacard"
)

func h(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

func TestStatusWords(t *testing.T) {
	for _, c := range []struct {
		sw    uint16
		code  failure.Code
		tries int
	}{
		{0x63C2, CodeWrongPIN, 2},
		{0x63C1, CodeWrongPIN, 1},
		{0x63C0, CodePINBlocked, 0},
		{0x6983, CodePINBlocked, 0},
		{0x6984, CodePINBlocked, 0},
		{0x6A82, CodeFileNotFound, 0},
		{0x6A88, CodeFileNotFound, 0},
		{0x6982, CodeSecurityStatus, 0},
		{0x6D00, CodeProtocol, 0},
		{0x6E00, CodeProtocol, 0},
		{0x6700, CodeProtocol, 0},
		{0x6F00, CodeProtocol, 0},
	} {
		err := swError(c.sw, "op")
		if failure.CodeOf(err) != c.code || TriesLeftOf(err) != c.tries || SWOf(err) != fmt.Sprintf("%04X", c.sw) {
			t.Errorf("SW %04X → %v, want %s tries %d", c.sw, err, c.code, c.tries)
		}
	}
	if !errors.Is(swError(0x63C0, "x"), ErrPINBlocked) || errors.Is(swError(0x63C1, "x"), ErrPINBlocked) {
		t.Error("errors.Is does not match by code")
	}
	r, err := mynacard.ParseResponse([]byte{0x01, 0x90, 0x00})
	if err != nil || r.SW != mynacard.SWOK || !bytes.Equal(r.Data, []byte{1}) {
		t.Fatalf("%v %v", r, err)
	}
	if _, err := mynacard.ParseResponse([]byte{0x90}); failure.CodeOf(wireErr(err)) != CodeProtocol {
		t.Fatalf("1-byte response: %v", err)
	}
}

func TestPINRules(t *testing.T) {
	for _, c := range []struct {
		sec Secret
		pin string
		ok  bool
	}{
		{SecretAuthPIN, "1234", true},
		{SecretAuthPIN, "0000", true},
		{SecretAuthPIN, "123", false},
		{SecretAuthPIN, "12345", false},
		{SecretAuthPIN, "12a4", false},
		{SecretAuthPIN, "１２３４", false}, // full-width digits are not digits to the card
		{SecretAuthPIN, "", false},
		{SecretInputPIN, "9876", true},
		{SecretInputPIN, "98 6", false},
		{SecretSignPassword, "ABC123", true},
		{SecretSignPassword, "ABCDEFGHIJ123456", true},
		{SecretSignPassword, "ABC12", false},
		{SecretSignPassword, "ABCDEFGHIJ1234567", false},
		{SecretSignPassword, "abc123", false},
		{SecretSignPassword, "ABC-123", false},
		{SecretSignPassword, "ＡＢＣ１２３", false},
		{Secret("nope"), "1234", false},
	} {
		err := PIN(c.pin).Validate(c.sec)
		if (err == nil) != c.ok {
			t.Errorf("%s %q: %v", c.sec, c.pin, err)
		}
		if err != nil && failure.CodeOf(err) != CodePINFormat {
			t.Errorf("%s %q: code %s", c.sec, c.pin, failure.CodeOf(err))
		}
		if err != nil && strings.Contains(err.Error(), c.pin) && c.pin != "" {
			t.Errorf("the error message repeats the PIN: %v", err)
		}
	}
	p := PIN("abc123")
	p.Normalize(SecretSignPassword)
	if string(p) != "ABC123" {
		t.Errorf("normalize: %q", p)
	}
	q := PIN("ab12")
	q.Normalize(SecretAuthPIN)
	if string(q) != "ab12" {
		t.Error("normalize changed a 4-digit PIN")
	}
	if got := PIN("1234").String(); strings.Contains(got, "1234") {
		t.Error("PIN.String shows the PIN")
	}
	if SecretAuthPIN.MaxTries() != 3 || SecretSignPassword.MaxTries() != 5 || SecretInputPIN.MaxTries() != 3 {
		t.Error("retry limits")
	}
}

func TestMyNumber(t *testing.T) {
	// 12-digit numbers with a correct check digit, computed by the ordinance's rule.
	if !ValidMyNumber("123456789018") {
		t.Error("valid number rejected")
	}
	for _, bad := range []string{"123456789012", "12345678901", "1234567890123", "12345678901a", ""} {
		if ValidMyNumber(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
	mn, err := NewMyNumber("123456789018")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{mn.String(), mn.GoString()} {
		if strings.Contains(s, "12345678") {
			t.Errorf("masked form leaks: %q", s)
		}
	}
	j, _ := mn.MarshalJSON()
	if strings.Contains(string(j), "12345678") {
		t.Errorf("JSON leaks: %s", j)
	}
	if mn.Reveal() != "123456789018" {
		t.Error("reveal")
	}
	if _, err := ParseMyNumber(append([]byte{0xD0, 0x0C}, "123456789018"...)); err != nil {
		t.Error(err)
	}
}

func TestDigestInfo(t *testing.T) {
	d := make([]byte, 32)
	di, err := DigestInfo(crypto.SHA256, d)
	if err != nil || !bytes.HasPrefix(di, h("3031300d060960864801650304020105000420")) || len(di) != 51 {
		t.Fatalf("% X %v", di, err)
	}
	if _, err := DigestInfo(crypto.SHA1, make([]byte, 20)); failure.CodeOf(err) != CodeUnsupportedHash {
		t.Error("SHA-1 accepted")
	}
	if _, err := DigestInfo(crypto.SHA256, make([]byte, 20)); err == nil {
		t.Error("short digest accepted")
	}
}
