package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	"madoguchi/account"
	"madoguchi/auth/card"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/protocol/sdjwt"
	"madoguchi/wallet"
)

// openWallet takes up the kept session and opens its wallet (the sealed
// store on disk, with the keystore's data key).
func openWallet(ctx context.Context, f *ssoFlags, env *Env) (*wallet.Wallet, *account.Account, error) {
	c, err := f.client(ctx)
	if err != nil {
		return nil, nil, err
	}
	a, err := account.Resume(c, accountOptions(env))
	if errors.Is(err, account.ErrNotSignedIn) {
		fmt.Fprintln(env.Stderr, env.Tr.T("cli.not_signed_in"))
		return nil, nil, errSilent
	}
	if err != nil {
		return nil, nil, err
	}
	w, err := a.Wallet(ctx)
	if err != nil {
		a.Close()
		return nil, nil, err
	}
	return w, a, nil
}

const certUsage = `madoguchi cert <command> [flags]   (each command: -h for its flags)
  fetch residence|tax|attributes   get an official certificate from the municipality
  list | show ID | verify ID       the certificates kept on this computer
  present ID --fields a,b          disclose only those fields, after your consent
  export ID | delete ID | audit    export, delete, and the log of what was disclosed
`

func certCommand(ctx context.Context, args []string, env *Env) error {
	if groupHelp(args, env, certUsage) {
		return nil
	}
	if len(args) == 0 {
		return usageError{"cert: which command? fetch|list|show|verify|present|export|delete|audit"}
	}
	cmd := args[0]
	fs := flag.NewFlagSet("cert "+cmd, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	f := &ssoFlags{}
	f.register(fs, false)
	year := fs.Int("year", 0, "tax certificate: fiscal year")
	withMN := fs.Bool("mynumber", false, "fetch: include the My Number in a residence record (only when a procedure needs it; the municipality must allow it)")
	showMN := fs.Bool("show-mynumber", false, "show: print the My Number unmasked")
	fields := fs.String("fields", "", "present: comma-separated fields to disclose")
	yes := fs.Bool("yes", false, "present: consent given beforehand (scripts)")
	toID := fs.String("to", "", "present: the recipient, by its id in the municipality profile (default: the only one listed)")
	// the certificate (or kind) may come before or after the flags
	rest, arg := args[1:], ""
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		arg, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if arg == "" {
		arg = fs.Arg(0)
	}
	w, a, err := openWallet(ctx, f, env)
	if err != nil {
		return err
	}
	defer a.Close()
	need := func() error {
		if arg == "" {
			return usageError{"cert " + cmd + ": which certificate? (see `madoguchi cert list`)"}
		}
		return nil
	}
	switch cmd {
	case "fetch":
		if arg == "" {
			return usageError{"cert fetch residence|tax|attributes"}
		}
		at, err := a.AccessToken(ctx)
		if err != nil {
			return err
		}
		e, v, err := w.Fetch(ctx, arg, wallet.FetchOptions{Year: *year, IncludeMyNumber: *withMN}, at)
		if err != nil {
			return err
		}
		return printCert(env, f.json, e, v, *showMN)
	case "list":
		list, err := w.List(ctx)
		if err != nil {
			return err
		}
		type row struct {
			wallet.Entry
			Verified bool   `json:"verified"`
			Code     string `json:"failure_code,omitempty"`
		}
		var rows []row
		for _, e := range list {
			_, verr := w.Verify(ctx, e.ID)
			r := row{Entry: e, Verified: verr == nil, Code: string(failure.CodeOf(verr))}
			r.Credential = ""
			rows = append(rows, r)
		}
		if f.json {
			return writeJSON(env.Stdout, rows)
		}
		for _, r := range rows {
			mark := "✓"
			if !r.Verified {
				mark = "✗ " + r.Code
			}
			fmt.Fprintf(env.Stdout, "%s  %-10s  %s  %s\n", r.ID, r.Kind, r.FetchedAt.Format("2006-01-02"), mark)
		}
		return nil
	case "show", "verify":
		if err := need(); err != nil {
			return err
		}
		e, err := w.Get(ctx, arg)
		if err != nil {
			return err
		}
		v, err := w.Verify(ctx, arg)
		if err != nil {
			return err
		}
		return printCert(env, f.json, e, v, *showMN)
	case "export":
		if err := need(); err != nil {
			return err
		}
		e, err := w.Get(ctx, arg)
		if err != nil {
			return err
		}
		fmt.Fprintln(env.Stdout, e.Credential)
		return nil
	case "delete":
		if err := need(); err != nil {
			return err
		}
		return w.Delete(ctx, arg)
	case "audit":
		log, err := w.Audit(ctx)
		if err != nil {
			return err
		}
		if f.json {
			return writeJSON(env.Stdout, log)
		}
		for _, a := range log {
			fmt.Fprintf(env.Stdout, "%s  %s → %s (%s): %s\n", a.At.Format("2006-01-02 15:04"), a.Certificate,
				env.Tr.T("recipient."+a.To.Name), env.Tr.T("purpose."+a.To.Purpose), strings.Join(a.Fields, ", "))
		}
		return nil
	case "present":
		if err := need(); err != nil {
			return err
		}
		r, ok := a.Profile().RecipientByID(*toID)
		if !ok {
			var ids []string
			for _, r := range a.Profile().Recipients {
				ids = append(ids, r.ID)
			}
			return usageError{fmt.Sprintf("cert present: choose a recipient with --to (the profile lists: %s)", strings.Join(ids, ", "))}
		}
		return present(ctx, env, w, arg, *fields, *yes, wallet.Recipient{Name: r.ID, Purpose: r.Purpose, URL: r.URL})
	}
	return usageError{"cert: unknown command " + cmd}
}

// present discloses fields to the recipient after the person agreed to
// exactly those fields going to it.
func present(ctx context.Context, env *Env, w *wallet.Wallet, id, fieldList string, yes bool, to wallet.Recipient) error {
	v, err := w.Verify(ctx, id)
	if err != nil {
		return err
	}
	var fields []string
	for _, f := range strings.Split(fieldList, ",") {
		if f = strings.TrimSpace(f); f != "" {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		return usageError{"--fields is required; this certificate has: " + strings.Join(wallet.Fields(v), ", ")}
	}
	for _, f := range fields {
		if !slices.Contains(v.Disclosed, f) {
			return usageError{fmt.Sprintf("no field %q; this certificate has: %s", f, strings.Join(wallet.Fields(v), ", "))}
		}
	}
	fmt.Fprintf(env.Stderr, "%s\n", env.Tr.T("cli.consent", map[string]any{"Recipient": env.Tr.T("recipient." + to.Name), "Fields": strings.Join(fields, ", ")}))
	if !yes {
		ans, _ := bufio.NewReader(env.Stdin).ReadString('\n')
		ans = strings.ToLower(strings.TrimSpace(ans))
		if ans != "yes" && ans != "y" && ans != env.Tr.T("cli.yes") {
			fmt.Fprintln(env.Stderr, env.Tr.T("cli.consent_declined"))
			return errSilent
		}
	}
	res, err := w.PresentTo(ctx, id, fields, to)
	if err != nil {
		return err
	}
	return writeJSON(env.Stdout, res)
}

func printCert(env *Env, asJSON bool, e wallet.Entry, v *sdjwt.Verified, showMyNumber bool) error {
	maskMyNumber(v.Claims, showMyNumber)
	if asJSON {
		return writeJSON(env.Stdout, map[string]any{"id": e.ID, "kind": e.Kind, "vct": e.VCT, "issuer": v.Issuer,
			"issued_at": v.IssuedAt, "expires": v.Expires, "verified": true, "claims": v.Claims})
	}
	expires := "-"
	if !v.Expires.IsZero() {
		expires = env.Tr.Date(v.Expires)
	}
	fmt.Fprintf(env.Stdout, "%s (%s) ✓ %s → %s\n", e.ID, e.Kind, env.Tr.Date(v.IssuedAt), expires)
	for _, k := range i18n.OrderFields(wallet.Fields(v)) {
		val, _ := sdjwt.Lookup(v.Claims, k)
		fmt.Fprintf(env.Stdout, "  %s: %s\n", k, env.Tr.FieldValue(k, val))
	}
	return nil
}

// maskMyNumber replaces the My Number by its masked form unless asked.
func maskMyNumber(claims map[string]any, show bool) {
	if s, ok := claims["my_number"].(string); ok && !show {
		if mn, err := card.NewMyNumber(s); err == nil {
			claims["my_number"] = mn.String()
		} else {
			claims["my_number"] = "****"
		}
	}
}
