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
	// Persist stores a rotated refresh token (nil: memory only).
	Persist func(refreshToken string) error
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
		if err := s.Persist(nt.RefreshToken); err != nil {
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
