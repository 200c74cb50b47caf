package gui

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"madoguchi/account/kiosk"
	"madoguchi/app/common"
	"madoguchi/app/demo"
	"madoguchi/auth/keystore"
	"madoguchi/auth/reader"
	"madoguchi/internal/uitest"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/idp"
	"madoguchi/ui"
)

// snapshot is every file and folder under the roots, with its size, mode
// and content's hash.
func snapshot(t *testing.T, roots ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, root := range roots {
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				out[p] = "unreadable: " + err.Error()
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return nil
			}
			v := info.Mode().String()
			if info.Mode().IsRegular() {
				b, _ := os.ReadFile(p)
				h := sha256.Sum256(b)
				v += " " + hex.EncodeToString(h[:8])
			}
			out[p] = v
			return nil
		})
	}
	return out
}

func diff(before, after map[string]string) []string {
	var d []string
	for p, v := range after {
		if before[p] != v {
			d = append(d, "+ "+p+" "+v)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			d = append(d, "- "+p)
		}
	}
	sort.Strings(d)
	return d
}

// pcPlaces are fresh folders for everything a process could write on this
// PC — home, the XDG folders, the temp folder, the working folder — set in
// the environment for the test.
func pcPlaces(t *testing.T) []string {
	t.Helper()
	base := t.TempDir()
	var roots []string
	for _, v := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "TMPDIR"} {
		d := filepath.Join(base, strings.ToLower(v))
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		t.Setenv(v, d)
		roots = append(roots, d)
	}
	wd := filepath.Join(base, "work")
	os.MkdirAll(wd, 0o700)
	old, _ := os.Getwd()
	os.Chdir(wd)
	t.Cleanup(func() { os.Chdir(old) })
	return append(roots, wd)
}

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// kioskAt is a kiosk window at the sandbox municipality with the demo
// reader, its clock the test's.
type kioskAt struct {
	ks     *kioskService
	shell  *ui.Shell
	win    fyne.Window
	keys   *keystore.Store
	mem    *keystore.Memory
	signIn *signInService
	life   *lifeService
	card   *demo.Controls
	clock  *testClock
	usb    string
	srv    *idp.Server
}

func newKioskAt(t *testing.T, pol common.Policy, resident string) *kioskAt {
	t.Helper()
	srv := municipality(t)
	usb := filepath.Join(t.TempDir(), "media")
	os.MkdirAll(filepath.Join(usb, "KINGSTON"), 0o755)
	d, _ := demo.NewReader(resident)
	m := reader.NewMonitor(d.Backend(), "")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go m.Run(ctx)
	waitIdentified(m)
	mem := keystore.NewMemory()
	keys := keystore.New(mem)
	signIn := &signInService{m: m, profile: demo.Profile(srv, "test-city"), keys: keys}
	life, err := newLifeService(signIn, m)
	if err != nil {
		t.Fatal(err)
	}
	clock := &testClock{t: time.Now()}
	ks := newKioskService(pol, signIn, life, keys, m, clock.now)
	ks.saveRoots, ks.lp = []string{usb}, ""
	go ks.watchCard(ctx)
	k := &kioskAt{srv: srv, ks: ks, keys: keys, mem: mem, signIn: signIn, life: life, card: d, clock: clock, usb: usb}
	k.win = fyne.CurrentApp().NewWindow("kiosk")
	k.win.Resize(fyne.NewSize(1366, 768))
	fyne.DoAndWait(func() {
		k.shell = ui.NewShell(k.win, quietCard{&cardService{m: m, now: time.Now}}, signIn, &walletService{signIn: signIn, kiosk: true}, nil, "ja",
			ui.WithKiosk(ks), ui.WithAsync(func(f func()) { f() }))
		k.shell.SetLifeEvents(life)
		k.win.SetContent(k.shell.Object())
	})
	t.Cleanup(func() { fyne.DoAndWait(k.shell.Stop) })
	return k
}

// journey is a resident's visit: their language chosen on the first
// screen, signed in with their card, a residence certificate fetched, the
// moving bundle filed, and the take-home PDF saved on their USB stick.
func (k *kioskAt) journey(t *testing.T, r fixtures.Resident) (saved string) {
	t.Helper()
	b := button(t, k.shell.Object(), "Tiếng Việt")
	fyne.DoAndWait(func() { b.Tapped(nil) })
	if !k.ks.Begun() {
		t.Fatal("choosing a language did not begin the session")
	}
	ctx := context.Background()
	if _, err := k.signIn.SignIn(ctx, func(string, int) ([]byte, bool, error) { return []byte(r.AuthPIN), false, nil },
		func([]string) error { return nil }); err != nil {
		t.Fatal(err)
	}
	ws := &walletService{signIn: k.signIn, kiosk: true}
	c, err := ws.Fetch(ctx, "residence")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range c.Fields {
		v := fmt.Sprint(f.Value)
		if f.Name == "my_number" || strings.Contains(v, r.MyNumber) || strings.Contains(v, r.MyNumber[8:]) && strings.Contains(v, "*") {
			t.Fatalf("the kiosk shows the My Number in field %s", f.Name)
		}
	}
	movingJourney(t, k.life, r.SignPassword)
	th, err := k.ks.TakeHome(ctx, "vi")
	if err != nil {
		t.Fatal(err)
	}
	if len(th.Receipts) == 0 || len(th.PDF) == 0 || !strings.HasPrefix(th.QR, "madoguchi:status?") {
		t.Fatalf("take-home: %d receipts, %d bytes, qr %q", len(th.Receipts), len(th.PDF), th.QR)
	}
	for _, rc := range th.Receipts {
		if !strings.Contains(th.QR, rc) {
			t.Fatalf("the QR code lacks receipt %s", rc)
		}
	}
	if strings.Contains(th.QR, r.MyNumber) || strings.Contains(th.QR, r.Name) {
		t.Fatal("the QR code holds the My Number or the name")
	}
	places := k.ks.SavePlaces()
	if len(places) != 1 || places[0].Name != "KINGSTON" {
		t.Fatalf("places %+v", places)
	}
	saved, err = k.ks.Save(places[0], "madoguchi-tom-tat", th.PDF)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

// Kiosk journeys through the real services, ending each way: afterwards
// nothing is left in any place on the PC the process could write, no
// secret in the in-memory keyring, the clipboard empty, the provider holds
// no live session for the resident, the window is back at the first
// screen — and the centre's record counts the sessions and nothing else.
func TestKioskJourneyLeavesNothing(t *testing.T) {
	uitest.NewApp(t)
	r, _ := fixtures.ByID("sato-hana")
	record := filepath.Join(t.TempDir(), "centre.json")
	k := newKioskAt(t, common.Policy{Kiosk: true, CentreRecord: record, IdleTimeout: common.Duration(2 * time.Minute), CardGrace: common.Duration(20 * time.Second)}, r.ID)
	roots := pcPlaces(t)
	before := snapshot(t, roots...)
	live := func() int {
		n, err := k.srv.LiveRefreshTokens(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, end := range kiosk.Reasons {
		t.Run(string(end), func(t *testing.T) {
			sessions := live()
			saved := k.journey(t, r)
			if live() <= sessions {
				t.Fatal("the provider holds no session for the signed-in resident")
			}
			if b, err := os.ReadFile(saved); err != nil || !strings.HasPrefix(string(b), "%PDF") {
				t.Fatalf("saved %s: %v", saved, err)
			}
			fyne.DoAndWait(func() { fyne.CurrentApp().Clipboard().SetContent("something copied") })
			switch end {
			case kiosk.ReasonFinish:
				fyne.DoAndWait(func() { k.shell.EndKiosk("finish") })
			case kiosk.ReasonIdle:
				k.clock.add(2*time.Minute - 30*time.Second)
				fyne.DoAndWait(k.shell.KioskTick)
				if c := k.shell.Countdown(); c == "" {
					t.Fatal("no warning before the idle end")
				}
				k.clock.add(31 * time.Second)
				fyne.DoAndWait(k.shell.KioskTick)
			case kiosk.ReasonCard:
				k.card.Remove()
				waitFor(t, func() bool { st := k.ks.Check(); return st.Phase == "card" })
				fyne.DoAndWait(k.shell.KioskTick)
				if c := k.shell.Countdown(); c == "" {
					t.Fatal("no countdown when the card was taken out")
				}
				k.clock.add(21 * time.Second)
				fyne.DoAndWait(k.shell.KioskTick)
				k.card.Insert(r.ID)
				waitIdentifiedAgain(t, k)
			}
			if k.ks.Begun() {
				t.Fatal("the session did not end")
			}
			if got := diff(before, snapshot(t, roots...)); len(got) > 0 {
				t.Fatalf("left on the PC:\n%s", strings.Join(got, "\n"))
			}
			if n := k.mem.Len(); n != 0 {
				t.Fatalf("%d secrets left in memory", n)
			}
			if k.signIn.Account() != nil {
				t.Fatal("still signed in")
			}
			if n := live(); n != sessions {
				t.Fatalf("the provider still holds %d sessions (before: %d): not revoked", n, sessions)
			}
			if c := fyne.CurrentApp().Clipboard().Content(); c != "" {
				t.Fatalf("clipboard holds %q", c)
			}
			var first bool
			fyne.DoAndWait(func() { _, first = findText(k.shell.Object(), "Tiếng Việt") })
			if !first {
				t.Fatal("the window is not back at the first screen")
			}
		})
	}
	rec := &kiosk.Record{Path: record}
	days, err := rec.Days()
	if err != nil {
		t.Fatal(err)
	}
	var sessions, filed int
	for _, d := range days {
		sessions += d.Sessions
		filed += d.Filed
	}
	if sessions != len(kiosk.Reasons) || filed < len(kiosk.Reasons) {
		t.Fatalf("centre record: %+v", days)
	}
	b, _ := os.ReadFile(record)
	if strings.Contains(string(b), r.Name) || strings.Contains(string(b), r.MyNumber) {
		t.Fatal("the centre record names or numbers the resident")
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if ok() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("timed out")
}

func waitIdentifiedAgain(t *testing.T, k *kioskAt) {
	t.Helper()
	waitFor(t, func() bool { return k.card.Current() != "" })
	waitIdentified(k.signIn.m)
}

// findText tells whether a text containing s shows under o.
func findText(o fyne.CanvasObject, s string) (fyne.CanvasObject, bool) {
	var found fyne.CanvasObject
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || o == nil || !o.Visible() {
			return
		}
		switch w := o.(type) {
		case *ui.AnswerButton:
			if strings.Contains(w.Text, s) {
				found = w
			}
		case *ui.Para:
			if strings.Contains(w.Text, s) {
				found = w
			}
		}
		switch w := o.(type) {
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return found, found != nil
}
