package gui

import (
	"image/png"
	"madoguchi/internal/uitest"
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"madoguchi/i18n"
	"madoguchi/sandbox/fixtures"
	"madoguchi/ui"
)

// The whole moving journey in the window, keyboard only: from the home
// tile to receipts — dates and codes typed, answers chosen by number, Enter
// to go on, the signing password typed into the PIN dialog.
func TestMovingWizardKeyboardOnly(t *testing.T) {
	ctx := t.Context()
	life, _, r := signedInLife(t, "yamada-taro")
	a := uitest.NewApp(t)
	w := a.NewWindow("test")
	w.Resize(fyne.NewSize(1366, 768))
	var screen *ui.LifeEventScreen
	fyne.DoAndWait(func() {
		screen = ui.NewLifeEventScreen(w, life, i18n.New("ja"), func(string, []byte) bool { return true })
		w.SetContent(screen.Object())
	})
	see := func(want string) {
		t.Helper()
		// a bound, not a timing: signing on the virtual card and filing
		// take a while on a loaded machine
		deadline := time.Now().Add(60 * time.Second)
		for {
			var texts []string
			fyne.DoAndWait(func() { texts = screen.Text() })
			if strings.Contains(strings.Join(texts, "\n"), want) {
				labelled(t, want, screen.Object()) // every screen of the journey
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("never saw %q; screen:\n%s", want, strings.Join(texts, "\n"))
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	typeIn := func(text string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			typed := false
			fyne.DoAndWait(func() {
				// an entry of the screen (a widget.Entry, or one that lets
				// Escape through)
				if e, ok := w.Canvas().Focused().(interface {
					fyne.Focusable
					SetPlaceHolder(string)
				}); ok {
					test.Type(e, text)
					typed = true
				}
			})
			if typed {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("no entry has the focus for %q", text)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	key := func(k fyne.KeyName) { fyne.DoAndWait(func() { screen.TypedKey(&fyne.KeyEvent{Name: k}) }) }
	digit := func(r rune) { fyne.DoAndWait(func() { screen.TypedRune(r) }) }

	see("何がありましたか？")
	fyne.DoAndWait(func() { screen.Start("moving") }) // the home tile (a button: Tab + Space)
	move := time.Now().AddDate(0, 0, 10).Format(time.DateOnly)
	see("引っ越しの日")
	typeIn(move)
	key(fyne.KeyReturn)
	see("同じ市区町村")
	digit('2') // いいえ
	see("郵便番号")
	typeIn("530-0001")
	see("大阪府大阪市北区梅田") // the offline postal table, as it is typed
	key(fyne.KeyReturn)
	see("番地")
	typeIn("梅田一丁目1番1号")
	key(fyne.KeyReturn)
	see("引っ越すのはだれ") // the household from the residence record, everyone ticked
	key(fyne.KeyReturn)
	see("児童手当を受け取って") // her daughter moves with him: the record says she is 8
	digit('1')
	see("受け取っているのは")
	digit('1') // わたし
	see("学校を変わる")
	digit('2')
	see("要介護") // a care certification, at any age
	digit('2')
	see("健康保険")
	digit('2') // 国民健康保険
	see("印鑑登録")
	digit('2')
	see("在留カード")
	digit('2')
	see("犬")
	digit('2')
	see("あなたの手続き")
	see("⚠")            // the urgent deadlines, first
	key(fyne.KeyReturn) // to the review: "check and sign what is filed online"
	see("電話番号")
	see("住民票から") // the review: each value with its source
	see("大阪府大阪市北区梅田")
	if out := os.Getenv("MADOGUCHI_SHOT"); out != "" { // a look at the plan (dev)
		fyne.DoAndWait(func() {
			f, _ := os.Create(out)
			png.Encode(f, w.Canvas().Capture())
			f.Close()
		})
	}
	typeIn("090-1234-5678")
	// the PIN dialog: the signing password, then Enter
	go func() {
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			done := false
			fyne.DoAndWait(func() {
				if e, ok := w.Canvas().Focused().(*ui.Entry); ok && e.Password {
					test.Type(e, r.SignPassword)
					e.OnSubmitted(e.Text)
					done = true
				}
			})
			if done {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	key(fyne.KeyReturn) // "Sign with your card and file"
	see("受付番号")
	see("受付済み")
	rs, _, err := life.Receipts(ctx, "ja")
	if err != nil || len(rs) != 3 {
		t.Fatalf("receipts %+v %v", rs, err)
	}
	// the checklist and the calendar the plan screen saves
	if pdf, err := life.Checklist(ctx, "moving", "ja"); err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("checklist: %v", err)
	}
	if ics, err := life.Calendar(ctx, "moving", "en"); err != nil || !strings.HasPrefix(string(ics), "BEGIN:VCALENDAR") {
		t.Fatalf("calendar: %v", err)
	}
	// closing and opening again: the draft is filed, nothing asked again
	fyne.DoAndWait(func() { screen.Start("moving") })
	see("申請済み")
}

// Changing jobs: the old employer's documents go to the new one from the
// plan — only the fields the catalogue names — and the wallet logs it.
func TestJobChangeHandoff(t *testing.T) {
	ctx := t.Context()
	life, signIn, _ := signedInLife(t, "sato-kenji")
	day := func(n int) time.Time {
		d, _ := i18n.ParseDate(time.Now().AddDate(0, 0, n).Format(time.DateOnly))
		return d
	}
	for q, v := range map[string]any{"leaving_date": day(-3), "has_new_job": true, "first_day": day(-2)} {
		if _, err := life.Answer(ctx, "job-change", q, v, "ja"); err != nil {
			t.Fatal(err)
		}
	}
	p, err := life.Plan(ctx, "job-change", "ja")
	if err != nil || len(p.Handoffs["documents-for-new-employer"]) != 2 {
		t.Fatalf("plan: %v %+v", err, p.Handoffs)
	}
	if err := life.Handoff(ctx, "job-change", "documents-for-new-employer"); err != nil {
		t.Fatal(err)
	}
	w, _ := signIn.Account().Wallet(ctx)
	log, _ := w.Audit(ctx)
	if len(log) != 2 || log[0].To.Name != "new-employer" || strings.Join(log[0].Fields, ",") != "name,payment,tax_withheld,social_insurance" {
		t.Fatalf("audit %+v", log)
	}
}

// signedInLife is the sandbox municipality (with its intake and employer),
// a fictional resident's card in the demo reader, signed in, and the
// life-event service over it.
func signedInLife(t *testing.T, resident string) (*lifeService, *signInService, fixtures.Resident) {
	t.Helper()
	r, _ := fixtures.ByID(resident)
	signIn, m := signedInAt(t, municipality(t), resident)
	life, err := newLifeService(signIn, m)
	if err != nil {
		t.Fatal(err)
	}
	return life, signIn, r
}
