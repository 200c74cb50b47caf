package app

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/fixtures"
)

func sandboxCommand(ctx context.Context, args []string, env *Env) error {
	if len(args) == 0 {
		return usageError{"sandbox: which command? residents|card"}
	}
	fs := flag.NewFlagSet("sandbox "+args[0], flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	switch args[0] {
	case "residents":
		asJSON := fs.Bool("json", false, "print JSON")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		rs, err := fixtures.Residents()
		if err != nil {
			return err
		}
		if *asJSON {
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
	case "card":
		id := fs.String("resident", "", "sandbox resident `ID` whose card to emulate")
		addr := fs.String("vpcd", vcard.DefaultVPCDAddr, "vpcd address (vsmartcard's virtual reader)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		r, err := fixtures.ByID(*id)
		if err != nil {
			return usageError{err.Error()}
		}
		c, err := vcard.New(r)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "virtual My Number card of %s connected to vpcd at %s (Ctrl-C to remove)\n", r.ID, *addr)
		return vcard.ServeVPCD(ctx, *addr, c)
	}
	return usageError{"sandbox: unknown command " + args[0]}
}
