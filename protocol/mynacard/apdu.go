package mynacard

import (
	"fmt"
)

// Command is one ISO 7816-4 command APDU (short form only: the My Number card
// never needs extended lengths for the operations we use).
type Command struct {
	CLA, INS, P1, P2 byte
	Data             []byte
	// Le is the expected response length: -1 for none, 0..256 (256 encoded as 00).
	Le int
}

// Bytes encodes the command in the short APDU form (cases 1 to 4).
func (c Command) Bytes() ([]byte, error) {
	if len(c.Data) > 255 {
		return nil, fmt.Errorf("card: command data of %d bytes does not fit a short APDU", len(c.Data))
	}
	if c.Le > 256 {
		return nil, fmt.Errorf("card: Le %d does not fit a short APDU", c.Le)
	}
	b := make([]byte, 0, 5+len(c.Data)+1)
	b = append(b, c.CLA, c.INS, c.P1, c.P2)
	if len(c.Data) > 0 {
		b = append(b, byte(len(c.Data)))
		b = append(b, c.Data...)
	}
	if c.Le >= 0 {
		b = append(b, byte(c.Le)) // 256 wraps to 0x00 as ISO 7816 requires
	}
	return b, nil
}

// Response is a response APDU split into its data and status word.
type Response struct {
	Data []byte
	SW   uint16
}

// ParseResponse splits a raw response APDU.
func ParseResponse(raw []byte) (Response, error) {
	if len(raw) < 2 {
		return Response{}, &FormatError{Response: true, Detail: fmt.Sprintf("response of %d bytes has no status word", len(raw))}
	}
	n := len(raw) - 2
	return Response{Data: raw[:n], SW: uint16(raw[n])<<8 | uint16(raw[n+1])}, nil
}

// SW1 and SW2 of the status word.
func (r Response) SW1() byte { return byte(r.SW >> 8) }
func (r Response) SW2() byte { return byte(r.SW) }

// Well-known status words.
const (
	SWOK                   uint16 = 0x9000
	SWEndOfFile            uint16 = 0x6282
	SWWrongLength          uint16 = 0x6700
	SWIncompatibleFile     uint16 = 0x6981
	SWSecurityNotSatisfied uint16 = 0x6982
	SWAuthBlocked          uint16 = 0x6983
	SWRefDataInvalidated   uint16 = 0x6984
	SWConditionsNotMet     uint16 = 0x6985
	SWNoCurrentEF          uint16 = 0x6986
	SWWrongData            uint16 = 0x6A80
	SWFileNotFound         uint16 = 0x6A82
	SWIncorrectP1P2        uint16 = 0x6A86
	SWRefDataNotFound      uint16 = 0x6A88
	SWWrongP1P2            uint16 = 0x6B00
	SWINSNotSupported      uint16 = 0x6D00
	SWCLANotSupported      uint16 = 0x6E00
	SWUnknown              uint16 = 0x6F00
)

// Command builders with the exact APDUs of docs/domain/card.md.

// SelectDF selects an application by AID: 00 A4 04 0C Lc AID.
func SelectDF(aid []byte) Command {
	return Command{CLA: 0x00, INS: 0xA4, P1: 0x04, P2: 0x0C, Data: aid, Le: -1}
}

// SelectEF selects an elementary file by its 2-byte identifier: 00 A4 02 0C 02 FID.
func SelectEF(fid uint16) Command {
	return Command{CLA: 0x00, INS: 0xA4, P1: 0x02, P2: 0x0C, Data: []byte{byte(fid >> 8), byte(fid)}, Le: -1}
}

// ReadBinary reads le bytes (1..256) at offset off of the current EF.
func ReadBinary(off uint16, le int) Command {
	return Command{CLA: 0x00, INS: 0xB0, P1: byte(off >> 8), P2: byte(off), Le: le}
}

// VerifyPIN presents a PIN to the current PIN EF: 00 20 00 80 Lc PIN.
func VerifyPIN(pin []byte) Command {
	return Command{CLA: 0x00, INS: 0x20, P1: 0x00, P2: 0x80, Data: pin, Le: -1}
}

// VerifyStatus asks for the retry counter without consuming a try: 00 20 00 80.
func VerifyStatus() Command {
	return Command{CLA: 0x00, INS: 0x20, P1: 0x00, P2: 0x80, Le: -1}
}

// ChangeReferenceData replaces the PIN after a successful VERIFY: 00 24 01 80 Lc new.
func ChangeReferenceData(newPIN []byte) Command {
	return Command{CLA: 0x00, INS: 0x24, P1: 0x01, P2: 0x80, Data: newPIN, Le: -1}
}

// ComputeSignature asks the card to sign a DER DigestInfo: 80 2A 00 80 Lc DI 00.
func ComputeSignature(digestInfo []byte) Command {
	return Command{CLA: 0x80, INS: 0x2A, P1: 0x00, P2: 0x80, Data: digestInfo, Le: 256}
}

// ReadRecord reads record rec of the EF with short identifier sfi.
func ReadRecord(rec byte, sfi byte) Command {
	return Command{CLA: 0x00, INS: 0xB2, P1: rec, P2: sfi<<3 | 4, Le: 256}
}

// GetResponse fetches pending response bytes after 61xx.
func GetResponse(le int) Command {
	return Command{CLA: 0x00, INS: 0xC0, P1: 0x00, P2: 0x00, Le: le}
}
