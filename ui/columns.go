package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// twoColumns lays two panes side by side when the window is wide enough for
// both, and one above the other when it is not (large text, a small
// screen): its minimum width is one pane's, so ×2 text never makes the
// window wider than the screen.
type twoColumns struct{}

// NewColumns is a container with the responsive two-column layout.
func NewColumns(left, right fyne.CanvasObject) *fyne.Container {
	return &fyne.Container{Layout: twoColumns{}, Objects: []fyne.CanvasObject{left, right}}
}

func (twoColumns) widest(objs []fyne.CanvasObject) float32 {
	var w float32
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	return w
}

func (c twoColumns) side(size fyne.Size, objs []fyne.CanvasObject) bool {
	return size.Width >= 2*c.widest(objs)+theme.Padding()
}

func (c twoColumns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	if c.side(size, objs) {
		w := (size.Width - pad) / 2
		for i, o := range objs {
			o.Move(fyne.NewPos(float32(i)*(w+pad), 0))
			o.Resize(fyne.NewSize(w, size.Height))
		}
		return
	}
	var y float32
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + pad
	}
}

// MinSize is one column: the widest pane, the panes' heights stacked.
func (c twoColumns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for i, o := range objs {
		if i > 0 {
			h += theme.Padding()
		}
		h += o.MinSize().Height
	}
	return fyne.NewSize(c.widest(objs), h)
}
