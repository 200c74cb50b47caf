package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
	"madoguchi/internal/uitest"
)

// tapKeys taps the pad's keys spelling secret, by mouse only.
func tapKeys(t *testing.T, p *PINPad, secret string) {
	t.Helper()
	for _, r := range secret {
		found := false
		for _, k := range p.Keys {
			if k.Text == string(r) {
				test.Tap(k)
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("no key %q on the pad %q", r, p.Layout())
		}
	}
}

// renderedTexts is every text drawn under o (labels, paragraphs, canvas
// texts, entries), hidden ones too: a secret must be in none.
func renderedTexts(t *testing.T, o fyne.CanvasObject) string {
	var b strings.Builder
	eachObject(t, o, false, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *canvas.Text:
			b.WriteString(w.Text + "\n")
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Entry:
			b.WriteString(w.Text + "\n")
		case *Para:
			b.WriteString(w.Text + "\n")
		case *AnswerButton:
			b.WriteString(w.Text + "\n")
		}
	})
	return b.String()
}

// The keys are in a new order every time the pad shows: twenty pads, twenty
// layouts, each key once.
func TestPINPadShuffles(t *testing.T) {
	uitest.NewApp(t)
	tr := i18n.New("ja")
	for _, secret := range cardSecrets {
		seen := map[string]bool{}
		for i := 0; i < 20; i++ {
			p := NewPINPad(tr, secret, 3, nil, func([]byte, bool) {}, func() {})
			l := p.Layout()
			if seen[l] {
				t.Fatalf("%s: layout %q came twice", secret, l)
			}
			seen[l] = true
			want := string(padAlphabet(secret))
			if len(l) != len(want) {
				t.Fatalf("%s: %q", secret, l)
			}
			for _, r := range want {
				if strings.Count(l, string(r)) != 1 {
					t.Fatalf("%s: key %q in %q", secret, r, l)
				}
			}
		}
	}
}

// By mouse alone: the secret tapped on the shuffled keys reaches the card
// layer exactly, and never shows — in no text of the pad, before or after
// sending; only a count does. Typed on the keyboard, the same.
func TestPINPadByMouseAloneAndNeverShown(t *testing.T) {
	uitest.NewApp(t)
	for _, lang := range []string{"ja", "vi"} {
		tr := i18n.New(lang)
		for secret, value := range map[string]string{"auth-pin": "4821", "input-pin": "9037", "sign-password": "YAMADA2025"} {
			var got []byte
			p := NewPINPad(tr, secret, 3, nil, func(pin []byte, _ bool) { got = append([]byte(nil), pin...) }, func() { t.Fatal("cancelled") })
			test.Tap(p.Continue)
			tapKeys(t, p, value[:len(value)-1])
			if p.Typed() != len(value)-1 {
				t.Fatalf("%s: %d typed", secret, p.Typed())
			}
			// a wrong key, taken back
			test.Tap(p.Keys[0])
			test.Tap(p.Delete)
			tapKeys(t, p, value[len(value)-1:])
			text := renderedTexts(t, p.Content)
			if strings.Contains(text, value) || strings.Contains(text, value[:len(value)-1]) {
				t.Fatalf("%s %s: the secret is on the screen", lang, secret)
			}
			if !strings.Contains(text, tr.T("pad.count", map[string]any{"Count": len(value)})) {
				t.Fatalf("%s %s: no count of what was typed:\n%s", lang, secret, text)
			}
			test.Tap(p.OK)
			if string(got) != value {
				t.Fatalf("%s %s: sent %d characters, not the ones tapped", lang, secret, len(got))
			}
			if strings.Contains(renderedTexts(t, p.Content), value) || p.Typed() != 0 {
				t.Fatalf("%s: the secret stays after sending", secret)
			}

			// on the keyboard, in lower case for the password
			got = nil
			p = NewPINPad(tr, secret, 3, nil, func(pin []byte, _ bool) { got = append([]byte(nil), pin...) }, func() {})
			test.Tap(p.Continue)
			for _, r := range strings.ToLower(value) {
				p.Field.TypedRune(r)
			}
			p.Field.TypedRune('!') // not the secret's: ignored
			p.Field.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			if string(got) != value {
				t.Fatalf("%s %s typed: sent %d characters, not the ones typed", lang, secret, len(got))
			}
		}
	}
}

// The tries left are shown before anything is typed; the last try sends
// nothing until confirmed; the hand-over names the secret in the
// resident's language and in Japanese for the volunteer.
func TestPINPadTriesAndLastTry(t *testing.T) {
	uitest.NewApp(t)
	tr := i18n.New("vi")
	sent := 0
	p := NewPINPad(tr, "auth-pin", 1, nil, func([]byte, bool) { sent++ }, func() {})
	hand := renderedTexts(t, p.Content)
	ja := i18n.New("ja")
	if !strings.Contains(hand, tr.T("pad.handover", map[string]any{"SecretName": tr.T("secret.auth-pin")})) ||
		!strings.Contains(hand, ja.T("pad.handover", map[string]any{"SecretName": ja.T("secret.auth-pin")})) {
		t.Fatalf("hand-over: %s", hand)
	}
	if !p.Continue.Disabled() {
		t.Fatal("the last try goes on to the pad unconfirmed")
	}
	// forced on (as a stray key could): still nothing sendable
	p.showPad()
	if !strings.Contains(renderedTexts(t, p.Content), tr.T("pin.tries", map[string]any{"TriesLeft": 1})) {
		t.Fatal("the tries left are not shown before typing")
	}
	tapKeys(t, p, "1234")
	if !p.OK.Disabled() {
		t.Fatal("the last try can be sent unconfirmed")
	}
	p.submit()
	if sent != 0 {
		t.Fatal("the last try was sent unconfirmed")
	}
	test.Tap(p.Confirm)
	if p.OK.Disabled() || p.Continue.Disabled() {
		t.Fatal("confirmed, and still not sendable")
	}
	var last bool
	p.onSubmit = func(_ []byte, c bool) { last = c; sent++ }
	test.Tap(p.OK)
	if sent != 1 || !last {
		t.Fatalf("sent %d confirmed %v", sent, last)
	}
}

// Escape, at the hand-over or on the pad, closes it with nothing sent (no
// try spent), and the window's PIN step in a kiosk is the pad.
func TestPINPadEscapeSpendsNoTry(t *testing.T) {
	uitest.NewApp(t)
	w := test.NewWindow(widget.NewLabel("behind"))
	w.Resize(fyne.NewSize(1366, 768))
	defer w.Close()
	setPrivatePIN(w, true)
	defer setPrivatePIN(w, false)
	k := keyboardOf(w)
	tr := i18n.New("ja")
	for _, onPad := range []bool{false, true} {
		cancelled, sent := false, false
		askPad(w, tr, "auth-pin", 3, nil, func([]byte, bool) { sent = true }, func() { cancelled = true })
		p := CurrentPad(w)
		if p == nil {
			t.Fatal("no pad")
		}
		if onPad {
			test.Tap(p.Continue)
			tapKeys(t, p, "12")
		}
		press(k, fyne.KeyEscape)
		if !cancelled || sent || w.Canvas().Overlays().Top() != nil || p.Typed() != 0 || CurrentPad(w) != nil {
			t.Fatalf("on pad %v: cancelled %v sent %v overlay %v typed %d", onPad, cancelled, sent, w.Canvas().Overlays().Top(), p.Typed())
		}
	}
	// a secret is never changed at a shared PC: asked to, nothing shows
	if fyne.CurrentApp().Clipboard().Content() != "" {
		t.Fatal("something reached the clipboard")
	}
}

// At the kiosk's ×2 text on a 1366×768 screen the pad — the hand-over, then
// the keys with OK — fits the window in Japanese and Vietnamese, the keys
// for the signing password too. Screenshots: out/screenshots/kiosk-pad-*.
func TestPINPadFitsAtTwice(t *testing.T) {
	a := uitest.NewApp(t)
	a.Settings().SetTheme(NewTheme(2))
	for _, lang := range []string{"ja", "vi"} {
		for _, secret := range []string{"auth-pin", "sign-password"} {
			w := test.NewWindow(widget.NewLabel("behind"))
			w.Resize(fyne.NewSize(1366, 768))
			setPrivatePIN(w, true)
			askPad(w, i18n.New(lang), secret, 1, nil, func([]byte, bool) {}, func() {})
			p := CurrentPad(w)
			for _, phase := range []string{"handover", "pad"} {
				if phase == "pad" {
					test.Tap(p.Confirm)
					test.Tap(p.Continue)
				}
				last := p.Continue
				if phase == "pad" {
					last = p.OK
				}
				pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(last)
				if pos.Y < 0 || pos.Y+last.Size().Height > 768 || pos.X+last.Size().Width > 1366 || last.Size().Height == 0 {
					t.Errorf("%s %s %s: %q at %v size %v, outside the window", lang, secret, phase, last.Text, pos, last.Size())
				}
				dir := filepath.Join("..", "out", "screenshots")
				os.MkdirAll(dir, 0o755)
				if f, err := os.Create(filepath.Join(dir, "kiosk-pad-"+lang+"-"+secret+"-"+phase+".png")); err == nil {
					png.Encode(f, w.Canvas().Capture())
					f.Close()
				}
			}
			setPrivatePIN(w, false)
			w.Close()
		}
	}
}
