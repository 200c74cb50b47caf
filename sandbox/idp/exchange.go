package idp

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/proxy"
)

// Acting for a principal: OAuth 2.0 Token Exchange (RFC 8693) on zitadel's
// op. The proxy's own access token is the subject token; the principal is
// named by requested_subject; the audience is one service. The provider asks
// the proxy registry (Delegations) whether an active grant allows it, cuts
// the scopes down to the grant's, and issues a short-lived access token
// whose sub is the principal and whose act claim names the proxy (zitadel's
// own request type adds no act for delegation: GetPrivateClaims… adds it).
// The token's record keeps the grant, so every service re-checks the grant
// on every request (CheckAccessToken) and an act after a revocation is
// refused within one request.

// Delegations is what the provider and the services need of the proxy
// registry (sandbox/proxy), which registers itself at mount time.
type Delegations interface {
	// Delegate finds the active grant by which proxyResident may act for
	// principalResident: its id, scopes and end, or a failure with a
	// protocol/proxy code (and the id of the grant that refuses, when there
	// is one between them).
	Delegate(ctx context.Context, principalResident, proxyResident string) (grantID string, scopes []string, expires time.Time, err error)
	// Check re-checks a grant: still active, not expired, cards unchanged.
	Check(ctx context.Context, grantID string) error
	// Record adds an act (allowed: err nil) to the principal's audit trail.
	Record(ctx context.Context, principalResident, actorResident, grantID, action, detail string, err error)
}

// SetDelegations installs the proxy registry.
func (s *Server) SetDelegations(d Delegations) { s.storage.delegations = d }

// exchangeState carries what the token-exchange validation decided to the
// token's creation (one request: the front puts it in the context).
type exchangeState struct {
	requestedSubject string
	actor            string // the proxy's subject
	actorResident    string
	actorFamily      string // the family of the proxy's own token: their session
	principal        string // resident
	grant            string
	grantEnds        time.Time
}

type exchangeKey struct{}

// markExchange puts an exchange state into a token-exchange request's
// context (only those: the public client's empty secret is accepted there).
func markExchange(r *http.Request) *http.Request {
	if r.Method != http.MethodPost || r.ParseForm() != nil || r.PostForm.Get("grant_type") != proxy.GrantTypeTokenExchange {
		return r
	}
	st := &exchangeState{requestedSubject: r.PostForm.Get(proxy.RequestedSubject)}
	return r.WithContext(context.WithValue(r.Context(), exchangeKey{}, st))
}

func exchangeOf(ctx context.Context) *exchangeState {
	st, _ := ctx.Value(exchangeKey{}).(*exchangeState)
	return st
}

// refusal is an OAuth error whose description starts with the failure code
// (the app reads it).
func refusal(e *oidc.Error, code failure.Code, desc string) error {
	return e.WithDescription("%s: %s", code, desc)
}

func (s *storage) ValidateTokenExchangeRequest(ctx context.Context, req op.TokenExchangeRequest) error {
	st := exchangeOf(ctx)
	if st == nil || s.delegations == nil {
		return oidc.ErrUnsupportedGrantType()
	}
	var c clientRecord
	if err := s.st.get(ctx, "clients", req.GetClientID(), &c); err != nil || !c.TokenExchange {
		return oidc.ErrUnauthorizedClient().WithDescription("this client may not exchange tokens")
	}
	if req.GetExchangeSubjectTokenType() != oidc.AccessTokenType || req.GetExchangeActor() != "" {
		return oidc.ErrInvalidRequest().WithDescription("the subject token is the proxy's own access token; no actor token")
	}
	if t := req.GetRequestedTokenType(); t != "" && t != oidc.AccessTokenType {
		return oidc.ErrInvalidRequest().WithDescription("only an access token is issued")
	}
	var own accessToken
	if err := s.st.get(ctx, "access_tokens", req.GetExchangeSubjectTokenIDOrToken(), &own); err != nil || own.Subject != req.GetExchangeSubject() {
		return oidc.ErrInvalidGrant().WithDescription("the subject token is revoked or unknown")
	}
	if own.ClientID != req.GetClientID() {
		return oidc.ErrInvalidGrant().WithDescription("the subject token was issued to another client")
	}
	if own.Actor != "" {
		return refusal(oidc.ErrInvalidGrant(), proxy.CodeChain, "a token obtained by acting for someone cannot be exchanged again")
	}
	if !slices.Contains(own.Scopes, proxy.Scope) {
		return oidc.ErrInvalidScope().WithDescription("the subject token lacks the proxy scope")
	}
	aud := req.GetAudience()
	if len(aud) != 1 || (aud[0] != proxy.AudienceCertificates && aud[0] != proxy.AudienceApplications) {
		return oidc.ErrInvalidTarget().WithDescription("exactly one audience: the certificates or the applications service")
	}
	if st.requestedSubject == "" {
		return oidc.ErrInvalidRequest().WithDescription("requested_subject (the principal) is required")
	}
	var actor, principal subject
	if err := s.st.get(ctx, "subjects", own.Subject, &actor); err != nil {
		return oidc.ErrInvalidGrant().WithDescription("unknown subject")
	}
	// an unknown subject and a person without a grant get the same answer:
	// nobody learns through here who lives in the municipality
	if err := s.st.get(ctx, "subjects", st.requestedSubject, &principal); err != nil || principal.ClientID != own.ClientID {
		return refusal(oidc.ErrAccessDenied(), proxy.CodeNoGrant, "no grant lets you act for this person")
	}
	if principal.ResidentID == actor.ResidentID {
		return refusal(oidc.ErrInvalidRequest(), proxy.CodeSelf, "you act for yourself with your own sign-in")
	}
	asked := req.GetScopes()
	grant, scopes, ends, err := s.delegations.Delegate(ctx, principal.ResidentID, actor.ResidentID)
	if err != nil {
		code := failure.CodeOf(err)
		if code == "" {
			code = proxy.CodeNoGrant
			err = failure.New(code, err.Error())
		}
		// a refused attempt to act for her is hers to see, like any act
		s.delegations.Record(ctx, principal.ResidentID, actor.ResidentID, grant, "exchange", strings.Join(asked, " "), err)
		return refusal(oidc.ErrAccessDenied(), code, "the grant does not allow acting now")
	}
	var allowed []string
	for _, sc := range scopes {
		if proxy.ForAudience(aud[0], sc) && (len(asked) == 0 || slices.Contains(asked, sc)) {
			allowed = append(allowed, sc)
		}
	}
	if len(allowed) == 0 {
		s.delegations.Record(ctx, principal.ResidentID, actor.ResidentID, grant, "exchange", strings.Join(asked, " "), failure.New(proxy.CodeNotGranted, ""))
		return refusal(oidc.ErrInvalidScope(), proxy.CodeNotGranted, "nothing asked is in the grant")
	}
	req.SetCurrentScopes(allowed)
	req.SetSubject(st.requestedSubject)
	st.actor, st.actorResident, st.actorFamily = own.Subject, actor.ResidentID, own.Family
	st.principal, st.grant, st.grantEnds = principal.ResidentID, grant, ends
	return nil
}

func (s *storage) CreateTokenExchangeRequest(context.Context, op.TokenExchangeRequest) error {
	return nil
}

// GetPrivateClaimsFromTokenExchangeRequest adds the act claim (RFC 8693
// §4.1): the proxy acting; sub is the principal.
func (s *storage) GetPrivateClaimsFromTokenExchangeRequest(ctx context.Context, _ op.TokenExchangeRequest) (map[string]any, error) {
	st := exchangeOf(ctx)
	if st == nil || st.actor == "" {
		return nil, errors.New("token exchange not validated")
	}
	return map[string]any{"act": map[string]any{"sub": st.actor}, "grant_id": st.grant}, nil
}

func (s *storage) SetUserinfoFromTokenExchangeRequest(ctx context.Context, ui *oidc.UserInfo, req op.TokenExchangeRequest) error {
	return s.fill(ctx, ui, req.GetSubject(), req.GetScopes())
}

// exchangedToken records the token of a validated exchange: short-lived,
// never past the grant's end, with the grant and the actor on record.
func (s *storage) exchangedToken(ctx context.Context, req op.TokenExchangeRequest) (string, time.Time, error) {
	st := exchangeOf(ctx)
	if st == nil || st.actor == "" {
		return "", time.Time{}, errors.New("token exchange not validated")
	}
	exp := s.now().Add(proxy.ExchangedTTL)
	if st.grantEnds.Before(exp) {
		exp = st.grantEnds
	}
	// the proxy's session owns it: indexed by the proxy (their sign-out
	// ends it) and in their token family (a revoked session ends it)
	t := accessToken{ID: randomID(16), ClientID: req.GetClientID(), Subject: req.GetSubject(), Scopes: req.GetScopes(),
		Audience: req.GetAudience(), Expires: exp, Family: st.actorFamily, Actor: st.actor, ActorResident: st.actorResident, Grant: st.grant}
	s.delegations.Record(ctx, st.principal, st.actorResident, st.grant, "exchange", strings.Join(t.Scopes, " "), nil)
	return t.ID, t.Expires, s.st.put(ctx, "access_tokens", t.ID, st.actor, t, t.Expires)
}
