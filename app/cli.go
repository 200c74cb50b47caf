package app

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/term"

	"madoguchi/auth/card"
	"madoguchi/auth/keystore"
	"madoguchi/auth/pcsc"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
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
	// Keys is where secrets live (refresh tokens, the store's data key);
	// nil: the OS keyring.
	Keys *keystore.Store
}

// keys returns the secret store (the OS keyring unless injected).
func (e *Env) keys() *keystore.Store {
	if e.Keys == nil {
		e.Keys = keystore.New(nil)
	}
	return e.Keys
}

const usage = `madoguchi — the municipal service counter on your PC

Usage:
  madoguchi [--demo] [--profile FILE] [--lang ja|en] [--resident ID] [--scale N]   open the app (real readers; --demo: fictional cards)
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
	jsonOut := slices.Contains(args, "--json") || slices.Contains(args, "-json")
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
	return exitCode(err, env, jsonOut)
}

// groupHelp answers -h/--help/help for a command group: its usage on
// stdout, exit 0.
func groupHelp(args []string, env *Env, text string) bool {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprint(env.Stdout, text)
		return true
	}
	return false
}

// errSilent means: already reported, just exit non-zero.
var errSilent = errors.New("reported")

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Exit codes of every command (README "Exit codes"):
const (
	ExitOK          = 0   // done
	ExitFailure     = 1   // the operation failed: a failure code is printed (stderr; stdout with --json)
	ExitUsage       = 2   // wrong flags or arguments; nothing was done
	ExitInterrupted = 130 // stopped by Ctrl-C or SIGTERM; the card was released
)

func exitCode(err error, env *Env, jsonOut bool) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errSilent):
		return ExitFailure
	case errors.Is(err, flag.ErrHelp):
		return ExitOK
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(env.Stderr, "madoguchi:", ue.msg)
		return ExitUsage
	}
	code := ExitFailure
	if failure.From(err).Code == failure.Cancelled {
		code = ExitInterrupted
	}
	if jsonOut {
		reportFailureJSON(env, err)
	} else {
		reportFailure(env, err)
	}
	return code
}

// failureJSON is a failure on stdout for --json callers.
type failureJSON struct {
	Error struct {
		Code   string `json:"code"`
		Title  string `json:"title"`
		Cause  string `json:"cause"`
		Action string `json:"action"`
		Detail string `json:"detail,omitempty"`
	} `json:"error"`
}

func reportFailureJSON(env *Env, err error) {
	var j failureJSON
	fl := env.Tr.Explain(err)
	j.Error.Code, j.Error.Title, j.Error.Cause, j.Error.Action = fl.Code, fl.Title, fl.Cause, fl.Action
	j.Error.Detail = err.Error()
	_ = writeJSON(env.Stdout, j)
}

// reportFailure prints a failure with its code, cause and action.
func reportFailure(env *Env, err error) {
	fl := env.Tr.Explain(err)
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

// pickReader chooses the reader for a CLI command. It never guesses: with
// cards in several readers the caller must name one (READER-CHOICE lists
// them), and a name that matches no reader says so and lists the readers
// (READER-UNKNOWN).
func pickReader(rs []card.ReaderStatus, want string) (string, error) {
	if len(rs) == 0 {
		return "", card.ErrNoReader
	}
	var names, withCard []string
	for _, r := range rs {
		names = append(names, r.Name)
		if r.CardPresent {
			withCard = append(withCard, r.Name)
		}
	}
	if want != "" {
		for _, r := range rs {
			if r.Name == want {
				if !r.CardPresent {
					return "", card.ErrNoCard
				}
				return r.Name, nil
			}
		}
		return "", failure.New(card.CodeReaderUnknown, "").With(card.DataReader, want).With(card.DataReaders, strings.Join(names, ", "))
	}
	switch len(withCard) {
	case 0:
		return "", card.ErrNoCard
	case 1:
		return withCard[0], nil
	}
	return "", failure.New(card.CodeReaderChoice, "").With(card.DataReaders, strings.Join(withCard, ", "))
}

// open connects to the card in the chosen reader. It does not identify the
// card separately: every operation selects its application, and a card
// without it fails with CARD-UNSUPPORTED. Use openIdentified to know the kind.
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
	name, err := pickReader(rs, cs.reader)
	if err != nil {
		closeB()
		return nil, nil, err
	}
	t, err := b.Connect(name)
	if err != nil {
		closeB()
		return nil, nil, err
	}
	s := card.NewSession(t)
	cleanup := func() {
		s.Close()
		closeB()
	}
	return s, cleanup, nil
}

// openIdentified is open, then identifies the card (3 APDUs) and refuses
// anything but a My Number card.
func (cs *cardSource) openIdentified(ctx context.Context) (*card.Session, func(), error) {
	s, cleanup, err := cs.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	kind, err := s.Identify(ctx)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	if kind != card.KindMyNumberCard {
		cleanup()
		return nil, nil, &failure.Error{Code: card.CodeUnsupportedCard, Detail: "card kind " + kind.String()}
	}
	return s, cleanup, nil
}

// loopbackAddr reports whether a listen address stays on this computer.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
