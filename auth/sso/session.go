package sso

import (
	"context"
	"sync"
	"time"
)

// Session is a signed-in session: tokens in memory, the refresh token also
// persisted through Persist (the OS keyring) after every rotation. It
// refreshes silently when the access token is about to expire.
type Session struct {
	c  *Client
	mu sync.Mutex
	t  *Tokens
	// Persist keeps the tokens after every refresh (the rotated refresh
	// token, and the access token so that the next process need not
	// refresh while it is valid); nil: memory only.
	Persist func(t *Tokens) error
	// Early is how long before expiry a refresh happens (default 1 min).
	Early time.Duration
	// Name is the display name from userinfo at sign-in.
	Name string
}

// NewSession wraps tokens from Login (or from a stored refresh token, with
// an empty access token: the first use refreshes).
func NewSession(c *Client, t *Tokens) *Session {
	return &Session{c: c, t: t, Early: time.Minute}
}

// Subject is the pairwise subject at this municipality.
func (s *Session) Subject() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t.Claims.Subject
}

// AccessToken returns a valid access token, refreshing first if it expires
// within Early. Concurrent callers share one refresh.
func (s *Session) AccessToken(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.t.AccessToken != "" && s.c.Now().Add(s.Early).Before(s.t.Expiry) {
		return s.t.AccessToken, nil
	}
	return s.refreshLocked(ctx)
}

// Refresh refreshes now, whatever the access token's expiry (proves the
// session is alive; rotates the refresh token).
func (s *Session) Refresh(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshLocked(ctx)
}

func (s *Session) refreshLocked(ctx context.Context) (string, error) {
	nt, err := s.c.Refresh(ctx, s.t.RefreshToken)
	if err != nil {
		return "", err
	}
	if nt.Claims.Subject == "" {
		nt.Claims = s.t.Claims
	}
	if nt.RefreshToken == "" { // provider without rotation
		nt.RefreshToken = s.t.RefreshToken
	}
	s.t = nt
	if s.Persist != nil {
		if err := s.Persist(nt); err != nil {
			return nt.AccessToken, err
		}
	}
	return nt.AccessToken, nil
}

// SignOut revokes the refresh token at the provider. The caller deletes the
// keyring entry whatever the outcome.
func (s *Session) SignOut(ctx context.Context) error {
	s.mu.Lock()
	rt := s.t.RefreshToken
	s.t = &Tokens{}
	s.mu.Unlock()
	return s.c.Revoke(ctx, rt, "refresh_token")
}
