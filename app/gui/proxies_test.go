package gui

import (
	"context"
	"madoguchi/internal/uitest"
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"madoguchi/app/demo"
	"madoguchi/auth/keystore"
	"madoguchi/auth/reader"
	"madoguchi/protocol/proxy"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/idp"
	"madoguchi/sandbox/intake"
	"madoguchi/sandbox/issuer"
	"madoguchi/sandbox/registry"
	"madoguchi/ui"
)

// atHome is one person at their own computer: their card in their reader,
// signed in, the whole window (shell) with its services.
type atHome struct {
	signIn *signInService
	shell  *ui.Shell
	win    fyne.Window
}

// municipality is the sandbox municipality with all its services: the
// provider, certificates (and the employer), intake, proxy registry.
func municipality(t testing.TB) *idp.Server {
	t.Helper()
	srv, err := idp.Start(idp.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Mount: []func(*idp.Server, *http.ServeMux) error{
		issuer.Mount, intake.Mount, registry.Mount}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// signedInAt is a resident's card in their own (demo) reader, signed in.
func signedInAt(t testing.TB, srv *idp.Server, resident string) (*signInService, *reader.Monitor) {
	t.Helper()
	r, _ := fixtures.ByID(resident)
	d, _ := demo.NewReader(r.ID)
	m := reader.NewMonitor(d.Backend(), "")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go m.Run(ctx)
	waitIdentified(m)
	signIn := &signInService{m: m, profile: demo.Profile(srv, "test-city"), keys: keystore.New(keystore.NewMemory())}
	if _, err := signIn.SignIn(ctx, func(string, int) ([]byte, bool, error) { return []byte(r.AuthPIN), false, nil },
		func([]string) error { return nil }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(signIn.Close)
	return signIn, m
}

func windowFor(t *testing.T, srv *idp.Server, a fyne.App, resident string) *atHome {
	t.Helper()
	return windowIn(t, srv, a, resident, "ja", fyne.NewSize(1280, 900))
}

// windowIn is windowFor in lang, at size.
func windowIn(t *testing.T, srv *idp.Server, a fyne.App, resident, lang string, size fyne.Size) *atHome {
	t.Helper()
	signIn, m := signedInAt(t, srv, resident)
	life, err := newLifeService(signIn, m)
	if err != nil {
		t.Fatal(err)
	}
	h := &atHome{signIn: signIn, win: a.NewWindow(resident)}
	h.win.Resize(size)
	fyne.DoAndWait(func() {
		h.shell = ui.NewShell(h.win, quietCard{&cardService{m: m, now: time.Now}}, signIn, &walletService{signIn: signIn}, nil, lang,
			ui.WithAsync(func(f func()) { f() })) // fyne's test driver does not serialise fyne.Do
		h.shell.SetLifeEvents(life)
		h.shell.SetProxies(&proxyService{signIn: signIn})
		h.win.SetContent(h.shell.Object())
	})
	t.Cleanup(func() { fyne.DoAndWait(h.shell.Stop) })
	return h
}

// quietCard is the card service whose screen hears the card's state once,
// in line: fyne's test driver does not serialise fyne.Do, and two windows'
// card watchers would shape text at the same time as the test.
type quietCard struct{ *cardService }

func (q quietCard) Watch(fn func(ui.CardView)) func() {
	ch, cancel := q.m.SubscribeCancel()
	fn(viewOf(<-ch))
	return cancel
}

// find is the first object under o (through widget renderers) that ok says.
func find[T fyne.CanvasObject](t *testing.T, o fyne.CanvasObject, ok func(T) bool) (T, bool) {
	var zero T
	if o == nil || !o.Visible() {
		return zero, false
	}
	if x, is := o.(T); is && ok(x) {
		return x, true
	}
	var kids []fyne.CanvasObject
	switch w := o.(type) {
	case *fyne.Container:
		kids = w.Objects
	case *container.AppTabs:
		if s := w.Selected(); s != nil {
			kids = []fyne.CanvasObject{s.Content}
		}
	case fyne.Widget:
		kids = test.TempWidgetRenderer(t, w).Objects()
	}
	for _, k := range kids {
		if x, found := find(t, k, ok); found {
			return x, true
		}
	}
	return zero, false
}

// tappable is a button of any kind.
type tappable interface {
	fyne.CanvasObject
	fyne.Tappable
}

func button(t *testing.T, o fyne.CanvasObject, text string) tappable {
	t.Helper()
	var b tappable
	deadline := time.Now().Add(60 * time.Second)
	for {
		found := false
		fyne.DoAndWait(func() {
			b, found = find(t, o, func(b tappable) bool {
				switch w := b.(type) {
				case *widget.Button:
					return strings.Contains(w.Text, text)
				case *ui.Button:
					return strings.Contains(w.Text, text)
				case *ui.AnswerButton:
					return strings.Contains(w.Text, text)
				}
				return false
			})
		})
		if found {
			return b
		}
		if time.Now().After(deadline) {
			t.Fatalf("no button %q", text)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// shows waits until o shows want somewhere (labels, rich text, buttons).
func shows(t *testing.T, o func() fyne.CanvasObject, want string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		found := false
		fyne.DoAndWait(func() {
			_, found = find(t, o(), func(x fyne.CanvasObject) bool {
				switch w := x.(type) {
				case *widget.Label:
					return strings.Contains(w.Text, want)
				case *widget.RichText:
					return strings.Contains(w.String(), want)
				case *ui.Para:
					return strings.Contains(w.Text, want)
				case *widget.Button:
					return strings.Contains(w.Text, want)
				case *ui.Button:
					return strings.Contains(w.Text, want)
				case *ui.AnswerButton:
					return strings.Contains(w.Text, want)
				case *canvas.Text:
					return strings.Contains(w.Text, want)
				}
				return false
			})
		})
		if found {
			labelled(t, want, o()) // every screen a test looks at
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("never showed %q", want)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// The son accepts his mother's invitation in the window and acts for her:
// a purple bar with her name stays on every screen, the certificates screen
// offers only what she allowed and no presenting; she ends it from her
// window with one confirmation, and his next act is refused.
func TestActingBarAndRevokeInTheWindow(t *testing.T) {
	srv := municipality(t)
	a := uitest.NewApp(t)
	a.Settings().SetTheme(ui.NewTheme(1))
	hana := windowFor(t, srv, a, "sato-hana")
	kenji := windowFor(t, srv, a, "sato-kenji")
	ctx := context.Background()

	// her invitation (the window's form is the same service call)
	inv, err := (&proxyService{signIn: hana.signIn}).Invite(ctx, []string{proxy.CertScope("residence"), proxy.FileScope("moving-out-notice")},
		time.Now().AddDate(0, 6, 0), "")
	if err != nil || inv.QR == nil || inv.Code == "" {
		t.Fatalf("invite: %+v %v", inv, err)
	}
	// he types the code, accepts, and acts for her
	family := func() fyne.CanvasObject { return kenji.shell.Family().Object() }
	fyne.DoAndWait(func() {
		kenji.shell.Tabs().Select(kenji.shell.Tabs().Items[3])
		e, _ := find(t, family(), func(e *ui.Entry) bool { return e.PlaceHolder == "ABCD-EFGH-JKLM" })
		test.Type(e, strings.ToLower(inv.Code))
		e.OnSubmitted(e.Text)
	})
	act := button(t, family(), "佐藤 ハナさんの代理をする")
	fyne.DoAndWait(func() { test.Tap(act) })
	whole := func() fyne.CanvasObject { return kenji.shell.Object() }
	shows(t, whole, "佐藤 ハナさんの代理人として操作しています")
	// on every tab
	for i := range 4 {
		fyne.DoAndWait(func() { kenji.shell.Tabs().SelectIndex(i) })
		shows(t, whole, "佐藤 ハナさんの代理人として操作しています")
	}
	// the home offers only what she let him prepare
	fyne.DoAndWait(func() { kenji.shell.Tabs().SelectIndex(0) })
	shows(t, whole, "引っ越し")
	fyne.DoAndWait(func() {
		if _, found := find(t, whole(), func(b *ui.Button) bool { return strings.Contains(b.Text, "出産") }); found {
			t.Error("a life event outside the grant is offered")
		}
	})
	// the certificates screen: her residence record only, nothing to present
	fyne.DoAndWait(func() { kenji.shell.Tabs().SelectIndex(2) })
	certs := func() fyne.CanvasObject { return kenji.shell.CertScreen().Object() }
	shows(t, certs, "住民票の写し")
	shows(t, certs, "佐藤 ハナさんの証明書") // not "my certificates"
	fyne.DoAndWait(func() {
		if _, found := find(t, certs(), func(b *ui.Button) bool { return strings.Contains(b.Text, "課税") }); found {
			t.Error("the tax certificate is offered to a proxy without it in the grant")
		}
	})
	if (&walletService{signIn: kenji.signIn}).CanPresent() {
		t.Error("presenting her certificates is offered to the proxy")
	}
	if got := kenji.signIn.Current(); got == nil || got.Name != "佐藤 健二" {
		t.Errorf("the sign-in strip names %+v, not the person signed in", got)
	}

	// she ends it from her window: one confirmation
	fyne.DoAndWait(func() { hana.shell.Tabs().SelectIndex(3) })
	hfam := func() fyne.CanvasObject { return hana.shell.Family().Object() }
	shows(t, hfam, "佐藤 健二")
	end := button(t, hfam(), "取り消す")
	fyne.DoAndWait(func() { test.Tap(end) })
	var yes *ui.Button
	fyne.DoAndWait(func() {
		yes, _ = find(t, hana.win.Canvas().Overlays().Top(), func(b *ui.Button) bool { return b.Importance == widget.HighImportance })
	})
	if yes == nil {
		t.Fatal("no confirmation before ending")
	}
	fyne.DoAndWait(func() { test.Tap(yes) })
	shows(t, hfam, "取り消し済み")

	// his next act is refused, and his window says why
	life, _ := newLifeService(kenji.signIn, nil)
	if _, _, err := life.Receipts(ctx, "ja"); err == nil {
		t.Fatal("acting after the revocation")
	}
	fyne.DoAndWait(func() { kenji.shell.CertScreen().Object() })
	b := button(t, certs(), "住民票の写し")
	fyne.DoAndWait(func() { test.Tap(b) })
	shows(t, certs, "代理人の登録が取り消されました")
	// back to himself: the bar goes
	back := button(t, whole(), "自分に戻る")
	fyne.DoAndWait(func() { test.Tap(back) })
	fyne.DoAndWait(func() {
		if _, found := find(t, whole(), func(r *ui.Para) bool { return strings.Contains(r.Text, "代理人として操作") }); found {
			t.Error("the acting bar stays after going back")
		}
	})
}
