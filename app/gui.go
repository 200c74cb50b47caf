package app

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"madoguchi/auth/card"
	"madoguchi/auth/pcsc"
	"madoguchi/auth/sso"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/idp"
	"madoguchi/sandbox/issuer"
	"madoguchi/ui"
)

const appID = "jp.madoguchi.app"

func runGUI(args []string, env *Env) int {
	fs := flag.NewFlagSet("madoguchi", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	demo := fs.Bool("demo", false, "demo mode with a fictional card (the default until a municipality profile is configured)")
	usePCSC := fs.Bool("pcsc", false, "use the PC/SC card readers instead of the demo card")
	resident := fs.String("resident", "yamada-taro", "demo: the sandbox resident whose card is in the reader")
	reader := fs.String("reader", "", "PC/SC reader to follow (default: the first with a card)")
	scale := fs.Float64("scale", 1, "text scale (2 for large text)")
	showAttrs := fs.Bool("demo-show-attributes", false, "demo: enter the fictional resident's input-support PIN once the card is identified (for screenshots and training)")
	demoSignIn := fs.Bool("demo-sign-in", false, "demo: sign in with the fictional resident's auth PIN once the card is identified (for screenshots and training)")
	demoCert := fs.String("demo-certificate", "", "demo: after --demo-sign-in, fetch this certificate (residence, tax, attributes) and show it")
	profile := fs.String("profile", "", "municipality profile `file` (with --pcsc); the demo runs its own sandbox municipality")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			fmt.Fprint(env.Stdout, usage)
			return 0
		}
		return 2
	}
	demoMode := *demo || !*usePCSC

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
		b, err := pcsc.Open()
		if err != nil {
			reportFailure(env, err)
			return 1
		}
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
		dir, err := os.MkdirTemp("", "madoguchi-demo-")
		if err != nil {
			fmt.Fprintln(env.Stderr, "madoguchi:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		srv, err := idp.Start(idp.Config{Addr: "127.0.0.1:0", DataDir: dir, Mount: []func(*idp.Server, *http.ServeMux) error{issuer.Mount}})
		if err != nil {
			fmt.Fprintln(env.Stderr, "madoguchi: sandbox:", err)
			return 1
		}
		defer srv.Close()
		signIn = &signInService{m: monitor, keys: env.keys(), profile: sso.Profile{ID: "sandbox-demo", Issuer: srv.Issuer, ClientID: idp.AppClientID,
			Scopes: sso.DefaultScopes, CAFile: srv.CAFile,
			DisplayName: map[string]string{"ja": "架空のサンドボックス市", "en": "fictional Sandbox City"},
			Recipients:  sandboxRecipients(srv.Issuer)}}
	} else if *profile != "" {
		p, err := sso.LoadProfile(*profile)
		if err != nil {
			reportFailure(env, err)
			return 1
		}
		signIn = &signInService{m: monitor, profile: p, keep: true, keys: env.keys()}
	}

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

// demoShowAttributes waits for the demo card and reads its attributes with
// the fictional resident's PIN, as if typed: used to look at that screen.
func demoShowAttributes(m *card.Monitor, svc *cardService, shell *ui.Shell, resident string) {
	waitIdentified(m)
	r, err := fixtures.ByID(resident)
	if err != nil {
		return
	}
	a, err := svc.ReadAttributes(context.Background(), []byte(r.InputPIN), false)
	if err == nil {
		fyne.Do(func() { shell.CardScreen().ShowAttributes(a) })
	}
}

// demoSignInNow signs in with the fictional resident's auth PIN, as if typed.
func demoSignInNow(m *card.Monitor, s *signInService, shell *ui.Shell, resident, cert string) {
	waitIdentified(m)
	r, err := fixtures.ByID(resident)
	if err != nil {
		return
	}
	_, err = s.SignIn(context.Background(), func(string, int) ([]byte, bool, error) { return []byte(r.AuthPIN), false, nil }, nil) // the demo agrees as the person would
	if err == nil {
		fyne.Do(func() {
			shell.SignInPanel().Reload()
			if cert != "" {
				shell.ShowCertificates(cert)
			}
		})
	}
}

func waitIdentified(m *card.Monitor) {
	ch, cancel := m.SubscribeCancel()
	defer cancel()
	for ev := range ch {
		if ev.State == card.StateIdentified {
			return
		}
	}
}
