package gui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"madoguchi/app/common"
	"madoguchi/app/demo"
	"madoguchi/auth/card"
	"madoguchi/auth/keystore"
	"madoguchi/auth/pcsc"
	"madoguchi/auth/reader"
	"madoguchi/auth/sso"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/store"
	"madoguchi/ui"
)

const appID = common.AppID

// Run opens the window and returns the exit code when it closes. A
// start-up failure is a coded, plain message (never a stack trace); without
// a PC/SC service the window still opens and says so.
func Run(o common.GUIOptions, env *common.Env) (code int) {
	demoMode := o.Demo
	if o.Profile == "" && !demoMode {
		if _, err := os.Stat(common.UserProfilePath()); err == nil {
			o.Profile = common.UserProfilePath()
		}
	}

	var backend card.Backend
	var controls *demo.Controls
	if demoMode {
		d, err := demo.NewReader(o.Resident)
		if err != nil {
			common.ReportFailure(env, err)
			return common.ExitUsage
		}
		controls, backend = d, d.Backend()
	} else {
		// connects when it can: without a running PC/SC service the window
		// still opens and shows PCSC-UNAVAILABLE until the service is up
		b := &pcsc.Lazy{}
		defer b.Close()
		backend = b
	}
	monitor := reader.NewMonitor(backend, o.Reader)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go monitor.Run(ctx)
	svc := &cardService{m: monitor, now: time.Now}

	// the kiosk keeps every secret in this process only
	keys := env.KeyStore()
	if o.Kiosk {
		keys = keystore.New(keystore.NewMemory())
		if !demoMode && o.Profile == "" {
			common.ReportFailure(env, failure.New(CodeKioskNoMunicipality, "kiosk without a municipality profile"))
			return common.ExitFailure
		}
	}
	var signIn *signInService
	if demoMode {
		// the sandbox municipality in-process on a free loopback port, with
		// throwaway data: the demo leaves nothing behind
		p, stop, err := demo.StartMunicipality()
		if err != nil {
			common.ReportFailure(env, err)
			return common.ExitFailure
		}
		defer stop()
		signIn = &signInService{m: monitor, keys: keys, profile: p}
	} else if o.Profile != "" {
		p, err := sso.LoadProfile(o.Profile)
		if err != nil {
			common.ReportFailure(env, err)
			return common.ExitFailure
		}
		signIn = &signInService{m: monitor, profile: p, keep: !o.Kiosk, keys: keys}
	}

	// a window-system failure at start-up is a coded, plain message, never
	// a stack trace
	defer func() {
		if r := recover(); r != nil {
			common.ReportFailure(env, failure.Newf(CodeStart, "%v", r))
			code = common.ExitFailure
		}
	}()
	if o.Kiosk {
		return runKiosk(ctx, o, env, monitor, svc, signIn, keys, controls)
	}
	a := fyneapp.NewWithID(appID)
	// the text size and colours: --scale, else those chosen in the window
	scale := float32(o.Scale)
	if scale <= 0 {
		scale = float32(a.Preferences().FloatWithFallback(prefScale, 1))
	}
	look := ui.Appearance(a.Preferences().StringWithFallback(prefAppearance, string(ui.AppearanceSystem)))
	a.Settings().SetTheme(ui.NewDisplayTheme(scale, look))
	w := a.NewWindow("Madoguchi")
	var dc ui.DemoControls
	if controls != nil {
		dc = controls
	}
	var si ui.SignInService
	var wl ui.WalletService
	if signIn != nil {
		si = signIn
		ws := &walletService{signIn: signIn}
		defer ws.Close()
		wl = ws
	}
	lang, note := windowLanguage(o.Lang, a.Preferences().String(prefLanguage), i18n.Detect())
	shell := ui.NewShell(w, svc, si, wl, dc, lang, ui.WithLanguageNote(note),
		ui.WithLanguageChosen(func(tag string) { a.Preferences().SetString(prefLanguage, tag) }),
		// "forget me on this computer": the session ended at the provider,
		// then everything kept here removed; the window closes after
		ui.WithForget(func() ([]string, error) {
			if signIn != nil && signIn.Current() != nil {
				signIn.SignOut(ctx)
			}
			return common.Forget(env.KeyStore())
		}, a.Quit),
		// the introduction once, not over a scripted demo (screenshots, training)
		ui.WithIntro(!a.Preferences().Bool(prefIntroSeen) && !o.DemoSignIn && !o.DemoShowAttributes && o.DemoLifeEvent == "",
			func() { a.Preferences().SetBool(prefIntroSeen, true) }),
		ui.WithDisplay(scale, look, func(sc float32, l ui.Appearance) {
			a.Preferences().SetFloat(prefScale, float64(sc))
			a.Preferences().SetString(prefAppearance, string(l))
		}))
	if signIn != nil {
		life, err := newLifeService(signIn, monitor)
		if err != nil {
			common.ReportFailure(env, err)
			return common.ExitFailure
		}
		shell.SetLifeEvents(life)
		shell.SetProxies(&proxyService{signIn: signIn})
		watch := &statusWatch{life: life, every: 30 * time.Second, notify: fyneNotify(a), tr: shell.Localizer}
		if demoMode {
			watch.every = demo.DemoAdvance / 2
		}
		go watch.run(ctx)
	}
	defer shell.Stop()
	if !demoMode && signIn == nil {
		// first start: no municipality yet
		shell.SetWelcome(&welcome{app: a, args: o.Args})
	}
	// closing the window cancels card operations and a sign-in in progress
	w.SetOnClosed(func() { shell.Stop(); cancel() })
	if signIn != nil && signIn.keep {
		go func() { // resume a session kept in the keyring, then show it
			if signIn.restore(ctx) == nil {
				fyne.Do(func() {
					if p := shell.SignInPanel(); p != nil {
						p.Reload()
					}
				})
			}
		}()
	}
	w.SetContent(shell.Object())
	w.Resize(fyne.NewSize(1100, 760))
	if o.DemoShowAttributes && demoMode {
		go demoShowAttributes(monitor, svc, shell, o.Resident)
	}
	if o.DemoSignIn && demoMode {
		go demoSignInNow(monitor, signIn, shell, o)
	}
	w.ShowAndRun()
	return 0
}

// welcome implements ui.Welcome: each choice restarts the app with it.
type welcome struct {
	app  fyne.App
	args []string
}

func (w *welcome) restart(withDemo bool) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var args []string
	for _, a := range w.args {
		if !strings.HasPrefix(a, "--demo=") {
			args = append(args, a)
		}
	}
	if withDemo {
		args = append(args, "--demo")
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	w.app.Quit()
	return nil
}

func (w *welcome) TryDemo() error { return w.restart(true) }

func (w *welcome) ImportProfile(data []byte) error {
	if err := installProfile(data, common.UserProfilePath()); err != nil {
		return err
	}
	return w.restart(false)
}

// installProfile checks a municipality profile and keeps it at path.
func installProfile(data []byte, path string) error {
	if _, err := sso.ParseProfile(data); err != nil {
		return &failure.Error{Code: CodeProfileInvalid, Err: err}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return failure.Wrap(store.CodeUnavailable, err)
	}
	return failure.Wrap(store.CodeUnavailable, os.WriteFile(path, data, 0o600))
}

// demoShowAttributes waits for the demo card and reads its attributes with
// the fictional resident's PIN, as if typed: used to look at that screen.
func demoShowAttributes(m *reader.Monitor, svc *cardService, shell *ui.Shell, resident string) {
	waitIdentified(m)
	_, input, err := demo.PINs(resident)
	if err != nil {
		return
	}
	a, err := svc.ReadAttributes(context.Background(), func(string, int) ([]byte, bool, error) { return []byte(input), false, nil })
	if err == nil {
		fyne.Do(func() { shell.CardScreen().ShowAttributes(a) })
	}
}

// demoSignInNow signs in with the fictional resident's auth PIN, as if typed.
func demoSignInNow(m *reader.Monitor, s *signInService, shell *ui.Shell, o common.GUIOptions) {
	resident, cert, event := o.Resident, o.DemoCertificate, o.DemoLifeEvent
	waitIdentified(m)
	auth, _, err := demo.PINs(resident)
	if err != nil {
		return
	}
	_, err = s.SignIn(context.Background(), func(string, int) ([]byte, bool, error) { return []byte(auth), false, nil }, nil) // the demo agrees as the person would
	if err == nil && event != "" && o.DemoAnswers != "" && s.Account() != nil {
		if data, rerr := os.ReadFile(o.DemoAnswers); rerr == nil {
			if l, lerr := newLifeService(s, m); lerr == nil {
				if e, eerr := l.event(event); eerr == nil {
					if ans, perr := e.ParseAnswers(data); perr == nil {
						_ = l.save(context.Background(), e, ans, nil)
					}
				}
			}
		}
	}
	if err == nil {
		fyne.Do(func() {
			shell.SignInPanel().Reload()
			if cert != "" {
				shell.ShowCertificates(cert)
			}
			if l := shell.LifeEvents(); l != nil && event != "" {
				l.Start(event)
			}
		})
	}
}

// waitIdentified waits until the monitor has identified a card.
func waitIdentified(m *reader.Monitor) {
	ch, cancel := m.SubscribeCancel()
	defer cancel()
	for ev := range ch {
		if ev.State == reader.StateIdentified {
			return
		}
	}
}

// The preferences the window keeps: its language, text size and colours.
const (
	prefLanguage   = "language"
	prefScale      = "text_scale"
	prefAppearance = "appearance"
	prefIntroSeen  = "intro_seen"
)

// windowLanguage is the window's language: --lang, else the one chosen in
// the window last time, else the system's. A system language the app is
// not written in gives Japanese, with a note naming what was asked for
// (note "" when nothing was missed).
func windowLanguage(flag, saved, system string) (tag, note string) {
	if flag != "" { // checked by the command line already
		return i18n.Match(flag), ""
	}
	if t, ok := i18n.Lookup(saved); ok && saved != "" {
		return t, ""
	}
	if t, ok := i18n.Lookup(system); ok {
		return t, ""
	}
	return i18n.Default, system
}
