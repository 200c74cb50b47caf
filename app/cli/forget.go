package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"madoguchi/account"
	"madoguchi/app/common"
)

// forgetCommand is "forget me on this PC": after one confirmation, the
// session is ended at the provider (when there is one) and everything the
// app keeps for this user is removed — the sealed store (certificates,
// drafts, receipts), the municipality profile, the sandbox's data, the
// keyring's entries, the window's preferences — and it says what went.
func (r *runner) forgetCommand() *cobra.Command {
	env := r.env
	var yes bool
	f := &ssoFlags{}
	run := func(ctx context.Context, a *account.Account) error {
		tr := env.Tr
		if !yes {
			w := env.Prompt
			if w == nil {
				w = env.Stderr
			}
			fmt.Fprintln(w, tr.T("forget.question"))
			for _, p := range common.Kept() {
				fmt.Fprintln(w, "  - "+p)
			}
			fmt.Fprint(w, tr.T("forget.confirm"))
			in := env.Stdin
			if env.TTY != nil {
				in = env.TTY
			}
			ans, _ := bufio.NewReader(in).ReadString('\n')
			ans = strings.ToLower(strings.TrimSpace(ans))
			if ans != "yes" && ans != "y" && ans != tr.T("cli.yes") {
				fmt.Fprintln(env.Stdout, tr.T("forget.kept"))
				return nil
			}
		}
		if a != nil {
			// ended at the provider first; forgotten here whatever it says
			if err := a.SignOut(ctx); err != nil {
				ReportFailure(env, err)
			}
			a.Close()
		}
		removed, err := common.Forget(env.KeyStore())
		if r.json {
			j := map[string]any{"removed": removed, "keyring": err == nil}
			if err != nil {
				j["error"] = env.Tr.Explain(err)
			}
			return writeJSON(env.Stdout, j)
		}
		if len(removed) > 0 {
			fmt.Fprintln(env.Stdout, tr.T("forget.removed"))
			for _, p := range removed {
				fmt.Fprintln(env.Stdout, "  - "+p)
			}
		}
		fmt.Fprintln(env.Stdout, tr.T("forget.done"))
		return err
	}
	c := &cobra.Command{Use: "forget", Short: "forget me on this computer: remove everything Madoguchi keeps here for you (after one confirmation)",
		Args: r.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			// the session, when there is one, is ended at the provider too;
			// without a municipality or a session there is only this PC
			var a *account.Account
			if c, err := f.client(ctx); err == nil {
				if got, err := account.Resume(c, accountOptions(env)); err == nil {
					a = got
				}
			}
			return run(ctx, a)
		}}
	f.register(c.Flags(), false)
	r.jsonFlag(c)
	c.Flags().BoolVar(&yes, "yes", false, "do not ask (scripts)")
	return c
}

// stillKept says, after signing out, what stays on this computer and how
// to remove it ("" when nothing does).
func stillKept(env *Env) string {
	if _, err := os.Stat(filepath.Join(common.DataDir(), "madoguchi.sqlite")); errors.Is(err, os.ErrNotExist) {
		return ""
	}
	return env.Tr.T("cli.still_kept", map[string]any{"Path": common.DataDir()})
}
