package procedures

import (
	"slices"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"madoguchi/i18n"
	"madoguchi/i18n/failure"
)

func person(t *testing.T, name, birth string, today time.Time) Person {
	b := day(t, birth)
	return Person{Name: name, BirthDate: b, Age: ageOn(b, today), HasCard: true, HasSignCert: ageOn(b, today) >= 15}
}

func ids(p *Plan) []string {
	var out []string
	for _, it := range p.Items {
		out = append(out, it.Procedure.ID)
	}
	return out
}

func event(t *testing.T, id string) *Event {
	e, ok := bundledCatalog(t).Event(id)
	if !ok {
		t.Fatalf("no event %s", id)
	}
	return e
}

func answers(t *testing.T, e *Event, src string) Answers {
	t.Helper()
	a, err := e.ParseAnswers([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// The moving bundle is filled from the residence record and the answers;
// what is typed is only what nobody knew (a phone number). Drafts
// round-trip through the answers format.
func TestApplicationsPrefill(t *testing.T) {
	today := day(t, "2026-03-20")
	claims := map[string]any{"name": "佐藤 健二", "birth_date": "1982-07-01", "sex": float64(1), "address": "東京都千代田区霞が関二丁目1番2号",
		"household_head": "佐藤 健二", "household_members": []any{map[string]any{"name": "佐藤 健二", "birth_date": "1982-07-01"}}}
	f := FactsFromRecord(claims, true, today)
	e := event(t, "moving")
	a := answers(t, e, "{move_date: 2026-04-01, same_municipality: false, care_certified: false, receives_child_allowance: false, new_postal_code: '5300001', new_address_line: 梅田1-1, movers: [佐藤 健二], health_insurance: kokuho, registered_seal: false, foreign_mover: false, has_dog: false}")
	p, err := e.Plan(f, a, NewCalendar(nil))
	if err != nil {
		t.Fatal(err)
	}
	apps, pf := p.Applications(f, map[string]string{"moving-out-notice.phone": "090-0000-0000"})
	if len(apps) != 2 || apps[0].Procedure != "moving-out-notice" || apps[0].Fields["move_out_date"] != "2026-04-01" ||
		apps[0].Fields["new_postal_code_address"] != "大阪府大阪市北区梅田" ||
		apps[0].Sources["current_address"] != "residence-record" || apps[0].Sources["phone"] != "typed" {
		t.Fatalf("%+v", apps)
	}
	if pf.Ratio() < 0.8 || len(pf.Missing) != 0 {
		t.Fatalf("prefill %+v (%.0f%%)", pf, 100*pf.Ratio())
	}
	enc, err := e.EncodeAnswers(a)
	if err != nil {
		t.Fatal(err)
	}
	back, err := e.ParseAnswers(enc)
	if err != nil || len(back) != len(a) || !back["move_date"].(time.Time).Equal(a["move_date"].(time.Time)) {
		t.Fatalf("%s → %v %v", enc, back, err)
	}
}

// The deadlines as an iCalendar file: one all-day event per deadline on
// its effective day, two reminders each, Japanese text intact; it parses.
func TestICS(t *testing.T) {
	today := day(t, "2026-06-02")
	me := person(t, "鈴木 花子", "1990-01-01", today)
	e := event(t, "birth")
	p, err := e.Plan(Facts{Me: me, Household: []Person{me}, Today: today},
		answers(t, e, "{birth_date: 2026-06-01, allowance_claimant: me, claimant_insurance: kokuho, foreign_child: false, single_parent: false, needs_daycare: false}"), NewCalendar(nil))
	if err != nil {
		t.Fatal(err)
	}
	out := p.ICS(i18n.New("ja"), today)
	cal, err := ics.ParseCalendar(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var withDeadline int
	for _, it := range p.Items {
		if it.Deadline != nil {
			withDeadline++
		}
	}
	evs := cal.Events()
	if len(evs) != withDeadline {
		t.Fatalf("%d events for %d deadlines", len(evs), withDeadline)
	}
	found := false
	for _, ev := range evs {
		start, _ := ev.GetAllDayStartAt()
		if strings.Contains(ev.GetProperty(ics.ComponentPropertySummary).Value, "出生届") {
			found = true
			if start.Format("2006-01-02") != "2026-06-15" || len(ev.Alarms()) != 2 {
				t.Errorf("birth registration on %v, %d alarms", start, len(ev.Alarms()))
			}
			if !strings.Contains(ev.GetProperty(ics.ComponentPropertyDescription).Value, "土曜日・日曜日") {
				t.Errorf("the moved deadline is not explained: %q", ev.GetProperty(ics.ComponentPropertyDescription).Value)
			}
		}
	}
	if !found {
		t.Fatalf("no birth registration in\n%s", out)
	}
	for _, line := range strings.Split(out, "\r\n") {
		if len(line) > 75 {
			t.Fatalf("line over 75 octets: %q", line)
		}
	}
}

// A municipality's profile: its own closed day moves a deadline, an
// override changes a deadline and turns a procedure off; a wrong override
// is refused.
func TestOverrides(t *testing.T) {
	o, err := ParseOverrides([]byte(`{"closures": {"2026-04-15": "庁舎点検"}, "child_medical_subsidy": true,
		"procedures": {"moving/moving-out-notice": {"deadline": {"from": "move_date", "days": 14, "counting": "first-day-excluded", "opens_days_before": 14, "closed": "keep", "closed_reason": {"ja": "オンライン", "en": "online"}},
		"note": {"ja": "当市はオンライン届出を14日前から受け付けます。", "en": "This city takes the online notice from 14 days before."}},
		"moving/dog-registration": {"disabled": true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := bundledCatalog(t).Apply(o, ProfileLanguages)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := c.Event("moving")
	today := day(t, "2026-03-20")
	me := person(t, "山田 太郎", "1985-04-12", today)
	p, err := e.Plan(Facts{Me: me, Household: []Person{me}, Today: today, Profile: o.Profile("city")},
		answers(t, e, "{move_date: 2026-04-01, same_municipality: false, care_certified: false, receives_child_allowance: false, new_postal_code: '1000013', new_address_line: 霞が関2-1-2, movers: [山田 太郎], health_insurance: kokuho, registered_seal: false, foreign_mover: false, has_dog: true}"),
		o.Calendar())
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range p.Items {
		switch it.Procedure.ID {
		case "dog-registration":
			t.Error("a disabled procedure is planned")
		case "moving-out-notice":
			if it.Deadline.Opens.Format(time.DateOnly) != "2026-03-18" || !strings.Contains(it.Procedure.Basis.In("ja"), "14日前") {
				t.Errorf("override not applied: %+v %s", it.Deadline, it.Procedure.Basis.In("ja"))
			}
		case "moving-in-notice":
			if it.Deadline.Effective.Format(time.DateOnly) != "2026-04-16" || it.Deadline.MovedBecause != "local" {
				t.Errorf("local closure: %+v", it.Deadline)
			}
		}
	}
	// the bundled catalogue is unchanged
	orig, _ := bundledCatalog(t).Event("moving")
	if pr, _ := orig.Procedure("moving-out-notice"); *pr.Deadline.OpensDaysBefore != 30 {
		t.Error("Apply changed the bundled catalogue")
	}
	for _, bad := range []string{`{"procedures": {"moving/no-such": {"disabled": true}}}`, `{"procedures": {"moving/nhi-loss": {"channel": "fax"}}}`,
		`{"closures": {"soon": "x"}}`, `{"surprise": 1}`, `{"procedures": {"moving/nhi-loss": {"deadline": {"from": "has_dog", "counting": "first-day-excluded"}}}}`} {
		o, err := ParseOverrides([]byte(bad))
		if err == nil {
			_, err = bundledCatalog(t).Apply(o, ProfileLanguages)
		}
		if failure.CodeOf(err) != CodeCatalog {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// The daycare application takes the employer and the hours from the
// employment certificate (source: employer), not from the parent.
func TestDaycareFromTheEmploymentCertificate(t *testing.T) {
	today := day(t, "2026-06-02")
	me := person(t, "鈴木 花子", "1990-01-01", today)
	f := Facts{Me: me, Household: []Person{me}, Today: today, Attributes: map[string]Sourced{
		"employer":      {Value: "架空商事株式会社", Source: "employer"},
		"working_hours": {Value: float64(40), Source: "employer"}}}
	e := event(t, "birth")
	p, err := e.Plan(f, answers(t, e, "{birth_date: 2026-06-01, allowance_claimant: me, claimant_insurance: employer, foreign_child: false, single_parent: false, needs_daycare: true, daycare_from: 2027-04-01}"), NewCalendar(nil))
	if err != nil {
		t.Fatal(err)
	}
	apps, _ := p.Applications(f, nil)
	for _, a := range apps {
		if a.Procedure == "daycare-application" {
			if a.Fields["employer"] != "架空商事株式会社" || a.Sources["working_hours"] != "employer" {
				t.Fatalf("%+v", a)
			}
			return
		}
	}
	t.Fatal("no daycare application")
}

// A municipality adds a procedure of its own: checked like the bundled
// ones (a wrong condition or a missing language is refused), then planned.
func TestProfileAddsAProcedure(t *testing.T) {
	add := `{"add": {"moving": [{"id": "garbage-days", "name": {"ja": "ごみ収集日の確認", "en": "Check the rubbish collection days"},
		"why": {"ja": "地区ごとに収集日が違います。", "en": "Each district has its own days."},
		"basis": {"ja": "市の案内。", "en": "The city's guidance."}, "office": "new-municipality", "channel": "other",
		"when": "not same_municipality", "filer": "none"}]}}`
	o, err := ParseOverrides([]byte(add))
	if err != nil {
		t.Fatal(err)
	}
	c, err := bundledCatalog(t).Apply(o, ProfileLanguages)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := c.Event("moving")
	today := day(t, "2026-03-20")
	me := person(t, "山田 太郎", "1985-04-12", today)
	p, err := e.Plan(Facts{Me: me, Household: []Person{me}, Today: today},
		answers(t, e, "{move_date: 2026-04-01, same_municipality: false, new_postal_code: '1000013', new_address_line: 霞が関2-1-2, movers: [山田 太郎], health_insurance: kokuho, registered_seal: false, foreign_mover: false, has_dog: false, care_certified: false, receives_child_allowance: false}"),
		NewCalendar(nil))
	if err != nil || !slices.Contains(ids(p), "garbage-days") {
		t.Fatalf("%v %v", err, ids(p))
	}
	if orig, _ := bundledCatalog(t).Event("moving"); slices.ContainsFunc(orig.Procedures, func(p Procedure) bool { return p.ID == "garbage-days" }) {
		t.Fatal("Apply changed the bundled catalogue")
	}
	for name, bad := range map[string]string{
		"a typo in the condition": strings.Replace(add, "not same_municipality", "not same_municipalty", 1),
		"a missing language":      strings.Replace(add, `, "en": "Each district has its own days."`, "", 1),
		"an unknown channel":      strings.Replace(add, `"channel": "other"`, `"channel": "fax"`, 1),
		"an unknown event":        strings.Replace(add, `{"moving":`, `{"wedding":`, 1),
	} {
		o, err := ParseOverrides([]byte(bad))
		if err == nil {
			_, err = bundledCatalog(t).Apply(o, ProfileLanguages)
		}
		if failure.CodeOf(err) != CodeCatalog {
			t.Errorf("%s: %v", name, err)
		}
	}
}
