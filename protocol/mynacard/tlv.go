package mynacard

import (
	"fmt"
	"strings"
)

// TLV is one BER-TLV data object as stored on the card (tags up to 3 bytes,
// definite lengths up to 3 bytes).
type TLV struct {
	Tag   uint32
	Value []byte
	// Children is set for constructed tags (bit 6 of the first tag byte).
	Children []TLV
}

// Constructed reports whether the tag is constructed.
func (t TLV) Constructed() bool { return tagConstructed(t.Tag) }

func tagConstructed(tag uint32) bool {
	first := tag
	for first > 0xFF {
		first >>= 8
	}
	return first&0x20 != 0
}

// Find returns the first child with the tag.
func (t TLV) Find(tag uint32) (TLV, bool) {
	for _, c := range t.Children {
		if c.Tag == tag {
			return c, true
		}
	}
	return TLV{}, false
}

// FormatError is malformed card data (a TLV, a DER header) or a response
// APDU without a status word. The card client maps it to its failure codes.
type FormatError struct {
	// Response is set for a malformed response APDU, unset for malformed data.
	Response bool
	Detail   string
}

func (e *FormatError) Error() string { return "mynacard: " + e.Detail }

func dataErr(format string, a ...any) error {
	return &FormatError{Detail: fmt.Sprintf(format, a...)}
}

// ParseTLVHeader reads the tag and length at the start of b and returns them
// with the header size. It does not need the value to be present: the card
// client uses it to learn a file's size from its first bytes.
func ParseTLVHeader(b []byte) (tag uint32, length int, hdr int, err error) {
	if len(b) == 0 {
		return 0, 0, 0, dataErr("empty TLV")
	}
	i := 0
	tag = uint32(b[0])
	i++
	if b[0]&0x1F == 0x1F { // multi-byte tag
		for {
			if i >= len(b) {
				return 0, 0, 0, dataErr("truncated tag")
			}
			if i >= 3 {
				return 0, 0, 0, dataErr("tag longer than 3 bytes")
			}
			tag = tag<<8 | uint32(b[i])
			i++
			if b[i-1]&0x80 == 0 {
				break
			}
		}
	}
	if i >= len(b) {
		return 0, 0, 0, dataErr("missing length")
	}
	l := b[i]
	i++
	switch {
	case l < 0x80:
		length = int(l)
	case l == 0x80:
		return 0, 0, 0, dataErr("indefinite length not allowed")
	default:
		n := int(l & 0x7F)
		if n > 3 {
			return 0, 0, 0, dataErr("length of %d bytes", n)
		}
		if i+n > len(b) {
			return 0, 0, 0, dataErr("truncated length")
		}
		for j := 0; j < n; j++ {
			length = length<<8 | int(b[i+j])
		}
		i += n
	}
	return tag, length, i, nil
}

// ParseTLVs parses a sequence of BER-TLV objects, recursing into constructed
// ones. Padding bytes 00 and FF between objects (common on cards) are skipped.
func ParseTLVs(b []byte) ([]TLV, error) {
	return parseTLVs(b, 0)
}

func parseTLVs(b []byte, depth int) ([]TLV, error) {
	if depth > 8 {
		return nil, dataErr("TLV nested too deeply")
	}
	var out []TLV
	for len(b) > 0 {
		if b[0] == 0x00 || (b[0] == 0xFF && (len(b) == 1 || b[1] == 0xFF)) {
			b = b[1:]
			continue
		}
		tag, l, h, err := ParseTLVHeader(b)
		if err != nil {
			return nil, err
		}
		if h+l > len(b) {
			return nil, dataErr("TLV %X: value of %d bytes, %d present", tag, l, len(b)-h)
		}
		t := TLV{Tag: tag, Value: b[h : h+l]}
		if tagConstructed(tag) {
			kids, err := parseTLVs(t.Value, depth+1)
			if err != nil {
				return nil, err
			}
			t.Children = kids
		}
		out = append(out, t)
		b = b[h+l:]
	}
	return out, nil
}

// DERLength returns the total size (header + content) of the DER object whose
// first bytes are b, as OpenSC does for the JPKI certificate EFs.
func DERLength(b []byte) (int, error) {
	if len(b) < 2 {
		return 0, dataErr("DER header needs at least 2 bytes")
	}
	if b[0] != 0x30 {
		return 0, dataErr("DER object is not a SEQUENCE (tag %02X)", b[0])
	}
	_, l, h, err := ParseTLVHeader(b)
	if err != nil {
		return 0, err
	}
	return h + l, nil
}

// Kind is the kind of card identified from the JPKI token EF.
type Kind int

const (
	KindUnknown        Kind = iota // no JPKI application or unknown token
	KindMyNumberCard               // JPKIAPICCTOKEN2
	KindJukiCard                   // JPKIAPICCTOKEN: the old Basic Resident Register card
	KindSmartphoneJPKI             // JPKIAPGPSETOKEN
)

func (k Kind) String() string {
	switch k {
	case KindMyNumberCard:
		return "mynumber"
	case KindJukiCard:
		return "juki"
	case KindSmartphoneJPKI:
		return "smartphone"
	}
	return "unknown"
}

// Token strings in EF 0006 of the JPKI AP.
const (
	TokenMyNumberCard = "JPKIAPICCTOKEN2"
	TokenJukiCard     = "JPKIAPICCTOKEN"
	TokenSmartphone   = "JPKIAPGPSETOKEN"
)

// ParseToken interprets the token-information EF (0x20 bytes, padded with
// spaces or NULs).
func ParseToken(b []byte) Kind {
	s := strings.TrimRight(string(b), " \x00")
	switch s {
	case TokenMyNumberCard:
		return KindMyNumberCard
	case TokenJukiCard:
		return KindJukiCard
	case TokenSmartphone:
		return KindSmartphoneJPKI
	}
	return KindUnknown
}
