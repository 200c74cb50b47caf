package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"madoguchi/internal/uitest"
)

// ring is the button's focus ring (its renderer's last object).
func ring(t *testing.T, b fyne.Widget) *canvas.Rectangle {
	objs := test.TempWidgetRenderer(t, b).Objects()
	r, ok := objs[len(objs)-1].(*canvas.Rectangle)
	if !ok {
		t.Fatalf("no ring: %T", objs[len(objs)-1])
	}
	return r
}

// A focused button, plain or primary, has a ring in the text colour, 3 px
// wide, just outside it; an unfocused or disabled one has none.
func TestButtonsShowTheirFocus(t *testing.T) {
	uitest.NewApp(t)
	plain, primary := NewButton("Plain", func() {}), NewButtonWithIcon("Primary", theme.ConfirmIcon(), func() {})
	primary.Importance = widget.HighImportance
	w := test.NewWindow(container.NewVBox(plain, primary))
	defer w.Close()
	fg := theme.Color(theme.ColorNameForeground)
	for _, b := range []*Button{plain, primary} {
		if r := ring(t, b); r.StrokeWidth != 0 {
			t.Fatalf("%s: a ring before the focus", b.Text)
		}
		w.Canvas().Focus(b)
		r := ring(t, b)
		if r.StrokeWidth < 3 || r.StrokeColor != fg || r.Position().X >= 0 || r.Size().Width <= b.Size().Width {
			t.Fatalf("%s focused: ring %v %v at %v size %v", b.Text, r.StrokeWidth, r.StrokeColor, r.Position(), r.Size())
		}
		w.Canvas().Unfocus()
		if r := ring(t, b); r.StrokeWidth != 0 {
			t.Fatalf("%s: the ring stays after the focus left", b.Text)
		}
	}
}
