package i18n

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The one formatter of readable values, used by the CLI and the GUI alike:
// dates (JST; Gregorian, and the Japanese era where residents expect it),
// sex codes, money, and certificate fields in a meaningful order.

// era is a Japanese era (元号) and the JST day it began.
type era struct {
	ja, en string
	start  time.Time
	first  int // the Gregorian year of the era's year 1 (Meiji 1 is 1868, before the calendar's adoption)
}

var eras = []era{ // newest first
	{"令和", "Reiwa", time.Date(2019, 5, 1, 0, 0, 0, 0, JST), 2019},
	{"平成", "Heisei", time.Date(1989, 1, 8, 0, 0, 0, 0, JST), 1989},
	{"昭和", "Showa", time.Date(1926, 12, 25, 0, 0, 0, 0, JST), 1926},
	{"大正", "Taisho", time.Date(1912, 7, 30, 0, 0, 0, 0, JST), 1912},
	{"明治", "Meiji", time.Date(1873, 1, 1, 0, 0, 0, 0, JST), 1868}, // dates from the Gregorian calendar's adoption
}

// Wareki is t's Japanese-era date in JST: "令和元年5月1日", "平成31年4月30日".
// Dates before the Gregorian calendar's adoption (1873) are given as
// Gregorian dates.
func Wareki(t time.Time) string {
	t = t.In(JST)
	for _, e := range eras {
		if !t.Before(e.start) {
			return fmt.Sprintf("%s%s年%d月%d日", e.ja, eraYear(t, e), int(t.Month()), t.Day())
		}
	}
	return t.Format("2006年1月2日")
}

func eraYear(t time.Time, e era) string {
	y := t.Year() - e.first + 1
	if y == 1 {
		return "元"
	}
	return strconv.Itoa(y)
}

// warekiEN is "Reiwa 1", "Heisei 31".
func warekiEN(t time.Time) string {
	t = t.In(JST)
	for _, e := range eras {
		if !t.Before(e.start) {
			return fmt.Sprintf("%s %d", e.en, t.Year()-e.first+1)
		}
	}
	return ""
}

// DateWithEra is a date as residents read it on municipal papers: in
// Japanese the era date with the Gregorian year ("令和11年4月12日（2029年）"),
// in other languages the Gregorian date with the era year ("12 April 2029
// (Reiwa 11)").
func (l *Localizer) DateWithEra(t time.Time) string {
	if l.Japanese() {
		return fmt.Sprintf("%s（%d年）", Wareki(t), t.In(JST).Year())
	}
	if w := warekiEN(t); w != "" {
		return l.Date(t) + " (" + w + ")"
	}
	return l.Date(t)
}

// Japanese reports whether the language is Japanese.
func (l *Localizer) Japanese() bool { return strings.HasPrefix(Match(l.lang), "ja") }

// Sex names an ISO 5218 code (1 male, 2 female, 9 not applicable, 0 not known).
func (l *Localizer) Sex(code int) string {
	key := fmt.Sprintf("sex.%d", code)
	if l.Has(key) {
		return l.T(key)
	}
	return strconv.Itoa(code)
}

// Yen formats an amount of yen: "1,234,567円" in Japanese, "¥1,234,567"
// otherwise.
func (l *Localizer) Yen(n int64) string {
	if l.Japanese() {
		return Group(n) + "円"
	}
	if n < 0 {
		return "-¥" + Group(-n)
	}
	return "¥" + Group(n)
}

// Group writes n with thousands separators.
func Group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// fieldRank orders certificate fields as a person reads them: who, then
// where, then the rest.
var fieldRank = map[string]int{"name": 0, "name_kana": 1, "alt_name": 1, "birth_date": 2, "sex": 3, "address": 4, "address_parts": 5,
	"moved_in": 6, "household_head": 7, "relationship": 8, "household_members": 9, "my_number": 10,
	"fiscal_year": 20, "income": 21, "taxable_income": 22, "municipal_tax": 23, "prefectural_tax": 24,
	"prefecture": 40, "municipality": 41, "street": 42}

// OrderFields sorts field paths: by the rank of their top-level name, then
// as written ("household_members[0]" after "household_members").
func OrderFields(paths []string) []string {
	out := append([]string(nil), paths...)
	rank := func(p string) int {
		name, _, _ := strings.Cut(strings.SplitN(p, ".", 2)[0], "[")
		if r, ok := fieldRank[name]; ok {
			return r
		}
		return 100
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := rank(out[i]), rank(out[j])
		if ri != rj {
			return ri < rj
		}
		return out[i] < out[j]
	})
	return out
}

// FieldValue formats a certificate field's value by what the field is:
// dates with the era, sex codes in words, money in yen, household members
// by name and birth date.
func (l *Localizer) FieldValue(path string, v any) string {
	name := path
	if i := strings.LastIndexAny(path, ".]"); i >= 0 && path[i] == '.' {
		name = path[i+1:]
	}
	name, _, _ = strings.Cut(name, "[")
	switch x := v.(type) {
	case string:
		if strings.HasSuffix(name, "date") || name == "moved_in" {
			if t, err := time.ParseInLocation("2006-01-02", x, JST); err == nil {
				return l.DateWithEra(t)
			}
		}
		return x
	case float64:
		n := int64(x)
		switch {
		case name == "sex":
			return l.Sex(int(n))
		case name == "income" || name == "payment" || name == "social_insurance" || name == "tax_withheld" ||
			strings.HasSuffix(name, "_income") || strings.HasSuffix(name, "_tax"):
			return l.Yen(n)
		case name == "fiscal_year":
			return strconv.FormatInt(n, 10)
		case float64(n) == x:
			return Group(n)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case map[string]any:
		if nm, ok := x["name"].(string); ok {
			if b, ok := x["birth_date"].(string); ok {
				return nm + "（" + l.FieldValue("birth_date", b) + "）"
			}
			return nm
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		keys = OrderFields(keys)
		parts := make([]string, 0, len(keys))
		for _, k := range keys {
			parts = append(parts, l.FieldValue(k, x[k]))
		}
		return strings.Join(parts, " ")
	case []string: // a list of names (who moves)
		vs := make([]any, len(x))
		for i, e := range x {
			vs[i] = e
		}
		return l.FieldValue(path, vs)
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, l.FieldValue(name, e))
		}
		sep := ", "
		if l.Japanese() {
			sep = "、"
		}
		return strings.Join(parts, sep)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}
