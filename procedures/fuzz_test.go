package procedures

import (
	"testing"

	"madoguchi/i18n"
)

// Catalogue files never panic the loader, whatever they hold.
func FuzzParseEvent(f *testing.F) {
	// small seeds: the whole catalogue files are parsed by the unit tests,
	// and seeds of several KB stall the fuzzer's mutator
	f.Add([]byte("id: x\nname: {ja: x, en: x}\nhelp: {ja: x, en: x}\ndate: d\nquestions: [{id: d, type: date, text: {ja: x, en: x}}]\n" +
		"procedures: [{id: p, name: {ja: x, en: x}, why: {ja: x, en: x}, basis: {ja: x, en: x}, office: municipality, channel: counter, " +
		"when: 'age_on(me.birth_date, d) >= 15', signer: self, deadline: {from: d, days: 14, counting: first-day-excluded}}]"))
	f.Add([]byte("id: x\nquestions: [{id: d, type: date}]"))
	sch, err := schema()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseEvent(data, sch, i18n.Languages())
		if err == nil && e.ID == "" {
			t.Fatal("an event without an id loaded")
		}
	})
}

// Answers files never panic, and what parses is typed by its question.
func FuzzParseAnswers(f *testing.F) {
	c, err := Bundled(i18n.Languages())
	if err != nil {
		f.Fatal(err)
	}
	e, _ := c.Event("moving")
	f.Add([]byte("move_date: 2026-04-01\nmovers: [a]\nnew_postal_code: 100-0013"))
	f.Add([]byte(`{"has_dog": true, "health_insurance": "kokuho"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := e.ParseAnswers(data)
		if err != nil {
			return
		}
		for id, v := range a {
			q, _ := e.Question(id)
			if !checkAnswerType(q, v) {
				t.Fatalf("%s: %T accepted for %s", id, v, q.Type)
			}
		}
	})
}
