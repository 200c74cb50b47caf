package i18n

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/width"
)

// Key is a message id carried as failure data: Explain shows its text in
// the person's language (the expected form of an answer, a reason).
type Key string

// Localized is a value with a text in every language (a catalogue text):
// Explain shows it in the person's language.
type Localized interface{ In(lang string) string }

// Day is a calendar day in a failure's data, said as the language writes
// dates (with the era in Japanese), not as ISO.
type Day time.Time

// In implements Localized.
func (d Day) In(lang string) string { return New(lang).DateWithEra(time.Time(d)) }

// Digits is s as people type numbers, made plain: full-width digits and
// dashes to ASCII, and spaces, dashes and the postal mark 〒 removed
// ("〒１００－００１３" → "1000013").
func Digits(s string) string {
	s = width.Fold.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == '〒' || r == 'ー' || r == '−' || r == '‐' || r == '—' || unicode.IsSpace(r):
			return -1
		}
		return r
	}, s)
}

var (
	isoDate   = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$`)
	kanjiDate = regexp.MustCompile(`^(令和|平成|昭和|大正|明治|R|H|S|T|M)?\s*(元|\d{1,4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$`)
	eraDot    = regexp.MustCompile(`^(R|H|S|T|M)(元|\d{1,2})[./](\d{1,2})[./](\d{1,2})$`)
)

// eraFirstYear is the Gregorian year of each era's first year (year 1).
var eraFirstYear = map[string]int{"令和": 2019, "R": 2019, "平成": 1989, "H": 1989, "昭和": 1926, "S": 1926,
	"大正": 1912, "T": 1912, "明治": 1868, "M": 1868}

// ParseDate reads a date as people in Japan write it: 2026-04-01,
// 2026/4/1, 2026年4月1日, 令和8年4月1日 (元年 too), R8.4.1, with full-width
// digits or not. It is a day in Japan; a day that does not exist (2月30日),
// or an era year the era never reached, is refused.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(width.Fold.String(s))
	// what a Japanese input method makes of "-" and "/": the minus sign,
	// hyphens and dashes, and the middle dot (2026・4・1)
	s = strings.NewReplacer("−", "-", "‐", "-", "‑", "-", "–", "-", "—", "-", "ー", "-", "・", "/", "･", "/").Replace(s)
	s = strings.ToUpper(s)
	var y, m, d int
	conv := func(x string) int {
		if x == "元" {
			return 1
		}
		n, _ := strconv.Atoi(x)
		return n
	}
	switch {
	case isoDate.MatchString(s):
		p := isoDate.FindStringSubmatch(s)
		y, m, d = conv(p[1]), conv(p[2]), conv(p[3])
	case eraDot.MatchString(s):
		p := eraDot.FindStringSubmatch(s)
		y, m, d = eraFirstYear[p[1]]+conv(p[2])-1, conv(p[3]), conv(p[4])
	case kanjiDate.MatchString(s):
		p := kanjiDate.FindStringSubmatch(s)
		y, m, d = conv(p[2]), conv(p[3]), conv(p[4])
		if p[1] != "" {
			if p[2] != "元" && len(p[2]) > 2 { // (元 is one character of three bytes)
				return time.Time{}, fmt.Errorf("%q: an era year has one or two digits", s)
			}
			y = eraFirstYear[p[1]] + y - 1
		} else if len(p[2]) != 4 {
			return time.Time{}, fmt.Errorf("%q: a year without an era has four digits", s)
		}
	default:
		return time.Time{}, fmt.Errorf("%q is not a date (write it 2026-04-01)", s)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, JST)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, fmt.Errorf("%q is not a day of the calendar", s)
	}
	if p := kanjiDate.FindStringSubmatch(s); p != nil && p[1] != "" || eraDot.MatchString(s) {
		if !inEra(t, s) {
			return time.Time{}, fmt.Errorf("%q: that era had no such day", s)
		}
	}
	return t, nil
}

// inEra tells whether t lies in the era s names.
func inEra(t time.Time, s string) bool {
	for i, e := range eras {
		if strings.HasPrefix(s, e.ja) || strings.HasPrefix(s, e.en[:1]) {
			if t.Before(e.start) {
				return false
			}
			return i == 0 || t.Before(eras[i-1].start)
		}
	}
	return false
}
