package ui

import (
	"context"
	"image"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
)

// ProxyGrant is a proxy relation as the family screen shows it: the other
// person, what is allowed in plain language, until when, its status.
type ProxyGrant struct {
	ID     string
	Other  string // the other person's name ("" while an invitation waits)
	Scopes []string
	Note   string
	Until  time.Time
	Status string // pending, active, revoked, expired, needs-confirmation, suspended
	// What the person can do with it, by the grant's rules (the service
	// decides): act for the principal, wait for the principal's renewed
	// consent, give that consent, end it; Ends: its end date still matters.
	CanAct, AwaitsConfirmation, CanConfirm, CanEnd, Ends bool
}

// Relations are both directions.
type Relations struct {
	ActForMe []ProxyGrant // people who act for me
	IActFor  []ProxyGrant // people I act for
}

// ScopeChoice is something a principal can allow.
type ScopeChoice struct {
	ID, Text string
}

// Invitation is a new one-time code, with its QR code.
type Invitation struct {
	Code    string
	QR      image.Image
	Expires time.Time
}

// ProxyService is what the family screen and the acting bar need
// (implemented in app): the person's relations, inviting, accepting,
// ending and confirming, their trail, and switching to acting for someone.
type ProxyService interface {
	// Ready is false until signed in.
	Ready() bool
	Relations(ctx context.Context, lang string) (Relations, error)
	Choices(lang string) []ScopeChoice
	Invite(ctx context.Context, scopes []string, until time.Time, note string) (Invitation, error)
	Accept(ctx context.Context, code string) error
	Revoke(ctx context.Context, id string) error
	Confirm(ctx context.Context, id string) error
	// Trail is everything done on the person's behalf, one line each,
	// newest first.
	Trail(ctx context.Context, lang string) ([]string, error)
	// ActAs switches every screen to acting for the principal of grant id;
	// StopActing back to oneself. Acting is the principal's name ("": not
	// acting).
	ActAs(ctx context.Context, id string) error
	StopActing()
	Acting() string
}

// actingBar is the bar shown on every screen while acting for someone: a
// colour nothing else uses, the principal's name, and the way back.
func actingBar(tr *i18n.Localizer, name string, back func()) fyne.CanvasObject {
	bg := canvas.NewRectangle(ActingColor)
	// (the person's icon drawn, not an emoji: the bundled font has none)
	t := boldPara(tr.T("proxy.bar", map[string]any{"Name": name}))
	t.ColorName, t.SizeName = ColorNameOnActing, theme.SizeNameSubHeadingText
	b := NewButtonWithIcon(tr.T("proxy.back_to_me"), theme.AccountIcon(), back)
	b.Importance = widget.HighImportance
	icon := widget.NewIcon(theme.NewColoredResource(theme.AccountIcon(), ColorNameOnActing))
	return container.NewStack(bg, container.NewPadded(container.NewBorder(nil, nil, icon, b, t)))
}

// FamilyScreen is "Family and proxies": people I act for, people who act
// for me (end, confirm again), an invitation, accepting one, and the trail
// of everything done on my behalf.
type FamilyScreen struct {
	win     fyne.Window
	svc     ProxyService
	tr      *i18n.Localizer
	onActed func() // after switching to acting for someone
	body    *fyne.Container
	failure *FailureBox
	status  *Para
	root    fyne.CanvasObject
	async   func(func())
}

// NewFamilyScreen builds the screen; onActed runs after the switch to
// acting for someone (the shell rebuilds every screen).
func NewFamilyScreen(win fyne.Window, svc ProxyService, tr *i18n.Localizer, onActed func()) *FamilyScreen {
	s := &FamilyScreen{win: win, svc: svc, tr: tr, onActed: onActed, async: func(f func()) { go f() }}
	s.body = container.NewVBox()
	s.failure = NewFailureBox(tr)
	s.status = wrapped("")
	s.status.Hide() // shown with something to say (no blank line above the lists)
	s.root = container.NewVScroll(container.NewVBox(s.status, s.failure.Object(), s.body))
	return s
}

// say shows a sentence above the lists.
func (s *FamilyScreen) say(text string) {
	s.status.SetText(text)
	s.status.Show()
}

// Object is the screen's canvas object.
func (s *FamilyScreen) Object() fyne.CanvasObject { return s.root }

// run does f off the main goroutine, then shows its failure or calls done.
func (s *FamilyScreen) run(f func(ctx context.Context) error, done func()) {
	s.failure.Hide()
	s.async(func() {
		err := f(context.Background())
		fyne.Do(func() {
			if err != nil {
				s.failure.Show(err)
				return
			}
			if done != nil {
				done()
			}
		})
	})
}

// Reload reads the relations again. Main goroutine only.
func (s *FamilyScreen) Reload() {
	tr := s.tr
	if !s.svc.Ready() {
		s.body.Objects = []fyne.CanvasObject{wrapped(tr.T("proxy.sign_in_first"))}
		s.body.Refresh()
		return
	}
	if name := s.svc.Acting(); name != "" {
		s.body.Objects = []fyne.CanvasObject{wrapped(tr.T("proxy.while_acting", map[string]any{"Name": name}))}
		s.body.Refresh()
		return
	}
	var rel Relations
	var trail []string
	s.run(func(ctx context.Context) error {
		var err error
		if rel, err = s.svc.Relations(ctx, tr.Lang()); err != nil {
			return err
		}
		trail, err = s.svc.Trail(ctx, tr.Lang())
		return err
	}, func() { s.show(rel, trail) })
}

func (s *FamilyScreen) grantCard(g ProxyGrant, iAct bool) fyne.CanvasObject {
	tr := s.tr
	name := g.Other
	if name == "" {
		name = tr.T("proxy.not_accepted")
	}
	sub := tr.T("proxy.status." + g.Status)
	if g.Ends { // an end date matters while it can still act
		sub += " · " + tr.T("proxy.until", map[string]any{"Date": tr.Date(g.Until)})
	}
	var lines []fyne.CanvasObject
	for _, sc := range g.Scopes {
		lines = append(lines, wrapped("✓ "+sc))
	}
	if g.Note != "" {
		lines = append(lines, wrapped(tr.T("proxy.note", map[string]any{"Note": g.Note})))
	}
	var buttons []fyne.CanvasObject
	switch {
	case g.CanAct:
		b := NewButtonWithIcon(tr.T("proxy.act_for", map[string]any{"Name": name}), theme.AccountIcon(), func() {
			s.run(func(ctx context.Context) error { return s.svc.ActAs(ctx, g.ID) }, s.onActed)
		})
		b.Importance = widget.HighImportance
		buttons = append(buttons, b)
	case g.AwaitsConfirmation:
		lines = append(lines, wrapped(tr.T("proxy.ask_confirm", map[string]any{"Name": name})))
	case g.CanConfirm:
		b := NewButton(tr.T("proxy.confirm"), func() {
			s.run(func(ctx context.Context) error { return s.svc.Confirm(ctx, g.ID) }, s.Reload)
		})
		b.Importance = widget.HighImportance
		buttons = append(buttons, b)
	}
	if g.CanEnd {
		label := tr.T("proxy.revoke")
		question := tr.T("proxy.revoke_question", map[string]any{"Name": name})
		if iAct {
			label = tr.T("proxy.give_up")
			question = tr.T("proxy.give_up_question", map[string]any{"Name": name})
		}
		end := NewButtonWithIcon(label, theme.CancelIcon(), nil)
		end.Importance = widget.DangerImportance
		end.OnTapped = func() {
			// one confirmation, in the person's language, saying what follows
			d := showConfirm(s.win, label, label, tr.T("common.cancel"), wrapped(question), func(yes bool) {
				if yes {
					s.run(func(ctx context.Context) error { return s.svc.Revoke(ctx, g.ID) }, func() {
						s.say(tr.T("proxy.revoked", map[string]any{"Name": name}))
						s.Reload()
					})
				}
			})
			d.Resize(fyne.NewSize(520, 0))
		}
		buttons = append(buttons, end)
	}
	if len(buttons) > 0 { // first: with large text the list of scopes is long
		lines = append([]fyne.CanvasObject{container.NewHBox(buttons...)}, lines...)
	}
	return newCard(name, sub, container.NewVBox(lines...))
}

func (s *FamilyScreen) show(rel Relations, trail []string) {
	tr := s.tr
	iAct := []fyne.CanvasObject{heading(tr.T("proxy.list.i_act_for"))}
	for _, g := range rel.IActFor {
		iAct = append(iAct, s.grantCard(g, true))
	}
	if len(rel.IActFor) == 0 {
		iAct = append(iAct, wrapped(tr.T("proxy.none_i_act_for")))
	}
	code := newEntry(false, nil)
	code.label = tr.T("proxy.accept")
	code.SetPlaceHolder("ABCD-EFGH-JKLM")
	accept := NewButton(tr.T("proxy.accept"), func() {
		c := strings.TrimSpace(code.Text)
		if c == "" {
			s.win.Canvas().Focus(code)
			return
		}
		s.run(func(ctx context.Context) error { return s.svc.Accept(ctx, c) }, func() {
			code.SetText("")
			s.say(tr.T("proxy.accepted_window"))
			s.Reload()
		})
	})
	code.OnSubmitted = func(string) { accept.OnTapped() }
	iAct = append(iAct, newCard(tr.T("proxy.accept_title"), tr.T("proxy.accept_hint"), container.NewBorder(nil, nil, nil, accept, code)))

	forMe := []fyne.CanvasObject{heading(tr.T("proxy.list.act_for_me"))}
	for _, g := range rel.ActForMe {
		forMe = append(forMe, s.grantCard(g, false))
	}
	if len(rel.ActForMe) == 0 {
		forMe = append(forMe, wrapped(tr.T("proxy.none_for_me")))
	}
	invite := NewButtonWithIcon(tr.T("proxy.invite_title")+"…", theme.MailSendIcon(), s.inviteDialog)
	invite.Importance = widget.HighImportance
	forMe = append(forMe, invite)
	lines := []fyne.CanvasObject{}
	for _, l := range trail {
		lines = append(lines, wrapped(l))
	}
	if len(trail) == 0 {
		lines = append(lines, wrapped(tr.T("proxy.audit.none")))
	}
	forMe = append(forMe, newCard(tr.T("proxy.trail_title"), tr.T("proxy.trail_hint"), container.NewVBox(lines...)))
	left, right := container.NewVBox(forMe...), container.NewVBox(iAct...)
	if len(rel.ActForMe) == 0 && len(rel.IActFor) > 0 {
		left, right = right, left // what concerns this person first (one column when narrow)
	}
	s.body.Objects = []fyne.CanvasObject{NewColumns(left, right)}
	s.body.Refresh()
}

// inviteDialog: what to allow (plain language), until when, a note.
func (s *FamilyScreen) inviteDialog() {
	tr := s.tr
	var checks []*widget.Check
	var ids []string
	var objs []fyne.CanvasObject
	for _, c := range s.svc.Choices(tr.Lang()) {
		ch := widget.NewCheck(c.Text, nil)
		checks, ids = append(checks, ch), append(ids, c.ID)
		objs = append(objs, ch)
	}
	until := newEntry(false, nil)
	until.label = tr.T("proxy.until_label")
	until.SetText(time.Now().AddDate(1, 0, 0).In(i18n.JST).Format(time.DateOnly))
	note := newEntry(false, nil)
	note.label = tr.T("proxy.note_label")
	note.SetPlaceHolder(tr.T("proxy.note_placeholder"))
	problem := wrapped("")
	problem.Importance = widget.DangerImportance
	var d dialog.Dialog
	invite := NewButtonWithIcon(tr.T("proxy.invite"), theme.MailSendIcon(), func() {
		var scopes []string
		for i, ch := range checks {
			if ch.Checked {
				scopes = append(scopes, ids[i])
			}
		}
		if len(scopes) == 0 {
			problem.SetText(tr.T("proxy.choose_something"))
			return
		}
		day, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(until.Text), i18n.JST)
		if err != nil {
			problem.SetText(tr.T("proxy.until_format"))
			s.win.Canvas().Focus(until)
			return
		}
		d.Hide()
		var inv Invitation
		s.run(func(ctx context.Context) error {
			var err error
			inv, err = s.svc.Invite(ctx, scopes, day.Add(24*time.Hour-time.Second), note.Text)
			return err
		}, func() { s.showInvitation(inv); s.Reload() })
	})
	invite.Importance = widget.HighImportance
	cancel := NewButton(tr.T("common.cancel"), func() { d.Hide() })
	hint := wrapped(tr.T("proxy.invite_hint"))
	objs = append([]fyne.CanvasObject{hint}, objs...)
	objs = append(objs, widget.NewLabel(tr.T("proxy.until_label")), until, widget.NewLabel(tr.T("proxy.note_label")), note)
	// the buttons stay in view below the scrolling choices
	d = dialog.NewCustomWithoutButtons(tr.T("proxy.invite_title"), container.NewBorder(nil,
		container.NewVBox(problem, container.NewHBox(cancel, invite)), nil, nil, container.NewVScroll(container.NewVBox(objs...))), s.win)
	showDialog(s.win, d, nil)
	d.Resize(fyne.NewSize(640, 640))
}

// showInvitation shows the code large, and as a QR code.
func (s *FamilyScreen) showInvitation(inv Invitation) {
	tr := s.tr
	code := widget.NewRichText(&widget.TextSegment{Text: inv.Code, Style: widget.RichTextStyle{
		Alignment: fyne.TextAlignCenter, SizeName: theme.SizeNameHeadingText, TextStyle: fyne.TextStyle{Monospace: true, Bold: true}}})
	objs := []fyne.CanvasObject{code}
	if inv.QR != nil {
		img := canvas.NewImageFromImage(inv.QR)
		img.FillMode = canvas.ImageFillContain
		img.ScaleMode = canvas.ImageScalePixels
		img.SetMinSize(fyne.NewSize(200, 200))
		objs = append(objs, img)
	}
	objs = append(objs, wrapped(tr.T("proxy.invite.code_window", map[string]any{"Expires": tr.DateTime(inv.Expires)})))
	d := showCustom(s.win, tr.T("proxy.invite_title"), tr.T("common.close"), container.NewVBox(objs...))
	d.Resize(fyne.NewSize(520, 0)) // the explanation reads in lines, not a column
}
