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

	"madoguchi/auth/card"
	"madoguchi/auth/keystore"
	"madoguchi/auth/sso"
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
	tok, err := c.Login(ctx, sso.CardSigner{Session: s, Prompt: pr.prompt, Ask: pr.consent(f.agree)})
	if err != nil {
		return err
	}
	name := tok.Claims.Name
	if ui, err := c.UserInfo(ctx, tok.AccessToken); err == nil {
		if n, ok := ui["name"].(string); ok {
			name = n
		}
	}
	if f.noKeyring {
		// asked for: a session for this command only. Nobody holds the
		// refresh token after we exit, so it is revoked now.
		defer c.Revoke(context.WithoutCancel(ctx), tok.RefreshToken, "refresh_token")
		fmt.Fprintln(env.Stderr, env.Tr.T("cli.no_keyring_session"))
	} else {
		entry := keystore.Entry{RefreshToken: tok.RefreshToken, Subject: tok.Claims.Subject, Name: name}
		if err := env.keys().Save(c.Profile().ID, entry); err != nil {
			// no keyring and not asked to go without: never a plaintext file,
			// and no live 30-day token at the provider that nobody holds
			if rerr := c.Revoke(context.WithoutCancel(ctx), tok.RefreshToken, "refresh_token"); rerr != nil {
				reportFailure(env, rerr)
			}
			return err
		}
	}
	if f.json {
		return writeJSON(env.Stdout, map[string]any{"profile": c.Profile().ID, "subject": tok.Claims.Subject, "name": name, "acr": tok.Claims.ACR})
	}
	fmt.Fprintln(env.Stdout, env.Tr.T("cli.signed_in", map[string]any{"Name": name, "Profile": c.Profile().ID}))
	return nil
}

// current parses the flags of a command that works on the kept session and
// loads it; signedIn is false when nobody is signed in.
func current(ctx context.Context, name string, args []string, env *Env) (f *ssoFlags, c *sso.Client, e keystore.Entry, signedIn bool, err error) {
	if f, err = parseSSO(name, args, env, false); err != nil {
		return
	}
	if c, err = f.client(ctx); err != nil {
		return
	}
	e, err = env.keys().Load(c.Profile().ID)
	if errors.Is(err, keystore.ErrNotFound) {
		return f, c, e, false, nil
	}
	return f, c, e, err == nil, err
}

func whoamiCommand(ctx context.Context, args []string, env *Env) error {
	f, c, e, signedIn, err := current(ctx, "whoami", args, env)
	if err != nil {
		return err
	}
	if !signedIn {
		fmt.Fprintln(env.Stderr, env.Tr.T("cli.not_signed_in"))
		return errSilent
	}
	// silent refresh: proves the session is alive, rotates the token
	tok, err := c.Refresh(ctx, e.RefreshToken)
	if err != nil {
		if sso.CodeOf(err) == sso.CodeSessionExpired {
			env.keys().Delete(c.Profile().ID)
		}
		return err
	}
	e.RefreshToken = tok.RefreshToken
	if err := env.keys().Save(c.Profile().ID, e); err != nil {
		return err
	}
	out := map[string]any{"profile": c.Profile().ID, "issuer": c.Profile().Issuer, "subject": e.Subject, "name": e.Name,
		"access_token_expiry": tok.Expiry}
	if f.json {
		return writeJSON(env.Stdout, out)
	}
	fmt.Fprintln(env.Stdout, env.Tr.T("cli.signed_in", map[string]any{"Name": e.Name, "Profile": c.Profile().ID}))
	return nil
}

func logoutCommand(ctx context.Context, args []string, env *Env) error {
	_, c, e, signedIn, err := current(ctx, "logout", args, env)
	if err != nil {
		return err
	}
	if !signedIn {
		fmt.Fprintln(env.Stdout, env.Tr.T("cli.signed_out"))
		return nil
	}
	rerr := c.Revoke(ctx, e.RefreshToken, "refresh_token")
	// the local entry goes either way: signing out must not depend on the network
	if err := env.keys().Delete(c.Profile().ID); err != nil {
		return err
	}
	if rerr != nil {
		reportFailure(env, rerr)
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
			return &sso.Error{Code: sso.CodeConsentDeclined, Detail: "no terminal to ask; pass --agree to agree"}
		}
		fmt.Fprint(w, tr.T("signin.consent.question"))
		ans, err := bufio.NewReader(p.env.TTY).ReadString('\n')
		ans = strings.ToLower(strings.TrimSpace(ans))
		if err != nil || !(ans == "yes" || ans == "y" || ans == tr.T("cli.yes")) {
			return &sso.Error{Code: sso.CodeConsentDeclined}
		}
		return nil
	}
}
