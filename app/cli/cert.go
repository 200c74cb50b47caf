package cli

import (
	"bufio"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"madoguchi/account"
	"madoguchi/account/wallet"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/protocol/proxy"
	"madoguchi/protocol/sdjwt"
)

func (r *runner) certCommand() *cobra.Command {
	env := r.env
	f := &ssoFlags{}
	var year int
	var withMN, showMN, yes bool
	var fields, toID string
	// cmd makes one cert command that works on the kept session's wallet
	cmd := func(use, short string, args cobra.PositionalArgs, run func(ctx context.Context, a *account.Account, w *wallet.Wallet, arg string) error) *cobra.Command {
		return r.onAccount(f, use, short, args, func(ctx context.Context, a *account.Account, arg string) error {
			w, err := a.Wallet(ctx)
			if err != nil {
				return err
			}
			return run(ctx, a, w, arg)
		})
	}
	fetch := cmd("fetch residence|tax|attributes|withholding|employment", "get a certificate: from the municipality, or your employer's documents", exactArg("certificate (residence, tax, attributes, withholding or employment)"),
		func(ctx context.Context, a *account.Account, w *wallet.Wallet, kind string) error {
			at, err := a.TokenFor(ctx, proxy.AudienceCertificates)
			if err != nil {
				return err
			}
			e, v, err := w.Fetch(ctx, kind, wallet.FetchOptions{Year: year, IncludeMyNumber: withMN}, at)
			if err != nil {
				return err
			}
			return printCert(env, r.json, e, v, showMN)
		})
	fetch.ValidArgs = []string{"residence", "tax", "attributes", "withholding", "employment"}
	fetch.Flags().IntVar(&year, "year", 0, "tax certificate: fiscal year")
	fetch.Flags().BoolVar(&withMN, "mynumber", false, "include the My Number in a residence record (only when a procedure needs it; the municipality must allow it)")
	list := cmd("list", "the certificates kept on this computer", r.noArgs,
		func(ctx context.Context, _ *account.Account, w *wallet.Wallet, _ string) error {
			list, err := w.List(ctx)
			if err != nil {
				return err
			}
			type row struct {
				wallet.Entry
				Verified bool   `json:"verified"`
				Code     string `json:"failure_code,omitempty"`
			}
			rows := []row{}
			for _, e := range list {
				_, verr := w.Verify(ctx, e.ID)
				r := row{Entry: e, Verified: verr == nil, Code: string(failure.CodeOf(verr))}
				r.Credential = ""
				rows = append(rows, r)
			}
			if r.json {
				return writeJSON(env.Stdout, rows)
			}
			for _, r := range rows {
				mark := "✓"
				if !r.Verified {
					mark = "✗ " + r.Code
				}
				fmt.Fprintf(env.Stdout, "%s  %-10s  %s  %s\n", r.ID, r.Kind, env.Tr.Date(r.FetchedAt), mark)
			}
			return nil
		})
	showOrVerify := func(ctx context.Context, _ *account.Account, w *wallet.Wallet, id string) error {
		e, err := w.Get(ctx, id)
		if err != nil {
			return err
		}
		v, err := w.Verify(ctx, id)
		if err != nil {
			return err
		}
		return printCert(env, r.json, e, v, showMN)
	}
	show := cmd("show ID", "a kept certificate, verified, its fields in a readable order", exactArg("certificate (see `madoguchi cert list`)"), showOrVerify)
	show.Flags().BoolVar(&showMN, "show-mynumber", false, "print the My Number unmasked")
	verify := cmd("verify ID", "verify a kept certificate offline (signature, expiry, issuer)", exactArg("certificate (see `madoguchi cert list`)"), showOrVerify)
	export := cmd("export ID", "print a kept certificate as issued (SD-JWT)", exactArg("certificate (see `madoguchi cert list`)"),
		func(ctx context.Context, _ *account.Account, w *wallet.Wallet, id string) error {
			e, err := w.Get(ctx, id)
			if err != nil {
				return err
			}
			if r.json {
				return writeJSON(env.Stdout, map[string]string{"id": e.ID, "credential": e.Credential})
			}
			fmt.Fprintln(env.Stdout, e.Credential)
			return nil
		})
	del := cmd("delete ID", "delete a kept certificate from this computer", exactArg("certificate (see `madoguchi cert list`)"),
		func(ctx context.Context, _ *account.Account, w *wallet.Wallet, id string) error {
			if err := w.Delete(ctx, id); err != nil {
				return err
			}
			if r.json {
				return writeJSON(env.Stdout, map[string]any{"id": id, "deleted": true})
			}
			return nil
		})
	audit := cmd("audit", "the log of what was disclosed, to whom and when", r.noArgs,
		func(ctx context.Context, _ *account.Account, w *wallet.Wallet, _ string) error {
			log, err := w.Audit(ctx)
			if err != nil {
				return err
			}
			if r.json {
				return writeJSON(env.Stdout, log)
			}
			for _, a := range log {
				fmt.Fprintf(env.Stdout, "%s %s  %s → %s (%s): %s\n", env.Tr.Date(a.At), a.At.In(i18n.JST).Format("15:04"), a.Certificate,
					env.Tr.T("recipient."+a.To.Name), env.Tr.T("purpose."+a.To.Purpose), strings.Join(a.Fields, ", "))
			}
			return nil
		})
	presentCmd := cmd("present ID", "disclose only the fields you choose, after your consent", exactArg("certificate (see `madoguchi cert list`)"),
		func(ctx context.Context, a *account.Account, w *wallet.Wallet, id string) error {
			to, ok := a.Profile().RecipientByID(toID)
			if !ok {
				var ids []string
				for _, r := range a.Profile().Recipients {
					ids = append(ids, r.ID)
				}
				return usageError{fmt.Sprintf("cert present: choose a recipient with --to (the profile lists: %s)", strings.Join(ids, ", "))}
			}
			return present(ctx, env, w, id, fields, yes, wallet.Recipient{Name: to.ID, Purpose: to.Purpose, URL: to.URL})
		})
	presentCmd.Flags().StringVar(&fields, "fields", "", "comma-separated fields to disclose")
	presentCmd.Flags().BoolVar(&yes, "yes", false, "consent given beforehand (scripts)")
	presentCmd.Flags().StringVar(&toID, "to", "", "the recipient, by its id in the municipality profile (default: the only one listed)")
	return r.group("cert", "official certificates: fetch, keep, verify and present them",
		fetch, list, show, verify, presentCmd, export, del, audit)
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
			return failure.New(CodePresentDeclined, "the person did not agree")
		}
	}
	res, err := w.PresentTo(ctx, id, fields, to)
	if err != nil {
		return err
	}
	return writeJSON(env.Stdout, res)
}

func printCert(env *Env, asJSON bool, e wallet.Entry, v *sdjwt.Verified, showMyNumber bool) error {
	account.MaskMyNumber(v.Claims, showMyNumber)
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
