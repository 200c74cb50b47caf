package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
)

// FailureBox shows a failure as people can act on it: what happened, why,
// what to do, and the stable code to quote when asking for help.
type FailureBox struct {
	tr     *i18n.Localizer
	title  *Para
	cause  *Para
	action *Para
	code   *widget.Label
	box    *fyne.Container
}

// NewFailureBox returns a hidden box.
func NewFailureBox(tr *i18n.Localizer) *FailureBox {
	f := &FailureBox{tr: tr}
	f.title = boldPara("")
	f.title.Importance = widget.DangerImportance
	f.cause = wrapped("")
	f.action = wrapped("")
	f.code = widget.NewLabel("")
	// the code is quoted to whoever helps: in the text colour, never faint
	f.box = container.NewVBox(f.title, f.cause, f.action, f.code)
	f.box.Hide()
	return f
}

// Object is the box's canvas object.
func (f *FailureBox) Object() fyne.CanvasObject { return f.box }

// Show explains err.
func (f *FailureBox) Show(err error) {
	fl := f.tr.Explain(err)
	f.title.SetText(fl.Title)
	f.cause.SetText(fl.Cause)
	f.action.SetText(fl.Action)
	f.code.SetText(f.tr.T("failure.code_label", map[string]any{"Code": fl.Code}))
	f.box.Show()
}

// Hide hides the box.
func (f *FailureBox) Hide() { f.box.Hide() }

// Text returns the visible texts (for tests and accessibility).
func (f *FailureBox) Text() []string {
	if !f.box.Visible() {
		return nil
	}
	return []string{f.title.Text, f.cause.Text, f.action.Text, f.code.Text}
}
