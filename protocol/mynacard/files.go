// Package mynacard owns the My Number card's wire format (docs/domain/card.md):
// application identifiers, elementary files, status words, data-object tags,
// the command APDUs, the BER-TLV codec and the JPKI token strings. Both the
// card client (auth/card) and the virtual card (sandbox/card) are built on
// it, and on nothing of each other: an encoding mistake on one side is not
// mirrored on the other.
package mynacard

// Application identifiers (docs/domain/card.md).
var (
	AIDJPKI         = []byte{0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01}
	AIDInputSupport = []byte{0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08}
	AIDCardFace     = []byte{0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02}
	AIDCommon       = []byte{0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x01, 0x00}
)

// Elementary files.
const (
	// JPKI AP
	EFSignCert   uint16 = 0x0001
	EFSignCACert uint16 = 0x0002
	EFToken      uint16 = 0x0006
	EFAuthCert   uint16 = 0x000A
	EFAuthCACert uint16 = 0x000B
	EFAuthKey    uint16 = 0x0017
	EFAuthPIN    uint16 = 0x0018
	EFSignKey    uint16 = 0x001A
	EFSignPIN    uint16 = 0x001B
	// input-support AP
	EFMyNumber   uint16 = 0x0001
	EFAttributes uint16 = 0x0002
	EFDigests    uint16 = 0x0003
	EFBasicInfo  uint16 = 0x0005
	EFInputPIN   uint16 = 0x0011
)

// Common AP record holding the card manufacture number.
const (
	CommonSerialSFI = 1
	CommonSerialRec = 1
	// CommonSerialOffset: the serial starts after a 2-byte header (one source only:
	// unverified against a real card).
	CommonSerialOffset = 2
	TokenLen           = 0x20
)

// Tags of the attributes file.
const (
	TagAttributes   = 0xFF20
	TagAttrHeader   = 0xDF21
	TagAttrName     = 0xDF22
	TagAttrAddress  = 0xDF23
	TagAttrBirth    = 0xDF24
	TagAttrSex      = 0xDF25
	TagMyNumber     = 0xD0
	TagDigests      = 0xFF30
	TagBasicInfo    = 0xFF40
	MyNumberFileLen = 17 // read size of EF 0001: D0 0C + 12 digits, padded
)
