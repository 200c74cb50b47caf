//go:build !nosandbox

package app

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"

	"madoguchi/auth/sso"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/idp"
	"madoguchi/sandbox/issuer"
)

func sandboxCommand(ctx context.Context, args []string, env *Env) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return sandboxServe(ctx, args, env)
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

// sandboxServe runs the sandbox municipality (its OpenID Provider) until
// interrupted, and writes the profile the app uses to reach it.
func sandboxServe(ctx context.Context, args []string, env *Env) error {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	addr := fs.String("addr", "127.0.0.1:8443", "listen address (loopback)")
	data := fs.String("data", defaultSandboxData(), "data `folder` (database, development CA)")
	remote := fs.Bool("allow-remote", false, "listen on a non-loopback address (the sandbox's keys are PUBLIC: anyone reaching it can mint sign-ins)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !loopbackAddr(*addr) {
		if !*remote {
			return usageError{"sandbox: " + *addr + " is not a loopback address. The sandbox municipality's CA and signing keys are public on purpose: " +
				"anyone who can reach it can forge residents' sign-ins. Use 127.0.0.1, or --allow-remote if you really mean it."}
		}
		fmt.Fprintln(env.Stderr, strings.Repeat("!", 72)+"\n"+
			"WARNING: the sandbox municipality listens on "+*addr+", beyond this computer.\n"+
			"Its CA and keys are public: it is NOT a real municipality and must never hold real data.\n"+
			strings.Repeat("!", 72))
	}
	s, err := idp.Start(idp.Config{Addr: *addr, DataDir: *data, Mount: []func(*idp.Server, *http.ServeMux) error{issuer.Mount}})
	if err != nil {
		return err
	}
	defer s.Close()
	p := sso.Profile{ID: "sandbox", Issuer: s.Issuer, ClientID: idp.AppClientID, Scopes: sso.DefaultScopes, CAFile: s.CAFile,
		DisplayName: map[string]string{"ja": "架空のサンドボックス市", "en": "fictional Sandbox City"},
		Recipients:  sandboxRecipients(s.Issuer)}
	b, _ := json.MarshalIndent(p, "", "  ")
	if err := os.WriteFile(sandboxProfilePath(*data), append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "sandbox municipality at %s\n  development CA: %s\n  profile: %s\n(Ctrl-C to stop)\n",
		s.Issuer, s.CAFile, sandboxProfilePath(*data))
	<-ctx.Done()
	return nil
}
