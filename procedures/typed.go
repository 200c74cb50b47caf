package procedures

import (
	"fmt"
	"strings"

	"madoguchi/i18n"
)

// Fields typed on the review screen (what neither the card nor a
// certificate gives) are checked here, where the forms are known, and
// kept in one canonical form: the window, the terminal and the bundle
// agree on what a valid phone number is.

// typedFormats are the fields with a format of their own, by input id.
var typedFormats = map[string]func(string) (string, error){
	"phone": Phone,
}

// NormalizeTyped is a typed field's value as a form carries it: a phone
// number as its digits, anything else trimmed. A value that cannot be
// the field is refused, saying what it should be.
func NormalizeTyped(field, text string) (string, error) {
	text = strings.TrimSpace(text)
	if f, ok := typedFormats[field]; ok {
		return f(text)
	}
	return text, nil
}

// Phone reads a Japanese phone number as people write it — 03-1234-5678,
// ０９０（１２３４）５６７８, +81 90 1234 5678 — and gives its digits in the
// national form ("09012345678"): ten digits for a fixed line, eleven for a
// mobile (070, 080, 090), IP (050) or 0120/0800 number... always starting
// with 0 and never with 00 (an international prefix).
func Phone(s string) (string, error) {
	d := i18n.Digits(s)
	d = strings.NewReplacer("(", "", ")", "", "（", "", "）", "", ".", "").Replace(d)
	if rest, ok := strings.CutPrefix(d, "+81"); ok {
		d = "0" + strings.TrimPrefix(rest, "0")
	}
	if strings.Trim(d, "0123456789") != "" {
		return "", fmt.Errorf("%q: a phone number has only digits (and - or spaces)", s)
	}
	switch {
	case len(d) < 10 || len(d) > 11:
		return "", fmt.Errorf("%q: a phone number in Japan has 10 or 11 digits", s)
	case d[0] != '0' || d[1] == '0':
		return "", fmt.Errorf("%q: a phone number in Japan starts with 0 (and not 00)", s)
	case len(d) == 11 && !mobileLike(d):
		return "", fmt.Errorf("%q: only mobile, IP and free-dial numbers have 11 digits", s)
	}
	return d, nil
}

// mobileLike are the 11-digit prefixes: mobiles, IP phones, 0800 free dial
// and 020 (pagers, M2M).
func mobileLike(d string) bool {
	for _, p := range []string{"070", "080", "090", "050", "0800", "020", "060"} {
		if strings.HasPrefix(d, p) {
			return true
		}
	}
	return false
}
