package ui

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The window's keyboard beyond what Fyne does by itself:
//   - Enter presses the focused button (Fyne: Space only);
//   - Escape closes the dialog on top without acting — as its Cancel or
//     Close would (Fyne: nothing, so the PIN dialog stayed);
//   - whatever takes the focus is scrolled into view (Fyne: focus moved
//     off-screen, and a keyboard user signed a review they never saw).
//
// Keys act when released, and only if nothing changed between press and
// release: the press has gone to the focused widget first (a menu that
// closes on Escape, an entry that submits on Enter), and a screen the
// press opened never receives the same keystroke again.

// pressOf is what Enter does on the focused object: press it when it is
// a button (Fyne's, the app's Button and namedButton; AnswerButton handles
// Enter itself; an entry, a tick box are not buttons). The button keeps
// the focus (Fyne's own Tapped drops it: a keyboard user lost the place).
func pressOf(f fyne.Focusable) func() {
	var b *widget.Button
	switch x := f.(type) {
	case *widget.Button:
		b = x
	case *Button:
		b = &x.Button
	case *namedButton:
		b = &x.Button.Button
	}
	if b == nil || b.Disabled() {
		return nil
	}
	return b.OnTapped
}

// keyboard is one window's.
type keyboard struct {
	win  fyne.Window
	down struct {
		key     fyne.KeyName
		focused fyne.Focusable
		top     fyne.CanvasObject
	}
	shown fyne.Focusable // the focus last scrolled into view
	// stay keeps the view where the screen put it for the key being
	// released (a section shown from its top, its field focused below)
	stay   bool
	escape []escapeEntry // the dialogs shown, innermost last
	// held are the modifier keys down now (Ctrl+Page Down is a tab, not
	// a page)
	held map[fyne.KeyName]bool
	// activity is told of every key and press in the window (the kiosk's
	// idle clock); nil: nobody listens
	activity func()
}

// escapeEntry is a dialog and how Escape closes it.
type escapeEntry struct {
	d     dialog.Dialog
	close func()
	depth int // overlays on the canvas while it is the top one
}

var (
	keyboardsMu sync.Mutex
	keyboards   = map[fyne.Canvas]*keyboard{}
)

// keyboardOf is win's keyboard, installed on first use. Fyne gives key
// presses and releases to the canvas only while nothing has the focus;
// with a focused widget they go to that widget (desktop.Keyable), so the
// app's own widgets (Button, AnswerButton, Entry) pass them on here
// (keyFrom). Main goroutine.
func keyboardOf(win fyne.Window) *keyboard {
	keyboardsMu.Lock()
	defer keyboardsMu.Unlock()
	k := keyboards[win.Canvas()]
	if k == nil {
		k = &keyboard{win: win}
		keyboards[win.Canvas()] = k
		if dc, ok := win.Canvas().(desktop.Canvas); ok {
			dc.SetOnKeyDown(k.keyDown)
			dc.SetOnKeyUp(k.keyUp)
		}
	}
	return k
}

// keyFrom is the keyboard of the window o shows in (nil: none yet).
func keyFrom(o fyne.CanvasObject) *keyboard {
	c := fyne.CurrentApp().Driver().CanvasForObject(o)
	if c == nil {
		return nil
	}
	keyboardsMu.Lock()
	defer keyboardsMu.Unlock()
	return keyboards[c]
}

// keyDownFrom and keyUpFrom pass a focused widget's key to its window's
// keyboard.
func keyDownFrom(o fyne.CanvasObject, ev *fyne.KeyEvent) {
	if k := keyFrom(o); k != nil {
		k.keyDown(ev)
	}
}

// touched tells o's window that someone used it (a tap, a key).
func touched(o fyne.CanvasObject) {
	if k := keyFrom(o); k != nil && k.activity != nil {
		k.activity()
	}
}

func keyUpFrom(o fyne.CanvasObject, ev *fyne.KeyEvent) {
	if k := keyFrom(o); k != nil {
		k.keyUp(ev)
	}
}

// showDialog shows d over win, and Escape hides it without acting (as its
// Cancel or Close: a confirmation answers no). onClosed, if set, runs when
// it closes, however it does (Fyne keeps one OnClosed: set it here, not on
// d). Main goroutine.
func showDialog(win fyne.Window, d dialog.Dialog, onClosed func()) {
	k := keyboardOf(win)
	d.SetOnClosed(func() {
		k.forget(d)
		if onClosed != nil {
			onClosed()
		}
	})
	d.Show()
	k.escape = append(k.escape, escapeEntry{d: d, close: d.Hide, depth: len(win.Canvas().Overlays().List())})
}

func (k *keyboard) forget(d dialog.Dialog) {
	for i := len(k.escape) - 1; i >= 0; i-- {
		if k.escape[i].d == d {
			k.escape = append(k.escape[:i], k.escape[i+1:]...)
			return
		}
	}
}

func (k *keyboard) keyDown(ev *fyne.KeyEvent) {
	if k.activity != nil {
		k.activity()
	}
	if modifier(ev.Name) {
		if k.held == nil {
			k.held = map[fyne.KeyName]bool{}
		}
		k.held[ev.Name] = true
		return
	}
	c := k.win.Canvas()
	k.down.key, k.down.focused, k.down.top = ev.Name, c.Focused(), c.Overlays().Top()
}

func (k *keyboard) keyUp(ev *fyne.KeyEvent) {
	if modifier(ev.Name) {
		delete(k.held, ev.Name)
		return
	}
	c := k.win.Canvas()
	same := ev.Name == k.down.key && c.Focused() == k.down.focused && c.Overlays().Top() == k.down.top
	if ev.Name == fyne.KeyEscape {
		// an entry drops the focus on Escape itself: the dialog on top is
		// what must be the same
		same = ev.Name == k.down.key && c.Overlays().Top() == k.down.top
	}
	k.down.key = ""
	if same {
		switch ev.Name {
		case fyne.KeyReturn, fyne.KeyEnter:
			if press := pressOf(c.Focused()); press != nil {
				press()
			}
		case fyne.KeyEscape:
			k.closeTop()
		case fyne.KeyPageDown, fyne.KeyPageUp:
			if len(k.held) == 0 {
				k.page(ev.Name == fyne.KeyPageDown)
				return // the page moved on purpose: the focus may stay behind
			}
		}
	}
	k.reveal()
}

// modifier reports whether a key is Shift, Ctrl, Alt or Super.
func modifier(n fyne.KeyName) bool {
	switch n {
	case desktop.KeyShiftLeft, desktop.KeyShiftRight, desktop.KeyControlLeft, desktop.KeyControlRight,
		desktop.KeyAltLeft, desktop.KeyAltRight, desktop.KeySuperLeft, desktop.KeySuperRight:
		return true
	}
	return false
}

// page scrolls what shows by most of a screen (Page Down / Page Up): the
// scroll around the focus, else the largest one on the screen or dialog.
func (k *keyboard) page(down bool) {
	c := k.win.Canvas()
	root := c.Content()
	if top := c.Overlays().Top(); top != nil {
		root = top
	}
	var sc *container.Scroll
	if f, ok := c.Focused().(fyne.CanvasObject); ok {
		for _, o := range pathTo(root, f) {
			if s, ok := o.(*container.Scroll); ok && s.Direction != container.ScrollHorizontalOnly {
				sc = s
			}
		}
	}
	if sc == nil {
		sc = largestScroll(root)
	}
	if sc == nil {
		return
	}
	step := sc.Size().Height * 0.85
	if !down {
		step = -step
	}
	off := sc.Offset
	off.Y = max(0, min(off.Y+step, sc.Content.MinSize().Height-sc.Size().Height))
	sc.ScrollToOffset(off)
}

// largestScroll is the tallest visible vertical scroll under o.
func largestScroll(o fyne.CanvasObject) *container.Scroll {
	var best *container.Scroll
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *container.Scroll:
			if w.Direction != container.ScrollHorizontalOnly && (best == nil || w.Size().Height > best.Size().Height) {
				best = w
			}
			walk(w.Content)
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case *container.AppTabs:
			if s := w.Selected(); s != nil {
				walk(s.Content)
			}
		case *widget.PopUp:
			walk(w.Content)
		}
	}
	walk(o)
	return best
}

// closeTop closes the dialog on top, if it is one of ours and nothing
// (a menu) lies over it.
func (k *keyboard) closeTop() bool {
	if len(k.escape) == 0 {
		return false
	}
	e := k.escape[len(k.escape)-1]
	if len(k.win.Canvas().Overlays().List()) != e.depth {
		return false
	}
	e.close()
	return true
}

// reveal scrolls the focused object into view when the focus moved to
// it, or when a key went to it out of view (typing into a field scrolled
// away shows the field, as a browser does).
func (k *keyboard) reveal() {
	f := k.win.Canvas().Focused()
	if k.stay {
		k.stay, k.shown = false, f
		return
	}
	if f == nil {
		return
	}
	o, ok := f.(fyne.CanvasObject)
	if !ok || f == k.shown && inView(o) {
		return
	}
	k.shown = f
	root := k.win.Canvas().Content()
	if top := k.win.Canvas().Overlays().Top(); top != nil {
		root = top
	}
	ScrollIntoView(root, o)
}

// ScrollIntoView scrolls every scroll container around o (under root) so
// that o shows, with a margin; an object taller than the view shows its
// top. Main goroutine only.
func ScrollIntoView(root, o fyne.CanvasObject) {
	path := pathTo(root, o)
	d := fyne.CurrentApp().Driver()
	for i := len(path) - 1; i >= 0; i-- {
		sc, ok := path[i].(*container.Scroll)
		if !ok || sc.Direction == container.ScrollHorizontalOnly || sc.Direction == container.ScrollNone {
			continue
		}
		const margin = 16
		top := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(sc).Y
		bottom := top + o.Size().Height
		view := sc.Size().Height
		off := sc.Offset
		switch {
		case top < 0 || o.Size().Height > view:
			off.Y += top - margin
		case bottom > view:
			off.Y += bottom - view + margin
		default:
			continue
		}
		maxY := sc.Content.MinSize().Height - view
		off.Y = max(0, min(off.Y, maxY))
		sc.ScrollToOffset(off)
	}
}

// pathTo is the chain of objects from root down to o's parent ([] when o
// is not under root), through containers, scrolls, tabs and cards.
func pathTo(root, o fyne.CanvasObject) []fyne.CanvasObject {
	if root == nil || !root.Visible() {
		return nil
	}
	var kids []fyne.CanvasObject
	switch w := root.(type) {
	case *fyne.Container:
		kids = w.Objects
	case *container.Scroll:
		kids = []fyne.CanvasObject{w.Content}
	case *container.AppTabs:
		if s := w.Selected(); s != nil {
			kids = []fyne.CanvasObject{s.Content}
		}
	case *widget.Card:
		kids = []fyne.CanvasObject{w.Content}
	case *widget.PopUp:
		kids = []fyne.CanvasObject{w.Content}
	}
	for _, k := range kids {
		if k == o {
			return []fyne.CanvasObject{root}
		}
		if p := pathTo(k, o); p != nil {
			return append([]fyne.CanvasObject{root}, p...)
		}
	}
	return nil
}

// focusBelow focuses f without scrolling to it for the key being
// released: the screen has just shown something from its top (the review
// to read before signing), and f comes after it. The next key typed into f
// scrolls it into view. Main goroutine only.
func focusBelow(win fyne.Window, f fyne.Focusable) {
	k := keyboardOf(win)
	win.Canvas().Focus(f)
	k.stay = k.down.key != "" // only while a key is down (a tap scrolls nothing)
	k.shown = f
}

// PressKey runs one key, pressed and released, through win's keyboard
// handling (Enter, Escape, Page keys, scrolling the focus into view) — for
// tests, and for on-screen keys. The focused widget's own handling of the
// key is not included. Main goroutine only.
func PressKey(win fyne.Window, name fyne.KeyName) {
	k := keyboardOf(win)
	k.keyDown(&fyne.KeyEvent{Name: name})
	k.keyUp(&fyne.KeyEvent{Name: name})
}

// InView reports whether o shows inside every scroll around it (and the
// window). Main goroutine only.
func InView(o fyne.CanvasObject) bool { return inView(o) }

// inView reports whether o shows inside every scroll around it.
func inView(o fyne.CanvasObject) bool {
	d := fyne.CurrentApp().Driver()
	c := d.CanvasForObject(o)
	if c == nil || !o.Visible() || o.Size().IsZero() { // not laid out: not seen
		return false
	}
	for _, sc := range pathTo(c.Content(), o) {
		if sc, ok := sc.(*container.Scroll); ok {
			top := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(sc).Y
			if top < 0 || top+o.Size().Height > sc.Size().Height {
				return false
			}
		}
	}
	return true
}

// scrollToTop scrolls the scroll around o (under root) so that o is at the
// top of the view (a section to read from its beginning).
func scrollToTop(root, o fyne.CanvasObject) {
	path := pathTo(root, o)
	d := fyne.CurrentApp().Driver()
	for i := len(path) - 1; i >= 0; i-- {
		sc, ok := path[i].(*container.Scroll)
		if !ok {
			continue
		}
		off := sc.Offset
		off.Y += d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(sc).Y
		off.Y = max(0, min(off.Y, sc.Content.MinSize().Height-sc.Size().Height))
		sc.ScrollToOffset(off)
		return
	}
}

// showConfirm is dialog.NewCustomConfirm with the app's buttons (their
// focus shows, Enter presses the focused one) and Escape as "no": cb gets
// true only from the yes button, false however else it closes. It returns
// the dialog, shown. Main goroutine only.
func showConfirm(win fyne.Window, title, yes, no string, content fyne.CanvasObject, cb func(bool)) dialog.Dialog {
	var d dialog.Dialog
	answered := false
	yesB := NewButtonWithIcon(yes, theme.ConfirmIcon(), func() {
		answered = true
		d.Hide()
		cb(true)
	})
	yesB.Importance = widget.HighImportance
	noB := NewButtonWithIcon(no, theme.CancelIcon(), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), noB, yesB), nil, nil, content), win)
	showDialog(win, d, func() {
		if !answered {
			cb(false)
		}
	})
	return d
}

// showCustom is dialog.NewCustom with the app's close button; it returns
// the dialog, shown. Main goroutine only.
func showCustom(win fyne.Window, title, dismiss string, content fyne.CanvasObject, onClosed ...func()) dialog.Dialog {
	var d dialog.Dialog
	closeB := NewButtonWithIcon(dismiss, theme.CancelIcon(), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), closeB), nil, nil, content), win)
	showDialog(win, d, func() {
		for _, f := range onClosed {
			f()
		}
	})
	return d
}
