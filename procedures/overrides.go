package procedures

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"madoguchi/i18n/failure"
)

// Overrides are a municipality profile's own rules: its closed days, what
// it offers, and changes to bundled procedures (a deadline, a channel,
// office hours, or a procedure it does not have).
type Overrides struct {
	// Closures are the municipality's own closed days (YYYY-MM-DD → why).
	Closures map[string]string `json:"closures,omitempty"`
	// ChildMedicalSubsidy: the municipality has a child medical subsidy.
	// Every municipality has one (their ages and terms differ), so the
	// bundled catalogue no longer asks it; conditions a profile adds may.
	ChildMedicalSubsidy bool `json:"child_medical_subsidy,omitempty"`
	// City is the municipality's name as the postal table writes it.
	City string `json:"city,omitempty"`
	// OfficeHours per office (old-municipality, new-municipality,
	// municipality…), shown on counter checklists.
	OfficeHours map[string]Text `json:"office_hours,omitempty"`
	// OfficeAddresses per office, shown on counter checklists.
	OfficeAddresses map[string]Text `json:"office_addresses,omitempty"`
	// Procedures change bundled procedures, keyed "event/procedure".
	Procedures map[string]Override `json:"procedures,omitempty"`
	// Add are the municipality's own procedures, by event (checked like
	// the bundled ones: texts in every language, conditions type-checked).
	Add map[string][]Procedure `json:"add,omitempty"`
}

// Override changes one procedure.
type Override struct {
	Deadline *Rule  `json:"deadline,omitempty"`
	Channel  string `json:"channel,omitempty"`
	Disabled bool   `json:"disabled,omitempty"`
	Note     Text   `json:"note,omitempty"` // why the municipality differs, shown with the basis
}

// ParseOverrides reads a profile's "procedures" section (strict: an unknown
// key is a mistake, not silence).
func ParseOverrides(raw []byte) (Overrides, error) {
	var o Overrides
	if len(bytes.TrimSpace(raw)) == 0 {
		return o, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return o, &failure.Error{Code: CodeCatalog, Detail: "profile procedures", Err: err}
	}
	for d := range o.Closures {
		if _, err := Date(d); err != nil {
			return o, failure.Newf(CodeCatalog, "profile closure %q is not YYYY-MM-DD", d)
		}
	}
	return o, nil
}

// ProfileLanguages are the languages a municipality writes its own
// procedures and notes in: Japanese and English (a resident reading
// another language sees the English, see Text.In).
var ProfileLanguages = []string{"ja", "en"}

// Apply returns the catalogue with the municipality's overrides; an
// override of a procedure that does not exist, or one that breaks a rule,
// is refused (the profile is wrong, not the resident).
func (c *Catalog) Apply(o Overrides, languages []string) (*Catalog, error) {
	out := &Catalog{}
	for _, e := range c.Events {
		cp := *e
		cp.Questions = append([]Question(nil), e.Questions...)
		cp.Procedures = nil
		for _, p := range e.Procedures {
			ov, ok := o.Procedures[e.ID+"/"+p.ID]
			if ok {
				if ov.Disabled {
					continue
				}
				if ov.Deadline != nil {
					if q, ok := e.Question(ov.Deadline.From); !ok || q.Type != TypeDate {
						return nil, failure.Newf(CodeCatalog, "profile: %s/%s deadline from %q, not a date question", e.ID, p.ID, ov.Deadline.From)
					}
					d := *ov.Deadline
					p.Deadline = &d
				}
				if ov.Channel != "" {
					switch ov.Channel {
					case ChannelBundle, ChannelCounter, ChannelOnline, ChannelOther:
						p.Channel = ov.Channel
					default:
						return nil, failure.Newf(CodeCatalog, "profile: %s/%s channel %q", e.ID, p.ID, ov.Channel)
					}
				}
				if len(ov.Note) > 0 {
					basis := Text{}
					for l, b := range p.Basis {
						basis[l] = strings.TrimSpace(b + " " + ov.Note.In(l))
					}
					p.Basis = basis
				}
			}
			cp.Procedures = append(cp.Procedures, p)
		}
		if added := o.Add[e.ID]; len(added) > 0 {
			cp.Procedures = append(cp.Procedures, added...)
			if err := cp.compile(languages); err != nil {
				if f, ok := failure.As(err); ok {
					f.Detail = "profile: " + f.Detail
				}
				return nil, err
			}
		}
		out.Events = append(out.Events, &cp)
	}
	for ev := range o.Add {
		if _, ok := c.Event(ev); !ok {
			return nil, failure.Newf(CodeCatalog, "profile adds to %s: no such event", ev)
		}
	}
	for key := range o.Procedures {
		ev, pr, _ := strings.Cut(key, "/")
		e, ok := c.Event(ev)
		if !ok {
			return nil, failure.Newf(CodeCatalog, "profile overrides %s: no event %s", key, ev)
		}
		if _, ok := e.Procedure(pr); !ok {
			return nil, failure.Newf(CodeCatalog, "profile overrides %s: no procedure %s", key, pr)
		}
	}
	return out, nil
}

// Calendar is the municipality's office calendar.
func (o Overrides) Calendar() *Calendar { return NewCalendar(o.Closures) }

// Profile is what conditions see of the municipality.
func (o Overrides) Profile(id string) ProfileFacts {
	return ProfileFacts{ID: id, ChildMedicalSubsidy: o.ChildMedicalSubsidy, City: o.City}
}

func (o Overrides) String() string {
	return fmt.Sprintf("%d closures, %d procedure overrides", len(o.Closures), len(o.Procedures))
}
