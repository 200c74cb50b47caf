package mynacard

import "encoding/asn1"

// The JPKI signature certificate (EF 0001 of the JPKI AP) names its holder
// in the subjectAltName: one OtherName per attribute, its value a
// UTF8String, with these type identifiers (docs/domain/card.md). The card
// client reads them (auth/card.ParseJPKIIdentity); the sandbox CA writes
// them with its own encoder (sandbox/fixtures/gen), so a mistake in one is
// not mirrored in the other.
var (
	OIDJPKIName       = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 1}
	OIDJPKIAltName    = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 2}
	OIDJPKISex        = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 3}
	OIDJPKIBirth      = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 4}
	OIDJPKIAddress    = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 5}
	OIDJPKIAltAddress = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 6}
)
