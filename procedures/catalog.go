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
	"github.com/expr-lang/expr/vm"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v4"

	"madoguchi/i18n/failure"
)

// Text is a text in every shipped language (language tag → text).
type Text map[string]string

// In is the text in lang, else Japanese, else any.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok {
		return s
	}
	if s, ok := t["ja"]; ok {
		return s
	}
	for _, s := range t {
		return s
	}
	return ""
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
	Date       string      `json:"date"`
	Questions  []Question  `json:"questions"`
	Procedures []Procedure `json:"procedures"`
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
	When         string `json:"when"` // condition over facts and answers
	Deadline     *Rule  `json:"deadline,omitempty"`
	// Signer says who must sign or appear: self, each-member, parent,
	// employer, none.
	Signer    string     `json:"signer"`
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
}

// Input is a field of a procedure's form and where its value comes from.
type Input struct {
	ID     string `json:"id"`
	Source string `json:"source"` // card | residence-record | tax-certificate | employer | answer:<question> | typed
	// From names the known attribute for card and residence-record inputs
	// (default: the input's id).
	From string `json:"from,omitempty"`
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
	CodeCatalog      failure.Code = "CATALOG-INVALID" // a catalogue file is malformed (a defect of the build or the profile)
	CodeUnknownEvent failure.Code = "EVENT-UNKNOWN"   // no life event of that id
	CodeAnswers      failure.Code = "ANSWERS-INVALID" // an answer is missing or of the wrong type
)

// Codes lists the engine's failure codes.
var Codes = failure.Register("procedures", CodeCatalog, CodeUnknownEvent, CodeAnswers)

//go:embed catalog/*.yaml catalog/schema.json
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
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, &failure.Error{Code: CodeCatalog, Detail: name, Err: err}
		}
		e, err := ParseEvent(b, sch, languages)
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
// against the event's typed environment.
func (e *Event) compile(languages []string) error {
	bad := func(format string, a ...any) error { return failure.Newf(CodeCatalog, e.ID+": "+format, a...) }
	texts := map[string]Text{"name": e.Name, "help": e.Help}
	seen := map[string]bool{}
	for _, q := range e.Questions {
		if seen[q.ID] || reservedFacts[q.ID] {
			return bad("question %s defined twice or named like a fact", q.ID)
		}
		seen[q.ID] = true
		texts["question "+q.ID] = q.Text
		for _, c := range q.Choices {
			texts["choice "+q.ID+"."+c.ID] = c.Text
		}
		if (q.Type == TypeChoice) != (len(q.Choices) > 0) {
			return bad("question %s: choices go with type choice only", q.ID)
		}
	}
	if q, ok := e.Question(e.Date); !ok || q.Type != TypeDate {
		return bad("the event date %q is not a date question", e.Date)
	}
	env := e.env()
	var err error
	for i := range e.Questions {
		q := &e.Questions[i]
		if q.AskIf != "" {
			if q.askIf, err = compileExpr(q.AskIf, env, expr.AsBool()); err != nil {
				return bad("question %s ask_if: %v", q.ID, err)
			}
		}
		if q.Known != "" {
			if q.known, err = compileExpr(q.Known, env); err != nil {
				return bad("question %s known: %v", q.ID, err)
			}
		}
	}
	ids := map[string]bool{}
	for i := range e.Procedures {
		p := &e.Procedures[i]
		if ids[p.ID] {
			return bad("procedure %s defined twice", p.ID)
		}
		ids[p.ID] = true
		texts["procedure "+p.ID+" name"], texts["procedure "+p.ID+" why"], texts["procedure "+p.ID+" basis"] = p.Name, p.Why, p.Basis
		if len(p.LostIfMissed) > 0 {
			texts["procedure "+p.ID+" lost_if_missed"] = p.LostIfMissed
		}
		for j, d := range p.Documents {
			if len(d.Bring) > 0 {
				texts[fmt.Sprintf("procedure %s document %d", p.ID, j)] = d.Bring
			}
		}
		if !slices.Contains(channels, p.Channel) || !slices.Contains(offices, p.Office) || !slices.Contains(signers, p.Signer) {
			return bad("procedure %s: channel %q, office %q or signer %q unknown", p.ID, p.Channel, p.Office, p.Signer)
		}
		if p.when, err = compileExpr(p.When, env, expr.AsBool()); err != nil {
			return bad("procedure %s when: %v", p.ID, err)
		}
		if p.Deadline != nil {
			if q, ok := e.Question(p.Deadline.From); !ok || q.Type != TypeDate {
				return bad("procedure %s: deadline from %q, not a date question", p.ID, p.Deadline.From)
			}
		}
		for _, in := range p.Inputs {
			if q, ok := strings.CutPrefix(in.Source, "answer:"); ok && !seen[q] {
				return bad("procedure %s input %s: no question %s", p.ID, in.ID, q)
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
	for what, t := range texts {
		for _, l := range languages {
			if strings.TrimSpace(t[l]) == "" {
				return bad("%s has no %s text", what, l)
			}
		}
	}
	return nil
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
		"new-employer", "insurer", "school", "tax-office", "police", "others"}
	signers = []string{"self", "each-member", "parent", "employer", "none"}
)

// reservedFacts are the names of known facts in expressions.
var reservedFacts = map[string]bool{"me": true, "household": true, "today": true, "profile": true}

// env is the typed environment expressions are checked against: the known
// facts, and each question's answer with its type.
func (e *Event) env() map[string]any {
	env := map[string]any{"me": Person{}, "household": []Person{}, "today": time.Time{}, "profile": ProfileFacts{}}
	for _, q := range e.Questions {
		env[q.ID] = zeroOf(q.Type)
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
	// age_on(birth, day): the age on a day (a birthday counts from its day)
	expr.Function("age_on", func(p ...any) (any, error) {
		return ageOn(p[0].(time.Time), p[1].(time.Time)), nil
	}, new(func(time.Time, time.Time) int)),
	// days_between(a, b): whole days from a to b (1 when b is the next day)
	expr.Function("days_between", func(p ...any) (any, error) {
		return int(civil(p[1].(time.Time)).Sub(civil(p[0].(time.Time))).Hours() / 24), nil
	}, new(func(time.Time, time.Time) int)),
	// date("2026-04-01") for fixed dates in conditions
	expr.Function("date", func(p ...any) (any, error) {
		return Date(p[0].(string))
	}, new(func(string) time.Time)),
}

func compileExpr(src string, env map[string]any, opts ...expr.Option) (*vm.Program, error) {
	all := append([]expr.Option{expr.Env(env)}, functions...)
	return expr.Compile(src, append(all, opts...)...)
}

// ageOn is the age on day of someone born on birth (Japan: one's age rises
// at the end of the day before the birthday; for eligibility the birthday
// itself is used, as municipal guidance does).
func ageOn(birth, day time.Time) int {
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
