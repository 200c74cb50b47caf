package gui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"madoguchi/i18n"
	"madoguchi/ui"
)

// statusWatch asks the municipality for the receipts' status every
// interval while someone is signed in, and raises a desktop notification
// when one changes (received → in review → completed…).
type statusWatch struct {
	life   *lifeService
	every  time.Duration
	notify func(title, body string)
	tr     func() *i18n.Localizer
	last   map[string]string // receipt → status last seen
}

// changes compares receipts with what was seen before and returns the
// notifications to raise (none on the first look: nothing changed yet).
func (w *statusWatch) changes(rs []ui.Receipt) [][2]string {
	tr := w.tr()
	var out [][2]string
	first := w.last == nil
	if first {
		w.last = map[string]string{}
	}
	for _, r := range rs {
		if prev, ok := w.last[r.Number]; !first && (!ok || prev != r.Status) {
			out = append(out, [2]string{tr.T("notify.title"),
				tr.T("notify.status", map[string]any{"Procedure": r.Procedure, "Status": tr.T("status." + r.Status), "Number": r.Number})})
		}
		w.last[r.Number] = r.Status
	}
	return out
}

func (w *statusWatch) run(ctx context.Context) {
	t := time.NewTicker(w.every)
	defer t.Stop()
	for {
		if w.life.signIn.Account() != nil {
			if rs, stale, err := w.life.Receipts(ctx, w.tr().Lang()); err == nil && !stale {
				for _, n := range w.changes(rs) {
					w.notify(n[0], n[1])
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// fyneNotify raises a desktop notification through Fyne.
func fyneNotify(a fyne.App) func(title, body string) {
	return func(title, body string) { a.SendNotification(fyne.NewNotification(title, body)) }
}
