package procedures

import (
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"madoguchi/i18n"
)

// ICS is the plan's deadlines as an iCalendar file (RFC 5545): one all-day
// event per deadline on its effective last day, with reminders a week and
// a day before, in the person's language.
func (p *Plan) ICS(tr *i18n.Localizer, now time.Time) string {
	lang := tr.Lang()
	cal := ics.NewCalendar()
	cal.SetProductId("-//Madoguchi//life events//" + strings.ToUpper(lang))
	cal.SetMethod(ics.MethodPublish)
	cal.SetXWRCalName(p.Event.Name.In(lang))
	for _, it := range p.Items {
		if it.Deadline == nil {
			continue
		}
		pr, d := it.Procedure, it.Deadline
		day := civil(d.Effective)
		ev := cal.AddEvent(p.Event.ID + "." + pr.ID + "." + day.Format("20060102") + "@madoguchi")
		ev.SetDtStampTime(now.UTC())
		ev.SetAllDayStartAt(day)
		ev.SetAllDayEndAt(day.AddDate(0, 0, 1))
		ev.SetSummary(tr.T("calendar.summary", map[string]any{"Name": pr.Name.Counter(lang)}))
		desc := []string{pr.Why.In(lang)}
		if lost := pr.LostIfMissed.In(lang); lost != "" {
			desc = append(desc, tr.T("plan.lost")+" "+lost)
		}
		if d.MovedBecause != "" {
			desc = append(desc, tr.T("plan.moved", map[string]any{"Legal": tr.DateWithEra(d.Legal),
				"Reason": tr.T("closed."+d.MovedBecause, map[string]any{"Name": d.ClosedName})}))
		}
		desc = append(desc, tr.T("office."+pr.Office)+" · "+tr.T("channel."+pr.Channel), pr.Basis.In(lang))
		ev.SetDescription(strings.Join(desc, "\n"))
		for _, before := range []string{"-P7D", "-P1D"} {
			a := ev.AddAlarm()
			a.SetAction(ics.ActionDisplay)
			a.SetTrigger(before)
			a.SetProperty(ics.ComponentPropertyDescription, pr.Name.Counter(lang))
		}
	}
	return cal.Serialize(ics.WithNewLineWindows) // RFC 5545: CRLF
}
