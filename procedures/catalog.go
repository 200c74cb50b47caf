package procedures

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v4"

	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/procedures/postal"
)

// Text is a text in every shipped language (language tag → text).
type Text map[string]string

// In is the text in lang, matched as the messages are (en-US → en,
// zh-CN → zh-Hans) and falling back as they do (Easy Japanese to
// Japanese; any other language to English, then Japanese). A municipality
// profile's own texts may be in Japanese only.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	for _, l := range i18n.Fallbacks(i18n.Match(lang)) {
		if s, ok := t[l]; ok && s != "" {
			return s
		}
	}
	for _, s := range t {
		return s
	}
	return ""
}

// Counter is the text in lang with the Japanese beside it when lang is
// not Japanese ("Moving-out notice (転出届)"): the name a resident shows
// or says at the counter. Easy Japanese keeps it too when its name is
// not the official one (「オンラインで出す転出届」 (転出届（オンライン）)).
func (t Text) Counter(lang string) string {
	s := t.In(lang)
	if ja := t["ja"]; ja != "" && ja != s && i18n.Match(lang) != "ja" {
		return s + " (" + ja + ")"
	}
	return s
}

// Texts are texts said as one list ("A, B and C" is written "A, B, C"):
// in a language, joined by its list separator.
type Texts []Text

// In is the list in lang.
func (ts Texts) In(lang string) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.In(lang)
	}
	return strings.Join(parts, i18n.New(lang).T("list.separator"))
}

// Question types.
const (
	TypeDate    = "date"    // YYYY-MM-DD
	TypeYesNo   = "yesno"   // true / false
	TypeChoice  = "choice"  // one of Choices
	TypeNumber  = "number"  // a whole number
	TypePostal  = "postal"  // a 7-digit postal code (the address follows from it)
	TypeText    = "text"    // free text (an address line, a name)
	TypeMembers = "members" // who, among the household
)

// Channels: how a procedure is done.
const (
	ChannelBundle  = "bundle"  // online, in the one signed bundle Madoguchi files
	ChannelCounter = "counter" // a visit: a checklist item (where, hours, what to bring)
	ChannelOnline  = "online"  // online elsewhere (a link)
	ChannelOther   = "other"   // handled by someone else (employer, school, automatic)
)

// Event is one life event: the questions it asks and the procedures it may
// trigger.
type Event struct {
	ID string `json:"id"`
	// Order places the event on the home screen (most common first).
	Order int  `json:"order,omitempty"`
	Name  Text `json:"name"`
	Help  Text `json:"help"`
	// Date is the question whose answer is the event's date (deadlines
	// count from it unless a rule names another).
	Date      string     `json:"date"`
	Questions []Question `json:"questions"`
	// Dates are dates that follow from an answer by law (the day coverage
	// is lost is the day after the leaving date); forms and deadlines use
	// them by id like date answers.
	Dates []DerivedDate `json:"dates,omitempty"`
	// Checks are rules across answers: when one holds, the answers are
	// refused, naming the answer to correct and why.
	Checks     []Check     `json:"checks,omitempty"`
	Procedures []Procedure `json:"procedures"`
}

// DerivedDate is a date that follows from a date answer: From plus Days.
type DerivedDate struct {
	ID   string `json:"id"`
	From string `json:"from"`
	Days int    `json:"days"`
	// Meaning is what the date is in law (DateMeanings).
	Meaning string `json:"meaning"`
	Basis   Text   `json:"basis"`
}

// Check is a rule across answers (a new job that starts before the old one
// ends): when If holds, the answers are refused with Text, naming Question.
type Check struct {
	ID       string `json:"id"`
	If       string `json:"if"`
	Question string `json:"question"`
	Text     Text   `json:"text"`

	prog *vm.Program
}

// DateMeanings are the meanings a date on a form may have: every date an
// input carries names one, so nobody files the last working day as the
// day coverage is lost.
var DateMeanings = []string{
	"move-date",        // the day one starts living at the new address (転入・転居をした日)
	"move-out-date",    // the day one leaves the old address (転出予定日 / 転出日)
	"leaving-date",     // the last day of employment (退職日), not the last day worked
	"loss-date",        // the day coverage is lost (資格喪失日): the day after the leaving date
	"acquisition-date", // the day coverage begins at a new employer (資格取得日): the first day of work
	"birth-date",       // the day a child was born (or is due)
	"wanted-from",      // the first day a service is wanted (daycare)
	"first-school-day", // the first day at the new school
	"last-working-day", // the last day actually worked (最終出勤日)
}

// Question is asked one at a time, only while relevant.
type Question struct {
	ID      string   `json:"id"`
	Type    string   `json:"type"`
	Text    Text     `json:"text"`
	Help    Text     `json:"help,omitempty"`
	Choices []Choice `json:"choices,omitempty"`
	// AskIf: asked only when this holds (over facts and earlier answers).
	AskIf string `json:"ask_if,omitempty"`
	// Known: an expression giving the answer from what is already known
	// (the card, the residence record, the profile); when it yields a value
	// the question is not asked and the answer shows its source.
	Known       string `json:"known,omitempty"`
	KnownSource string `json:"known_source,omitempty"` // card | residence-record | tax-certificate | employer | profile
	Optional    bool   `json:"optional,omitempty"`

	askIf, known *vm.Program
}

// Choice is one answer of a choice question.
type Choice struct {
	ID   string `json:"id"`
	Text Text   `json:"text"`
}

// Procedure is one thing to do because of the event.
type Procedure struct {
	ID   string `json:"id"`
	Name Text   `json:"name"`
	// Why is the plain-language reason it applies ("because you move to
	// another city").
	Why          Text   `json:"why"`
	LostIfMissed Text   `json:"lost_if_missed,omitempty"`
	Basis        Text   `json:"basis"` // legal basis or source note
	Office       string `json:"office"`
	Channel      string `json:"channel"`
	When         string `json:"when"` // condition over answers (facts come in through questions with a known expression)
	Deadline     *Rule  `json:"deadline,omitempty"`
	// Limit is a hard limit beside the deadline that no closed day moves
	// (the card's validity 90 days after the planned move-out); LimitWhy
	// says what is lost.
	Limit    *Rule `json:"limit,omitempty"`
	LimitWhy Text  `json:"limit_why,omitempty"`
	// AfterClose: once the online window (Deadline.Opens to the effective
	// deadline) has closed, the procedure is done at the office's counter
	// ("counter"), not online.
	AfterClose string `json:"after_close,omitempty"`
	// Filer says who files: self (the person), household (the person or a
	// member of the household, for all who move), each-holder (each card
	// holder, a child's by the legal representative), legal-representative
	// (a parent, for a child), claimant (the parent who mainly supports the
	// household, as answered), employer, none (nothing to file: handled
	// for the person).
	Filer string `json:"filer"`
	// Attend says who must go in person: "" (nobody), filer, each-holder.
	Attend string `json:"attend,omitempty"`
	// Proxy says what someone acting for the filer needs: grant (a
	// registered proxy's grant, for what the bundle files), letter (a
	// letter of authorisation, 委任状, signed by the filer), none (nobody
	// can do it for them), "" (the default for the channel).
	Proxy     string     `json:"proxy,omitempty"`
	Secrets   []string   `json:"secrets,omitempty"`
	Documents []Document `json:"documents,omitempty"`
	Inputs    []Input    `json:"inputs,omitempty"`
	// Urgent procedures are shown first (the 15-day rule, the card's 90 days).
	Urgent bool `json:"urgent,omitempty"`
	// OwnSignature: the law has the person sign it themselves (a claim of
	// their own entitlement); a registered proxy may prepare it but not
	// file it with their signature.
	OwnSignature bool `json:"own_signature,omitempty"`
	// Before lists procedures that must come after this one (the online
	// moving-out notice is signed before the move-in revokes the signature
	// certificate).
	Before []string `json:"before,omitempty"`

	when *vm.Program
}

// Document is what a procedure needs: a certificate from the wallet, or an
// item to bring.
type Document struct {
	Certificate string `json:"certificate,omitempty"` // residence | tax | attributes | employment | withholding
	// Fields are what an online procedure discloses of the certificate
	// (attached to the bundle as a presentation); nothing else is shown.
	Fields []string `json:"fields,omitempty"`
	// To is the recipient (a profile recipient id) the certificate is
	// presented to by the person, outside the bundle (a new employer).
	To    string `json:"to,omitempty"`
	Bring Text   `json:"bring,omitempty"`
	// When: the document is needed only when this holds (over answers),
	// e.g. the residence card of a foreign resident.
	When string `json:"when,omitempty"`

	when *vm.Program
}

// Input is a field of a procedure's form and where its value comes from.
type Input struct {
	ID     string `json:"id"`
	Source string `json:"source"` // card | residence-record | tax-certificate | employer | answer:<question> | typed
	// From names the known attribute for card and residence-record inputs
	// (default: the input's id).
	From string `json:"from,omitempty"`
	// Meaning is what a date input's date is in law (DateMeanings):
	// required for every input that carries a date.
	Meaning string `json:"meaning,omitempty"`
}

// Catalog is the set of life events.
type Catalog struct {
	Events []*Event
}

// Event returns the event with the id.
func (c *Catalog) Event(id string) (*Event, bool) {
	for _, e := range c.Events {
		if e.ID == id {
			return e, true
		}
	}
	return nil, false
}

// Codes of the catalogue.
const (
	CodeCatalog      failure.Code = "CATALOG-INVALID"    // a catalogue file is malformed (a defect of the build or the profile)
	CodeUnknownEvent failure.Code = "EVENT-UNKNOWN"      // no life event of that id
	CodeAnswers      failure.Code = "ANSWERS-INVALID"    // an answer is of the wrong form
	CodeMissing      failure.Code = "ANSWER-MISSING"     // a question the plan needs has no answer yet
	CodeUnknownQ     failure.Code = "ANSWER-UNKNOWN"     // an answer to a question the event does not ask
	CodeNotAsked     failure.Code = "ANSWER-NOT-ASKED"   // an answer given where the other answers or the record say the question does not apply
	CodeConflict     failure.Code = "ANSWERS-CONFLICT"   // answers that cannot all be true
	CodeUnreadable   failure.Code = "ANSWERS-UNREADABLE" // the answers file is empty, too large, not YAML/JSON, or not a map
	CodeNotOpenYet   failure.Code = "PROCEDURE-NOT-OPEN" // filing online before the procedure's window opens
	CodeFieldToType  failure.Code = "FORM-FIELD-MISSING" // a form's field nobody knew has not been typed
	CodeFieldInvalid failure.Code = "FORM-FIELD-INVALID" // a typed field cannot be what it is (a phone number of 5 digits)
	CodeAtCounter    failure.Code = "CHANGE-AT-COUNTER"  // a change to a filing the municipality has completed (or whose window closed): made at the counter, nothing sent
)

// Codes lists the engine's failure codes.
var Codes = failure.Register("procedures", CodeCatalog, CodeUnknownEvent, CodeAnswers, CodeMissing, CodeUnknownQ,
	CodeNotAsked, CodeConflict, CodeUnreadable, CodeNotOpenYet, CodeFieldToType, CodeAtCounter)

//go:embed catalog/*.yaml catalog/lang/*.yaml catalog/schema.json
var bundled embed.FS

// Bundled loads the catalogue shipped with the app.
func Bundled(languages []string) (*Catalog, error) {
	sub, _ := fs.Sub(bundled, "catalog")
	return Load(sub, languages)
}

// Load reads every *.yaml event in fsys, checks it against the JSON Schema
// and every shipped language, and compiles its conditions: a typo in a
// catalogue file fails here (and in CI), never in front of a resident.
func Load(fsys fs.FS, languages []string) (*Catalog, error) {
	sch, err := schema()
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil || len(names) == 0 {
		return nil, failure.New(CodeCatalog, "no event files")
	}
	sort.Strings(names)
	c := &Catalog{}
	files := map[string]string{} // event id → its file
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, &failure.Error{Code: CodeCatalog, Detail: name, Err: err}
		}
		e, err := ParseEvent(b, sch, nil)
		if err != nil {
			if f, ok := failure.As(err); ok {
				f.Detail = path.Base(name) + ": " + f.Detail
			}
			return nil, err
		}
		if _, dup := c.Event(e.ID); dup {
			return nil, failure.Newf(CodeCatalog, "%s: event %s defined twice", name, e.ID)
		}
		c.Events = append(c.Events, e)
		files[e.ID] = path.Base(name)
	}
	if err := c.translate(fsys); err != nil {
		return nil, err
	}
	for _, e := range c.Events {
		if err := e.checkTexts(languages); err != nil {
			if f, ok := failure.As(err); ok {
				f.Detail = files[e.ID] + ": " + f.Detail
			}
			return nil, err
		}
	}
	sort.SliceStable(c.Events, func(i, j int) bool { return c.Events[i].Order < c.Events[j].Order })
	return c, nil
}

//go:embed catalog/schema.json
var schemaJSON []byte

func schema() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
	if err != nil {
		return nil, &failure.Error{Code: CodeCatalog, Detail: "schema", Err: err}
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", doc); err != nil {
		return nil, &failure.Error{Code: CodeCatalog, Detail: "schema", Err: err}
	}
	s, err := c.Compile("schema.json")
	if err != nil {
		return nil, &failure.Error{Code: CodeCatalog, Detail: "schema", Err: err}
	}
	return s, nil
}

// ParseEvent reads one event file (YAML), validates it and compiles it.
func ParseEvent(data []byte, sch *jsonschema.Schema, languages []string) (*Event, error) {
	var raw any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, &failure.Error{Code: CodeCatalog, Detail: "YAML", Err: err}
	}
	// through JSON: the schema and the struct see the same plain values
	js, err := json.Marshal(raw)
	if err != nil {
		return nil, &failure.Error{Code: CodeCatalog, Detail: "not a JSON-compatible document", Err: err}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return nil, &failure.Error{Code: CodeCatalog, Err: err}
	}
	if sch != nil {
		if err := sch.Validate(inst); err != nil {
			return nil, &failure.Error{Code: CodeCatalog, Detail: "schema", Err: err}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	var e Event
	if err := dec.Decode(&e); err != nil {
		return nil, &failure.Error{Code: CodeCatalog, Err: err}
	}
	if err := e.compile(languages); err != nil {
		return nil, err
	}
	return &e, nil
}

// compile checks references and languages and compiles every expression
// against the event's typed environment. Conditions (ask_if, when, checks)
// read answers only: a fact about the person (their age, their household,
// their card) comes in through a question whose known expression reads it,
// so that a fact nobody knows is asked, never assumed.
func (e *Event) compile(languages []string) error {
	bad := func(format string, a ...any) error { return failure.Newf(CodeCatalog, e.ID+": "+format, a...) }
	seen := map[string]bool{}
	order := map[string]int{} // question id → position
	for i, q := range e.Questions {
		if seen[q.ID] || reservedFacts[q.ID] {
			return bad("question %s defined twice or named like a fact", q.ID)
		}
		seen[q.ID] = true
		order[q.ID] = i
		if (q.Type == TypeChoice) != (len(q.Choices) > 0) {
			return bad("question %s: choices go with type choice only", q.ID)
		}
	}
	if q, ok := e.Question(e.Date); !ok || q.Type != TypeDate {
		return bad("the event date %q is not a date question", e.Date)
	}
	for _, d := range e.Dates {
		if seen[d.ID] || reservedFacts[d.ID] {
			return bad("date %s named like a question or a fact", d.ID)
		}
		if q, ok := e.Question(d.From); !ok || q.Type != TypeDate {
			return bad("date %s: from %q, not a date question", d.ID, d.From)
		}
		if !slices.Contains(DateMeanings, d.Meaning) {
			return bad("date %s: meaning %q unknown", d.ID, d.Meaning)
		}
		seen[d.ID] = true
		order[d.ID] = order[d.From]
	}
	env := e.env()
	// answersOnly: what a condition may read; earlier: only what is
	// resolved before it (questions are asked in order)
	refs := func(what, src string, pos int, factsToo bool) error {
		ids, err := identifiers(src)
		if err != nil {
			return bad("%s: %v", what, err)
		}
		for _, id := range ids {
			switch {
			case id == "profile" || id == "today":
			case reservedFacts[id]:
				if !factsToo {
					return bad("%s reads %s: a condition reads answers; give the fact a question with a known expression", what, id)
				}
			case seen[id]:
				if pos >= 0 && order[id] >= pos {
					return bad("%s reads %s, which is not resolved before it", what, id)
				}
			}
		}
		return nil
	}
	var err error
	for i := range e.Questions {
		q := &e.Questions[i]
		if q.AskIf != "" {
			if err := refs("question "+q.ID+" ask_if", q.AskIf, i, false); err != nil {
				return err
			}
			if q.askIf, err = compileExpr(q.AskIf, env, expr.AsBool()); err != nil {
				return bad("question %s ask_if: %v", q.ID, err)
			}
		}
		if q.Known != "" {
			if err := refs("question "+q.ID+" known", q.Known, i, true); err != nil {
				return err
			}
			if q.known, err = compileExpr(q.Known, env); err != nil {
				return bad("question %s known: %v", q.ID, err)
			}
		}
	}
	for i := range e.Checks {
		c := &e.Checks[i]
		if _, ok := e.Question(c.Question); !ok {
			return bad("check %s: no question %s", c.ID, c.Question)
		}
		// a check may read the record: it refuses, it assumes nothing
		if err := refs("check "+c.ID, c.If, -1, true); err != nil {
			return err
		}
		if c.prog, err = compileExpr(c.If, env, expr.AsBool()); err != nil {
			return bad("check %s: %v", c.ID, err)
		}
	}
	dated := func(id string) bool {
		if q, ok := e.Question(id); ok {
			return q.Type == TypeDate
		}
		return slices.ContainsFunc(e.Dates, func(d DerivedDate) bool { return d.ID == id })
	}
	ids := map[string]bool{}
	for i := range e.Procedures {
		p := &e.Procedures[i]
		if ids[p.ID] {
			return bad("procedure %s defined twice", p.ID)
		}
		ids[p.ID] = true
		for j, d := range p.Documents {
			if d.When != "" {
				if err := refs(fmt.Sprintf("procedure %s document %d when", p.ID, j), d.When, -1, false); err != nil {
					return err
				}
				if p.Documents[j].when, err = compileExpr(d.When, env, expr.AsBool()); err != nil {
					return bad("procedure %s document %d when: %v", p.ID, j, err)
				}
			}
		}
		if !slices.Contains(channels, p.Channel) || !slices.Contains(offices, p.Office) || !slices.Contains(filers, p.Filer) ||
			!slices.Contains(attends, p.Attend) || !slices.Contains(proxies, p.Proxy) {
			return bad("procedure %s: channel %q, office %q, filer %q, attend %q or proxy %q unknown", p.ID, p.Channel, p.Office, p.Filer, p.Attend, p.Proxy)
		}
		if err := refs("procedure "+p.ID+" when", p.When, -1, false); err != nil {
			return err
		}
		if p.when, err = compileExpr(p.When, env, expr.AsBool()); err != nil {
			return bad("procedure %s when: %v", p.ID, err)
		}
		for what, r := range map[string]*Rule{"deadline": p.Deadline, "limit": p.Limit} {
			if r == nil {
				continue
			}
			if !dated(r.From) {
				return bad("procedure %s: %s from %q, not a date", p.ID, what, r.From)
			}
			if err := r.check(); err != nil {
				return bad("procedure %s %s: %v", p.ID, what, err)
			}
		}
		if p.AfterClose != "" && (p.Deadline == nil || p.Deadline.OpensDaysBefore == nil || p.Channel != ChannelBundle) {
			return bad("procedure %s: after_close goes with an online procedure whose deadline opens", p.ID)
		}
		for _, in := range p.Inputs {
			src, isDate := "", false
			if q, ok := strings.CutPrefix(in.Source, "answer:"); ok {
				if !seen[q] || slices.ContainsFunc(e.Dates, func(d DerivedDate) bool { return d.ID == q }) {
					return bad("procedure %s input %s: no question %s", p.ID, in.ID, q)
				}
				src, isDate = q, dated(q)
			}
			if d, ok := strings.CutPrefix(in.Source, "date:"); ok {
				if !slices.ContainsFunc(e.Dates, func(x DerivedDate) bool { return x.ID == d }) {
					return bad("procedure %s input %s: no date %s", p.ID, in.ID, d)
				}
				src, isDate = d, true
			}
			if in.From == "birth_date" || in.ID == "birth_date" {
				isDate = true
			}
			if isDate && !slices.Contains(DateMeanings, in.Meaning) && in.From != "birth_date" && in.ID != "birth_date" {
				return bad("procedure %s input %s (from %s) carries a date: name its meaning (one of %v)", p.ID, in.ID, src, DateMeanings)
			}
			if !isDate && in.Meaning != "" {
				return bad("procedure %s input %s: a meaning goes with dates only", p.ID, in.ID)
			}
		}
	}
	for _, p := range e.Procedures {
		for _, b := range p.Before {
			if !ids[b] {
				return bad("procedure %s: before %s, which does not exist", p.ID, b)
			}
		}
	}
	return e.checkTexts(languages)
}

// translate adds the translations kept beside the events (lang/<tag>.yaml:
// event id → text key → text, the keys of Event.Texts). A translation of
// a text the catalogue does not have is refused: it is left over from a
// text that was renamed, and the new one would go untranslated.
func (c *Catalog) translate(fsys fs.FS) error {
	files, _ := fs.Glob(fsys, "lang/*.yaml")
	sort.Strings(files)
	for _, f := range files {
		lang := strings.TrimSuffix(path.Base(f), ".yaml")
		if lang == "ja" || lang == "en" {
			return failure.Newf(CodeCatalog, "%s: Japanese and English are written in the event files", f)
		}
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return &failure.Error{Code: CodeCatalog, Detail: f, Err: err}
		}
		var tr map[string]map[string]string
		if err := yaml.Unmarshal(b, &tr); err != nil {
			return &failure.Error{Code: CodeCatalog, Detail: f, Err: err}
		}
		for id, keys := range tr {
			e, ok := c.Event(id)
			if !ok {
				return failure.Newf(CodeCatalog, "%s: no event %s", f, id)
			}
			texts := e.Texts()
			for k, s := range keys {
				t, ok := texts[k]
				if !ok {
					return failure.Newf(CodeCatalog, "%s: event %s has no text %q", f, id, k)
				}
				t[lang] = s
			}
		}
	}
	return nil
}

// checkTexts refuses an event with a text missing in one of languages.
func (e *Event) checkTexts(languages []string) error {
	for what, t := range e.Texts() {
		for _, l := range languages {
			if strings.TrimSpace(t[l]) == "" {
				return failure.Newf(CodeCatalog, "%s: %s has no %s text", e.ID, what, l)
			}
		}
	}
	return nil
}

// Texts are every text of the event by a stable key ("question
// move_date", "procedure moving-out-notice why", "procedure p document
// 0"): the keys translations are kept under (catalog/lang/*.yaml). The
// Text values are the event's own maps: setting a language in one sets it
// in the event.
func (e *Event) Texts() map[string]Text {
	texts := map[string]Text{"name": e.Name, "help": e.Help}
	for _, q := range e.Questions {
		texts["question "+q.ID] = q.Text
		if len(q.Help) > 0 {
			texts["question "+q.ID+" help"] = q.Help
		}
		for _, c := range q.Choices {
			texts["choice "+q.ID+"."+c.ID] = c.Text
		}
	}
	for _, d := range e.Dates {
		texts["date "+d.ID+" basis"] = d.Basis
	}
	for _, c := range e.Checks {
		texts["check "+c.ID] = c.Text
	}
	for _, p := range e.Procedures {
		texts["procedure "+p.ID+" name"], texts["procedure "+p.ID+" why"], texts["procedure "+p.ID+" basis"] = p.Name, p.Why, p.Basis
		if len(p.LostIfMissed) > 0 {
			texts["procedure "+p.ID+" lost_if_missed"] = p.LostIfMissed
		}
		for j, d := range p.Documents {
			if len(d.Bring) > 0 {
				texts[fmt.Sprintf("procedure %s document %d", p.ID, j)] = d.Bring
			}
		}
		for what, r := range map[string]*Rule{"deadline": p.Deadline, "limit": p.Limit} {
			if r != nil && len(r.ClosedReason) > 0 {
				texts["procedure "+p.ID+" "+what+" closed_reason"] = r.ClosedReason
			}
		}
		if p.Limit != nil {
			texts["procedure "+p.ID+" limit_why"] = p.LimitWhy
		}
	}
	return texts
}

// identifiers are the names an expression reads (not the functions it
// calls, nor the members of what it reads).
func identifiers(src string) ([]string, error) {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, err
	}
	v := &identVisitor{}
	ast.Walk(&tree.Node, v)
	return v.ids, nil
}

type identVisitor struct{ ids []string }

func (v *identVisitor) Visit(n *ast.Node) {
	if id, ok := (*n).(*ast.IdentifierNode); ok && !functionNames[id.Value] && !slices.Contains(v.ids, id.Value) {
		v.ids = append(v.ids, id.Value)
	}
}

// Question returns the question with the id.
func (e *Event) Question(id string) (*Question, bool) {
	for i := range e.Questions {
		if e.Questions[i].ID == id {
			return &e.Questions[i], true
		}
	}
	return nil, false
}

// Procedure returns the procedure with the id.
func (e *Event) Procedure(id string) (*Procedure, bool) {
	for i := range e.Procedures {
		if e.Procedures[i].ID == id {
			return &e.Procedures[i], true
		}
	}
	return nil, false
}

// The values the schema allows, checked again for procedures a profile adds.
var (
	channels = []string{ChannelBundle, ChannelCounter, ChannelOnline, ChannelOther}
	offices  = []string{"old-municipality", "new-municipality", "municipality", "pension-office", "hello-work", "old-employer",
		"new-employer", "insurer", "school", "tax-office", "police", "immigration", "others"}
	filers  = []string{"self", "household", "household-head", "each-holder", "legal-representative", "claimant", "spouse", "employer", "none"}
	attends = []string{"", "filer", "each-holder"}
	proxies = []string{"", "grant", "letter", "messenger", "none"}
)

// reservedFacts are the names of known facts in expressions: me (the
// person, from the card or the residence record), household (the people
// the record lists), household_known and me_known (whether a record or a
// card told them), today, profile (the municipality's).
var reservedFacts = map[string]bool{"me": true, "household": true, "today": true, "profile": true,
	"household_known": true, "me_known": true}

// env is the typed environment expressions are checked against: the known
// facts, and each question's answer with its type.
func (e *Event) env() map[string]any {
	env := map[string]any{"me": Person{}, "household": []Person{}, "today": time.Time{}, "profile": ProfileFacts{},
		"household_known": false, "me_known": false}
	for _, q := range e.Questions {
		env[q.ID] = zeroOf(q.Type)
	}
	for _, d := range e.Dates {
		env[d.ID] = time.Time{}
	}
	return env
}

// zeroOf is the Go value of an answer of the type.
func zeroOf(typ string) any {
	switch typ {
	case TypeDate:
		return time.Time{}
	case TypeYesNo:
		return false
	case TypeNumber:
		return 0
	case TypeMembers:
		return []string{}
	}
	return ""
}

var functions = []expr.Option{
	// age_on(birth, day): the age in law on a day (reached the day before
	// the birthday: care insurance, pensions)
	expr.Function("age_on", func(p ...any) (any, error) {
		return ageOn(p[0].(time.Time), p[1].(time.Time)), nil
	}, new(func(time.Time, time.Time) int)),
	// birthday_age(birth, day): the age counted from the birthday itself
	// (the late-stage elderly medical system starts on the 75th birthday)
	expr.Function("birthday_age", func(p ...any) (any, error) {
		return birthdayAge(p[0].(time.Time), p[1].(time.Time)), nil
	}, new(func(time.Time, time.Time) int)),
	// days_between(a, b): whole days from a to b (1 when b is the next day)
	expr.Function("days_between", func(p ...any) (any, error) {
		return int(civil(p[1].(time.Time)).Sub(civil(p[0].(time.Time))).Hours() / 24), nil
	}, new(func(time.Time, time.Time) int)),
	// date("2026-04-01") for fixed dates in conditions
	expr.Function("date", func(p ...any) (any, error) {
		return Date(p[0].(string))
	}, new(func(string) time.Time)),
	// movers_known(household, names): every person named is in the
	// household the record lists, with a birth date (so their ages are
	// known); false with no record or a name it lacks (then ask)
	expr.Function("movers_known", func(p ...any) (any, error) {
		return moversKnown(p[0].([]Person), p[1].([]string)), nil
	}, new(func([]Person, []string) bool)),
	// allowance_age(birth, day): a child of child-allowance age on day
	// (until the first 31 March after the 18th birthday)
	expr.Function("allowance_age", func(p ...any) (any, error) {
		return allowanceAge(p[0].(time.Time), p[1].(time.Time)), nil
	}, new(func(time.Time, time.Time) bool)),
	// school_age(birth, day): in elementary or junior high school on day
	// (grades 1–9 by Japan's school year, 2 April – 1 April cohorts)
	expr.Function("school_age", func(p ...any) (any, error) {
		return schoolAge(p[0].(time.Time), p[1].(time.Time)), nil
	}, new(func(time.Time, time.Time) bool)),
	// postal_known(code): the postal code is in the offline table
	expr.Function("postal_known", func(p ...any) (any, error) {
		return len(postal.Lookup(p[0].(string))) > 0, nil
	}, new(func(string) bool)),
	// postal_city(code): the municipality the code names ("" unknown)
	expr.Function("postal_city", func(p ...any) (any, error) {
		if as := postal.Lookup(p[0].(string)); len(as) > 0 {
			return as[0].City, nil
		}
		return "", nil
	}, new(func(string) string)),
}

// functionNames are the functions conditions may call (not facts).
var functionNames = map[string]bool{"age_on": true, "birthday_age": true, "days_between": true, "date": true, "movers_known": true,
	"allowance_age": true, "school_age": true, "postal_known": true, "postal_city": true}

func moversKnown(household []Person, names []string) bool {
	if len(names) == 0 {
		return false
	}
	for _, n := range names {
		i := slices.IndexFunc(household, func(p Person) bool { return p.Name == n })
		if i < 0 || household[i].BirthDate.IsZero() {
			return false
		}
	}
	return true
}

// allowanceAge: child allowance is paid until the first 31 March after
// the day the child reaches 18 (Child Allowance Act art. 3, as amended in
// 2024) — the day before the 18th birthday, so a child born on 1 April
// reaches 18 on 31 March, and that 31 March is the last.
func allowanceAge(birth, day time.Time) bool {
	if birth.IsZero() {
		return false
	}
	b, d := civil(birth), civil(day)
	if d.Before(b) {
		return false
	}
	reaches := addMonths(b, 18*12).AddDate(0, 0, -1)
	end := time.Date(reaches.Year(), time.March, 31, 0, 0, 0, 0, i18n.JST)
	if reaches.After(end) {
		end = end.AddDate(1, 0, 0)
	}
	return !d.After(end)
}

// schoolAge: in grades 1–9 on day. A school year runs 1 April – 31 March;
// a cohort is born 2 April – 1 April, and starts school in the April after
// turning six (School Education Act art. 17).
func schoolAge(birth, day time.Time) bool {
	if birth.IsZero() {
		return false
	}
	b, d := civil(birth), civil(day)
	sy := d.Year()
	if d.Month() < time.April {
		sy--
	}
	first := time.Date(sy-15, time.April, 2, 0, 0, 0, 0, i18n.JST) // oldest: grade 9
	last := time.Date(sy-6, time.April, 1, 0, 0, 0, 0, i18n.JST)   // youngest: grade 1
	return !b.Before(first) && !b.After(last)
}

func compileExpr(src string, env map[string]any, opts ...expr.Option) (*vm.Program, error) {
	all := append([]expr.Option{expr.Env(env)}, functions...)
	return expr.Compile(src, append(all, opts...)...)
}

// ageOn is the age in law on day of someone born on birth: an age is
// reached at the end of the day before the birthday (Act on Counting Age,
// Civil Code art. 143), so on the day before the 65th birthday one is 65
// for care insurance and pensions (「65歳に達した日」 is that day). Schemes
// that start on the birthday itself (the late-stage elderly medical
// system) use birthdayAge.
func ageOn(birth, day time.Time) int {
	if birth.IsZero() {
		return 0
	}
	return birthdayAge(birth, civil(day).AddDate(0, 0, 1))
}

// birthdayAge is the age as birthdays count it (one more on the birthday).
// A birthday on 29 February comes on 1 March in other years.
func birthdayAge(birth, day time.Time) int {
	if birth.IsZero() {
		return 0
	}
	b, d := civil(birth), civil(day)
	age := d.Year() - b.Year()
	if d.Month() < b.Month() || (d.Month() == b.Month() && d.Day() < b.Day()) {
		age--
	}
	return age
}

// checkAnswerType tells whether v is a valid answer value for q.
func checkAnswerType(q *Question, v any) bool {
	switch q.Type {
	case TypeChoice:
		s, ok := v.(string)
		return ok && slices.ContainsFunc(q.Choices, func(c Choice) bool { return c.ID == s })
	case TypePostal:
		s, ok := v.(string)
		return ok && len(s) == 7 && strings.Trim(s, "0123456789") == ""
	}
	return reflect.TypeOf(v) == reflect.TypeOf(zeroOf(q.Type))
}
