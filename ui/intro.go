package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// WithIntro shows the first-run introduction when the window opens — the
// card and the reader (what the app sees now), what stays on this PC,
// where to get help in person — skippable, and offered again in Help;
// done is called once it is closed, started or skipped (the app remembers).
func WithIntro(show bool, done func()) ShellOption {
	return func(s *Shell) { s.introPending, s.introDone = show, done }
}

// ShowIntro shows the introduction. Main goroutine only.
func (s *Shell) ShowIntro() {
	tr := s.tr
	title := func(k string) *Para {
		p := boldPara(tr.T(k))
		p.SizeName = theme.SizeNameSubHeadingText
		return p
	}
	objs := []fyne.CanvasObject{title("intro.card.title"), wrapped(tr.T("state.reader-empty.hint"))}
	if s.card != nil && s.card.stateTitle.Text != "" {
		now := s.card.stateTitle.Text
		if h := s.card.stateHint.Text; h != "" {
			now += " — " + h
		}
		objs = append(objs, boldPara(tr.T("intro.card.now", map[string]any{"State": now})))
	}
	objs = append(objs, wrapped(tr.T("help.pins.text")), title("intro.keeps.title"), wrapped(tr.T("help.privacy.text")))
	if s.panel != nil {
		if n := s.panel.Note(); n != "" {
			objs = append(objs, wrapped(n))
		}
	}
	objs = append(objs, title("intro.help.title"), wrapped(tr.T("intro.help.text")))
	d := showConfirm(s.win, tr.T("intro.title"), tr.T("intro.start"), tr.T("intro.skip"),
		container.NewVScroll(container.NewVBox(objs...)), func(bool) {
			if s.introDone != nil {
				s.introDone()
			}
		})
	ws := s.win.Canvas().Size()
	d.Resize(fyne.NewSize(ws.Width*0.85, ws.Height*0.85))
	s.win.Canvas().FocusNext() // Enter: start; Escape: skip
}
