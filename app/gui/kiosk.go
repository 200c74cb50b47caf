package gui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"madoguchi/account"
	"madoguchi/account/kiosk"
	"madoguchi/app/common"
	"madoguchi/app/demo"
	"madoguchi/auth/card"
	"madoguchi/auth/keystore"
	"madoguchi/auth/reader"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/procedures"
	"madoguchi/procedures/checklist"
	"madoguchi/protocol/bundle"
	"madoguchi/ui"
)

// Kiosk failure codes.
const (
	CodeKioskNoMunicipality failure.Code = "KIOSK-NO-MUNICIPALITY"
	CodeKioskSave           failure.Code = "KIOSK-SAVE"
	CodeKioskPrint          failure.Code = "KIOSK-PRINT"
)

// KioskCodes lists them.
var KioskCodes = failure.Register("app/gui/kiosk", CodeKioskNoMunicipality, CodeKioskSave, CodeKioskPrint)

// kioskService is the community-centre session (account/kiosk) with what
// its end wipes and what it hands the resident: it implements
// ui.KioskService.
type kioskService struct {
	sess   *kiosk.Session
	signIn *signInService
	life   *lifeService
	keys   *keystore.Store
	m      *reader.Monitor
	pol    common.Policy
	// saveRoots are the folders whose sub-folders (mounted USB sticks) are
	// offered for the take-home PDF; lp is the print command ("": none)
	saveRoots []string
	lp        string
	now       func() time.Time

	mu     sync.Mutex
	filed  []bundle.Receipt
	events []string // the events worked on, in order
	cardID string   // the session's card ("" until one was in)
	out    bool     // the session's card was taken out
	endNow kiosk.Reason
}

var _ ui.KioskService = (*kioskService)(nil)

// newKioskService wires the session: its end signs out (revoked at the
// provider), closes the stores in memory, forgets the answers and every
// secret kept in memory.
func newKioskService(pol common.Policy, signIn *signInService, life *lifeService, keys *keystore.Store, m *reader.Monitor, now func() time.Time) *kioskService {
	if now == nil {
		now = time.Now
	}
	rec := &kiosk.Record{Path: pol.CentreRecord} // "": counted for this run only
	k := &kioskService{signIn: signIn, life: life, keys: keys, m: m, pol: pol, now: now,
		sess: kiosk.New(kiosk.Timers{Idle: time.Duration(pol.IdleTimeout), Grace: time.Duration(pol.CardGrace)}, now, rec)}
	k.saveRoots = defaultSaveRoots()
	if pol.Output != common.OutputPDF {
		if p, err := exec.LookPath("lp"); err == nil {
			k.lp = p
		}
	}
	if pol.Output == common.OutputPrinter {
		k.saveRoots = nil
	}
	k.sess.OnEnd(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		_ = signIn.SignOut(ctx) // revoked at the provider; forgotten here whatever the network says
		signIn.Close()
	})
	if life != nil {
		k.sess.OnEnd(life.wipe)
	}
	k.sess.OnEnd(func() { _ = keys.ForgetAll() })
	k.sess.OnEnd(func() {
		k.mu.Lock()
		k.filed, k.events, k.cardID, k.endNow, k.out = nil, nil, "", "", false
		k.mu.Unlock()
	})
	if life != nil {
		life.onFiled = k.onFiled
		life.onOpened = k.onOpened
	}
	return k
}

func (k *kioskService) Begin()      { k.sess.Begin() }
func (k *kioskService) Begun() bool { return k.sess.Begun() }
func (k *kioskService) Touch()      { k.sess.Touch() }

func (k *kioskService) Check() ui.KioskStatus {
	k.mu.Lock()
	now := k.endNow
	k.mu.Unlock()
	if now != "" {
		return ui.KioskStatus{Phase: "card", End: string(now)}
	}
	st, ended := k.sess.Check()
	out := ui.KioskStatus{Left: st.Left, End: string(ended)}
	switch st.Phase {
	case kiosk.Waiting:
		out.Phase = "waiting"
	case kiosk.Active:
		out.Phase = "active"
	case kiosk.IdleWarning:
		out.Phase = "idle"
	case kiosk.CardGrace:
		out.Phase = "card"
	}
	return out
}

func (k *kioskService) End(reason string) error { return k.sess.End(kiosk.Reason(reason)) }

func (k *kioskService) Languages() []string { return k.pol.Offered() }

// onFiled counts what a submission filed in this session.
func (k *kioskService) onFiled(event string, rs []bundle.Receipt) {
	k.onOpened(event)
	k.mu.Lock()
	defer k.mu.Unlock()
	seen := map[string]bool{}
	for _, r := range k.filed {
		seen[r.Number] = true
	}
	n := 0
	for _, r := range rs {
		if !seen[r.Number] {
			k.filed = append(k.filed, r)
			n++
		}
	}
	k.sess.Filed(n)
}

func (k *kioskService) onOpened(event string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, e := range k.events {
		if e == event {
			return
		}
	}
	k.events = append(k.events, event)
}

// TakeHome is this session's summary: receipts filed here, and the plan of
// every event worked on (what remains).
func (k *kioskService) TakeHome(ctx context.Context, lang string) (ui.TakeHome, error) {
	k.mu.Lock()
	filed := append([]bundle.Receipt(nil), k.filed...)
	events := append([]string(nil), k.events...)
	k.mu.Unlock()
	var doc checklist.TakeHome
	var out ui.TakeHome
	tr := i18n.New(lang)
	if k.life != nil {
		for _, v := range k.life.views(filed, lang) {
			doc.Filed = append(doc.Filed, checklist.Filed{Number: v.Number, Procedure: v.Procedure})
			out.Receipts = append(out.Receipts, v.Number)
		}
		for _, e := range events {
			p, _, _, err := k.life.plan(ctx, e)
			if err != nil {
				continue // an event not answered far enough has no plan yet
			}
			doc.Plans = append(doc.Plans, p)
			for _, it := range p.Items {
				if it.Channel == procedures.ChannelCounter {
					out.Remaining++
				}
			}
		}
	}
	if len(out.Receipts) > 0 {
		doc.Status = checklist.StatusURI(k.signIn.profile.ID, out.Receipts)
		out.QR = doc.Status
		png, err := checklist.QRPNG(doc.Status, 320)
		if err != nil {
			return ui.TakeHome{}, err
		}
		out.QRImage = png
	}
	var o procedures.Overrides
	if k.life != nil {
		o = k.life.overrides
	}
	pdf, err := checklist.TakeHomePDF(doc, tr, o, k.now())
	if err != nil {
		return ui.TakeHome{}, err
	}
	out.PDF = pdf
	return out, nil
}

// defaultSaveRoots are where USB sticks are mounted.
func defaultSaveRoots() []string {
	switch runtime.GOOS {
	case "windows":
		var roots []string
		for c := 'D'; c <= 'Z'; c++ {
			roots = append(roots, string(c)+`:\`)
		}
		return roots
	case "darwin":
		return []string{"/Volumes"}
	}
	var roots []string
	if u, err := user.Current(); err == nil {
		roots = append(roots, filepath.Join("/media", u.Username), filepath.Join("/run/media", u.Username))
	}
	return roots
}

// SavePlaces are the mounted USB sticks (each folder under a save root).
func (k *kioskService) SavePlaces() []ui.SavePlace {
	var out []ui.SavePlace
	for _, root := range k.saveRoots {
		if runtime.GOOS == "windows" {
			if st, err := os.Stat(root); err == nil && st.IsDir() {
				out = append(out, ui.SavePlace{Name: root, Path: root, Removable: true})
			}
			continue
		}
		entries, err := os.ReadDir(root)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				out = append(out, ui.SavePlace{Name: e.Name(), Path: filepath.Join(root, e.Name()), Removable: true})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Save writes the PDF on the place under a new name (never over a file).
func (k *kioskService) Save(p ui.SavePlace, name string, pdf []byte) (string, error) {
	stamp := k.now().In(i18n.JST).Format("20060102-1504")
	for i := 0; i < 100; i++ {
		n := fmt.Sprintf("%s-%s.pdf", name, stamp)
		if i > 0 {
			n = fmt.Sprintf("%s-%s-%d.pdf", name, stamp, i+1)
		}
		path := filepath.Join(p.Path, n)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if os.IsExist(err) {
			continue
		}
		if err != nil {
			return "", &failure.Error{Code: CodeKioskSave, Err: err}
		}
		_, werr := f.Write(pdf)
		serr := f.Sync()
		cerr := f.Close()
		if werr != nil || serr != nil || cerr != nil {
			os.Remove(path)
			return "", &failure.Error{Code: CodeKioskSave, Err: fmt.Errorf("%s: %v %v %v", path, werr, serr, cerr)}
		}
		return path, nil
	}
	return "", failure.New(CodeKioskSave, "no free file name")
}

func (k *kioskService) CanPrint() bool { return k.lp != "" }

// Print sends the PDF to the default printer through lp, on its standard
// input: no file is written for it.
func (k *kioskService) Print(pdf []byte) error {
	if k.lp == "" {
		return failure.New(CodeKioskPrint, "no printer")
	}
	cmd := exec.Command(k.lp, "-t", "Madoguchi", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	if out, err := cmd.CombinedOutput(); err != nil {
		return &failure.Error{Code: CodeKioskPrint, Err: fmt.Errorf("%v: %s", err, strings.TrimSpace(string(out)))}
	}
	return nil
}

// watchCard follows the reader: a card taken out starts the grace; the
// session's own card back ends it; another card ends the session at once
// (the next person never sees the one before). The card is told apart by
// its authentication certificate, read without a PIN.
func (k *kioskService) watchCard(ctx context.Context) {
	ch, cancel := k.m.SubscribeCancel()
	defer cancel()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-ch:
			if !ok {
				return
			}
			switch ev.State {
			case reader.StateEmpty, reader.StateNoReader:
				k.mu.Lock()
				k.out = k.cardID != ""
				k.mu.Unlock()
				k.sess.Card(false, false)
			case reader.StateIdentified:
				k.mu.Lock()
				first, back := k.cardID == "", k.out
				k.mu.Unlock()
				if !first && !back {
					continue // after an operation: the same card, still in
				}
				id := k.cardIn()
				k.mu.Lock()
				if first {
					k.cardID = id
				}
				same := id != "" && id == k.cardID
				k.out = false
				k.mu.Unlock()
				if k.sess.Card(true, same) {
					k.mu.Lock()
					k.endNow = kiosk.ReasonCard
					k.mu.Unlock()
				}
			}
		}
	}
}

// cardIn names the card in the reader ("" when it cannot be read).
func (k *kioskService) cardIn() string {
	var id string
	_ = k.m.Do(func(s *card.Session) error {
		c, err := s.ReadCertificate(context.Background(), card.CertAuth)
		if err != nil {
			return err
		}
		id = account.CardID(c.Raw)
		return nil
	})
	return id
}

// runKiosk opens the kiosk window: full screen, large text, the language
// first; nothing of Fyne's preferences is read or written (an app with no
// ID keeps them in memory), no notification leaves the window, and every
// secret lives in keys, in memory. Closing the window ends the session as
// "Finish and forget" does.
func runKiosk(ctx context.Context, o common.GUIOptions, env *common.Env, monitor *reader.Monitor, svc *cardService,
	signIn *signInService, keys *keystore.Store, controls *demo.Controls) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		// no session bus: Fyne's portal and accessibility lookups would
		// autolaunch one, and its portals mount and write under $HOME
		// (~/.cache/doc, ~/.cache/at-spi) and outlive the kiosk
		os.Setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:")
	}
	a := fyneapp.NewWithID("")
	scale := float32(o.Scale)
	if scale <= 0 {
		scale = float32(o.Policy.Scale)
	}
	if scale <= 0 {
		scale = 2
	}
	a.Settings().SetTheme(ui.NewDisplayTheme(scale, ui.AppearanceLight))
	w := a.NewWindow("Madoguchi")
	life, err := newLifeService(signIn, monitor)
	if err != nil {
		common.ReportFailure(env, err)
		return common.ExitFailure
	}
	ks := newKioskService(o.Policy, signIn, life, keys, monitor, nil)
	var dc ui.DemoControls
	if controls != nil {
		dc = controls
	}
	lang := i18n.Default
	if o.Lang != "" {
		lang = i18n.Match(o.Lang)
	}
	ws := &walletService{signIn: signIn, kiosk: true}
	shell := ui.NewShell(w, svc, signIn, ws, dc, lang, ui.WithKiosk(ks), ui.WithDisplay(scale, ui.AppearanceLight, nil))
	shell.SetLifeEvents(life)
	shell.SetProxies(&proxyService{signIn: signIn})
	defer shell.Stop()
	go ks.watchCard(ctx)
	go shell.RunKiosk(ctx)
	w.SetOnClosed(func() {
		shell.Stop()
		if ks.Begun() {
			_ = ks.End(string(kiosk.ReasonFinish))
		}
		cancel()
	})
	w.SetContent(shell.Object())
	shell.FocusStart()
	w.Resize(fyne.NewSize(1366, 768))
	w.SetFullScreen(true)
	w.ShowAndRun()
	return 0
}
