package procedures

// LetterGroup is one letter of authorisation (委任状): the procedures at one
// municipal office.
type LetterGroup struct {
	// Here: the profile's municipality (the current one); else the new
	// one, whose name is left to fill in.
	Here  bool
	Items []Item
}

// ForLetter is what a plan means for a proxy's letter of authorisation:
// the letters, what nobody can do for the principal (InPerson), and
// counter visits at other offices, which have their own forms (Elsewhere).
type ForLetter struct {
	Letters             []LetterGroup
	InPerson, Elsewhere []Item
}

// ForLetter picks the procedures the acting proxy may not file online and
// a letter lets them do at the counter: counter visits someone else may
// make with a letter, and online procedures with a limit (Limit: the grant
// lets them only prepare it, or not at all, or it needs the principal's
// own signature). Nothing that others handle, that is online elsewhere,
// or that anyone may bring (a messenger).
func (p *Plan) ForLetter(w Acting) ForLetter {
	var out ForLetter
	here, there := LetterGroup{Here: true}, LetterGroup{}
	for _, it := range p.Items {
		pr := it.Procedure
		if pr.Filer == "none" || pr.Filer == "employer" {
			continue
		}
		switch it.Channel {
		case ChannelCounter:
			if pr.Proxy != "" && pr.Proxy != "letter" && pr.Proxy != "none" {
				continue
			}
		case ChannelBundle:
			if p.Limit(w, pr.ID) == LimitNone {
				continue // the proxy files it online
			}
		default:
			continue
		}
		switch {
		case pr.Proxy == "none":
			out.InPerson = append(out.InPerson, it)
		case pr.Office == "municipality" || pr.Office == "old-municipality":
			here.Items = append(here.Items, it)
		case pr.Office == "new-municipality":
			there.Items = append(there.Items, it)
		default:
			out.Elsewhere = append(out.Elsewhere, it)
		}
	}
	for _, g := range []LetterGroup{here, there} {
		if len(g.Items) > 0 {
			out.Letters = append(out.Letters, g)
		}
	}
	return out
}
