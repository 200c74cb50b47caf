package procedures

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/sandbox/fixtures"
)

// autoAnswer answers an event's questions as an interview would, one at a
// time: what the facts know is not asked; every asked question gets the
// variant's answer (yes/no: the variant; a choice: the first or the last;
// dates relative to the event date so that every check holds).
func autoAnswer(t testing.TB, e *Event, f Facts, yes bool, date time.Time) Answers {
	t.Helper()
	a := Answers{}
	for range len(e.Questions) + 1 {
		st, err := e.Resolve(f, a)
		if err != nil {
			t.Fatal(err)
		}
		q := st.Next
		if q == nil {
			return a
		}
		a[q.ID] = defaultAnswer(q, f, yes, date)
	}
	t.Fatalf("%s: the interview does not end", e.ID)
	return nil
}

func defaultAnswer(q *Question, f Facts, yes bool, date time.Time) any {
	switch q.Type {
	case TypeDate:
		switch q.ID {
		case "first_day":
			return date.AddDate(0, 0, 10)
		case "first_school_day", "daycare_from":
			return date.AddDate(0, 0, 7)
		}
		return date
	case TypeYesNo:
		return yes
	case TypeChoice:
		if yes && q.ID == "health_insurance" {
			return "employer" // "none" says nobody under 75 moves: a check refuses it with younger movers
		}
		if yes {
			return q.Choices[len(q.Choices)-1].ID
		}
		if q.ID == "health_insurance" || q.ID == "insurance_choice" || q.ID == "claimant_insurance" {
			return "kokuho"
		}
		return q.Choices[0].ID
	case TypePostal:
		return "5300001"
	case TypeMembers:
		var names []string
		for _, p := range f.Household {
			names = append(names, p.Name)
		}
		if len(names) == 0 {
			names = []string{"山田 太郎"}
		}
		return names
	case TypeNumber:
		return 1
	}
	return "梅田一丁目1番1号"
}

// households are the fixture residents' residence records (a household is
// everyone registered at the same address).
func households(t testing.TB, today time.Time) map[string]Facts {
	all, err := fixtures.Residents()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Facts{}
	for _, r := range all {
		out[r.ID] = residentFacts(t, r, all, today)
	}
	return out
}

func events(t testing.TB) []*Event { return bundledCatalog(t).Events }

// eachCase plans every event for every household in facts, answering yes
// and then no throughout, and hands each plan to check.
func eachCase(t *testing.T, facts map[string]Facts, date time.Time, check func(id string, e *Event, f Facts, yes bool, a Answers, p *Plan)) {
	t.Helper()
	for id, f := range facts {
		for _, e := range events(t) {
			for _, yes := range []bool{false, true} {
				a := autoAnswer(t, e, f, yes, date)
				p, err := e.Plan(f, a, NewCalendar(nil))
				if err != nil {
					t.Fatalf("%s/%s/%v: %v", e.ID, id, yes, err)
				}
				check(id, e, f, yes, a, p)
			}
		}
	}
}

// Every fixture household can go through every event, answering yes or
// no throughout; the moving bundle is at least 80 % filled; the signature
// certificate's re-issue is planned exactly when a mover has one.
func TestEveryResidentEveryEvent(t *testing.T) {
	today := day(t, "2026-06-01")
	eachCase(t, households(t, today), day(t, "2026-06-20"), func(id string, e *Event, f Facts, yes bool, _ Answers, p *Plan) {
		if len(p.Items) == 0 {
			t.Errorf("%s/%s: an empty plan", e.ID, id)
		}
		if _, pf := p.Applications(f, nil); e.ID == "moving" && !yes && pf.Ratio() < 0.8 {
			t.Errorf("%s/%s: prefill %.0f%%", e.ID, id, 100*pf.Ratio())
		}
		if e.ID == "moving" && !yes {
			has := slices.Contains(ids(p), "sign-cert-reissue")
			if has != f.Me.HasSignCert {
				t.Errorf("%s: re-issue planned %v, the card has a signature certificate %v", id, has, f.Me.HasSignCert)
			}
		}
	})
}

// The same facts give the same plan signed in or offline: what the record
// answered is asked offline, and given the same answers the plan — its
// procedures, channels and deadlines — is the same, for every event and
// every fixture household.
func TestSamePlanSignedInOrOffline(t *testing.T) {
	today := day(t, "2026-06-01")
	eachCase(t, households(t, today), day(t, "2026-06-20"), func(id string, e *Event, f Facts, yes bool, a Answers, online *Plan) {
		// offline: nothing known; the answers the record gave are
		// given by the resident instead
		offline := Answers{}
		for k, v := range a {
			offline[k] = v
		}
		for k, v := range online.State.Values {
			if _, asked := e.Question(k); asked && v.Source != "answer" {
				offline[k] = v.Value
			}
		}
		p, err := e.Plan(Facts{Today: today, Profile: f.Profile}, offline, NewCalendar(nil))
		if err != nil {
			t.Fatalf("%s/%s offline: %v", e.ID, id, err)
		}
		if got, want := planKey(p), planKey(online); got != want {
			t.Errorf("%s/%s/%v:\n online %s\noffline %s", e.ID, id, yes, want, got)
		}
	})
}

func planKey(p *Plan) string {
	var b strings.Builder
	for _, it := range p.Items {
		fmt.Fprintf(&b, "%s/%s", it.Procedure.ID, it.Channel)
		if it.Deadline != nil {
			fmt.Fprintf(&b, "@%s", it.Deadline.Effective.Format(time.DateOnly))
		}
		b.WriteString(" ")
	}
	return b.String()
}

// Every given answer is used or refused: for every event, with and
// without a record, answering yes or no, each question the plan did not
// ask, when answered anyway, is refused naming it (ANSWER-NOT-ASKED) —
// never silently dropped; each answer given is in the plan's values as the
// resident's; a question the event does not have is refused listing the
// valid ones.
func TestEveryGivenAnswerUsedOrRefused(t *testing.T) {
	today := day(t, "2026-06-01")
	date := day(t, "2026-06-20")
	facts := households(t, today)
	facts["offline"] = Facts{Today: today}
	for id, f := range facts {
		for _, e := range events(t) {
			for _, yes := range []bool{false, true} {
				a := autoAnswer(t, e, f, yes, date)
				p, err := e.Plan(f, a, NewCalendar(nil))
				if err != nil {
					t.Fatal(err)
				}
				for k := range a {
					if v := p.State.Values[k]; v.Source != "answer" {
						t.Errorf("%s/%s: the answer to %s is not used (%+v)", e.ID, id, k, v)
					}
				}
				for i := range e.Questions {
					q := &e.Questions[i]
					if _, ok := p.State.Values[q.ID]; ok {
						continue
					}
					more := Answers{}
					for k, v := range a {
						more[k] = v
					}
					more[q.ID] = defaultAnswer(q, f, !yes, date)
					_, err := e.Plan(f, more, NewCalendar(nil))
					if q.Optional && err == nil {
						continue
					}
					if failure.CodeOf(err) != CodeNotAsked || failure.StringOf(err, "ID") != q.ID {
						t.Errorf("%s/%s: an answer to %s, which was not asked, gave %v", e.ID, id, q.ID, err)
					}
				}
			}
		}
	}
	e := event(t, "moving")
	_, err := e.ParseAnswers([]byte("move_dat: 2026-04-01\n"))
	if failure.CodeOf(err) != CodeUnknownQ || !strings.Contains(failure.StringOf(err, "Valid"), "move_date") {
		t.Errorf("a misspelt key: %v", err)
	}
	if ex := i18n.New("en").Explain(err); !strings.Contains(ex.Cause+ex.Action, "move_date") || strings.Contains(ex.Cause, "<no value>") {
		t.Errorf("explained as %+v", ex)
	}
}

// Without a record, the facts the record would give are asked, never
// assumed: a child's allowance, a care certification, a school change and
// the signature certificate are each asked, and their answers are used.
func TestUnknownFactsAreAsked(t *testing.T) {
	today := day(t, "2026-06-01")
	e := event(t, "moving")
	a := answers(t, e, `{move_date: 2026-06-20, same_municipality: false, new_postal_code: "5300001", new_address_line: 梅田1-1-1,
movers: [佐藤 健二, 佐藤 ユイ]}`)
	var asked []string
	for range e.Questions {
		st, err := e.Resolve(Facts{Today: today}, a)
		if err != nil {
			t.Fatal(err)
		}
		if st.Next == nil {
			break
		}
		asked = append(asked, st.Next.ID)
		a[st.Next.ID] = defaultAnswer(st.Next, Facts{}, true, day(t, "2026-06-20"))
		if st.Next.ID == "into_facility" {
			a[st.Next.ID] = false // not into a facility: the care record moves
		}
	}
	for _, want := range []string{"child_mover", "receives_child_allowance", "school_mover", "elderly_mover", "care_certified", "has_card", "sign_cert"} {
		if !slices.Contains(asked, want) {
			t.Errorf("%s was not asked offline: %v", want, asked)
		}
	}
	p, err := e.Plan(Facts{Today: today}, a, NewCalendar(nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"child-allowance-claim", "child-allowance-end", "care-insurance", "sign-cert-reissue", "school-transfer"} {
		if !slices.Contains(ids(p), want) {
			t.Errorf("%s missing offline: %v", want, ids(p))
		}
	}
}

// No municipal deadline falls on a closed day: for every event, every
// event date from 2026-01-01 to 2030-12-31, with and without the fixture
// households' records, answering yes and no, every deadline at a
// municipality's office is effective on an open day of the profile's
// calendar (or keeps its day with a cited reason), and the legal day is
// never after the effective one (before it only for "the open day before").
func TestNoMunicipalDeadlineOnAClosedDay(t *testing.T) {
	if testing.Short() {
		t.Skip("the five-year sweep")
	}
	c := NewCalendar(map[string]string{"2027-03-31": "system changeover", "2028-08-10": "local festival"})
	today := day(t, "2025-12-01")
	facts := households(t, today)
	var plans, deadlines int
	for _, e := range events(t) {
		// the answers per household and variant; their dates follow the day
		type set struct {
			f Facts
			a Answers
		}
		var sets []set
		for _, yes := range []bool{false, true} {
			sets = append(sets, set{Facts{Today: today}, autoAnswer(t, e, Facts{Today: today}, yes, day(t, "2026-01-01"))})
			for _, id := range []string{"sato-kenji", "yamada-taro", "tanaka-ichiro"} {
				sets = append(sets, set{facts[id], autoAnswer(t, e, facts[id], yes, day(t, "2026-01-01"))})
			}
		}
		for d := day(t, "2026-01-01"); d.Year() <= 2030; d = d.AddDate(0, 0, 1) {
			for _, s := range sets {
				a := Answers{}
				for k, v := range s.a {
					if t0, ok := v.(time.Time); ok {
						v = d.Add(t0.Sub(day(t, "2026-01-01")))
						v = civil(v.(time.Time))
					}
					a[k] = v
				}
				f := s.f
				f.Today = d.AddDate(0, 0, -20)
				p, err := e.Plan(f, a, c)
				if err != nil {
					if failure.CodeOf(err) == CodeNotAsked {
						continue // an age crossed a line on this day: the record answers otherwise
					}
					t.Fatalf("%s on %s: %v", e.ID, d.Format(time.DateOnly), err)
				}
				plans++
				for _, it := range p.Items {
					dl := it.Deadline
					if dl == nil {
						continue
					}
					deadlines++
					rule := it.Procedure.Deadline
					if why, _ := c.Closure(dl.Effective); why != "" && Municipal(it.Procedure.Office) && rule.Closed != ClosedKeeps {
						t.Fatalf("%s/%s: from %s the effective deadline %s is closed (%s)", e.ID, it.Procedure.ID, d.Format(time.DateOnly),
							dl.Effective.Format(time.DateOnly), why)
					}
					if rule.Closed == ClosedEarlier {
						if dl.Effective.After(dl.Legal) {
							t.Fatalf("%s/%s: the open day before is after the legal day", e.ID, it.Procedure.ID)
						}
					} else if dl.Legal.After(dl.Effective) {
						t.Fatalf("%s/%s: legal %s after effective %s", e.ID, it.Procedure.ID, dl.Legal, dl.Effective)
					}
					if dl.Effective != dl.Legal && (dl.MovedBecause == "" || dl.MovedBy == "") {
						t.Fatalf("%s/%s: moved without naming why and by which rule: %+v", e.ID, it.Procedure.ID, dl)
					}
					if dl.Counting == "" {
						t.Fatalf("%s/%s: no counting rule named", e.ID, it.Procedure.ID)
					}
				}
			}
		}
	}
	t.Logf("%d plans, %d deadlines checked", plans, deadlines)
	if deadlines < 10000 {
		t.Fatalf("only %d deadlines checked", deadlines)
	}
}

// Every municipal deadline moves by default; a rule that keeps its day or
// moves it earlier cites why, in every language.
func TestClosedDayOptOutsCiteAReason(t *testing.T) {
	for _, e := range events(t) {
		for _, p := range e.Procedures {
			for _, r := range []*Rule{p.Deadline, p.Limit} {
				if r != nil && r.Closed != ClosedMoves {
					for _, l := range i18n.Languages() {
						if strings.TrimSpace(r.ClosedReason[l]) == "" {
							t.Errorf("%s/%s keeps or moves earlier without a %s reason", e.ID, p.ID, l)
						}
					}
				}
			}
		}
	}
	bad := strings.Replace(minimalEvent, "counting: first-day-excluded}", "counting: first-day-excluded, closed: keep}", 1)
	if _, err := ParseEvent([]byte(bad), nil, []string{"ja", "en"}); failure.CodeOf(err) != CodeCatalog {
		t.Errorf("a kept day without a reason loaded: %v", err)
	}
}

const minimalEvent = `
id: x
name: {ja: x, en: x}
help: {ja: x, en: x}
date: d
questions:
  - {id: d, type: date, text: {ja: x, en: x}}
procedures:
  - id: p
    name: {ja: x, en: x}
    why: {ja: x, en: x}
    basis: {ja: x, en: x}
    office: municipality
    channel: counter
    when: "true"
    filer: self
    deadline: {from: d, days: 14, counting: first-day-excluded}
`

// Conditions read answers only; a date a form carries names its meaning.
func TestCatalogRulesOfKnowledge(t *testing.T) {
	for name, bad := range map[string]string{
		"a condition that reads the person's age": strings.Replace(minimalEvent, `when: "true"`, `when: me.age > 3`, 1),
		"a condition that reads the household":    strings.Replace(minimalEvent, `when: "true"`, `when: len(household) > 1`, 1),
		"a date input without its meaning": strings.Replace(minimalEvent, "    filer: self\n",
			"    filer: self\n    inputs: [{id: day, source: \"answer:d\"}]\n", 1),
	} {
		if _, err := ParseEvent([]byte(bad), nil, []string{"ja", "en"}); failure.CodeOf(err) != CodeCatalog {
			t.Errorf("%s loaded: %v", name, err)
		}
	}
	for _, e := range events(t) {
		for _, p := range e.Procedures {
			for _, in := range p.Inputs {
				src := strings.TrimPrefix(strings.TrimPrefix(in.Source, "answer:"), "date:")
				q, isQ := e.Question(src)
				isDerived := strings.HasPrefix(in.Source, "date:")
				if (isQ && q.Type == TypeDate || isDerived) && in.Meaning == "" {
					t.Errorf("%s/%s.%s carries a date with no meaning", e.ID, p.ID, in.ID)
				}
			}
		}
	}
}

// Leaving a job, by the statute: the loss date is the day after the
// leaving date; coverage and pension change on it; the 14 and 20 days
// count it as day 1; the forms carry the leaving date and the loss date,
// each named, never the last working day as the day coverage is lost.
func TestJobChangeDatesByStatute(t *testing.T) {
	e := event(t, "job-change")
	me := person(t, "田中 一郎", "1980-05-05", day(t, "2026-03-01"))
	f := Facts{Me: me, Household: []Person{me}, Today: day(t, "2026-04-02"),
		Attributes: map[string]Sourced{"name": {Value: me.Name, Source: "card"}, "address": {Value: "x", Source: "card"}, "birth_date": {Value: "1980-05-05", Source: "card"}}}
	for _, tc := range []struct {
		leaving, loss, nhi, pension, voluntary string
	}{
		{"2026-03-31", "2026-04-01", "2026-04-14", "2026-04-14", "2026-04-20"},
		{"2026-04-30", "2026-05-01", "2026-05-14", "2026-05-14", "2026-05-20"},
		{"2026-02-28", "2026-03-01", "2026-03-16", "2026-03-16", "2026-03-23"}, // 3/14 Sat → 3/16; 3/20 holiday, 3/21–22 weekend → 3/23
		{"2026-12-25", "2026-12-26", "2027-01-08", "2027-01-08", "2027-01-14"},
	} {
		for _, choice := range []string{"kokuho", "voluntary"} {
			a := answers(t, e, fmt.Sprintf("{leaving_date: %s, has_new_job: false, insurance_choice: %s, spouse_dependant: false, wants_unemployment_benefit: false}", tc.leaving, choice))
			p, err := e.Plan(f, a, NewCalendar(nil))
			if err != nil {
				t.Fatal(err)
			}
			if v := p.State.Values["loss_date"]; civil(v.Value.(time.Time)).Format(time.DateOnly) != tc.loss {
				t.Errorf("leaving %s: loss date %v", tc.leaving, v.Value)
			}
			for _, it := range p.Items {
				got := ""
				if it.Deadline != nil {
					got = it.Deadline.Effective.Format(time.DateOnly)
				}
				want := map[string]string{"nhi-enrol": tc.nhi, "pension-category-change": tc.pension, "insurance-voluntary": tc.voluntary}[it.Procedure.ID]
				if want != "" && got != want {
					t.Errorf("leaving %s: %s due %s, want %s", tc.leaving, it.Procedure.ID, got, want)
				}
			}
			apps, _ := p.Applications(f, nil)
			for _, app := range apps {
				if app.Fields["leaving_date"] != tc.leaving {
					t.Errorf("%s: leaving date %v", app.Procedure, app.Fields["leaving_date"])
				}
				for _, k := range []string{"coverage_lost_on", "category_changed_on"} {
					if v, ok := app.Fields[k]; ok && v != tc.loss {
						t.Errorf("%s: %s = %v, the loss date is %s", app.Procedure, k, v, tc.loss)
					}
				}
			}
		}
	}
	// a new job the day after leaving: no gap, nothing to switch
	p, err := e.Plan(f, answers(t, e, "{leaving_date: 2026-03-31, has_new_job: true, first_day: 2026-04-01}"), NewCalendar(nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, not := range []string{"nhi-enrol", "pension-category-change", "insurance-voluntary"} {
		if slices.Contains(ids(p), not) {
			t.Errorf("no gap, yet %s: %v", not, ids(p))
		}
	}
}

// Windows: the online moving-out notice cannot be filed before it opens
// (the plan says when) and, once closed, is a counter visit; a claim for
// a child not yet born opens at the birth.
func TestWindows(t *testing.T) {
	e := event(t, "moving")
	base := "{move_date: %s, same_municipality: false, care_certified: false, receives_child_allowance: false, new_postal_code: '5300001', new_address_line: 梅田1-1, movers: [山田 太郎], child_mover: false, school_mover: false, elderly_mover: false, health_insurance: employer, registered_seal: false, has_card: true, sign_cert: true, foreign_mover: false, has_dog: false}"
	today := day(t, "2026-06-01")
	for _, tc := range []struct {
		move, window, channel string
	}{
		{"2026-07-15", WindowNotOpen, ChannelBundle},
		{"2026-07-01", WindowOpen, ChannelBundle},
		{"2026-05-22", WindowOpen, ChannelBundle},
		{"2026-05-21", WindowClosed, ChannelCounter},
	} {
		p, err := e.Plan(Facts{Today: today}, answers(t, e, fmt.Sprintf(base, tc.move)), NewCalendar(nil))
		if err != nil {
			t.Fatal(err)
		}
		it := p.Items[slices.Index(ids(p), "moving-out-notice")]
		if it.Window != tc.window || it.Channel != tc.channel {
			t.Errorf("move %s: window %s channel %s", tc.move, it.Window, it.Channel)
		}
		_, opens, notOpen := p.NotOpen()
		if notOpen != (tc.window == WindowNotOpen) || notOpen && opens.Format(time.DateOnly) != "2026-06-15" {
			t.Errorf("move %s: NotOpen %v %v", tc.move, notOpen, opens)
		}
	}
	b := event(t, "birth")
	p, err := b.Plan(Facts{Today: today}, answers(t, b, "{birth_date: 2026-07-10, allowance_claimant: me, claimant_insurance: kokuho, foreign_child: false, single_parent: false, needs_daycare: false}"), NewCalendar(nil))
	if err != nil {
		t.Fatal(err)
	}
	if id, opens, ok := p.NotOpen(); !ok || id != "child-allowance-claim" || opens.Format(time.DateOnly) != "2026-07-10" {
		t.Errorf("an unborn child's claim: %s %v %v", id, opens, ok)
	}
	// the partner is the claimant: the claim is theirs, not in this bundle
	p, err = b.Plan(Facts{Today: today}, answers(t, b, "{birth_date: 2026-05-30, allowance_claimant: partner, claimant_insurance: kokuho, foreign_child: false, single_parent: false, needs_daycare: false}"), NewCalendar(nil))
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(p.Online(), "child-allowance-claim") {
		t.Error("the partner's claim is in this person's bundle")
	}
}

// Answers that contradict each other are refused, naming the answer to
// correct and why.
func TestChecks(t *testing.T) {
	today := day(t, "2026-06-01")
	job := event(t, "job-change")
	for _, tc := range []struct {
		e       *Event
		src, q  string
		profile ProfileFacts
	}{
		{job, "{leaving_date: 2026-06-30, has_new_job: true, first_day: 2026-06-15}", "first_day", ProfileFacts{}},
		{job, "{leaving_date: 2029-06-30, has_new_job: true, first_day: 2029-07-01}", "leaving_date", ProfileFacts{}},
		{event(t, "moving"), "{move_date: 2029-06-20, same_municipality: false, care_certified: false, receives_child_allowance: false, new_postal_code: '5300001', new_address_line: 梅田1-1, movers: [x], child_mover: false, school_mover: false, elderly_mover: false, health_insurance: employer, registered_seal: false, has_card: false, foreign_mover: false, has_dog: false}", "move_date", ProfileFacts{}},
		{event(t, "moving"), "{move_date: 2026-06-20, same_municipality: true, receives_child_allowance: false, new_postal_code: '5300001', new_address_line: 梅田1-1, movers: [x], child_mover: false, school_mover: false, elderly_mover: false, health_insurance: employer, has_card: false, foreign_mover: false, has_dog: false}", "same_municipality", ProfileFacts{City: "千代田区"}},
		{event(t, "moving"), "{move_date: 2026-06-20, same_municipality: false, care_certified: false, receives_child_allowance: false, new_postal_code: '1000013', new_address_line: 霞が関2-1, movers: [x], child_mover: false, school_mover: false, elderly_mover: false, health_insurance: employer, registered_seal: false, has_card: false, foreign_mover: false, has_dog: false}", "same_municipality", ProfileFacts{City: "千代田区"}},
		{event(t, "moving"), "{move_date: 2026-06-20, same_municipality: false, care_certified: false, receives_child_allowance: false, new_postal_code: '5300001', new_address_line: x, movers: [x], child_mover: false, school_mover: false, elderly_mover: false, health_insurance: employer, registered_seal: false, has_card: false, foreign_mover: false, has_dog: false}", "new_address_line", ProfileFacts{}},
		{event(t, "moving"), "{move_date: 2026-06-20, same_municipality: false, care_certified: false, new_postal_code: '5300001', new_address_line: 梅田1-1, movers: [x], child_mover: true, receives_child_allowance: false, school_mover: true, school_children: true, first_school_day: 2026-06-10, elderly_mover: false, health_insurance: employer, registered_seal: false, has_card: false, foreign_mover: false, has_dog: false}", "first_school_day", ProfileFacts{}},
	} {
		_, err := tc.e.Plan(Facts{Today: today, Profile: tc.profile}, answers(t, tc.e, tc.src), NewCalendar(nil))
		if failure.CodeOf(err) != CodeConflict || failure.StringOf(err, "ID") != tc.q {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if ex := i18n.New("ja").Explain(err); strings.Contains(ex.Cause, "map[") || strings.Contains(ex.Cause, "<no value>") {
			t.Errorf("explained as %q", ex.Cause)
		}
	}
	// a mover the record does not list
	me := person(t, "山田 太郎", "1985-04-12", today)
	e := event(t, "moving")
	_, err := e.Plan(Facts{Me: me, Household: []Person{me}, Today: today}, answers(t, e, "{move_date: 2026-06-20, same_municipality: false, care_certified: false, receives_child_allowance: false, new_postal_code: '5300001', new_address_line: 梅田1-1, movers: [山田 花子], child_mover: false, school_mover: false, elderly_mover: false, health_insurance: employer, registered_seal: false, has_card: false, foreign_mover: false, has_dog: false}"), NewCalendar(nil))
	if failure.StringOf(err, "ID") != "movers" {
		t.Errorf("a mover not in the record: %v", err)
	}
}

// Hostile or careless answers files: each refused with a code that names
// what is wrong and the form expected; dates as people write them in
// Japan are read.
func TestParseAnswersHostile(t *testing.T) {
	e := event(t, "moving")
	tr := i18n.New("en")
	for name, src := range map[string]string{
		"empty":                   "",
		"blank":                   "\n  \n",
		"a list":                  "- a\n- b\n",
		"too large":               "move_date: 2026-04-01\n# " + strings.Repeat("x", MaxAnswersSize),
		"not YAML":                "{{{",
		"a timestamp":             "move_date: 2026-04-01T10:00:00+09:00\n",
		"an address of 5 MB, cut": "new_address_line: " + strings.Repeat("あ", MaxText+1) + "\n",
		"not a date":              "move_date: soon\n",
		"February 30":             "move_date: 2026-02-30\n",
		"a Heisei 32":             "move_date: 平成32年4月1日\n",
		"a postal of six":         "new_postal_code: '100001'\n",
		"a wrong type":            "same_municipality: maybe\n",
		"21 movers":               "movers: [" + strings.TrimSuffix(strings.Repeat("a, ", 21), ", ") + "]\n",
	} {
		_, err := e.ParseAnswers([]byte(src))
		c := failure.CodeOf(err)
		if c != CodeUnreadable && c != CodeAnswers {
			t.Errorf("%s: %v", name, err)
			continue
		}
		ex := tr.Explain(err)
		if strings.Contains(ex.Cause+ex.Action, "<no value>") || strings.Contains(ex.Cause, "map[") {
			t.Errorf("%s explained as %+v", name, ex)
		}
		if c == CodeAnswers && strings.Contains(ex.Cause, "2026-04-01") && !strings.Contains(src, "date") {
			t.Errorf("%s: a date hint on a non-date answer: %q", name, ex.Cause)
		}
	}
	for _, s := range []string{"2026-04-01", "2026/4/1", "２０２６－０４－０１", "令和8年4月1日", "R8.4.1", "2026年4月1日"} {
		a, err := e.ParseAnswers([]byte("move_date: " + s + "\n"))
		if err != nil || a["move_date"].(time.Time).Format(time.DateOnly) != "2026-04-01" {
			t.Errorf("%s: %v %v", s, a, err)
		}
	}
	a, err := e.ParseAnswers([]byte("new_postal_code: 〒１００－００１３\n"))
	if err != nil || a["new_postal_code"] != "1000013" {
		t.Errorf("a full-width postal code: %v %v", a, err)
	}
}

// A move within the same municipality keeps what applies to it (the
// insurance and care records change address at the same office) and says
// nothing written for a move elsewhere.
func TestSameMunicipalityMove(t *testing.T) {
	today := day(t, "2026-06-01")
	e := event(t, "moving")
	p, err := e.Plan(Facts{Today: today}, answers(t, e, "{move_date: 2026-06-20, same_municipality: true, new_postal_code: '1000013', new_address_line: 霞が関2-1, movers: [x, y], child_mover: true, receives_child_allowance: true, school_mover: false, elderly_mover: true, koki_mover: true, health_insurance: kokuho, has_card: true, sign_cert: true, foreign_mover: true, has_dog: true}"), NewCalendar(nil))
	if err != nil {
		t.Fatal(err)
	}
	got := ids(p)
	for _, want := range []string{"address-change", "card-address-update", "sign-cert-reissue-same", "nhi-address", "care-address", "late-elderly-address", "dog-address"} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %s: %v", want, got)
		}
	}
	for _, it := range p.Items {
		if it.Procedure.Office == "old-municipality" || it.Procedure.Office == "new-municipality" {
			t.Errorf("%s at %s in a move within the municipality", it.Procedure.ID, it.Procedure.Office)
		}
		for _, l := range []string{"ja", "en"} {
			text := it.Procedure.Name.In(l) + it.Procedure.Why.In(l) + it.Procedure.LostIfMissed.In(l)
			for _, d := range it.Documents {
				text += d.Bring.In(l)
			}
			for _, w := range []string{"転入", "転出", "新しい市区町村", "90日", "new municipality", "moving out", "90 days", "transfer"} {
				if strings.Contains(text, w) {
					t.Errorf("%s (%s) says %q: %s", it.Procedure.ID, l, w, text)
				}
			}
		}
	}
	// the residence card at the counter for a foreign resident
	found := false
	for _, it := range p.Items {
		for _, d := range it.Documents {
			found = found || it.Procedure.ID == "address-change" && strings.Contains(d.Bring.In("ja"), "在留カード")
		}
	}
	if !found {
		t.Error("the residence card is not asked for")
	}
}

// Every closed holiday of five years has its name in every language; a
// substitute holiday is named as such, with the holiday it stands in for.
func TestHolidayNames(t *testing.T) {
	c := NewCalendar(nil)
	for d := day(t, "2026-01-01"); d.Year() <= 2030; d = d.AddDate(0, 0, 1) {
		reason, name := c.Closure(d)
		if reason != "holiday" && reason != "substitute-holiday" {
			continue
		}
		for _, l := range i18n.Languages() {
			if !i18n.New(l).Has("holiday." + name) {
				t.Errorf("%s: no %s name for holiday %q", d.Format(time.DateOnly), l, name)
			}
		}
	}
	reason, name := c.Closure(day(t, "2026-05-06"))
	if got := ClosedReason(i18n.New("ja"), reason, name); got != "憲法記念日の振替休日" {
		t.Errorf("2026-05-06 is %q", got)
	}
	reason, name = c.Closure(day(t, "2026-09-22"))
	if got := ClosedReason(i18n.New("en"), reason, name); !strings.Contains(got, "citizens' holiday") {
		t.Errorf("2026-09-22 is %q", got)
	}
}
