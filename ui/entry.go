package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Entry is the app's text entry: it names itself to a screen reader, and
// lets Escape through to the screen: a focused
// Fyne entry keeps every key to itself, so Esc ("back") did nothing while
// the cursor was in a date or a postal code.
type Entry struct {
	widget.Entry
	escape func()
	// label names the entry for a screen reader (the question, the field)
	label string
}

// AccessibilityLabel is Fyne's (screen readers: -tags accessibility): what
// the entry is for, and what is typed in it (never for a password).
func (e *Entry) AccessibilityLabel() string {
	if e.Password || e.Text == "" {
		return e.label
	}
	return e.label + ": " + e.Text
}

// AccessibilityRole is Fyne's.
func (e *Entry) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleText }

func newEntry(multiLine bool, escape func()) *Entry {
	e := &Entry{escape: escape}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey gives Escape to the screen, every other key to the entry.
func (e *Entry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.escape != nil {
		e.escape()
		return
	}
	e.Entry.TypedKey(ev)
}

// KeyDown is Fyne's (desktop.Keyable): the entry's own (shift selection),
// then the window's keyboard (Escape closes a dialog, a field typed into
// out of view shows).
func (e *Entry) KeyDown(ev *fyne.KeyEvent) {
	e.Entry.KeyDown(ev)
	keyDownFrom(e, ev)
}

// KeyUp is Fyne's (desktop.Keyable).
func (e *Entry) KeyUp(ev *fyne.KeyEvent) {
	e.Entry.KeyUp(ev)
	keyUpFrom(e, ev)
}
