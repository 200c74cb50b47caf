package card

import (
	"crypto/x509"
	"encoding/asn1"
	"strconv"

	"madoguchi/protocol/mynacard"
)

// oidSubjectAltName is the X.509 subjectAltName extension (RFC 5280); the
// OtherName type identifiers in it are the card's (protocol/mynacard).
var oidSubjectAltName = asn1.ObjectIdentifier{2, 5, 29, 17}

// JPKIIdentity is what the signature certificate says about its holder.
type JPKIIdentity struct {
	Name       string `json:"name"`
	AltName    string `json:"alt_name,omitempty"`
	Sex        int    `json:"sex"`
	BirthDate  string `json:"birth_date"` // YYYYMMDD
	Address    string `json:"address"`
	AltAddress string `json:"alt_address,omitempty"`
}

// ParseJPKIIdentity reads the holder's identity from a signature certificate.
func ParseJPKIIdentity(cert *x509.Certificate) (JPKIIdentity, error) {
	var id JPKIIdentity
	for _, ext := range cert.Extensions {
		if !ext.Id.Equal(oidSubjectAltName) {
			continue
		}
		var names []asn1.RawValue
		if rest, err := asn1.Unmarshal(ext.Value, &names); err != nil || len(rest) > 0 {
			return id, dataErr("subjectAltName is not a sequence of GeneralName")
		}
		for _, n := range names {
			if n.Class != asn1.ClassContextSpecific || n.Tag != 0 {
				continue
			}
			// OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY },
			// here IMPLICITly tagged [0]: its contents are the OID then the value.
			var oid asn1.ObjectIdentifier
			rest, err := asn1.Unmarshal(n.Bytes, &oid)
			if err != nil {
				return id, dataErr("bad OtherName type-id")
			}
			var wrapped asn1.RawValue
			if _, err := asn1.Unmarshal(rest, &wrapped); err != nil || wrapped.Tag != 0 || wrapped.Class != asn1.ClassContextSpecific {
				return id, dataErr("bad OtherName value")
			}
			var s string
			if _, err := asn1.Unmarshal(wrapped.Bytes, &s); err != nil {
				return id, dataErr("OtherName value is not a string")
			}
			switch {
			case oid.Equal(mynacard.OIDJPKIName):
				id.Name = s
			case oid.Equal(mynacard.OIDJPKIAltName):
				id.AltName = s
			case oid.Equal(mynacard.OIDJPKISex):
				id.Sex, _ = strconv.Atoi(s)
			case oid.Equal(mynacard.OIDJPKIBirth):
				id.BirthDate = s
			case oid.Equal(mynacard.OIDJPKIAddress):
				id.Address = s
			case oid.Equal(mynacard.OIDJPKIAltAddress):
				id.AltAddress = s
			}
		}
		return id, nil
	}
	return id, dataErr("certificate has no subjectAltName")
}
