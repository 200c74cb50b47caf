package app

import (
	"context"
	"flag"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"madoguchi/auth/card"
	"madoguchi/auth/pcsc"
	"madoguchi/sandbox/fixtures"
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
	monitor := card.NewMonitor(backend, card.NewCache(), *reader)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go monitor.Run(ctx)
	svc := &cardService{m: monitor, now: time.Now}

	a := fyneapp.NewWithID(appID)
	a.Settings().SetTheme(ui.NewTheme(float32(*scale)))
	w := a.NewWindow("Madoguchi")
	var dc ui.DemoControls
	if controls != nil {
		dc = controls
	}
	shell := ui.NewShell(w, svc, dc, env.Tr.Lang())
	defer shell.Stop()
	w.SetContent(shell.Object())
	w.Resize(fyne.NewSize(1100, 760))
	if *showAttrs && demoMode {
		go demoShowAttributes(monitor, svc, shell, *resident)
	}
	w.ShowAndRun()
	return 0
}

// demoShowAttributes waits for the demo card and reads its attributes with
// the fictional resident's PIN, as if typed: used to look at that screen.
func demoShowAttributes(m *card.Monitor, svc *cardService, shell *ui.Shell, resident string) {
	ch, cancel := m.SubscribeCancel()
	for ev := range ch {
		if ev.State == card.StateIdentified {
			break
		}
	}
	cancel()
	r, err := fixtures.ByID(resident)
	if err != nil {
		return
	}
	a, err := svc.ReadAttributes(context.Background(), []byte(r.InputPIN), false)
	if err == nil {
		fyne.Do(func() { shell.CardScreen().ShowAttributesForTest(a) })
	}
}
