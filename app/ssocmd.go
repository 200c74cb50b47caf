package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"madoguchi/account"
	"madoguchi/auth/card"
	"madoguchi/auth/sso"
	"madoguchi/i18n/failure"
)

// dataDir is the per-user data folder (XDG on Linux).
func dataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "madoguchi")
	}
	if runtime.GOOS == "linux" {
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, ".local", "share", "madoguchi")
		}
	}
	d, _ := os.UserConfigDir()
	return filepath.Join(d, "madoguchi")
}

// sandboxProfilePath is where `madoguchi sandbox` writes the profile of the
// running sandbox municipality.
func sandboxProfilePath(data string) string { return filepath.Join(data, "profile.json") }

func defaultSandboxData() string { return filepath.Join(dataDir(), "sandbox") }

type ssoFlags struct {
	profile   string
	src       cardSource
	stdin     bool
	yesLast   bool
	json      bool
	agree     bool
	noKeyring bool
}

func (f *ssoFlags) register(fs *flag.FlagSet, withCard bool) {
	fs.StringVar(&f.profile, "profile", sandboxProfilePath(defaultSandboxData()), "municipality profile `file`")
	fs.BoolVar(&f.json, "json", false, "print JSON")
	if withCard {
		f.src.flags(fs)
		fs.BoolVar(&f.stdin, "pin-stdin", false, "read the PIN from standard input")
		fs.BoolVar(&f.yesLast, "yes-last-try", false, "agree to spend the PIN's last try")
		fs.BoolVar(&f.agree, "agree", false, "agree to what the sign-in asks beyond name, address, birth date and sex (listed before the PIN; scripts)")
		fs.BoolVar(&f.noKeyring, "no-keyring", false, "keep the session for this command only (nothing stored; ended at exit)")
	}
}

func (f *ssoFlags) client(ctx context.Context) (*sso.Client, error) {
	p, err := sso.LoadProfile(f.profile)
	if err != nil {
		return nil, err
	}
	if p.ID == "" {
		p.ID = filepath.Base(filepath.Dir(f.profile))
	}
	return sso.New(ctx, p)
}

func parseSSO(name string, args []string, env *Env, withCard bool) (*ssoFlags, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	f := &ssoFlags{}
	f.register(fs, withCard)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usageError{"unexpected arguments: PINs are never taken from the command line"}
	}
	return f, nil
}

// accountOptions: the CLI keeps sessions in the keystore and the store on
// disk, in the per-user data folder.
func accountOptions(env *Env) account.Options {
	return account.Options{Keys: env.keys(), Keep: true, RequireKept: true, DataDir: dataDir()}
}

func loginCommand(ctx context.Context, args []string, env *Env) error {
	f, err := parseSSO("login", args, env, true)
	if err != nil {
		return err
	}
	c, err := f.client(ctx)
	if err != nil {
		return err
	}
	s, done, err := f.src.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	pr := newPINReader(env, f.stdin, f.yesLast)
	o := accountOptions(env)
	if f.noKeyring {
		o.Keep, o.RequireKept = false, false
	}
	a, err := account.SignIn(ctx, c, sso.CardSigner{Session: s, Prompt: pr.prompt, Ask: pr.consent(f.agree)}, o)
	if err != nil {
		return err
	}
	defer a.Close()
	if f.noKeyring {
		// asked for: a session for this command only. Nobody holds the
		// refresh token after we exit, so it is ended now.
		defer a.SignOut(context.WithoutCancel(ctx))
		fmt.Fprintln(env.Stderr, env.Tr.T("cli.no_keyring_session"))
	}
	if f.json {
		return writeJSON(env.Stdout, map[string]any{"profile": a.Profile().ID, "subject": a.Subject(), "name": a.Name(), "acr": a.ACR()})
	}
	fmt.Fprintln(env.Stdout, env.Tr.T("cli.signed_in", map[string]any{"Name": a.Name(), "Profile": a.Profile().ID}))
	return nil
}

// resume parses the flags of a command that works on the kept session and
// takes it up; a nil account means nobody is signed in.
func resume(ctx context.Context, name string, args []string, env *Env) (*ssoFlags, *account.Account, error) {
	f, err := parseSSO(name, args, env, false)
	if err != nil {
		return nil, nil, err
	}
	c, err := f.client(ctx)
	if err != nil {
		return nil, nil, err
	}
	a, err := account.Resume(c, accountOptions(env))
	if errors.Is(err, account.ErrNotSignedIn) {
		return f, nil, nil
	}
	return f, a, err
}

func whoamiCommand(ctx context.Context, args []string, env *Env) error {
	f, a, err := resume(ctx, "whoami", args, env)
	if err != nil {
		return err
	}
	if a == nil {
		fmt.Fprintln(env.Stderr, env.Tr.T("cli.not_signed_in"))
		return errSilent
	}
	defer a.Close()
	// silent refresh: proves the session is alive, rotates the token
	if _, err := a.AccessToken(ctx); err != nil {
		return err
	}
	if f.json {
		return writeJSON(env.Stdout, map[string]any{"profile": a.Profile().ID, "issuer": a.Profile().Issuer, "subject": a.Subject(), "name": a.Name()})
	}
	fmt.Fprintln(env.Stdout, env.Tr.T("cli.signed_in", map[string]any{"Name": a.Name(), "Profile": a.Profile().ID}))
	return nil
}

func logoutCommand(ctx context.Context, args []string, env *Env) error {
	_, a, err := resume(ctx, "logout", args, env)
	if err != nil {
		return err
	}
	if a != nil {
		// forgotten here whatever the network says; a failed revocation is
		// reported after
		if err := a.SignOut(ctx); err != nil {
			reportFailure(env, err)
		}
	}
	fmt.Fprintln(env.Stdout, env.Tr.T("cli.signed_out"))
	return nil
}

// prompt is a card.PINPrompt for the CLI: tries left are shown before asking.
func (p *pinReader) prompt(ctx context.Context, sec card.Secret, tries int) (card.PIN, bool, error) {
	pin, err := p.line(ctx, p.env.Tr.T("cli.enter_pin", map[string]any{
		"SecretName": p.env.Tr.T("secret." + string(sec)), "TriesLeft": tries}))
	if err != nil {
		return nil, false, err
	}
	pin.Normalize(sec)
	if err := pin.Validate(sec); err != nil {
		pin.Wipe()
		return nil, false, err
	}
	yes, err := p.confirmLast(tries)
	if err != nil {
		pin.Wipe()
		return nil, false, err
	}
	return pin, yes, nil
}

// consent asks, in plain language, to agree to the scopes beyond the basics
// before the card step: on the terminal, or --agree for scripts.
func (p *pinReader) consent(agreed bool) func(context.Context, []string) error {
	return func(ctx context.Context, scopes []string) error {
		tr := p.env.Tr
		w := p.env.Prompt
		if w == nil {
			w = p.env.Stderr
		}
		fmt.Fprintln(w, tr.T("signin.consent.intro"))
		for _, sc := range scopes {
			fmt.Fprintln(w, "  - "+tr.T("signin.consent.scope."+sc))
		}
		if agreed {
			fmt.Fprintln(w, tr.T("signin.consent.agreed_by_flag"))
			return nil
		}
		if p.fromStdin || p.env.TTY == nil {
			return &failure.Error{Code: sso.CodeConsentDeclined, Detail: "no terminal to ask; pass --agree to agree"}
		}
		fmt.Fprint(w, tr.T("signin.consent.question"))
		ans, err := bufio.NewReader(p.env.TTY).ReadString('\n')
		ans = strings.ToLower(strings.TrimSpace(ans))
		if err != nil || !(ans == "yes" || ans == "y" || ans == tr.T("cli.yes")) {
			return &failure.Error{Code: sso.CodeConsentDeclined}
		}
		return nil
	}
}
