package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"madoguchi/app/common"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"madoguchi/app/demo"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
)

// Env is what a command or the window runs with (common.Env).
type Env = common.Env

// GUIOptions are the window's flags (common.GUIOptions).
type GUIOptions = common.GUIOptions

// Deps are what the composition root hands the command line.
type Deps struct {
	// GUI opens the window and returns the exit code when it closes.
	GUI func(GUIOptions, *Env) int
}

// Version is set at build time.
var Version = "dev"

// Exit codes of every command (README "Exit codes"): common's.
const (
	ExitOK          = common.ExitOK
	ExitFailure     = common.ExitFailure
	ExitUsage       = common.ExitUsage
	ExitInterrupted = common.ExitInterrupted
)

// Run runs the command line on the process's streams and returns the exit
// code.
func Run(args []string, deps Deps) int {
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	if f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0); err == nil {
		env.TTY, env.Prompt = f, f
		defer f.Close()
	} else if term.IsTerminal(int(os.Stdin.Fd())) { // Windows has no /dev/tty
		env.TTY, env.Prompt = os.Stdin, os.Stderr
	}
	return RunWith(args, env, deps)
}

// RunWith runs with explicit streams.
func RunWith(args []string, env *Env, deps Deps) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if env.Tr == nil {
		env.Tr = i18n.New(i18n.Detect())
	}
	// --lang known before the arguments are parsed: a mistyped option or
	// command is then said in the language asked for (an unknown --lang is
	// refused later, in the system's)
	if tag, ok := i18n.Lookup(langArg(args)); ok {
		env.Tr = i18n.New(tag)
	}
	r := &runner{env: env, deps: deps}
	root := r.root()
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(ctx)
	return r.exitCode(err)
}

// langArg is --lang's value among args, the last one given as the flag
// parser takes it ("" when not given).
func langArg(args []string) string {
	v := ""
	for i, a := range args {
		if a == "--" {
			break
		}
		if s, ok := strings.CutPrefix(a, "--lang="); ok {
			v = s
		}
		if a == "--lang" && i+1 < len(args) {
			v = args[i+1]
		}
	}
	return v
}

// runner holds what one run of the command line shares: the streams and
// the flags every command may have (--json, --lang).
type runner struct {
	env  *Env
	deps Deps
	json bool
	lang string
	// as: act for this principal (--as on cert, procedure, applications)
	as string
}

func (r *runner) root() *cobra.Command {
	var o GUIOptions
	root := &cobra.Command{
		Use:   "madoguchi",
		Short: "the municipal service counter on your PC",
		Long: `madoguchi — the municipal service counter on your PC.

Without a command it opens the window (real card readers; --demo for
fictional cards and the sandbox municipality, always bannered).

Card commands use the PC/SC readers, or a fictional sandbox card with
--virtual RESIDENT. PINs are read from the terminal without echo, or from
standard input with --pin-stdin (one per line); never from arguments or the
environment.

Exit codes: 0 done, 1 failed (a failure code is printed), 2 wrong usage
(nothing was done), 130 interrupted (the card was released).`,
		Version:       Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          r.noArgs,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if err := r.langFlag(); err != nil {
				return err
			}
			if cmd.Parent() == nil { // the window: the policy is applied to its options
				return nil
			}
			top := cmd
			for top.Parent() != nil && top.Parent().Parent() != nil {
				top = top.Parent()
			}
			pol, err := r.env.Policy()
			if err != nil {
				return err
			}
			if pol.Refuses(top.Name()) {
				// a kiosk PC keeps nothing: the terminal would keep a session
				return (&failure.Error{Code: common.CodePolicyRefused, Err: fmt.Errorf("%s on a kiosk PC (%s)", top.Name(), pol.From)}).
					With("Flag", top.Name()).With("File", pol.From)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if r.deps.GUI == nil {
				return usageError{"this program has no window"}
			}
			o.Args, o.Lang = r.guiArgs(cmd), r.lang
			pol, err := r.env.Policy()
			if err != nil {
				return err
			}
			if err := pol.Apply(&o); err != nil {
				return err
			}
			if code := r.deps.GUI(o, r.env); code != 0 {
				return exitError(code)
			}
			return nil
		},
	}
	root.PersistentFlags().StringVar(&r.lang, "lang", "", "language: "+strings.Join(i18n.Languages(), " | ")+" (default: the system's; en-US, zh-CN, pt, tl… are matched)")
	root.RegisterFlagCompletionFunc("lang", fixedCompletions(i18n.Languages()...))
	f := root.Flags()
	f.BoolVar(&o.Demo, "demo", false, "demo mode: fictional residents' cards and the sandbox municipality, always bannered")
	f.BoolVar(&o.Kiosk, "kiosk", false, "community-centre kiosk: full screen, large text, the resident's PIN on a private pad, nothing kept on this PC, a take-home summary (see docs/kiosk.md)")
	f.StringVar(&o.Resident, "resident", "yamada-taro", "demo: the sandbox resident whose card is in the reader")
	f.StringVar(&o.Reader, "reader", "", "PC/SC reader to follow (default: the first with a card)")
	f.StringVar(&o.Profile, "profile", "", "municipality profile `file` (default: the one chosen at first start)")
	f.Float64Var(&o.Scale, "scale", 0, "text size: 1, 1.5 or 2 for large text (default: the size chosen in the window last time, else 1)")
	f.BoolVar(&o.DemoShowAttributes, "demo-show-attributes", false, "demo: enter the fictional resident's input-support PIN once the card is identified (screenshots, training)")
	f.BoolVar(&o.DemoSignIn, "demo-sign-in", false, "demo: sign in with the fictional resident's auth PIN once the card is identified (screenshots, training)")
	f.StringVar(&o.DemoCertificate, "demo-certificate", "", "demo: after --demo-sign-in, fetch this certificate (residence, tax, attributes) and show it")
	f.StringVar(&o.DemoLifeEvent, "demo-life-event", "", "demo: after --demo-sign-in, open this life event's questions (moving, job-change, birth)")
	f.StringVar(&o.DemoAnswers, "demo-answers", "", "demo: with --demo-life-event, answer from this `file` first (shows the plan; see docs/answers.md)")
	f.Bool("pcsc", true, "use the PC/SC card readers (the default; kept for older scripts)")
	_ = f.MarkHidden("pcsc")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{r.flagError(err)} })
	for _, c := range []*cobra.Command{r.certCommand(), r.procedureCommand(), r.applicationsCommand()} {
		c.PersistentFlags().StringVar(&r.as, "as", "", "act for `PRINCIPAL`, a person who registered you as their proxy (their name, subject or grant id; see `madoguchi proxy list`)")
		root.AddCommand(c)
	}
	root.AddCommand(r.cardCommand(), r.doctorCommand(), r.loginCommand(),
		r.whoamiCommand(), r.logoutCommand(), r.forgetCommand(), r.versionCommand(), r.proxyCommand())
	if c := r.sandboxCommand(); c != nil {
		root.AddCommand(c)
	}
	return root
}

// langFlag takes --lang: a language the app is written in, else a usage
// error listing them (never another language in silence).
func (r *runner) langFlag() error {
	if r.lang == "" {
		return nil
	}
	tag, ok := i18n.Lookup(r.lang)
	if !ok {
		var list []string
		for _, l := range i18n.Languages() {
			list = append(list, l+" ("+i18n.Endonym(l)+")")
		}
		return usageError{r.env.Tr.T("usage.lang", map[string]any{"Lang": r.lang, "Languages": strings.Join(list, ", ")})}
	}
	r.env.Tr = i18n.New(tag)
	return nil
}

// guiArgs are the flags the window was started with, for a restart.
func (r *runner) guiArgs(cmd *cobra.Command) []string {
	var args []string
	cmd.Flags().Visit(func(f *pflag.Flag) {
		args = append(args, "--"+f.Name+"="+f.Value.String())
	})
	return args
}

func (r *runner) versionCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "version",
		Short: "print the version",
		Args:  r.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if r.json {
				return writeJSON(r.env.Stdout, map[string]string{"version": Version, "go": runtime.Version()})
			}
			fmt.Fprintln(r.env.Stdout, "madoguchi", Version)
			return nil
		},
	}
	r.jsonFlag(c)
	return c
}

// jsonFlag gives c the --json flag: results, and failures, as JSON on stdout.
func (r *runner) jsonFlag(c *cobra.Command) {
	c.Flags().BoolVar(&r.json, "json", false, "print JSON (failures too: {\"error\":{code,title,cause,action}} on stdout)")
}

// group is a command that only holds others: without one it is a usage
// error, with its help on stderr.
func (r *runner) group(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return r.unknown(cmd, args[0])
			}
			cmd.SetOut(r.env.Stderr)
			_ = cmd.Usage()
			return usageError{r.env.Tr.T("usage.which_command") + " " + r.seeHelp(cmd)}
		},
	}
	c.AddCommand(subs...)
	return c
}

// noArgs refuses arguments: a stray word is an unknown command for a
// command with subcommands, and otherwise never a PIN (PINs are never taken
// from the command line).
func (r *runner) noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasSubCommands() {
		return r.unknown(cmd, args[0])
	}
	return usageError{r.env.Tr.T("usage.unexpected_argument", map[string]any{"Command": cmd.CommandPath(), "Arg": args[0]})}
}

func (r *runner) unknown(cmd *cobra.Command, name string) error {
	msg := r.env.Tr.T("usage.unknown_command", map[string]any{"Name": name, "Command": cmd.CommandPath()})
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	if s := cmd.SuggestionsFor(name); len(s) > 0 {
		msg += " " + r.env.Tr.T("usage.did_you_mean", map[string]any{"Suggestions": strings.Join(s, r.env.Tr.T("list.separator"))})
	}
	return usageError{msg + " " + r.seeHelp(cmd)}
}

// seeHelp points to the command's help, in the person's language.
func (r *runner) seeHelp(cmd *cobra.Command) string {
	return r.env.Tr.T("usage.see_help", map[string]any{"Command": cmd.CommandPath()})
}

// Flag errors as pflag words them, said in the person's language (the
// flag itself named as typed); anything else as pflag says it.
var (
	unknownFlag  = regexp.MustCompile(`^unknown (?:shorthand )?flag: (?:'(.)' in )?(-\S+)`)
	flagNeedsArg = regexp.MustCompile(`^flag needs an argument: (?:'(.)' in )?(-\S+)`)
	badFlagValue = regexp.MustCompile(`^invalid argument "(.*)" for "(.+?)" flag`)
)

func (r *runner) flagError(err error) string {
	msg, tr := err.Error(), r.env.Tr
	if m := unknownFlag.FindStringSubmatch(msg); m != nil {
		return tr.T("usage.unknown_flag", map[string]any{"Flag": m[2]})
	}
	if m := flagNeedsArg.FindStringSubmatch(msg); m != nil {
		return tr.T("usage.flag_needs_value", map[string]any{"Flag": m[2]})
	}
	if m := badFlagValue.FindStringSubmatch(msg); m != nil {
		return tr.T("usage.bad_flag_value", map[string]any{"Value": m[1], "Flag": m[2]})
	}
	return msg
}

// exactArg takes one positional argument, named in the usage error.
func exactArg(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != 1 {
			// (what is named in English: the argument's words are the
			// command line's own)
			return usageError{fmt.Sprintf("%s: which %s?", cmd.CommandPath(), what)}
		}
		return nil
	}
}

// fixedCompletions completes a flag or argument from a fixed list.
func fixedCompletions(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// errSilent means: already reported, just exit non-zero.
var errSilent = errors.New("reported")

// exitError is an exit code decided elsewhere (the window).
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit %d", int(e)) }

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func (r *runner) exitCode(err error) int {
	var ee exitError
	var ue usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errSilent):
		return ExitFailure
	case errors.As(err, &ee):
		return int(ee)
	case errors.As(err, &ue):
		fmt.Fprintln(r.env.Stderr, "madoguchi:", ue.msg)
		return ExitUsage
	}
	code := ExitFailure
	if failure.From(err).Code == failure.Cancelled {
		code = ExitInterrupted
	}
	if r.json {
		reportFailureJSON(r.env, err)
	} else {
		ReportFailure(r.env, err)
	}
	return code
}

// failureJSON is a failure on stdout for --json callers.
type failureJSON struct {
	Error struct {
		i18n.Failure
		Detail string `json:"detail,omitempty"`
	} `json:"error"`
}

func reportFailureJSON(env *Env, err error) {
	var j failureJSON
	j.Error.Failure = env.Tr.Explain(err)
	j.Error.Detail = err.Error()
	_ = writeJSON(env.Stdout, j)
}

// ReportFailure prints a failure with its title, code, cause and action.
func ReportFailure(env *Env, err error) { common.ReportFailure(env, err) }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// DataDir is the per-user data folder (common.DataDir).
func DataDir() string { return common.DataDir() }

// UserProfilePath is where the municipality profile chosen at first start
// is kept (common.UserProfilePath).
func UserProfilePath() string { return common.UserProfilePath() }

// sandboxProfilePath is where `madoguchi sandbox` writes the profile of the
// running sandbox municipality.
func sandboxProfilePath(data string) string { return filepath.Join(data, "profile.json") }

func defaultSandboxData() string { return filepath.Join(DataDir(), "sandbox") }

// defaultProfile is the municipality the window uses too: the one chosen at
// first start; without one (and in builds with the sandbox) the profile
// `madoguchi sandbox` writes.
func defaultProfile() string {
	if _, err := os.Stat(UserProfilePath()); err == nil || !demo.Available {
		return UserProfilePath()
	}
	return sandboxProfilePath(defaultSandboxData())
}
