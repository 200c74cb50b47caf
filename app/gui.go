package app

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"madoguchi/auth/card"
	"madoguchi/auth/pcsc"
	"madoguchi/auth/sso"
	"madoguchi/i18n/failure"
	"madoguchi/ui"
)

const appID = "jp.madoguchi.app"

func runGUI(args []string, env *Env) (code int) {
	fs := flag.NewFlagSet("madoguchi", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	demo := fs.Bool("demo", false, "demo mode: fictional residents' cards and the sandbox municipality, always bannered")
	_ = fs.Bool("pcsc", true, "use the PC/SC card readers (the default; kept for older scripts)")
	resident := fs.String("resident", "yamada-taro", "demo: the sandbox resident whose card is in the reader")
	reader := fs.String("reader", "", "PC/SC reader to follow (default: the first with a card)")
	scale := fs.Float64("scale", 1, "text scale (2 for large text)")
	showAttrs := fs.Bool("demo-show-attributes", false, "demo: enter the fictional resident's input-support PIN once the card is identified (for screenshots and training)")
	demoSignIn := fs.Bool("demo-sign-in", false, "demo: sign in with the fictional resident's auth PIN once the card is identified (for screenshots and training)")
	demoCert := fs.String("demo-certificate", "", "demo: after --demo-sign-in, fetch this certificate (residence, tax, attributes) and show it")
	profile := fs.String("profile", "", "municipality profile `file` (default: the one chosen at first start); the demo runs its own sandbox municipality")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprint(env.Stdout, usage)
			return 0
		}
		return 2
	}
	demoMode := *demo
	if *profile == "" && !demoMode {
		if _, err := os.Stat(userProfilePath()); err == nil {
			*profile = userProfilePath()
		}
	}

	var backend card.Backend
	var controls *demoControls
	if demoMode {
		d, err := newDemoReader(*resident)
		if err != nil {
			fmt.Fprintln(env.Stderr, "madoguchi:", err)
			return 2
		}
		controls, backend = d, d.reader
	} else {
		// connects when it can: without a running PC/SC service the window
		// still opens and shows PCSC-UNAVAILABLE until the service is up
		b := &pcsc.Lazy{}
		defer b.Close()
		backend = b
	}
	monitor := card.NewMonitor(backend, *reader)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go monitor.Run(ctx)
	svc := &cardService{m: monitor, now: time.Now}

	var signIn *signInService
	if demoMode {
		// the sandbox municipality in-process on a free loopback port, with
		// throwaway data: the demo leaves nothing behind
		p, stop, err := startDemoMunicipality()
		if err != nil {
			reportFailure(env, err)
			return 1
		}
		defer stop()
		signIn = &signInService{m: monitor, keys: env.keys(), profile: p}
	} else if *profile != "" {
		p, err := sso.LoadProfile(*profile)
		if err != nil {
			reportFailure(env, err)
			return 1
		}
		signIn = &signInService{m: monitor, profile: p, keep: true, keys: env.keys()}
	}

	// a window-system failure at start-up is a coded, plain message, never
	// a stack trace
	defer func() {
		if r := recover(); r != nil {
			reportFailure(env, failure.Newf(CodeGUIStart, "%v", r))
			code = 1
		}
	}()
	a := fyneapp.NewWithID(appID)
	a.Settings().SetTheme(ui.NewTheme(float32(*scale)))
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
	shell := ui.NewShell(w, svc, si, wl, dc, env.Tr.Lang())
	defer shell.Stop()
	if !demoMode && signIn == nil {
		// first start: no municipality yet
		shell.SetWelcome(&welcome{app: a, args: args})
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
	if *showAttrs && demoMode {
		go demoShowAttributes(monitor, svc, shell, *resident)
	}
	if *demoSignIn && demoMode {
		go demoSignInNow(monitor, signIn, shell, *resident, *demoCert)
	}
	w.ShowAndRun()
	return 0
}

// userProfilePath is where the municipality profile chosen at first start
// is kept.
func userProfilePath() string { return filepath.Join(dataDir(), "profile.json") }

// welcome implements ui.Welcome: each choice restarts the app with it.
type welcome struct {
	app  fyne.App
	args []string
}

func (w *welcome) restart(demo bool) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var args []string
	for _, a := range w.args {
		if a != "--demo" && a != "-demo" {
			args = append(args, a)
		}
	}
	if demo {
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
	if err := installProfile(data, userProfilePath()); err != nil {
		return err
	}
	return w.restart(false)
}

// installProfile checks a municipality profile and keeps it at path.
func installProfile(data []byte, path string) error {
	var p sso.Profile
	if err := json.Unmarshal(data, &p); err != nil {
		return &failure.Error{Code: CodeProfileInvalid, Err: err}
	}
	u, err := url.Parse(p.Issuer)
	if err != nil || p.ClientID == "" || u.Host == "" || (u.Scheme != "https" && !loopbackAddr(net.JoinHostPort(u.Hostname(), "0"))) {
		return failure.New(CodeProfileInvalid, "a profile names an https issuer and a client_id")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}
