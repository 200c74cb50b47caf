package ui

import (
	"fyne.io/fyne/v2"
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
	Entry    *widget.Entry
	Confirm  *widget.Check // nil unless this is the last try
	Error    *widget.Label
	OK       *widget.Button
	Cancel   *widget.Button
	Content  fyne.CanvasObject
	secret   string
	rule     PINRule
	tr       *i18n.Localizer
	onSubmit func(pin []byte, confirmLast bool)
	onClose  func()
}

// NewPINForm builds the form. onSubmit receives the PIN bytes (the caller
// wipes them after use); onClose is called when the form is done either way.
func NewPINForm(tr *i18n.Localizer, secret string, triesLeft int, rule PINRule, onSubmit func(pin []byte, confirmLast bool), onClose func()) *PINForm {
	f := &PINForm{tr: tr, secret: secret, rule: rule, onSubmit: onSubmit, onClose: onClose}
	f.Entry = widget.NewPasswordEntry()
	f.Entry.SetPlaceHolder(tr.T(formatKey(secret)))
	f.Error = widget.NewLabel("")
	f.Error.Importance = widget.DangerImportance
	f.Error.Wrapping = fyne.TextWrapWord
	prompt := widget.NewLabel(tr.T("pin.prompt", map[string]any{"SecretName": tr.T("secret." + secret)}))
	prompt.Wrapping = fyne.TextWrapWord
	tries := widget.NewLabelWithStyle(tr.T("pin.tries", map[string]any{"TriesLeft": triesLeft}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	items := []fyne.CanvasObject{prompt, tries, f.Entry}
	f.OK = widget.NewButton(tr.T("common.ok"), f.submit)
	f.OK.Importance = widget.HighImportance
	f.Cancel = widget.NewButton(tr.T("common.cancel"), func() {
		f.Entry.SetText("")
		f.onClose()
	})
	if triesLeft == 1 {
		warn := widget.NewLabel(tr.T("pin.last_try_warning"))
		warn.Importance = widget.WarningImportance
		warn.Wrapping = fyne.TextWrapWord
		f.Confirm = widget.NewCheck(tr.T("pin.last_try_confirm"), func(on bool) {
			if on {
				f.OK.Enable()
			} else {
				f.OK.Disable()
			}
		})
		f.OK.Disable()
		// an icon and words, not colour alone
		items = append(items, container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, warn), f.Confirm)
	}
	f.Entry.OnSubmitted = func(string) {
		if !f.OK.Disabled() {
			f.submit()
		}
	}
	items = append(items, f.Error, container.NewHBox(f.Cancel, f.OK))
	f.Content = container.NewVBox(items...)
	return f
}

func formatKey(secret string) string {
	if secret == "sign-password" {
		return "pin.format.signpw"
	}
	return "pin.format.digits4"
}

func (f *PINForm) submit() {
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
func askPIN(win fyne.Window, tr *i18n.Localizer, secret string, triesLeft int, rule PINRule, onSubmit func(pin []byte, confirmLast bool), onCancel func()) {
	var d dialog.Dialog
	submitted := false
	f := NewPINForm(tr, secret, triesLeft, rule, func(pin []byte, c bool) { submitted = true; onSubmit(pin, c) }, func() { d.Hide() })
	f.Cancel.OnTapped = func() {
		f.Entry.SetText("")
		d.Hide()
	}
	d = dialog.NewCustomWithoutButtons(tr.T("pin.title"), f.Content, win)
	d.SetOnClosed(func() {
		f.Entry.SetText("") // however the dialog closed (also clears Fyne's undo stack)
		if !submitted && onCancel != nil {
			onCancel()
		}
	})
	d.Show()
	d.Resize(fyne.NewSize(460, d.MinSize().Height))
	win.Canvas().Focus(f.Entry)
}

// askAndWait shows the PIN dialog from a background goroutine and waits for
// the answer (ErrCancelled when the dialog is closed); shown, if set, is
// called once the dialog is up.
func askAndWait(win fyne.Window, tr *i18n.Localizer, rule PINRule, secret string, tries int, shown func()) ([]byte, bool, error) {
	type answer struct {
		pin     []byte
		confirm bool
		err     error
	}
	ch := make(chan answer, 1)
	fyne.DoAndWait(func() {
		askPIN(win, tr, secret, tries, rule,
			func(pin []byte, confirm bool) { send(ch, answer{pin, confirm, nil}) },
			func() { send(ch, answer{err: ErrCancelled}) })
	})
	if shown != nil {
		shown()
	}
	a := <-ch
	return a.pin, a.confirm, a.err
}
