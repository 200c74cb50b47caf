package procedures

import (
	"testing"
	"time"

	"madoguchi/i18n"
	"madoguchi/sandbox/fixtures"
)

// residentFacts are what a fixture resident's residence record would say
// (household: the residents registered at the same address).
func residentFacts(b testing.TB, r fixtures.Resident, all []fixtures.Resident, today time.Time) Facts {
	iso := func(s string) string { return s[:4] + "-" + s[4:6] + "-" + s[6:] }
	var members []any
	for _, m := range all {
		if m.Address == r.Address {
			members = append(members, map[string]any{"name": m.Name, "birth_date": iso(m.BirthDate)})
		}
	}
	return FactsFromRecord(map[string]any{"name": r.Name, "birth_date": iso(r.BirthDate), "sex": float64(r.Sex),
		"address": r.Address, "household_head": r.Name, "household_members": members}, r.HasSignCert, today)
}

// BenchmarkLifeEvents prints, per event and fixture household, what the
// interview asks and what the resident types: questions asked, answered
// from the card or the record, typed in the interview (dates, postal
// codes, text), typed at submission (form fields nobody knew), and the
// plan's computation time. Target for the moving bundle: at most 3 typed
// fields beyond the date and the new address.
func BenchmarkLifeEvents(b *testing.B) {
	cat, err := Bundled(i18n.Languages())
	if err != nil {
		b.Fatal(err)
	}
	today := time.Now()
	date := civil(today).AddDate(0, 0, 14)
	for _, e := range cat.Events {
		for id, f := range households(b, today) {
			a := autoAnswer(b, e, f, false, date)
			b.Run(e.ID+"/"+id, func(b *testing.B) {
				var p *Plan
				for i := 0; i < b.N; i++ {
					if p, err = e.Plan(f, a, NewCalendar(nil)); err != nil {
						b.Fatal(err)
					}
				}
				known, typed := 0, 0
				for k, v := range p.State.Values {
					q, ok := e.Question(k)
					switch {
					case ok && v.Source != "answer":
						known++
					case ok && (q.Type == TypeText || q.Type == TypePostal || q.Type == TypeDate):
						typed++
					}
				}
				_, pf := p.Applications(f, nil)
				b.ReportMetric(float64(p.State.Asked), "questions")
				b.ReportMetric(float64(known), "known")
				b.ReportMetric(float64(typed), "typed-interview")
				b.ReportMetric(float64(pf.Typed), "typed-submission")
				b.ReportMetric(100*pf.Ratio(), "prefill-%")
				b.ReportMetric(float64(len(p.Items)), "procedures")
			})
		}
	}
}
