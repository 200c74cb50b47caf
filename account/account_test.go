package account_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"madoguchi/account"
	"madoguchi/account/wallet"
	"madoguchi/auth/card"
	"madoguchi/auth/keystore"
	"madoguchi/auth/sso"
	"madoguchi/i18n/failure"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/card/inproc"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/idp"
	"madoguchi/sandbox/intake"
	"madoguchi/sandbox/issuer"
)

func sandbox(t *testing.T) (*idp.Server, *sso.Client) {
	t.Helper()
	s, err := idp.Start(idp.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Mount: []func(*idp.Server, *http.ServeMux) error{issuer.Mount, intake.Mount}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, client(t, s)
}

// client is what a new process makes from the profile.
func client(t *testing.T, s *idp.Server) *sso.Client {
	t.Helper()
	c, err := sso.New(context.Background(), sso.Profile{ID: "city", Issuer: s.Issuer, ClientID: idp.AppClientID, Scopes: sso.DefaultScopes, CAFile: s.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func cardLogin(t *testing.T, id string) sso.CardSigner {
	t.Helper()
	r, _ := fixtures.ByID(id)
	vc, err := vcard.New(r)
	if err != nil {
		t.Fatal(err)
	}
	return sso.CardSigner{Session: card.NewSession(inproc.NewTransport(vc)),
		Prompt: func(context.Context, card.Secret, int) (card.PIN, bool, error) {
			return card.PIN(r.AuthPIN), false, nil
		}}
}

// The CLI and the GUI take the same path: sign in and keep, take up again
// in a new process, refresh (rotation persisted), use the wallet on disk,
// sign out.
func TestKeptAccountLifecycle(t *testing.T) {
	ctx := context.Background()
	s, c := sandbox(t)
	keys := keystore.New(keystore.NewMemory())
	o := account.Options{Keys: keys, Keep: true, RequireKept: true, DataDir: t.TempDir()}
	a, err := account.SignIn(ctx, c, cardLogin(t, "sato-kenji"), o)
	if err != nil || !a.Kept() || a.Name() == "" || a.ACR() != idp.ACR {
		t.Fatalf("sign in: %v %+v", err, a)
	}
	w, err := a.Wallet(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at, _ := a.AccessToken(ctx)
	if _, _, err := w.Fetch(ctx, "attributes", wallet.FetchOptions{}, at); err != nil {
		t.Fatal(err)
	}
	a.Close()

	// a new process: the session and the store come back
	b, err := account.Resume(client(t, s), o)
	if err != nil || b.Subject() != a.Subject() || b.ID() != a.ID() {
		t.Fatalf("resume: %v", err)
	}
	before, _ := keys.Load("city")
	// the kept access token serves while valid: no refresh, no rotation (a
	// process killed mid-rotation cannot lose the session then)
	if at2, err := b.AccessToken(ctx); err != nil || at2 != before.AccessToken || before.AccessToken == "" {
		t.Fatalf("kept access token not used: %v", err)
	}
	if after, _ := keys.Load("city"); after.RefreshToken != before.RefreshToken {
		t.Fatal("a valid access token still refreshed")
	}
	// a refresh rotates, and the new tokens are kept
	if err := b.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if after, _ := keys.Load("city"); after.RefreshToken == before.RefreshToken || after.AccessToken == before.AccessToken {
		t.Fatal("the rotated tokens were not persisted")
	}
	w2, err := b.Wallet(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if list, err := w2.List(ctx); err != nil || len(list) != 1 {
		t.Fatalf("certificates after restart: %v %v", list, err)
	}
	kept, _ := keys.Load("city")
	if err := b.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := account.Resume(client(t, s), o); !errors.Is(err, account.ErrNotSignedIn) {
		t.Fatalf("after sign-out: %v", err)
	}
	if _, err := c.Refresh(ctx, kept.RefreshToken); failure.CodeOf(err) != sso.CodeSessionExpired {
		t.Fatalf("refresh token alive after sign-out: %v", err)
	}
}

// The demo and kiosk mode: nothing kept, the store in memory.
func TestSessionOnlyAccount(t *testing.T) {
	ctx := context.Background()
	_, c := sandbox(t)
	keys := keystore.New(keystore.NewMemory())
	a, err := account.SignIn(ctx, c, cardLogin(t, "yamada-taro"), account.Options{Keys: keys})
	if err != nil || a.Kept() {
		t.Fatalf("%v kept=%v", err, a.Kept())
	}
	if _, err := keys.Load("city"); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("something was kept: %v", err)
	}
	if _, err := a.Wallet(ctx); err != nil {
		t.Fatal(err)
	}
	a.SignOut(ctx)
}

type brokenKeys struct{}

func (brokenKeys) Get(string, string) (string, error) { return "", errors.New("no keyring") }
func (brokenKeys) Set(string, string, string) error   { return errors.New("no keyring") }
func (brokenKeys) Delete(string, string) error        { return errors.New("no keyring") }

// When the session must be kept and cannot be, what was issued is revoked.
func TestRequireKeptRevokes(t *testing.T) {
	s, c := sandbox(t)
	_, err := account.SignIn(context.Background(), c, cardLogin(t, "nguyen-van-an"),
		account.Options{Keys: keystore.New(brokenKeys{}), Keep: true, RequireKept: true})
	if failure.CodeOf(err) != keystore.CodeUnavailable {
		t.Fatalf("want KEYRING-UNAVAILABLE, got %v", err)
	}
	if n, _ := s.LiveRefreshTokens(context.Background()); n != 0 {
		t.Fatalf("%d live refresh tokens", n)
	}
}
