package procedures

import (
	"time"
)

// FactsFromRecord builds what is known from a residence record's claims
// (name, birth_date, household_members with name and birth_date): the
// resident, their household, and that they hold a card (they signed in
// with it). Missing claims leave facts unknown; the questions then ask.
func FactsFromRecord(claims map[string]any, hasSignCert bool, today time.Time) Facts {
	f := Facts{Today: today}
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	born := func(m map[string]any) time.Time { d, _ := Date(str(m, "birth_date")); return d }
	me := Person{Name: str(claims, "name"), BirthDate: born(claims), HasCard: true, HasSignCert: hasSignCert}
	me.Age = ageOn(me.BirthDate, today)
	f.Me = me
	members, _ := claims["household_members"].([]any)
	for _, m := range members {
		mm, ok := m.(map[string]any)
		if !ok {
			continue
		}
		p := Person{Name: str(mm, "name"), BirthDate: born(mm)}
		p.Age = ageOn(p.BirthDate, today)
		if p.Name == me.Name && p.BirthDate.Equal(me.BirthDate) {
			p = me
		}
		f.Household = append(f.Household, p)
	}
	if len(f.Household) == 0 && me.Name != "" {
		f.Household = []Person{me}
	}
	f.Attributes = map[string]Sourced{}
	for _, k := range []string{"name", "birth_date", "sex", "address", "household_head"} {
		if v, ok := claims[k]; ok && v != nil && v != "" {
			f.Attributes[k] = Sourced{Value: v, Source: "residence-record"}
		}
	}
	if len(f.Household) > 0 {
		var names []string
		for _, p := range f.Household {
			names = append(names, p.Name)
		}
		f.Attributes["household"] = Sourced{Value: names, Source: "residence-record"}
	}
	return f
}
