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

// A family moving to another city: the online moving-out notice comes
// before anything the move-in triggers (the move revokes the signature
// certificate it is signed with); the card's validity and the child
// allowance's 15-day rule come next, before everything else; the
// signature certificate's re-issue is its own step.
func TestMovingFamilyPlan(t *testing.T) {
	today := day(t, "2026-03-20")
	me := person(t, "佐藤 健二", "1982-07-01", today)
	f := Facts{Me: me, Today: today, Profile: ProfileFacts{ChildMedicalSubsidy: true},
		Household: []Person{me, person(t, "佐藤 ハナ", "1984-02-02", today), person(t, "佐藤 ユイ", "2018-05-05", today)}}
	e := event(t, "moving")
	a := answers(t, e, `
move_date: 2026-04-01
same_municipality: false
new_postal_code: "100-0013"
new_address_line: 霞が関二丁目1番2号
health_insurance: kokuho
receives_child_allowance: true
school_children: true
first_school_day: 2026-04-08
registered_seal: false
has_dog: false
`)
	p, err := e.Plan(f, a, NewCalendar(nil))
	if err != nil {
		t.Fatal(err)
	}
	got := ids(p)
	if got[0] != "moving-out-notice" || got[1] != "card-continued-use" || got[2] != "child-allowance-claim" {
		t.Fatalf("order %v", got)
	}
	for _, want := range []string{"moving-in-notice", "sign-cert-reissue", "nhi-loss", "nhi-enrol", "child-allowance-end", "child-medical-subsidy", "school-transfer", "outside-checklist"} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %s in %v", want, got)
		}
	}
	for _, not := range []string{"address-change", "care-insurance", "late-elderly-insurance", "seal-registration", "dog-registration"} {
		if slices.Contains(got, not) {
			t.Errorf("%s does not apply: %v", not, got)
		}
	}
	for _, it := range p.Items {
		switch it.Procedure.ID {
		case "moving-in-notice":
			if it.Deadline.Effective.Format(time.DateOnly) != "2026-04-15" || it.DaysLeft != 26 {
				t.Errorf("moving-in: %v, %d days left", it.Deadline.Effective, it.DaysLeft)
			}
		case "child-allowance-claim":
			if it.Deadline.Legal.Format(time.DateOnly) != "2026-04-16" {
				t.Errorf("15-day rule: %v", it.Deadline.Legal)
			}
		case "moving-out-notice":
			if it.Deadline.Opens.Format(time.DateOnly) != "2026-03-02" {
				t.Errorf("online moving-out opens %v", it.Deadline.Opens)
			}
		case "school-transfer":
			if it.Deadline.Legal.Format(time.DateOnly) != "2026-04-07" {
				t.Errorf("school: %v", it.Deadline.Legal)
			}
		}
	}
	// who moves came from the residence record, not from the resident
	if v := p.State.Values["movers"]; v.Source != "residence-record" || len(v.Value.([]string)) != 3 {
		t.Errorf("movers %+v", v)
	}
	if p.State.Asked != 10 {
		t.Errorf("asked %d", p.State.Asked)
	}
}

// Within the same municipality: one change of address, no moving-out.
func TestMovingWithinTheCity(t *testing.T) {
	today := day(t, "2026-03-20")
	me := person(t, "山田 太郎", "1985-04-12", today)
	e := event(t, "moving")
	p, err := e.Plan(Facts{Me: me, Household: []Person{me}, Today: today},
		answers(t, e, "{move_date: 2026-04-01, same_municipality: true, new_postal_code: '1000013', new_address_line: x, health_insurance: employer, has_dog: true}"),
		NewCalendar(nil))
	if err != nil {
		t.Fatal(err)
	}
	got := ids(p)
	if !slices.Contains(got, "address-change") || slices.Contains(got, "moving-out-notice") || slices.Contains(got, "dog-registration") {
		t.Fatalf("%v", got)
	}
}

// Questions are asked only while relevant: the care question appears when
// someone is 65 on the day of the move (not the day after), the child
// allowance question only with a child in the household.
func TestQuestionsOnlyWhenRelevant(t *testing.T) {
	today := day(t, "2026-03-20")
	e := event(t, "moving")
	base := "{move_date: 2026-04-01, same_municipality: false, new_postal_code: '1000013', new_address_line: x, health_insurance: kokuho}"
	for _, c := range []struct {
		birth string
		asked bool
	}{{"1961-04-01", true}, {"1961-04-02", false}} {
		me := person(t, "高齢 太郎", c.birth, today)
		st, err := e.Resolve(Facts{Me: me, Household: []Person{me}, Today: today}, answers(t, e, base))
		if err != nil {
			t.Fatal(err)
		}
		if asked := st.Next != nil && st.Next.ID == "care_certified"; asked != c.asked {
			t.Errorf("born %s: care question asked %v, next %v", c.birth, asked, st.Next)
		}
		if st.Next != nil && st.Next.ID == "receives_child_allowance" {
			t.Errorf("child allowance asked without a child")
		}
	}
}

// Birth: the registration counts the day of birth; the child allowance
// counts from the day after; a Sunday moves the registration, not the
// allowance's legal day.
func TestBirthPlan(t *testing.T) {
	today := day(t, "2026-06-02")
	me := person(t, "鈴木 花子", "1990-01-01", today)
	e := event(t, "birth")
	p, err := e.Plan(Facts{Me: me, Household: []Person{me}, Today: today},
		answers(t, e, "{birth_date: 2026-06-01, claimant_insurance: kokuho, single_parent: false, needs_daycare: false}"), NewCalendar(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(p); got[0] != "child-allowance-claim" {
		t.Fatalf("the 15-day rule first: %v", got)
	}
	for _, it := range p.Items {
		if it.Procedure.ID == "birth-registration" {
			if it.Deadline.Legal.Format(time.DateOnly) != "2026-06-14" || it.Deadline.Effective.Format(time.DateOnly) != "2026-06-15" || it.Deadline.MovedBecause != "weekend" {
				t.Errorf("birth registration %+v", it.Deadline)
			}
		}
		if it.Procedure.ID == "lump-sum-birth-allowance" && it.Deadline.Legal.Format(time.DateOnly) != "2028-06-01" {
			t.Errorf("2 years: %v", it.Deadline.Legal)
		}
	}
}

// Job change: a new job the next day leaves no gap (no insurance or pension
// change); a day's gap brings them, and the pension change only under 60.
func TestJobChangeGap(t *testing.T) {
	today := day(t, "2026-03-01")
	e := event(t, "job-change")
	young, old := person(t, "若い", "1990-01-01", today), person(t, "年配", "1966-03-30", today)
	for _, c := range []struct {
		me      Person
		answers string
		want    []string
		not     []string
	}{
		{young, "{last_day: 2026-03-31, has_new_job: true, first_day: 2026-04-01}", []string{"documents-for-new-employer"}, []string{"nhi-enrol", "pension-category-change"}},
		{young, "{last_day: 2026-03-31, has_new_job: true, first_day: 2026-04-02, insurance_choice: kokuho, spouse_dependant: true}", []string{"nhi-enrol", "pension-category-change", "spouse-pension-change", "nhi-withdrawal"}, nil},
		{old, "{last_day: 2026-03-31, has_new_job: false, insurance_choice: voluntary, spouse_dependant: false, wants_unemployment_benefit: true}", []string{"insurance-voluntary", "unemployment-benefit", "tax-return"}, []string{"pension-category-change"}},
	} {
		p, err := e.Plan(Facts{Me: c.me, Household: []Person{c.me}, Today: today}, answers(t, e, c.answers), NewCalendar(nil))
		if err != nil {
			t.Fatalf("%s: %v", c.answers, err)
		}
		got := ids(p)
		for _, w := range c.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s: missing %s in %v", c.answers, w, got)
			}
		}
		for _, n := range c.not {
			if slices.Contains(got, n) {
				t.Errorf("%s: %s does not apply: %v", c.answers, n, got)
			}
		}
	}
}

// An under-15 card holder has no signature certificate to re-issue.
func TestUnder15HasNoSignatureCertificateStep(t *testing.T) {
	today := day(t, "2026-03-20")
	child := person(t, "子ども", "2012-04-02", today) // 13 on the move day
	e := event(t, "moving")
	p, err := e.Plan(Facts{Me: child, Household: []Person{child}, Today: today},
		answers(t, e, "{move_date: 2026-04-01, same_municipality: false, new_postal_code: '1000013', new_address_line: x, health_insurance: employer, receives_child_allowance: false, school_children: false, registered_seal: false, has_dog: false}"),
		NewCalendar(nil))
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(ids(p), "sign-cert-reissue") {
		t.Fatal("re-issue for a child without a signature certificate")
	}
}

// Answers files: typed by their question; mistakes name the question.
func TestParseAnswers(t *testing.T) {
	e := event(t, "moving")
	a := answers(t, e, `{"move_date": "2026-04-01", "new_postal_code": "100-0013", "movers": ["a", "b"], "health_insurance": "koki"}`)
	if d := a["move_date"].(time.Time); d.Format(time.DateOnly) != "2026-04-01" || a["new_postal_code"] != "1000013" || len(a["movers"].([]string)) != 2 {
		t.Fatalf("%v", a)
	}
	for _, bad := range []string{"move_date: tomorrow", "same_municipality: maybe", "new_postal_code: 12345", "health_insurance: private", "no_such_question: 1", "[1, 2]"} {
		_, err := e.ParseAnswers([]byte(bad))
		if failure.CodeOf(err) != CodeAnswers {
			t.Errorf("%q: %v", bad, err)
		}
	}
	// a plan without a needed answer names it
	_, err := e.Plan(Facts{Today: day(t, "2026-03-20")}, Answers{}, NewCalendar(nil))
	if failure.CodeOf(err) != CodeAnswers || !strings.Contains(err.Error(), "move_date") {
		t.Fatalf("%v", err)
	}
}

// What a residence record tells: the resident and the household, ages
// counted on today's date.
func TestFactsFromRecord(t *testing.T) {
	claims := map[string]any{"name": "佐藤 健二", "birth_date": "1982-07-01", "household_members": []any{
		map[string]any{"name": "佐藤 健二", "birth_date": "1982-07-01"},
		map[string]any{"name": "佐藤 ユイ", "birth_date": "2018-05-05"}, "not a member"}}
	f := FactsFromRecord(claims, true, day(t, "2026-05-05"))
	if f.Me.Age != 43 || !f.Me.HasCard || len(f.Household) != 2 || f.Household[1].Age != 8 || !f.Household[0].HasSignCert {
		t.Fatalf("%+v", f)
	}
	if f := FactsFromRecord(map[string]any{}, false, day(t, "2026-05-05")); len(f.Household) != 0 {
		t.Fatalf("an empty record gave a household: %+v", f)
	}
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
	a := answers(t, e, "{move_date: 2026-04-01, same_municipality: false, new_postal_code: '5300001', new_address_line: x, health_insurance: kokuho, registered_seal: false, has_dog: false}")
	p, err := e.Plan(f, a, NewCalendar(nil))
	if err != nil {
		t.Fatal(err)
	}
	apps, pf := p.Applications(f, map[string]string{"moving-out-notice.phone": "090-0000-0000"})
	if len(apps) != 2 || apps[0].Procedure != "moving-out-notice" || apps[0].Fields["move_date"] != "2026-04-01" ||
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
		answers(t, e, "{birth_date: 2026-06-01, claimant_insurance: kokuho, single_parent: false, needs_daycare: false}"), NewCalendar(nil))
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
		"procedures": {"moving/moving-out-notice": {"deadline": {"from": "move_date", "days": 14, "counting": "first-day-excluded", "opens_days_before": 14},
		"note": {"ja": "当市はオンライン届出を14日前から受け付けます。", "en": "This city takes the online notice from 14 days before."}},
		"moving/dog-registration": {"disabled": true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := bundledCatalog(t).Apply(o, i18n.Languages())
	if err != nil {
		t.Fatal(err)
	}
	e, _ := c.Event("moving")
	today := day(t, "2026-03-20")
	me := person(t, "山田 太郎", "1985-04-12", today)
	p, err := e.Plan(Facts{Me: me, Household: []Person{me}, Today: today, Profile: o.Profile("city")},
		answers(t, e, "{move_date: 2026-04-01, same_municipality: false, new_postal_code: '1000013', new_address_line: x, health_insurance: kokuho, has_card: true, registered_seal: false, has_dog: true}"),
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
	if pr, _ := orig.Procedure("moving-out-notice"); pr.Deadline.OpensDaysBefore != 30 {
		t.Error("Apply changed the bundled catalogue")
	}
	for _, bad := range []string{`{"procedures": {"moving/no-such": {"disabled": true}}}`, `{"procedures": {"moving/nhi-loss": {"channel": "fax"}}}`,
		`{"closures": {"soon": "x"}}`, `{"surprise": 1}`, `{"procedures": {"moving/nhi-loss": {"deadline": {"from": "has_dog", "counting": "first-day-excluded"}}}}`} {
		o, err := ParseOverrides([]byte(bad))
		if err == nil {
			_, err = bundledCatalog(t).Apply(o, i18n.Languages())
		}
		if failure.CodeOf(err) != CodeCatalog {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// From the 75th birthday the health insurance is known (late-stage elderly
// medical care) and not asked; the day before, it is asked.
func TestSeventyFifthBirthday(t *testing.T) {
	today := day(t, "2026-03-20")
	e := event(t, "moving")
	base := "{move_date: 2026-04-01, same_municipality: false, new_postal_code: '1000013', new_address_line: x}"
	for _, c := range []struct {
		birth string
		known bool
	}{{"1951-04-01", true}, {"1951-04-02", false}} {
		me := person(t, "長寿 花子", c.birth, today)
		st, err := e.Resolve(Facts{Me: me, Household: []Person{me}, Today: today}, answers(t, e, base))
		if err != nil {
			t.Fatal(err)
		}
		v, ok := st.Values["health_insurance"]
		if known := ok && v.Value == "koki"; known != c.known {
			t.Errorf("born %s: insurance known %v (%+v), next %v", c.birth, known, v, st.Next.ID)
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
	p, err := e.Plan(f, answers(t, e, "{birth_date: 2026-06-01, claimant_insurance: employer, single_parent: false, needs_daycare: true, daycare_from: 2027-04-01}"), NewCalendar(nil))
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
		"when": "not same_municipality", "signer": "none"}]}}`
	o, err := ParseOverrides([]byte(add))
	if err != nil {
		t.Fatal(err)
	}
	c, err := bundledCatalog(t).Apply(o, i18n.Languages())
	if err != nil {
		t.Fatal(err)
	}
	e, _ := c.Event("moving")
	today := day(t, "2026-03-20")
	me := person(t, "山田 太郎", "1985-04-12", today)
	p, err := e.Plan(Facts{Me: me, Household: []Person{me}, Today: today},
		answers(t, e, "{move_date: 2026-04-01, same_municipality: false, new_postal_code: '1000013', new_address_line: x, health_insurance: kokuho, has_card: true, registered_seal: false, has_dog: false}"),
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
			_, err = bundledCatalog(t).Apply(o, i18n.Languages())
		}
		if failure.CodeOf(err) != CodeCatalog {
			t.Errorf("%s: %v", name, err)
		}
	}
}
