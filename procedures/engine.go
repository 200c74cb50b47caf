package procedures

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"go.yaml.in/yaml/v4"

	"madoguchi/i18n"
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
	// City is the municipality's name as the postal table writes it
	// ("千代田区"; "" unknown): a move "within the same municipality" to a
	// postal code elsewhere is refused.
	City string `expr:"city" json:"city,omitempty"`
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
	// NotAsked are answers given to questions that do not apply (an
	// earlier answer or the record says so), each with why: a plan refuses
	// them; the interview drops them when an earlier answer changed.
	NotAsked []NotAsked
}

// NotAsked is an answer given where the question does not apply.
type NotAsked struct {
	Question *Question
	// Because are the answers and facts its ask_if read, with their
	// values and sources.
	Because map[string]Sourced
}

func (f Facts) env(e *Event, values map[string]Sourced) map[string]any {
	env := e.env()
	env["me"], env["household"], env["today"], env["profile"] = f.Me, f.Household, civil(f.Today), f.Profile
	env["household_known"], env["me_known"] = len(f.Household) > 0, f.Me.Name != "" || !f.Me.BirthDate.IsZero()
	if f.Household == nil {
		env["household"] = []Person{}
	}
	for id, v := range values {
		env[id] = v.Value
	}
	return env
}

// Resolve walks the questions in order: a question whose ask_if does not
// hold is skipped (an answer given to it is listed in NotAsked); one
// answered keeps its answer; one whose value is known (Known expression or
// Facts.Known) is filled with its source; the first left is Next. Dates
// that follow from an answer are added as soon as it is known.
func (e *Event) Resolve(f Facts, a Answers) (*State, error) {
	st := &State{Values: map[string]Sourced{}}
	set := func(id string, v Sourced) {
		st.Values[id] = v
		for _, d := range e.Dates {
			if d.From == id {
				if t, ok := v.Value.(time.Time); ok {
					st.Values[d.ID] = Sourced{Value: civil(t).AddDate(0, 0, d.Days), Source: "derived"}
				}
			}
		}
	}
	for i := range e.Questions {
		q := &e.Questions[i]
		env := f.env(e, st.Values)
		given, has := a[q.ID]
		if q.askIf != nil {
			ok, err := expr.Run(q.askIf, env)
			if err != nil {
				return nil, &failure.Error{Code: CodeCatalog, Detail: e.ID + " " + q.ID + " ask_if", Err: err}
			}
			if !ok.(bool) {
				st.Skipped++
				if has {
					st.NotAsked = append(st.NotAsked, NotAsked{Question: q, Because: e.because(q.AskIf, st.Values)})
				}
				continue
			}
		}
		if has {
			if err := checkAnswer(q, given); err != nil {
				return nil, err
			}
			set(q.ID, Sourced{Value: given, Source: "answer"})
			st.Asked++
			continue
		}
		if k, ok := f.Known[q.ID]; ok && checkAnswerType(q, k.Value) {
			set(q.ID, k)
			continue
		}
		if q.known != nil {
			v, err := expr.Run(q.known, env)
			if err != nil {
				return nil, &failure.Error{Code: CodeCatalog, Detail: e.ID + " " + q.ID + " known", Err: err}
			}
			if v != nil {
				if v, err := typeAnswer(q, v); err == nil && !isZero(v) {
					set(q.ID, Sourced{Value: v, Source: q.KnownSource})
					continue
				}
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

// because are the values an expression read (answers and derived dates).
func (e *Event) because(src string, values map[string]Sourced) map[string]Sourced {
	out := map[string]Sourced{}
	ids, _ := identifiers(src)
	for _, id := range ids {
		if v, ok := values[id]; ok {
			out[id] = v
		}
	}
	return out
}

// Refusal is the failure for an answer given where it does not apply:
// the question, and the answers and facts that made it not apply.
func (n NotAsked) Refusal(e *Event) error {
	ids := make([]string, 0, len(n.Because))
	for id := range n.Because {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	because := Text{}
	var why []string
	for _, id := range ids {
		why = append(why, fmt.Sprintf("%s = %v (%s)", id, wire(n.Because[id].Value), n.Because[id].Source))
	}
	for _, l := range textLanguages(n.Question.Text) {
		var parts []string
		for _, id := range ids {
			name := id
			if q, ok := e.Question(id); ok {
				name = q.Text.In(l)
			}
			parts = append(parts, fmt.Sprintf("“%s” %s", name, answerText(n.Because[id].Value, l)))
		}
		because[l] = strings.Join(parts, "; ")
	}
	return failure.Newf(CodeNotAsked, "%s: not asked because %s", n.Question.ID, strings.Join(why, ", ")).
		With("ID", n.Question.ID).With("Question", n.Question.Text).With("Because", because)
}

func textLanguages(t Text) []string {
	out := make([]string, 0, len(t))
	for l := range t {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

// answerText is a value as a short phrase for an explanation.
func answerText(v any, lang string) string {
	switch x := v.(type) {
	case bool:
		if x {
			return "= " + i18n.New(lang).T("life.yes")
		}
		return "= " + i18n.New(lang).T("life.no")
	case time.Time:
		return "= " + civil(x).Format(time.DateOnly)
	case []string:
		return "= " + strings.Join(x, ", ")
	}
	return fmt.Sprintf("= %v", v)
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
	// Channel is how it is done now: the procedure's, or the counter once
	// its online window has closed (AfterClose).
	Channel string
	// Window is where the online window stands today: "" (no window),
	// WindowOpen, WindowNotOpen (Deadline.Opens is in the future),
	// WindowClosed (done at the counter instead).
	Window string
	// Documents are the procedure's documents that apply to these answers.
	Documents []Document
	// Claimant is who claims, for a procedure the claimant files: "me" or
	// "partner" (the parent who mainly supports the household, as
	// answered); a partner's claim is theirs to file, not in this bundle.
	Claimant string
}

// Online windows.
const (
	WindowOpen    = "open"
	WindowNotOpen = "not-open"
	WindowClosed  = "closed"
)

// Plan is what the event means for the resident: the applicable procedures
// in the order to do them.
type Plan struct {
	Event *Event
	Items []Item
	State *State
	Today time.Time
}

// Plan computes the applicable procedures once every needed answer is
// known: a missing answer, an answer where the question does not apply
// and answers that contradict each other are refused, each naming the
// question. Urgent ones come first, then by deadline; a procedure that
// must come before another (Before) is never placed after it.
func (e *Event) Plan(f Facts, a Answers, c *Calendar) (*Plan, error) {
	st, err := e.Resolve(f, a)
	if err != nil {
		return nil, err
	}
	if len(st.NotAsked) > 0 {
		return nil, st.NotAsked[0].Refusal(e)
	}
	if q := st.Next; q != nil {
		return nil, failure.Newf(CodeMissing, "%s: no answer to %s", e.ID, q.ID).With("ID", q.ID).With("Question", q.Text).
			With("Expected", i18n.Key("answer.expect."+q.Type))
	}
	env := f.env(e, st.Values)
	for _, ch := range e.Checks {
		bad, err := expr.Run(ch.prog, env)
		if err != nil {
			return nil, &failure.Error{Code: CodeCatalog, Detail: e.ID + " check " + ch.ID, Err: err}
		}
		if bad.(bool) {
			q, _ := e.Question(ch.Question)
			return nil, failure.Newf(CodeConflict, "%s: %s", ch.ID, ch.Text.In("en")).With("ID", q.ID).With("Question", q.Text).With("Reason", ch.Text)
		}
	}
	today := civil(f.Today)
	p := &Plan{Event: e, State: st, Today: today}
	for i := range e.Procedures {
		pr := &e.Procedures[i]
		ok, err := expr.Run(pr.when, env)
		if err != nil {
			return nil, &failure.Error{Code: CodeCatalog, Detail: e.ID + " " + pr.ID + " when", Err: err}
		}
		if !ok.(bool) {
			continue
		}
		it := Item{Procedure: pr, Channel: pr.Channel}
		if pr.Filer == "claimant" {
			it.Claimant, _ = st.Values["allowance_claimant"].Value.(string)
			if it.Claimant == "partner" && pr.Channel == ChannelBundle {
				// the claimant files their own claim, with their own card
				it.Channel = ChannelOther
			}
		}
		for _, d := range pr.Documents {
			if d.when != nil {
				if ok, err := expr.Run(d.when, env); err != nil || !ok.(bool) {
					continue
				}
			}
			it.Documents = append(it.Documents, d)
		}
		if pr.Deadline != nil {
			from, _ := st.Values[pr.Deadline.From].Value.(time.Time)
			d, err := pr.Deadline.Compute(from, c, pr.Office)
			if err != nil {
				return nil, &failure.Error{Code: CodeAnswers, Detail: pr.ID, Err: err}
			}
			if pr.Limit != nil {
				from, _ := st.Values[pr.Limit.From].Value.(time.Time)
				if l, err := pr.Limit.Compute(from, c, pr.Office); err == nil {
					d.Limit = l.Legal
				}
			}
			it.Deadline, it.DaysLeft = &d, d.DaysLeft(today)
			if !d.Opens.IsZero() && it.Channel == ChannelBundle {
				switch {
				case today.Before(d.Opens):
					it.Window = WindowNotOpen
				case pr.AfterClose != "" && today.After(d.Effective):
					it.Window, it.Channel = WindowClosed, pr.AfterClose
				default:
					it.Window = WindowOpen
				}
			}
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

// MaxAnswersSize is the largest answers file read (a household's answers
// are a few hundred bytes).
const MaxAnswersSize = 64 << 10

// Limits of an answer.
const (
	MaxText    = 200 // runes in a text answer (an address line, a name)
	MaxMembers = 20  // people in a members answer
	MaxName    = 100 // runes in one name
)

// ParseAnswers reads an answers file (YAML or JSON, keyed by question id;
// dates as YYYY-MM-DD, 2026/4/1, 令和8年4月1日 or with full-width digits)
// and types each answer by its question. An empty or oversized file, a
// question the event does not ask and an answer of the wrong form are
// refused, each naming what is wrong and the form expected.
func (e *Event) ParseAnswers(data []byte) (Answers, error) {
	if len(data) > MaxAnswersSize {
		return nil, failure.Newf(CodeUnreadable, "answers: %d bytes, over %d", len(data), MaxAnswersSize).
			With("Reason", i18n.Key("answers.too_large"))
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, failure.New(CodeUnreadable, "answers: empty").With("Reason", i18n.Key("answers.empty"))
	}
	var raw map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, (&failure.Error{Code: CodeUnreadable, Detail: "not a YAML or JSON map of answers", Err: err}).
			With("Reason", i18n.Key("answers.not_a_map"))
	}
	out := Answers{}
	for id, v := range raw {
		q, ok := e.Question(id)
		if !ok {
			return nil, failure.Newf(CodeUnknownQ, "%s has no question %q", e.ID, id).With("ID", id).
				With("Valid", strings.Join(e.questionIDs(), ", ")).With("Event", e.Name)
		}
		typed, err := typeAnswer(q, v)
		if err != nil {
			return nil, failure.Newf(CodeAnswers, "%s: %v", id, err).With("ID", id).With("Question", q.Text).
				With("Expected", i18n.Key("answer.expect."+q.Type))
		}
		if err := checkAnswer(q, typed); err != nil {
			return nil, err
		}
		out[id] = typed
	}
	return out, nil
}

func (e *Event) questionIDs() []string {
	var ids []string
	for _, q := range e.Questions {
		ids = append(ids, q.ID)
	}
	return ids
}

// checkAnswer checks an answer's type and bounds.
func checkAnswer(q *Question, v any) error {
	refuse := func(why string) error {
		return failure.Newf(CodeAnswers, "%s: %s", q.ID, why).With("ID", q.ID).With("Question", q.Text).
			With("Expected", i18n.Key("answer.expect."+q.Type))
	}
	if !checkAnswerType(q, v) {
		return refuse("not a " + q.Type + " answer")
	}
	switch x := v.(type) {
	case string:
		if n := utf8.RuneCountInString(x); n > MaxText {
			return refuse(fmt.Sprintf("%d characters, at most %d", n, MaxText))
		}
		if q.Type == TypeText && strings.TrimSpace(x) == "" {
			return refuse("empty")
		}
	case []string:
		if len(x) > MaxMembers {
			return refuse(fmt.Sprintf("%d people, at most %d", len(x), MaxMembers))
		}
		for _, n := range x {
			if strings.TrimSpace(n) == "" || utf8.RuneCountInString(n) > MaxName {
				return refuse("a name is empty or too long")
			}
		}
	case time.Time:
		if x.Year() < 1900 || x.Year() > 2200 {
			return refuse("a date out of range")
		}
	}
	return nil
}

func typeAnswer(q *Question, v any) (any, error) {
	switch q.Type {
	case TypeDate:
		switch x := v.(type) {
		case string:
			return i18n.ParseDate(x)
		case time.Time: // YAML's own timestamps: a day, not a moment
			if h, m, s := x.Clock(); h != 0 || m != 0 || s != 0 || x.Nanosecond() != 0 {
				return nil, fmt.Errorf("a timestamp, not a date")
			}
			return time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, i18n.JST), nil
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
		s := i18n.Digits(fmt.Sprint(v))
		if checkAnswerType(q, s) {
			return s, nil
		}
		return nil, fmt.Errorf("not a 7-digit postal code")
	case TypeMembers:
		switch l := v.(type) {
		case []any:
			out := []string{}
			for _, m := range l {
				s, ok := m.(string)
				if !ok {
					return nil, fmt.Errorf("members are names")
				}
				out = append(out, strings.TrimSpace(s))
			}
			return out, nil
		case []string:
			return l, nil
		}
	default:
		if s, ok := v.(string); ok {
			if q.Type == TypeChoice && !checkAnswerType(q, s) {
				return nil, fmt.Errorf("not one of the choices")
			}
			return strings.TrimSpace(s), nil
		}
	}
	return nil, fmt.Errorf("not a %s answer", q.Type)
}
