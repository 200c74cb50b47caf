package gui

import (
	"context"
	"madoguchi/internal/uitest"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"madoguchi/app/common"
	"madoguchi/app/demo"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/protocol/proxy"
	"madoguchi/sandbox/idp"
	"madoguchi/ui"
)

// The README's demo journeys with registered proxies in the window, each
// from a fresh start: the demo's own municipality (its family seeded, a new
// data folder), nobody signed in there before.

func demoMunicipality(t *testing.T) *idp.Server {
	t.Helper()
	srv, err := demo.Serve("127.0.0.1:0", t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// trailHas tells whether one of the principal's trail lines says who did
// what (refused: with the code).
func trailHas(lines []string, who, what string, refused failure.Code) bool {
	for _, l := range lines {
		if strings.Contains(l, who+": "+what) && strings.Contains(l, "refused") == (refused != "") && (refused == "" || strings.Contains(l, string(refused))) {
			return true
		}
	}
	return false
}

// `--demo --resident sato-kenji`: he chooses "Act for 佐藤 ハナ" on the
// Family screen and fetches her residence record; her tax certificate,
// which she did not grant, is refused. She sees both in "What was done for
// me".
func TestDemoSonActsForHisMotherInTheWindow(t *testing.T) {
	srv := demoMunicipality(t)
	a := uitest.NewApp(t)
	a.Settings().SetTheme(ui.NewTheme(1))
	kenji := windowFor(t, srv, a, "sato-kenji")
	ctx := context.Background()

	family := func() fyne.CanvasObject { return kenji.shell.Family().Object() }
	fyne.DoAndWait(func() { kenji.shell.Tabs().SelectIndex(3) })
	act := button(t, family(), "佐藤 ハナさんの代理をする")
	fyne.DoAndWait(func() { test.Tap(act) })
	shows(t, func() fyne.CanvasObject { return kenji.shell.Object() }, "佐藤 ハナさんの代理人として操作しています")
	// the card tab says whose card is in the reader: his, with his name
	fyne.DoAndWait(func() { kenji.shell.Tabs().SelectIndex(1) })
	shows(t, func() fyne.CanvasObject { return kenji.shell.CardScreen().Object() }, "読み取り機のカードはあなた（佐藤 健二さん）のもの")

	ws := &walletService{signIn: kenji.signIn}
	if c, err := ws.Fetch(ctx, "residence"); err != nil {
		t.Fatalf("her residence record: %v", err)
	} else if c.Kind != "residence" {
		t.Fatalf("fetched %+v", c)
	}
	if _, err := ws.Fetch(ctx, "tax"); failure.CodeOf(err) != proxy.CodeNotGranted {
		t.Fatalf("her tax certificate, not granted: %v", err)
	}

	// her move: what he does at the counter for her comes with a letter of
	// authorisation (委任状) for her to sign
	life, err := newLifeService(kenji.signIn, nil)
	if err != nil {
		t.Fatal(err)
	}
	answerMoving(t, life, "佐藤 ハナ")
	if plan, err := life.Plan(ctx, "moving", "ja"); err != nil || !plan.Letter {
		t.Fatalf("acting for her, no letter offered: %v %+v", err, plan)
	}
	if pdf, err := life.Letter(ctx, "moving"); err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("the letter: %v", err)
	}

	hana, _ := signedInAt(t, srv, "sato-hana") // her own computer
	lines, err := (&proxyService{signIn: hana}).Trail(ctx, "en")
	if err != nil {
		t.Fatal(err)
	}
	tr := i18n.New("en")
	if !trailHas(lines, "佐藤 健二", common.DescribeScope(tr, proxy.CertScope("residence")), "") {
		t.Errorf("her trail lacks the fetch of her residence record: %q", lines)
	}
	if !trailHas(lines, "佐藤 健二", common.DescribeScope(tr, proxy.CertScope("tax")), proxy.CodeNotGranted) {
		t.Errorf("her trail lacks the refused tax certificate: %q", lines)
	}
}

// `--demo --resident sato-hana`: she sees her son's registration on the
// Family screen and ends it there; he can no longer act for her.
func TestDemoMotherEndsTheGrantInTheWindow(t *testing.T) {
	srv := demoMunicipality(t)
	a := uitest.NewApp(t)
	a.Settings().SetTheme(ui.NewTheme(1))
	hana := windowFor(t, srv, a, "sato-hana")
	ctx := context.Background()

	fyne.DoAndWait(func() { hana.shell.Tabs().SelectIndex(3) })
	family := func() fyne.CanvasObject { return hana.shell.Family().Object() }
	shows(t, family, "佐藤 健二")
	end := button(t, family(), "取り消す")
	fyne.DoAndWait(func() { test.Tap(end) })
	var yes *ui.Button
	fyne.DoAndWait(func() {
		yes, _ = find(t, hana.win.Canvas().Overlays().Top(), func(b *ui.Button) bool { return b.Importance == widget.HighImportance })
	})
	if yes == nil {
		t.Fatal("no confirmation before ending")
	}
	fyne.DoAndWait(func() { test.Tap(yes) })
	shows(t, family, "取り消し済み")

	kenji, _ := signedInAt(t, srv, "sato-kenji")
	rel, err := (&proxyService{signIn: kenji}).Relations(ctx, "ja")
	if err != nil || len(rel.IActFor) != 1 || rel.IActFor[0].Status != proxy.StatusRevoked {
		t.Fatalf("his Family screen after she ended it: %+v %v", rel, err)
	}
	if err := (&proxyService{signIn: kenji}).ActAs(ctx, rel.IActFor[0].ID); failure.CodeOf(err) != proxy.CodeGrantRevoked {
		t.Fatalf("acting for her after she ended it: %v", err)
	}
}
