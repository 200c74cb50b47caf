package ui

import (
	"fmt"
	"image/color"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
)

// Shell is the window content: header (title, language), the demo banner,
// and the current screen. Switching language rebuilds the screen.
type Shell struct {
	win    fyne.Window
	svc    CardService
	signIn SignInService // nil: no municipality configured
	wallet WalletService // nil: no certificates service
	panel  *SignInPanel
	certs  *CertScreen
	tabs   *container.AppTabs
	demo   DemoControls
	root   *fyne.Container
	tr     *i18n.Localizer
	card   *CardScreen
	stop   func()
	// welcome is set on first start (no municipality yet)
	welcome Welcome
	life    LifeEventService // nil: no life events (no municipality)
	events  *LifeEventScreen
	proxies ProxyService // nil: no proxy registry
	family  *FamilyScreen
	// async, when set, replaces every screen's way of running slow work
	// (WithAsync)
	async func(func())
	// langNote names a language asked for that the app is not written in
	// (shown until another is chosen); langChosen keeps a choice.
	langNote   string
	langChosen func(tag string)
	// forget removes everything the app keeps for the person on this PC
	// (WithForget); quit closes the window after
	forget func() (removed []string, err error)
	quit   func()
	// the first-run introduction, to show once the window is built
	introPending bool
	introDone    func()
	// the text size and colours, and who keeps a change (WithDisplay)
	scale      float32
	appearance Appearance
	displayed  func(scale float32, a Appearance)
	// the kiosk (WithKiosk): its session, what the first screen says about
	// the last one, where its focus starts, the countdown showing
	kiosk       KioskService
	kioskNote   string
	kioskFocus  fyne.Focusable
	kioskStatus *countdown
	kioskBar    fyne.CanvasObject // nil outside the kiosk
}

// WithDisplay gives the text size and colours shown, and is told of each
// change made in the window (the app remembers it).
func WithDisplay(scale float32, a Appearance, changed func(scale float32, a Appearance)) ShellOption {
	return func(s *Shell) { s.scale, s.appearance, s.displayed = scale, a, changed }
}

// WithLanguageNote says, above everything, that the language asked for
// (the system's) is not available and Japanese is shown — in Japanese and
// in English, since the person may read neither well.
func WithLanguageNote(asked string) ShellOption { return func(s *Shell) { s.langNote = asked } }

// WithLanguageChosen is called with each language chosen in the window
// (the app remembers it).
func WithLanguageChosen(f func(tag string)) ShellOption {
	return func(s *Shell) { s.langChosen = f }
}

// inline gives a screen's async the shell's, when set.
func (s *Shell) inline(async *func(func())) {
	if s.async != nil {
		*async = s.async
	}
}

// ShellOption tunes a shell before it is built.
type ShellOption func(*Shell)

// WithAsync sets how every screen runs slow work off the main goroutine
// (tests: in line, so that fyne's test driver, which does not serialise
// fyne.Do, sees one goroutine).
func WithAsync(f func(func())) ShellOption { return func(s *Shell) { s.async = f } }

// SetProxies adds "Family and proxies" and the acting bar. Main goroutine
// only.
func (s *Shell) SetProxies(p ProxyService) {
	s.proxies = p
	s.SetLanguage(s.tr.Lang())
}

// Family is the family screen (nil without a proxy registry).
func (s *Shell) Family() *FamilyScreen { return s.family }

// Tabs are the shell's tabs (nil with a single screen).
func (s *Shell) Tabs() *container.AppTabs { return s.tabs }

// SetLifeEvents adds the life-event home ("What happened?") as the first
// tab. Main goroutine only.
func (s *Shell) SetLifeEvents(l LifeEventService) {
	s.life = l
	s.SetLanguage(s.tr.Lang())
}

// LifeEvents is the life-event screen (nil without one).
func (s *Shell) LifeEvents() *LifeEventScreen { return s.events }

// SetWelcome shows the first-start choices (demo or municipality) above the
// card screen. Main goroutine only.
func (s *Shell) SetWelcome(w Welcome) {
	s.welcome = w
	s.SetLanguage(s.tr.Lang())
}

// NewShell builds the shell in lang; demo is nil outside demo mode, signIn
// nil when no municipality profile is configured.
func NewShell(win fyne.Window, svc CardService, signIn SignInService, wallet WalletService, demo DemoControls, lang string, opts ...ShellOption) *Shell {
	s := &Shell{win: win, svc: svc, signIn: signIn, wallet: wallet, demo: demo, root: container.NewStack()}
	for _, o := range opts {
		o(s)
	}
	s.SetLanguage(lang)
	if s.introPending && s.signIn != nil {
		s.introPending = false
		s.ShowIntro()
	}
	return s
}

// FocusStart puts the focus where the screen starts (the kiosk's first
// language), once the shell is the window's content.
func (s *Shell) FocusStart() {
	if s.kioskFocus != nil && s.win.Canvas().Content() == s.root {
		s.win.Canvas().Focus(s.kioskFocus)
	}
}

// Object is the shell's canvas object.
func (s *Shell) Object() fyne.CanvasObject { return s.root }

// CardScreen is the current card screen.
func (s *Shell) CardScreen() *CardScreen { return s.card }

// SignInPanel is the sign-in panel (nil without a municipality).
func (s *Shell) SignInPanel() *SignInPanel { return s.panel }

// ShowCertificates switches to the certificates tab and fetches kind ("" to
// only switch). Main goroutine only.
func (s *Shell) ShowCertificates(kind string) {
	if s.tabs == nil || s.certs == nil {
		return
	}
	for _, it := range s.tabs.Items {
		if it.Content == s.certs.Object() {
			s.tabs.Select(it)
		}
	}
	if kind != "" {
		s.certs.onFetch(kind)
	}
}

// CertScreen is the certificates screen (nil without a wallet).
func (s *Shell) CertScreen() *CertScreen { return s.certs }

// Localizer is the current language's localizer.
func (s *Shell) Localizer() *i18n.Localizer { return s.tr }

// Stop ends the screen's subscriptions.
func (s *Shell) Stop() {
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}

// SetLanguage rebuilds everything in lang.
func (s *Shell) SetLanguage(lang string) {
	s.Stop()
	lang = i18n.Match(lang)
	s.tr = i18n.New(lang)
	s.win.SetTitle(s.tr.T("app.title"))
	if s.kiosk != nil {
		k := keyboardOf(s.win)
		k.activity = s.kiosk.Touch
		setPrivatePIN(s.win, true)
		if !s.kiosk.Begun() {
			// the first screen: the resident's language, nothing else
			s.events, s.tabs, s.panel, s.certs, s.family = nil, nil, nil, nil, nil
			s.win.Canvas().SetOnTypedKey(nil)
			s.win.Canvas().SetOnTypedRune(nil)
			s.root.Objects = []fyne.CanvasObject{s.kioskFirst()}
			s.root.Refresh()
			s.FocusStart()
			return
		}
	}
	top := s.top(lang)
	body := s.screens(lang)
	s.tabShortcuts()
	events := s.events
	keyboardOf(s.win) // Enter presses, Escape closes dialogs, focus shows
	// the screen's own keys, never while a dialog is over it (Escape there
	// closes the dialog, it does not go back behind it)
	mine := func() bool {
		return events != nil && s.tabs != nil && s.tabs.SelectedIndex() == 0 && s.win.Canvas().Overlays().Top() == nil
	}
	s.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if mine() {
			events.TypedKey(ev)
		}
	})
	s.win.Canvas().SetOnTypedRune(func(r rune) {
		if mine() {
			events.TypedRune(r)
		}
	})
	s.root.Objects = []fyne.CanvasObject{
		container.NewBorder(container.NewVBox(top...), s.kioskBar, nil, nil, body),
	}
	s.root.Refresh()
	stopCard, panel := s.card.Start(), s.panel
	s.stop = func() {
		stopCard()
		if panel != nil {
			panel.Stop()
		}
		if events != nil {
			events.Stop()
		}
	}
}

// header is the one row above everything: who is signed in (or the app's
// name), text size and colours, and the language chooser.
func (s *Shell) header(lang string) fyne.CanvasObject {
	title := boldPara(s.tr.T("app.title"))
	title.SizeName = theme.SizeNameSubHeadingText
	langs := s.languages()
	names := make([]string, len(langs))
	for i, l := range langs {
		// each language in itself, with its name in the current one: a
		// reader finds their own whatever is shown now
		names[i] = i18n.Endonym(l)
		if n := s.tr.T("lang." + l); n != names[i] && l != lang {
			names[i] += " — " + n
		}
	}
	// the language in itself, as a button: the choices open large, each
	// in its own language (Fyne's select gave the keyboard no ring)
	sel := NewButtonWithIcon(i18n.Endonym(lang), theme.MenuDropDownIcon(), nil)
	sel.IconPlacement = widget.ButtonIconTrailingText
	sel.OnTapped = func() { s.chooseLanguage(lang, langs, names) }
	// one row: who is signed in (or the app's name), then text size and
	// colours, and the language — at ×2 the screens below keep the room
	// "Aa": short enough for the row at ×2, named in full for a screen reader
	display := newNamedButton("Aa", s.tr.T("display.button"), theme.VisibilityIcon(), s.showDisplay)
	var who fyne.CanvasObject = title
	if s.signIn != nil {
		s.panel = NewSignInPanel(s.win, s.signIn, s.tr, lang)
		s.inline(&s.panel.async)
		s.panel.Rule = s.svc.PINFormatOK
		who = s.panel.Object()
	}
	if s.kiosk != nil {
		// the kiosk: the header is whom the session is for; the text size,
		// the language and "Finish and forget" are the bar at the bottom,
		// always in view at ×2
		s.kioskBar = container.NewBorder(nil, nil, container.NewHBox(display, sel), s.finishButton())
		return who
	}
	header := container.NewBorder(nil, nil, nil, container.NewHBox(display, widget.NewLabel(s.tr.T("lang.label")), sel), who)
	return header
}

// top is what stays above every screen: the header, a note when the
// system's language is not offered, the demo banner, the acting bar, the
// welcome (first start) or the sign-in panel.
func (s *Shell) top(lang string) []fyne.CanvasObject {
	header := s.header(lang)
	var top []fyne.CanvasObject
	top = append(top, header)
	if s.langNote != "" {
		ja, en := i18n.New("ja"), i18n.New("en")
		data := map[string]any{"Lang": s.langNote}
		top = append(top, wrapped(ja.T("lang.unavailable", data)+"\n"+en.T("lang.unavailable", data)))
	}
	if s.demo != nil {
		top = append(top, banner(s.tr.T("app.demo_banner")))
	}
	if s.proxies != nil {
		if name := s.proxies.Acting(); name != "" {
			// on every screen while acting for someone: impossible to miss
			top = append(top, actingBar(s.tr, name, func() {
				s.proxies.StopActing()
				s.SetLanguage(lang)
			}))
		}
	}
	if s.welcome != nil && s.signIn == nil && s.demo == nil {
		top = append(top, s.welcomeCard())
	}
	return top
}

// screens builds the screens (life events, card, certificates, family,
// help) and returns what shows below the top: the tabs, or the card screen
// alone when there is nothing else.
func (s *Shell) screens(lang string) fyne.CanvasObject {
	s.card = NewCardScreen(s.win, s.svc, s.demo, s.tr)
	s.inline(&s.card.async)
	if s.proxies != nil && s.signIn != nil {
		if p, a := s.proxies.Acting(), s.signIn.Current(); p != "" && a != nil {
			s.card.ActingFor(p, a.Name)
		}
	}
	body := s.card.Object()
	var items []*container.TabItem
	s.events = nil
	if s.life != nil {
		s.events = NewLifeEventScreen(s.win, s.life, s.tr, s.svc.PINFormatOK)
		s.inline(&s.events.async)
		items = append(items, container.NewTabItemWithIcon(s.tr.T("tab.life"), theme.HomeIcon(), s.events.Object()))
	}
	items = append(items, container.NewTabItem(s.tr.T("tab.card"), s.card.Object()))
	if s.wallet != nil {
		s.certs = NewCertScreen(s.win, s.wallet, s.tr)
		s.inline(&s.certs.async)
		items = append(items, container.NewTabItem(s.tr.T("tab.certs"), s.certs.Object()))
		if s.panel != nil {
			s.panel.OnChange = s.certs.Reload
		}
		s.certs.Reload()
	}
	s.family = nil
	if s.proxies != nil {
		s.family = NewFamilyScreen(s.win, s.proxies, s.tr, func() {
			s.SetLanguage(lang) // every screen now acts for the principal
			if s.tabs != nil {
				s.tabs.SelectIndex(0)
			}
		})
		s.inline(&s.family.async)
		items = append(items, container.NewTabItemWithIcon(s.tr.T("tab.family"), theme.AccountIcon(), s.family.Object()))
		if s.panel != nil {
			certsReload, family := s.panel.OnChange, s.family
			acting := s.proxies.Acting()
			s.panel.OnChange = func() {
				if acting != "" && s.proxies.Acting() == "" {
					s.SetLanguage(lang) // signed out while acting: the bar goes
					return
				}
				if certsReload != nil {
					certsReload()
				}
				family.Reload()
			}
		}
		s.family.Reload()
	}
	if len(items) > 1 {
		note := ""
		if s.panel != nil {
			note = s.panel.Note()
		}
		var forget func()
		if s.forget != nil {
			forget = s.confirmForget
		}
		items = append(items, container.NewTabItemWithIcon(s.tr.T("tab.help"), theme.HelpIcon(), helpScreen(s.tr, note, s.ShowIntro, forget)))
		tabs := container.NewAppTabs(items...)
		certs, family := s.certs, s.family
		tabs.OnSelected = func(it *container.TabItem) {
			if certs != nil {
				certs.Reload()
			}
			if family != nil && it.Content == family.Object() {
				family.Reload()
			}
		}
		body, s.tabs = tabs, tabs
	}
	return body
}

// changeLanguage shows everything in lang, keeping the place: the same
// tab, the same question with what was typed in its box, the same plan.
func (s *Shell) changeLanguage(lang string) {
	s.langNote = ""
	if s.langChosen != nil {
		s.langChosen(lang)
	}
	tab := -1
	if s.tabs != nil {
		tab = s.tabs.SelectedIndex()
	}
	var life *LifeState
	if s.events != nil {
		st := s.events.State()
		life = &st
	}
	s.SetLanguage(lang)
	if s.tabs != nil && tab >= 0 && tab < len(s.tabs.Items) {
		s.tabs.SelectIndex(tab)
	}
	if life != nil && s.events != nil {
		s.events.Restore(*life)
	}
}

// banner is the always-visible DEMO strip.
func banner(text string) fyne.CanvasObject {
	bg := canvas.NewRectangle(color.NRGBA{R: 0xFF, G: 0xC1, B: 0x07, A: 0xFF})
	// a wrapping text: large text in a narrow window wraps, never widens it
	t := boldPara(text)
	t.Alignment, t.ColorName = fyne.TextAlignCenter, ColorNameOnBanner
	return container.NewStack(bg, t)
}

// welcomeCard: what Madoguchi is for, and the two ways to start.
func (s *Shell) welcomeCard() fyne.CanvasObject {
	text := wrapped(s.tr.T("welcome.text"))
	failure := NewFailureBox(s.tr)
	demo := NewButton(s.tr.T("welcome.demo"), func() {
		if err := s.welcome.TryDemo(); err != nil {
			failure.Show(err)
		}
	})
	choose := NewButton(s.tr.T("welcome.choose"), func() {
		d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
			if err != nil || r == nil {
				return
			}
			defer r.Close()
			data, err := io.ReadAll(io.LimitReader(r, 1<<20))
			if err == nil {
				err = s.welcome.ImportProfile(data)
			}
			if err != nil {
				failure.Show(err)
			}
		}, s.win)
		d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
		showDialog(s.win, d, nil)
	})
	choose.Importance = widget.HighImportance
	return newCard(s.tr.T("welcome.title"), "", container.NewVBox(text, container.NewGridWithColumns(2, demo, choose), failure.Object()))
}

// tabShortcuts: Ctrl+1 … Ctrl+9 choose a tab (also Alt+digit, as on many
// desktops), Ctrl+Page Down / Page Up the next and previous — a keyboard
// reaches every screen.
func (s *Shell) tabShortcuts() {
	c := s.win.Canvas()
	keys := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}
	for i, k := range keys {
		for _, m := range []fyne.KeyModifier{fyne.KeyModifierControl, fyne.KeyModifierAlt} {
			c.RemoveShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: m})
			if s.tabs == nil {
				continue
			}
			i := i
			c.AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: m}, func(fyne.Shortcut) { s.selectTab(i) })
		}
	}
	for d, k := range map[int]fyne.KeyName{1: fyne.KeyPageDown, -1: fyne.KeyPageUp} {
		c.RemoveShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierControl})
		if s.tabs == nil {
			continue
		}
		d := d
		c.AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) {
			n := len(s.tabs.Items)
			s.selectTab((s.tabs.SelectedIndex() + d + n) % n)
		})
	}
}

// selectTab shows tab i and puts the focus on its first control, so Tab
// goes on from there.
func (s *Shell) selectTab(i int) {
	if s.tabs == nil || i < 0 || i >= len(s.tabs.Items) {
		return
	}
	s.tabs.SelectIndex(i)
	if f := firstFocusable(s.tabs.Items[i].Content); f != nil {
		s.win.Canvas().Focus(f)
	} else {
		s.win.Canvas().Unfocus()
	}
}

// firstFocusable is the first visible control under o that takes the focus.
func firstFocusable(o fyne.CanvasObject) fyne.Focusable {
	if o == nil || !o.Visible() {
		return nil
	}
	if f, ok := o.(fyne.Focusable); ok {
		if d, ok := o.(fyne.Disableable); !ok || !d.Disabled() {
			return f
		}
	}
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			if f := firstFocusable(c); f != nil {
				return f
			}
		}
	case *container.Scroll:
		return firstFocusable(w.Content)
	case *widget.Card:
		return firstFocusable(w.Content)
	}
	return nil
}

// showDisplay asks for the text size and the colours, and shows them at
// once (remembered).
func (s *Shell) showDisplay() {
	if s.scale == 0 {
		s.scale = 1
	}
	if s.appearance == "" {
		s.appearance = AppearanceSystem
	}
	apply := func() {
		fyne.CurrentApp().Settings().SetTheme(NewDisplayTheme(s.scale, s.appearance))
		if s.displayed != nil {
			s.displayed(s.scale, s.appearance)
		}
	}
	// each choice a large button, the chosen one ticked in words and
	// colour (Fyne's radio buttons give Escape and the focus ring nowhere)
	var sizes, looks []*AnswerButton
	mark := func() {
		for i, b := range sizes {
			b.Text, b.Icon, b.Importance = s.tr.T(fmt.Sprintf("display.size.%d", i)), nil, widget.MediumImportance
			if Scales[i] == s.scale {
				b.Icon, b.Importance = theme.ConfirmIcon(), widget.HighImportance
			}
			b.Refresh()
		}
		for i, b := range looks {
			b.Text, b.Icon, b.Importance = s.tr.T("display."+string(Appearances[i])), nil, widget.MediumImportance
			if Appearances[i] == s.appearance {
				b.Icon, b.Importance = theme.ConfirmIcon(), widget.HighImportance
			}
			b.Refresh()
		}
	}
	objs := []fyne.CanvasObject{boldPara(s.tr.T("display.size"))}
	for _, sc := range Scales {
		b := NewAnswerButton("", func() { s.scale = sc; mark(); apply() })
		sizes = append(sizes, b)
		objs = append(objs, b)
	}
	objs = append(objs, boldPara(s.tr.T("display.appearance")))
	for _, a := range Appearances {
		b := NewAnswerButton("", func() { s.appearance = a; mark(); apply() })
		looks = append(looks, b)
		objs = append(objs, b)
	}
	mark()
	d := showCustom(s.win, s.tr.T("display.title"), s.tr.T("common.close"), container.NewVScroll(container.NewVBox(objs...)))
	ws := s.win.Canvas().Size()
	d.Resize(fyne.NewSize(min(ws.Width*0.9, max(ws.Width*0.5, 520)), ws.Height*0.9))
	for i, sc := range Scales {
		if sc == s.scale {
			s.win.Canvas().Focus(sizes[i]) // Tab goes on through the choices
		}
	}
}

// namedButton is a button whose few visible characters ("Aa") a screen
// reader reads as its full name.
type namedButton struct {
	Button
	name string
}

func newNamedButton(text, name string, icon fyne.Resource, tapped func()) *namedButton {
	b := &namedButton{name: name}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// AccessibilityLabel is Fyne's: the full name.
func (b *namedButton) AccessibilityLabel() string { return b.name }

// KeyDown is Fyne's: the window's keyboard hears it (see Button).
func (b *namedButton) KeyDown(ev *fyne.KeyEvent) { keyDownFrom(b, ev) }

// KeyUp is Fyne's.
func (b *namedButton) KeyUp(ev *fyne.KeyEvent) { keyUpFrom(b, ev) }

// WithForget offers "Forget me on this computer" (Help): forget removes
// everything the app keeps for the person here and says what; quit closes
// the window after.
func WithForget(forget func() (removed []string, err error), quit func()) ShellOption {
	return func(s *Shell) { s.forget, s.quit = forget, quit }
}

// confirmForget asks once, saying what goes and that what was filed stays
// filed; then removes it, says what went, and closes the window.
func (s *Shell) confirmForget() {
	tr := s.tr
	showConfirm(s.win, tr.T("forget.button"), tr.T("forget.yes"), tr.T("common.cancel"), wrapped(tr.T("forget.question")), func(yes bool) {
		if !yes {
			return
		}
		removed, err := s.forget()
		objs := []fyne.CanvasObject{}
		if len(removed) > 0 {
			objs = append(objs, boldPara(tr.T("forget.removed")), wrapped(strings.Join(removed, "\n")))
		}
		if err != nil {
			fb := NewFailureBox(tr)
			fb.Show(err)
			objs = append(objs, fb.Object())
		} else {
			objs = append(objs, wrapped(tr.T("forget.done")))
		}
		objs = append(objs, wrapped(tr.T("forget.closing")))
		showCustom(s.win, tr.T("forget.button"), tr.T("common.close"), container.NewVBox(objs...), func() {
			if s.quit != nil {
				s.quit()
			}
		})
	})
}

// chooseLanguage offers every language, each named in itself (and in the
// language shown now), the current one ticked; a choice changes the
// window's language in place.
func (s *Shell) chooseLanguage(lang string, langs, names []string) {
	var objs []fyne.CanvasObject
	var first *AnswerButton
	var dlg interface{ Hide() }
	for i, l := range langs {
		l := l
		b := NewAnswerButton(names[i], func() {
			if dlg != nil {
				dlg.Hide()
			}
			if l != lang {
				s.changeLanguage(l)
			}
		})
		if l == lang {
			b.Icon, b.Importance = theme.ConfirmIcon(), widget.HighImportance
			first = b
		}
		objs = append(objs, b)
	}
	dd := showCustom(s.win, s.tr.T("lang.label"), s.tr.T("common.close"), container.NewVScroll(container.NewVBox(objs...)))
	dlg = dd
	ws := s.win.Canvas().Size()
	dd.Resize(fyne.NewSize(min(ws.Width*0.9, max(ws.Width*0.5, 520)), ws.Height*0.9))
	if first != nil {
		s.win.Canvas().Focus(first)
	}
}
