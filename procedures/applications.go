package procedures

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"madoguchi/procedures/postal"
	"madoguchi/protocol/bundle"
)

// Prefill counts a bundle's fields: how many were filled from what is
// known (the card, the residence record, earlier answers) and how many the
// resident types.
type Prefill struct {
	Filled, Typed int
	// Missing lists the fields still to type ("procedure.field").
	Missing []string
	// Invalid lists the fields typed in a form they cannot have (a phone
	// number of 5 digits), with why (NormalizeTyped).
	Invalid []string
	Why     map[string]error
}

// Ratio is the share of fields filled for the resident (0–1).
func (p Prefill) Ratio() float64 {
	if p.Filled+p.Typed == 0 {
		return 1
	}
	return float64(p.Filled) / float64(p.Filled+p.Typed)
}

// Applications are the plan's online procedures as forms for one bundle:
// every input with a known source is filled and names its source; typed
// fields come from typed (what the resident entered on the review screen).
func (p *Plan) Applications(f Facts, typed map[string]string) ([]bundle.Application, Prefill) {
	var apps []bundle.Application
	var pf Prefill
	for _, it := range p.Items {
		pr := it.Procedure
		if it.Channel != ChannelBundle {
			continue
		}
		a := bundle.Application{Procedure: pr.ID, Fields: map[string]any{}, Sources: map[string]string{}}
		for _, in := range pr.Inputs {
			v, src, ok := p.value(in, f)
			if !ok {
				pf.Typed++
				if t := strings.TrimSpace(typed[pr.ID+"."+in.ID]); t != "" {
					n, err := NormalizeTyped(in.ID, t)
					if err != nil {
						pf.Invalid = append(pf.Invalid, pr.ID+"."+in.ID)
						if pf.Why == nil {
							pf.Why = map[string]error{}
						}
						pf.Why[pr.ID+"."+in.ID] = err
						continue
					}
					a.Fields[in.ID], a.Sources[in.ID] = n, "typed"
				} else {
					pf.Missing = append(pf.Missing, pr.ID+"."+in.ID)
				}
				continue
			}
			pf.Filled++
			a.Fields[in.ID], a.Sources[in.ID] = wire(v), src
			if q, ok := strings.CutPrefix(in.Source, "answer:"); ok {
				if qq, _ := p.Event.Question(q); qq != nil && qq.Type == TypePostal {
					// the address the code names, from the offline table
					if as := postal.Lookup(v.(string)); len(as) > 0 {
						a.Fields[in.ID+"_address"], a.Sources[in.ID+"_address"] = as[0].String(), "postal-table"
						pf.Filled++
					}
				}
			}
		}
		apps = append(apps, a)
	}
	return apps, pf
}

// value is an input's known value and its source.
func (p *Plan) value(in Input, f Facts) (any, string, bool) {
	if d, ok := strings.CutPrefix(in.Source, "date:"); ok {
		v, ok := p.State.Values[d]
		return v.Value, v.Source, ok && !isZero(v.Value)
	}
	if q, ok := strings.CutPrefix(in.Source, "answer:"); ok {
		v, ok := p.State.Values[q]
		if !ok || isZero(v.Value) {
			return nil, "", false
		}
		return v.Value, v.Source, true
	}
	if in.Source == "card" || in.Source == "residence-record" || in.Source == "employer" {
		key := in.From
		if key == "" {
			key = in.ID
		}
		if v, ok := f.Attributes[key]; ok {
			return v.Value, v.Source, true
		}
	}
	return nil, "", false
}

// wire is a value as a bundle carries it (dates as YYYY-MM-DD).
func wire(v any) any {
	if t, ok := v.(time.Time); ok {
		return civil(t).Format(time.DateOnly)
	}
	return v
}

// EncodeAnswers writes answers in the answers-file format (dates as
// YYYY-MM-DD), which ParseAnswers reads back: drafts are kept in it.
func (e *Event) EncodeAnswers(a Answers) ([]byte, error) {
	out := map[string]any{}
	for k, v := range a {
		out[k] = wire(v)
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("answers: %w", err)
	}
	enc.Close()
	return b.Bytes(), nil
}

// Online lists the plan's procedures that go out in the bundle.
func (p *Plan) Online() []string {
	var ids []string
	for _, it := range p.Items {
		if it.Channel == ChannelBundle {
			ids = append(ids, it.Procedure.ID)
		}
	}
	return slices.Clip(ids)
}

// NotOpen is the first of the plan's online procedures whose window has
// not opened yet, with the day it opens (ok false: every one is open).
func (p *Plan) NotOpen() (id string, opens time.Time, ok bool) {
	for _, it := range p.Items {
		if it.Channel == ChannelBundle && it.Window == WindowNotOpen {
			return it.Procedure.ID, it.Deadline.Opens, true
		}
	}
	return "", time.Time{}, false
}

// OwnSignature tells whether the plan's procedure id needs the person's own
// signature (a proxy may prepare it, not file it).
func (p *Plan) OwnSignature(id string) bool {
	for _, it := range p.Items {
		if it.Procedure.ID == id {
			return it.Procedure.OwnSignature
		}
	}
	return false
}

// Attachment is a certificate an online procedure needs, with the fields
// disclosed of it.
type Attachment struct {
	Certificate string
	Fields      []string
}

// Attachments are the certificates the plan's online procedures attach to
// the bundle, one per kind, disclosing the union of the fields they need.
// Certificates without fields (employer documents, not yet digital) are
// left out.
func (p *Plan) Attachments() []Attachment {
	return p.attachments(func(string) bool { return true })
}

// AttachmentsFor are the attachments of the applications a bundle sends
// (a withdrawal attaches nothing).
func (p *Plan) AttachmentsFor(send []bundle.Application) []Attachment {
	return p.attachments(func(id string) bool {
		return slices.ContainsFunc(send, func(a bundle.Application) bool { return a.Procedure == id && a.Kind != bundle.KindWithdrawal })
	})
}

func (p *Plan) attachments(sent func(procedure string) bool) []Attachment {
	var out []Attachment
	for _, it := range p.Items {
		if it.Channel != ChannelBundle || !sent(it.Procedure.ID) {
			continue
		}
		for _, d := range it.Documents {
			if d.Certificate == "" || len(d.Fields) == 0 || d.To != "" {
				continue
			}
			i := slices.IndexFunc(out, func(a Attachment) bool { return a.Certificate == d.Certificate })
			if i < 0 {
				out = append(out, Attachment{Certificate: d.Certificate})
				i = len(out) - 1
			}
			for _, f := range d.Fields {
				if !slices.Contains(out[i].Fields, f) {
					out[i].Fields = append(out[i].Fields, f)
				}
			}
		}
	}
	return out
}

// Handoff is a certificate the person gives someone themselves (a new
// employer): which, which fields, to whom.
type Handoff struct {
	Procedure string
	Attachment
	To string
}

// Handoffs are the plan's certificates to give, procedure by procedure.
func (p *Plan) Handoffs() []Handoff {
	var out []Handoff
	for _, it := range p.Items {
		for _, d := range it.Documents {
			if d.Certificate != "" && d.To != "" && len(d.Fields) > 0 {
				out = append(out, Handoff{Procedure: it.Procedure.ID, Attachment: Attachment{Certificate: d.Certificate, Fields: d.Fields}, To: d.To})
			}
		}
	}
	return out
}
