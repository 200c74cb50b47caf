package gui

import (
	"context"
	"errors"
	"sync"

	"madoguchi/account"
	"madoguchi/app/common"
	"madoguchi/auth/card"
	"madoguchi/auth/keystore"
	"madoguchi/auth/reader"
	"madoguchi/auth/sso"
	"madoguchi/i18n/failure"
	"madoguchi/ui"
)

// signInService adapts the account service to the UI's sign-in panel.
type signInService struct {
	profile sso.Profile
	m       *reader.Monitor
	// keep: keep the session and the store (false in the demo and kiosk
	// mode: nothing is left on the computer).
	keep bool
	// keys is where the refresh token is kept (injected: OS keyring, or
	// memory for kiosk mode and tests).
	keys *keystore.Store

	mu      sync.Mutex
	client  *sso.Client
	account *account.Account
	// acting: the person acting for a principal (nil: for themselves);
	// every screen then works for the principal
	acting *account.Account
}

var _ ui.SignInService = (*signInService)(nil)

func (s *signInService) options() account.Options {
	o := account.Options{Keys: s.keys, Keep: s.keep}
	if s.keep {
		o.DataDir = common.DataDir()
	}
	return o
}

func (s *signInService) Municipality(lang string) string {
	if n := s.profile.DisplayName[lang]; n != "" {
		return n
	}
	if n := s.profile.DisplayName["ja"]; n != "" {
		return n
	}
	return s.profile.ID
}

// Profile is the municipality.
func (s *signInService) Profile() sso.Profile { return s.profile }

// Account is whom the screens work for: the signed-in person, or the
// principal they act for (nil when signed out).
func (s *signInService) Account() *account.Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.acting != nil {
		return s.acting
	}
	return s.account
}

// Own is the signed-in person themselves (nil when signed out).
func (s *signInService) Own() *account.Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.account
}

// actAs switches to acting under the grant id (checked active now).
func (s *signInService) actAs(ctx context.Context, id string) error {
	own := s.Own()
	if own == nil {
		return failure.New(account.CodeNotSignedIn, "not signed in")
	}
	as, err := own.ActAs(ctx, id)
	if err != nil {
		return err
	}
	s.setActing(as)
	return nil
}

// stopActing goes back to the person themselves.
func (s *signInService) stopActing() { s.setActing(nil) }

// setActing switches whom the screens act for (nil: the person), closing
// the account acted as before.
func (s *signInService) setActing(as *account.Account) {
	s.mu.Lock()
	old := s.acting
	s.acting = as
	s.mu.Unlock()
	if old != nil {
		old.Close()
	}
}

func (s *signInService) Current() *ui.Account {
	if a := s.Own(); a != nil {
		return &ui.Account{Name: a.Name()}
	}
	return nil
}

func (s *signInService) Persistent() bool {
	a := s.Own()
	return a != nil && a.Kept()
}

func (s *signInService) getClient(ctx context.Context) (*sso.Client, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client != nil {
		return s.client, nil
	}
	c, err := sso.New(ctx, s.profile)
	if err != nil {
		return nil, err
	}
	s.client = c
	return c, nil
}

// SignIn runs the card sign-in; consent first, then the auth PIN through
// ask, with the tries left read from the card first.
func (s *signInService) SignIn(ctx context.Context, ask ui.PINAsker, consent ui.ConsentAsker) (*ui.Account, error) {
	c, err := s.getClient(ctx)
	if err != nil {
		return nil, err
	}
	cs := sso.CardSigner{Do: s.m.Do, Prompt: func(_ context.Context, sec card.Secret, tries int) (card.PIN, bool, error) {
		pin, confirm, err := ask(string(sec), tries)
		return card.PIN(pin), confirm, err
	}}
	if consent != nil {
		cs.Ask = func(_ context.Context, scopes []string) error { return consent(scopes) }
	}
	// without a keyring the GUI goes on for this session only and says so
	a, err := account.SignIn(ctx, c, cs, s.options())
	if err != nil {
		return nil, err
	}
	s.stopActing()
	s.mu.Lock()
	old := s.account
	s.account = a
	s.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return &ui.Account{Name: a.Name()}, nil
}

// SignOut revokes at the provider and forgets locally, whatever the network says.
func (s *signInService) SignOut(ctx context.Context) error {
	s.stopActing()
	s.mu.Lock()
	a := s.account
	s.account = nil
	s.mu.Unlock()
	if a == nil {
		return nil
	}
	return a.SignOut(ctx)
}

// restore resumes a kept session (silent refresh); an expired or revoked
// one is forgotten.
func (s *signInService) restore(ctx context.Context) error {
	if !s.keep {
		return nil
	}
	c, err := s.getClient(ctx)
	if err != nil {
		return err
	}
	a, err := account.Resume(c, s.options())
	if errors.Is(err, account.ErrNotSignedIn) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := a.Refresh(ctx); err != nil { // the window shows a dead session at once
		return err
	}
	s.mu.Lock()
	s.account = a
	s.mu.Unlock()
	return nil
}

// Close closes the signed-in account's store.
func (s *signInService) Close() {
	s.stopActing()
	if a := s.Own(); a != nil {
		a.Close()
	}
}
