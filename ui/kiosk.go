package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
)

// KioskService is the community-centre session as the window drives it
// (account/kiosk behind it, wired by the app): the window only shows what
// it says and passes on what people do.
type KioskService interface {
	// Begin: the resident chose their language; the session is under way.
	Begin()
	Begun() bool
	// Touch: someone used the window (a key, a tap).
	Touch()
	// Check is the session now: a countdown to show, or the reason to end.
	Check() KioskStatus
	// End wipes everything the session held (sign-in revoked at the
	// provider, the stores in memory, the answers) and counts it.
	End(reason string) error
	// Languages are the languages offered, in order.
	Languages() []string
	// TakeHome is the summary of this session in lang: what was filed,
	// what remains, by when — a PDF and what its QR code holds.
	TakeHome(ctx context.Context, lang string) (TakeHome, error)
	// SavePlaces are where the PDF may go (USB sticks first); none: saving
	// is not offered. Save writes it there.
	SavePlaces() []SavePlace
	Save(place SavePlace, name string, pdf []byte) (string, error)
	// CanPrint: a printer is offered; Print sends the PDF to it.
	CanPrint() bool
	Print(pdf []byte) error
}

// KioskStatus is the session's state: Phase "waiting", "active", "idle"
// (a warning), "card" (the card is out); Left the countdown; End, when
// set, the reason to end now ("finish", "card-removed", "idle").
type KioskStatus struct {
	Phase string
	Left  time.Duration
	End   string
}

// TakeHome is what the resident takes home.
type TakeHome struct {
	PDF []byte
	// Receipts are the receipt numbers filed in this session; Remaining
	// counts the procedures still to do (counter visits, by others).
	Receipts  []string
	Remaining int
	// QR is what the QR code holds (receipt numbers only), and its picture.
	QR      string
	QRImage []byte
}

// SavePlace is a place the take-home PDF can be saved: a USB stick or a
// folder the administrator named.
type SavePlace struct {
	Name, Path string
	Removable  bool
}

// WithKiosk makes the window the community-centre kiosk: the first screen
// chooses the language; "Finish and forget" is always in view; secrets go
// through the resident's private PIN pad; the session ends on finish, on
// the card taken out, and when idle — with a countdown first.
func WithKiosk(k KioskService) ShellOption { return func(s *Shell) { s.kiosk = k } }

// kioskLanguages are the languages offered (the administrator's list).
func (s *Shell) languages() []string {
	if s.kiosk != nil {
		if l := s.kiosk.Languages(); len(l) > 0 {
			return l
		}
	}
	return i18n.Languages()
}

// kioskFirst is the first screen: each language offered, in itself with
// its Japanese name beside it, so the volunteer can follow the choice.
func (s *Shell) kioskFirst() fyne.CanvasObject {
	ja := i18n.New("ja")
	title := heading(ja.T("kiosk.welcome"))
	var objs []fyne.CanvasObject
	objs = append(objs, title)
	if s.kioskNote != "" {
		note := boldPara(s.kioskNote)
		note.Importance = widget.SuccessImportance
		objs = append(objs, note)
	}
	objs = append(objs, wrapped(ja.T("kiosk.choose")+"\n"+i18n.New("en").T("kiosk.choose")))
	var first fyne.Focusable
	grid := container.NewGridWithColumns(2)
	for _, l := range s.languages() {
		l := l
		name := i18n.Endonym(l)
		if jn := ja.T("lang." + l); l != "ja" && jn != name {
			name += " — " + jn
		}
		b := NewAnswerButton(name, func() {
			s.kioskNote = ""
			s.kiosk.Begin()
			s.changeLanguage(l)
		})
		if first == nil {
			first = b
		}
		grid.Add(b)
	}
	objs = append(objs, grid)
	s.kioskFocus = first
	body := container.NewVScroll(container.NewPadded(container.NewVBox(objs...)))
	if s.demo != nil {
		return container.NewBorder(banner(s.tr.T("app.demo_banner")), nil, nil, nil, body)
	}
	return body
}

// finishButton is the kiosk's "Finish and forget": in the header, always.
func (s *Shell) finishButton() fyne.CanvasObject {
	b := NewButtonWithIcon(s.tr.T("kiosk.finish"), theme.LogoutIcon(), s.KioskFinish)
	b.Importance = widget.DangerImportance
	return b
}

// KioskFinish offers the take-home first, then ends the session.
func (s *Shell) KioskFinish() {
	tr := s.tr
	th, err := s.kiosk.TakeHome(context.Background(), tr.Lang())
	var objs []fyne.CanvasObject
	if err != nil {
		fb := NewFailureBox(tr)
		fb.Show(err)
		objs = append(objs, fb.Object())
	} else {
		objs = append(objs, boldPara(tr.T("kiosk.takehome.summary", map[string]any{"Filed": len(th.Receipts), "Remaining": th.Remaining})))
		for _, r := range th.Receipts {
			objs = append(objs, wrapped(tr.T("kiosk.takehome.receipt", map[string]any{"Number": r})))
		}
		if len(th.QRImage) > 0 {
			img := canvas.NewImageFromResource(fyne.NewStaticResource("status-qr.png", th.QRImage))
			img.FillMode = canvas.ImageFillContain
			img.SetMinSize(fyne.NewSquareSize(160))
			objs = append(objs, container.NewBorder(nil, nil, img, nil, wrapped(tr.T("kiosk.takehome.qr"))))
		}
	}
	result := wrapped("")
	var d dialog.Dialog
	var buttons []fyne.CanvasObject
	if err == nil {
		for _, p := range s.kiosk.SavePlaces() {
			p := p
			label := tr.T("kiosk.save_to", map[string]any{"Place": p.Name})
			icon := theme.DocumentSaveIcon()
			b := NewButtonWithIcon(label, icon, func() {
				where, err := s.kiosk.Save(p, tr.T("kiosk.file_name"), th.PDF)
				if err != nil {
					result.SetText(tr.T("kiosk.save_failed", map[string]any{"Place": p.Name}) + " " + failureLine(tr, err))
					return
				}
				result.SetText(tr.T("kiosk.saved", map[string]any{"Path": where}))
			})
			buttons = append(buttons, b)
		}
		if s.kiosk.CanPrint() {
			buttons = append(buttons, NewButtonWithIcon(tr.T("kiosk.print"), theme.DocumentPrintIcon(), func() {
				if err := s.kiosk.Print(th.PDF); err != nil {
					result.SetText(failureLine(tr, err))
					return
				}
				result.SetText(tr.T("kiosk.printed"))
			}))
		}
	}
	forget := NewButtonWithIcon(tr.T("kiosk.forget_now"), theme.DeleteIcon(), func() {
		if d != nil {
			d.Hide()
		}
		s.EndKiosk("finish")
	})
	forget.Importance = widget.DangerImportance
	objs = append(objs, wrapped(tr.T("kiosk.takehome.how")))
	objs = append(objs, buttons...)
	objs = append(objs, result, wrapped(tr.T("kiosk.forget_what")), forget)
	d = showCustom(s.win, tr.T("kiosk.takehome.title"), tr.T("kiosk.continue"), container.NewVScroll(container.NewVBox(objs...)))
	ws := s.win.Canvas().Size()
	d.Resize(fyne.NewSize(ws.Width*0.94, ws.Height*0.94))
	if len(buttons) > 0 {
		if f, ok := buttons[0].(fyne.Focusable); ok {
			s.win.Canvas().Focus(f)
		}
	}
}

// failureLine is a failure in one line: its title and what to do.
func failureLine(tr *i18n.Localizer, err error) string {
	fl := tr.Explain(err)
	return fl.Title + " — " + fl.Action + " (" + tr.T("failure.code_label", map[string]any{"Code": fl.Code}) + ")"
}

// EndKiosk ends the session for reason: the PIN pad and every dialog
// closed, everything wiped, the clipboard emptied, and the window back at
// the first screen saying it was forgotten. Main goroutine.
func (s *Shell) EndKiosk(reason string) {
	closePad(s.win)
	for s.win.Canvas().Overlays().Top() != nil {
		s.win.Canvas().Overlays().Remove(s.win.Canvas().Overlays().Top())
	}
	keyboardOf(s.win).escape = nil
	fyne.CurrentApp().Clipboard().SetContent("")
	err := s.kiosk.End(reason)
	ja := i18n.New("ja")
	s.kioskNote = ja.T("kiosk.ended." + reason)
	if s.tr.Lang() != "ja" {
		s.kioskNote += "\n" + s.tr.T("kiosk.ended."+reason)
	}
	if err != nil {
		s.kioskNote += "\n" + failureLine(s.tr, err)
	}
	s.kioskStatus = nil
	s.SetLanguage(s.tr.Lang())
}

// KioskTick shows the session's state now: a countdown over everything,
// or the end. Main goroutine (RunKiosk calls it every second).
func (s *Shell) KioskTick() {
	if s.kiosk == nil {
		return
	}
	st := s.kiosk.Check()
	if st.End != "" {
		s.EndKiosk(st.End)
		return
	}
	switch st.Phase {
	case "idle", "card":
		s.showCountdown(st)
	default:
		s.hideCountdown()
	}
}

// RunKiosk ticks the session every second until ctx ends.
func (s *Shell) RunKiosk(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fyne.Do(s.KioskTick)
		}
	}
}

// showCountdown puts the countdown on top of everything: why the session
// is ending, in how many seconds, and what keeps it.
func (s *Shell) showCountdown(st KioskStatus) {
	secs := int(st.Left / time.Second)
	text := s.tr.T("kiosk.countdown."+st.Phase, map[string]any{"Seconds": secs})
	if s.kioskStatus == nil {
		p := boldPara(text)
		p.SizeName = theme.SizeNameSubHeadingText
		keep := NewButtonWithIcon(s.tr.T("kiosk.keep_going"), theme.ConfirmIcon(), func() {
			s.kiosk.Touch()
			s.hideCountdown()
		})
		keep.Importance = widget.HighImportance
		body := container.NewBorder(nil, container.NewHBox(keep), nil, nil, p)
		pop := widget.NewModalPopUp(body, s.win.Canvas())
		ws := s.win.Canvas().Size()
		pop.Resize(fyne.NewSize(ws.Width*0.8, pop.MinSize().Height))
		pop.Show()
		s.kioskStatus = &countdown{pop: pop, text: p, keep: keep, phase: st.Phase}
		if st.Phase == "idle" {
			s.win.Canvas().Focus(keep)
		}
	}
	s.kioskStatus.text.SetText(text)
	s.kioskStatus.keep.Hidden = st.Phase != "idle" // the card: only putting it back keeps it
	s.kioskStatus.phase = st.Phase
}

func (s *Shell) hideCountdown() {
	if s.kioskStatus != nil {
		s.kioskStatus.pop.Hide()
		s.kioskStatus = nil
	}
}

// Countdown is the countdown's text now ("" when none shows) — for tests.
func (s *Shell) Countdown() string {
	if s.kioskStatus == nil {
		return ""
	}
	return s.kioskStatus.text.Text
}

type countdown struct {
	pop   *widget.PopUp
	text  *Para
	keep  *Button
	phase string
}
