package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// AnswerButton is a large button whose label wraps (BreakLines) and whose
// height grows with it, so a long answer at ×2 text is read whole, never
// cut to "…期高齢者医療制度". Tab reaches it; Enter and Space press it; the
// focused one has a ring in the text colour, 3 px wide, just outside it
// (≥ 3:1 against the window in every theme).
type AnswerButton struct {
	widget.BaseWidget
	Text       string
	Icon       fyne.Resource
	Importance widget.Importance
	OnTapped   func()
	// State is said after the text to a screen reader ("chosen"), when
	// the icon shows it.
	State string
	// OnRune, when set, is offered each typed character first (the PIN
	// pad takes digits typed while one of its keys has the focus); true
	// when it took it.
	OnRune func(r rune) bool

	focused, hovered bool
}

// NewAnswerButton is a button saying text that runs tapped.
func NewAnswerButton(text string, tapped func()) *AnswerButton {
	b := &AnswerButton{Text: text, OnTapped: tapped}
	b.ExtendBaseWidget(b)
	return b
}

// Tapped is Fyne's.
func (b *AnswerButton) Tapped(*fyne.PointEvent) {
	touched(b)
	if b.OnTapped != nil {
		b.OnTapped()
	}
}

// FocusGained is Fyne's.
func (b *AnswerButton) FocusGained() { b.focused = true; b.Refresh() }

// FocusLost is Fyne's.
func (b *AnswerButton) FocusLost() { b.focused = false; b.Refresh() }

// TypedRune is Fyne's: Space presses the button.
func (b *AnswerButton) TypedRune(r rune) {
	if b.OnRune != nil && b.OnRune(r) {
		return
	}
	if r == ' ' {
		b.Tapped(nil)
	}
}

// TypedKey is Fyne's: Enter (and the keypad's) presses the button.
func (b *AnswerButton) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		b.Tapped(nil)
	}
}

// MouseIn is Fyne's.
func (b *AnswerButton) MouseIn(*desktop.MouseEvent) { b.hovered = true; b.Refresh() }

// MouseMoved is Fyne's.
func (b *AnswerButton) MouseMoved(*desktop.MouseEvent) {}

// MouseOut is Fyne's.
func (b *AnswerButton) MouseOut() { b.hovered = false; b.Refresh() }

// Cursor is Fyne's: a pointing hand, as over a link.
func (b *AnswerButton) Cursor() desktop.Cursor { return desktop.PointerCursor }

// CreateRenderer is Fyne's.
func (b *AnswerButton) CreateRenderer() fyne.WidgetRenderer {
	b.ExtendBaseWidget(b)
	r := &answerRenderer{b: b, bg: canvas.NewRectangle(color.Transparent), hover: canvas.NewRectangle(color.Transparent),
		ring:  newFocusRing(),
		label: NewPara(b.Text), icon: widget.NewIcon(nil)}
	r.Refresh()
	return r
}

type answerRenderer struct {
	b     *AnswerButton
	bg    *canvas.Rectangle
	hover *canvas.Rectangle
	ring  *canvas.Rectangle
	label *Para
	icon  *widget.Icon
}

func (r *answerRenderer) pad() float32 { return r.b.Theme().Size(theme.SizeNameInnerPadding) }

func (r *answerRenderer) iconSize() float32 {
	if r.b.Icon == nil {
		return 0
	}
	return r.b.Theme().Size(theme.SizeNameInlineIcon) + r.pad()
}

func (r *answerRenderer) MinSize() fyne.Size {
	m := r.label.MinSize()
	return fyne.NewSize(m.Width+r.iconSize()+2*r.pad(), max(m.Height+2*r.pad(), 56))
}

func (r *answerRenderer) Layout(s fyne.Size) {
	r.bg.Resize(s)
	r.hover.Resize(s)
	// the ring lies just outside the button (dark on blue would be 1.6:1)
	placeFocusRing(r.ring, s)
	p, is := r.pad(), r.iconSize()
	if is > 0 {
		ic := r.b.Theme().Size(theme.SizeNameInlineIcon)
		r.icon.Move(fyne.NewPos(p, (s.Height-ic)/2))
		r.icon.Resize(fyne.NewSquareSize(ic))
	}
	w := s.Width - is - 2*p
	r.label.Resize(fyne.NewSize(w, r.label.MinSize().Height))
	// the label's height depends on its width: measured again once it has it
	h := r.label.MinSize().Height
	r.label.Resize(fyne.NewSize(w, h))
	r.label.Move(fyne.NewPos(p+is, (s.Height-h)/2))
}

func (r *answerRenderer) Refresh() {
	th, v := r.b.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	bg, fg := theme.ColorNameButton, theme.ColorNameForeground
	if r.b.Importance == widget.HighImportance {
		bg, fg = theme.ColorNamePrimary, theme.ColorNameForegroundOnPrimary
	}
	r.bg.FillColor = th.Color(bg, v)
	r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.hover.FillColor = color.Transparent
	if r.b.hovered {
		r.hover.FillColor = th.Color(theme.ColorNameHover, v)
	}
	r.hover.CornerRadius = r.bg.CornerRadius
	styleFocusRing(r.ring, th, r.bg.CornerRadius, r.b.focused)
	r.label.Text, r.label.ColorName = r.b.Text, fg
	r.label.TextStyle = fyne.TextStyle{Bold: r.b.Importance == widget.HighImportance}
	r.icon.SetResource(r.b.Icon)
	if r.b.Icon != nil && r.b.Importance == widget.HighImportance {
		r.icon.SetResource(theme.NewColoredResource(r.b.Icon, theme.ColorNameForegroundOnPrimary))
	}
	r.bg.Refresh()
	r.hover.Refresh()
	r.label.Refresh()
	r.Layout(r.b.Size())
}

func (r *answerRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.bg, r.hover, r.label, r.ring}
	if r.b.Icon != nil {
		objs = append(objs, r.icon)
	}
	return objs
}

func (r *answerRenderer) Destroy() {}

// AccessibilityLabel is Fyne's (screen readers: -tags accessibility): the
// answer, and that it is the one given before when it is.
func (b *AnswerButton) AccessibilityLabel() string {
	if b.State != "" {
		return b.Text + " — " + b.State
	}
	return b.Text
}

// AccessibilityRole is Fyne's.
func (b *AnswerButton) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleButton }

// KeyDown is Fyne's (desktop.Keyable): the window's keyboard hears the
// keys of a focused answer (the focus shows, Escape closes a dialog).
func (b *AnswerButton) KeyDown(ev *fyne.KeyEvent) { keyDownFrom(b, ev) }

// KeyUp is Fyne's (desktop.Keyable).
func (b *AnswerButton) KeyUp(ev *fyne.KeyEvent) { keyUpFrom(b, ev) }
