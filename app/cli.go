package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"golang.org/x/term"

	"madoguchi/auth/card"
	"madoguchi/auth/pcsc"
	"madoguchi/i18n"
)

// Env is what a command runs with; tests substitute the streams.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// TTY is the terminal for PIN prompts without echo (nil: none).
	TTY *os.File
	// Prompt is where prompts go (the terminal; stderr when TTY is stdin).
	Prompt io.Writer
	Tr     *i18n.Localizer
}

const usage = `madoguchi — the municipal service counter on your PC

Usage:
  madoguchi [--demo] [--pcsc] [--lang ja|en] [--resident ID] [--scale N]   open the app
  madoguchi card readers|status|certs|info|pin-status|change-pin|sign [flags]
  madoguchi doctor [--json] [--virtual ID]
  madoguchi login [--profile FILE] [--virtual ID] [--pin-stdin]
  madoguchi whoami [--json] | madoguchi logout
  madoguchi cert fetch residence|tax|attributes [--year Y] | list | show ID | verify ID
  madoguchi cert present ID --fields a,b | export ID | delete ID | audit   [--json]
  madoguchi sandbox [--addr 127.0.0.1:8443] [--data DIR]   run the sandbox municipality
  madoguchi sandbox residents [--json]
  madoguchi sandbox card --resident ID [--vpcd 127.0.0.1:35963]
  madoguchi version

Card commands use the PC/SC readers, or a fictional sandbox card with
--virtual RESIDENT. PINs are read from the terminal without echo, or from
standard input with --pin-stdin (one per line); never from arguments or the
environment. Run "madoguchi card <command> -h" for a command's flags.
`

// Version is set at build time.
var Version = "dev"

// Run runs the command line and returns the exit code.
func Run(args []string) int {
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	if f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0); err == nil {
		env.TTY, env.Prompt = f, f
		defer f.Close()
	} else if term.IsTerminal(int(os.Stdin.Fd())) { // Windows has no /dev/tty
		env.TTY, env.Prompt = os.Stdin, os.Stderr
	}
	return RunWith(args, env)
}

// RunWith runs with explicit streams.
func RunWith(args []string, env *Env) int {
	lang := i18n.Detect()
	// --lang may appear anywhere before the subcommand's own flags.
	for i, a := range args {
		if a == "--lang" && i+1 < len(args) {
			lang = args[i+1]
			args = append(append([]string(nil), args[:i]...), args[i+2:]...)
			break
		}
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			lang = v
			args = append(append([]string(nil), args[:i]...), args[i+1:]...)
			break
		}
	}
	env.Tr = i18n.New(lang)
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return runGUI(args, env)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch args[0] {
	case "card":
		err = cardCommand(ctx, args[1:], env)
	case "doctor":
		err = doctorCommand(ctx, args[1:], env)
	case "login":
		err = loginCommand(ctx, args[1:], env)
	case "whoami":
		err = whoamiCommand(ctx, args[1:], env)
	case "logout":
		err = logoutCommand(ctx, args[1:], env)
	case "cert":
		err = certCommand(ctx, args[1:], env)
	case "sandbox":
		err = sandboxCommand(ctx, args[1:], env)
	case "version":
		fmt.Fprintln(env.Stdout, "madoguchi", Version)
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
	default:
		fmt.Fprint(env.Stderr, usage)
		return 2
	}
	return exitCode(err, env)
}

// errSilent means: already reported, just exit non-zero.
var errSilent = errors.New("reported")

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error, env *Env) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errSilent):
		return 1
	case errors.Is(err, flag.ErrHelp):
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(env.Stderr, "madoguchi:", ue.msg)
		return 2
	}
	reportFailure(env, err)
	return 1
}

// reportFailure prints a failure with its code, cause and action.
func reportFailure(env *Env, err error) {
	var f interface {
		FailureCode() string
		FailureData() map[string]any
	}
	if !errors.As(err, &f) {
		fmt.Fprintln(env.Stderr, "madoguchi:", err)
		return
	}
	fl := env.Tr.Explain(f.FailureCode(), f.FailureData())
	fmt.Fprintf(env.Stderr, "%s [%s]\n  %s\n  %s\n", fl.Title, fl.Code, fl.Cause, fl.Action)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// cardSource chooses the backend for CLI card commands.
type cardSource struct {
	virtual string
	reader  string
}

func (cs *cardSource) flags(fs *flag.FlagSet) {
	fs.StringVar(&cs.virtual, "virtual", "", "use the in-process virtual card of sandbox resident `ID` instead of PC/SC")
	fs.StringVar(&cs.reader, "reader", "", "PC/SC reader `name` (default: the first with a card)")
}

// backend opens the chosen backend.
func (cs *cardSource) backend() (card.Backend, func(), error) {
	if cs.virtual != "" {
		d, err := newDemoReader(cs.virtual)
		if err != nil {
			return nil, nil, usageError{err.Error()}
		}
		return d.reader, func() {}, nil
	}
	b, err := pcsc.Open()
	if err != nil {
		return nil, nil, err
	}
	return b, func() { b.Close() }, nil
}

// open connects to the card and identifies it.
func (cs *cardSource) open(ctx context.Context) (*card.Session, func(), error) {
	b, closeB, err := cs.backend()
	if err != nil {
		return nil, nil, err
	}
	rs, err := b.Wait(ctx, nil)
	if err != nil {
		closeB()
		return nil, nil, err
	}
	if len(rs) == 0 {
		closeB()
		return nil, nil, card.ErrNoReader
	}
	name := ""
	for _, r := range rs {
		if (cs.reader == "" && r.CardPresent) || r.Name == cs.reader {
			name = r.Name
			if !r.CardPresent {
				closeB()
				return nil, nil, card.ErrNoCard
			}
			break
		}
	}
	if name == "" {
		closeB()
		if cs.reader != "" {
			return nil, nil, &card.Error{Code: card.CodeNoReader, Detail: "no reader named " + cs.reader}
		}
		return nil, nil, card.ErrNoCard
	}
	t, err := b.Connect(name)
	if err != nil {
		closeB()
		return nil, nil, err
	}
	s := card.NewSession(t, card.NewCache())
	cleanup := func() {
		if c, ok := t.(card.Closer); ok {
			c.Close()
		}
		closeB()
	}
	kind, err := s.Identify()
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	if kind != card.KindMyNumberCard {
		cleanup()
		return nil, nil, &card.Error{Code: card.CodeUnsupportedCard, Detail: "card kind " + kind.String()}
	}
	return s, cleanup, nil
}
