package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
)

// LifeEventScreen is the home of a resident: "What happened?" with a large
// tile per life event, then one question per screen (back, next, progress,
// autosaved), the plan with its deadlines, and filing the online
// procedures as one bundle signed on the card, with receipts.
type LifeEventScreen struct {
	// async runs slow work off the main goroutine; it reports through fyne.Do
	async func(func())
	win   fyne.Window
	svc   LifeEventService
	tr    *i18n.Localizer
	rule  PINRule
	root  *fyne.Container
	event string
	ctx   context.Context
	stop  context.CancelFunc
	// keys are the wizard's keyboard handlers (Enter: next, Escape: back;
	// digits choose an answer, 1 = the first button).
	onEnter, onEscape func()
	onDigit           []func()
	given             fyne.Focusable // the answer given before (going back)
	// view is what shows (a question, the plan…), kept so that another
	// language shows the same
	view string
	// gen counts what was shown: a slow answer for a screen the person
	// has already left (pressed Back twice, chose another event) is
	// dropped instead of taking the screen back. Main goroutine only.
	gen int
}

// Views of the life-event screen.
const (
	viewHome     = "home"
	viewQuestion = "question"
	viewPlan     = "plan"
	viewReceipts = "receipts"
)

// LifeState is where the screen stands: what a change of language keeps.
type LifeState struct {
	Event, View string
	// Typed is the text in the answer box, not yet given.
	Typed string
}

// State is where the screen stands now. Main goroutine only.
func (s *LifeEventScreen) State() LifeState {
	st := LifeState{Event: s.event, View: s.view}
	if s.view == viewQuestion {
		st.Typed = entryText(s.root)
	}
	return st
}

// Restore shows what State returned (another language, the same place and
// the same typed text). Main goroutine only.
func (s *LifeEventScreen) Restore(st LifeState) {
	switch st.View {
	case viewQuestion:
		s.event = st.Event
		s.loading()
		g := s.gen // a result for a screen left meanwhile is dropped
		s.async(func() {
			step, err := s.svc.Current(s.ctx, st.Event, s.tr.Lang())
			fyne.Do(func() {
				if g != s.gen {
					return
				}
				s.step(step, err)
				if st.Typed != "" {
					setEntryText(s.root, st.Typed)
				}
			})
		})
	case viewPlan:
		s.event = st.Event
		s.Plan()
	case viewReceipts:
		s.Applications()
	}
}

// NewLifeEventScreen builds the screen on its home.
func NewLifeEventScreen(win fyne.Window, svc LifeEventService, tr *i18n.Localizer, rule PINRule) *LifeEventScreen {
	ctx, stop := context.WithCancel(context.Background())
	s := &LifeEventScreen{win: win, svc: svc, tr: tr, rule: rule, root: container.NewStack(), ctx: ctx, stop: stop,
		async: func(f func()) { go f() }}
	s.Home()
	return s
}

// Object is the screen's canvas object.
func (s *LifeEventScreen) Object() fyne.CanvasObject { return s.root }

// Stop cancels work in progress (window closed).
func (s *LifeEventScreen) Stop() { s.stop() }

// TypedRune chooses an answer by its number (the buttons show it).
func (s *LifeEventScreen) TypedRune(r rune) {
	if i := int(r - '1'); i >= 0 && i < len(s.onDigit) {
		s.onDigit[i]()
	}
}

// TypedKey is the wizard's keyboard: Enter goes on, Escape goes back. The
// shell routes the window's keys here while this screen shows.
func (s *LifeEventScreen) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if s.onEnter != nil {
			s.onEnter()
		}
	case fyne.KeyEscape:
		if s.onEscape != nil {
			s.onEscape()
		}
	}
}

// escape is what Escape does on the screen now (entries pass it here).
func (s *LifeEventScreen) escape() {
	if s.onEscape != nil {
		s.onEscape()
	}
}

// keys sets what Enter and Escape do on a screen without numbered answers.
func (s *LifeEventScreen) keys(enter, escape func()) {
	s.onEnter, s.onEscape, s.onDigit = enter, escape, nil
}

func (s *LifeEventScreen) show(objs ...fyne.CanvasObject) {
	s.gen++
	s.root.Objects = []fyne.CanvasObject{container.NewVScroll(container.NewPadded(container.NewVBox(objs...)))}
	s.root.Refresh()
}

// showWithBar shows objs scrolling above bar, which stays in view.
func (s *LifeEventScreen) showWithBar(bar fyne.CanvasObject, objs ...fyne.CanvasObject) {
	s.gen++
	s.root.Objects = []fyne.CanvasObject{container.NewBorder(nil, container.NewPadded(bar), nil, nil,
		container.NewVScroll(container.NewPadded(container.NewVBox(objs...))))}
	s.root.Refresh()
}

func heading(text string) *Para {
	l := NewPara(text)
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.SizeName = theme.SizeNameHeadingText
	return l
}

// wrapped is a paragraph that wraps in every language (BreakLines: at
// spaces, between CJK characters, by the 禁則 rules).
func wrapped(text string) *Para { return NewPara(text) }

// Home shows the life-event tiles and My applications. Main goroutine only.
func (s *LifeEventScreen) Home() {
	s.keys(nil, nil)
	s.view = viewHome
	lang := s.tr.Lang()
	var tiles []fyne.CanvasObject
	for _, e := range s.svc.Events(lang) {
		id := e.ID
		// the name wraps and the tile grows (×2 text, long names in any language)
		b := NewAnswerButton(e.Name, func() { s.Start(id) })
		b.Importance = widget.HighImportance
		tiles = append(tiles, container.NewVBox(b, wrapped(e.Help)))
	}
	apps := NewButton(whose(s.tr, "life.my_applications", s.svc.Owner()), s.Applications)
	s.show(heading(whose(s.tr, "life.what_happened", s.svc.Owner())), wrapped(s.tr.T("life.intro")),
		container.NewGridWithColumns(max(1, min(columns(s.win), len(tiles))), tiles...), widget.NewSeparator(), apps)
}

// columns is one column in a narrow window (large text), else three.
func columns(win fyne.Window) int {
	if win != nil && win.Canvas().Size().Width < 900 {
		return 1
	}
	return 3
}

// Start opens an event's interview where its draft stopped.
func (s *LifeEventScreen) Start(event string) {
	s.event = event
	s.loading()
	g := s.gen // a result for a screen left meanwhile is dropped
	s.async(func() {
		st, err := s.svc.Resume(s.ctx, event, s.tr.Lang())
		fyne.Do(func() {
			if g == s.gen {
				s.step(st, err)
			}
		})
	})
}

func (s *LifeEventScreen) loading() {
	s.keys(nil, nil)
	p := widget.NewProgressBarInfinite()
	s.show(wrapped(s.tr.T("life.loading")), p)
}

// step shows the next question, or the plan when none is left.
func (s *LifeEventScreen) step(st Step, err error) {
	if err != nil {
		s.failure(err, s.Home)
		return
	}
	if st.Question == nil {
		s.Plan()
		return
	}
	q := st.Question
	s.view = viewQuestion
	errLabel := wrapped("")
	errLabel.Importance = widget.DangerImportance
	answer := func(v any) {
		s.loading()
		g := s.gen       // a result for a screen left meanwhile is dropped
		event := s.event // the event asked about, not the one shown when the answer comes
		s.async(func() {
			next, err := s.svc.Answer(s.ctx, event, q.ID, v, s.tr.Lang())
			fyne.Do(func() {
				if g == s.gen {
					s.step(next, err)
				}
			})
		})
	}
	back := NewButtonWithIcon(s.tr.T("life.back"), theme.NavigateBackIcon(), func() {
		s.loading()
		g := s.gen       // a result for a screen left meanwhile is dropped
		event := s.event // the event asked about, not the one shown when the answer comes
		s.async(func() {
			prev, err := s.svc.Back(s.ctx, event, s.tr.Lang())
			fyne.Do(func() {
				if g == s.gen {
					s.step(prev, err)
				}
			})
		})
	})
	home := NewButtonWithIcon(s.tr.T("life.home"), theme.HomeIcon(), s.Home)
	input, next := s.input(q, answer, errLabel)
	progress := wrapped(s.tr.T("life.progress", map[string]any{"Answered": st.Answered, "Known": st.Known}))
	progress.Importance = widget.LowImportance
	saved := wrapped(s.tr.T("life.not_saved"))
	if !st.Saved.IsZero() {
		saved.SetText(s.tr.T("life.saved"))
	}
	saved.Importance = widget.LowImportance
	nav := []fyne.CanvasObject{home, back}
	var rest fyne.CanvasObject
	if st.Reviewing {
		// back through answers given: the rest are kept, and one press
		// goes on to the plan with all of them
		kr := NewButtonWithIcon(s.tr.T("life.keep_rest"), theme.MediaFastForwardIcon(), func() {
			s.loading()
			g := s.gen       // a result for a screen left meanwhile is dropped
			event := s.event // the event asked about, not the one shown when the answer comes
			s.async(func() {
				next, err := s.svc.Forward(s.ctx, event, s.tr.Lang())
				fyne.Do(func() {
					if g == s.gen {
						s.step(next, err)
					}
				})
			})
		})
		rest = kr
	}
	if next != nil {
		nb := NewButtonWithIcon(s.tr.T("life.next"), theme.NavigateNextIcon(), next)
		nb.Importance = widget.HighImportance
		nav = append(nav, nb)
		s.onEnter = next
	} else {
		s.onEnter = nil
	}
	s.onEscape = back.OnTapped
	q1 := boldPara(q.Text)
	q1.SizeName = theme.SizeNameSubHeadingText
	objs := []fyne.CanvasObject{q1}
	if owner := s.svc.Owner(); owner != "" {
		// acting: every question is about the principal, not "you"
		objs = append([]fyne.CanvasObject{heading(whose(s.tr, "life.questions", owner))}, objs...)
	}
	// the answers right under the question (in view at ×2), why it is
	// asked after them
	objs = append(objs, input, errLabel)
	if q.Help != "" {
		objs = append(objs, wrapped(q.Help))
	}
	objs = append(objs, progress, saved)
	// the way on stays in view below the question, however long it is and
	// at any text size
	bar := []fyne.CanvasObject{widget.NewSeparator(), container.NewHBox(nav...)}
	if rest != nil {
		bar = append(bar, rest)
	}
	s.showWithBar(container.NewVBox(bar...), objs...)
	if e := firstEntry(input); e != nil {
		s.win.Canvas().Focus(e)
	} else if s.given != nil {
		s.win.Canvas().Focus(s.given)
	} else {
		s.win.Canvas().Unfocus()
	}
}

// input is the widget for a question and, for typed answers, what Next
// does (nil when choosing answers at once).
func (s *LifeEventScreen) input(q *Question, answer func(any), errLabel *Para) (fyne.CanvasObject, func()) {
	s.onDigit = nil
	// the answer given before is marked in words and with a tick (not by
	// colour alone), and focused; Next (and Enter) keeps it
	s.given = nil
	var keep func()
	big := func(text string, given bool, fn func()) fyne.CanvasObject {
		s.onDigit = append(s.onDigit, fn)
		label := fmt.Sprintf("%d. %s", len(s.onDigit), text)
		if given {
			label = fmt.Sprintf("%d. %s", len(s.onDigit), s.tr.T("life.previous_answer", map[string]any{"Answer": text}))
		}
		b := NewAnswerButton(label, fn)
		if given {
			b.Icon = theme.ConfirmIcon()
			b.Importance = widget.HighImportance
			s.given, keep = b, fn
		}
		return b
	}
	switch q.Type {
	case "yesno":
		return container.NewGridWithColumns(2, big(s.tr.T("life.yes"), q.Value == true, func() { answer(true) }),
			big(s.tr.T("life.no"), q.Value == false, func() { answer(false) })), keep
	case "choice":
		var bs []fyne.CanvasObject
		for _, c := range q.Choices {
			id := c.ID
			bs = append(bs, big(c.Text, q.Value == id, func() { answer(id) }))
		}
		return container.NewVBox(bs...), keep
	case "members":
		if len(q.Choices) == 0 {
			// no household known (signed out, or the record lacks it): the
			// names are typed, one per line
			e := newEntry(true, s.escape)
			e.label = q.Text
			e.SetPlaceHolder(s.tr.T("life.members_placeholder"))
			e.SetMinRowsVisible(3)
			if v, ok := q.Value.([]string); ok {
				e.SetText(strings.Join(v, "\n"))
			}
			return container.NewVBox(wrapped(s.tr.T("life.members_typed")), e), func() {
				var names []string
				for _, n := range strings.FieldsFunc(e.Text, func(r rune) bool { return r == '\n' || r == ',' || r == '、' }) {
					if n = strings.TrimSpace(n); n != "" {
						names = append(names, n)
					}
				}
				if len(names) == 0 {
					errLabel.SetText(s.tr.T("life.choose_someone"))
					return
				}
				answer(names)
			}
		}
		var names []string
		for _, c := range q.Choices {
			names = append(names, c.Text)
		}
		// each person a large button ticked or not (Space or Enter turns
		// it), said in words to a screen reader; everyone ticked at first
		chosen := map[string]bool{}
		if v, ok := q.Value.([]string); ok {
			for _, n := range v {
				chosen[n] = true
			}
		} else {
			for _, n := range names {
				chosen[n] = true
			}
		}
		var boxes []fyne.CanvasObject
		for _, n := range names {
			b := NewAnswerButton(n, nil)
			show := func() {
				b.Icon, b.State = theme.CheckButtonIcon(), s.tr.T("life.not_chosen")
				if chosen[n] {
					b.Icon, b.State = theme.CheckButtonCheckedIcon(), s.tr.T("life.chosen")
				}
				b.Refresh()
			}
			b.OnTapped = func() { chosen[n] = !chosen[n]; show() }
			show()
			boxes = append(boxes, b)
		}
		return container.NewVBox(boxes...), func() {
			var picked []string
			for _, n := range names { // in the record's order
				if chosen[n] {
					picked = append(picked, n)
				}
			}
			if len(picked) == 0 {
				errLabel.SetText(s.tr.T("life.choose_someone"))
				return
			}
			answer(picked)
		}
	}
	e := newEntry(false, s.escape)
	e.label = q.Text
	if q.Value != nil {
		switch v := q.Value.(type) {
		case time.Time:
			e.SetText(v.In(i18n.JST).Format(time.DateOnly))
		default:
			e.SetText(fmt.Sprint(v))
		}
	}
	// the answer as the interview reads it (procedures: dates as people
	// write them, any digits)
	parse := func() (any, bool) {
		v, err := s.svc.Parse(s.event, q.ID, e.Text)
		return v, err == nil
	}
	var found *Para
	switch q.Type {
	case "date":
		e.SetPlaceHolder(s.tr.T("life.date_placeholder"))
		// the date as it was understood, before going on: 2026/4/1 and
		// 令和8年4月1日 both read back as one day, with its weekday
		found = boldPara("")
		e.OnChanged = func(string) {
			if v, ok := parse(); ok {
				found.SetText(s.tr.T("life.date_understood", map[string]any{"Date": s.tr.DateWithEra(v.(time.Time)), "Weekday": s.tr.T("weekday." + strings.ToLower(v.(time.Time).Weekday().String()))}))
				ScrollIntoView(s.root, found)
				return
			}
			found.SetText("")
		}
		if q.Value != nil {
			e.OnChanged(e.Text)
		}
	case "postal":
		e.SetPlaceHolder("100-0013")
		// the address the code names, as it is typed
		found = boldPara("")
		e.OnChanged = func(t string) {
			if v, ok := parse(); ok {
				if addr := s.svc.Address(v.(string)); addr != "" {
					found.SetText(s.tr.T("life.postal_found", map[string]any{"Address": addr}))
					ScrollIntoView(s.root, found)
					return
				}
				found.SetText(s.tr.T("life.postal_unknown"))
				return
			}
			found.SetText("")
		}
	}
	next := func() {
		v, ok := parse()
		if !ok {
			errLabel.SetText(s.tr.T("life.invalid_" + q.Type))
			return
		}
		answer(v)
	}
	e.OnSubmitted = func(string) { next() }
	if found != nil {
		return container.NewVBox(e, found), next
	}
	return e, next
}

// Plan shows the plan of the current event.
func (s *LifeEventScreen) Plan() {
	s.loading()
	g := s.gen       // a result for a screen left meanwhile is dropped
	event := s.event // the event asked about, not the one shown when the answer comes
	s.async(func() {
		p, err := s.svc.Plan(s.ctx, event, s.tr.Lang())
		fyne.Do(func() {
			if g != s.gen {
				return
			}
			if err != nil {
				s.failure(err, s.Home)
				return
			}
			s.showPlan(p)
		})
	})
}

func (s *LifeEventScreen) showPlan(p Plan) {
	s.keys(nil, nil)
	s.view = viewPlan
	tr := s.tr
	// first what to do now (the deadlines at a glance, and the way to the
	// signing), then each procedure — its details on demand, so the plan
	// reads at ×2 without hundreds of wheel notches
	objs := []fyne.CanvasObject{heading(whose(tr, "life.plan_title", s.svc.Owner()))}
	filing := s.planFiling(p)
	if filing.toSign != nil {
		objs = append(objs, filing.toSign)
	}
	objs = append(objs, wrapped(tr.T("life.plan_intro")), timeline(tr, p.Items))
	online := 0
	for i, it := range p.Items {
		objs = append(objs, s.planItem(i, it, p))
		if it.Online {
			online++
		}
	}
	if p.NewEvent {
		objs = append(objs, wrapped(tr.T("filing.new_event")))
	}
	if len(p.Withdrawals) > 0 {
		objs = append(objs, heading(tr.T("filing.withdrawals")))
		for _, w := range p.Withdrawals {
			objs = append(objs, wrapped(w))
		}
	}
	objs = append(objs, filing.objs...)
	if p.Filed {
		objs = append(objs, wrapped(tr.T("life.already_filed")))
	}
	objs = append(objs, s.planFiles(p)...)
	// back to the questions (the last answer first): after filing, a
	// changed answer is filed as a correction
	change := NewButtonWithIcon(tr.T("life.change_answers"), theme.NavigateBackIcon(), func() {
		s.loading()
		g := s.gen       // a result for a screen left meanwhile is dropped
		event := s.event // the event asked about, not the one shown when the answer comes
		s.async(func() {
			prev, err := s.svc.Back(s.ctx, event, tr.Lang())
			fyne.Do(func() {
				if g == s.gen {
					s.step(prev, err)
				}
			})
		})
	})
	s.onEscape = change.OnTapped
	objs = append(objs, container.NewVBox(change, NewButtonWithIcon(tr.T("life.home"), theme.HomeIcon(), s.Home),
		NewButton(whose(tr, "life.my_applications", s.svc.Owner()), s.Applications)))
	s.show(objs...)
	s.win.Canvas().Unfocus()
	if filing.toSign != nil {
		s.win.Canvas().Focus(filing.toSign) // Enter: to the review
	}
}

// planItem is one procedure: its name, where and how, and its deadline,
// as a button that shows or hides the rest (why, who, the counting rule,
// what is lost if missed, what was filed).
func (s *LifeEventScreen) planItem(i int, it PlanItem, p Plan) fyne.CanvasObject {
	tr := s.tr
	title := fmt.Sprintf("%d. %s", i+1, it.Name)
	if it.Urgent {
		title = "⚠ " + title
	}
	head := []string{title, tr.T("office."+it.Office) + " · " + tr.T("channel."+it.Channel)}
	var lines []fyne.CanvasObject
	urgent := false
	if !it.Deadline.IsZero() {
		dl := tr.T("plan.deadline", map[string]any{"Date": tr.DateWithEra(it.Deadline), "Days": it.DaysLeft})
		if it.DaysLeft < 0 {
			dl = tr.T("plan.overdue", map[string]any{"Date": tr.DateWithEra(it.Deadline), "Days": -it.DaysLeft})
		}
		head = append(head, dl)
		urgent = it.Urgent || it.DaysLeft < 7
	}
	for _, n := range it.DeadlineNotes {
		lines = append(lines, wrapped(n))
	}
	lines = append(lines, wrapped(it.Why))
	for _, w := range it.Who {
		lines = append(lines, wrapped(w))
	}
	if it.Note != "" {
		n := wrapped(it.Note)
		n.Importance = widget.WarningImportance
		lines = append(lines, n)
	}
	if it.LostIfMissed != "" {
		lines = append(lines, wrapped(tr.T("plan.lost")+" "+it.LostIfMissed))
	}
	if it.Filing != "" {
		fl := wrapped(it.Filing)
		fl.Importance = widget.SuccessImportance
		lines = append(lines, fl)
	}
	if hs := p.Handoffs[it.ID]; len(hs) > 0 {
		lines = append(lines, s.handoff(it, hs))
	}
	detail := container.NewPadded(container.NewVBox(lines...))
	detail.Hide()
	b := NewAnswerButton(strings.Join(head, "\n"), nil)
	b.Icon = theme.MenuExpandIcon()
	if urgent {
		// the deadline is near: said by ⚠ and the days left, not by colour alone
		b.Importance = widget.WarningImportance
	}
	b.OnTapped = func() {
		if detail.Visible() {
			detail.Hide()
			b.Icon = theme.MenuExpandIcon()
		} else {
			detail.Show()
			b.Icon = theme.MenuDropDownIcon()
		}
		b.Refresh()
	}
	return container.NewVBox(b, detail)
}

// planFiled is the signing part of the plan: what will be sent, to check,
// the fields to type, and the button that signs — offered once the review
// has been shown (a first press out of view shows it instead).
type planFiled struct {
	toSign *AnswerButton // at the top: to the review (nil: nothing to sign)
	objs   []fyne.CanvasObject
}

func (s *LifeEventScreen) planFiling(p Plan) planFiled {
	tr := s.tr
	var out planFiled
	online := 0
	for _, it := range p.Items {
		if it.Online {
			online++
		}
	}
	sending := p.Sending
	if sending == 0 {
		sending = online
	}
	if online == 0 || p.Filed {
		return out
	}
	title := heading(tr.T("life.file_title", map[string]any{"Count": sending}))
	if p.CannotFile != "" {
		out.objs = append(out.objs, title, wrapped(p.CannotFile))
		return out
	}
	objs := []fyne.CanvasObject{title, wrapped(tr.T("life.prefill", map[string]any{"Percent": int(p.Prefill*100 + 0.5)}))}
	for _, at := range p.Attachments {
		objs = append(objs, wrapped(tr.T("life.attachment", disclosed(tr, at))))
	}
	for _, f := range p.Forms {
		var rows []fyne.CanvasObject
		for _, fl := range f.Fields {
			label := fl.Name
			if tr.Has("field." + fl.Name) {
				label = tr.T("field." + fl.Name)
			}
			// where the value comes from, in italics (not the faint grey of a
			// disabled control: an 80-year-old reads it too)
			badge := widget.NewLabelWithStyle(tr.T("source."+f.Sources[fl.Name]), fyne.TextAlignTrailing, fyne.TextStyle{Italic: true})
			val := wrapped(tr.FieldValue(fl.Name, fl.Value))
			rows = append(rows, container.NewBorder(nil, nil, widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), badge, val))
		}
		objs = append(objs, newCard(f.Procedure, tr.T("life.review"), container.NewVBox(rows...)))
	}
	fields := map[string]*Entry{}
	var firstField *Entry
	for _, f := range p.ToType {
		e := newEntry(false, nil)
		_, field, _ := strings.Cut(f, ".")
		fields[f] = e
		if firstField == nil {
			firstField = e
		}
		e.label = tr.T("field." + field)
		objs = append(objs, widget.NewLabel(tr.T("field."+field)), e)
	}
	failure := NewFailureBox(tr)
	status := wrapped("")
	// shown: the review's beginning has been on the screen (scrolled to,
	// or reached); until then the sign button shows it first
	shown := false
	var file *Button
	file = NewButtonWithIcon(tr.T("life.sign_and_file"), theme.ConfirmIcon(), func() {
		if !shown && !inView(title) {
			shown = true
			scrollToTop(s.root, title)
			status.SetText(tr.T("life.review_first"))
			return
		}
		shown = true
		typed := map[string]string{}
		for _, k := range p.ToType {
			e := fields[k]
			_, field, _ := strings.Cut(k, ".")
			if strings.TrimSpace(e.Text) == "" {
				status.SetText(tr.T("life.type_field", map[string]any{"Field": tr.T("field." + field)}))
				s.win.Canvas().Focus(e)
				return
			}
			if _, err := s.svc.Typed(field, e.Text); err != nil {
				// said before anything is signed (a phone number too short)
				status.SetText(tr.T("life.field_invalid", map[string]any{"Field": tr.T("field." + field), "Expected": tr.T("answer.expect." + field)}))
				s.win.Canvas().Focus(e)
				return
			}
			typed[k] = e.Text
		}
		file.Disable()
		failure.Hide()
		status.SetText(tr.T("life.signing"))
		event := s.event // the event asked about, not the one shown when the answer comes
		s.async(func() {
			rs, sent, err := s.svc.Submit(s.ctx, event, typed, func(secret string, tries int) ([]byte, bool, error) {
				var opts []PINOption
				if owner := s.svc.Owner(); owner != "" {
					opts = append(opts, ForPrincipal(owner))
				}
				return askAndWait(s.win, tr, s.rule, secret, tries, nil, opts...)
			}, tr.Lang())
			fyne.Do(func() {
				file.Enable()
				status.SetText("")
				if err != nil {
					failure.Show(err)
					return
				}
				title := tr.T("life.filed")
				if !sent {
					title = tr.T("life.nothing_sent")
				}
				s.showReceipts(title, rs, false)
			})
		})
	})
	file.Importance = widget.HighImportance
	for _, e := range fields {
		e.OnSubmitted = func(string) { file.OnTapped() } // Enter in a field: sign (the PIN dialog follows)
	}
	objs = append(objs, file, status, failure.Object())
	out.objs = objs
	// at the top of the plan: to the review, its first field focused
	to := NewAnswerButton(tr.T("life.go_to_signing", map[string]any{"Count": sending}), nil)
	to.Importance = widget.HighImportance
	to.Icon = theme.MoveDownIcon()
	to.OnTapped = func() {
		shown = true
		s.onEnter = file.OnTapped // now Enter signs (the PIN dialog follows)
		scrollToTop(s.root, title)
		// the review shows from its top; the focus waits below it, on the
		// first field to type (or the sign button)
		if firstField != nil {
			focusBelow(s.win, firstField)
		} else {
			focusBelow(s.win, file)
		}
	}
	out.toSign = to
	s.onEnter = to.OnTapped // Enter: to the review; the sign button signs
	return out
}

// planFiles are the plan's files to save: the checklist, the calendar and,
// acting for someone, the letter of authorisation.
func (s *LifeEventScreen) planFiles(p Plan) []fyne.CanvasObject {
	tr := s.tr
	var objs []fyne.CanvasObject
	save := func(kind, ext string, make func() ([]byte, error)) func() {
		return func() {
			d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
				if err != nil || w == nil {
					return
				}
				s.async(func() {
					data, err := make()
					if err == nil {
						_, err = w.Write(data)
					}
					cerr := w.Close()
					if err == nil {
						err = cerr
					}
					fyne.Do(func() {
						if err != nil {
							showCustom(s.win, tr.T("life.save_failed"), tr.T("common.close"), wrapped(tr.Explain(err).Cause))
						}
					})
				})
			}, s.win)
			d.SetFileName(p.Event + "-" + kind + ext)
			showDialog(s.win, d, nil)
		}
	}
	event := s.event
	files := []fyne.CanvasObject{
		NewButtonWithIcon(tr.T("life.save_checklist"), theme.DocumentPrintIcon(), save("checklist", ".pdf", func() ([]byte, error) {
			return s.svc.Checklist(s.ctx, event, tr.Lang())
		})),
		NewButtonWithIcon(tr.T("life.save_calendar"), theme.HistoryIcon(), save("deadlines", ".ics", func() ([]byte, error) {
			return s.svc.Calendar(s.ctx, event, tr.Lang())
		}))}
	if p.Letter {
		objs = append(objs, wrapped(tr.T("life.letter_hint", map[string]any{"Name": s.svc.Owner()})))
		files = append(files, NewButtonWithIcon(tr.T("life.save_letter"), theme.DocumentCreateIcon(), save("letter-of-authorisation", ".pdf", func() ([]byte, error) {
			return s.svc.Letter(s.ctx, event)
		})))
	}
	// one button under another: at large text a row of them would widen
	// the window past the screen
	return append(objs, container.NewVBox(files...))
}

// Applications shows the receipts with their status.
func (s *LifeEventScreen) Applications() {
	s.loading()
	g := s.gen // a result for a screen left meanwhile is dropped
	s.async(func() {
		rs, stale, err := s.svc.Receipts(s.ctx, s.tr.Lang())
		fyne.Do(func() {
			if g != s.gen {
				return
			}
			if err != nil && len(rs) == 0 {
				s.failure(err, s.Home)
				return
			}
			s.showReceipts(whose(s.tr, "life.my_applications", s.svc.Owner()), rs, stale)
		})
	})
}

func (s *LifeEventScreen) showReceipts(title string, rs []Receipt, stale bool) {
	s.keys(nil, s.Home)
	s.view = viewReceipts
	tr := s.tr
	objs := []fyne.CanvasObject{heading(title)}
	if stale {
		objs = append(objs, wrapped(tr.T("applications.stale")))
	}
	if len(rs) == 0 {
		objs = append(objs, wrapped(tr.T("applications.none")))
	}
	for _, r := range rs {
		st := widget.NewLabelWithStyle(tr.T("status."+r.Status), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		if r.NeedsYou {
			st.Importance = widget.DangerImportance
		}
		lines := []fyne.CanvasObject{st}
		if r.Note != "" {
			lines = append(lines, wrapped(r.Note))
		}
		objs = append(objs, newCard(r.Procedure, tr.T("life.receipt", map[string]any{"Number": r.Number}), container.NewVBox(lines...)))
	}
	objs = append(objs, container.NewHBox(NewButtonWithIcon(tr.T("life.home"), theme.HomeIcon(), s.Home),
		NewButtonWithIcon(tr.T("life.refresh"), theme.ViewRefreshIcon(), s.Applications)))
	s.show(objs...)
}

func (s *LifeEventScreen) failure(err error, back func()) {
	s.keys(nil, back)
	f := NewFailureBox(s.tr)
	f.Show(err)
	s.show(f.Object(), NewButtonWithIcon(s.tr.T("life.home"), theme.HomeIcon(), back))
}

// Text returns the visible texts (tests, accessibility).
func (s *LifeEventScreen) Text() []string { return texts(s.root) }

// texts are the texts of o's labels, buttons, checks, rich texts and cards.
func texts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *Para:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, w.Text)
		case *Button:
			out = append(out, w.Text)
		case *AnswerButton:
			out = append(out, w.Text)
		case *widget.Check:
			out = append(out, w.Text)
		case *widget.RichText:
			out = append(out, w.String())
		case *widget.Card:
			out = append(out, w.Title, w.Subtitle)
			walk(w.Content)
		case *container.Scroll:
			walk(w.Content)
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

// firstEntry is o itself or the first entry in a container o.
func firstEntry(o fyne.CanvasObject) fyne.Focusable {
	switch x := o.(type) {
	case *widget.Entry:
		return x
	case *Entry:
		return x
	case *container.Scroll:
		return firstEntry(x.Content)
	case *fyne.Container:
		for _, c := range x.Objects {
			if e := firstEntry(c); e != nil {
				return e
			}
		}
	}
	return nil
}

// handoff offers to give a procedure's certificates to their recipient:
// what, which fields, to whom — then, once agreed, sends exactly that.
func (s *LifeEventScreen) handoff(it PlanItem, hs []Handoff) fyne.CanvasObject {
	tr := s.tr
	var what []string
	for _, h := range hs {
		what = append(what, tr.T("life.handoff_item", disclosed(tr, h.Attachment)))
	}
	to := tr.T("recipient." + hs[0].To)
	status := wrapped("")
	event, id := s.event, it.ID
	b := NewButtonWithIcon(tr.T("life.handoff", map[string]any{"To": to}), theme.MailSendIcon(), nil)
	b.OnTapped = func() {
		msg := wrapped(tr.T("life.handoff_consent", map[string]any{"To": to}) + "\n" + strings.Join(what, "\n"))
		showConfirm(s.win, tr.T("life.handoff", map[string]any{"To": to}), tr.T("signin.consent.agree"), tr.T("common.cancel"), msg,
			func(ok bool) {
				if !ok {
					return
				}
				b.Disable()
				status.SetText(tr.T("life.sending"))
				s.async(func() {
					err := s.svc.Handoff(s.ctx, event, id)
					fyne.Do(func() {
						b.Enable()
						if err != nil {
							status.SetText(tr.Explain(err).Title + " — " + tr.Explain(err).Action)
							return
						}
						status.SetText(tr.T("life.handed_off", map[string]any{"To": to}))
					})
				})
			})
	}
	return container.NewVBox(b, status)
}

// disclosed names a certificate and the only fields shown of it (template
// data for life.attachment and life.handoff_item).
func disclosed(tr *i18n.Localizer, at Attachment) map[string]any {
	names := make([]string, 0, len(at.Fields))
	for _, f := range at.Fields {
		names = append(names, tr.T("field."+f))
	}
	return map[string]any{"Certificate": tr.T("certkind." + at.Kind), "Fields": strings.Join(names, tr.T("list.separator"))}
}

// entryText is the text of the first entry under o ("" when none).
func entryText(o fyne.CanvasObject) string {
	switch e := firstEntry(o).(type) {
	case *widget.Entry:
		return e.Text
	case *Entry:
		return e.Text
	}
	return ""
}

// setEntryText puts text in the first entry under o.
func setEntryText(o fyne.CanvasObject, text string) {
	switch e := firstEntry(o).(type) {
	case *widget.Entry:
		e.SetText(text)
	case *Entry:
		e.SetText(text)
	}
}
