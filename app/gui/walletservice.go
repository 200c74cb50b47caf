package gui

import (
	"context"
	"slices"
	"sort"

	"madoguchi/account"
	"madoguchi/account/wallet"
	"madoguchi/i18n/failure"
	"madoguchi/protocol/certs"
	"madoguchi/protocol/proxy"
	"madoguchi/protocol/sdjwt"
	"madoguchi/ui"
)

// walletService adapts the signed-in account's wallet to the certificates
// screen. Where the store lives is the account's business (on disk when the
// sign-in is kept, in memory in the demo and kiosk mode).
type walletService struct {
	signIn *signInService
	// kiosk: the My Number is never shown, not even masked
	kiosk bool
}

var _ ui.WalletService = (*walletService)(nil)

func (ws *walletService) Ready() bool { return ws.signIn.Account() != nil }

// Kinds are the municipality's certificates, and the employer's documents
// when the profile names an employer.
// Acting for someone: only those their grant allows.
func (ws *walletService) Kinds() []string {
	kinds := []string{"residence", "tax", "attributes"}
	if ws.signIn.profile.Services["employer"] != "" {
		kinds = append(kinds, certs.EmployerKinds...)
	}
	if a := ws.signIn.Account(); a != nil && a.Acting() != nil {
		kinds = slices.DeleteFunc(kinds, func(k string) bool { return !a.Allows(proxy.CertScope(k)) })
	}
	return kinds
}

// Owner: the principal's name while acting for them.
func (ws *walletService) Owner() string { return actingFor(ws.signIn) }

// actingFor is the principal's name while acting for them, else "".
func actingFor(s *signInService) string {
	if a := s.Account(); a != nil && a.Acting() != nil {
		return a.Name()
	}
	return ""
}

// CanPresent: not while acting for someone (a grant never covers showing
// their certificates to third parties).
func (ws *walletService) CanPresent() bool {
	a := ws.signIn.Account()
	return a == nil || a.Acting() == nil
}

// wallet is the signed-in account's wallet.
func (ws *walletService) wallet(ctx context.Context) (*wallet.Wallet, error) {
	a := ws.signIn.Account()
	if a == nil {
		return nil, failure.New(account.CodeNotSignedIn, "not signed in")
	}
	return a.Wallet(ctx)
}

// Close closes the store.
func (ws *walletService) Close() { ws.signIn.Close() }

func (ws *walletService) toView(e wallet.Entry, v *sdjwt.Verified, err error) ui.WalletCert {
	c := ui.WalletCert{ID: e.ID, Kind: e.Kind, Verified: err == nil, Err: err}
	if v != nil {
		account.MaskMyNumber(v.Claims, false) // shown masked by default
		if ws.kiosk {
			delete(v.Claims, "my_number") // at a shared screen: not at all
		}
		c.IssuedAt, c.Expires = v.IssuedAt, v.Expires
		for _, name := range wallet.Fields(v) {
			if ws.kiosk && name == "my_number" {
				continue
			}
			val, _ := sdjwt.Lookup(v.Claims, name)
			c.Fields = append(c.Fields, ui.Field{Name: name, Value: val})
		}
	}
	return c
}

func (ws *walletService) List(ctx context.Context) ([]ui.WalletCert, error) {
	w, err := ws.wallet(ctx)
	if err != nil {
		return nil, err
	}
	list, err := w.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ui.WalletCert, 0, len(list))
	for _, e := range list {
		v, err := w.Verify(ctx, e.ID)
		out = append(out, ws.toView(e, v, err))
	}
	return out, nil
}

func (ws *walletService) Fetch(ctx context.Context, kind string) (ui.WalletCert, error) {
	a := ws.signIn.Account()
	if a == nil {
		return ui.WalletCert{}, failure.New(account.CodeNotSignedIn, "not signed in")
	}
	w, err := a.Wallet(ctx)
	if err != nil {
		return ui.WalletCert{}, err
	}
	at, err := a.TokenFor(ctx, proxy.AudienceCertificates)
	if err != nil {
		return ui.WalletCert{}, err
	}
	e, v, err := w.Fetch(ctx, kind, wallet.FetchOptions{}, at)
	if err != nil {
		return ui.WalletCert{}, err
	}
	return ws.toView(e, v, nil), nil
}

// Recipient is the municipality profile's recipient for presentations.
func (ws *walletService) Recipient() (string, string) {
	r, _ := ws.signIn.Profile().RecipientByID("")
	return r.ID, r.Purpose
}

func (ws *walletService) Present(ctx context.Context, id string, fields []string) error {
	if !ws.CanPresent() {
		return failure.New(proxy.CodeNotGranted, "acting for someone: presenting their certificates is not part of a grant")
	}
	w, err := ws.wallet(ctx)
	if err != nil {
		return err
	}
	r, ok := ws.signIn.Profile().RecipientByID("")
	if !ok {
		return failure.New(wallet.CodeFetch, "the municipality profile lists no recipient")
	}
	_, err = w.PresentTo(ctx, id, fields, wallet.Recipient{Name: r.ID, Purpose: r.Purpose, URL: r.URL})
	return err
}

func (ws *walletService) Audit(ctx context.Context) ([]ui.AuditRow, error) {
	w, err := ws.wallet(ctx)
	if err != nil {
		return nil, err
	}
	log, err := w.Audit(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ui.AuditRow, 0, len(log))
	for _, a := range log {
		kind := ""
		for k, vct := range certs.Kinds {
			if vct == a.VCT {
				kind = k
			}
		}
		out = append(out, ui.AuditRow{At: a.At, Certificate: a.Certificate, Kind: kind, Fields: a.Fields, To: a.To.Name, Purpose: a.To.Purpose})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}
