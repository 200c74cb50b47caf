package procedures

import (
	"os"
	"path/filepath"
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

// BenchmarkLifeEvents prints, per event and fixture resident, the questions
// the resident answers, the fields of the online forms filled for them
// (prefill, target ≥ 80 % for moving), and the plan's computation time.
func BenchmarkLifeEvents(b *testing.B) {
	cat, err := Bundled(i18n.Languages())
	if err != nil {
		b.Fatal(err)
	}
	all, _ := fixtures.Residents()
	today := time.Now()
	for _, ev := range []string{"moving", "job-change", "birth"} {
		e, _ := cat.Event(ev)
		data, err := os.ReadFile(filepath.Join("..", "docs", "examples", ev+".yaml"))
		if err != nil {
			b.Fatal(err)
		}
		a, err := e.ParseAnswers(data)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range all {
			f := residentFacts(b, r, all, today)
			b.Run(ev+"/"+r.ID, func(b *testing.B) {
				var p *Plan
				for i := 0; i < b.N; i++ {
					if p, err = e.Plan(f, a, NewCalendar(nil)); err != nil {
						b.Fatal(err)
					}
				}
				_, pf := p.Applications(f, nil)
				b.ReportMetric(float64(p.State.Asked), "questions")
				b.ReportMetric(float64(pf.Filled), "fields-filled")
				b.ReportMetric(float64(pf.Typed), "fields-typed")
				b.ReportMetric(100*pf.Ratio(), "prefill-%")
				b.ReportMetric(float64(len(p.Items)), "procedures")
			})
		}
	}
}

// Every fixture resident can plan every event from the documented example
// answers; the moving bundle is at least 80 % filled for each of them.
func TestEveryResidentEveryEvent(t *testing.T) {
	cat, err := Bundled(i18n.Languages())
	if err != nil {
		t.Fatal(err)
	}
	all, _ := fixtures.Residents()
	today := time.Now()
	for _, ev := range []string{"moving", "job-change", "birth"} {
		e, _ := cat.Event(ev)
		data, _ := os.ReadFile(filepath.Join("..", "docs", "examples", ev+".yaml"))
		a, err := e.ParseAnswers(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range all {
			f := residentFacts(t, r, all, today)
			p, err := e.Plan(f, a, NewCalendar(nil))
			if err != nil {
				t.Errorf("%s/%s: %v", ev, r.ID, err)
				continue
			}
			if len(p.Items) == 0 {
				t.Errorf("%s/%s: an empty plan", ev, r.ID)
			}
			if _, pf := p.Applications(f, nil); ev == "moving" && pf.Ratio() < 0.8 {
				t.Errorf("%s/%s: prefill %.0f%%", ev, r.ID, 100*pf.Ratio())
			}
			// the card's signature-certificate step only for those with one
			has := false
			for _, it := range p.Items {
				has = has || it.Procedure.ID == "sign-cert-reissue"
			}
			if ev == "moving" && has != r.HasSignCert {
				t.Errorf("%s/%s: re-issue step %v, has a signature certificate %v", ev, r.ID, has, r.HasSignCert)
			}
		}
	}
}
