package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
)

// PINForm is the content of the PIN dialog: it shows which secret, the tries
// left (read before asking), checks the format before anything reaches the
// card, and on the last try requires an explicit confirmation.
// PINRule tells whether what the person typed fits the secret's format (the
// card layer's one rule, injected by the app); nil accepts anything and
// leaves the check to the card layer, which still refuses before sending.
type PINRule func(secret string, pin []byte) bool

type PINForm struct {
	Entry *Entry
	// New and Repeat are the new secret, typed twice (changing it only)
	New, Repeat *Entry
	onNew       func(next []byte)
	Confirm     *widget.Check // nil unless this is the last try
	Error       *Para
	OK          *Button
	Cancel      *Button
	Content     fyne.CanvasObject
	secret      string
	rule        PINRule
	tr          *i18n.Localizer
	onSubmit    func(pin []byte, confirmLast bool)
	onClose     func()
}

// NewPINForm builds the form. onSubmit receives the PIN bytes (the caller
// wipes them after use); onClose is called when the form is done either way.
func NewPINForm(tr *i18n.Localizer, secret string, triesLeft int, rule PINRule, onSubmit func(pin []byte, confirmLast bool), onClose func(), opts ...PINOption) *PINForm {
	f := &PINForm{tr: tr, secret: secret, rule: rule, onSubmit: onSubmit, onClose: onClose}
	var o pinOptions
	for _, fn := range opts {
		fn(&o)
	}
	f.Entry = newEntry(false, nil)
	f.Entry.Password = true
	f.Entry.label = tr.T(titleKey(secret))
	f.Entry.SetPlaceHolder(tr.T(formatKey(secret)))
	f.Error = wrapped("")
	f.Error.Importance = widget.DangerImportance
	prompt := wrapped(tr.T("pin.prompt", map[string]any{"SecretName": tr.T("secret." + secret)}))
	tries := widget.NewLabelWithStyle(tr.T("pin.tries", map[string]any{"TriesLeft": triesLeft}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	// what to read scrolls; what to type and press stays in view below it
	// (at ×2 the picture alone is taller than a laptop screen)
	items := []fyne.CanvasObject{secretsPicture(tr, secret), prompt}
	if o.principal != "" {
		// acting for someone: the card in the reader, and its secret, are
		// the proxy's own — a try spent on the principal's password is
		// one of the proxy's
		own := boldPara(tr.T("pin.own_card", map[string]any{"Principal": o.principal, "SecretName": tr.T("secret." + secret)}))
		items = append(items, container.NewBorder(nil, nil, widget.NewIcon(theme.AccountIcon()), nil, own))
	}
	fixed := []fyne.CanvasObject{tries, f.Entry}
	if o.onNew != nil {
		f.onNew = o.onNew
		f.New, f.Repeat = newEntry(false, nil), newEntry(false, nil)
		f.New.Password, f.Repeat.Password = true, true
		f.New.label, f.Repeat.label = tr.T("pin.change.new"), tr.T("pin.change.repeat")
		f.New.SetPlaceHolder(tr.T(formatKey(secret)))
		f.Entry.label = tr.T("pin.change.current")
		f.New.OnSubmitted = func(string) { f.focus(f.Repeat) }
		fixed = []fyne.CanvasObject{tries, widget.NewLabel(tr.T("pin.change.current")), f.Entry,
			widget.NewLabel(tr.T("pin.change.new")), f.New, widget.NewLabel(tr.T("pin.change.repeat")), f.Repeat}
	}
	f.OK = NewButton(tr.T("common.ok"), f.submit)
	f.OK.Importance = widget.HighImportance
	f.Cancel = NewButton(tr.T("common.cancel"), func() {
		f.Entry.SetText("")
		f.onClose()
	})
	if triesLeft == 1 {
		warn := wrapped(tr.T("pin.last_try_warning"))
		warn.Importance = widget.WarningImportance
		f.Confirm = widget.NewCheck(tr.T("pin.last_try_confirm"), func(on bool) {
			if on {
				f.OK.Enable()
			} else {
				f.OK.Disable()
			}
		})
		f.OK.Disable()
		// an icon and words, not colour alone
		fixed = append(fixed, container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, warn), f.Confirm)
	}
	f.Entry.OnSubmitted = func(string) {
		if f.New != nil {
			f.focus(f.New)
			return
		}
		if !f.OK.Disabled() {
			f.submit()
		}
	}
	if f.Repeat != nil {
		f.Repeat.OnSubmitted = func(string) {
			if !f.OK.Disabled() {
				f.submit()
			}
		}
	}
	fixed = append(fixed, f.Error, container.NewHBox(f.Cancel, f.OK))
	read := container.NewVScroll(container.NewVBox(items...))
	read.SetMinSize(fyne.NewSize(0, 3*fyne.MeasureText("M", theme.TextSize(), fyne.TextStyle{}).Height))
	f.Content = container.NewBorder(nil, container.NewVBox(fixed...), nil, nil, read)
	return f
}

// PINOption tunes a PIN form.
type PINOption func(*pinOptions)

type pinOptions struct {
	principal string
	onNew     func(next []byte)
}

// Changing makes the form ask for a new secret too, typed twice: onNew
// gets it (checked by the rule and equal) just before onSubmit gets the
// current one.
func Changing(onNew func(next []byte)) PINOption { return func(o *pinOptions) { o.onNew = onNew } }

// ForPrincipal says the form is asked while acting for name: the secret
// wanted is of the proxy's own card, not the principal's.
func ForPrincipal(name string) PINOption { return func(o *pinOptions) { o.principal = name } }

// titleKey is the dialog's title for the secret: which of the card's
// secrets, by its name (a signing password is not "your PIN").
func titleKey(secret string) string {
	switch secret {
	case "sign-password":
		return "pin.title.sign-password"
	case "input-pin":
		return "pin.title.input-pin"
	}
	return "pin.title"
}

func formatKey(secret string) string {
	if secret == "sign-password" {
		return "pin.format.signpw"
	}
	return "pin.format.digits4"
}

// focus moves the focus within the form's window.
func (f *PINForm) focus(o fyne.Focusable) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(f.Entry); c != nil {
		c.Focus(o)
	}
}

func (f *PINForm) submit() {
	if f.New != nil && !f.takeNew() {
		f.Entry.SetText("") // typed again, all three: no secret stays in a box
		f.focus(f.Entry)
		return
	}
	pin := []byte(f.Entry.Text)
	// Go strings cannot be wiped: clear the entry at once so the text lives
	// as briefly as possible; the byte copy is wiped by the card layer.
	f.Entry.SetText("")
	if f.rule != nil && !f.rule(f.secret, pin) {
		for i := range pin {
			pin[i] = 0
		}
		f.Error.SetText(f.tr.T(formatKey(f.secret)))
		return
	}
	confirm := f.Confirm != nil && f.Confirm.Checked
	f.onSubmit(pin, confirm) // first: closing may report a cancel otherwise
	f.onClose()
}

// AskPIN shows the PIN dialog over win.
func AskPIN(win fyne.Window, tr *i18n.Localizer, secret string, triesLeft int, rule PINRule, onSubmit func(pin []byte, confirmLast bool)) {
	askPIN(win, tr, secret, triesLeft, rule, onSubmit, nil)
}

// askPIN is AskPIN with a cancel callback.
func askPIN(win fyne.Window, tr *i18n.Localizer, secret string, triesLeft int, rule PINRule, onSubmit func(pin []byte, confirmLast bool), onCancel func(), opts ...PINOption) {
	var d dialog.Dialog
	submitted := false
	f := NewPINForm(tr, secret, triesLeft, rule, func(pin []byte, c bool) { submitted = true; onSubmit(pin, c) }, func() { d.Hide() }, opts...)
	f.Cancel.OnTapped = func() {
		f.Entry.SetText("")
		d.Hide()
	}
	title := tr.T(titleKey(secret))
	if f.New != nil {
		title = tr.T("pin.change.title", map[string]any{"SecretName": tr.T("secret." + secret)})
	}
	d = dialog.NewCustomWithoutButtons(title, f.Content, win)
	// as wide as reads well, as tall as fits the window (the reading part
	// scrolls): sized before it shows, so that it is centred at that size
	ws := win.Canvas().Size()
	width := min(max(460*theme.TextSize()/14, 460), ws.Width*0.9)
	d.Resize(fyne.NewSize(width, min(ws.Height*0.92, d.MinSize().Height+secretsHeight(f))))
	showDialog(win, d, func() {
		f.Entry.SetText("") // however the dialog closed (also clears Fyne's undo stack)
		if !submitted && onCancel != nil {
			onCancel()
		}
	})
	win.Canvas().Focus(f.Entry)
}

// askAndWait shows the PIN dialog from a background goroutine and waits for
// the answer (ErrCancelled when the dialog is closed); shown, if set, is
// called once the dialog is up.
func askAndWait(win fyne.Window, tr *i18n.Localizer, rule PINRule, secret string, tries int, shown func(), opts ...PINOption) ([]byte, bool, error) {
	type answer struct {
		pin     []byte
		confirm bool
		err     error
	}
	ch := make(chan answer, 1)
	fyne.DoAndWait(func() {
		if privatePIN(win) {
			// the kiosk: the resident's private step on the shuffled pad
			var o pinOptions
			for _, fn := range opts {
				fn(&o)
			}
			if o.onNew != nil { // a secret is not changed at a shared PC
				send(ch, answer{err: ErrCancelled})
				return
			}
			askPad(win, tr, secret, tries, rule,
				func(pin []byte, confirm bool) { send(ch, answer{pin, confirm, nil}) },
				func() { send(ch, answer{err: ErrCancelled}) })
			return
		}
		askPIN(win, tr, secret, tries, rule,
			func(pin []byte, confirm bool) { send(ch, answer{pin, confirm, nil}) },
			func() { send(ch, answer{err: ErrCancelled}) }, opts...)
	})
	if shown != nil {
		shown()
	}
	a := <-ch
	return a.pin, a.confirm, a.err
}

// secretsHeight is the room the reading part would like (the dialog grows
// to it when the window has it).
func secretsHeight(f *PINForm) float32 {
	if b, ok := f.Content.(*fyne.Container); ok && len(b.Objects) > 0 {
		if sc, ok := b.Objects[0].(*container.Scroll); ok {
			return sc.Content.MinSize().Height - sc.MinSize().Height
		}
	}
	return 0
}

// cardSecrets are the card's three secrets, in the order residents meet
// them.
var cardSecrets = []string{"auth-pin", "sign-password", "input-pin"}

// secretsPicture shows the card's three secrets — what each looks like and
// what it is for — with the one asked for marked in words and colour: the
// residents' most common confusion is typing one for another.
func secretsPicture(tr *i18n.Localizer, asked string) fyne.CanvasObject {
	rows := []fyne.CanvasObject{wrapped(tr.T("pin.which"))}
	// the one asked first: in view even when the dialog is short (×2, the
	// last try's warning), the other two after it
	order := []string{asked}
	for _, sec := range cardSecrets {
		if sec != asked {
			order = append(order, sec)
		}
	}
	for _, sec := range order {
		// one paragraph a secret: what it looks like, then what it is for
		line := wrapped(tr.T("secret."+sec) + " — " + tr.T("pin.use."+sec))
		bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
		bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
		if sec == asked {
			line.SetText("✓ " + tr.T("pin.this_one") + " — " + tr.T("secret."+sec) + " — " + tr.T("pin.use."+sec))
			line.TextStyle = fyne.TextStyle{Bold: true}
			line.ColorName = theme.ColorNameForegroundOnPrimary
			bg.FillColor = theme.Color(theme.ColorNamePrimary)
		}
		rows = append(rows, container.NewStack(bg, line))
	}
	return container.NewVBox(rows...)
}

// takeNew checks the new secret (its format, typed the same twice) and
// hands it over; the entries are cleared either way.
func (f *PINForm) takeNew() bool {
	next, again := []byte(f.New.Text), []byte(f.Repeat.Text)
	f.New.SetText("")
	f.Repeat.SetText("")
	wipe := func(b []byte) {
		for i := range b {
			b[i] = 0
		}
	}
	defer wipe(again)
	switch {
	case f.rule != nil && !f.rule(f.secret, next):
		wipe(next)
		f.Error.SetText(f.tr.T("pin.change.format", map[string]any{"Format": f.tr.T(formatKey(f.secret))}))
		return false
	case string(next) != string(again):
		wipe(next)
		f.Error.SetText(f.tr.T("pin.change.mismatch"))
		return false
	}
	f.onNew(next)
	return true
}
