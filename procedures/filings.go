package procedures

import (
	"encoding/json"
	"maps"
	"slices"
	"time"

	"madoguchi/protocol/bundle"
)

// Filed is one application the municipality has receipted for an event:
// what was filed, under which receipt, for which event date. The account
// keeps them with the draft; a later plan is compared with them.
type Filed struct {
	Procedure string         `json:"procedure"`
	Receipt   string         `json:"receipt"`
	Fields    map[string]any `json:"fields"`
	// EventDate is the event's date (its date answer) when it was filed.
	EventDate string `json:"event_date,omitempty"`
	// Status is the receipt's status as last known (bundle.Status…): a
	// completed one is changed at the counter, a rejected one filed anew.
	Status string `json:"status,omitempty"`
}

// What a plan's application is, against what was filed.
const (
	// ChangeNew: not filed before; sent as a new application.
	ChangeNew = "new"
	// ChangeCorrected: filed before with other fields; sent as a
	// correction of the earlier receipt.
	ChangeCorrected = "corrected"
	// ChangeUnchanged: filed before exactly so; nothing is sent.
	ChangeUnchanged = "unchanged"
	// ChangeWithdrawn: filed before, but the plan no longer has it (an
	// answer changed); sent as a withdrawal of the earlier receipt.
	ChangeWithdrawn = "withdrawn"
	// ChangeAtCounter: filed before, but its online window has closed or
	// the municipality has completed it: any correction (or taking it
	// back) is made at the counter, nothing is sent. Fields say what
	// changed, when known.
	ChangeAtCounter = "at-counter"
)

// NewEventDays is how far apart two dates of an event are for the later one
// to be another event (a second move), not a correction of the first: half
// a year. A moving date corrected by weeks is the same move; a move a year
// later is a new one, filed anew (the earlier filings stay filed).
const NewEventDays = 180

// WithdrawalReason is the reason a withdrawal carries, for the clerk.
const WithdrawalReason = "申請者の回答の変更により、この手続きは該当しなくなりました（取下げ）"

// Change is one application of a plan against what was filed.
type Change struct {
	Procedure string
	Change    string // ChangeNew, ChangeCorrected, …
	// Receipt is the earlier receipt (corrected, unchanged, withdrawn,
	// at the counter).
	Receipt string
	// Fields are the fields that differ from what was filed (corrected).
	Fields []string
	// Application is what is sent (new, corrected, withdrawn).
	Application *bundle.Application
}

// Sends tells whether the change sends an application.
func (c Change) Sends() bool { return c.Application != nil }

// Changes compares the applications the plan makes now (Applications) with
// what was filed for the event. It returns one Change per procedure — what
// is filed and stays, what changed and is sent as a correction, what is
// new, what no longer applies and is withdrawn — and newEvent when the
// event's date is NewEventDays or more from the filed one: then the plan
// is another event and every application is new. Idempotency belongs to
// the content: the same answers send nothing.
func (p *Plan) Changes(apps []bundle.Application, filed []Filed) (changes []Change, newEvent bool) {
	date := p.EventDate()
	for _, f := range filed {
		if farApart(f.EventDate, date) {
			newEvent = true
		}
	}
	if newEvent {
		filed = nil
	}
	byProc := map[string]Filed{}
	for _, f := range filed {
		if f.Status == bundle.StatusRejected {
			continue // nothing stands: filed anew
		}
		byProc[f.Procedure] = f
	}
	inApps := map[string]bool{}
	for i := range apps {
		a := apps[i]
		inApps[a.Procedure] = true
		f, ok := byProc[a.Procedure]
		if !ok {
			changes = append(changes, Change{Procedure: a.Procedure, Change: ChangeNew, Application: &a})
			continue
		}
		diff := differing(f.Fields, a.Fields)
		if len(diff) == 0 {
			changes = append(changes, Change{Procedure: a.Procedure, Change: ChangeUnchanged, Receipt: f.Receipt})
			continue
		}
		if f.Status == bundle.StatusCompleted {
			changes = append(changes, Change{Procedure: a.Procedure, Change: ChangeAtCounter, Receipt: f.Receipt, Fields: diff})
			continue
		}
		a.Kind, a.Corrects = bundle.KindCorrection, f.Receipt
		changes = append(changes, Change{Procedure: a.Procedure, Change: ChangeCorrected, Receipt: f.Receipt, Fields: diff, Application: &a})
	}
	for _, f := range filed {
		if inApps[f.Procedure] || f.Status == bundle.StatusRejected {
			continue
		}
		if _, still := p.Item(f.Procedure); still || f.Status == bundle.StatusCompleted {
			changes = append(changes, Change{Procedure: f.Procedure, Change: ChangeAtCounter, Receipt: f.Receipt})
			continue
		}
		w := bundle.Application{Procedure: f.Procedure, Kind: bundle.KindWithdrawal, Corrects: f.Receipt,
			Fields: map[string]any{"reason": WithdrawalReason}, Sources: map[string]string{"reason": "answer"}}
		changes = append(changes, Change{Procedure: f.Procedure, Change: ChangeWithdrawn, Receipt: f.Receipt, Application: &w})
	}
	return changes, newEvent
}

// EventDate is the event's date as filed ("YYYY-MM-DD"; "" when unknown).
func (p *Plan) EventDate() string {
	if p.State == nil {
		return ""
	}
	v, ok := p.State.Values[p.Event.Date]
	if !ok {
		return ""
	}
	if t, ok := v.Value.(time.Time); ok {
		return civil(t).Format(time.DateOnly)
	}
	return ""
}

// Item is the plan's item for a procedure.
func (p *Plan) Item(id string) (Item, bool) {
	for _, it := range p.Items {
		if it.Procedure.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

func farApart(a, b string) bool {
	ta, ea := time.Parse(time.DateOnly, a)
	tb, eb := time.Parse(time.DateOnly, b)
	if ea != nil || eb != nil {
		return false
	}
	d := tb.Sub(ta)
	if d < 0 {
		d = -d
	}
	return d >= NewEventDays*24*time.Hour
}

// differing are the fields whose values differ (as they travel: JSON),
// sorted.
func differing(was, now map[string]any) []string {
	var out []string
	keys := map[string]bool{}
	for k := range was {
		keys[k] = true
	}
	for k := range now {
		keys[k] = true
	}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		a, _ := json.Marshal(was[k])
		b, _ := json.Marshal(now[k])
		if string(a) != string(b) {
			out = append(out, k)
		}
	}
	return out
}

// Filings are the applications a receipted bundle filed, for the record
// the next plan is compared with: filed is what was kept before, sent the
// changes the bundle carried, receipts the intake's answer. A withdrawn
// procedure leaves the record; a new or corrected one takes its new
// receipt.
func Filings(filed []Filed, sent []Change, receipts []bundle.Receipt, eventDate string) []Filed {
	out := slices.Clone(filed)
	for _, rc := range receipts {
		i := slices.IndexFunc(sent, func(c Change) bool { return c.Procedure == rc.Procedure && c.Sends() })
		if i < 0 {
			continue
		}
		c := sent[i]
		out = slices.DeleteFunc(out, func(f Filed) bool { return f.Procedure == rc.Procedure })
		if c.Change == ChangeWithdrawn {
			continue
		}
		out = append(out, Filed{Procedure: rc.Procedure, Receipt: rc.Number, Fields: c.Application.Fields, EventDate: eventDate})
	}
	return out
}
