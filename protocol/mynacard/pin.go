package mynacard

// PINFormat is what the card accepts as a secret (docs/domain/card.md): the
// 4-digit PINs and the 6–16 character signing password (digits and
// upper-case letters only). The one rule: the client checks it before
// anything is sent (a typo never costs a try) and the virtual card enforces
// it on CHANGE REFERENCE DATA.
type PINFormat struct {
	Min, Max int
	Letters  bool // upper-case A–Z allowed besides digits
	Rule     string
}

// The card's two formats.
var (
	FormatPIN4         = PINFormat{Min: 4, Max: 4, Rule: "4 digits"}
	FormatSignPassword = PINFormat{Min: 6, Max: 16, Letters: true, Rule: "6-16 upper-case letters and digits"}
)

// Accepts reports whether p has the format (upper case only: see Normalize).
func (f PINFormat) Accepts(p []byte) bool {
	if len(p) < f.Min || len(p) > f.Max {
		return false
	}
	for _, c := range p {
		if !(c >= '0' && c <= '9' || f.Letters && c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// Normalize upper-cases a–z in place where letters are allowed (the card
// stores the signing password in upper case; people type either).
func (f PINFormat) Normalize(p []byte) {
	if !f.Letters {
		return
	}
	for i, c := range p {
		if c >= 'a' && c <= 'z' {
			p[i] = c - 'a' + 'A'
		}
	}
}
