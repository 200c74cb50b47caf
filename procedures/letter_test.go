package procedures

import (
	"slices"
	"testing"
	"time"

	"madoguchi/protocol/proxy"
)

// What goes in a proxy's letter of authorisation, for every event and
// household, with a grant to file everything online and with none: every
// procedure of the plan is in exactly one place or none — in a letter when
// the proxy does it at the counter (or may not file it online), in person
// when nobody may stand in, elsewhere for other offices' own forms — and
// never one that others handle, that a messenger may carry, or that the
// proxy files online.
func TestLetterEveryCase(t *testing.T) {
	today := day(t, "2026-06-01")
	eachCase(t, households(t, today), day(t, "2026-06-20"), func(id string, e *Event, f Facts, yes bool, _ Answers, p *Plan) {
		for _, all := range []bool{true, false} {
			var scopes []string
			if all {
				for _, pr := range e.Procedures {
					scopes = append(scopes, proxy.FileScope(pr.ID))
				}
			}
			g := proxy.Grant{Status: proxy.StatusActive, Scopes: scopes, Expires: time.Now().AddDate(1, 0, 0)}
			w := Acting{Principal: "佐藤 ハナ", Grant: &g}
			sel := p.ForLetter(w)
			seen := map[string]string{}
			place := func(where string, items []Item) {
				for _, it := range items {
					if prev, ok := seen[it.Procedure.ID]; ok {
						t.Errorf("%s/%s: %s both %s and %s", e.ID, id, it.Procedure.ID, prev, where)
					}
					seen[it.Procedure.ID] = where
				}
			}
			for _, l := range sel.Letters {
				place("letter", l.Items)
			}
			place("in person", sel.InPerson)
			place("elsewhere", sel.Elsewhere)
			for _, it := range p.Items {
				pr, where := it.Procedure, seen[it.Procedure.ID]
				switch {
				case pr.Filer == "none" || pr.Filer == "employer" || pr.Proxy == "messenger" || pr.Proxy == "grant" && it.Channel != ChannelBundle:
					if where != "" {
						t.Errorf("%s/%s: %s (%s, %s) is %s", e.ID, id, pr.ID, pr.Filer, pr.Proxy, where)
					}
				case it.Channel == ChannelBundle && p.Limit(w, pr.ID) == LimitNone:
					if where != "" {
						t.Errorf("%s/%s: %s is filed online by the proxy, yet %s", e.ID, id, pr.ID, where)
					}
				case it.Channel == ChannelCounter && pr.Proxy == "none":
					if where != "in person" {
						t.Errorf("%s/%s: nobody stands in for %s, yet %q", e.ID, id, pr.ID, where)
					}
				case it.Channel == ChannelCounter && slices.Contains([]string{"municipality", "old-municipality", "new-municipality"}, pr.Office):
					if where != "letter" {
						t.Errorf("%s/%s: %s at the municipality is %q, not in a letter", e.ID, id, pr.ID, where)
					}
				}
			}
		}
	})
}
