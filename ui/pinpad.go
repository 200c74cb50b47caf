package ui

import (
	"crypto/rand"
	"math/big"
	"strings"
	"sync"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
)

// PINPad is the kiosk's private step: two people at one screen, and the
// secret is the resident's. It first asks for the keyboard to be handed
// over, then shows a pad whose keys are shuffled each time (someone
// watching the hand learns nothing from where it taps) and whose typed
// characters are never shown — only how many — nor kept in any text, nor
// put on the clipboard; keys typed on the keyboard count too. The tries
// left are shown before anything is typed and the last try needs its own
// confirmation. Afterwards it asks for the keyboard to go back.
type PINPad struct {
	tr     *i18n.Localizer
	secret string
	rule   PINRule
	last   bool

	typed []byte
	// Keys are the pad's keys in the order shown (shuffled).
	Keys []*AnswerButton
	// Continue leaves the hand-over step; Delete takes the last character
	// back; OK sends; Cancel closes with no try spent; Back closes the
	// thank-you step.
	Continue, Delete, OK, Cancel, Back *Button
	// Confirm is the last try's "I am sure" (nil on other tries).
	Confirm   *AnswerButton
	confirmed bool
	// Count says how many characters are typed (as dots, never them), in
	// Field, the box that takes what is typed on the keyboard.
	Count *Para
	Field *padField
	Error *Para
	// Content is the whole step; it shows one of the three phases.
	Content               *fyne.Container
	handover, pad, thanks fyne.CanvasObject

	onSubmit func(pin []byte, confirmLast bool)
	onCancel func()
	done     bool
}

// padAlphabet is what a secret is made of: four digits for the PINs; the
// signing password's capital letters and digits.
func padAlphabet(secret string) []rune {
	digits := []rune("0123456789")
	if secret == "sign-password" {
		return append(digits, []rune("ABCDEFGHIJKLMNOPQRSTUVWXYZ")...)
	}
	return digits
}

// maxTyped bounds what the pad takes (the longest secret is 16).
const maxTyped = 16

// shuffled is the alphabet in a random order (crypto/rand: the layout must
// not be guessable from an earlier one).
func shuffled(a []rune) []rune {
	out := append([]rune(nil), a...)
	for i := len(out) - 1; i > 0; i-- {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			panic(err) // the system's randomness is gone: nothing is safe
		}
		j := int(n.Int64())
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// NewPINPad builds the private step for secret with triesLeft; onSubmit
// gets the typed bytes (the caller wipes them after use), onCancel is
// called when it is closed without sending.
func NewPINPad(tr *i18n.Localizer, secret string, triesLeft int, rule PINRule, onSubmit func(pin []byte, confirmLast bool), onCancel func()) *PINPad {
	p := &PINPad{tr: tr, secret: secret, rule: rule, last: triesLeft == 1, onSubmit: onSubmit, onCancel: onCancel}
	secretName := tr.T("secret." + secret)

	// 1. the hand-over: said in the resident's language and, for the
	// volunteer, in Japanese
	say := tr.T("pad.handover", map[string]any{"SecretName": secretName})
	if tr.Lang() != "ja" {
		say += "\n\n" + i18n.New("ja").T("pad.handover", map[string]any{"SecretName": i18n.New("ja").T("secret." + secret)})
	}
	handText := boldPara(say)
	handText.SizeName = theme.SizeNameSubHeadingText
	p.Continue = NewButtonWithIcon(tr.T("pad.i_am_resident"), theme.NavigateNextIcon(), p.showPad)
	p.Continue.Importance = widget.HighImportance
	p.Cancel = NewButton(tr.T("common.cancel"), p.cancel)
	hand := []fyne.CanvasObject{widget.NewIcon(theme.AccountIcon()), handText, wrapped(tr.T("pad.how"))}
	handButtons := []fyne.CanvasObject{}
	if p.last {
		// the last try is confirmed before anything is typed: the pad
		// then has the room for its keys
		warn := wrapped(tr.T("pin.last_try_warning"))
		warn.Importance = widget.WarningImportance
		p.Confirm = NewAnswerButton(tr.T("pin.last_try_confirm"), func() {
			p.confirmed = !p.confirmed
			p.refresh()
		})
		handButtons = append(handButtons, container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, warn), p.Confirm)
	}
	handButtons = append(handButtons, container.NewHBox(p.Cancel, p.Continue))
	p.handover = container.NewBorder(nil, container.NewVBox(handButtons...), nil, nil,
		container.NewVScroll(container.NewVBox(hand...)))

	// 2. the pad
	p.Count = boldPara("")
	p.Count.SizeName = theme.SizeNameSubHeadingText
	p.Field = newPadField(p)
	p.Error = wrapped("")
	p.Error.Importance = widget.DangerImportance
	alphabet := shuffled(padAlphabet(secret))
	cols := 5
	if len(alphabet) > 10 {
		cols = 12
	}
	grid := container.NewGridWithColumns(cols)
	for _, r := range alphabet {
		r := r
		k := NewAnswerButton(string(r), func() { p.typeRune(r) })
		k.OnRune = p.takeRune
		p.Keys = append(p.Keys, k)
		grid.Add(k)
	}
	p.Delete = NewButtonWithIcon(tr.T("pad.delete"), theme.ContentUndoIcon(), p.deleteLast)
	p.OK = NewButton(tr.T("common.ok"), p.submit)
	p.OK.Importance = widget.HighImportance
	cancel := NewButton(tr.T("common.cancel"), p.cancel)
	// what to read first, then the box and the keys; what sends stays in
	// view at the bottom (at ×2 the keys alone are half a laptop screen)
	head := boldPara("✓ " + secretName + " — " + tr.T("pin.tries", map[string]any{"TriesLeft": triesLeft}))
	bottom := []fyne.CanvasObject{p.Error, container.NewHBox(cancel, p.Delete, p.OK)}
	p.pad = container.NewBorder(nil, container.NewVBox(bottom...), nil, nil,
		container.NewVScroll(container.NewVBox(head, p.Field, grid)))

	// 3. back to the volunteer
	thanks := boldPara(tr.T("pad.thanks"))
	thanks.SizeName = theme.SizeNameSubHeadingText
	p.Back = NewButtonWithIcon(tr.T("pad.back"), theme.ConfirmIcon(), nil)
	p.Back.Importance = widget.HighImportance
	p.thanks = container.NewBorder(nil, container.NewHBox(p.Back), nil, nil, container.NewVBox(widget.NewIcon(theme.ConfirmIcon()), thanks))

	p.Content = container.NewStack(p.handover)
	p.refresh()
	return p
}

// Layout is the keys' order as shown (tests: it differs every time).
func (p *PINPad) Layout() string {
	var b strings.Builder
	for _, k := range p.Keys {
		b.WriteString(k.Text)
	}
	return b.String()
}

// Typed is how many characters are typed.
func (p *PINPad) Typed() int { return len(p.typed) }

func (p *PINPad) showPad() {
	p.Content.Objects = []fyne.CanvasObject{p.pad}
	p.Content.Refresh()
	p.Field.focus()
}

// takeRune takes a character typed on the keyboard while the pad shows:
// one of the secret's (letters in capitals), or nothing.
func (p *PINPad) takeRune(r rune) bool {
	if p.done {
		return false
	}
	r = unicode.ToUpper(r)
	for _, a := range padAlphabet(p.secret) {
		if a == r {
			p.typeRune(r)
			return true
		}
	}
	return false
}

func (p *PINPad) typeRune(r rune) {
	if p.done || len(p.typed) >= maxTyped {
		return
	}
	p.typed = append(p.typed, byte(r))
	p.Error.SetText("")
	p.refresh()
}

func (p *PINPad) deleteLast() {
	if n := len(p.typed); n > 0 {
		p.typed[n-1] = 0
		p.typed = p.typed[:n-1]
	}
	p.refresh()
}

// TypedKey takes the keys a pad answers on the keyboard: Backspace takes
// back, Enter sends (Escape is the dialog's: it cancels).
func (p *PINPad) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyBackspace, fyne.KeyDelete:
		p.deleteLast()
	case fyne.KeyReturn, fyne.KeyEnter:
		if !p.OK.Disabled() {
			p.submit()
		}
	}
}

func (p *PINPad) refresh() {
	p.Count.SetText(strings.Repeat("● ", len(p.typed)) + p.tr.T("pad.count", map[string]any{"Count": len(p.typed)}))
	ready := len(p.typed) > 0 && (!p.last || p.confirmed)
	if ready {
		p.OK.Enable()
	} else {
		p.OK.Disable()
	}
	if p.last && !p.confirmed {
		p.Continue.Disable()
	} else {
		p.Continue.Enable()
	}
	if p.Confirm != nil {
		p.Confirm.Icon = theme.CheckButtonIcon()
		p.Confirm.State = p.tr.T("life.not_chosen")
		if p.confirmed {
			p.Confirm.Icon = theme.CheckButtonCheckedIcon()
			p.Confirm.State = p.tr.T("life.chosen")
		}
		p.Confirm.Refresh()
	}
}

func (p *PINPad) wipe() {
	for i := range p.typed {
		p.typed[i] = 0
	}
	p.typed = p.typed[:0]
}

func (p *PINPad) submit() {
	if p.done || len(p.typed) == 0 || (p.last && !p.confirmed) {
		return
	}
	pin := append([]byte(nil), p.typed...)
	p.wipe()
	if p.rule != nil && !p.rule(p.secret, pin) {
		for i := range pin {
			pin[i] = 0
		}
		p.Error.SetText(p.tr.T(formatKey(p.secret)))
		p.refresh()
		return
	}
	p.done = true
	p.refresh()
	p.onSubmit(pin, p.last && p.confirmed)
	p.Content.Objects = []fyne.CanvasObject{p.thanks}
	p.Content.Refresh()
	if c := fyne.CurrentApp().Driver().CanvasForObject(p.Content); c != nil {
		c.Focus(p.Back)
	}
}

func (p *PINPad) cancel() {
	p.wipe()
	if !p.done {
		p.done = true
		if p.onCancel != nil {
			p.onCancel()
		}
	}
}

// Private PIN entry, per window: the kiosk turns it on.
var (
	privateMu sync.Mutex
	private   = map[fyne.Canvas]bool{}
)

// setPrivatePIN makes every secret asked in win go through the PIN pad.
func setPrivatePIN(win fyne.Window, on bool) {
	privateMu.Lock()
	defer privateMu.Unlock()
	if on {
		private[win.Canvas()] = true
	} else {
		delete(private, win.Canvas())
	}
}

func privatePIN(win fyne.Window) bool {
	privateMu.Lock()
	defer privateMu.Unlock()
	return private[win.Canvas()]
}

// CurrentPad is the PIN pad showing over win (nil: none) — for tests and
// the kiosk's own end (a session ending closes it).
func CurrentPad(win fyne.Window) *PINPad {
	padsMu.Lock()
	defer padsMu.Unlock()
	return pads[win.Canvas()].pad
}

// shownPad is the pad over a window and its dialog.
type shownPad struct {
	pad *PINPad
	d   dialog.Dialog
}

var (
	padsMu sync.Mutex
	pads   = map[fyne.Canvas]shownPad{}
)

// askPad shows the PIN pad over the whole window. Main goroutine.
func askPad(win fyne.Window, tr *i18n.Localizer, secret string, triesLeft int, rule PINRule, onSubmit func(pin []byte, confirmLast bool), onCancel func()) {
	var d dialog.Dialog
	sent := false
	p := NewPINPad(tr, secret, triesLeft, rule, func(pin []byte, c bool) { sent = true; onSubmit(pin, c) }, func() { d.Hide() })
	p.Back.OnTapped = func() { d.Hide() }
	d = dialog.NewCustomWithoutButtons(tr.T("pad.title"), p.Content, win)
	ws := win.Canvas().Size()
	d.Resize(fyne.NewSize(ws.Width*0.96, ws.Height*0.96))
	padsMu.Lock()
	pads[win.Canvas()] = shownPad{p, d}
	padsMu.Unlock()
	showDialog(win, d, func() {
		p.wipe()
		padsMu.Lock()
		if pads[win.Canvas()].pad == p {
			delete(pads, win.Canvas())
		}
		padsMu.Unlock()
		if !sent && onCancel != nil {
			onCancel()
		}
	})
	win.Canvas().Focus(p.Continue)
}

// closePad closes the PIN pad over win, as Cancel would. Main goroutine.
func closePad(win fyne.Window) {
	padsMu.Lock()
	d := pads[win.Canvas()].d
	padsMu.Unlock()
	if d != nil {
		d.Hide()
	}
}

// padField is the pad's typing box: it has the focus when the pad shows,
// takes the secret's characters typed on the keyboard, Backspace and Enter,
// and shows dots and a count — never what was typed.
type padField struct {
	widget.BaseWidget
	pad     *PINPad
	focused bool
}

func newPadField(p *PINPad) *padField {
	f := &padField{pad: p}
	f.ExtendBaseWidget(f)
	return f
}

func (f *padField) FocusGained()                           { f.focused = true; f.Refresh() }
func (f *padField) FocusLost()                             { f.focused = false; f.Refresh() }
func (f *padField) TypedRune(r rune)                       { touched(f); f.pad.takeRune(r) }
func (f *padField) TypedKey(ev *fyne.KeyEvent)             { f.pad.TypedKey(ev) }
func (f *padField) KeyDown(ev *fyne.KeyEvent)              { keyDownFrom(f, ev) }
func (f *padField) KeyUp(ev *fyne.KeyEvent)                { keyUpFrom(f, ev) }
func (f *padField) Tapped(*fyne.PointEvent)                { f.focus() }
func (f *padField) AccessibilityLabel() string             { return f.pad.Count.Text }
func (f *padField) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleText }

func (f *padField) focus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(f); c != nil {
		c.Focus(f)
	}
}

func (f *padField) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	ring := newFocusRing()
	return &padFieldRenderer{f: f, bg: bg, ring: ring, objs: []fyne.CanvasObject{ring, bg, f.pad.Count}}
}

type padFieldRenderer struct {
	f    *padField
	bg   *canvas.Rectangle
	ring *canvas.Rectangle
	objs []fyne.CanvasObject
}

func (r *padFieldRenderer) Layout(s fyne.Size) {
	pad := theme.Padding() * 2
	r.bg.Resize(s)
	placeFocusRing(r.ring, s)
	r.f.pad.Count.Move(fyne.NewPos(pad, pad))
	r.f.pad.Count.Resize(fyne.NewSize(s.Width-2*pad, s.Height-2*pad))
}

func (r *padFieldRenderer) MinSize() fyne.Size {
	pad := theme.Padding() * 2
	return r.f.pad.Count.MinSize().Add(fyne.NewSquareSize(2 * pad))
}

func (r *padFieldRenderer) Refresh() {
	th := fyne.CurrentApp().Settings().Theme()
	r.bg.FillColor = th.Color(theme.ColorNameInputBackground, fyne.CurrentApp().Settings().ThemeVariant())
	r.bg.Refresh()
	styleFocusRing(r.ring, th, theme.Size(theme.SizeNameInputRadius), r.f.focused)
	r.f.pad.Count.Refresh()
}

func (r *padFieldRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *padFieldRenderer) Destroy()                     {}
