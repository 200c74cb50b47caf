package procedures

import (
	"testing"
	"time"

	"madoguchi/protocol/bundle"
)

// Against what was filed, for every event and household: the same
// applications send nothing; one changed field sends a correction of that
// receipt naming the field; a completed receipt's change is for the
// counter; a rejected one is filed anew; a filing the plan no longer has
// is withdrawn; an event date NewEventDays or more away (and not one day
// less) makes another event, every application new.
func TestChangesEveryCase(t *testing.T) {
	today := day(t, "2026-06-01")
	eachCase(t, households(t, today), day(t, "2026-06-20"), func(id string, e *Event, f Facts, yes bool, _ Answers, p *Plan) {
		apps, _ := p.Applications(f, nil)
		if len(apps) == 0 {
			return
		}
		date := p.EventDate()
		filed := func(status string) []Filed {
			var out []Filed
			for i, a := range apps {
				out = append(out, Filed{Procedure: a.Procedure, Receipt: "R" + string(rune('A'+i)), Fields: a.Fields, EventDate: date, Status: status})
			}
			return out
		}
		if ch, ne := p.Changes(apps, filed("")); ne || countSends(ch) != 0 {
			t.Errorf("%s/%s: the same applications send %d", e.ID, id, countSends(ch))
		}
		changed := filed(bundle.StatusReceived)
		changed[0].Fields = map[string]any{"x": "other"}
		ch, _ := p.Changes(apps, changed)
		if countSends(ch) != 1 || ch[0].Change != ChangeCorrected || ch[0].Application.Corrects != changed[0].Receipt || len(ch[0].Fields) == 0 {
			t.Errorf("%s/%s: one changed: %+v", e.ID, id, ch)
		}
		changed[0].Status = bundle.StatusCompleted
		if ch, _ := p.Changes(apps, changed); countSends(ch) != 0 || ch[0].Change != ChangeAtCounter {
			t.Errorf("%s/%s: a completed one changed: %+v", e.ID, id, ch)
		}
		changed[0].Status = bundle.StatusRejected
		if ch, _ := p.Changes(apps, changed); countSends(ch) != 1 || ch[0].Change != ChangeNew {
			t.Errorf("%s/%s: a rejected one: %+v", e.ID, id, ch)
		}
		gone := append(filed(""), Filed{Procedure: "no-longer-applies", Receipt: "RZ", EventDate: date})
		if ch, _ := p.Changes(apps, gone); countSends(ch) != 1 || ch[len(ch)-1].Change != ChangeWithdrawn || ch[len(ch)-1].Application.Kind != bundle.KindWithdrawal {
			t.Errorf("%s/%s: what no longer applies: %+v", e.ID, id, ch)
		}
		d, _ := time.Parse(time.DateOnly, date)
		for days, want := range map[int]bool{NewEventDays - 1: false, NewEventDays: true, -NewEventDays: true, -(NewEventDays - 1): false} {
			far := filed("")
			for i := range far {
				far[i].EventDate = d.AddDate(0, 0, -days).Format(time.DateOnly)
			}
			ch, ne := p.Changes(apps, far)
			if ne != want || (want && countSends(ch) != len(apps)) {
				t.Errorf("%s/%s: filed %d days apart: new event %v, %d sent", e.ID, id, days, ne, countSends(ch))
			}
		}
	})
}

func countSends(ch []Change) int {
	n := 0
	for _, c := range ch {
		if c.Sends() {
			n++
		}
	}
	return n
}
