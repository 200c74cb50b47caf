package ui

import (
	"context"
	"fmt"
	"madoguchi/internal/uitest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
	"madoguchi/i18n/failure"
)

func TestMain(m *testing.M) {
	// Fyne's test run writes a font cache under $HOME/.cache.
	dir, _ := os.MkdirTemp("", "madoguchi-ui-test-")
	os.Setenv("HOME", dir)
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fakeCard is an in-memory CardService: the test pushes views like the
// monitor would.
type fakeCard struct {
	mu       sync.Mutex
	fn       func(CardView)
	tries    map[string]int
	gotPIN   string
	attrs    Attributes
	attrsErr error
	chosen   string
	// block makes PINCounters wait for its context (cancellation tests)
	block        bool
	counterReads int
}

// PINFormatOK: the tests' stand-in for the card layer's rule (digits only).
func (f *fakeCard) PINFormatOK(_ string, pin []byte) bool {
	for _, c := range pin {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(pin) >= 4
}

func (f *fakeCard) UseReader(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chosen = name
}

func (f *fakeCard) Watch(fn func(CardView)) func() {
	f.mu.Lock()
	f.fn = fn
	f.mu.Unlock()
	return func() {}
}

func (f *fakeCard) push(v CardView) {
	f.mu.Lock()
	fn := f.fn
	f.mu.Unlock()
	// what the card service decides from the state machine (app/gui viewOf)
	v.Identified, v.Busy = v.State == "card-identified", v.State == "busy"
	v.Ready = v.Identified && v.Kind == "mynumber"
	fn(v)
}

func (f *fakeCard) PINCounters(ctx context.Context) ([]PINCounter, error) {
	f.mu.Lock()
	block := f.block
	f.counterReads++
	f.mu.Unlock()
	if block {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return []PINCounter{
		{Secret: "auth-pin", TriesLeft: f.tries["auth-pin"], Max: 3},
		{Secret: "sign-password", TriesLeft: f.tries["sign-password"], Max: 5},
		{Secret: "input-pin", TriesLeft: f.tries["input-pin"], Max: 3},
	}, nil
}

func (f *fakeCard) Certificates(context.Context) ([]CertView, error) {
	return []CertView{
		{Which: "auth", NotAfter: time.Date(2029, 4, 12, 0, 0, 0, 0, time.UTC)},
		{Which: "auth-ca", NotAfter: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Expired: true},
	}, nil
}

// ReadAttributes: PIN first, like the card layer (tries, ask, read).
func (f *fakeCard) ReadAttributes(_ context.Context, ask PINAsker) (Attributes, error) {
	f.mu.Lock()
	tries := f.tries["input-pin"]
	f.mu.Unlock()
	pin, _, err := ask("input-pin", tries)
	if err != nil {
		return Attributes{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gotPIN = string(pin)
	return f.attrs, f.attrsErr
}

// labelTexts collects every label text under o.
func labelTexts(t *testing.T, o fyne.CanvasObject) string {
	var b strings.Builder
	eachObject(t, o, true, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *Para:
			b.WriteString(w.Text + "\n")
		case *widget.Card:
			b.WriteString(w.Title + "\n")
		}
	})
	return b.String()
}

// eachObject calls fn on o and everything under it (containers, a card's
// content, widgets' renderers); visibleOnly skips what is hidden.
func eachObject(t *testing.T, o fyne.CanvasObject, visibleOnly bool, fn func(fyne.CanvasObject)) {
	if o == nil || (visibleOnly && !o.Visible()) {
		return
	}
	fn(o)
	switch w := o.(type) {
	case *widget.Card:
		if w.Content != nil {
			eachObject(t, w.Content, visibleOnly, fn)
		}
	case *fyne.Container:
		for _, c := range w.Objects {
			eachObject(t, c, visibleOnly, fn)
		}
	case fyne.Widget:
		for _, c := range test.TempWidgetRenderer(t, w).Objects() {
			eachObject(t, c, visibleOnly, fn)
		}
	}
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("never: %s", what)
}

func TestCardScreenFollowsEvents(t *testing.T) {
	uitest.NewApp(t)
	tr := i18n.New("ja")
	svc := &fakeCard{tries: map[string]int{"auth-pin": 3, "sign-password": 4, "input-pin": 1}}
	w := test.NewTempWindow(t, nil)
	s := NewCardScreen(w, svc, nil, tr)
	s.async = func(f func()) { f() } // the test driver has no UI goroutine to hop to
	w.SetContent(s.Object())
	s.Start()

	svc.push(CardView{State: "no-reader"})
	if s.stateTitle.Text != tr.T("state.no-reader.title") || !s.readAttrs.Disabled() {
		t.Fatalf("no reader: %q", s.stateTitle.Text)
	}
	svc.push(CardView{State: "reader-empty", Reader: "R"})
	if s.stateTitle.Text != "カードを置いてください" {
		t.Fatalf("empty: %q", s.stateTitle.Text)
	}
	svc.push(CardView{State: "card-present", Reader: "R"})
	svc.push(CardView{State: "card-identified", Reader: "R", Kind: "mynumber"})
	if s.stateTitle.Text != tr.T("kind.mynumber") || s.readAttrs.Disabled() {
		t.Fatalf("identified: %q", s.stateTitle.Text)
	}
	eventually(t, "counters and certificates shown", func() bool {
		all := labelTexts(t, s.Object())
		return strings.Contains(all, "残り 4 回（最大 5 回）") && strings.Contains(all, "有効（2029年4月12日まで）") &&
			strings.Contains(all, "有効期限切れ（2024年1月1日）") && strings.Contains(all, tr.T("failure.CERT-EXPIRED.action"))
	})

	svc.push(CardView{State: "error", Reader: "R", Err: failure.New("CARD-PROTOCOL", "test").With("TriesLeft", 2).With("Secret", "input-pin")})
	got := strings.Join(s.failure.Text(), "\n")
	if !strings.Contains(got, "CARD-PROTOCOL") || !strings.Contains(got, tr.T("failure.CARD-PROTOCOL.action")) {
		t.Fatalf("failure box: %q", got)
	}
	// a Japanese-only reader sees a juki card named as such
	svc.push(CardView{State: "card-identified", Reader: "R", Kind: "juki"})
	if s.stateTitle.Text != tr.T("kind.juki") || !s.readAttrs.Disabled() {
		t.Fatalf("juki card: %q", s.stateTitle.Text)
	}
	// removal forgets everything about the card
	svc.push(CardView{State: "reader-empty", Reader: "R"})
	if all := labelTexts(t, s.Object()); strings.Contains(all, "（最大") || strings.Contains(all, "2029年") || !strings.Contains(all, tr.T("attrs.hidden")) {
		t.Fatalf("after removal: %s", all)
	}
}

func TestReadAttributesThroughThePINDialog(t *testing.T) {
	uitest.NewApp(t)
	tr := i18n.New("en")
	svc := &fakeCard{tries: map[string]int{"input-pin": 3},
		attrs: Attributes{Name: "NGUYEN VAN AN", Address: "大阪府大阪市中央区大手前二丁目1番22号", BirthDate: time.Date(1996, 7, 15, 0, 0, 0, 0, time.UTC), Sex: 1}}
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1000, 800))
	s := NewCardScreen(w, svc, nil, tr)
	s.async = func(f func()) { f() } // the test driver has no UI goroutine to hop to
	// the PIN form as the dialog shows it, typed into on this goroutine
	var entry *Entry
	var shownTries string
	s.askFn = func(secret string, tries int) ([]byte, bool, error) {
		var got []byte
		f := NewPINForm(tr, secret, tries, svc.PINFormatOK, func(p []byte, c bool) { got = append([]byte(nil), p...) }, func() {})
		entry, shownTries = f.Entry, labelTexts(t, f.Content)
		test.Type(f.Entry, "12")
		f.Entry.OnSubmitted(f.Entry.Text)
		if got != nil {
			t.Fatal("a malformed PIN was submitted")
		}
		test.Type(f.Entry, "2468")
		f.Entry.OnSubmitted(f.Entry.Text)
		return got, false, nil
	}
	w.SetContent(s.Object())
	s.Start()
	svc.push(CardView{State: "card-identified", Reader: "R", Kind: "mynumber"})
	test.Tap(s.readAttrs)
	if !strings.Contains(shownTries, "Tries left: 3.") {
		t.Fatalf("tries not shown before asking: %q", shownTries)
	}
	eventually(t, "attributes shown", func() bool {
		all := labelTexts(t, s.Object())
		return strings.Contains(all, "NGUYEN VAN AN") && strings.Contains(all, "15 July 1996") && strings.Contains(all, "Male")
	})
	if svc.gotPIN != "2468" {
		t.Fatalf("service got %q", svc.gotPIN)
	}
	if entry.Text != "" {
		t.Fatal("the PIN stayed in the entry")
	}
	// pulling the card out clears the attributes
	svc.push(CardView{State: "reader-empty", Reader: "R"})
	if strings.Contains(labelTexts(t, s.Object()), "NGUYEN") {
		t.Fatal("attributes still shown after removal")
	}
}

func findEntry(t *testing.T, o fyne.CanvasObject) *widget.Entry {
	switch w := o.(type) {
	case *widget.Entry:
		return w
	case *Entry:
		return &w.Entry
	case *fyne.Container:
		for _, c := range w.Objects {
			if e := findEntry(t, c); e != nil {
				return e
			}
		}
	case fyne.Widget:
		for _, c := range test.TempWidgetRenderer(t, w).Objects() {
			if e := findEntry(t, c); e != nil {
				return e
			}
		}
	}
	return nil
}

func TestLastTryNeedsConfirmation(t *testing.T) {
	uitest.NewApp(t)
	tr := i18n.New("ja")
	var submitted []string
	var confirmed bool
	closed := 0
	f := NewPINForm(tr, "auth-pin", 1, (&fakeCard{}).PINFormatOK, func(p []byte, c bool) { submitted = append(submitted, string(p)); confirmed = c }, func() { closed++ })
	w := test.NewTempWindow(t, f.Content)
	_ = w
	if f.Confirm == nil || !f.OK.Disabled() {
		t.Fatal("last try: OK must wait for the confirmation")
	}
	if !strings.Contains(labelTexts(t, f.Content), tr.T("pin.last_try_warning")) {
		t.Fatal("no last-try warning")
	}
	test.Type(f.Entry, "1234")
	f.Entry.OnSubmitted(f.Entry.Text) // Enter does nothing while unconfirmed
	if len(submitted) != 0 {
		t.Fatal("submitted without confirmation")
	}
	test.Tap(f.Confirm)
	test.Tap(f.OK)
	if len(submitted) != 1 || submitted[0] != "1234" || !confirmed || closed != 1 {
		t.Fatalf("submitted %v confirmed %v closed %d", submitted, confirmed, closed)
	}

	g := NewPINForm(tr, "sign-password", 5, (&fakeCard{}).PINFormatOK, func([]byte, bool) { t.Fatal("bad format submitted") }, func() {})
	if g.Confirm != nil {
		t.Fatal("confirmation asked with 5 tries left")
	}
	test.Type(g.Entry, "AB-12")
	test.Tap(g.OK)
	if g.Error.Text != tr.T("pin.format.signpw") {
		t.Fatalf("format error %q", g.Error.Text)
	}
}

// Tries-left figures are re-read after every PIN sent to the card, from
// whichever screen; one try left shows an icon and words, not colour alone.
func TestCountersAlwaysCurrent(t *testing.T) {
	uitest.NewApp(t)
	tr := i18n.New("en")
	svc := &fakeCard{tries: map[string]int{"auth-pin": 3, "sign-password": 5, "input-pin": 3}}
	w := test.NewTempWindow(t, nil)
	s := NewCardScreen(w, svc, nil, tr)
	s.async = func(f func()) { f() }
	w.SetContent(s.Object())
	s.Start()
	svc.push(CardView{State: "card-identified", Reader: "R", Kind: "mynumber"})
	eventually(t, "3 tries shown", func() bool {
		return strings.Contains(labelTexts(t, s.Object()), tr.T("pins.tries", map[string]any{"TriesLeft": 3, "Max": 3}))
	})
	// a wrong auth PIN sent from the sign-in panel: two wrong tries
	svc.mu.Lock()
	svc.tries["auth-pin"] = 1
	svc.mu.Unlock()
	svc.push(CardView{State: "busy", Reader: "R", Kind: "mynumber"})
	svc.push(CardView{State: "card-identified", Reader: "R", Kind: "mynumber"})
	svc.push(CardView{State: "card-identified", Reader: "R", Kind: "mynumber", CountersChanged: true})
	eventually(t, "one try left shown with words and an icon", func() bool {
		return strings.Contains(labelTexts(t, s.Object()), tr.T("pins.one_left")) && hasIcon(s.Object(), theme.WarningIcon())
	})
}

// hasIcon reports whether an icon with this resource is shown under o.
func hasIcon(o fyne.CanvasObject, res fyne.Resource) bool {
	switch w := o.(type) {
	case *widget.Icon:
		return w.Resource != nil && w.Resource.Name() == res.Name()
	case *fyne.Container:
		for _, c := range w.Objects {
			if hasIcon(c, res) {
				return true
			}
		}
	case *widget.Card:
		return w.Content != nil && hasIcon(w.Content, res)
	case *container.Scroll:
		return hasIcon(w.Content, res)
	}
	return false
}

// Cards in two readers: the screen asks which to use and passes the answer on.
func TestCardScreenAsksWhichCard(t *testing.T) {
	uitest.NewApp(t)
	tr := i18n.New("en")
	svc := &fakeCard{tries: map[string]int{}}
	w := test.NewTempWindow(t, nil)
	s := NewCardScreen(w, svc, nil, tr)
	s.async = func(f func()) { f() }
	w.SetContent(s.Object())
	s.Start()
	svc.push(CardView{State: "card-identified", Reader: "A", Kind: "mynumber", CardReaders: []string{"A", "B"}})
	if !strings.Contains(labelTexts(t, s.Object()), tr.T("reader.choose")) {
		t.Fatal("no question")
	}
	var tapped bool
	for _, o := range s.choose.Objects {
		if b, ok := o.(*Button); ok && b.Text == "B" {
			test.Tap(b)
			tapped = true
		}
	}
	if !tapped || svc.chosen != "B" {
		t.Fatalf("choice not passed on: %q", svc.chosen)
	}
}

// Stopping the screen (window closed) cancels its card operations.
func TestCardScreenStopCancels(t *testing.T) {
	uitest.NewApp(t)
	svc := &fakeCard{tries: map[string]int{}, block: true}
	w := test.NewTempWindow(t, nil)
	s := NewCardScreen(w, svc, nil, i18n.New("en"))
	done := make(chan struct{})
	s.async = func(f func()) { go func() { f(); close(done) }() }
	w.SetContent(s.Object())
	stop := s.Start()
	svc.push(CardView{State: "card-identified", Reader: "R", Kind: "mynumber"})
	eventually(t, "counters asked", func() bool { svc.mu.Lock(); defer svc.mu.Unlock(); return svc.counterReads > 0 })
	stop()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the card operation outlived the screen")
	}
}

// A blocked PIN's advice fits the PIN: the convenience-store reset is only
// for the user-authentication PIN.
func TestBlockedAdvicePerSecret(t *testing.T) {
	for _, lang := range []string{"en", "ja"} {
		tr := i18n.New(lang)
		auth := tr.T("failure.PIN-BLOCKED.action", map[string]any{"Secret": "auth-pin"})
		input := tr.T("failure.PIN-BLOCKED.action", map[string]any{"Secret": "input-pin"})
		none := tr.T("failure.PIN-BLOCKED.action")
		if auth == input || len(input) == 0 || input != none || strings.Contains(input, "{{") {
			t.Errorf("%s: auth %q / input %q / none %q", lang, auth, input, none)
		}
	}
}

type fakeWelcome struct{ demo, imported int }

func (f *fakeWelcome) TryDemo() error             { f.demo++; return nil }
func (f *fakeWelcome) ImportProfile([]byte) error { f.imported++; return nil }

// First start without a municipality: the shell offers the demo or the
// choice of municipality.
func TestShellWelcome(t *testing.T) {
	uitest.NewApp(t)
	tr := i18n.New("en")
	w := test.NewTempWindow(t, nil)
	sh := NewShell(w, &fakeCard{tries: map[string]int{}}, nil, nil, nil, "en")
	w.SetContent(sh.Object())
	if strings.Contains(labelTexts(t, sh.Object()), tr.T("welcome.title")) {
		t.Fatal("welcome shown without being asked")
	}
	wel := &fakeWelcome{}
	sh.SetWelcome(wel)
	if !strings.Contains(labelTexts(t, sh.Object()), tr.T("welcome.title")) {
		t.Fatal("no welcome")
	}
	var tapped bool
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *Button:
			if x.Text == tr.T("welcome.demo") {
				test.Tap(x)
				tapped = true
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case *widget.Card:
			if x.Content != nil {
				walk(x.Content)
			}
		}
	}
	walk(sh.Object())
	if !tapped || wel.demo != 1 {
		t.Fatalf("try the demo: tapped %v, calls %d", tapped, wel.demo)
	}
}

// ChangePIN: tries first, then ask, then "the card" keeps the new one.
func (f *fakeCard) ChangePIN(_ context.Context, secret string, ask ChangeAsker) error {
	f.mu.Lock()
	tries := f.tries[secret]
	f.mu.Unlock()
	cur, next, _, err := ask(secret, tries)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gotPIN = string(cur) + ">" + string(next)
	return nil
}

// The card screen offers to change each secret that still has tries: the
// button asks (tries first) and the screen says it changed.
func TestCardScreenChangesASecret(t *testing.T) {
	uitest.NewApp(t)
	tr := i18n.New("vi")
	svc := &fakeCard{tries: map[string]int{"auth-pin": 3, "sign-password": 0, "input-pin": 2}}
	w := test.NewTempWindow(t, nil)
	s := NewCardScreen(w, svc, nil, tr)
	s.async = func(f func()) { f() }
	var asked []string
	s.changeFn = func(secret string, tries int) ([]byte, []byte, bool, error) {
		asked = append(asked, fmt.Sprintf("%s:%d", secret, tries))
		return []byte("1111"), []byte("2468"), false, nil
	}
	w.SetContent(s.Object())
	s.Start()
	svc.push(CardView{State: "card-identified", Reader: "R", Kind: "mynumber"})
	var buttons []*Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *Button:
			if x.Text == tr.T("pins.change") {
				buttons = append(buttons, x)
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(s.pins)
	if len(buttons) != 2 { // the locked signing password cannot be changed
		t.Fatalf("%d change buttons", len(buttons))
	}
	test.Tap(buttons[1])
	if strings.Join(asked, ",") != "input-pin:2" || svc.gotPIN != "1111>2468" {
		t.Fatalf("asked %v, the card got what was typed: %v", asked, svc.gotPIN == "1111>2468") // (never a secret in test output)
	}
	if !strings.Contains(labelTexts(t, s.pins), tr.T("pin.changed", map[string]any{"SecretName": tr.T("secret.input-pin")})) {
		t.Fatalf("the screen does not say it changed:\n%s", labelTexts(t, s.pins))
	}
}

// The first-run introduction shows once over the window (the card and
// the reader as seen now, what stays on this PC, where to get help in
// person), Escape skips it, it says so to the app, and Help offers it again.
func TestFirstRunIntroduction(t *testing.T) {
	uitest.NewApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1366, 768))
	done := 0
	tr := i18n.New("vi")
	sh := NewShell(w, &fakeCard{tries: map[string]int{}}, &fakeSignIn{}, nil, nil, "vi", WithIntro(true, func() { done++ }))
	w.SetContent(sh.Object())
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no introduction")
	}
	got := labelTexts(t, top)
	for _, k := range []string{"intro.card.title", "intro.keeps.title", "intro.help.title", "intro.help.text", "help.privacy.text"} {
		if !strings.Contains(got, tr.T(k)) {
			t.Errorf("the introduction does not say %s", k)
		}
	}
	PressKey(w, fyne.KeyEscape)
	if w.Canvas().Overlays().Top() != nil || done != 1 {
		t.Fatalf("Escape: overlay %v, done %d", w.Canvas().Overlays().Top(), done)
	}
	// not again on its own (another language rebuilds the window)
	sh.SetLanguage("ja")
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("the introduction came back")
	}
}

// Text and colours: each choice a button, the chosen one ticked; choosing
// applies the theme at once and tells the app; Escape closes.
func TestDisplayChoices(t *testing.T) {
	a := uitest.NewApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1366, 768))
	var got []string
	sh := NewShell(w, &fakeCard{tries: map[string]int{}}, nil, nil, nil, "vi", WithDisplay(1, AppearanceSystem, func(sc float32, l Appearance) {
		got = append(got, fmt.Sprintf("%v/%s", sc, l))
	}))
	w.SetContent(sh.Object())
	sh.showDisplay()
	tr := i18n.New("vi")
	find := func(text string) *AnswerButton {
		var found *AnswerButton
		var walk func(o fyne.CanvasObject)
		walk = func(o fyne.CanvasObject) {
			switch x := o.(type) {
			case *AnswerButton:
				if x.Text == text {
					found = x
				}
			case *fyne.Container:
				for _, c := range x.Objects {
					walk(c)
				}
			case *container.Scroll:
				walk(x.Content)
			case fyne.Widget:
				for _, c := range test.TempWidgetRenderer(t, x).Objects() {
					walk(c)
				}
			}
		}
		walk(w.Canvas().Overlays().Top())
		if found == nil {
			t.Fatalf("no choice %q", text)
		}
		return found
	}
	big, contrast := find(tr.T("display.size.2")), find(tr.T("display.contrast"))
	if find(tr.T("display.size.0")).Importance != widget.HighImportance || big.Importance == widget.HighImportance {
		t.Fatal("the size chosen is not the one marked")
	}
	test.Tap(big)
	test.Tap(contrast)
	th, ok := a.Settings().Theme().(*Theme)
	if !ok || th.Scale != 2 || th.Appearance != AppearanceContrast || big.Importance != widget.HighImportance {
		t.Fatalf("theme %+v, marked %v", a.Settings().Theme(), big.Importance)
	}
	if strings.Join(got, ",") != "2/system,2/contrast" {
		t.Fatalf("told the app %v", got)
	}
	PressKey(w, fyne.KeyEscape)
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape did not close it")
	}
}

// Forget me on this computer (Help): one confirmation saying what goes;
// no keeps everything; yes removes, says what went, and the window closes.
func TestForgetMeInTheWindow(t *testing.T) {
	uitest.NewApp(t)
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1366, 768))
	forgot, quit := 0, 0
	sh := NewShell(w, &fakeCard{tries: map[string]int{}}, &fakeSignIn{}, nil, nil, "en",
		WithForget(func() ([]string, error) { forgot++; return []string{"/home/x/.local/share/madoguchi"}, nil }, func() { quit++ }))
	sh.SetLifeEvents(nil)
	w.SetContent(sh.Object())
	tr := i18n.New("en")
	sh.confirmForget()
	PressKey(w, fyne.KeyEscape) // no
	if forgot != 0 || w.Canvas().Overlays().Top() != nil {
		t.Fatalf("Escape: forgot %d", forgot)
	}
	sh.confirmForget()
	if !strings.Contains(labelTexts(t, w.Canvas().Overlays().Top()), tr.T("forget.question")) {
		t.Fatal("the confirmation does not say what goes")
	}
	var yes *Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *Button:
			if x.Text == tr.T("forget.yes") {
				yes = x
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.TempWidgetRenderer(t, x).Objects() {
				walk(c)
			}
		}
	}
	walk(w.Canvas().Overlays().Top())
	if yes == nil {
		t.Fatal("no button to remove everything")
	}
	test.Tap(yes)
	got := labelTexts(t, w.Canvas().Overlays().Top())
	if forgot != 1 || !strings.Contains(got, "/home/x/.local/share/madoguchi") || !strings.Contains(got, tr.T("forget.done")) {
		t.Fatalf("after yes: forgot %d, says %s", forgot, got)
	}
	PressKey(w, fyne.KeyEscape)
	if quit != 1 {
		t.Fatal("the window stays after forgetting")
	}
}
