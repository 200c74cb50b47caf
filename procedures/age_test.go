package procedures

import (
	"testing"
	"time"

	"madoguchi/i18n"
)

// Ages by the law, for every birth date of four years (a leap day among
// them) and every age to 80: an age is reached on the day before the
// birthday (age_on), the late-stage elderly system counts from the
// birthday (birthday_age), and child allowance ends on the first 31 March
// on or after the day the child reaches 18 — a child born on 1 April loses
// it a year before one born on 2 April.
func TestAgesByTheLaw(t *testing.T) {
	for b := time.Date(2004, 1, 1, 0, 0, 0, 0, i18n.JST); b.Year() < 2008; b = b.AddDate(0, 0, 1) {
		for n := 1; n <= 80; n++ {
			birthday := addMonths(b, 12*n)
			if b.Month() == time.February && b.Day() == 29 && birthday.Day() == 28 {
				birthday = birthday.AddDate(0, 0, 1) // a leap-day birthday comes on 1 March
			}
			reached := birthday.AddDate(0, 0, -1)
			if got := ageOn(b, reached); got != n {
				t.Fatalf("born %s: age on %s is %d, want %d", b.Format(time.DateOnly), reached.Format(time.DateOnly), got, n)
			}
			if got := ageOn(b, reached.AddDate(0, 0, -1)); got != n-1 {
				t.Fatalf("born %s: age on %s is %d, want %d", b.Format(time.DateOnly), reached.AddDate(0, 0, -1).Format(time.DateOnly), got, n-1)
			}
			if got := birthdayAge(b, birthday); got != n || birthdayAge(b, reached) != n-1 {
				t.Fatalf("born %s: birthday age on %s is %d", b.Format(time.DateOnly), birthday.Format(time.DateOnly), got)
			}
		}
		eighteen := addMonths(b, 12*18)
		if b.Month() == time.February && b.Day() == 29 && eighteen.Day() == 28 {
			eighteen = eighteen.AddDate(0, 0, 1)
		}
		reaches := eighteen.AddDate(0, 0, -1)
		last := time.Date(reaches.Year(), time.March, 31, 0, 0, 0, 0, i18n.JST)
		if last.Before(reaches) {
			last = last.AddDate(1, 0, 0)
		}
		if !allowanceAge(b, last) || allowanceAge(b, last.AddDate(0, 0, 1)) || !allowanceAge(b, b) {
			t.Fatalf("born %s: child allowance should end on %s", b.Format(time.DateOnly), last.Format(time.DateOnly))
		}
	}
	apr1 := time.Date(2008, 4, 1, 0, 0, 0, 0, i18n.JST)
	if allowanceAge(apr1, time.Date(2026, 4, 1, 0, 0, 0, 0, i18n.JST)) || !allowanceAge(apr1.AddDate(0, 0, 1), time.Date(2026, 4, 1, 0, 0, 0, 0, i18n.JST)) {
		t.Fatal("born 1 April 2008: the allowance ends on 31 March 2026; born 2 April: a year later")
	}
}
