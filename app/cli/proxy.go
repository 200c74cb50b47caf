package cli

import (
	"context"
	"fmt"
	"madoguchi/app/common"
	"slices"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"
	"github.com/spf13/cobra"

	"madoguchi/account"
	"madoguchi/i18n"
	"madoguchi/protocol/proxy"
)

// InvitationURI is what the invitation's QR code holds (common's).
func InvitationURI(code, municipality string) string { return common.InvitationURI(code, municipality) }

// InvitationCode takes a typed code or a scanned invitation URI (common's).
func InvitationCode(s string) string { return common.InvitationCode(s) }

// InvitationQR is the invitation's QR code as terminal text (two rows of
// modules per line).
func InvitationQR(uri string) (string, error) {
	q, err := qrcode.New(uri, qrcode.Medium)
	if err != nil {
		return "", err
	}
	return q.ToSmallString(false), nil
}

// DescribeScope says a grant scope in plain language (common's).
func DescribeScope(tr *i18n.Localizer, scope string) string { return common.DescribeScope(tr, scope) }

// ScopeChoices are the scopes a principal can grant (common's).
func ScopeChoices() []string { return common.ScopeChoices() }

func (r *runner) proxyCommand() *cobra.Command {
	env := r.env
	f := &ssoFlags{}
	var scopes []string
	var expires, note string
	// cmd is a proxy command on the person's own kept session (--as is not
	// a flag of this tree: the registry always sees the person)
	cmd := func(use, short string, args cobra.PositionalArgs, run func(ctx context.Context, a *account.Account, arg string) error) *cobra.Command {
		return r.onAccount(f, use, short, args, run)
	}
	invite := cmd("invite", "let a family member act for you: prints a one-time code (and QR code) they accept with their own card", r.noArgs,
		func(ctx context.Context, a *account.Account, _ string) error {
			if len(scopes) == 0 {
				return usageError{"--scopes is required (e.g. --scopes cert:residence,file:moving-out-notice,status)"}
			}
			known := ScopeChoices()
			for _, sc := range scopes {
				// file:X where the law leaves signing to the person is offered as prepare:X
				if !slices.Contains(known, sc) && !slices.Contains(known, strings.Replace(sc, proxy.PreparePrefix, proxy.FilePrefix, 1)) {
					return usageError{fmt.Sprintf("--scopes: %q is not something a proxy can be allowed; choose from %s", sc, strings.Join(known, ", "))}
				}
			}
			req := proxy.InviteRequest{Scopes: scopes, Note: note}
			if expires != "" {
				t, err := time.ParseInLocation(time.DateOnly, expires, i18n.JST)
				if err != nil {
					return usageError{"--expires YYYY-MM-DD"}
				}
				req.Expires = t.Add(24*time.Hour - time.Second) // to the end of that day
			}
			inv, err := a.Invite(ctx, req)
			if err != nil {
				return err
			}
			uri := InvitationURI(inv.Code, a.Profile().Issuer)
			if r.json {
				return writeJSON(env.Stdout, map[string]any{"code": inv.Code, "uri": uri, "expires": inv.Expires, "grant": inv.Grant})
			}
			tr := env.Tr
			fmt.Fprintln(env.Stdout, tr.T("proxy.invite.code", map[string]any{"Code": inv.Code, "Expires": tr.DateTime(inv.Expires)}))
			fmt.Fprintln(env.Stdout, tr.T("proxy.invite.allowed", map[string]any{"Until": tr.Date(inv.Grant.Expires)}))
			for _, s := range inv.Grant.Scopes {
				fmt.Fprintln(env.Stdout, "  - "+DescribeScope(tr, s))
			}
			if qr, err := InvitationQR(uri); err == nil {
				fmt.Fprint(env.Stdout, qr)
			}
			fmt.Fprintln(env.Stdout, tr.T("proxy.invite.next"))
			return nil
		})
	invite.Flags().StringSliceVar(&scopes, "scopes", nil, "what the proxy may do, comma-separated: cert:residence|tax|attributes, file:PROCEDURE, prepare:PROCEDURE, status, protected (address and household)")
	invite.Flags().StringVar(&expires, "expires", "", "last day (YYYY-MM-DD, JST) the proxy may act; default one year")
	invite.Flags().StringVar(&note, "note", "", "a note both of you see (up to 200 characters)")
	invite.RegisterFlagCompletionFunc("scopes", fixedCompletions(ScopeChoices()...))
	accept := cmd("accept CODE", "accept an invitation with your own card: you may then act for the person who made it", exactArg("invitation code (e.g. ABCD-EFGH-JKLM)"),
		func(ctx context.Context, a *account.Account, code string) error {
			g, err := a.Accept(ctx, InvitationCode(code))
			if err != nil {
				return err
			}
			if r.json {
				return writeJSON(env.Stdout, g)
			}
			fmt.Fprintln(env.Stdout, env.Tr.T("proxy.accepted", map[string]any{"Name": g.Principal.Name}))
			r.printGrant(g, true)
			return nil
		})
	list := cmd("list", "people who act for you, and people you act for", r.noArgs,
		func(ctx context.Context, a *account.Account, _ string) error {
			gs, err := a.Grants(ctx)
			if err != nil {
				return err
			}
			if r.json {
				return writeJSON(env.Stdout, gs)
			}
			fmt.Fprintln(env.Stdout, env.Tr.T("proxy.list.act_for_me"))
			if len(gs.ActForMe) == 0 {
				fmt.Fprintln(env.Stdout, "  "+env.Tr.T("proxy.list.none"))
			}
			for _, g := range gs.ActForMe {
				r.printGrant(g, false)
			}
			fmt.Fprintln(env.Stdout, env.Tr.T("proxy.list.i_act_for"))
			if len(gs.IActFor) == 0 {
				fmt.Fprintln(env.Stdout, "  "+env.Tr.T("proxy.list.none"))
			}
			for _, g := range gs.IActFor {
				r.printGrant(g, true)
			}
			return nil
		})
	change := func(use, short, done string, do func(*account.Account, context.Context, string) (proxy.Grant, error)) *cobra.Command {
		return cmd(use, short, exactArg("grant id (see `madoguchi proxy list`)"), func(ctx context.Context, a *account.Account, id string) error {
			g, err := do(a, ctx, id)
			if err != nil {
				return err
			}
			if r.json {
				return writeJSON(env.Stdout, g)
			}
			other := g.Proxy.Name
			if g.Proxy.Subject == a.Subject() {
				other = g.Principal.Name
			}
			fmt.Fprintln(env.Stdout, env.Tr.T(done, map[string]any{"Name": other}))
			return nil
		})
	}
	revoke := change("revoke ID", "end a proxy registration now (the person who granted it, or the proxy giving it up)", "proxy.revoked", (*account.Account).RevokeGrant)
	confirm := change("confirm ID", "confirm a proxy again after a card was renewed or re-issued", "proxy.confirmed", (*account.Account).ConfirmGrant)
	audit := cmd("audit", "everything done on your behalf by your proxies, allowed or refused", r.noArgs,
		func(ctx context.Context, a *account.Account, _ string) error {
			es, err := a.ProxyAudit(ctx)
			if err != nil {
				return err
			}
			if r.json {
				return writeJSON(env.Stdout, es)
			}
			if len(es) == 0 {
				fmt.Fprintln(env.Stdout, env.Tr.T("proxy.audit.none"))
			}
			for _, e := range es {
				fmt.Fprintln(env.Stdout, AuditLine(env.Tr, e))
			}
			return nil
		})
	return r.group("proxy", "registered proxies: let family act for you, act for them, see what was done", invite, accept, list, revoke, confirm, audit, r.letterCommand())
}

// AuditLine is one act in the principal's trail, in plain language (common's).
func AuditLine(tr *i18n.Localizer, e proxy.AuditEntry) string { return common.AuditLine(tr, e) }

// printGrant prints a grant: the other person, status, until when, what.
func (r *runner) printGrant(g proxy.Grant, iAmProxy bool) {
	tr := r.env.Tr
	other := g.Proxy.Name
	if iAmProxy {
		other = g.Principal.Name
	}
	if other == "" {
		other = tr.T("proxy.not_accepted")
	}
	fmt.Fprintf(r.env.Stdout, "  %s  %s  %s  %s\n", g.ID, other, tr.T("proxy.status."+g.Status), tr.T("proxy.until", map[string]any{"Date": tr.Date(g.Expires)}))
	for _, s := range g.Scopes {
		fmt.Fprintln(r.env.Stdout, "      - "+DescribeScope(tr, s))
	}
}
