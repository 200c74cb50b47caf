package gui

import (
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
	"madoguchi/internal/uitest"
	"madoguchi/ui"
)

// At ×2 text on a 1366×768 laptop screen (and 1280×800), in Japanese and
// in Vietnamese,
// each main screen of the moving journey fits the window's width (nothing
// widens it past the screen), no text is cut (every paragraph, label and
// answer has at least the room it needs), and what the person must see
// first is inside the window without scrolling: the first tile, each
// question with its first answer and the way on, the plan's title and the
// way to the review. Screenshots go to out/screenshots/.
func TestMainScreensAtTwiceOnALaptop(t *testing.T) {
	srv := municipality(t)
	for _, c := range []struct {
		lang string
		size fyne.Size
	}{{"ja", fyne.NewSize(1366, 768)}, {"vi", fyne.NewSize(1366, 768)}, {"vi", fyne.NewSize(1280, 800)}} {
		lang, size := c.lang, c.size
		t.Run(fmt.Sprintf("%s-%.0fx%.0f", lang, size.Width, size.Height), func(t *testing.T) {
			a := uitest.NewApp(t)
			a.Settings().SetTheme(ui.NewTheme(2))
			h := windowIn(t, srv, a, "yamada-taro", lang, size)
			screen := h.shell.LifeEvents()
			shot := func(name string) {
				t.Helper()
				dir := filepath.Join("..", "..", "out", "screenshots")
				os.MkdirAll(dir, 0o755)
				fyne.DoAndWait(func() {
					f, err := os.Create(filepath.Join(dir, fmt.Sprintf("x2-%s-%.0f-%s.png", lang, size.Width, name)))
					if err == nil {
						png.Encode(f, h.win.Canvas().Capture())
						f.Close()
					}
				})
			}
			check := func(name string, first func(o fyne.CanvasObject) bool) {
				t.Helper()
				deadline := time.Now().Add(20 * time.Second)
				for {
					var problems []string
					fyne.DoAndWait(func() {
						problems = fits(h.win, size, first)
					})
					if len(problems) == 0 {
						shot(name)
						return
					}
					if time.Now().After(deadline) {
						shot(name)
						t.Fatalf("%s at ×2: %s", name, strings.Join(problems, "; "))
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
			isTile := func(o fyne.CanvasObject) bool {
				b, ok := o.(*ui.AnswerButton)
				return ok && b.Importance == widget.HighImportance
			}
			check("home", isTile)
			// every other tab: nothing cut (each one's first text in view)
			for i := 1; i < 5; i++ {
				fyne.DoAndWait(func() { h.shell.Tabs().SelectIndex(i) })
				isText := func(o fyne.CanvasObject) bool { _, ok := o.(*ui.Para); return ok }
				check(fmt.Sprintf("tab-%d", i), isText)
			}
			fyne.DoAndWait(func() { h.shell.Tabs().SelectIndex(0) })
			fyne.DoAndWait(func() { screen.Start("moving") })
			isEntry := func(o fyne.CanvasObject) bool { _, ok := o.(*ui.Entry); return ok }
			check("question-date", isEntry)
			move := time.Now().AddDate(0, 0, 10).Format("2006/1/2")
			fyne.DoAndWait(func() {
				if e, ok := h.win.Canvas().Focused().(*ui.Entry); ok {
					e.SetText(move)
				}
				screen.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			})
			isAnswer := func(o fyne.CanvasObject) bool {
				b, ok := o.(*ui.AnswerButton)
				return ok && strings.HasPrefix(b.Text, "1. ")
			}
			check("question-yesno", isAnswer)
			fyne.DoAndWait(func() { screen.TypedRune('2') })
			check("question-postal", isEntry)
		})
	}
}

// fits lists what is wrong with the window's content at size: wider than
// the screen, a text with less room than it needs, the first object
// (first says which) missing or outside the window, and no Next/answer.
func fits(w fyne.Window, size fyne.Size, first func(fyne.CanvasObject) bool) []string {
	var out []string
	c := w.Canvas()
	if mw := c.Content().MinSize().Width; mw > size.Width {
		out = append(out, fmt.Sprintf("the content needs %.0f px, wider than the screen's %.0f", mw, size.Width))
	}
	d := fyne.CurrentApp().Driver()
	found := false
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *ui.Para, *widget.Label, *ui.AnswerButton, *widget.Button, *ui.Button:
			if s, m := o.Size(), o.MinSize(); s.Width+0.5 < m.Width || s.Height+0.5 < m.Height {
				out = append(out, fmt.Sprintf("%T %q cut: %.0f×%.0f for %.0f×%.0f", o, textOf(o), s.Width, s.Height, m.Width, m.Height))
			}
		case *fyne.Container:
			for _, k := range x.Objects {
				walk(k)
			}
		case *container.Scroll:
			walk(x.Content)
		case *container.AppTabs:
			if s := x.Selected(); s != nil {
				walk(s.Content)
			}
		case *widget.Card:
			walk(x.Content)
		}
		if !found && first(o) {
			found = true
			p := d.AbsolutePositionForObject(o)
			if p.Y < 0 || p.Y+o.Size().Height > size.Height || p.X < 0 || p.X+o.Size().Width > size.Width {
				out = append(out, fmt.Sprintf("%T %q is outside the window (at %.0f,%.0f size %.0f×%.0f)", o, textOf(o), p.X, p.Y, o.Size().Width, o.Size().Height))
			}
		}
	}
	walk(c.Content())
	if !found {
		out = append(out, "the first thing to see is not there (yet)")
	}
	return out
}

func textOf(o fyne.CanvasObject) string {
	switch x := o.(type) {
	case *ui.Para:
		return x.Text
	case *widget.Label:
		return x.Text
	case *ui.AnswerButton:
		return x.Text
	case *widget.Button:
		return x.Text
	case *ui.Button:
		return x.Text
	}
	return ""
}

// Keyboard only at ×2 on 1366×768: Tab through the whole plan — every
// control it reaches is scrolled into view (before, all six Tab stops of
// the plan were off-screen) — and the order reaches the review's sign
// button after the way to the review.
func TestPlanByTabAtTwice(t *testing.T) {
	life, _, _ := signedInLife(t, "sato-hana")
	answerMoving(t, life, "佐藤 ハナ")
	w, screen := movingWindow(t, life, "vi", 2)
	obj := func() fyne.CanvasObject { return screen.Object() }
	sign := i18n.New("vi").T("life.sign_and_file")
	shows(t, obj, sign)
	waitPlanFocus(t, w)
	seen := map[fyne.Focusable]bool{}
	var order []string
	// the plan opens with the focus on the way to the review
	fyne.DoAndWait(func() {
		if f := w.Canvas().Focused(); f != nil {
			seen[f] = true
			if a, ok := f.(fyne.Accessible); ok {
				order = append(order, a.AccessibilityLabel())
			}
		}
	})
	for i := 0; i < 200; i++ {
		var f fyne.Focusable
		var visible bool
		fyne.DoAndWait(func() {
			w.Canvas().FocusNext()
			ui.PressKey(w, fyne.KeyTab)
			f = w.Canvas().Focused()
			if o, ok := f.(fyne.CanvasObject); ok {
				visible = ui.InView(o)
			}
		})
		if f == nil || seen[f] {
			break // round the screen once
		}
		seen[f] = true
		name := fmt.Sprintf("%T", f)
		if a, ok := f.(fyne.Accessible); ok {
			name = a.AccessibilityLabel()
		}
		order = append(order, name)
		if !visible {
			t.Fatalf("Tab stop %d (%s) is off-screen", len(order), name)
		}
	}
	joined := strings.Join(order, "\n")
	to, at := strings.Index(joined, i18n.New("vi").T("life.go_to_signing", map[string]any{"Count": 1})[:20]), strings.Index(joined, sign)
	if len(order) < 6 || to < 0 || at < 0 || at < to {
		t.Fatalf("Tab order (%d stops):\n%s", len(order), joined)
	}
}
