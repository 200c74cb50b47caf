//go:build !nosandbox

package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"madoguchi/app/demo"
	"madoguchi/i18n/failure"
	"madoguchi/protocol/bundle"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/idp"
	"madoguchi/sandbox/intake"
)

func (r *runner) sandboxCommand() *cobra.Command {
	env := r.env
	var addr, data string
	var remote bool
	serve := &cobra.Command{
		Use:   "sandbox",
		Short: "run the sandbox municipality (fictional; for development, tests, demos and training)",
		Args:  r.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return sandboxServe(cmd.Context(), env, addr, data, remote)
		},
	}
	serve.Flags().StringVar(&addr, "addr", "127.0.0.1:8443", "listen address (loopback)")
	serve.Flags().StringVar(&data, "data", defaultSandboxData(), "data `folder` (database, development CA)")
	serve.Flags().BoolVar(&remote, "allow-remote", false, "listen on a non-loopback address (the sandbox's keys are PUBLIC: anyone reaching it can mint sign-ins)")

	residents := &cobra.Command{Use: "residents", Short: "the fictional residents and their sandbox PINs", Args: r.noArgs,
		RunE: func(*cobra.Command, []string) error {
			rs, err := fixtures.Residents()
			if err != nil {
				return err
			}
			if r.json {
				return writeJSON(env.Stdout, rs)
			}
			fmt.Fprintln(env.Stdout, "FICTIONAL sandbox residents — the PINs are sandbox data for tests, demos and training.")
			w := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tNAME\tROLE\tAUTH PIN\tSIGNING PASSWORD\tINPUT PIN")
			for _, r := range rs {
				sp := r.SignPassword
				if sp == "" {
					sp = "(none)"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Name, r.Role, r.AuthPIN, sp, r.InputPIN)
			}
			return w.Flush()
		}}
	r.jsonFlag(residents)

	var id, vpcd string
	cardCmd := &cobra.Command{Use: "card", Short: "a fictional resident's virtual card in vsmartcard's virtual reader (vpcd)", Args: r.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := fixtures.ByID(id)
			if err != nil {
				return usageError{err.Error()}
			}
			c, err := vcard.New(res)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stderr, "virtual My Number card of %s connected to vpcd at %s (Ctrl-C to remove)\n", res.ID, vpcd)
			return vcard.ServeVPCD(cmd.Context(), vpcd, c)
		}}
	cardCmd.Flags().StringVar(&id, "resident", "", "sandbox resident `ID` whose card to emulate")
	cardCmd.Flags().StringVar(&vpcd, "vpcd", vcard.DefaultVPCDAddr, "vpcd address (vsmartcard's virtual reader)")
	cardCmd.RegisterFlagCompletionFunc("resident", residentCompletions)
	var note string
	setStatus := &cobra.Command{Use: "set-status RECEIPT STATUS", Short: "move a receipt on, as municipal staff would (" + strings.Join(bundle.Statuses, ", ") + ")",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageError{"sandbox admin set-status RECEIPT STATUS"}
			}
			return nil
		},
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 1 {
				return bundle.Statuses, cobra.ShellCompDirectiveNoFileComp
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := intake.Open(data)
			if err != nil {
				return &failure.Error{Code: demo.CodeStart, Err: err}
			}
			defer in.Close()
			if !slices.Contains(bundle.Statuses, args[1]) {
				return usageError{fmt.Sprintf("status %q: one of %s", args[1], strings.Join(bundle.Statuses, ", "))}
			}
			if err := in.SetStatus(cmd.Context(), args[0], args[1], note); err != nil {
				return usageError{err.Error()}
			}
			if r.json {
				return writeJSON(env.Stdout, map[string]string{"receipt": args[0], "status": args[1]})
			}
			fmt.Fprintf(env.Stdout, "%s: %s\n", args[0], args[1])
			return nil
		}}
	setStatus.Flags().StringVar(&note, "note", "", "a note for the resident (e.g. what information is needed)")
	setStatus.Flags().StringVar(&data, "data", defaultSandboxData(), "the sandbox's data `folder`")
	r.jsonFlag(setStatus)
	// the registry of cards, as staff would change it (proxy grants follow)
	standing := func(use, short string, do func(a *idp.Admin, ctx context.Context, resident string) error) *cobra.Command {
		c := &cobra.Command{Use: use + " RESIDENT", Short: short, Args: exactArg("fictional resident (see `madoguchi sandbox residents`)"),
			ValidArgsFunction: residentCompletions,
			RunE: func(cmd *cobra.Command, args []string) error {
				if _, err := fixtures.ByID(args[0]); err != nil {
					return failure.New(demo.CodeNoResident, err.Error()).With("Resident", args[0])
				}
				a, err := idp.OpenAdmin(data)
				if err != nil {
					return &failure.Error{Code: demo.CodeStart, Err: err}
				}
				defer a.Close()
				if err := do(a, cmd.Context(), idp.ResidentID(args[0])); err != nil {
					return &failure.Error{Code: demo.CodeStart, Err: err}
				}
				if r.json {
					return writeJSON(env.Stdout, map[string]string{"resident": args[0], "done": use})
				}
				fmt.Fprintf(env.Stdout, "%s: %s\n", args[0], use)
				return nil
			}}
		c.Flags().StringVar(&data, "data", defaultSandboxData(), "the sandbox's data `folder`")
		r.jsonFlag(c)
		return c
	}
	var resume, off bool
	suspend := standing("suspend-card", "suspend a resident's card (reported lost): sign-ins stop, proxy grants on it are suspended",
		func(a *idp.Admin, ctx context.Context, id string) error { return a.SuspendCard(ctx, id, !resume) })
	suspend.Flags().BoolVar(&resume, "resume", false, "lift the suspension")
	protect := standing("protect", "flag a resident for protection (支援措置): pending invitations void, proxies stop until confirmed",
		func(a *idp.Admin, ctx context.Context, id string) error { return a.SetProtected(ctx, id, !off) })
	protect.Flags().BoolVar(&off, "off", false, "lift the flag")
	reissue := standing("reissue-card", "re-issue a resident's card: proxy grants need the principal's confirmation",
		(*idp.Admin).ReissueCard)
	admin := r.group("admin", "act as the sandbox municipality's staff", setStatus, suspend, protect, reissue)
	serve.AddCommand(residents, cardCmd, admin)
	return serve
}

// residentCompletions completes the fictional residents' ids.
func residentCompletions(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	rs, _ := fixtures.Residents()
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID+"\t"+r.Name)
	}
	return ids, cobra.ShellCompDirectiveNoFileComp
}

// sandboxServe runs the sandbox municipality (its OpenID Provider) until
// interrupted, and writes the profile the app uses to reach it.
func sandboxServe(ctx context.Context, env *Env, addr, data string, remote bool) error {
	if !loopbackAddr(addr) {
		if !remote {
			return usageError{"sandbox: " + addr + " is not a loopback address. The sandbox municipality's CA and signing keys are public on purpose: " +
				"anyone who can reach it can forge residents' sign-ins. Use 127.0.0.1, or --allow-remote if you really mean it."}
		}
		fmt.Fprintln(env.Stderr, strings.Repeat("!", 72)+"\n"+
			"WARNING: the sandbox municipality listens on "+addr+", beyond this computer.\n"+
			"Its CA and keys are public: it is NOT a real municipality and must never hold real data.\n"+
			strings.Repeat("!", 72))
	}
	s, err := demo.Serve(addr, data, 0)
	if err != nil {
		return &failure.Error{Code: demo.CodeStart, Err: err}
	}
	defer s.Close()
	b, _ := json.MarshalIndent(demo.Profile(s, "sandbox"), "", "  ")
	if err := os.WriteFile(sandboxProfilePath(data), append(b, '\n'), 0o644); err != nil {
		return failure.Wrap(CodeFileUnwritable, err)
	}
	fmt.Fprintf(env.Stderr, "sandbox municipality at %s\n  development CA: %s\n  profile: %s\n(Ctrl-C to stop)\n",
		s.Issuer, s.CAFile, sandboxProfilePath(data))
	<-ctx.Done()
	return nil
}
