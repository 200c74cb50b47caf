package card

import (
	"crypto/x509"
	"encoding/asn1"
	"strconv"
)

// JPKI subjectAltName OtherName type identifiers of the signature certificate.
var (
	OIDJPKIName       = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 1}
	OIDJPKIAltName    = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 2}
	OIDJPKISex        = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 3}
	OIDJPKIBirth      = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 4}
	OIDJPKIAddress    = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 5}
	OIDJPKIAltAddress = asn1.ObjectIdentifier{1, 2, 392, 200149, 8, 5, 5, 6}
	oidSubjectAltName = asn1.ObjectIdentifier{2, 5, 29, 17}
)

// JPKIIdentity is what the signature certificate says about its holder.
type JPKIIdentity struct {
	Name       string `json:"name"`
	AltName    string `json:"alt_name,omitempty"`
	Sex        int    `json:"sex"`
	BirthDate  string `json:"birth_date"` // YYYYMMDD
	Address    string `json:"address"`
	AltAddress string `json:"alt_address,omitempty"`
}

type otherName struct {
	TypeID asn1.ObjectIdentifier
	Value  asn1.RawValue // [0] EXPLICIT, built by hand
}

// MarshalJPKISubjectAltName encodes the identity as a subjectAltName
// extension value of OtherNames (UTF8String values). Used by the sandbox CA.
func MarshalJPKISubjectAltName(id JPKIIdentity) ([]byte, error) {
	var names []asn1.RawValue
	add := func(oid asn1.ObjectIdentifier, v string) error {
		if v == "" {
			return nil
		}
		val, err := asn1.MarshalWithParams(v, "utf8")
		if err != nil {
			return err
		}
		on, err := asn1.Marshal(otherName{TypeID: oid,
			Value: asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: val}})
		if err != nil {
			return err
		}
		// OtherName is [0] IMPLICIT in GeneralName: retag the SEQUENCE.
		var seq asn1.RawValue
		if _, err := asn1.Unmarshal(on, &seq); err != nil {
			return err
		}
		names = append(names, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: seq.Bytes})
		return nil
	}
	for _, f := range []struct {
		oid asn1.ObjectIdentifier
		v   string
	}{
		{OIDJPKIName, id.Name}, {OIDJPKIAltName, id.AltName}, {OIDJPKISex, strconv.Itoa(id.Sex)},
		{OIDJPKIBirth, id.BirthDate}, {OIDJPKIAddress, id.Address}, {OIDJPKIAltAddress, id.AltAddress},
	} {
		if err := add(f.oid, f.v); err != nil {
			return nil, err
		}
	}
	return asn1.Marshal(names)
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
			on := otherName{TypeID: oid}
			switch {
			case on.TypeID.Equal(OIDJPKIName):
				id.Name = s
			case on.TypeID.Equal(OIDJPKIAltName):
				id.AltName = s
			case on.TypeID.Equal(OIDJPKISex):
				id.Sex, _ = strconv.Atoi(s)
			case on.TypeID.Equal(OIDJPKIBirth):
				id.BirthDate = s
			case on.TypeID.Equal(OIDJPKIAddress):
				id.Address = s
			case on.TypeID.Equal(OIDJPKIAltAddress):
				id.AltAddress = s
			}
		}
		return id, nil
	}
	return id, dataErr("certificate has no subjectAltName")
}
