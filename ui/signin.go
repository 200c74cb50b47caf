package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
)

// SignInPanel shows whether the person is signed in to their municipality
// and lets them sign in with the card (auth PIN dialog with tries left and
// the last-try guard) or sign out.
type SignInPanel struct {
	win     fyne.Window
	svc     SignInService
	tr      *i18n.Localizer
	lang    string
	status  *Para
	note    *Para
	button  *Button
	failure *FailureBox
	card    *fyne.Container // the panel: a heading, then what fits the state
	title   *Para
	async   func(func())
	// askFn asks for the PIN (p.ask; tests replace it), shown is called once
	// the dialog is up (tests).
	askFn     PINAsker
	consentFn ConsentAsker
	shown     func()
	// OnChange is called (main goroutine) when the signed-in state changes.
	OnChange func()
	// Rule checks the PIN's format as typed (from the card service).
	Rule PINRule
	// ctx ends a sign-in in progress when the panel is stopped (window
	// closed): the card operation and the provider requests are cancelled.
	ctx    context.Context
	cancel context.CancelFunc
}

// Stop cancels a sign-in or sign-out in progress.
func (p *SignInPanel) Stop() { p.cancel() }

// NewSignInPanel builds the panel.
func NewSignInPanel(win fyne.Window, svc SignInService, tr *i18n.Localizer, lang string) *SignInPanel {
	p := &SignInPanel{win: win, svc: svc, tr: tr, lang: lang, async: func(f func()) { go f() }}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.askFn = p.ask
	p.consentFn = p.consent
	p.status = boldPara("")
	p.note = wrapped("")
	p.button = NewButton("", nil)
	p.failure = NewFailureBox(tr)
	p.title = boldPara("")
	// large text in a narrow window wraps, never widens it
	p.card = container.NewVBox()
	p.show(svc.Current())
	return p
}

// Note is who is signed in, where, and what the sign-in keeps on this PC
// ("" signed out).
func (p *SignInPanel) Note() string {
	if p.svc.Current() == nil {
		return ""
	}
	return p.status.Text + "\n" + p.note.Text
}

// Object is the panel's canvas object.
func (p *SignInPanel) Object() fyne.CanvasObject { return p.card }

func (p *SignInPanel) show(a *Account) {
	p.button.Enable()
	if a == nil {
		p.title.SetText(p.tr.T("signin.title") + " — " + p.tr.T("signin.subtitle", map[string]any{"Municipality": p.svc.Municipality(p.lang)}))
		p.title.SizeName = theme.SizeNameSubHeadingText
		p.card.Objects = []fyne.CanvasObject{p.title, p.status, p.note, p.button, p.failure.Object()}
		p.card.Refresh()
		p.status.SetText(p.tr.T("signin.signed_out"))
		p.note.SetText(p.tr.T("signin.how"))
		p.button.SetText(p.tr.T("signin.button"))
		p.button.Importance = widget.HighImportance
		p.button.OnTapped = p.signIn
	} else {
		// the municipality's name in the current language, not the one at sign-in
		p.status.SetText(p.tr.T("signin.signed_in", map[string]any{"Name": a.Name, "Municipality": p.svc.Municipality(p.lang)}))
		if p.svc.Persistent() {
			p.note.SetText(p.tr.T("signin.kept"))
		} else {
			p.note.SetText(p.tr.T("signin.session_only"))
		}
		p.button.SetText(p.tr.T("signin.sign_out"))
		p.button.Importance = widget.MediumImportance
		p.button.OnTapped = p.signOut
		// signed in: one compact strip (who, where, how long), so the
		// screens below get the room
		// (who and where in full, and what it keeps, are said in Help)
		p.title.SetText(a.Name)
		p.title.SizeName = theme.SizeNameText
		p.card.Objects = []fyne.CanvasObject{container.NewBorder(nil, nil, widget.NewIcon(theme.AccountIcon()), container.NewVBox(p.button), p.title), p.failure.Object()}
		p.card.Refresh()
	}
	p.button.Refresh()
	if p.OnChange != nil {
		p.OnChange()
	}
}

// ask shows the PIN dialog from the sign-in goroutine and waits.
func (p *SignInPanel) ask(secret string, tries int) ([]byte, bool, error) {
	return askAndWait(p.win, p.tr, p.Rule, secret, tries, p.shown)
}

// consent shows what the sign-in allows beyond the basics and waits for
// the person's answer (from the sign-in goroutine).
func (p *SignInPanel) consent(scopes []string) error {
	ch := make(chan error, 1)
	fyne.DoAndWait(func() {
		intro := wrapped(p.tr.T("signin.consent.intro"))
		items := []fyne.CanvasObject{intro}
		for _, sc := range scopes {
			l := wrapped("・" + p.tr.T("signin.consent.scope."+sc))
			items = append(items, l)
		}
		d := showConfirm(p.win, p.tr.T("signin.consent.title"), p.tr.T("signin.consent.agree"), p.tr.T("common.cancel"),
			container.NewVBox(items...), func(ok bool) {
				if ok {
					send(ch, error(nil))
				} else {
					send(ch, error(ErrCancelled))
				}
			})
		d.Resize(fyne.NewSize(520, d.MinSize().Height))
	})
	if p.shown != nil {
		p.shown()
	}
	return <-ch
}

func (p *SignInPanel) signIn() {
	p.failure.Hide()
	p.button.Disable()
	p.status.SetText(p.tr.T("signin.progress"))
	p.async(func() {
		a, err := p.svc.SignIn(p.ctx, p.askFn, p.consentFn)
		fyne.Do(func() {
			if err != nil {
				if err != ErrCancelled {
					p.failure.Show(err)
				}
				p.show(nil)
				return
			}
			p.show(a)
		})
	})
}

func (p *SignInPanel) signOut() {
	p.failure.Hide()
	p.button.Disable()
	p.async(func() {
		err := p.svc.SignOut(p.ctx)
		fyne.Do(func() {
			p.show(nil)
			if err != nil { // signed out here anyway; say that the provider was not told
				p.failure.Show(err)
			}
		})
	})
}

// send delivers the first answer only.
func send[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default:
	}
}

// Reload shows the service's current account (after a sign-in done
// elsewhere, e.g. the demo's automatic one). Main goroutine only.
func (p *SignInPanel) Reload() { p.show(p.svc.Current()) }
