package ui

import (
	"madoguchi/internal/uitest"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
)

// Two panes side by side when there is room for both, stacked when not;
// the minimum width is one pane's (large text never widens the window).
func TestTwoColumns(t *testing.T) {
	uitest.NewApp(t)
	a, b := canvas.NewRectangle(nil), canvas.NewRectangle(nil)
	a.SetMinSize(fyne.NewSize(300, 100))
	b.SetMinSize(fyne.NewSize(200, 50))
	c := NewColumns(a, b)
	if m := c.MinSize(); m.Width != 300 {
		t.Fatalf("min width %v, want one pane's", m.Width)
	}
	c.Resize(fyne.NewSize(1000, 400))
	if b.Position().X == 0 || a.Size().Width < 300 {
		t.Fatalf("wide: a %v %v, b %v", a.Position(), a.Size(), b.Position())
	}
	c.Resize(fyne.NewSize(400, 400))
	if b.Position().X != 0 || b.Position().Y < 100 || a.Size().Width != 400 {
		t.Fatalf("narrow: a %v %v, b %v", a.Position(), a.Size(), b.Position())
	}
}
