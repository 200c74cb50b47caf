package gui

import (
	"context"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"madoguchi/account"
	"madoguchi/app/common"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/protocol/proxy"
	"madoguchi/ui"
)

// proxyService implements ui.ProxyService over the person's own account
// (the registry always sees the person, never someone they act for) and
// switches the screens to acting for a principal.
type proxyService struct {
	signIn *signInService
}

var _ ui.ProxyService = (*proxyService)(nil)

func (p *proxyService) Ready() bool { return p.signIn.Own() != nil }

func (p *proxyService) own() (*account.Account, error) {
	a := p.signIn.Own()
	if a == nil {
		return nil, failure.New(account.CodeNotSignedIn, "not signed in")
	}
	return a, nil
}

func viewGrant(tr *i18n.Localizer, g proxy.Grant, iAct bool) ui.ProxyGrant {
	v := ui.ProxyGrant{ID: g.ID, Other: g.Proxy.Name, Note: g.Note, Until: g.Expires, Status: g.Status,
		// what can be done with it: the grant's rules, here, not in the window
		CanAct:             iAct && g.Status == proxy.StatusActive,
		AwaitsConfirmation: iAct && g.Status == proxy.StatusNeedsConfirmation,
		CanConfirm:         !iAct && g.Status == proxy.StatusNeedsConfirmation,
		Ends:               g.Status != proxy.StatusRevoked && g.Status != proxy.StatusExpired}
	switch g.Status {
	case proxy.StatusActive, proxy.StatusPending, proxy.StatusNeedsConfirmation, proxy.StatusSuspended:
		v.CanEnd = true
	}
	if iAct {
		v.Other = g.Principal.Name
	}
	for _, s := range g.Scopes {
		v.Scopes = append(v.Scopes, common.DescribeScope(tr, s))
	}
	return v
}

func (p *proxyService) Relations(ctx context.Context, lang string) (ui.Relations, error) {
	a, err := p.own()
	if err != nil {
		return ui.Relations{}, err
	}
	gs, err := a.Grants(ctx)
	if err != nil {
		return ui.Relations{}, err
	}
	tr := i18n.New(lang)
	var rel ui.Relations
	for _, g := range gs.ActForMe {
		rel.ActForMe = append(rel.ActForMe, viewGrant(tr, g, false))
	}
	for _, g := range gs.IActFor {
		rel.IActFor = append(rel.IActFor, viewGrant(tr, g, true))
	}
	return rel, nil
}

func (p *proxyService) Choices(lang string) []ui.ScopeChoice {
	tr := i18n.New(lang)
	var out []ui.ScopeChoice
	for _, s := range common.ScopeChoices() {
		out = append(out, ui.ScopeChoice{ID: s, Text: common.DescribeScope(tr, s)})
	}
	return out
}

func (p *proxyService) Invite(ctx context.Context, scopes []string, until time.Time, note string) (ui.Invitation, error) {
	a, err := p.own()
	if err != nil {
		return ui.Invitation{}, err
	}
	inv, err := a.Invite(ctx, proxy.InviteRequest{Scopes: scopes, Expires: until, Note: note})
	if err != nil {
		return ui.Invitation{}, err
	}
	v := ui.Invitation{Code: inv.Code, Expires: inv.Expires}
	if q, err := qrcode.New(common.InvitationURI(inv.Code, a.Profile().Issuer), qrcode.Medium); err == nil {
		v.QR = q.Image(256)
	}
	return v, nil
}

func (p *proxyService) Accept(ctx context.Context, code string) error {
	a, err := p.own()
	if err != nil {
		return err
	}
	_, err = a.Accept(ctx, common.InvitationCode(code))
	return err
}

func (p *proxyService) Revoke(ctx context.Context, id string) error {
	a, err := p.own()
	if err != nil {
		return err
	}
	_, err = a.RevokeGrant(ctx, id)
	return err
}

func (p *proxyService) Confirm(ctx context.Context, id string) error {
	a, err := p.own()
	if err != nil {
		return err
	}
	_, err = a.ConfirmGrant(ctx, id)
	return err
}

func (p *proxyService) Trail(ctx context.Context, lang string) ([]string, error) {
	a, err := p.own()
	if err != nil {
		return nil, err
	}
	es, err := a.ProxyAudit(ctx)
	if err != nil {
		return nil, err
	}
	tr := i18n.New(lang)
	out := make([]string, 0, len(es))
	for _, e := range es {
		out = append(out, common.AuditLine(tr, e))
	}
	return out, nil
}

func (p *proxyService) ActAs(ctx context.Context, id string) error { return p.signIn.actAs(ctx, id) }

func (p *proxyService) StopActing() { p.signIn.stopActing() }

func (p *proxyService) Acting() string { return actingFor(p.signIn) }
