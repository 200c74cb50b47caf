package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
)

// timeline is the plan's deadlines as a picture: one bar per deadline, its
// length the days left (the longest bar is the latest deadline), urgent
// and near ones in the danger colour — what is due first, at a glance.
func timeline(tr *i18n.Localizer, items []PlanItem) fyne.CanvasObject {
	maxDays := 1
	for _, it := range items {
		if !it.Deadline.IsZero() && it.DaysLeft > maxDays {
			maxDays = it.DaysLeft
		}
	}
	var rows []fyne.CanvasObject
	for _, it := range items {
		if it.Deadline.IsZero() {
			continue
		}
		c := theme.Color(theme.ColorNamePrimary)
		if it.Urgent || it.DaysLeft < 7 {
			c = theme.Color(theme.ColorNameError)
		}
		days := max(it.DaysLeft, 0)
		bar := &proportional{share: float32(days+1) / float32(maxDays+1), rect: canvas.NewRectangle(c)}
		text := tr.T("timeline.row", map[string]any{"Name": it.Name, "Date": tr.Date(it.Deadline), "Days": it.DaysLeft})
		if it.Urgent || it.DaysLeft < 7 {
			text = "⚠ " + text // said in the text too, not by the bar's colour alone
		}
		label := wrapped(text)
		rows = append(rows, label, container.New(bar, bar.rect))
	}
	if len(rows) == 0 {
		return container.NewVBox()
	}
	title := boldPara(tr.T("timeline.title"))
	title.SizeName = theme.SizeNameSubHeadingText
	sub := wrapped(tr.T("timeline.subtitle"))
	sub.Importance = widget.LowImportance
	return container.NewVBox(append([]fyne.CanvasObject{title, sub}, rows...)...)
}

// proportional lays its one object as a bar share of the width.
type proportional struct {
	share float32
	rect  *canvas.Rectangle
}

func (p *proportional) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(max(size.Width*p.share, 6), size.Height))
	}
}

func (p *proportional) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(40, 10) }
