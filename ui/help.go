package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
)

// helpScreen is plain help for residents and the volunteers who sit with
// them: what Madoguchi does, the card's PINs and their tries, the
// keyboard, what to do when something goes wrong, and the error codes.
func helpScreen(tr *i18n.Localizer, signInNote string, intro, forget func()) fyne.CanvasObject {
	var objs []fyne.CanvasObject
	objs = append(objs, heading(tr.T("help.title")))
	if intro != nil {
		objs = append(objs, NewButtonWithIcon(tr.T("intro.again"), theme.InfoIcon(), intro))
	}
	for _, k := range []string{"what", "family", "pins", "keyboard", "trouble", "codes", "privacy"} {
		title := boldPara(tr.T("help." + k + ".title"))
		objs = append(objs, title, wrapped(tr.T("help."+k+".text")))
		if k == "privacy" && signInNote != "" {
			objs = append(objs, wrapped(signInNote)) // what this sign-in keeps
		}
		if k == "privacy" && forget != nil {
			objs = append(objs, NewButtonWithIcon(tr.T("forget.button"), theme.DeleteIcon(), forget))
		}
	}
	objs = append(objs, widget.NewLabelWithStyle(tr.T("help.languages.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		wrapped(languageStatuses(tr)))
	return container.NewVScroll(container.NewPadded(container.NewVBox(objs...)))
}

// languageStatuses says, language by language, whether its texts are the
// source, reviewed, or a draft nobody fluent has reviewed yet.
func languageStatuses(tr *i18n.Localizer) string {
	var lines []string
	for _, l := range i18n.Languages() {
		lines = append(lines, i18n.Endonym(l)+" — "+tr.T("lang.status."+i18n.Status(l)))
	}
	return tr.T("help.languages.text") + "\n" + strings.Join(lines, "\n")
}
