package gui

import (
	"madoguchi/internal/uitest"
	"reflect"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"madoguchi/ui"
)

// Another language keeps the place: in the middle of the moving
// interview, with a date typed and not yet given, choosing English shows
// the same question in English with the same text in its box, on the same
// tab — the window is not started over.
func TestLanguageChangeKeepsThePlace(t *testing.T) {
	a := uitest.NewApp(t)
	a.Settings().SetTheme(ui.NewTheme(1))
	h := windowFor(t, municipality(t), a, "sato-hana")
	events := func() fyne.CanvasObject { return h.shell.LifeEvents().Object() }
	tile := button(t, events(), "引っ越し")
	fyne.DoAndWait(func() { test.Tap(tile) })
	shows(t, events, "引っ越しの日")
	fyne.DoAndWait(func() { test.Type(h.win.Canvas().Focused(), "2026/4/1") })
	// the chooser: the language in itself; its choices, each in its own
	// language
	sel := button(t, h.shell.Object(), "日本語")
	fyne.DoAndWait(func() { test.Tap(sel) })
	var top fyne.CanvasObject
	fyne.DoAndWait(func() { top = h.win.Canvas().Overlays().Top() })
	english := button(t, top, "English")
	fyne.DoAndWait(func() { test.Tap(english) })
	events = func() fyne.CanvasObject { return h.shell.LifeEvents().Object() }
	shows(t, events, "On what day do you move")
	var typed string
	fyne.DoAndWait(func() { typed = entryTextOf(t, events()) })
	if typed != "2026/4/1" {
		t.Fatalf("what was typed is lost: %q", typed)
	}
	if h.shell.Tabs().SelectedIndex() != 0 {
		t.Fatal("another tab after the language changed")
	}
}

// entryTextOf is the text of the first entry under o (a widget.Entry, or
// the screen's own entry that embeds one).
func entryTextOf(t *testing.T, o fyne.CanvasObject) string {
	e, ok := find(t, o, func(e interface {
		fyne.CanvasObject
		SetPlaceHolder(string)
	}) bool {
		return true
	})
	if !ok {
		return ""
	}
	v := reflect.ValueOf(e).Elem().FieldByName("Text")
	if !v.IsValid() {
		return ""
	}
	return v.String()
}

// The window's language: --lang, else the one chosen last time, else the
// system's; a system language the app is not written in gives Japanese
// with a note naming it.
func TestWindowLanguage(t *testing.T) {
	for _, c := range []struct{ flag, saved, system, tag, note string }{
		{"en", "ko", "vi-VN", "en", ""},
		{"", "ko", "vi-VN", "ko", ""},
		{"", "", "vi-VN", "vi", ""},
		{"", "", "zh-CN", "zh-Hans", ""},
		{"", "", "pt", "pt-BR", ""},
		{"", "", "tl-PH", "fil", ""},
		{"", "", "en-GB", "en", ""},
		{"", "", "ja", "ja", ""},
		{"", "klingon", "fr-FR", "ja", "fr-FR"},
		{"", "", "de", "ja", "de"},
	} {
		tag, note := windowLanguage(c.flag, c.saved, c.system)
		if tag != c.tag || note != c.note {
			t.Errorf("%+v: %s %q", c, tag, note)
		}
	}
}
