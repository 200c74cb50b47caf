package procedures

import (
	"strings"

	"madoguchi/i18n"
)

// The words of a plan item, said the same way by the terminal, the window,
// the checklist and the calendar: how its deadline was counted and moved,
// who files, who must go, what a proxy needs, which secrets of the card.

// DeadlineNotes are the lines explaining a deadline: the counting rule
// applied, a move past (or before) a closed day and the rule that moved
// it, a hard limit beside it.
func (it Item) DeadlineNotes(tr *i18n.Localizer) []string {
	d := it.Deadline
	if d == nil {
		return nil
	}
	var out []string
	if d.MovedBecause != "" {
		key := "plan.moved_by"
		if d.MovedBy == "earlier-open-day" {
			key = "plan.moved_earlier"
		}
		out = append(out, tr.T(key, map[string]any{"Legal": tr.DateWithEra(d.Legal), "Effective": tr.DateWithEra(d.Effective),
			"Reason": ClosedReason(tr, d.MovedBecause, d.ClosedName), "Rule": tr.T("movedby." + d.MovedBy)}))
	}
	out = append(out, tr.T("plan.counting", map[string]any{"Rule": tr.T("counting." + d.Counting)}))
	if !d.Limit.IsZero() {
		out = append(out, tr.T("plan.limit", map[string]any{"Date": tr.DateWithEra(d.Limit), "Why": it.Procedure.LimitWhy.In(tr.Lang())}))
	}
	switch it.Window {
	case WindowNotOpen:
		out = append(out, tr.T("plan.window_not_open", map[string]any{"Date": tr.DateWithEra(d.Opens)}))
	case WindowClosed:
		out = append(out, tr.T("plan.window_closed", map[string]any{"Date": tr.DateWithEra(d.Effective)}))
	}
	return out
}

// ClosedReason is why a day is closed, in words: a holiday by its name, a
// substitute holiday as such (with the holiday it stands in for), the
// office's own closure by the profile's reason.
func ClosedReason(tr *i18n.Localizer, reason, name string) string {
	if reason == "holiday" || reason == "substitute-holiday" {
		name = tr.T("holiday." + name)
	}
	return tr.T("closed."+reason, map[string]any{"Name": name})
}

// Who are the lines on who files, who must go in person, what someone
// acting for the person needs, and which of the card's secrets it takes.
// principal is the name of the person acted for ("" : the person's own).
func (it Item) Who(tr *i18n.Localizer, principal string) []string {
	pr := it.Procedure
	filer := pr.Filer
	if filer == "claimant" && it.Claimant != "" {
		filer += "." + it.Claimant
	}
	data := map[string]any{"Name": principal}
	key := "filer." + filer
	if principal != "" && tr.Has(key+".acting") {
		key += ".acting"
	}
	out := []string{tr.T("plan.filer", map[string]any{"Who": tr.T(key, data)})}
	if pr.Attend != "" {
		key := "attend." + pr.Attend
		if pr.Proxy == "none" && tr.Has(key+".only") {
			key += ".only" // nobody may go in their place: no letter is offered
		}
		out = append(out, tr.T(key))
	}
	proxy := pr.Proxy
	if proxy == "" {
		proxy = "letter"
		if it.Channel == ChannelBundle {
			proxy = "grant"
		}
	}
	if pr.OwnSignature && it.Channel == ChannelBundle {
		proxy = "own"
	}
	if pr.Filer != "none" && pr.Filer != "employer" {
		out = append(out, tr.T("proxy_needs."+proxy))
	}
	if len(pr.Secrets) > 0 && it.Channel != ChannelOther {
		names := make([]string, 0, len(pr.Secrets))
		for _, s := range pr.Secrets {
			names = append(names, tr.T("secret."+s))
		}
		out = append(out, tr.T("plan.secrets", map[string]any{"Secrets": strings.Join(names, tr.T("list.separator"))}))
	}
	return out
}

// Say is the change in one line: what stands filed, what changed and is
// sent as a correction, what is withdrawn, what is sent new.
func (c Change) Say(tr *i18n.Localizer) string {
	var fields []string
	for _, f := range c.Fields {
		if tr.Has("field." + f) {
			f = tr.T("field." + f)
		}
		fields = append(fields, f)
	}
	key := "filing." + c.Change
	if c.Change == ChangeAtCounter && len(fields) > 0 {
		key = "filing.at-counter-changed"
	}
	return tr.T(key, map[string]any{"Receipt": c.Receipt, "Fields": strings.Join(fields, tr.T("list.separator"))})
}
