package app

import (
	"context"
	"errors"
	"sync"

	"madoguchi/auth/card"
	"madoguchi/auth/keystore"
	"madoguchi/auth/sso"
	"madoguchi/ui"
)

// signInService adapts sso and the keystore to the UI's sign-in panel.
type signInService struct {
	profile sso.Profile
	m       *card.Monitor
	// keep: store the refresh token in the OS keyring (false in the demo and
	// kiosk mode: nothing is left on the computer).
	keep bool
	// keys is where the refresh token is kept (injected: OS keyring, or
	// memory for kiosk mode and tests).
	keys *keystore.Store

	mu         sync.Mutex
	client     *sso.Client
	session    *sso.Session
	account    *ui.Account
	persistent bool
}

var _ ui.SignInService = (*signInService)(nil)

func (s *signInService) Municipality(lang string) string {
	if n := s.profile.DisplayName[lang]; n != "" {
		return n
	}
	if n := s.profile.DisplayName["ja"]; n != "" {
		return n
	}
	return s.profile.ID
}

func (s *signInService) Current() *ui.Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.account
}

func (s *signInService) Persistent() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.persistent
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

func (s *signInService) persistFunc() func(string) error {
	return func(rt string) error {
		e, err := s.keys.Load(s.profile.ID)
		if err != nil {
			return err
		}
		e.RefreshToken = rt
		return s.keys.Save(s.profile.ID, e)
	}
}

// SignIn runs the card sign-in; the auth PIN is asked through ask, with the
// tries left read from the card first.
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
	tok, err := c.Login(ctx, cs)
	if err != nil {
		return nil, err
	}
	name := tok.Claims.Name
	if info, err := c.UserInfo(ctx, tok.AccessToken); err == nil {
		if n, ok := info["name"].(string); ok {
			name = n
		}
	}
	sess := sso.NewSession(c, tok)
	persistent := false
	if s.keep {
		err := s.keys.Save(s.profile.ID, keystore.Entry{RefreshToken: tok.RefreshToken, Subject: tok.Claims.Subject, Name: name})
		if err == nil {
			persistent = true
			sess.Persist = s.persistFunc()
		}
	}
	a := &ui.Account{Name: name}
	s.mu.Lock()
	s.session, s.account, s.persistent = sess, a, persistent
	s.mu.Unlock()
	return a, nil
}

// SignOut revokes at the provider and forgets locally, whatever the network says.
func (s *signInService) SignOut(ctx context.Context) error {
	s.mu.Lock()
	sess := s.session
	s.session, s.account = nil, nil
	s.mu.Unlock()
	var err error
	if sess != nil {
		err = sess.SignOut(ctx)
	}
	if s.keep {
		if derr := s.keys.Delete(s.profile.ID); err == nil {
			err = derr
		}
	}
	return err
}

// restore resumes a session kept in the keyring (silent refresh); an
// expired or revoked one is forgotten.
func (s *signInService) restore(ctx context.Context) error {
	if !s.keep {
		return nil
	}
	e, err := s.keys.Load(s.profile.ID)
	if err != nil {
		if errors.Is(err, keystore.ErrNotFound) {
			return nil
		}
		return err
	}
	c, err := s.getClient(ctx)
	if err != nil {
		return err
	}
	sess := sso.NewSession(c, &sso.Tokens{RefreshToken: e.RefreshToken, Claims: sso.IDClaims{Subject: e.Subject}})
	sess.Persist = s.persistFunc()
	if _, err := sess.AccessToken(ctx); err != nil {
		if sso.CodeOf(err) == sso.CodeSessionExpired {
			s.keys.Delete(s.profile.ID)
		}
		return err
	}
	s.mu.Lock()
	s.session, s.persistent = sess, true
	s.account = &ui.Account{Name: e.Name}
	s.mu.Unlock()
	return nil
}
