package procedures

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"madoguchi/i18n/failure"
)

// asText is an answer as a person types it in a terminal, in one of the
// forms people use (n picks the form): era or slashed dates, full-width
// digits, はい/no, a choice by number, members by name or number.
func asText(q *Question, v any, f Facts, n int) string {
	full := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r - '0' + '０'
			}
			return r
		}, s)
	}
	switch x := v.(type) {
	case time.Time:
		switch n % 3 {
		case 0:
			return x.Format("2006/1/2")
		case 1:
			return fmt.Sprintf("令和%d年%d月%d日", x.Year()-2018, x.Month(), x.Day())
		}
		return full(x.Format(time.DateOnly))
	case bool:
		return map[bool][]string{true: {"はい", "yes", "Y"}, false: {"いいえ", "no", "N"}}[x][n%3]
	case int:
		return full(fmt.Sprint(x))
	case []string:
		var parts []string
		for _, name := range x {
			if i := slices.IndexFunc(f.Household, func(p Person) bool { return p.Name == name }); i >= 0 && n%2 == 0 {
				name = fmt.Sprint(i + 1)
			}
			parts = append(parts, name)
		}
		return strings.Join(parts, "、")
	case string:
		switch q.Type {
		case TypeChoice:
			return fmt.Sprint(slices.IndexFunc(q.Choices, func(c Choice) bool { return c.ID == x }) + 1)
		case TypePostal:
			return "〒" + full(x[:3]+"-"+x[3:])
		}
		return x
	}
	return fmt.Sprint(v)
}

// The interview is the plan's only way in: for every event, every fixture
// household, signed in and offline, answering yes and no throughout —
// driven one question at a time, half the answers typed as people type
// them — it asks exactly the questions the plan needs, each answer kept at
// once (a new interview over the same drafts resumes at the same
// question), and ends in the same plan as the answers given directly.
func TestInterviewEveryCase(t *testing.T) {
	ctx := context.Background()
	today := day(t, "2026-06-01")
	typed := 0 // every form of every type comes up: the form turns with each typed answer
	eachCase(t, households(t, today), day(t, "2026-06-20"), func(id string, e *Event, f Facts, yes bool, a Answers, want *Plan) {
		offline := Answers{}
		for k, v := range a {
			offline[k] = v
		}
		for k, v := range want.State.Values {
			if _, asked := e.Question(k); asked && v.Source != "answer" {
				offline[k] = v.Value
			}
		}
		for _, c := range []struct {
			name    string
			facts   Facts
			answers Answers
		}{{"signed in", f, a}, {"offline", Facts{Today: today, Profile: f.Profile}, offline}} {
			drafts := &MemoryDrafts{}
			iv, err := StartInterview(ctx, e, c.facts, drafts)
			if err != nil {
				t.Fatal(err)
			}
			st, _ := iv.Step()
			for n := 0; st.Question != nil; n++ {
				q := st.Question
				v, ok := c.answers[q.ID]
				if !ok {
					t.Fatalf("%s/%s/%s: asked %s, which the plan did not need", e.ID, id, c.name, q.ID)
				}
				text := asText(q, v, c.facts, typed)
				if n%2 == 0 {
					typed++
					st, err = iv.AnswerText(ctx, q.ID, text)
				} else {
					st, err = iv.Answer(ctx, q.ID, v)
				}
				if err != nil {
					t.Fatalf("%s/%s/%s: %s = %v: %v", e.ID, id, c.name, q.ID, text, err)
				}
				again, err := StartInterview(ctx, e, c.facts, drafts)
				if err != nil {
					t.Fatal(err)
				}
				if rs, _ := again.Step(); (rs.Question == nil) != (st.Question == nil) || (rs.Question != nil && rs.Question.ID != st.Question.ID) {
					t.Fatalf("%s/%s/%s: resumed elsewhere after %s", e.ID, id, c.name, q.ID)
				}
			}
			p, err := e.Plan(c.facts, iv.Answers(), NewCalendar(nil))
			if err != nil {
				t.Fatalf("%s/%s/%s: %v", e.ID, id, c.name, err)
			}
			if got, w := planKey(p), planKey(want); got != w {
				t.Errorf("%s/%s/%s/%v:\nwant %s\n got %s", e.ID, id, c.name, yes, w, got)
			}
		}
	})
}

// What the interview refuses, it names: a question the event lacks (with
// the valid ids), an answer of the wrong form, an answer to a question the
// earlier answers rule out; Back offers the last answer again.
func TestInterviewRefusesAndGoesBack(t *testing.T) {
	ctx := context.Background()
	e, _ := bundledCatalog(t).Event("moving")
	f := Facts{Today: day(t, "2026-06-01")}
	iv, err := StartInterview(ctx, e, f, &MemoryDrafts{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id, text string
		code     failure.Code
	}{
		{"move_dat", "2026-06-20", CodeUnknownQ},
		{"move_date", "next week", CodeAnswers},
		{"move_date", "2026-02-30", CodeAnswers},
		{"same_municipality", "maybe", CodeAnswers},
		{"new_postal_code", "123", CodeAnswers},
	} {
		if _, err := iv.AnswerText(ctx, c.id, c.text); failure.CodeOf(err) != c.code {
			t.Errorf("%s = %q: %v, want %s", c.id, c.text, err, c.code)
		}
	}
	if _, err := iv.AnswerText(ctx, "move_date", "R8.6.20"); err != nil {
		t.Fatal(err)
	}
	if _, err := iv.AnswerText(ctx, "same_municipality", "はい"); err != nil {
		t.Fatal(err)
	}
	st, err := iv.Back(ctx)
	if err != nil || st.Question == nil || st.Question.ID != "same_municipality" || st.Previous != true {
		t.Fatalf("back: %+v %v", st, err)
	}
	if !st.Reviewing {
		t.Fatalf("back: not reviewing: %+v", st)
	}
	if v, ok := iv.Answers()["same_municipality"]; !ok || v != true {
		t.Fatal("the answer gone back to is not kept until another is given")
	}
}

// Going back never loses an answer: back through every answer of an
// event to its date, a changed date keeps every later answer that still
// applies, each offered again on the way forward (or Forward to the
// plan); only what the change rules out is dropped. Every event, every
// answer gone back to.
func TestInterviewBackKeepsLaterAnswers(t *testing.T) {
	ctx := context.Background()
	today := day(t, "2026-06-01")
	cases := 0
	eachCase(t, households(t, today), day(t, "2026-06-20"), func(id string, e *Event, f Facts, yes bool, a Answers, _ *Plan) {
		cases++
		iv, err := StartInterview(ctx, e, f, &MemoryDrafts{})
		if err != nil {
			t.Fatal(err)
		}
		st, _ := iv.Step()
		for st.Question != nil {
			if st, err = iv.Answer(ctx, st.Question.ID, a[st.Question.ID]); err != nil {
				t.Fatalf("%s/%s: %v", e.ID, id, err)
			}
		}
		all := iv.Answers()
		// back to the first answer, one by one: each offered as given,
		// nothing forgotten
		for i := 0; i < len(all); i++ {
			if st, err = iv.Back(ctx); err != nil {
				t.Fatal(err)
			}
			if st.Question == nil || !st.Reviewing || !reflect.DeepEqual(st.Previous, all[st.Question.ID]) {
				t.Fatalf("%s/%s: back %d: %+v", e.ID, id, i, st)
			}
			if !reflect.DeepEqual(iv.Answers(), all) {
				t.Fatalf("%s/%s: going back changed the answers", e.ID, id)
			}
		}
		if st.Question.ID != e.Date {
			t.Fatalf("%s/%s: back ends at %s, not the date", e.ID, id, st.Question.ID)
		}
		// the same answers again go on through the answered questions to
		// the plan
		for i := 0; st.Question != nil; i++ {
			if i > len(all) {
				t.Fatalf("%s/%s: forward never ends", e.ID, id)
			}
			if st, err = iv.Answer(ctx, st.Question.ID, st.Previous); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(iv.Answers(), all) {
			t.Fatalf("%s/%s: answers lost on the way forward: %v, had %v", e.ID, id, iv.Answers(), all)
		}
		// back to the date, a date three days later, Forward to the plan:
		// every other answer kept
		for st.Question == nil || st.Question.ID != e.Date {
			if st, err = iv.Back(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if st, err = iv.Answer(ctx, e.Date, all[e.Date].(time.Time).AddDate(0, 0, 3)); err != nil {
			t.Fatalf("%s/%s: %v", e.ID, id, err)
		}
		if st, err = iv.Forward(); err != nil || st.Question != nil {
			t.Fatalf("%s/%s: forward: %+v %v", e.ID, id, st, err)
		}
		got := iv.Answers()
		for k, v := range all {
			if k != e.Date && !reflect.DeepEqual(got[k], v) {
				t.Errorf("%s/%s: %s lost after the date changed: %v", e.ID, id, k, got[k])
			}
		}
	})
	if cases == 0 {
		t.Fatal("no cases")
	}
}

// An answer to a question the earlier answers rule out is refused, naming
// it (no new job: its first day is not asked), and nothing is kept.
func TestInterviewRefusesWhatDoesNotApply(t *testing.T) {
	ctx := context.Background()
	e, _ := bundledCatalog(t).Event("job-change")
	drafts := &MemoryDrafts{}
	iv, err := StartInterview(ctx, e, Facts{Today: day(t, "2026-06-01")}, drafts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := iv.AnswerText(ctx, "leaving_date", "2026-05-31"); err != nil {
		t.Fatal(err)
	}
	if _, err := iv.AnswerText(ctx, "has_new_job", "no"); err != nil {
		t.Fatal(err)
	}
	before, _, _ := drafts.LoadAnswers(ctx, e.ID)
	_, err = iv.AnswerText(ctx, "first_day", "2026-06-01")
	if failure.CodeOf(err) != CodeNotAsked {
		t.Fatalf("first day without a new job: %v", err)
	}
	if after, _, _ := drafts.LoadAnswers(ctx, e.ID); string(after) != string(before) {
		t.Fatalf("a refused answer was kept: %s", after)
	}
}
