package ui

import (
	"context"
	"fmt"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
	"madoguchi/i18n/failure"
)

// CardScreen shows the reader and card state, the PIN counters, the
// certificates' validity and, after the input-support PIN, the name and
// address from the card.
type CardScreen struct {
	win  fyne.Window
	svc  CardService
	demo DemoControls
	tr   *i18n.Localizer

	stateTitle *Para
	stateHint  *Para
	readerName *widget.Label
	failure    *FailureBox
	pins       *fyne.Container
	certs      *fyne.Container
	attrs      *fyne.Container
	readAttrs  *Button
	demoBox    fyne.CanvasObject
	choose     *fyne.Container // "which card?" when several readers hold one
	whose      *fyne.Container // whose card this is, while acting for someone
	root       fyne.CanvasObject

	// ctx ends card operations when the screen stops (window closed,
	// language switched): nothing keeps talking to the card for a screen
	// nobody sees.
	ctx    context.Context
	cancel context.CancelFunc

	// async runs slow work (card I/O) off the UI goroutine; results come back
	// through fyne.Do. Tests run it inline.
	async func(func())
	// askFn asks for a PIN from the background work and waits (the PIN
	// dialog over the window; tests drive a form of their own); changeFn
	// the current secret and a new one.
	askFn    PINAsker
	changeFn ChangeAsker
	pinNote  fyne.CanvasObject // what the last change of a secret said

	mu      sync.Mutex
	view    CardView
	loadGen int // bumps on every card change: late results of older loads are dropped
}

// NewCardScreen builds the screen; call Start to follow the card.
func NewCardScreen(win fyne.Window, svc CardService, demo DemoControls, tr *i18n.Localizer) *CardScreen {
	s := &CardScreen{win: win, svc: svc, demo: demo, tr: tr, async: func(f func()) { go f() }}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.changeFn = func(secret string, tries int) ([]byte, []byte, bool, error) {
		var next []byte
		cur, confirm, err := askAndWait(s.win, s.tr, s.svc.PINFormatOK, secret, tries, nil, Changing(func(n []byte) { next = n }))
		return cur, next, confirm, err
	}
	s.askFn = func(secret string, tries int) ([]byte, bool, error) {
		return askAndWait(s.win, s.tr, s.svc.PINFormatOK, secret, tries, nil)
	}
	s.choose = container.NewVBox()
	s.stateTitle = boldPara("")
	s.stateHint = wrapped("")
	s.readerName = widget.NewLabel("")
	s.failure = NewFailureBox(tr)
	s.pins = container.NewVBox()
	s.certs = container.NewVBox()
	s.attrs = container.NewVBox(widget.NewLabel(tr.T("attrs.hidden")))
	s.readAttrs = NewButton(tr.T("attrs.read"), s.onReadAttributes)
	s.readAttrs.Importance = widget.HighImportance
	s.readAttrs.Disable()

	status := newCard(tr.T("reader.label"), "", container.NewVBox(s.choose, s.stateTitle, s.stateHint, s.readerName, s.failure.Object()))
	pins := newCard(tr.T("pins.title"), "", s.pins)
	certs := newCard(tr.T("certs.title"), "", s.certs)
	attrs := newCard(tr.T("attrs.title"), tr.T("attrs.privacy"), container.NewVBox(s.attrs, s.readAttrs))
	left := container.NewVBox(status, attrs)
	right := container.NewVBox(pins, certs)
	body := NewColumns(left, right)
	parts := []fyne.CanvasObject{body}
	if demo != nil {
		s.demoBox = s.buildDemo()
		parts = append(parts, s.demoBox)
	}
	s.whose = container.NewVBox()
	s.root = container.NewVScroll(container.NewVBox(append([]fyne.CanvasObject{s.whose}, parts...)...))
	s.apply(CardView{State: "no-reader"})
	return s
}

// ActingFor says, above the card, whose it is while acting for someone:
// the card in the reader is the proxy's own (name), and its PIN and
// password are the proxy's — never the principal's. Main goroutine only.
func (s *CardScreen) ActingFor(principal, own string) {
	s.whose.Objects = nil
	if principal != "" {
		note := boldPara(s.tr.T("card.acting", map[string]any{"Principal": principal, "Name": own}))
		s.whose.Objects = []fyne.CanvasObject{container.NewBorder(nil, nil, widget.NewIcon(theme.AccountIcon()), nil, note)}
	}
	s.whose.Refresh()
}

// Object is the screen's canvas object.
func (s *CardScreen) Object() fyne.CanvasObject { return s.root }

// Start follows the card service; stop with the returned function, which
// also cancels the screen's card operations in progress.
func (s *CardScreen) Start() (stop func()) {
	unwatch := s.svc.Watch(func(v CardView) {
		fyne.Do(func() { s.apply(v) })
	})
	return func() {
		unwatch()
		s.cancel()
	}
}

// apply shows a card view. Main goroutine only.
func (s *CardScreen) apply(v CardView) {
	s.mu.Lock()
	prev := s.view
	s.view = v
	changedCard := prev.State != v.State && (v.Identified && !prev.Busy || !v.Identified && !v.Busy)
	if changedCard {
		s.loadGen++
	}
	gen := s.loadGen
	s.mu.Unlock()

	title := s.tr.T("state." + v.State + ".title")
	if v.Identified {
		title = s.tr.T("kind." + v.Kind)
	}
	s.stateTitle.SetText(title)
	s.stateHint.SetText(s.tr.T("state." + v.State + ".hint"))
	if v.Reader != "" {
		s.readerName.SetText(s.tr.T("reader.name", map[string]any{"Reader": v.Reader}))
	} else {
		s.readerName.SetText("")
	}
	if v.Err != nil {
		s.failure.Show(v.Err)
	} else {
		s.failure.Hide()
	}
	identified := v.Ready
	if identified {
		s.readAttrs.Enable()
	} else {
		s.readAttrs.Disable()
	}
	s.showChoice(v.CardReaders)
	if !changedCard {
		if v.CountersChanged && identified {
			s.async(func() { s.loadCounters(gen) })
		}
		return
	}
	// The card changed: forget everything shown about the previous one.
	s.attrs.Objects = []fyne.CanvasObject{widget.NewLabel(s.tr.T("attrs.hidden"))}
	s.attrs.Refresh()
	s.pins.Objects = nil
	s.pins.Refresh()
	s.certs.Objects = nil
	s.certs.Refresh()
	if identified {
		s.pins.Objects = []fyne.CanvasObject{widget.NewLabel(s.tr.T("common.loading"))}
		s.pins.Refresh()
		s.async(func() { s.load(gen) })
	}
}

func (s *CardScreen) current(gen int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return gen == s.loadGen
}

// showChoice asks which card to use when several readers hold one.
func (s *CardScreen) showChoice(readers []string) {
	if len(readers) < 2 {
		if len(s.choose.Objects) > 0 {
			s.choose.Objects = nil
			s.choose.Refresh()
		}
		return
	}
	q := boldPara(s.tr.T("reader.choose"))
	objs := []fyne.CanvasObject{container.NewBorder(nil, nil, widget.NewIcon(theme.QuestionIcon()), nil, q)}
	for _, r := range readers {
		name := r
		b := NewButton(name, func() {
			s.choose.Objects = nil
			s.choose.Refresh()
			s.async(func() { s.svc.UseReader(name) })
		})
		objs = append(objs, b)
	}
	s.choose.Objects = objs
	s.choose.Refresh()
}

// loadCounters re-reads the retry counters (after a PIN went to the card).
func (s *CardScreen) loadCounters(gen int) {
	counters, err := s.svc.PINCounters(s.ctx)
	fyne.Do(func() {
		if s.current(gen) {
			s.showCounters(counters, err)
		}
	})
}

// load reads counters and certificates in the background.
func (s *CardScreen) load(gen int) {
	ctx := s.ctx
	counters, cerr := s.svc.PINCounters(ctx)
	certs, xerr := s.svc.Certificates(ctx)
	fyne.Do(func() {
		if !s.current(gen) {
			return
		}
		s.showCounters(counters, cerr)
		s.showCerts(certs, xerr)
	})
}

func (s *CardScreen) showCounters(cs []PINCounter, err error) {
	var rows []fyne.CanvasObject
	if err != nil {
		fb := NewFailureBox(s.tr)
		fb.Show(err)
		rows = append(rows, fb.Object())
	}
	for _, c := range cs {
		name := wrapped(s.tr.T("secret." + c.Secret))
		var val string
		switch {
		case c.Err != nil:
			val = s.tr.T("pins.unavailable", map[string]any{"Code": failure.From(c.Err).Code})
			if c.Absent {
				val = s.tr.T("pins.none")
			}
		case c.TriesLeft == 0:
			val = s.tr.T("pins.blocked")
		default:
			val = s.tr.T("pins.tries", map[string]any{"TriesLeft": c.TriesLeft, "Max": c.Max})
		}
		v := boldPara(val)
		row := container.NewVBox(name, v)
		// one try left or blocked: an icon and words, not colour alone
		switch {
		case c.Err == nil && c.TriesLeft == 1:
			v.Importance = widget.WarningImportance
			w := wrapped(s.tr.T("pins.one_left"))
			row.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, w))
		case c.Err == nil && c.TriesLeft == 0:
			v.Importance = widget.DangerImportance
			w := wrapped(s.tr.T("failure.PIN-BLOCKED.action", map[string]any{"Secret": c.Secret}))
			row.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.ErrorIcon()), nil, w))
		}
		if c.Err == nil && c.TriesLeft > 0 {
			// change it here, as on the command line (card change-pin)
			secret := c.Secret
			row.Add(NewButtonWithIcon(s.tr.T("pins.change", map[string]any{"SecretName": s.tr.T("secret." + secret)}),
				theme.DocumentCreateIcon(), func() { s.changePIN(secret) }))
		}
		rows = append(rows, row)
	}
	if s.pinNote != nil {
		rows = append(rows, s.pinNote)
	}
	s.pins.Objects = rows
	s.pins.Refresh()
}

// changePIN changes a secret of the card: PIN first (the tries left
// shown, the current secret and the new one twice in one dialog), then
// the card; the counters are read again after.
func (s *CardScreen) changePIN(secret string) {
	s.mu.Lock()
	gen := s.loadGen
	s.mu.Unlock()
	s.async(func() {
		err := s.svc.ChangePIN(s.ctx, secret, s.changeFn)
		fyne.Do(func() {
			if !s.current(gen) {
				return
			}
			switch {
			case err == ErrCancelled:
				s.pinNote = nil
			case err != nil:
				fb := NewFailureBox(s.tr)
				fb.Show(err)
				s.pinNote = fb.Object()
			default:
				s.pinNote = boldPara(s.tr.T("pin.changed", map[string]any{"SecretName": s.tr.T("secret." + secret)}))
			}
			s.async(func() { s.loadCounters(gen) })
		})
	})
}

func (s *CardScreen) showCerts(cs []CertView, err error) {
	var rows []fyne.CanvasObject
	if err != nil {
		fb := NewFailureBox(s.tr)
		fb.Show(err)
		rows = append(rows, fb.Object())
	}
	for _, c := range cs {
		var val string
		var advice *Para
		switch {
		case c.Err != nil:
			val = s.tr.T("cert.unavailable", map[string]any{"Code": failure.From(c.Err).Code})
			if c.Absent {
				val = s.tr.T("cert.none")
			}
		case c.Expired:
			val = s.tr.T("cert.expired", map[string]any{"Date": s.tr.Date(c.NotAfter)})
			advice = wrapped(s.tr.T("failure.CERT-EXPIRED.action"))
		default:
			val = s.tr.T("cert.valid_until", map[string]any{"Date": s.tr.Date(c.NotAfter)})
		}
		name := widget.NewLabel(s.tr.T("cert." + c.Which))
		v := boldPara(val)
		row := container.NewVBox(name, v)
		if advice != nil {
			v.Importance = widget.DangerImportance
			row.Add(advice)
		}
		rows = append(rows, row)
	}
	note := wrapped(s.tr.T("cert.sign_needs_password"))
	rows = append(rows, note)
	s.certs.Objects = rows
	s.certs.Refresh()
}

func (s *CardScreen) onReadAttributes() {
	s.readAttrs.Disable()
	s.mu.Lock()
	gen := s.loadGen
	s.mu.Unlock()
	s.async(func() {
		// PIN first: the service reads the tries left, the dialog asks with
		// the card free, then VERIFY and the read run in one go
		a, err := s.svc.ReadAttributes(s.ctx, s.askFn)
		fyne.Do(func() {
			if !s.current(gen) {
				return
			}
			s.readAttrs.Enable()
			if err != nil {
				if err != ErrCancelled {
					s.showAttrError(err)
				}
				return
			}
			s.showAttributes(a)
		})
	})
}

func (s *CardScreen) showAttrError(err error) {
	fb := NewFailureBox(s.tr)
	fb.Show(err)
	s.attrs.Objects = []fyne.CanvasObject{fb.Object()}
	s.attrs.Refresh()
}

func (s *CardScreen) showAttributes(a Attributes) {
	row := func(label, value string) fyne.CanvasObject {
		v := boldPara(value)
		return container.NewVBox(widget.NewLabel(s.tr.T(label)), v)
	}
	s.attrs.Objects = []fyne.CanvasObject{
		row("attrs.name", a.Name),
		row("attrs.address", a.Address),
		row("attrs.birth", s.tr.DateWithEra(a.BirthDate)),
		row("attrs.sex", s.tr.Sex(a.Sex)),
	}
	s.attrs.Refresh()
}

func (s *CardScreen) buildDemo() fyne.CanvasObject {
	rs := s.demo.Residents()
	labels := make([]string, len(rs))
	byLabel := map[string]string{}
	current := ""
	for i, r := range rs {
		labels[i] = fmt.Sprintf("%s — %s", r.Name, s.tr.T("role."+r.Role))
		byLabel[labels[i]] = r.ID
		if r.ID == s.demo.Current() {
			current = labels[i]
		}
	}
	sel := widget.NewSelect(labels, nil)
	sel.SetSelected(current)
	insert := NewButton(s.tr.T("demo.insert"), func() {
		if id, ok := byLabel[sel.Selected]; ok {
			s.async(func() {
				if err := s.demo.Insert(id); err != nil {
					fyne.Do(func() { s.failure.Show(err) })
				}
			})
		}
	})
	remove := NewButton(s.tr.T("demo.remove"), func() { s.async(s.demo.Remove) })
	return newCard(s.tr.T("demo.title"), s.tr.T("demo.subtitle"),
		container.NewBorder(nil, nil, widget.NewLabel(s.tr.T("demo.resident")), container.NewHBox(insert, remove), sel))
}

// ShowAttributes shows attributes read after the PIN elsewhere (the demo
// screenshots and tests). Main goroutine only.
func (s *CardScreen) ShowAttributes(a Attributes) { s.showAttributes(a) }
