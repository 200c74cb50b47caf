package procedures

import (
	"fmt"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/jp"

	"madoguchi/i18n"
)

// Counting says how a period's days are counted (LIFE-EVENTS.md, "Counting
// days"); a deadline rule must name one.
type Counting string

const (
	// FirstDayExcluded: Civil Code art. 140 — "within N days from X" does
	// not count day X; the last day is X + N. The child allowance's "within
	// 15 days from the day after" counts the same way.
	FirstDayExcluded Counting = "first-day-excluded"
	// FirstDayIncluded: the day of the event is day 1 (Family Register Act
	// art. 43; periods starting at 00:00, art. 140 proviso); the last day is
	// X + N - 1.
	FirstDayIncluded Counting = "first-day-included"
	// DayBefore: the deadline is the day before the date (e.g. "before the
	// first school day"); N is ignored.
	DayBefore Counting = "day-before"
)

// Rule is a deadline as data: a period counted from a dated fact.
type Rule struct {
	// From names the fact (a date answer) the period is counted from.
	From     string   `json:"from"`
	Days     int      `json:"days,omitempty"`
	Months   int      `json:"months,omitempty"` // art. 143: ends on the day before the same-numbered day
	Counting Counting `json:"counting"`
	// OpensDaysBefore: the procedure can be done from this many days before
	// the date (e.g. the online moving-out notice, 30 days before).
	OpensDaysBefore int `json:"opens_days_before,omitempty"`
	// MovesIfClosed: a last day on which the office is closed moves to the
	// next open day (Local Autonomy Act art. 4-2 (4) for municipalities;
	// Civil Code art. 142 for offices that customarily do not work then).
	MovesIfClosed bool `json:"moves_if_closed,omitempty"`
}

// Calendar tells which days an office is closed: Saturdays, Sundays,
// Japan's national holidays (with substitute and citizens' holidays), the
// year-end closure 12/29–1/3, and closures of its own (a municipality
// profile's).
type Calendar struct {
	holidays *cal.BusinessCalendar
	// Extra are the office's own closed days (YYYY-MM-DD → reason).
	Extra map[string]string
}

// NewCalendar returns the calendar of a municipal office with extra closures.
func NewCalendar(extra map[string]string) *Calendar {
	c := cal.NewBusinessCalendar()
	c.AddHoliday(jp.Holidays...)
	return &Calendar{holidays: c, Extra: extra}
}

// Closure says why a day is closed ("" when open): a stable reason id with
// i18n text (closed.weekend, closed.holiday, closed.year-end, closed.local).
func (c *Calendar) Closure(d time.Time) (reason, name string) {
	d = civil(d)
	if r, ok := c.Extra[d.Format(time.DateOnly)]; ok {
		return "local", r
	}
	switch m, day := d.Month(), d.Day(); {
	case m == time.December && day >= 29, m == time.January && day <= 3:
		return "year-end", ""
	}
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return "weekend", ""
	}
	if act, obs, h := c.holidays.IsHoliday(d); (act || obs) && h != nil {
		return "holiday", h.Name
	}
	return "", ""
}

// NextOpen is d, or the first open day after it.
func (c *Calendar) NextOpen(d time.Time) time.Time {
	d = civil(d)
	for i := 0; i < 60; i++ {
		if r, _ := c.Closure(d); r == "" {
			return d
		}
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// Deadline is a computed deadline: the legal last day and, where the rule
// moves it, the effective one with the reason.
type Deadline struct {
	Opens     time.Time `json:"opens,omitzero"` // the first day it can be done, when the rule says
	Legal     time.Time `json:"legal"`          // the last day as the rule counts it
	Effective time.Time `json:"effective"`      // the last day the office accepts it
	// MovedBecause is why Effective differs from Legal ("weekend",
	// "holiday", "year-end", "local"), with the holiday's or closure's name.
	MovedBecause string `json:"moved_because,omitempty"`
	ClosedName   string `json:"closed_name,omitempty"`
}

// DaysLeft counts whole days from today to the effective last day (0: today
// is the last day; negative: missed).
func (d Deadline) DaysLeft(today time.Time) int {
	return int(civil(d.Effective).Sub(civil(today)).Hours() / 24)
}

// Compute applies the rule to the fact's date on the office's calendar.
func (r Rule) Compute(from time.Time, c *Calendar) (Deadline, error) {
	if from.IsZero() {
		return Deadline{}, fmt.Errorf("deadline: no date for %s", r.From)
	}
	d := civil(from)
	var last time.Time
	switch r.Counting {
	case FirstDayExcluded:
		last = addMonths(d, r.Months).AddDate(0, 0, r.Days)
	case FirstDayIncluded:
		last = addMonths(d, r.Months).AddDate(0, 0, r.Days-1)
	case DayBefore:
		last = d.AddDate(0, 0, -1)
	default:
		return Deadline{}, fmt.Errorf("deadline: unknown counting %q", r.Counting)
	}
	out := Deadline{Legal: last, Effective: last}
	if r.OpensDaysBefore > 0 {
		out.Opens = d.AddDate(0, 0, -r.OpensDaysBefore)
	}
	if r.MovesIfClosed {
		if why, name := c.Closure(last); why != "" {
			out.Effective = c.NextOpen(last)
			out.MovedBecause, out.ClosedName = why, name
		}
	}
	return out, nil
}

// addMonths is d plus n months where a month without d's day ends on its
// last day (Civil Code art. 143: 1/31 + 1 month → 2/28 or 2/29).
func addMonths(d time.Time, n int) time.Time {
	if n == 0 {
		return d
	}
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, i18n.JST)
	lastDay := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(day, lastDay), 0, 0, 0, 0, i18n.JST)
}

// civil is the calendar day of t in Japan, at 00:00 JST.
func civil(t time.Time) time.Time {
	y, m, d := t.In(i18n.JST).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, i18n.JST)
}

// Date parses a YYYY-MM-DD date as a day in Japan.
func Date(s string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, s, i18n.JST)
}
