package gui

import (
	"context"
	"fmt"
	"madoguchi/internal/uitest"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"madoguchi/i18n"
	"madoguchi/ui"
)

// After filing, the window's plan says what stands filed; an answer
// changed afterwards (the moving date) is shown as the correction it
// sends, and filing sends only the corrections, each naming the receipt it
// corrects; the receipts list says which were replaced.
func TestWindowFilesCorrections(t *testing.T) {
	ctx := t.Context()
	life, _, r := signedInLife(t, "sato-hana")
	movingJourney(t, life, r.SignPassword)
	plan, err := life.Plan(ctx, "moving", "en")
	if err != nil || !plan.Filed || plan.Sending != 0 || len(plan.Forms) != 0 {
		t.Fatalf("after filing: %v %+v", err, plan)
	}
	filed := 0
	for _, it := range plan.Items {
		if strings.Contains(it.Filing, "nothing changed") {
			filed++
		}
	}
	if filed == 0 {
		t.Fatalf("the plan does not say what is filed: %+v", plan.Items)
	}
	later, _ := time.ParseInLocation(time.DateOnly, time.Now().AddDate(0, 0, 12).Format(time.DateOnly), i18n.JST)
	if _, err := life.Answer(ctx, "moving", "move_date", later, "en"); err != nil {
		t.Fatal(err)
	}
	plan, err = life.Plan(ctx, "moving", "en")
	if err != nil || plan.Filed || plan.Sending == 0 || len(plan.Forms) != plan.Sending {
		t.Fatalf("after the changed date: %v %+v", err, plan)
	}
	corrections := 0
	for _, it := range plan.Items {
		if strings.Contains(it.Filing, "a correction of") {
			corrections++
		}
	}
	if corrections != plan.Sending {
		t.Fatalf("%d corrections said, %d to send: %+v", corrections, plan.Sending, plan.Items)
	}
	rs, sent, err := life.Submit(ctx, "moving", nil, func(string, int) ([]byte, bool, error) { return []byte(r.SignPassword), false, nil }, "en")
	if err != nil || !sent || len(rs) != plan.Sending {
		t.Fatalf("filing the corrections: %v %+v", err, rs)
	}
	for _, rc := range rs {
		if !strings.Contains(rc.Note, "correction of ") {
			t.Errorf("a correction that does not say what it corrects: %+v", rc)
		}
	}
	all, _, err := life.Receipts(ctx, "en")
	if err != nil {
		t.Fatal(err)
	}
	replaced := 0
	for _, rc := range all {
		if strings.Contains(rc.Note, "replaced by ") {
			replaced++
		}
	}
	if replaced != len(rs) {
		t.Fatalf("%d receipts say they were replaced, %d corrections: %+v", replaced, len(rs), all)
	}
}

// In the window: the plan leads back to the answers ("Change my answers",
// or Esc) — after filing that is how a correction starts — and before the
// online window opens it says from when, instead of offering to sign.
func TestPlanWindowBackAndNotOpen(t *testing.T) {
	life, _, _ := signedInLife(t, "sato-hana")
	answerMoving(t, life, "佐藤 ハナ")
	w, screen := movingWindow(t, life, "en", 1)
	obj := func() fyne.CanvasObject { return screen.Object() }
	shows(t, obj, "Sign with your card")
	change := button(t, obj(), "Change my answers")
	fyne.DoAndWait(func() { test.Tap(change) })
	shows(t, obj, "Do you keep a dog") // the last question, its answer offered again
	// the answer given is marked in words and has the focus; the rest
	// are kept, and one press goes back to the plan with all of them
	given := button(t, obj(), "(your answer)")
	// (the screen shows, then focuses: on its own goroutine here)
	for deadline := time.Now().Add(20 * time.Second); ; {
		var focused fyne.Focusable
		fyne.DoAndWait(func() { focused = w.Canvas().Focused() })
		if focused == given.(fyne.Focusable) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the answer given is not focused: %v", focused)
		}
		time.Sleep(20 * time.Millisecond)
	}
	keep := button(t, obj(), "Keep my other answers and see the plan")
	fyne.DoAndWait(func() { test.Tap(keep) })
	shows(t, obj, "Sign with your card")
	// back through the answers to a typed one: Esc in its entry goes
	// back further (a focused entry used to keep Esc to itself)
	for i := 0; ; i++ {
		fyne.DoAndWait(func() { screen.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
		var entry fyne.Focusable
		fyne.DoAndWait(func() { entry = w.Canvas().Focused() })
		if k, ok := entry.(interface {
			fyne.Focusable
			SetPlaceHolder(string)
		}); ok && i > 0 {
			before := strings.Join(screen.Text(), "\n")
			fyne.DoAndWait(func() { k.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
			deadline := time.Now().Add(5 * time.Second)
			for strings.Join(screen.Text(), "\n") == before {
				if time.Now().After(deadline) {
					t.Fatal("Esc in a focused entry did not go back")
				}
				time.Sleep(20 * time.Millisecond)
			}
			break
		}
		if i > 40 {
			t.Fatal("no typed question on the way back")
		}
		time.Sleep(50 * time.Millisecond)
	}
	fyne.DoAndWait(func() { screen.Start("moving") })

	// a move 40 days ahead: the online moving-out notice opens 30 days before
	ctx := t.Context()
	far, _ := i18n.ParseDate(time.Now().AddDate(0, 0, 40).Format(time.DateOnly))
	if _, err := life.Answer(ctx, "moving", "has_dog", false, "en"); err != nil {
		t.Fatal(err)
	}
	if _, err := life.Answer(ctx, "moving", "move_date", far, "en"); err != nil {
		t.Fatal(err)
	}
	plan, err := life.Plan(ctx, "moving", "en")
	if err != nil || !strings.Contains(plan.CannotFile, "can be filed online from") {
		t.Fatalf("before the window opens: %v %q", err, plan.CannotFile)
	}
	fyne.DoAndWait(func() { screen.Start("moving") })
	shows(t, obj, "can be filed online from")
	if _, found := find(t, obj(), func(b *ui.Button) bool { return strings.Contains(b.Text, "Sign with your card") }); found {
		t.Fatal("signing is offered before the window opens")
	}
}

// Signing is offered only after the review has been shown: at ×2 on a
// laptop screen the plan opens with the deadlines and the way to the
// review; the sign button pressed while the review's beginning was never
// on the screen scrolls to it and signs nothing (no PIN asked); pressed
// again, it goes on to the PIN dialog.
func TestSigningOnlyAfterTheReviewWasShown(t *testing.T) {
	life, _, _ := signedInLife(t, "sato-hana")
	answerMoving(t, life, "佐藤 ハナ")
	w, screen := movingWindow(t, life, "vi", 2)
	obj := func() fyne.CanvasObject { return screen.Object() }
	shows(t, obj, "Ký bằng thẻ")
	sign := button(t, obj(), "Ký bằng thẻ")
	// the plan opens at its top: the review is far below
	waitPlanFocus(t, w)
	fyne.DoAndWait(func() { test.Tap(sign) })
	shows(t, obj, "Trước tiên hãy kiểm tra")
	fyne.DoAndWait(func() {
		if top := w.Canvas().Overlays().Top(); top != nil {
			t.Fatal("a PIN dialog before the review was shown")
		}
	})
	// the review is on the screen now: the phone typed, the same button
	// goes on
	fyne.DoAndWait(func() {
		e, found := find(t, obj(), func(e *ui.Entry) bool { return true })
		if !found {
			t.Fatal("no field to type")
		}
		test.Type(e, "０９０-１２３４-５６７８")
	})
	fyne.DoAndWait(func() { test.Tap(sign) })
	deadline := time.Now().Add(10 * time.Second)
	for {
		var top fyne.CanvasObject
		fyne.DoAndWait(func() { top = w.Canvas().Overlays().Top() })
		if top != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no PIN dialog after the review was shown")
		}
		time.Sleep(20 * time.Millisecond)
	}
	var top fyne.CanvasObject
	fyne.DoAndWait(func() { top = w.Canvas().Overlays().Top() })
	cancel := button(t, top, i18n.New("vi").T("common.cancel"))
	fyne.DoAndWait(func() { test.Tap(cancel) })
}

// slowBack is the service whose Back answers late.
type slowBack struct {
	*lifeService
	release chan struct{}
}

func (s slowBack) Back(ctx context.Context, event, lang string) (ui.Step, error) {
	<-s.release
	return s.lifeService.Back(ctx, event, lang)
}

// A slow answer for a screen the person has already left is dropped: Back
// pressed, then (before its answer came) the home and another event — the
// late step does not take the screen back.
func TestLateAnswerForALeftScreenIsDropped(t *testing.T) {
	life, _, _ := signedInLife(t, "sato-hana")
	answerMoving(t, life, "佐藤 ハナ")
	svc := slowBack{lifeService: life, release: make(chan struct{})}
	_, screen := movingWindow(t, svc, "en", 1)
	obj := func() fyne.CanvasObject { return screen.Object() }
	shows(t, obj, "Sign with your card")
	fyne.DoAndWait(func() { screen.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) }) // Back: held
	fyne.DoAndWait(func() { screen.Start("birth") })
	// the birth event's first question
	for deadline := time.Now().Add(20 * time.Second); ; {
		var st ui.LifeState
		fyne.DoAndWait(func() { st = screen.State() })
		if st.Event == "birth" && st.View == "question" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("never on birth's first question: %+v", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(svc.release) // the late answer to Back arrives
	time.Sleep(300 * time.Millisecond)
	var texts string
	fyne.DoAndWait(func() { texts = strings.Join(screen.Text(), "\n") })
	if strings.Contains(texts, "Do you keep a dog") || strings.Contains(texts, "(your answer)") {
		t.Fatalf("the late answer took the screen back:\n%s", texts)
	}
}

// Who moves: each member of the household a button ticked or not, turned
// by a tap (or Space/Enter); the answer given is who stays ticked, in the
// record's order, and a screen reader hears the state in words.
func TestMembersAreTickedAndUnticked(t *testing.T) {
	ctx := t.Context()
	life, _, _ := signedInLife(t, "yamada-taro")
	move, _ := i18n.ParseDate(time.Now().AddDate(0, 0, 10).Format(time.DateOnly))
	for _, a := range []struct {
		q string
		v any
	}{{"move_date", move}, {"same_municipality", false}, {"new_postal_code", "5300001"}, {"new_address_line", "梅田一丁目1番1号"}} {
		if _, err := life.Answer(ctx, "moving", a.q, a.v, "en"); err != nil {
			t.Fatal(err)
		}
	}
	_, screen := movingWindow(t, life, "en", 1)
	obj := func() fyne.CanvasObject { return screen.Object() }
	yui := button(t, obj(), "山田 結衣").(*ui.AnswerButton)
	if !strings.HasSuffix(yui.AccessibilityLabel(), "— chosen") {
		t.Fatalf("at first: %q", yui.AccessibilityLabel())
	}
	fyne.DoAndWait(func() { test.Tap(yui) })
	if !strings.HasSuffix(yui.AccessibilityLabel(), "— not chosen") {
		t.Fatalf("after a tap: %q", yui.AccessibilityLabel())
	}
	fyne.DoAndWait(func() { screen.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) })
	shows(t, obj, "child allowance")
	iv, err := life.interview(ctx, "moving", false)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(iv.Answers()["movers"]); got != "[山田 太郎]" {
		t.Fatalf("movers answered: %s", got)
	}
}

// movingWindow is a 1366×768 window at scale showing the life-event
// screen over svc in lang, on the moving event.
func movingWindow(t *testing.T, svc ui.LifeEventService, lang string, scale float32) (fyne.Window, *ui.LifeEventScreen) {
	t.Helper()
	a := uitest.NewApp(t)
	a.Settings().SetTheme(ui.NewTheme(scale))
	w := a.NewWindow("test")
	w.Resize(fyne.NewSize(1366, 768))
	var screen *ui.LifeEventScreen
	fyne.DoAndWait(func() {
		screen = ui.NewLifeEventScreen(w, svc, i18n.New(lang), func(string, []byte) bool { return true })
		w.SetContent(screen.Object())
		screen.Start("moving")
	})
	return w, screen
}

// waitPlanFocus waits until the plan is built and laid out: its first
// focus is on the way to the review.
func waitPlanFocus(t *testing.T, w fyne.Window) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; {
		var ready bool
		fyne.DoAndWait(func() {
			_, ready = w.Canvas().Focused().(*ui.AnswerButton)
			w.Content().Refresh()
		})
		if ready {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the plan never took the focus")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
