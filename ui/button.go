package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Button is the app's button: Fyne's, with a focus ring in the text colour
// just outside it, 3 px wide. Fyne marks a focused button by a faint tint
// (#296FF6 → #226FF7 on a blue one): a keyboard user could not see where
// they were. Enter presses it (the window's keyboard), as Space does.
type Button struct {
	widget.Button
	focused bool
}

// NewButton is a button saying text.
func NewButton(text string, tapped func()) *Button {
	return NewButtonWithIcon(text, nil, tapped)
}

// NewButtonWithIcon is a button with an icon before its text.
func NewButtonWithIcon(text string, icon fyne.Resource, tapped func()) *Button {
	b := &Button{}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// Tapped is Fyne's, and tells the window someone used it.
func (b *Button) Tapped(ev *fyne.PointEvent) {
	touched(b)
	b.Button.Tapped(ev)
}

// FocusGained is Fyne's.
func (b *Button) FocusGained() {
	b.focused = true
	b.Button.FocusGained()
}

// FocusLost is Fyne's.
func (b *Button) FocusLost() {
	b.focused = false
	b.Button.FocusLost()
}

// CreateRenderer is Fyne's: the button's own, and the ring.
func (b *Button) CreateRenderer() fyne.WidgetRenderer {
	b.ExtendBaseWidget(b)
	r := &ringRenderer{WidgetRenderer: b.Button.CreateRenderer(), b: b, ring: newFocusRing()}
	r.Refresh()
	return r
}

type ringRenderer struct {
	fyne.WidgetRenderer
	b    *Button
	ring *canvas.Rectangle
}

func (r *ringRenderer) Layout(s fyne.Size) {
	r.WidgetRenderer.Layout(s)
	placeFocusRing(r.ring, s)
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	objs := r.WidgetRenderer.Objects()
	out := make([]fyne.CanvasObject, 0, len(objs)+1)
	return append(append(out, objs...), r.ring)
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	th := r.b.Theme()
	styleFocusRing(r.ring, th, th.Size(theme.SizeNameButtonRadius), r.b.focused && !r.b.Disabled())
	r.Layout(r.b.Size())
}

// AccessibilityLabel is Fyne's: the button's words.
func (b *Button) AccessibilityLabel() string { return b.Button.AccessibilityLabel() }

// KeyDown is Fyne's (desktop.Keyable): a focused widget gets the keys, the
// window's keyboard hears them through it (Enter presses, the focus
// shows).
func (b *Button) KeyDown(ev *fyne.KeyEvent) { keyDownFrom(b, ev) }

// KeyUp is Fyne's (desktop.Keyable).
func (b *Button) KeyUp(ev *fyne.KeyEvent) { keyUpFrom(b, ev) }

// The focus ring of the app's buttons: the text colour, ringWidth wide,
// just outside the button, so it changes the window's pixels (high
// contrast in every theme), not the button's own.
const ringWidth = 3

func newFocusRing() *canvas.Rectangle {
	r := canvas.NewRectangle(color.Transparent)
	r.FillColor = color.Transparent
	return r
}

func placeFocusRing(r *canvas.Rectangle, s fyne.Size) {
	r.Move(fyne.NewPos(-ringWidth, -ringWidth))
	r.Resize(s.Add(fyne.NewSquareSize(2 * ringWidth)))
}

func styleFocusRing(r *canvas.Rectangle, th fyne.Theme, radius float32, focused bool) {
	r.CornerRadius = radius + ringWidth
	r.StrokeWidth, r.StrokeColor = 0, color.Transparent
	if focused {
		r.StrokeWidth = ringWidth
		r.StrokeColor = th.Color(theme.ColorNameForeground, fyne.CurrentApp().Settings().ThemeVariant())
	}
	r.Refresh()
}
