package procedures

import (
	"testing"
	"time"
)

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := Date(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Deadline rules at their boundaries: the counting rule, closed days
// (weekends, holidays with substitutes and citizens' holidays, the
// year-end closure, a municipality's own closure), months, across the year
// end.
func TestDeadlines(t *testing.T) {
	c := NewCalendar(map[string]string{"2026-11-16": "system maintenance"})
	moveIn := Rule{From: "move_date", Days: 14, Counting: FirstDayExcluded}
	birthReg := Rule{From: "birth_date", Days: 14, Counting: EventDayCounted}
	allowance := Rule{From: "birth_date", Days: 15, Counting: DayAfterIsDayOne}
	loss := Rule{From: "loss_date", Days: 14, Counting: StartsAtMidnight}
	keep := Rule{Days: 14, Counting: FirstDayExcluded, Closed: ClosedKeeps, ClosedReason: Text{"en": "a validity"}}
	for _, tc := range []struct {
		name            string
		rule            Rule
		from            string
		legal, eff, why string
	}{
		{"14 days, day of moving not counted", moveIn, "2026-04-01", "2026-04-15", "2026-04-15", ""},
		{"birth registration counts the day of birth; a Sunday moves", birthReg, "2026-06-01", "2026-06-14", "2026-06-15", "weekend"},
		{"15-day rule counts from the day after", allowance, "2026-06-01", "2026-06-16", "2026-06-16", ""},
		{"a national holiday moves it", moveIn, "2026-04-15", "2026-04-29", "2026-04-30", "holiday"},
		{"Golden Week with a substitute holiday", moveIn, "2026-04-19", "2026-05-03", "2026-05-07", "weekend"},
		{"a substitute holiday is named as such", moveIn, "2026-04-22", "2026-05-06", "2026-05-07", "substitute-holiday"},
		{"the 15-day rule moves past a Sunday", allowance, "2026-05-25", "2026-06-09", "2026-06-09", ""},
		{"the 15-day rule moves past the year-end", allowance, "2026-12-15", "2026-12-30", "2027-01-04", "year-end"},
		{"the loss date is day 1 (art. 140 proviso)", loss, "2026-04-01", "2026-04-14", "2026-04-14", ""},
		{"a citizens' holiday between two holidays", moveIn, "2026-09-08", "2026-09-22", "2026-09-24", "holiday"},
		{"the year-end closure", moveIn, "2026-12-15", "2026-12-29", "2027-01-04", "year-end"},
		{"across the year end", moveIn, "2026-12-20", "2027-01-03", "2027-01-04", "year-end"},
		{"the municipality's own closure", moveIn, "2026-11-02", "2026-11-16", "2026-11-17", "local"},
		{"kept on a closed day only with a reason", keep, "2026-06-07", "2026-06-21", "2026-06-21", ""},
		{"moved by default", Rule{Days: 14, Counting: FirstDayExcluded}, "2026-06-07", "2026-06-21", "2026-06-22", "weekend"},
		{"a fixed day of the next year", Rule{Counting: FixedDate, On: "03-15", YearOffset: 1}, "2026-06-07", "2027-03-15", "2027-03-15", ""},
		{"a fixed day on a Sunday moves", Rule{Counting: FixedDate, On: "03-15", YearOffset: 1}, "2025-06-07", "2026-03-15", "2026-03-16", "weekend"},
		{"months end on the same-numbered day (art. 143)", Rule{Months: 24, Counting: FirstDayExcluded}, "2026-01-15", "2028-01-15", "2028-01-17", "weekend"},
		{"a month without that day ends on its last day", Rule{Months: 1, Counting: FirstDayExcluded}, "2027-01-31", "2027-02-28", "2027-03-01", "weekend"},
		{"a leap February", Rule{Months: 1, Counting: FirstDayExcluded}, "2028-01-31", "2028-02-29", "2028-02-29", ""},
		{"before the first school day", Rule{Counting: DayBefore}, "2027-04-06", "2027-04-05", "2027-04-05", ""},
		{"before a Monday first school day: the Friday", Rule{Counting: DayBefore, Closed: ClosedEarlier, ClosedReason: Text{"en": "x"}}, "2027-04-12", "2027-04-11", "2027-04-09", "weekend"},
	} {
		d, err := tc.rule.Compute(day(t, tc.from), c, "municipality")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := d.Legal.Format(time.DateOnly) + " " + d.Effective.Format(time.DateOnly) + " " + d.MovedBecause
		want := tc.legal + " " + tc.eff + " " + tc.why
		if got != want {
			t.Errorf("%s: from %s got %q, want %q", tc.name, tc.from, got, want)
		}
	}
}

// Day 14 is in time, day 15 is late; an online window opens before the date.
func TestDaysLeftAndWindows(t *testing.T) {
	c := NewCalendar(nil)
	d, _ := Rule{Days: 14, Counting: FirstDayExcluded}.Compute(day(t, "2026-04-01"), c, "municipality")
	if n := d.DaysLeft(day(t, "2026-04-15")); n != 0 {
		t.Errorf("day 14: %d days left", n)
	}
	if n := d.DaysLeft(day(t, "2026-04-16")); n != -1 {
		t.Errorf("day 15: %d days left", n)
	}
	// a time late in the evening JST is still that day
	if n := d.DaysLeft(time.Date(2026, 4, 15, 14, 59, 0, 0, time.UTC)); n != 0 {
		t.Errorf("23:59 JST on day 14: %d days left", n)
	}
	thirty := 30
	out, _ := Rule{Days: 10, Counting: FirstDayExcluded, OpensDaysBefore: &thirty}.Compute(day(t, "2026-04-01"), c, "old-municipality")
	if out.Opens.Format(time.DateOnly) != "2026-03-02" || out.Legal.Format(time.DateOnly) != "2026-04-11" {
		t.Errorf("window %v – %v", out.Opens, out.Legal)
	}
	if _, err := (Rule{Counting: "weekly"}).Compute(day(t, "2026-04-01"), c, "municipality"); err == nil {
		t.Error("unknown counting accepted")
	}
	if _, err := (Rule{Counting: FirstDayExcluded}).Compute(time.Time{}, c, "municipality"); err == nil {
		t.Error("no date accepted")
	}
}
