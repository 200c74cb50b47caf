package intake

import (
	"slices"
	"testing"
	"time"
)

// Every procedure taken online has its window in the table, and every
// window is of a procedure taken online.
func TestWindowsCoverOnline(t *testing.T) {
	for _, p := range Online {
		if !slices.ContainsFunc(windows, func(w window) bool { return w.procedure == p }) {
			t.Errorf("%s is taken online without a window", p)
		}
	}
	for _, w := range windows {
		if !slices.Contains(Online, w.procedure) {
			t.Errorf("a window for %s, which is not taken online", w.procedure)
		}
		if !isDateField(w.field) || (!w.opens.set && !w.closes.set) || (w.closes.set && w.late == "") || (w.opens.set && w.notYet == "") {
			t.Errorf("window %+v", w)
		}
	}
}

// Days are Japan's.
func TestToday(t *testing.T) {
	for in, want := range map[string]string{
		"2026-03-31T14:59:59Z":      "2026-03-31",
		"2026-03-31T15:00:00Z":      "2026-04-01",
		"2026-04-01T08:59:59+09:00": "2026-04-01",
		"2026-12-31T23:30:00-05:00": "2027-01-01",
	} {
		at, _ := time.Parse(time.RFC3339, in)
		if got := today(at).Format(time.DateOnly); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}
