package gui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"madoguchi/account"
	"madoguchi/auth/card"
	"madoguchi/auth/reader"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/procedures"
	"madoguchi/procedures/checklist"
	"madoguchi/procedures/postal"
	"madoguchi/protocol/bundle"
	"madoguchi/protocol/proxy"
	"madoguchi/ui"
)

// lifeService implements ui.LifeEventService over the account (drafts,
// facts from the residence record, filing) and the catalogue with the
// municipality's own rules. Signed out, answers live in memory only.
type lifeService struct {
	signIn    *signInService
	m         *reader.Monitor
	catalog   *procedures.Catalog
	overrides procedures.Overrides

	mu sync.Mutex
	// memory keeps the answers signed out (nowhere else)
	memory *procedures.MemoryDrafts
	// interviews are the events' interviews for interviewsFor (the
	// account they keep their answers in; nil: signed out)
	interviews    map[string]*procedures.Interview
	interviewsFor *account.Account
	// known is what the signed-in account's certificates say, read once
	// per account (not at every answer: each read verifies a certificate)
	known    procedures.Facts
	knownFor *account.Account
	// onOpened and onFiled are told of each event opened and what each
	// submission filed (the kiosk's take-home); nil: nobody listens
	onOpened func(event string)
	onFiled  func(event string, rs []bundle.Receipt)
}

// wipe drops every answer and everything read for a person (a kiosk
// session's end).
func (l *lifeService) wipe() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.memory.Forget()
	l.memory = &procedures.MemoryDrafts{}
	l.interviews, l.interviewsFor = nil, nil
	l.known, l.knownFor = procedures.Facts{}, nil
}

var _ ui.LifeEventService = (*lifeService)(nil)

// newLifeService loads the catalogue with the profile's rules.
func newLifeService(signIn *signInService, m *reader.Monitor) (*lifeService, error) {
	cat, err := procedures.Bundled(i18n.Languages())
	if err != nil {
		return nil, err
	}
	o, err := procedures.ParseOverrides(signIn.profile.Procedures)
	if err != nil {
		return nil, err
	}
	if cat, err = cat.Apply(o, procedures.ProfileLanguages); err != nil {
		return nil, err
	}
	return &lifeService{signIn: signIn, m: m, catalog: cat, overrides: o, memory: &procedures.MemoryDrafts{}}, nil
}

// Owner: the principal's name while acting for them.
func (l *lifeService) Owner() string { return actingFor(l.signIn) }

// Events are the life events; acting for someone, only those with a
// procedure their grant lets the proxy prepare.
func (l *lifeService) Events(lang string) []ui.LifeEvent {
	var out []ui.LifeEvent
	a := l.signIn.Account()
	for _, e := range l.catalog.Events {
		if a != nil && a.Acting() != nil && !slices.ContainsFunc(e.Procedures, func(p procedures.Procedure) bool {
			return a.Allows(proxy.PrepareScope(p.ID))
		}) {
			continue
		}
		out = append(out, ui.LifeEvent{ID: e.ID, Name: e.Name.In(lang), Help: e.Help.In(lang)})
	}
	return out
}

func (l *lifeService) event(id string) (*procedures.Event, error) {
	e, ok := l.catalog.Event(id)
	if !ok {
		return nil, failure.New(procedures.CodeUnknownEvent, id)
	}
	return e, nil
}

// draft is the event with its answers so far (and the draft, signed in).
func (l *lifeService) draft(ctx context.Context, event string) (*procedures.Event, procedures.Answers, *account.Draft, error) {
	e, err := l.event(event)
	if err != nil {
		return nil, nil, nil, err
	}
	ans, d, err := l.answers(ctx, e)
	return e, ans, d, err
}

// drafts are where the answers are kept: the account's sealed drafts, or
// memory signed out.
func (l *lifeService) drafts() (procedures.Drafts, *account.Account) {
	if a := l.signIn.Account(); a != nil {
		return a, a
	}
	return l.memory, nil
}

// answers are the event's answers so far (and the draft, signed in).
func (l *lifeService) answers(ctx context.Context, e *procedures.Event) (procedures.Answers, *account.Draft, error) {
	drafts, a := l.drafts()
	var d *account.Draft
	var data []byte
	if a != nil {
		dr, _, err := a.LoadDraft(ctx, e.ID)
		if err != nil {
			return nil, nil, err
		}
		d, data = &dr, dr.Answers
	} else {
		var err error
		if data, _, err = drafts.LoadAnswers(ctx, e.ID); err != nil {
			return nil, nil, err
		}
	}
	if len(data) == 0 {
		return procedures.Answers{}, d, nil
	}
	ans, err := e.ParseAnswers(data)
	return ans, d, err
}

func (l *lifeService) save(ctx context.Context, e *procedures.Event, ans procedures.Answers, typed map[string]string) error {
	enc, err := e.EncodeAnswers(ans)
	if err != nil {
		return err
	}
	drafts, a := l.drafts()
	if a == nil {
		_, err = drafts.KeepAnswers(ctx, e.ID, enc)
		return err
	}
	if typed == nil {
		if d, _, err := a.LoadDraft(ctx, e.ID); err == nil {
			typed = d.Typed
		}
	}
	_, err = a.SaveAnswers(ctx, e.ID, enc, typed)
	return err
}

// interview is the event's interview (procedures.Interview), started
// again (the answers read afresh) when fresh or when the sign-in changed.
func (l *lifeService) interview(ctx context.Context, event string, fresh bool) (*procedures.Interview, error) {
	e, err := l.event(event)
	if err != nil {
		return nil, err
	}
	f, err := l.facts(ctx)
	if err != nil {
		return nil, err
	}
	drafts, a := l.drafts()
	l.mu.Lock()
	if l.interviews == nil || l.interviewsFor != a {
		l.interviews, l.interviewsFor = map[string]*procedures.Interview{}, a
	}
	iv := l.interviews[event]
	l.mu.Unlock()
	if iv != nil && !fresh {
		return iv, nil
	}
	if iv, err = procedures.StartInterview(ctx, e, f, drafts); err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.interviews[event] = iv
	l.mu.Unlock()
	return iv, nil
}

// facts are what the residence record says (fetched once when signed in
// and none is kept), with the municipality's own facts.
func (l *lifeService) facts(ctx context.Context) (procedures.Facts, error) {
	f := procedures.Facts{}
	if a := l.signIn.Account(); a != nil {
		l.mu.Lock()
		cached := l.knownFor == a
		f = l.known
		l.mu.Unlock()
		if !cached {
			var err error
			if f, err = a.ResidenceFacts(ctx, true); err != nil {
				return f, err
			}
			l.mu.Lock()
			l.known, l.knownFor = f, a
			l.mu.Unlock()
		}
	}
	f.Today = time.Now()
	f.Profile = l.overrides.Profile(l.signIn.profile.ID)
	return f, nil
}

func (l *lifeService) Resume(ctx context.Context, event, lang string) (ui.Step, error) {
	iv, err := l.interview(ctx, event, true)
	if err != nil {
		return ui.Step{}, err
	}
	if l.onOpened != nil {
		l.onOpened(event)
	}
	st, err := iv.Step()
	return l.view(st, lang), err
}

// view is the interview's step as the window shows it.
func (l *lifeService) view(st procedures.Step, lang string) ui.Step {
	out := ui.Step{Answered: st.Answered, Known: st.Known, Saved: st.Saved, Reviewing: st.Reviewing}
	if _, a := l.drafts(); a != nil && out.Saved.IsZero() {
		out.Saved = time.Now()
	}
	if q := st.Question; q != nil {
		v := ui.Question{ID: q.ID, Type: q.Type, Text: q.Text.In(lang), Help: q.Help.In(lang), Value: st.Previous}
		for _, c := range q.Choices {
			v.Choices = append(v.Choices, ui.QuestionChoice{ID: c.ID, Text: c.Text.In(lang)})
		}
		for _, m := range st.Members {
			v.Choices = append(v.Choices, ui.QuestionChoice{ID: m, Text: m})
		}
		out.Question = &v
	}
	return out
}

func (l *lifeService) Answer(ctx context.Context, event, question string, value any, lang string) (ui.Step, error) {
	iv, err := l.interview(ctx, event, false)
	if err != nil {
		return ui.Step{}, err
	}
	st, err := iv.Answer(ctx, question, value)
	return l.view(st, lang), err
}

func (l *lifeService) Back(ctx context.Context, event, lang string) (ui.Step, error) {
	iv, err := l.interview(ctx, event, false)
	if err != nil {
		return ui.Step{}, err
	}
	st, err := iv.Back(ctx)
	return l.view(st, lang), err
}

func (l *lifeService) Current(ctx context.Context, event, lang string) (ui.Step, error) {
	iv, err := l.interview(ctx, event, false)
	if err != nil {
		return ui.Step{}, err
	}
	st, err := iv.Step()
	return l.view(st, lang), err
}

func (l *lifeService) Forward(ctx context.Context, event, lang string) (ui.Step, error) {
	iv, err := l.interview(ctx, event, false)
	if err != nil {
		return ui.Step{}, err
	}
	st, err := iv.Forward()
	return l.view(st, lang), err
}

// plan is the event's plan with the facts it was made from.
func (l *lifeService) plan(ctx context.Context, event string) (*procedures.Plan, procedures.Facts, *account.Draft, error) {
	e, ans, d, err := l.draft(ctx, event)
	if err != nil {
		return nil, procedures.Facts{}, nil, err
	}
	f, err := l.facts(ctx)
	if err != nil {
		return nil, f, nil, err
	}
	p, err := e.Plan(f, ans, l.overrides.Calendar())
	return p, f, d, err
}

func (l *lifeService) Plan(ctx context.Context, event, lang string) (ui.Plan, error) {
	p, f, d, err := l.plan(ctx, event)
	if err != nil {
		return ui.Plan{}, err
	}
	out := ui.Plan{Event: event}
	// acting for someone: what the grant and the law leave to them is said
	// at the procedure, and signing is not offered
	a := l.signIn.Account()
	var who procedures.Acting // what the acting person may do, once
	if a != nil {
		who = a.ActingAs()
	}
	tr := i18n.New(lang)
	var notMine []string
	for _, it := range p.Items {
		pr := it.Procedure
		v := ui.PlanItem{ID: pr.ID, Name: pr.Name.Counter(lang), Why: pr.Why.In(lang), LostIfMissed: pr.LostIfMissed.In(lang),
			Office: pr.Office, Channel: it.Channel, Urgent: pr.Urgent, Online: it.Channel == procedures.ChannelBundle,
			Who: it.Who(tr, who.Principal), DeadlineNotes: it.DeadlineNotes(tr)}
		if d := it.Deadline; d != nil {
			v.Deadline, v.Legal, v.Opens, v.MovedBecause, v.ClosedName, v.DaysLeft = d.Effective, d.Legal, d.Opens, d.MovedBecause, d.ClosedName, it.DaysLeft
		}
		if v.Online {
			switch p.Limit(who, pr.ID) {
			case procedures.LimitOwnSignature:
				v.Note = tr.T("life.own_signature", map[string]any{"Name": who.Principal})
			case procedures.LimitNotGranted, procedures.LimitPrepareOnly:
				v.Note = tr.T("life.not_granted", map[string]any{"Name": who.Principal})
			}
			if v.Note != "" {
				notMine = append(notMine, v.Name)
			}
		}
		out.Items = append(out.Items, v)
	}
	if len(notMine) > 0 {
		out.CannotFile = tr.T("life.cannot_file_as_proxy", map[string]any{"Name": who.Principal, "Procedures": strings.Join(notMine, tr.T("list.separator"))})
	} else if err := p.MayFile(who); err != nil { // e.g. the address attached, not allowed
		e := tr.Explain(err)
		out.CannotFile = e.Cause + " " + e.Action
	}
	var typed map[string]string
	if d != nil {
		typed = d.Typed
	}
	// against what was filed: what stands, what is corrected, withdrawn
	var changes []procedures.Change
	if a != nil {
		if ch, newEvent, err := a.Changes(ctx, p, f); err == nil {
			changes, out.NewEvent = ch, newEvent
		}
	}
	sends := func(id string) bool {
		if len(changes) == 0 {
			return true
		}
		return slices.ContainsFunc(changes, func(c procedures.Change) bool { return c.Procedure == id && c.Sends() })
	}
	for _, c := range changes {
		if c.Sends() {
			out.Sending++
		}
		if i := slices.IndexFunc(out.Items, func(v ui.PlanItem) bool { return v.ID == c.Procedure }); i >= 0 {
			out.Items[i].Filing = c.Say(tr)
		} else if pr, ok := p.Event.Procedure(c.Procedure); ok {
			out.Withdrawals = append(out.Withdrawals, pr.Name.Counter(lang)+" — "+c.Say(tr))
		}
	}
	out.Filed = len(changes) > 0 && out.Sending == 0
	if id, opens, ok := p.NotOpen(); ok && out.CannotFile == "" {
		// before its window opens nothing is signed: say when, instead of
		// offering a button that would refuse
		name := id
		if pr, found := p.Event.Procedure(id); found {
			name = pr.Name.Counter(lang)
		}
		out.CannotFile = tr.T("life.not_open_yet", map[string]any{"Procedure": name, "Date": tr.DateWithEra(opens)})
	}
	out.Letter = who.ForSomeone() && len(p.ForLetter(who).Letters) > 0
	for _, at := range p.Attachments() {
		out.Attachments = append(out.Attachments, ui.Attachment{Kind: at.Certificate, Fields: at.Fields})
	}
	for _, h := range p.Handoffs() {
		if who.ForSomeone() {
			break // giving their documents to a third party is theirs to do
		}
		if out.Handoffs == nil {
			out.Handoffs = map[string][]ui.Handoff{}
		}
		out.Handoffs[h.Procedure] = append(out.Handoffs[h.Procedure], ui.Handoff{Attachment: ui.Attachment{Kind: h.Certificate, Fields: h.Fields}, To: h.To})
	}
	apps, pf := p.Applications(f, typed)
	out.Prefill = pf.Ratio()
	for _, m := range pf.Missing {
		if proc, _, _ := strings.Cut(m, "."); sends(proc) {
			out.ToType = append(out.ToType, m)
		}
	}
	if len(changes) == 0 {
		out.Sending = len(apps)
	}
	for _, app := range apps {
		if !sends(app.Procedure) {
			continue // filed and unchanged: not signed again
		}
		form := ui.Form{Procedure: app.Procedure, Sources: app.Sources}
		if pr, ok := p.Event.Procedure(app.Procedure); ok {
			form.Procedure = pr.Name.Counter(lang)
		}
		names := make([]string, 0, len(app.Fields))
		for k := range app.Fields {
			names = append(names, k)
		}
		for _, k := range i18n.OrderFields(names) {
			form.Fields = append(form.Fields, ui.Field{Name: k, Value: app.Fields[k]})
		}
		out.Forms = append(out.Forms, form)
	}
	return out, nil
}

func (l *lifeService) Submit(ctx context.Context, event string, typed map[string]string, ask ui.PINAsker, lang string) ([]ui.Receipt, bool, error) {
	a := l.signIn.Account()
	if a == nil {
		return nil, false, failure.New(account.CodeNotSignedIn, "sign in to file")
	}
	e, ans, d, err := l.draft(ctx, event)
	if err != nil {
		return nil, false, err
	}
	if d != nil {
		merged := map[string]string{}
		for k, v := range d.Typed {
			merged[k] = v
		}
		for k, v := range typed {
			if v != "" {
				merged[k] = v
			}
		}
		if err := l.save(ctx, e, ans, merged); err != nil {
			return nil, false, err
		}
	}
	p, f, _, err := l.plan(ctx, event)
	if err != nil {
		return nil, false, err
	}
	in, err := a.Intake()
	if err != nil {
		return nil, false, err
	}
	res, err := a.File(ctx, account.FileRequest{Plan: p, Facts: f, Card: l.m.Do, Intake: in,
		Prompt: func(_ context.Context, sec card.Secret, tries int) (card.PIN, bool, error) {
			pin, confirm, err := ask(string(sec), tries)
			return card.PIN(pin), confirm, err
		}})
	if err != nil {
		return nil, false, err
	}
	if l.onFiled != nil {
		l.onFiled(event, res.Receipts)
	}
	return l.views(res.Receipts, lang), !res.Repeated, nil
}

func (l *lifeService) Receipts(ctx context.Context, lang string) ([]ui.Receipt, bool, error) {
	a := l.signIn.Account()
	if a == nil {
		return nil, false, failure.New(account.CodeNotSignedIn, "sign in to see your applications")
	}
	in, err := a.Intake()
	if err != nil {
		return nil, false, err
	}
	rs, stale, err := a.Receipts(ctx, in)
	return l.views(rs, lang), stale, err
}

// views are receipts as the screen shows them, procedures by name.
func (l *lifeService) views(rs []bundle.Receipt, lang string) []ui.Receipt {
	var out []ui.Receipt
	for _, r := range rs {
		name := r.Procedure
		for _, e := range l.catalog.Events {
			if p, ok := e.Procedure(r.Procedure); ok {
				name = p.Name.Counter(lang)
				break
			}
		}
		// a correction or withdrawal says what it refers to; a replaced
		// receipt says by what
		tr := i18n.New(lang)
		var rel []string
		switch r.Kind {
		case bundle.KindCorrection:
			rel = append(rel, tr.T("receipt.corrects", map[string]any{"Receipt": r.Corrects}))
		case bundle.KindWithdrawal:
			rel = append(rel, tr.T("receipt.withdraws", map[string]any{"Receipt": r.Corrects}))
		}
		if r.CorrectedBy != "" {
			rel = append(rel, tr.T("receipt.corrected_by", map[string]any{"Receipt": r.CorrectedBy}))
		}
		if r.Note != "" {
			rel = append(rel, r.Note)
		}
		out = append(out, ui.Receipt{Number: r.Number, Procedure: name, Status: r.Status, Note: strings.Join(rel, " · "), Updated: r.Updated,
			NeedsYou: r.Status == bundle.StatusNeedsInfo || r.Status == bundle.StatusRejected})
	}
	return out
}

func (l *lifeService) Address(code string) string {
	if as := postal.Lookup(code); len(as) > 0 {
		return as[0].String()
	}
	return ""
}

func (l *lifeService) Parse(event, question, text string) (any, error) {
	e, ok := l.catalog.Event(event)
	if !ok {
		return nil, fmt.Errorf("no event %q", event)
	}
	return e.ParseText(question, text)
}

func (l *lifeService) Typed(field, text string) (string, error) {
	return procedures.NormalizeTyped(field, text)
}

func (l *lifeService) Checklist(ctx context.Context, event, lang string) ([]byte, error) {
	p, _, _, err := l.plan(ctx, event)
	if err != nil {
		return nil, err
	}
	return checklist.PDF(p, i18n.New(lang), l.overrides, time.Now())
}

// Letter is the letter of authorisation (委任状) for what the proxy does
// at the counter for the principal (procedures.Plan.ForLetter): the
// principal as their record says (else the name on the grant), the proxy
// as their own record says.
func (l *lifeService) Letter(ctx context.Context, event string) ([]byte, error) {
	a := l.signIn.Account()
	if a == nil || a.Acting() == nil {
		return nil, failure.New(checklist.CodeNoLetter, "a letter of authorisation is for acting for someone")
	}
	p, f, _, err := l.plan(ctx, event)
	if err != nil {
		return nil, err
	}
	principal := checklist.PersonOf(f)
	if principal.Name == "" {
		principal = checklist.Person{Name: a.Name()}
	}
	proxy := checklist.Person{Name: a.Own().Name()}
	if own, err := a.Own().ResidenceFacts(ctx, false); err == nil && own.Me.Name != "" {
		proxy = checklist.PersonOf(own)
	}
	letters := checklist.Letters(p.ForLetter(a.ActingAs()), principal, proxy, f.Profile.City, time.Now())
	if len(letters) == 0 {
		return nil, failure.New(checklist.CodeNoLetter, "nothing in this plan needs a letter of authorisation")
	}
	return checklist.LetterPDF(letters...)
}

func (l *lifeService) Calendar(ctx context.Context, event, lang string) ([]byte, error) {
	p, _, _, err := l.plan(ctx, event)
	if err != nil {
		return nil, err
	}
	return []byte(p.ICS(i18n.New(lang), time.Now())), nil
}

func (l *lifeService) Handoff(ctx context.Context, event, procedure string) error {
	a := l.signIn.Account()
	if a == nil {
		return failure.New(account.CodeNotSignedIn, "sign in to give certificates")
	}
	p, _, _, err := l.plan(ctx, event)
	if err != nil {
		return err
	}
	defer l.forget() // a certificate may have been fetched: read them again
	for _, h := range p.Handoffs() {
		if h.Procedure == procedure {
			if err := a.Handoff(ctx, h); err != nil {
				return err
			}
		}
	}
	return nil
}

// forget drops what the certificates said (they changed).
func (l *lifeService) forget() {
	l.memory.Forget()
	l.mu.Lock()
	l.knownFor, l.interviews = nil, nil
	l.mu.Unlock()
}
