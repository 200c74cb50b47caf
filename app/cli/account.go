package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"madoguchi/account"
	"madoguchi/auth/card"
	"madoguchi/auth/sso"
	"madoguchi/i18n/failure"
)

type ssoFlags struct {
	profile   string
	src       cardSource
	stdin     bool
	yesLast   bool
	agree     bool
	noKeyring bool
}

func (f *ssoFlags) register(fs *pflag.FlagSet, withCard bool) {
	fs.StringVar(&f.profile, "profile", defaultProfile(), "municipality profile `file` (default: the one chosen at first start, else the running sandbox's)")
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

// accountOptions: the CLI keeps sessions in the keystore and the store on
// disk, in the per-user data folder.
func accountOptions(env *Env) account.Options {
	return account.Options{Keys: env.KeyStore(), Keep: true, RequireKept: true, DataDir: DataDir()}
}

func (r *runner) loginCommand() *cobra.Command {
	f := &ssoFlags{}
	c := &cobra.Command{Use: "login", Short: "sign in with the card (auth PIN) and keep the session in the keyring", Args: r.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return r.login(cmd.Context(), f) }}
	f.register(c.Flags(), true)
	r.jsonFlag(c)
	return c
}

func (r *runner) login(ctx context.Context, f *ssoFlags) error {
	env := r.env
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
	if r.json {
		return writeJSON(env.Stdout, map[string]any{"profile": a.Profile().ID, "subject": a.Subject(), "name": a.Name(), "acr": a.ACR()})
	}
	fmt.Fprintln(env.Stdout, env.Tr.T("cli.signed_in", map[string]any{"Name": a.Name(), "Profile": a.Profile().ID}))
	return nil
}

// onAccount is a command that works on the kept session — acting for
// --as where its command tree has that flag — with its first argument.
func (r *runner) onAccount(f *ssoFlags, use, short string, args cobra.PositionalArgs, run func(ctx context.Context, a *account.Account, arg string) error) *cobra.Command {
	c := &cobra.Command{Use: use, Short: short, Args: args,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			a, err := r.resume(ctx, f)
			if err != nil {
				return err
			}
			defer closeAccount(a)
			arg := ""
			if len(args) > 0 {
				arg = args[0]
			}
			return run(ctx, a, arg)
		}}
	f.register(c.Flags(), false)
	r.jsonFlag(c)
	return c
}

// sessionCommand is a command that works on the kept session (whoami,
// logout); a nil account means nobody is signed in.
func (r *runner) sessionCommand(use, short string, run func(ctx context.Context, a *account.Account) error) *cobra.Command {
	f := &ssoFlags{}
	c := &cobra.Command{Use: use, Short: short, Args: r.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			c, err := f.client(ctx)
			if err != nil {
				return err
			}
			a, err := account.Resume(c, accountOptions(r.env))
			if errors.Is(err, account.ErrNotSignedIn) {
				return run(ctx, nil)
			}
			if err != nil {
				return err
			}
			defer a.Close()
			return run(ctx, a)
		}}
	f.register(c.Flags(), false)
	r.jsonFlag(c)
	return c
}

func (r *runner) whoamiCommand() *cobra.Command {
	env := r.env
	return r.sessionCommand("whoami", "who is signed in (refreshes the session)", func(ctx context.Context, a *account.Account) error {
		if a == nil {
			return failure.New(account.CodeNotSignedIn, "no session kept")
		}
		// a refresh: proves the session is alive, rotates the token
		if err := a.Refresh(ctx); err != nil {
			return err
		}
		if r.json {
			return writeJSON(env.Stdout, map[string]any{"profile": a.Profile().ID, "issuer": a.Profile().Issuer, "subject": a.Subject(), "name": a.Name()})
		}
		fmt.Fprintln(env.Stdout, env.Tr.T("cli.signed_in", map[string]any{"Name": a.Name(), "Profile": a.Profile().ID}))
		return nil
	})
}

func (r *runner) logoutCommand() *cobra.Command {
	env := r.env
	return r.sessionCommand("logout", "sign out: end the session and forget it on this computer", func(ctx context.Context, a *account.Account) error {
		var revokeErr error
		if a != nil {
			// forgotten here whatever the network says; a failed
			// revocation is reported after
			revokeErr = a.SignOut(ctx)
		}
		if r.json {
			j := map[string]any{"signed_out": true}
			if revokeErr != nil {
				j["revocation_failed"] = env.Tr.Explain(revokeErr)
			}
			return writeJSON(env.Stdout, j)
		}
		if revokeErr != nil {
			ReportFailure(env, revokeErr)
		}
		fmt.Fprintln(env.Stdout, env.Tr.T("cli.signed_out"))
		// the truth about what stays: the sealed store is still here
		if kept := stillKept(env); kept != "" {
			fmt.Fprintln(env.Stdout, kept)
		}
		return nil
	})
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
