package intake

// The rules the intake enforces itself, whatever client filed the bundle:
// when each procedure can be filed online, and what a field can plausibly
// hold. The app plans with the same windows, but other clients exist, so
// the municipality checks on its own, with its own code (nothing here comes
// from the app's procedures package).
//
// Where the windows come from, in plain words:
//   - Moving-out notice (転出届) online: from 30 days before the move to 10
//     days after it. Several cities state this window publicly for the
//     online moving-out notice on the Mynaportal; after it the notice is
//     made at the counter. The notice itself is the Basic Resident
//     Registration Act art. 24 (住民基本台帳法第24条: notify before moving out).
//   - Leaving National Health Insurance and ending child allowance at the
//     old municipality follow the moving-out notice: they open with it (30
//     days before the move) and have no online closing day here — a late
//     filing is still taken, since the entitlement ends with the move anyway.
//   - Child allowance claim (Child Allowance Act art. 7 and 8: the claim is
//     made for a child one is raising, and payment starts from the month
//     after the claim): a child not yet born cannot be claimed for, so the
//     claim can be filed from the day of the birth.
//   - Joining National Health Insurance, and the pension category change
//     that comes with it: coverage begins on the day after leaving employer
//     insurance (the day after the last day of work), so they can be filed
//     from that day, not before.
//   - Daycare: a child not yet born cannot be placed (from the day of the
//     birth), and a wanted start in the past cannot be right.
//
// Days are calendar days in Japan (Asia/Tokyo; no daylight saving), the
// fields' dates as the app sends them ("YYYY-MM-DD"). A withdrawal is taken
// whatever the window (taking something back is always allowed); a
// correction follows the same windows as a new application.

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/bundle"
)

// japan is Japan Standard Time (UTC+9 all year).
var japan = time.FixedZone("JST", 9*60*60)

// today is the calendar day in Japan at t, as midnight UTC of that date
// (so that days compare and add as dates).
func today(t time.Time) time.Time {
	y, m, d := t.In(japan).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// bound is a number of days from a window's date; unset: no bound.
type bound struct {
	days int
	set  bool
}

func days(n int) bound { return bound{n, true} }

// window is when a procedure is taken online, counted from one of its
// date fields (which the application must then carry).
type window struct {
	procedure string
	field     string
	// opens is the first day (the field's date + opens days); before it:
	// BUNDLE-NOT-OPEN, saying why with notYet.
	opens  bound
	notYet string
	// closes is the last day; after it: late (BUNDLE-CLOSED, the counter
	// takes it; or BUNDLE-IMPLAUSIBLE, the date cannot be right).
	closes bound
	late   failure.Code
}

// windows is the table of the procedures taken online (Online).
var windows = []window{
	{procedure: "moving-out-notice", field: "move_out_date", opens: days(-30), closes: days(10), late: bundle.CodeClosed,
		notYet: "the online moving-out notice is taken from 30 days before the move"},
	{procedure: "nhi-loss", field: "move_out_date", opens: days(-30),
		notYet: "leaving National Health Insurance is taken from 30 days before the move"},
	{procedure: "child-allowance-end", field: "move_out_date", opens: days(-30),
		notYet: "ending child allowance is taken from 30 days before the move"},
	{procedure: "child-allowance-claim", field: "child_birth_date", opens: days(0),
		notYet: "the claim can be filed from the day of the birth"},
	{procedure: "nhi-enrol", field: "coverage_lost_on", opens: days(0),
		notYet: "joining National Health Insurance can be filed from the day coverage was lost (the day after leaving the job)"},
	{procedure: "pension-category-change", field: "category_changed_on", opens: days(0),
		notYet: "the pension category change can be filed from the day it changes (the day after leaving the job)"},
	{procedure: "daycare-application", field: "child_birth_date", opens: days(0),
		notYet: "a daycare application can be filed from the day of the birth"},
	{procedure: "daycare-application", field: "wanted_from", closes: days(0), late: bundle.CodeImplausible},
}

// Plausibility limits, for every application.
const (
	maxString     = 200      // runes in one string field
	maxList       = 20       // entries in a list field (e.g. movers)
	maxListEntry  = 100      // runes in one string of a list entry
	maxFieldsJSON = 16 << 10 // bytes of one application's fields, as JSON
)

// Dates a field can plausibly hold: from 1900-01-01 to a year after today.
var earliest = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// isDateField tells the fields that hold a date by their name.
func isDateField(name string) bool {
	return strings.HasSuffix(name, "_date") || strings.HasSuffix(name, "_on") || strings.HasSuffix(name, "_from")
}

// parseDay reads a calendar date "YYYY-MM-DD" (nothing more: no time).
func parseDay(s string) (time.Time, bool) {
	if len(s) != len(time.DateOnly) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

func implausible(a bundle.Application, field, format string, args ...any) *failure.Error {
	return failure.Newf(bundle.CodeImplausible, "%s: %s "+format, append([]any{a.Procedure, field}, args...)...).
		With("procedure", a.Procedure).With("field", field)
}

// checkRules checks every application of b against the rules, on day
// (today in Japan): its kind, its fields' plausibility, and the window of
// its procedure. The first refusal is returned (nothing is then filed).
func checkRules(b *bundle.Bundle, day time.Time) *failure.Error {
	for _, a := range b.Applications {
		switch {
		case a.Kind != "" && a.Kind != bundle.KindCorrection && a.Kind != bundle.KindWithdrawal:
			return failure.Newf(bundle.CodeMalformed, "%s: kind %q (a correction, a withdrawal or none)", a.Procedure, a.Kind)
		case a.Kind != "" && a.Corrects == "":
			return failure.Newf(bundle.CodeCorrection, "%s: a %s must name the receipt it refers to (corrects)", a.Procedure, a.Kind)
		case a.Kind == "" && a.Corrects != "":
			return failure.Newf(bundle.CodeCorrection, "%s: corrects %s, but the application is not a correction or withdrawal", a.Procedure, a.Corrects)
		}
		if err := plausible(a, day); err != nil {
			return err
		}
		if a.Kind == bundle.KindWithdrawal {
			continue
		}
		for _, w := range windows {
			if w.procedure != a.Procedure {
				continue
			}
			if err := w.check(a, day); err != nil {
				return err
			}
		}
	}
	return nil
}

// check refuses an application filed outside the window (or without its date).
func (w window) check(a bundle.Application, day time.Time) *failure.Error {
	s, _ := a.Fields[w.field].(string)
	date, ok := parseDay(s)
	if !ok {
		return implausible(a, w.field, "is required (a date, YYYY-MM-DD)")
	}
	if w.opens.set {
		if first := date.AddDate(0, 0, w.opens.days); day.Before(first) {
			return failure.Newf(bundle.CodeNotOpen, "%s: %s; it can be filed online from %s (%s %s)",
				a.Procedure, w.notYet, first.Format(time.DateOnly), w.field, s).
				With("procedure", a.Procedure).With("opens", first.Format(time.DateOnly))
		}
	}
	if w.closes.set {
		if last := date.AddDate(0, 0, w.closes.days); day.After(last) {
			if w.late == bundle.CodeImplausible {
				return implausible(a, w.field, "%s is in the past", s)
			}
			return failure.Newf(w.late, "%s: the online window closed on %s (%s %s): do it at the counter",
				a.Procedure, last.Format(time.DateOnly), w.field, s).
				With("procedure", a.Procedure).With("closed", last.Format(time.DateOnly))
		}
	}
	return nil
}

// plausible checks what any application's fields can hold: real dates in
// a sensible range, bounded strings and lists, a real address line and
// postal code.
func plausible(a bundle.Application, day time.Time) *failure.Error {
	raw, err := json.Marshal(a.Fields)
	if err != nil || len(raw) > maxFieldsJSON {
		return failure.Newf(bundle.CodeImplausible, "%s: the fields take %d bytes (at most %d)", a.Procedure, len(raw), maxFieldsJSON).
			With("procedure", a.Procedure)
	}
	latest := day.AddDate(1, 0, 0)
	for _, name := range slices.Sorted(maps.Keys(a.Fields)) {
		switch v := a.Fields[name].(type) {
		case string:
			if n := utf8.RuneCountInString(v); n > maxString {
				return implausible(a, name, "has %d characters (at most %d)", n, maxString)
			}
			if isDateField(name) {
				d, ok := parseDay(v)
				switch {
				case !ok:
					return implausible(a, name, "%q is not a calendar date (YYYY-MM-DD)", v)
				case d.Before(earliest):
					return implausible(a, name, "%s is before %s", v, earliest.Format(time.DateOnly))
				case d.After(latest):
					return implausible(a, name, "%s is more than a year ahead", v)
				}
			}
		case []any:
			if len(v) > maxList {
				return implausible(a, name, "has %d entries (at most %d)", len(v), maxList)
			}
			for i, e := range v {
				if n := longestString(e); n > maxListEntry {
					return implausible(a, name, "entry %d has %d characters (at most %d)", i+1, n, maxListEntry)
				}
			}
		default:
			if n := longestString(v); n > maxString {
				return implausible(a, name, "holds a text of %d characters (at most %d)", n, maxString)
			}
		}
	}
	if v, ok := a.Fields["new_address_line"]; ok {
		s, _ := v.(string)
		if utf8.RuneCountInString(strings.Map(dropSpace, s)) < 2 {
			return implausible(a, "new_address_line", "is not an address (at least 2 characters)")
		}
	}
	if v, ok := a.Fields["new_postal_code"]; ok {
		s, _ := v.(string)
		if len(s) != 7 || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
			return implausible(a, "new_postal_code", "is not a postal code (7 digits)")
		}
	}
	return nil
}

func dropSpace(r rune) rune {
	if unicode.IsSpace(r) {
		return -1
	}
	return r
}

// longestString is the length in runes of the longest string in v (a
// decoded JSON value).
func longestString(v any) int {
	n := 0
	switch v := v.(type) {
	case string:
		n = utf8.RuneCountInString(v)
	case []any:
		for _, e := range v {
			n = max(n, longestString(e))
		}
	case map[string]any:
		for _, e := range v {
			n = max(n, longestString(e))
		}
	}
	return n
}
