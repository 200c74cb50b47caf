package procedures

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"go.yaml.in/yaml/v4"

	"madoguchi/i18n/failure"
)

// Person is a known person, as conditions see them (me, household).
type Person struct {
	Name         string    `expr:"name" json:"name"`
	BirthDate    time.Time `expr:"birth_date" json:"birth_date"`
	Age          int       `expr:"age" json:"age"` // today
	Relationship string    `expr:"relationship" json:"relationship,omitempty"`
	HasCard      bool      `expr:"has_card" json:"has_card,omitempty"`
	HasSignCert  bool      `expr:"has_sign_cert" json:"has_sign_cert,omitempty"`
}

// ProfileFacts are what the municipality profile tells conditions.
type ProfileFacts struct {
	ID string `expr:"id" json:"id"`
	// ChildMedicalSubsidy: the municipality has a child medical subsidy.
	ChildMedicalSubsidy bool `expr:"child_medical_subsidy" json:"child_medical_subsidy"`
}

// Facts are what is known before asking: the resident (from the card and
// the residence record), their household, today, the municipality.
type Facts struct {
	Me        Person
	Household []Person // everyone registered at the address, the resident included
	Today     time.Time
	Profile   ProfileFacts
	// Attributes are the resident's known attributes for forms: name,
	// birth_date (YYYY-MM-DD), sex (ISO 5218 code), address,
	// household_head, household (names) — from the card or the residence
	// record, each with its source.
	Attributes map[string]Sourced
	// Known are answers already known by source (e.g. the address from the
	// residence record); questions with a Known expression read facts, this
	// carries values the app learnt otherwise.
	Known map[string]Sourced
}

// Sourced is a value with where it came from.
type Sourced struct {
	Value  any    `json:"value"`
	Source string `json:"source"` // card | residence-record | tax-certificate | employer | answer | profile
}

// Answers are the resident's answers by question id (typed: see
// ParseAnswers).
type Answers map[string]any

// State is where an interview stands: every value known so far (answers
// and facts, each with its source) and the next question to ask (nil when
// nothing more is needed).
type State struct {
	Values map[string]Sourced
	Next   *Question
	// Asked counts the questions the resident answers (not those the card
	// or the certificates answered).
	Asked, Skipped int
}

func (f Facts) env(e *Event, values map[string]Sourced) map[string]any {
	env := e.env()
	env["me"], env["household"], env["today"], env["profile"] = f.Me, f.Household, civil(f.Today), f.Profile
	if f.Household == nil {
		env["household"] = []Person{}
	}
	for id, v := range values {
		env[id] = v.Value
	}
	return env
}

// Resolve walks the questions in order: a question already answered keeps
// its answer; one whose ask_if does not hold is skipped; one whose value is
// known (Known expression or Facts.Known) is filled with its source; the
// first left is Next.
func (e *Event) Resolve(f Facts, a Answers) (*State, error) {
	st := &State{Values: map[string]Sourced{}}
	for i := range e.Questions {
		q := &e.Questions[i]
		env := f.env(e, st.Values)
		if q.askIf != nil {
			ok, err := expr.Run(q.askIf, env)
			if err != nil {
				return nil, &failure.Error{Code: CodeCatalog, Detail: e.ID + " " + q.ID + " ask_if", Err: err}
			}
			if !ok.(bool) {
				st.Skipped++
				continue
			}
		}
		if v, ok := a[q.ID]; ok {
			if !checkAnswerType(q, v) {
				return nil, failure.Newf(CodeAnswers, "%s: not a %s answer", q.ID, q.Type).With("Question", q.ID)
			}
			st.Values[q.ID] = Sourced{Value: v, Source: "answer"}
			st.Asked++
			continue
		}
		if k, ok := f.Known[q.ID]; ok && checkAnswerType(q, k.Value) {
			st.Values[q.ID] = k
			continue
		}
		if q.known != nil {
			v, err := expr.Run(q.known, env)
			if err != nil {
				return nil, &failure.Error{Code: CodeCatalog, Detail: e.ID + " " + q.ID + " known", Err: err}
			}
			if v, err := typeAnswer(q, v); err == nil && !isZero(v) {
				st.Values[q.ID] = Sourced{Value: v, Source: q.KnownSource}
				continue
			}
		}
		if q.Optional {
			continue
		}
		if st.Next == nil {
			st.Next = q
		}
		// later questions may depend on this one: stop here
		break
	}
	return st, nil
}

func isZero(v any) bool {
	switch x := v.(type) {
	case string:
		return x == ""
	case time.Time:
		return x.IsZero()
	case []string:
		return len(x) == 0
	}
	return false
}

// Item is one procedure in a plan.
type Item struct {
	Procedure *Procedure
	Deadline  *Deadline // nil when the procedure has none
	DaysLeft  int
}

// Plan is what the event means for the resident: the applicable procedures
// in the order to do them.
type Plan struct {
	Event *Event
	Items []Item
	State *State
}

// Plan computes the applicable procedures once every needed answer is
// known. Urgent ones come first, then by deadline; a procedure that must
// come before another (Before) is never placed after it.
func (e *Event) Plan(f Facts, a Answers, c *Calendar) (*Plan, error) {
	st, err := e.Resolve(f, a)
	if err != nil {
		return nil, err
	}
	if st.Next != nil {
		return nil, failure.Newf(CodeAnswers, "%s: no answer to %s", e.ID, st.Next.ID).With("Question", st.Next.ID)
	}
	env := f.env(e, st.Values)
	p := &Plan{Event: e, State: st}
	for i := range e.Procedures {
		pr := &e.Procedures[i]
		ok, err := expr.Run(pr.when, env)
		if err != nil {
			return nil, &failure.Error{Code: CodeCatalog, Detail: e.ID + " " + pr.ID + " when", Err: err}
		}
		if !ok.(bool) {
			continue
		}
		it := Item{Procedure: pr}
		if pr.Deadline != nil {
			from, _ := st.Values[pr.Deadline.From].Value.(time.Time)
			d, err := pr.Deadline.Compute(from, c)
			if err != nil {
				return nil, &failure.Error{Code: CodeAnswers, Detail: pr.ID, Err: err}
			}
			it.Deadline, it.DaysLeft = &d, d.DaysLeft(f.Today)
		}
		p.Items = append(p.Items, it)
	}
	order(p.Items)
	return p, nil
}

// order sorts items: urgent first, then by effective deadline (none last),
// then as the catalogue lists them; then moves any item before those it
// must precede.
func order(items []Item) {
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.Procedure.Urgent != b.Procedure.Urgent {
			return a.Procedure.Urgent
		}
		switch {
		case a.Deadline == nil || b.Deadline == nil:
			return a.Deadline != nil && b.Deadline == nil
		}
		return a.Deadline.Effective.Before(b.Deadline.Effective)
	})
	for changed, n := true, 0; changed && n < len(items)*len(items); n++ {
		changed = false
		for i := range items {
			for _, later := range items[i].Procedure.Before {
				for j := 0; j < i; j++ {
					if items[j].Procedure.ID == later {
						it := items[i]
						copy(items[j+1:i+1], items[j:i])
						items[j] = it
						changed = true
						break
					}
				}
			}
		}
	}
}

// ParseAnswers reads an answers file (YAML or JSON, keyed by question id;
// dates as YYYY-MM-DD) and types each answer by its question.
func (e *Event) ParseAnswers(data []byte) (Answers, error) {
	var raw map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, &failure.Error{Code: CodeAnswers, Detail: "not a YAML or JSON map of answers", Err: err}
	}
	out := Answers{}
	for id, v := range raw {
		q, ok := e.Question(id)
		if !ok {
			return nil, failure.Newf(CodeAnswers, "%s has no question %q", e.ID, id).With("Question", id)
		}
		typed, err := typeAnswer(q, v)
		if err != nil {
			return nil, failure.Newf(CodeAnswers, "%s: %v", id, err).With("Question", id)
		}
		out[id] = typed
	}
	return out, nil
}

func typeAnswer(q *Question, v any) (any, error) {
	switch q.Type {
	case TypeDate:
		switch x := v.(type) {
		case string:
			return Date(x)
		case time.Time: // YAML's own timestamps
			return civil(x), nil
		}
	case TypeYesNo:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case TypeNumber:
		switch x := v.(type) {
		case int:
			return x, nil
		case float64:
			if x == float64(int(x)) {
				return int(x), nil
			}
		}
	case TypePostal:
		s := strings.ReplaceAll(fmt.Sprint(v), "-", "")
		if checkAnswerType(q, s) {
			return s, nil
		}
		return nil, fmt.Errorf("not a 7-digit postal code")
	case TypeMembers:
		if l, ok := v.([]any); ok {
			out := []string{}
			for _, m := range l {
				s, ok := m.(string)
				if !ok {
					return nil, fmt.Errorf("members are names")
				}
				out = append(out, s)
			}
			return out, nil
		}
	default:
		if s, ok := v.(string); ok {
			if q.Type == TypeChoice && !checkAnswerType(q, s) {
				return nil, fmt.Errorf("not one of the choices")
			}
			return s, nil
		}
	}
	return nil, fmt.Errorf("not a %s answer", q.Type)
}
