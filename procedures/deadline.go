package procedures

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/jp"

	"madoguchi/i18n"
)

// Counting says how a period's days are counted (docs/domain/life-events.md,
// "Counting days"); a deadline rule must name one, and the plan names it.
type Counting string

const (
	// FirstDayExcluded: Civil Code art. 140 — "within N days from X" does
	// not count day X; the last day is X + N. With months, art. 143: the
	// period ends on the day before the same-numbered day of the last
	// month counted from the day after X (a month without it: its last day).
	FirstDayExcluded Counting = "first-day-excluded"
	// DayAfterIsDayOne: "within N days from the day after X" (the child
	// allowance's 15-day rule): the day after is day 1; the last day is X + N.
	DayAfterIsDayOne Counting = "day-after-is-day-1"
	// EventDayCounted: Family Register Act art. 43 — the day of the event
	// is day 1; the last day is X + N - 1.
	EventDayCounted Counting = "event-day-counted"
	// StartsAtMidnight: Civil Code art. 140 proviso — a period that starts
	// at 00:00 (coverage lost from the start of the day after leaving)
	// counts its first day; the last day is X + N - 1.
	StartsAtMidnight Counting = "starts-at-midnight"
	// DayBefore: the deadline is the day before the date (e.g. "before the
	// first school day"); N is ignored.
	DayBefore Counting = "day-before"
	// FixedDate: a fixed day (On, MM-DD) of the year of X plus YearOffset
	// (the tax return: 15 March of the next year).
	FixedDate Counting = "fixed-date"
)

// Countings lists every counting.
var Countings = []Counting{FirstDayExcluded, DayAfterIsDayOne, EventDayCounted, StartsAtMidnight, DayBefore, FixedDate}

// What a rule does when its last day falls on a day the office is closed.
const (
	// ClosedMoves (the default): to the next open day — Local Autonomy Act
	// art. 4-2 (4) for a municipality, National Tax General Act art. 10 (2)
	// for the tax office, Civil Code art. 142 for any other office.
	ClosedMoves = ""
	// ClosedKeeps: the day stays (a validity that lapses, not a filing
	// period); needs a cited reason.
	ClosedKeeps = "keep"
	// ClosedEarlier: to the last open day before (something must be done
	// before a fixed day, such as the first school day); needs a reason.
	ClosedEarlier = "earlier"
)

// Rule is a deadline as data: a period counted from a dated fact.
type Rule struct {
	// From names the fact (a date answer or a derived date) the period is
	// counted from.
	From     string   `json:"from"`
	Days     int      `json:"days,omitempty"`
	Months   int      `json:"months,omitempty"`
	Counting Counting `json:"counting"`
	// On and YearOffset: the fixed day of a FixedDate rule (MM-DD);
	// OpensOn the fixed day it opens, in the same year.
	On         string `json:"on,omitempty"`
	YearOffset int    `json:"year_offset,omitempty"`
	OpensOn    string `json:"opens_on,omitempty"`
	// OpensDaysBefore: the procedure can be done from this many days before
	// the date (0: from the date itself — a claim for a child opens at the
	// birth); nil: no opening day.
	OpensDaysBefore *int `json:"opens_days_before,omitempty"`
	// Closed is what a last day on a closed day does (ClosedMoves,
	// ClosedKeeps, ClosedEarlier); ClosedReason cites why it does not move.
	Closed       string `json:"closed,omitempty"`
	ClosedReason Text   `json:"closed_reason,omitempty"`
}

// check tells whether the rule is complete.
func (r Rule) check() error {
	if !slices.Contains(Countings, r.Counting) {
		return fmt.Errorf("unknown counting %q", r.Counting)
	}
	switch r.Closed {
	case ClosedMoves:
		if len(r.ClosedReason) > 0 {
			return fmt.Errorf("closed_reason goes with closed: keep or earlier")
		}
	case ClosedKeeps, ClosedEarlier:
		if len(r.ClosedReason) == 0 {
			return fmt.Errorf("closed: %s needs a closed_reason citing why the day does not move", r.Closed)
		}
	default:
		return fmt.Errorf("closed %q: one of keep, earlier (or nothing: the day moves)", r.Closed)
	}
	if r.Counting == FixedDate {
		if _, err := monthDay(r.On, 2001); err != nil {
			return fmt.Errorf("on %q: %v", r.On, err)
		}
		if r.OpensOn != "" {
			if _, err := monthDay(r.OpensOn, 2001); err != nil {
				return fmt.Errorf("opens_on %q: %v", r.OpensOn, err)
			}
		}
	} else if r.On != "" || r.OpensOn != "" || r.YearOffset != 0 {
		return fmt.Errorf("on, opens_on and year_offset go with counting fixed-date")
	}
	if r.Months > 0 && r.Counting != FirstDayExcluded {
		return fmt.Errorf("months are counted by art. 143 from the day after: counting first-day-excluded")
	}
	return nil
}

func monthDay(md string, year int) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", fmt.Sprintf("%04d-%s", year, md), i18n.JST)
	if err != nil {
		return time.Time{}, fmt.Errorf("not MM-DD")
	}
	return t, nil
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
// i18n text (closed.weekend, closed.holiday, closed.substitute-holiday,
// closed.year-end, closed.local) and a name — the holiday's id
// (holiday.<id>; for a substitute holiday, the holiday it stands in for),
// or the office's own reason.
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
		if !act {
			return "substitute-holiday", HolidayID(h.Name)
		}
		return "holiday", HolidayID(h.Name)
	}
	return "", ""
}

// HolidayID is the stable id of a national holiday (its texts are
// holiday.<id>), from the calendar library's English name.
func HolidayID(name string) string {
	if strings.HasPrefix(name, "National holiday between") || strings.HasPrefix(name, "National Holiday Between") {
		return "citizens-holiday" // 国民の休日 (Public Holiday Act art. 3 (3))
	}
	id := strings.ToLower(strings.NewReplacer("'", "", " ", "-").Replace(name))
	return strings.TrimPrefix(id, "the-")
}

// NextOpen is d, or the first open day after it.
func (c *Calendar) NextOpen(d time.Time) time.Time { return c.step(d, 1) }

// PrevOpen is d, or the last open day before it.
func (c *Calendar) PrevOpen(d time.Time) time.Time { return c.step(d, -1) }

func (c *Calendar) step(d time.Time, by int) time.Time {
	d = civil(d)
	for i := 0; i < 60; i++ {
		if r, _ := c.Closure(d); r == "" {
			return d
		}
		d = d.AddDate(0, 0, by)
	}
	return d
}

// Deadline is a computed deadline: the legal last day and, where the rule
// moves it, the effective one with the reason and the law that moves it.
type Deadline struct {
	Opens     time.Time `json:"opens,omitzero"` // the first day it can be done, when the rule says
	Legal     time.Time `json:"legal"`          // the last day as the rule counts it
	Effective time.Time `json:"effective"`      // the last day the office accepts it
	// Counting is the counting rule applied (FirstDayExcluded…; "months"
	// for a period of months, art. 143).
	Counting string `json:"counting"`
	// MovedBecause is why Effective differs from Legal ("weekend",
	// "holiday", "substitute-holiday", "year-end", "local"), with the
	// holiday's id or the closure's name; MovedBy the rule that moved it
	// (local-autonomy-act-4-2, national-tax-act-10, civil-code-142, or
	// earlier-open-day).
	MovedBecause string `json:"moved_because,omitempty"`
	ClosedName   string `json:"closed_name,omitempty"`
	MovedBy      string `json:"moved_by,omitempty"`
	// Limit is a hard limit beside the deadline (the card's validity),
	// never moved.
	Limit time.Time `json:"limit,omitzero"`
}

// DaysLeft counts whole days from today to the effective last day (0: today
// is the last day; negative: missed).
func (d Deadline) DaysLeft(today time.Time) int {
	return int(civil(d.Effective).Sub(civil(today)).Hours() / 24)
}

// Municipal tells whether an office is a municipality's (its closed days
// are its ordinance's, Local Autonomy Act art. 4-2).
func Municipal(office string) bool {
	switch office {
	case "old-municipality", "new-municipality", "municipality", "school":
		return true // the board of education is the municipality's
	}
	return false
}

// movedBy is the law that moves a last day on a closed day at an office.
func movedBy(office string) string {
	switch {
	case Municipal(office):
		return "local-autonomy-act-4-2"
	case office == "tax-office":
		return "national-tax-act-10"
	}
	return "civil-code-142"
}

// Compute applies the rule to the fact's date on the office's calendar.
func (r Rule) Compute(from time.Time, c *Calendar, office string) (Deadline, error) {
	if from.IsZero() {
		return Deadline{}, fmt.Errorf("deadline: no date for %s", r.From)
	}
	d := civil(from)
	var last time.Time
	switch r.Counting {
	case FirstDayExcluded, DayAfterIsDayOne:
		last = addMonths(d, r.Months).AddDate(0, 0, r.Days)
	case EventDayCounted, StartsAtMidnight:
		last = d.AddDate(0, 0, r.Days-1)
	case DayBefore:
		last = d.AddDate(0, 0, -1)
	case FixedDate:
		last, _ = monthDay(r.On, d.Year()+r.YearOffset)
	default:
		return Deadline{}, fmt.Errorf("deadline: unknown counting %q", r.Counting)
	}
	out := Deadline{Legal: last, Effective: last, Counting: string(r.Counting)}
	if r.Months > 0 {
		out.Counting = "months"
	}
	if r.OpensDaysBefore != nil {
		out.Opens = d.AddDate(0, 0, -*r.OpensDaysBefore)
	}
	if r.OpensOn != "" {
		out.Opens, _ = monthDay(r.OpensOn, last.Year())
	}
	if why, name := c.Closure(last); why != "" && r.Closed != ClosedKeeps {
		out.MovedBecause, out.ClosedName = why, name
		if r.Closed == ClosedEarlier {
			out.Effective, out.MovedBy = c.PrevOpen(last), "earlier-open-day"
		} else {
			out.Effective, out.MovedBy = c.NextOpen(last), movedBy(office)
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
