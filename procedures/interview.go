package procedures

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"madoguchi/i18n"
	"madoguchi/i18n/failure"
)

// Drafts is where an interview keeps its answers as they are given: the
// account's sealed drafts when signed in (account implements it), memory
// otherwise (MemoryDrafts). Answers travel in the answers-file format
// (EncodeAnswers), which ParseAnswers reads back.
type Drafts interface {
	// LoadAnswers returns the event's answers so far (nil: none) and when
	// they were kept.
	LoadAnswers(ctx context.Context, event string) (answers []byte, saved time.Time, err error)
	// KeepAnswers keeps them and says when (zero: not kept beyond this
	// process — signed out).
	KeepAnswers(ctx context.Context, event string, answers []byte) (saved time.Time, err error)
}

// Interview is one life event's interview: the questions in order, each
// skipped when an earlier answer or a known fact settles it, the answers
// kept in the drafts as they are given (read once when it starts, written
// once per answer). The window and the terminal both drive it; a new
// Interview over the same drafts resumes where the last one stopped.
type Interview struct {
	Event *Event
	Facts Facts

	drafts  Drafts
	mu      sync.Mutex
	answers Answers
	saved   time.Time
	// at is the answered question Back went back to (""): it is asked
	// again with its answer offered, and every answer stays kept — going
	// back to the date to correct it loses nothing after it.
	at string
}

// Step is where the interview stands.
type Step struct {
	// Question is the next question (nil: every needed answer is known —
	// the plan follows).
	Question *Question
	// Previous is the answer given before to Question (after Back): it
	// is kept until another is given.
	Previous any
	// Reviewing: Question was answered before (Back went to it); the
	// answers after it are kept, and Forward goes on to the first question
	// not answered yet (or the plan).
	Reviewing bool
	// Choices of a members question: the household's names (none known:
	// the names are typed).
	Members []string
	// Answered counts the questions the person answered, Known the
	// answers the card or the certificates gave.
	Answered, Known int
	// Saved is when the answers were last kept (zero: not kept).
	Saved time.Time
}

// StartInterview opens the event's interview over the drafts (the answers
// given so far are read once).
func StartInterview(ctx context.Context, e *Event, f Facts, d Drafts) (*Interview, error) {
	iv := &Interview{Event: e, Facts: f, drafts: d, answers: Answers{}}
	data, saved, err := d.LoadAnswers(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	if len(data) > 0 {
		if iv.answers, err = e.ParseAnswers(data); err != nil {
			return nil, err
		}
	}
	iv.saved = saved
	return iv, nil
}

// Answers are the answers given so far (a copy).
func (iv *Interview) Answers() Answers {
	iv.mu.Lock()
	defer iv.mu.Unlock()
	out := Answers{}
	for k, v := range iv.answers {
		out[k] = v
	}
	return out
}

// Step is the next question, or none when the plan can be made.
func (iv *Interview) Step() (Step, error) {
	iv.mu.Lock()
	defer iv.mu.Unlock()
	return iv.step()
}

func (iv *Interview) step() (Step, error) {
	st, err := iv.Event.Resolve(iv.Facts, iv.answers)
	if err != nil {
		return Step{}, err
	}
	out := Step{Question: st.Next, Answered: st.Asked, Saved: iv.saved}
	for _, v := range st.Values {
		if v.Source != "answer" {
			out.Known++
		}
	}
	if iv.at != "" {
		if v, ok := st.Values[iv.at]; ok && v.Source == "answer" {
			out.Question, _ = iv.Event.Question(iv.at)
			out.Previous, out.Reviewing = v.Value, true
		} else {
			iv.at = "" // no longer asked: on to the next
		}
	}
	if out.Question != nil {
		if out.Question.Type == TypeMembers {
			for _, p := range iv.Facts.Household {
				out.Members = append(out.Members, p.Name)
			}
		}
	}
	return out, nil
}

// Answer gives the answer to a question (the one asked, or one answered
// before, to change it): typed and checked as the answers file is, then
// kept. Answers an earlier change made irrelevant are dropped, not kept
// to be refused later.
func (iv *Interview) Answer(ctx context.Context, id string, value any) (Step, error) {
	iv.mu.Lock()
	defer iv.mu.Unlock()
	q, ok := iv.Event.Question(id)
	if !ok {
		return Step{}, failure.Newf(CodeUnknownQ, "%s has no question %q", iv.Event.ID, id).With("ID", id).
			With("Valid", strings.Join(iv.Event.questionIDs(), ", ")).With("Event", iv.Event.Name)
	}
	typed, err := typeAnswer(q, value)
	if err != nil {
		return Step{}, failure.Newf(CodeAnswers, "%s: %v", id, err).With("ID", id).With("Question", q.Text).
			With("Expected", i18n.Key("answer.expect."+q.Type))
	}
	if err := checkAnswer(q, typed); err != nil {
		return Step{}, err
	}
	next := Answers{}
	for k, v := range iv.answers {
		next[k] = v
	}
	next[id] = typed
	st, err := iv.Event.Resolve(iv.Facts, next)
	if err != nil {
		return Step{}, err
	}
	for _, n := range st.NotAsked {
		if n.Question.ID == id {
			// an answer to a question that does not apply: refused, with why
			return Step{}, n.Refusal(iv.Event)
		}
		delete(next, n.Question.ID)
	}
	if err := iv.keep(ctx, next); err != nil {
		return Step{}, err
	}
	if iv.at != "" {
		// reviewing: on to the next answered question after this one, up
		// to the first one not answered yet
		iv.at = iv.answeredAfter(st, id)
	}
	return iv.step()
}

// answeredAfter is the first question after id (in the event's order)
// the person answered, before the first one not answered yet ("": none).
func (iv *Interview) answeredAfter(st *State, id string) string {
	after := false
	for _, q := range iv.Event.Questions {
		if q.ID == id {
			after = true
			continue
		}
		if !after {
			continue
		}
		if st.Next != nil && q.ID == st.Next.ID {
			return ""
		}
		if v, ok := st.Values[q.ID]; ok && v.Source == "answer" {
			return q.ID
		}
	}
	return ""
}

// Forward ends a review: on to the first question not answered yet, or
// the plan, every answer kept.
func (iv *Interview) Forward() (Step, error) {
	iv.mu.Lock()
	defer iv.mu.Unlock()
	iv.at = ""
	return iv.step()
}

// AnswerText gives an answer as a person types it in a terminal: a date
// in any form ParseDate reads, yes/no (はい/いいえ, y/n), a choice by its
// number, id or text, a number in any digits, members by number or name
// separated by commas.
func (iv *Interview) AnswerText(ctx context.Context, id, text string) (Step, error) {
	q, ok := iv.Event.Question(id)
	if !ok {
		return iv.Answer(ctx, id, text) // refused there, with the valid ids
	}
	v, err := iv.fromText(q, strings.TrimSpace(text))
	if err != nil {
		return Step{}, failure.Newf(CodeAnswers, "%s: %v", id, err).With("ID", id).With("Question", q.Text).
			With("Expected", i18n.Key("answer.expect."+q.Type))
	}
	return iv.Answer(ctx, id, v)
}

var (
	yesWords = []string{"y", "yes", "はい", "1", "true", "có", "co", "oo", "sim", "是", "네", "예"}
	noWords  = []string{"n", "no", "いいえ", "2", "false", "không", "khong", "hindi", "não", "nao", "否", "아니요", "아니오"}
)

func (iv *Interview) fromText(q *Question, s string) (any, error) {
	var household []string
	for _, m := range iv.Facts.Household {
		household = append(household, m.Name)
	}
	return parseText(q, s, household)
}

// ParseText reads an answer to question id as a person types it (the
// window's answer box, like the terminal: AnswerText), typed and checked:
// a date in any form ParseDate reads, a number or postal code in any
// digits. The error says why it is not an answer.
func (e *Event) ParseText(id, text string) (any, error) {
	q, ok := e.Question(id)
	if !ok {
		return nil, fmt.Errorf("no question %q", id)
	}
	v, err := parseText(q, strings.TrimSpace(text), nil)
	if err != nil {
		return nil, err
	}
	if v, err = typeAnswer(q, v); err != nil {
		return nil, err
	}
	if err := checkAnswer(q, v); err != nil {
		return nil, err
	}
	return v, nil
}

// parseText is the answer s means; members may be named by their number
// in household (1 = the first).
func parseText(q *Question, s string, household []string) (any, error) {
	low := strings.ToLower(i18n.Digits(s))
	switch q.Type {
	case TypeYesNo:
		for _, w := range yesWords {
			if low == w {
				return true, nil
			}
		}
		for _, w := range noWords {
			if low == w {
				return false, nil
			}
		}
		return nil, fmt.Errorf("not yes or no")
	case TypeChoice:
		if n, err := strconv.Atoi(low); err == nil && n >= 1 && n <= len(q.Choices) {
			return q.Choices[n-1].ID, nil
		}
		for _, c := range q.Choices {
			if low == strings.ToLower(c.ID) {
				return c.ID, nil
			}
			for _, t := range c.Text {
				if s == t {
					return c.ID, nil
				}
			}
		}
		return nil, fmt.Errorf("not one of the choices")
	case TypeNumber:
		n, err := strconv.Atoi(low)
		if err != nil {
			return nil, fmt.Errorf("not a whole number")
		}
		return n, nil
	case TypeMembers:
		var names []string
		for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '、' || r == '，' || r == ';' }) {
			part = strings.TrimSpace(part)
			if n, err := strconv.Atoi(i18n.Digits(part)); err == nil && n >= 1 && n <= len(household) {
				part = household[n-1]
			}
			if part != "" {
				names = append(names, part)
			}
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("no names")
		}
		return names, nil
	}
	return s, nil // dates, postal codes, text: typed by typeAnswer
}

// Back goes to the answer given before the question now asked (from the
// plan: the last one), offering it again. Nothing is forgotten: the
// answers after it stay kept, and answering it goes on through them
// (Forward skips to the end). Only an answer that a changed earlier one
// rules out is dropped.
func (iv *Interview) Back(ctx context.Context) (Step, error) {
	iv.mu.Lock()
	defer iv.mu.Unlock()
	st, err := iv.Event.Resolve(iv.Facts, iv.answers)
	if err != nil {
		return Step{}, err
	}
	stop := iv.at // go to the answered question before this one
	if stop == "" && st.Next != nil {
		stop = st.Next.ID
	}
	target := ""
	for _, q := range iv.Event.Questions {
		if q.ID == stop {
			break
		}
		if v, ok := st.Values[q.ID]; ok && v.Source == "answer" {
			target = q.ID
		}
	}
	if target != "" {
		iv.at = target
	}
	return iv.step()
}

// keep writes the answers to the drafts and, once kept, holds them.
func (iv *Interview) keep(ctx context.Context, a Answers) error {
	data, err := iv.Event.EncodeAnswers(a)
	if err != nil {
		return err
	}
	saved, err := iv.drafts.KeepAnswers(ctx, iv.Event.ID, data)
	if err != nil {
		return err
	}
	iv.answers, iv.saved = a, saved
	return nil
}

// MemoryDrafts keeps answers in this process only (signed out: nothing is
// written anywhere).
type MemoryDrafts struct {
	mu sync.Mutex
	m  map[string][]byte
}

// LoadAnswers implements Drafts.
func (d *MemoryDrafts) LoadAnswers(_ context.Context, event string) ([]byte, time.Time, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.m[event], time.Time{}, nil
}

// KeepAnswers implements Drafts (never kept beyond the process: zero time).
func (d *MemoryDrafts) KeepAnswers(_ context.Context, event string, answers []byte) (time.Time, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil {
		d.m = map[string][]byte{}
	}
	d.m[event] = answers
	return time.Time{}, nil
}

// Forget drops every answer kept (sign-out, a kiosk session's end).
func (d *MemoryDrafts) Forget() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.m = nil
}
