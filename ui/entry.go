package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// keyEntry is an entry that lets Escape through to the screen: a focused
// Fyne entry keeps every key to itself, so Esc ("back") did nothing while
// the cursor was in a date or a postal code.
type keyEntry struct {
	widget.Entry
	escape func()
}

func newKeyEntry(multiLine bool, escape func()) *keyEntry {
	e := &keyEntry{escape: escape}
	e.MultiLine = multiLine
	if multiLine {
		e.Wrapping = fyne.TextWrapWord
	}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey gives Escape to the screen, every other key to the entry.
func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.escape != nil {
		e.escape()
		return
	}
	e.Entry.TypedKey(ev)
}
