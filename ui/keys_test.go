package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
	"madoguchi/internal/uitest"
)

// press is a key pressed and released, as the window's keyboard sees it.
func press(k *keyboard, name fyne.KeyName) {
	k.keyDown(&fyne.KeyEvent{Name: name})
	k.keyUp(&fyne.KeyEvent{Name: name})
}

// Escape closes every kind of dialog the app shows, without acting: the
// PIN dialog cancels (and its entry is wiped), a confirmation answers no,
// an information dialog closes — and a menu over a dialog closes first,
// leaving the dialog.
func TestEscapeClosesDialogsWithoutActing(t *testing.T) {
	uitest.NewApp(t)
	w := test.NewWindow(widget.NewLabel("behind"))
	w.Resize(fyne.NewSize(800, 600))
	defer w.Close()
	tr := i18n.New("vi")
	k := keyboardOf(w)

	cancelled, submitted := false, false
	askPIN(w, tr, "sign-password", 5, nil, func([]byte, bool) { submitted = true }, func() { cancelled = true })
	test.Type(w.Canvas().Focused(), "abc123")
	press(k, fyne.KeyEscape)
	if !cancelled || submitted || w.Canvas().Overlays().Top() != nil {
		t.Fatalf("PIN dialog after Escape: cancelled %v submitted %v overlay %v", cancelled, submitted, w.Canvas().Overlays().Top())
	}

	answer := "none"
	c := dialog.NewCustomConfirm("?", "yes", "no", widget.NewLabel("agree?"), func(ok bool) { answer = fmt.Sprint(ok) }, w)
	showDialog(w, c, nil)
	press(k, fyne.KeyEscape)
	if answer != "false" || w.Canvas().Overlays().Top() != nil {
		t.Fatalf("confirmation after Escape: answer %s overlay %v", answer, w.Canvas().Overlays().Top())
	}

	closed := false
	showDialog(w, dialog.NewInformation("i", "text", w), func() { closed = true })
	menu := widget.NewPopUp(widget.NewLabel("a menu"), w.Canvas())
	menu.Show()
	press(k, fyne.KeyEscape)
	if closed {
		t.Fatal("Escape closed the dialog under a menu")
	}
	menu.Hide()
	press(k, fyne.KeyEscape)
	if !closed || w.Canvas().Overlays().Top() != nil {
		t.Fatal("the information dialog stays after Escape")
	}
	// nothing left: Escape does nothing
	press(k, fyne.KeyEscape)
}

// Enter presses the focused button (Fyne: Space only) — once, on release.
func TestEnterPressesTheFocusedButton(t *testing.T) {
	uitest.NewApp(t)
	n := 0
	b := widget.NewButton("Next", func() { n++ })
	other := widget.NewButton("Other", func() { t.Error("the other button pressed") })
	// (Fyne does not focus a disabled button: b is disabled while focused)
	w := test.NewWindow(container.NewVBox(other, b))
	defer w.Close()
	k := keyboardOf(w)
	w.Canvas().Focus(b)
	press(k, fyne.KeyReturn)
	press(k, fyne.KeyEnter)
	if n != 2 {
		t.Fatalf("pressed %d times", n)
	}
	// the press moved the focus (a new screen): the release does nothing
	k.keyDown(&fyne.KeyEvent{Name: fyne.KeyReturn})
	w.Canvas().Focus(other)
	k.keyUp(&fyne.KeyEvent{Name: fyne.KeyReturn})
	w.Canvas().Focus(b)
	b.Disable()
	press(k, fyne.KeyReturn)
	if n != 2 {
		t.Fatalf("a disabled button pressed: %d", n)
	}
}

// Whatever takes the focus, anywhere down a long screen, is scrolled into
// the view — every button of a 60-button list, going down and back up.
func TestFocusScrollsIntoView(t *testing.T) {
	uitest.NewApp(t)
	var buttons []*AnswerButton
	var objs []fyne.CanvasObject
	for i := range 60 {
		b := NewAnswerButton(fmt.Sprintf("%d. 答え %d", i+1, i+1), func() {})
		buttons = append(buttons, b)
		objs = append(objs, wrapped("説明の文。"), b)
	}
	sc := container.NewVScroll(container.NewVBox(objs...))
	w := test.NewWindow(sc)
	w.Resize(fyne.NewSize(500, 300))
	defer w.Close()
	k := keyboardOf(w)
	order := append([]int{}, 0, 10, 59, 30, 1)
	for i := range buttons {
		order = append(order, i)
	}
	for i := len(buttons) - 1; i >= 0; i-- {
		order = append(order, i)
	}
	d := fyne.CurrentApp().Driver()
	for _, i := range order {
		w.Canvas().Focus(buttons[i])
		press(k, fyne.KeyTab)
		top := d.AbsolutePositionForObject(buttons[i]).Y - d.AbsolutePositionForObject(sc).Y
		if top < 0 || top+buttons[i].Size().Height > sc.Size().Height {
			t.Fatalf("button %d at %v..%v, the view is 0..%v", i+1, top, top+buttons[i].Size().Height, sc.Size().Height)
		}
	}
}

// Page Down and Page Up scroll a long screen by most of its height, down
// to its end and back to its top; with Ctrl held they leave it alone (the
// tabs' shortcut).
func TestPageKeysScroll(t *testing.T) {
	uitest.NewApp(t)
	var objs []fyne.CanvasObject
	for i := range 80 {
		objs = append(objs, wrapped(fmt.Sprintf("%d. 説明の文。", i+1)))
	}
	sc := container.NewVScroll(container.NewVBox(objs...))
	w := test.NewWindow(sc)
	w.Resize(fyne.NewSize(500, 300))
	defer w.Close()
	k := keyboardOf(w)
	last := float32(-1)
	for i := 0; i < 100 && sc.Offset.Y != last; i++ {
		last = sc.Offset.Y
		press(k, fyne.KeyPageDown)
	}
	end := sc.Content.MinSize().Height - sc.Size().Height
	if sc.Offset.Y < end-1 || end <= 0 {
		t.Fatalf("Page Down stops at %v of %v", sc.Offset.Y, end)
	}
	k.keyDown(&fyne.KeyEvent{Name: desktop.KeyControlLeft})
	press(k, fyne.KeyPageUp)
	if sc.Offset.Y < end-1 {
		t.Fatal("Ctrl+Page Up scrolled the page")
	}
	k.keyUp(&fyne.KeyEvent{Name: desktop.KeyControlLeft})
	for range 100 {
		press(k, fyne.KeyPageUp)
	}
	if sc.Offset.Y != 0 {
		t.Fatalf("Page Up stops at %v", sc.Offset.Y)
	}
}

// As the driver gives keys to a focused widget (desktop.Keyable, not the
// canvas): the app's Button, AnswerButton and Entry pass them to the
// window's keyboard — Enter presses the focused button, Escape in the PIN
// dialog's entry cancels it, Tab onto a button far down scrolls it in.
func TestFocusedWidgetsPassKeysOn(t *testing.T) {
	uitest.NewApp(t)
	var objs []fyne.CanvasObject
	n := 0
	last := NewButton("last", func() { n++ })
	for i := range 40 {
		objs = append(objs, wrapped(fmt.Sprintf("%d. 説明の文。", i+1)))
	}
	first := NewButton("first", func() {})
	sc := container.NewVScroll(container.NewVBox(append(append([]fyne.CanvasObject{first}, objs...), last)...))
	w := test.NewWindow(sc)
	w.Resize(fyne.NewSize(500, 300))
	defer w.Close()
	keyboardOf(w)
	// Tab from the first button: the press goes to it, the release to the
	// one focused now
	w.Canvas().Focus(first)
	first.KeyDown(&fyne.KeyEvent{Name: fyne.KeyTab})
	w.Canvas().Focus(last)
	last.KeyUp(&fyne.KeyEvent{Name: fyne.KeyTab})
	if !inView(last) {
		t.Fatal("Tab onto a button far down did not scroll it in")
	}
	last.KeyDown(&fyne.KeyEvent{Name: fyne.KeyReturn})
	last.KeyUp(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if n != 1 || w.Canvas().Focused() != last {
		t.Fatalf("Enter on the focused button: pressed %d, focus %v", n, w.Canvas().Focused())
	}
	cancelled := false
	askPIN(w, i18n.New("ja"), "auth-pin", 3, nil, func([]byte, bool) {}, func() { cancelled = true })
	e, ok := w.Canvas().Focused().(*Entry)
	if !ok {
		t.Fatalf("focus in the PIN dialog: %T", w.Canvas().Focused())
	}
	e.KeyDown(&fyne.KeyEvent{Name: fyne.KeyEscape})
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	e.KeyUp(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if !cancelled || w.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape in the PIN entry did not cancel the dialog")
	}
}
