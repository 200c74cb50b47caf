package app

import (
	"context"
	"crypto/rand"
	"errors"
	"path/filepath"
	"sort"
	"sync"

	"madoguchi/protocol/certs"
	"madoguchi/protocol/sdjwt"
	"madoguchi/store"
	"madoguchi/ui"
	"madoguchi/wallet"
)

// walletService adapts the wallet to the certificates screen. The store is
// session-only (in memory, random key) when the sign-in is not kept (demo,
// kiosk), otherwise on disk sealed with the keyring's data key.
type walletService struct {
	signIn *signInService

	mu      sync.Mutex
	st      *store.Store
	w       *wallet.Wallet
	account string
}

var _ ui.WalletService = (*walletService)(nil)

func (ws *walletService) Ready() bool {
	ws.signIn.mu.Lock()
	defer ws.signIn.mu.Unlock()
	return ws.signIn.session != nil
}

// wallet opens (or reuses) the wallet of the signed-in account.
func (ws *walletService) wallet(ctx context.Context) (*wallet.Wallet, error) {
	ws.signIn.mu.Lock()
	sess, client := ws.signIn.session, ws.signIn.client
	ws.signIn.mu.Unlock()
	if sess == nil {
		return nil, errors.New("not signed in")
	}
	p := ws.signIn.profile
	account := p.ID + "/" + sess.Subject()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.w != nil && ws.account == account {
		return ws.w, nil
	}
	if ws.st == nil {
		var err error
		// on disk only when the sign-in itself is kept in the keyring; without
		// a keyring (or in the demo/kiosk) the store lives in memory
		if ws.signIn.keep && ws.signIn.Persistent() {
			key, kerr := ws.signIn.keys.DataKey("store")
			if kerr != nil {
				return nil, kerr
			}
			ws.st, err = store.Open(filepath.Join(dataDir(), "madoguchi.sqlite"), key)
			clear(key)
		} else {
			key := make([]byte, 32)
			rand.Read(key)
			ws.st, err = store.Open(":memory:", key)
			clear(key)
		}
		if err != nil {
			return nil, err
		}
	}
	hc, err := client.Profile().HTTPClient()
	if err != nil {
		return nil, err
	}
	issuer := p.Services["certificates"]
	if issuer == "" {
		issuer = p.Issuer
	}
	w, err := wallet.Open(ctx, ws.st, account, issuer, hc)
	if err != nil {
		return nil, err
	}
	ws.w, ws.account = w, account
	return w, nil
}

// Close closes the store.
func (ws *walletService) Close() {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.st != nil {
		ws.st.Close()
	}
}

// display renders a claim value for people.
func toView(e wallet.Entry, v *sdjwt.Verified, err error) ui.WalletCert {
	c := ui.WalletCert{ID: e.ID, Kind: e.Kind, Verified: err == nil, Err: err}
	if v != nil {
		maskMyNumber(v.Claims, false) // shown masked by default
		c.IssuedAt, c.Expires = v.IssuedAt, v.Expires
		for _, name := range wallet.Fields(v) {
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
		out = append(out, toView(e, v, err))
	}
	return out, nil
}

func (ws *walletService) Fetch(ctx context.Context, kind string) (ui.WalletCert, error) {
	w, err := ws.wallet(ctx)
	if err != nil {
		return ui.WalletCert{}, err
	}
	ws.signIn.mu.Lock()
	sess := ws.signIn.session
	ws.signIn.mu.Unlock()
	at, err := sess.AccessToken(ctx)
	if err != nil {
		return ui.WalletCert{}, err
	}
	e, v, err := w.Fetch(ctx, kind, wallet.FetchOptions{}, at)
	if err != nil {
		return ui.WalletCert{}, err
	}
	return toView(e, v, nil), nil
}

// Recipient is the municipality profile's recipient for presentations.
func (ws *walletService) Recipient() (string, string) {
	r, _ := ws.signIn.profile.RecipientByID("")
	return r.ID, r.Purpose
}

func (ws *walletService) Present(ctx context.Context, id string, fields []string) error {
	w, err := ws.wallet(ctx)
	if err != nil {
		return err
	}
	r, ok := ws.signIn.profile.RecipientByID("")
	if !ok {
		return &wallet.Error{Code: wallet.CodeFetch, Detail: "the municipality profile lists no recipient"}
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
