package gui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"madoguchi/internal/uitest"
	"madoguchi/ui"
)

// unlabelled lists the controls under o that a screen reader could not
// name (Fyne's fyne.Accessible, -tags accessibility): every button, entry,
// answer and tick box must say what it is, in words — not an icon's name.
func unlabelled(o fyne.CanvasObject) []string {
	if o == nil || !o.Visible() {
		return nil
	}
	var out []string
	switch w := o.(type) {
	case *fyne.Container:
		for _, c := range w.Objects {
			out = append(out, unlabelled(c)...)
		}
		return out
	case *container.Scroll:
		return unlabelled(w.Content)
	case *container.AppTabs:
		for _, it := range w.Items {
			if it.Text == "" {
				out = append(out, "a tab without a name")
			}
		}
		if s := w.Selected(); s != nil {
			out = append(out, unlabelled(s.Content)...)
		}
		return out
	case *widget.Card:
		return unlabelled(w.Content)
	case *widget.Button:
		if strings.TrimSpace(w.Text) == "" {
			out = append(out, fmt.Sprintf("a button with only an icon (%s)", w.Icon.Name()))
		}
		return out
	case *ui.Button:
		if strings.TrimSpace(w.Text) == "" {
			out = append(out, fmt.Sprintf("a button with only an icon (%s)", w.Icon.Name()))
		}
		return out
	case *widget.Check:
		if strings.TrimSpace(w.Text) == "" {
			out = append(out, "a tick box without words")
		}
		return out
	case *widget.CheckGroup:
		for _, n := range w.Options {
			if strings.TrimSpace(n) == "" {
				out = append(out, "a tick box without words")
			}
		}
		return out
	case *widget.RadioGroup:
		for _, n := range w.Options {
			if strings.TrimSpace(n) == "" {
				out = append(out, "a choice without words")
			}
		}
		return out
	case *widget.Select:
		return out // its options are its words
	}
	_, tappable := o.(fyne.Tappable)
	_, focusable := o.(fyne.Focusable)
	if !tappable && !focusable {
		return nil
	}
	a, ok := o.(fyne.Accessible)
	if !ok {
		return []string{fmt.Sprintf("a %T that does not name itself", o)}
	}
	if strings.TrimSpace(a.AccessibilityLabel()) == "" {
		return []string{fmt.Sprintf("a %T with an empty label", o)}
	}
	return nil
}

// labelled fails on any control of o a screen reader could not name.
func labelled(t *testing.T, where string, o fyne.CanvasObject) {
	t.Helper()
	var bad []string
	fyne.DoAndWait(func() { bad = unlabelled(o) })
	if len(bad) > 0 {
		t.Errorf("%s: %d controls without a label: %s", where, len(bad), strings.Join(bad, "; "))
	}
}

// The walk finds what it must: an icon-only button, an entry that does not
// name itself, a tick box without words — inside scrolls, cards and tabs.
func TestUnlabelledFindsNamelessControls(t *testing.T) {
	a := uitest.NewApp(t)
	w := a.NewWindow("t")
	defer w.Close()
	var bad []string
	fyne.DoAndWait(func() {
		content := container.NewVBox(widget.NewButtonWithIcon("", theme.CancelIcon(), nil), widget.NewEntry(),
			widget.NewCard("c", "", widget.NewCheck("", nil)), widget.NewButton("OK", nil), ui.NewAnswerButton("1. はい", nil))
		tabs := container.NewAppTabs(container.NewTabItem("tab", container.NewVScroll(content)))
		w.SetContent(tabs)
		bad = unlabelled(tabs)
	})
	if len(bad) != 3 {
		t.Fatalf("found %d: %v", len(bad), bad)
	}
}
