// Package account owns one signed-in person at one municipality: the
// profile, the session (silent refresh, every rotated refresh token
// persisted), where its secrets live (injected keystore), the sealed local
// store, the wallet (account/wallet) and its audit log, the drafts of life
// events (the interview's answers, what stands filed, the signed bundle
// until it is receipted) and filing them. The CLI and the GUI both go
// through it; nothing else reads its state. A person is a subject, optionally acting
// for a principal (Actor, for registered proxies).
package account

import (
	"context"
	"crypto/rand"
	"errors"
	"path/filepath"
	"sync"

	"madoguchi/account/wallet"
	"madoguchi/auth/card"
	"madoguchi/auth/keystore"
	"madoguchi/auth/sso"
	"madoguchi/i18n/failure"
	"madoguchi/protocol/bundle"
	"madoguchi/protocol/certs"
	"madoguchi/protocol/proxy"
	"madoguchi/store"
)

// Options say where a person's state lives.
type Options struct {
	// Keys holds the refresh token and the store's data key.
	Keys *keystore.Store
	// Keep: keep the session in Keys, so it survives a restart (false in the
	// demo and kiosk mode: nothing is left on the computer).
	Keep bool
	// RequireKept: when the session cannot be kept, revoke what was just
	// issued and fail (KEYRING-UNAVAILABLE) rather than go on in memory.
	RequireKept bool
	// DataDir holds the sealed store of a kept account ("" or not kept: the
	// store lives in memory with a random key).
	DataDir string
}

// CodeNotSignedIn: nobody is signed in at this municipality on this computer.
const CodeNotSignedIn failure.Code = "NOT-SIGNED-IN"

// Codes lists the account's failure codes.
var Codes = failure.Register("account", CodeNotSignedIn)

// ErrNotSignedIn matches (errors.Is) any NOT-SIGNED-IN failure.
var ErrNotSignedIn = &failure.Error{Code: CodeNotSignedIn}

// Account is a signed-in person.
type Account struct {
	opts   Options
	client *sso.Client
	sess   *sso.Session
	name   string
	// act: acting for a principal under a grant (nil: for themselves)
	act  *acting
	kept bool
	// card names the card the person signed in with (its auth
	// certificate's SHA-256; "" when not known)
	card string
	// acr: how the sign-in authenticated the person (from the ID token; ""
	// for a resumed session)
	acr string

	mu sync.Mutex
	st *store.Store
	w  *wallet.Wallet
	// keptReceipts are the receipts this account wrote to the store
	keptReceipts map[string]bundle.Receipt
}

// SignIn signs in with the card (consent and PIN through cl) and keeps the
// session as the options say.
func SignIn(ctx context.Context, c *sso.Client, cl sso.CardLogin, o Options) (*Account, error) {
	tok, err := c.Login(ctx, cl)
	if err != nil {
		return nil, err
	}
	name := tok.Claims.Name
	if info, err := c.UserInfo(ctx, tok.AccessToken); err == nil {
		if n, ok := info["name"].(string); ok {
			name = n
		}
	}
	a := &Account{opts: o, client: c, sess: sso.NewSession(c, tok), name: name, acr: tok.Claims.ACR}
	if der, err := cl.AuthCertificate(ctx); err == nil { // cached for the insertion: no card traffic
		a.card = CardID(der)
	}
	if o.Keep {
		err := o.Keys.Save(c.Profile().ID, keystore.Entry{RefreshToken: tok.RefreshToken, Subject: tok.Claims.Subject, Name: name,
			AccessToken: tok.AccessToken, Expiry: tok.Expiry, Card: a.card})
		switch {
		case err == nil:
			a.kept = true
			a.sess.Persist = a.persist
		case o.RequireKept:
			// no live session at the provider that nobody holds
			_ = c.Revoke(context.WithoutCancel(ctx), tok.RefreshToken, "refresh_token")
			return nil, err
		}
	}
	return a, nil
}

// Resume takes up the session kept for the profile (no network: the first
// AccessToken refreshes). ErrNotSignedIn when none is kept.
func Resume(c *sso.Client, o Options) (*Account, error) {
	e, err := o.Keys.Load(c.Profile().ID)
	if errors.Is(err, keystore.ErrNotFound) {
		return nil, failure.New(CodeNotSignedIn, "no session kept for "+c.Profile().ID)
	}
	if err != nil {
		return nil, err
	}
	a := &Account{opts: o, client: c, name: e.Name, kept: true, card: e.Card,
		sess: sso.NewSession(c, &sso.Tokens{RefreshToken: e.RefreshToken, AccessToken: e.AccessToken, Expiry: e.Expiry,
			Claims: sso.IDClaims{Subject: e.Subject}})}
	a.sess.Persist = a.persist
	return a, nil
}

func (a *Account) persist(t *sso.Tokens) error {
	e, err := a.opts.Keys.Load(a.client.Profile().ID)
	if err != nil {
		return err
	}
	e.RefreshToken, e.AccessToken, e.Expiry = t.RefreshToken, t.AccessToken, t.Expiry
	return a.opts.Keys.Save(a.client.Profile().ID, e)
}

// Refresh refreshes the session now (proves it is alive; the refresh token
// rotates and is kept).
func (a *Account) Refresh(ctx context.Context) error {
	_, err := a.sess.Refresh(ctx)
	if failure.CodeOf(err) == sso.CodeSessionExpired && a.kept {
		_ = a.opts.Keys.Delete(a.Profile().ID)
	}
	return err
}

// Profile is the municipality.
func (a *Account) Profile() sso.Profile { return a.client.Profile() }

// Subject is whom the account is for: the person's pairwise subject at the
// municipality, or the principal's when acting for one.
func (a *Account) Subject() string {
	if a.act != nil {
		return a.act.grant.Principal.Subject
	}
	return a.sess.Subject()
}

// Actor is who acts when the account acts for a principal: the proxy's
// subject (RFC 8693 act); "" when the person acts for themselves.
func (a *Account) Actor() string {
	if a.act != nil {
		return a.sess.Subject()
	}
	return ""
}

// Name is the display name from the municipality (the principal's when
// acting for one).
func (a *Account) Name() string { return a.name }

// ACR is the authentication context of the sign-in ("" when resumed).
func (a *Account) ACR() string { return a.acr }

// Kept reports whether the session survives a restart (in the keystore).
func (a *Account) Kept() bool { return a.kept }

// ID names the account in the store and the audit log: profile/subject,
// and the actor when acting for a principal (what a proxy fetched or
// drafted for someone stays apart from their own).
func (a *Account) ID() string {
	if a.act != nil {
		return actingID(a.Profile().ID, a.Subject(), a.Actor())
	}
	return a.Profile().ID + "/" + a.Subject()
}

// actingID names what an actor keeps while acting for a principal.
func actingID(profile, principal, actor string) string {
	return profile + "/" + principal + "/by/" + actor
}

// AccessToken returns a valid access token, refreshing silently (the
// rotated refresh token is persisted). An expired or revoked session is
// forgotten here and reported as SSO-SESSION-EXPIRED.
//
// Acting for a principal, there is no token for every service: use TokenFor.
func (a *Account) AccessToken(ctx context.Context) (string, error) {
	if a.act != nil {
		return "", failure.New(proxy.CodeAudience, "acting for someone: tokens are per service (TokenFor)")
	}
	at, err := a.sess.AccessToken(ctx)
	if failure.CodeOf(err) == sso.CodeSessionExpired && a.kept {
		_ = a.opts.Keys.Delete(a.Profile().ID)
	}
	return at, err
}

// Wallet opens (once) the account's wallet over its sealed store: on disk
// with the keystore's data key when the account is kept, else in memory.
func (a *Account) Wallet(ctx context.Context) (*wallet.Wallet, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.w != nil {
		return a.w, nil
	}
	if err := a.openStoreLocked(); err != nil {
		return nil, err
	}
	p := a.Profile()
	hc, err := p.HTTPClient()
	if err != nil {
		return nil, err
	}
	issuer := p.Services["certificates"]
	if issuer == "" {
		issuer = p.Issuer
	}
	w, err := wallet.Open(ctx, a.st, a.ID(), issuer, hc)
	if err != nil {
		return nil, err
	}
	if u := p.Services["employer"]; u != "" {
		w.Trust(u, certs.EmployerKinds) // the employer's documents, via the person
	}
	a.w = w
	return w, nil
}

// openStoreLocked opens (once) the account's sealed store: on disk with the
// keystore's data key when the account is kept, else in memory.
func (a *Account) openStoreLocked() error {
	if a.st == nil && a.act != nil {
		// acting for someone: the person's own sealed store, apart by ID
		st, err := a.act.parent.sealed()
		if err != nil {
			return err
		}
		a.st = st
	}
	if a.st == nil {
		var key []byte
		path := ":memory:"
		if a.kept && a.opts.DataDir != "" {
			var err error
			if key, err = a.opts.Keys.DataKey("store"); err != nil {
				return err
			}
			path = filepath.Join(a.opts.DataDir, "madoguchi.sqlite")
		} else {
			key = make([]byte, 32)
			if _, err := rand.Read(key); err != nil {
				return err
			}
		}
		st, err := store.Open(path, key)
		clear(key)
		if err != nil {
			return err
		}
		a.st = st
	}
	return nil
}

// sealed is the account's store, opened once.
func (a *Account) sealed() (*store.Store, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.openStoreLocked(); err != nil {
		return nil, err
	}
	return a.st, nil
}

// SignOut revokes the session at the provider and forgets it here, whatever
// the network says (the revocation error is returned after forgetting).
func (a *Account) SignOut(ctx context.Context) error {
	if a.act != nil { // signing out is the person's, not the principal's
		a.Close()
		return a.act.parent.SignOut(ctx)
	}
	err := a.sess.SignOut(ctx)
	if a.kept {
		if derr := a.opts.Keys.Delete(a.Profile().ID); derr != nil && !errors.Is(derr, keystore.ErrNotFound) && err == nil {
			err = derr
		}
	}
	a.Close()
	return err
}

// Close closes the store (the session stays kept, if it was).
func (a *Account) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.w = nil
	if a.st == nil || a.act != nil { // acting: the store is the person's own
		a.st = nil
		return nil
	}
	err := a.st.Close()
	a.st = nil
	return err
}

// MaskMyNumber replaces the My Number in certificate claims by its masked
// form unless show (the person asked to see it); anything that is not a
// valid My Number is masked whole.
func MaskMyNumber(claims map[string]any, show bool) {
	if s, ok := claims["my_number"].(string); ok && !show {
		if mn, err := card.NewMyNumber(s); err == nil {
			claims["my_number"] = mn.String()
		} else {
			claims["my_number"] = "****"
		}
	}
}
