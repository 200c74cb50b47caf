package card

import (
	"strings"
	"time"
	"unicode/utf8"

	"madoguchi/protocol/mynacard"
)

// Attributes are the four attributes (基本4情報) of the input-support AP, EF 0002.
type Attributes struct {
	Name      string    `json:"name"`
	Address   string    `json:"address"`
	BirthDate time.Time `json:"birth_date"`
	// Sex per ISO 5218: 1 male, 2 female, 9 not applicable.
	Sex int `json:"sex"`
}

// ParseAttributes decodes EF 0002 of the input-support AP.
func ParseAttributes(b []byte) (Attributes, error) {
	objs, err := mynacard.ParseTLVs(b)
	if err != nil {
		return Attributes{}, wireErr(err)
	}
	var root mynacard.TLV
	found := false
	for _, o := range objs {
		if o.Tag == mynacard.TagAttributes {
			root, found = o, true
			break
		}
	}
	if !found {
		return Attributes{}, dataErr("attributes: no FF20 object")
	}
	var a Attributes
	get := func(tag uint32) (string, error) {
		t, ok := root.Find(tag)
		if !ok {
			return "", dataErr("attributes: tag %X missing", tag)
		}
		if !utf8.Valid(t.Value) {
			return "", dataErr("attributes: tag %X is not UTF-8", tag)
		}
		return strings.TrimRight(string(t.Value), " \x00"), nil
	}
	if a.Name, err = get(mynacard.TagAttrName); err != nil {
		return a, err
	}
	if a.Address, err = get(mynacard.TagAttrAddress); err != nil {
		return a, err
	}
	birth, err := get(mynacard.TagAttrBirth)
	if err != nil {
		return a, err
	}
	if a.BirthDate, err = time.Parse("20060102", birth); err != nil {
		return a, dataErr("attributes: birth date not YYYYMMDD")
	}
	sex, err := get(mynacard.TagAttrSex)
	if err != nil {
		return a, err
	}
	switch sex {
	case "1", "2", "9":
		a.Sex = int(sex[0] - '0')
	default:
		return a, dataErr("attributes: sex code is not ISO 5218")
	}
	return a, nil
}

// MyNumber is the 12-digit individual number. Its String and JSON forms are
// masked; Reveal gives the digits and must only be called to show or file it
// where a procedure legally needs it.
type MyNumber struct{ digits string }

// Reveal returns the 12 digits.
func (m MyNumber) Reveal() string { return m.digits }

// String masks all but the last 4 digits: "**** **** 1234".
func (m MyNumber) String() string {
	if len(m.digits) != 12 {
		return "(none)"
	}
	return "**** **** " + m.digits[8:]
}

// MarshalJSON keeps the number masked in any JSON output.
func (m MyNumber) MarshalJSON() ([]byte, error) { return []byte(`"` + m.String() + `"`), nil }

// GoString masks under %#v too.
func (m MyNumber) GoString() string { return "card.MyNumber(" + m.String() + ")" }

// NewMyNumber validates 12 digits and the check digit.
func NewMyNumber(s string) (MyNumber, error) {
	if !ValidMyNumber(s) {
		return MyNumber{}, dataErr("my number: not 12 digits with a valid check digit")
	}
	return MyNumber{digits: s}, nil
}

// ValidMyNumber checks 12 digits and the check digit of the individual number
// (weights per the ministerial ordinance: Qn = n+1 for n ≤ 6, n−5 for n ≥ 7,
// counting Pn from the right, excluding the check digit).
func ValidMyNumber(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < 12; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return MyNumberCheckDigit(s[:11]) == s[11]-'0'
}

// MyNumberCheckDigit computes the check digit for the first 11 digits.
func MyNumberCheckDigit(first11 string) byte {
	sum := 0
	for n := 1; n <= 11; n++ {
		p := int(first11[11-n] - '0')
		q := n + 1
		if n >= 7 {
			q = n - 5
		}
		sum += p * q
	}
	r := sum % 11
	if r <= 1 {
		return 0
	}
	return byte(11 - r)
}

// ParseMyNumber decodes EF 0001 of the input-support AP (D0 0C + 12 digits).
func ParseMyNumber(b []byte) (MyNumber, error) {
	objs, err := mynacard.ParseTLVs(b)
	if err != nil {
		return MyNumber{}, wireErr(err)
	}
	for _, o := range objs {
		if o.Tag == mynacard.TagMyNumber {
			return NewMyNumber(string(o.Value))
		}
	}
	return MyNumber{}, dataErr("my number: no D0 object")
}
