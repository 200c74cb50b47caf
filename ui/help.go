package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
)

// helpScreen is plain help for residents and the volunteers who sit with
// them: what Madoguchi does, the card's PINs and their tries, the
// keyboard, what to do when something goes wrong, and the error codes.
func helpScreen(tr *i18n.Localizer) fyne.CanvasObject {
	var objs []fyne.CanvasObject
	objs = append(objs, heading(tr.T("help.title")))
	for _, k := range []string{"what", "family", "pins", "keyboard", "trouble", "codes", "privacy"} {
		title := widget.NewLabelWithStyle(tr.T("help."+k+".title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		title.Wrapping = fyne.TextWrapWord
		objs = append(objs, title, wrapped(tr.T("help."+k+".text")))
	}
	return container.NewVScroll(container.NewPadded(container.NewVBox(objs...)))
}
