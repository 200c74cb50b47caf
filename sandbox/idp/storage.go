package idp

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Scopes the provider knows, following the Digital Agency's authentication
// app where concepts overlap, plus the service scopes of later capabilities.
var Scopes = []string{oidc.ScopeOpenID, oidc.ScopeOfflineAccess, "name", "address", "birthdate", "gender",
	"certificates", "applications", "proxy", "mynumber"}

// BasicScopes any registered client may ask for; the others reveal more
// (certificates, applications, proxy acts, the My Number) and are granted
// only to clients registered for them (clientRecord.AllowedScopes).
var BasicScopes = []string{oidc.ScopeOpenID, oidc.ScopeOfflineAccess, "name", "address", "birthdate", "gender"}

// ACR and AMR report how the resident was authenticated: a hardware key on
// a smart card, unlocked with a PIN, certificate checked against the CRL.
const ACR = "aal3"

var AMR = []string{"hwk", "pin", "sc"}

type authRequest struct {
	ID            string              `json:"id"`
	ClientID      string              `json:"client_id"`
	RedirectURI   string              `json:"redirect_uri"`
	State         string              `json:"state"`
	Nonce         string              `json:"nonce"`
	ResponseType  oidc.ResponseType   `json:"response_type"`
	ResponseMode  oidc.ResponseMode   `json:"response_mode"`
	Scopes        []string            `json:"scopes"`
	CodeChallenge *oidc.CodeChallenge `json:"code_challenge"`
	Subject       string              `json:"subject,omitempty"`
	AuthTime      time.Time           `json:"auth_time,omitzero"`
	IsDone        bool                `json:"done"`
	CreatedAt     time.Time           `json:"created_at"`
}

func (a *authRequest) GetID() string                         { return a.ID }
func (a *authRequest) GetACR() string                        { return ACR }
func (a *authRequest) GetAMR() []string                      { return AMR }
func (a *authRequest) GetAudience() []string                 { return []string{a.ClientID} }
func (a *authRequest) GetAuthTime() time.Time                { return a.AuthTime }
func (a *authRequest) GetClientID() string                   { return a.ClientID }
func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge { return a.CodeChallenge }
func (a *authRequest) GetNonce() string                      { return a.Nonce }
func (a *authRequest) GetRedirectURI() string                { return a.RedirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType    { return a.ResponseType }
func (a *authRequest) GetResponseMode() oidc.ResponseMode    { return a.ResponseMode }
func (a *authRequest) GetScopes() []string                   { return a.Scopes }
func (a *authRequest) GetState() string                      { return a.State }
func (a *authRequest) GetSubject() string                    { return a.Subject }
func (a *authRequest) Done() bool                            { return a.IsDone }

type accessToken struct {
	ID       string    `json:"id"`
	ClientID string    `json:"client_id"`
	Subject  string    `json:"subject"`
	Scopes   []string  `json:"scopes"`
	Audience []string  `json:"audience"`
	Expires  time.Time `json:"expires"`
	Family   string    `json:"family,omitempty"`
	// Acting for a principal (token exchange): Subject is the principal,
	// Actor the proxy's subject, Grant the registry's grant.
	Actor         string `json:"actor,omitempty"`
	ActorResident string `json:"actor_resident,omitempty"`
	Grant         string `json:"grant,omitempty"`
}

// refreshToken is stored under the SHA-256 of the token; rotated tokens are
// kept as used so that a replayed one revokes its whole family.
type refreshToken struct {
	ID       string    `json:"id"`
	Family   string    `json:"family"`
	ClientID string    `json:"client_id"`
	Subject  string    `json:"subject"`
	Scopes   []string  `json:"scopes"`
	Audience []string  `json:"audience"`
	AuthTime time.Time `json:"auth_time"`
	Expires  time.Time `json:"expires"`
	Used     bool      `json:"used"`
}

func (r *refreshToken) GetAMR() []string            { return AMR }
func (r *refreshToken) GetAudience() []string       { return r.Audience }
func (r *refreshToken) GetAuthTime() time.Time      { return r.AuthTime }
func (r *refreshToken) GetClientID() string         { return r.ClientID }
func (r *refreshToken) GetScopes() []string         { return r.Scopes }
func (r *refreshToken) GetSubject() string          { return r.Subject }
func (r *refreshToken) SetCurrentScopes(s []string) { r.Scopes = s }

// subject maps a pairwise subject to the resident.
type subject struct {
	ResidentID string `json:"resident_id"`
	ClientID   string `json:"client_id"`
}

// Resident is a registered resident of the sandbox municipality.
type Resident struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Address   string `json:"address"`
	BirthDate string `json:"birth_date"` // YYYYMMDD
	Sex       int    `json:"sex"`
	// NameKana is the reading of the name (furigana); AltName a foreign
	// resident's registered alternative name (通称), when they have one.
	NameKana string `json:"name_kana,omitempty"`
	AltName  string `json:"alt_name,omitempty"`
}

// clientRecord is a registered relying party.
type clientRecord struct {
	ID                     string   `json:"id"`
	RedirectURIs           []string `json:"redirect_uris"`
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris"`
	Native                 bool     `json:"native"`
	// AllowedScopes are the scopes beyond BasicScopes this client may get.
	AllowedScopes []string `json:"allowed_scopes,omitempty"`
	// TokenExchange: the client may act for a principal (RFC 8693) with a
	// proxy's own access token.
	TokenExchange bool `json:"token_exchange,omitempty"`
}

// storage implements op.Storage over the SQLite store.
type storage struct {
	st         *store
	loginURL   func(id string) string
	now        func() time.Time
	accessTTL  time.Duration
	refreshTTL time.Duration
	sessionTTL time.Duration // absolute: from the card login, whatever the refreshes
	idTTL      time.Duration
	key        *rsa.PrivateKey
	keyID      string
	pairwise   []byte
	// delegations is the proxy registry (nil: no token exchange)
	delegations Delegations
}

var _ op.Storage = (*storage)(nil)

func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

// loadSecrets reads or creates the signing key and the pairwise secret.
func (s *storage) loadSecrets(ctx context.Context) error {
	var k struct {
		ID       string `json:"id"`
		PEM      string `json:"pem"`
		Pairwise []byte `json:"pairwise"`
	}
	err := s.st.get(ctx, "keys", "signing", &k)
	if errors.Is(err, errNotFound) {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return err
		}
		der, _ := x509.MarshalPKCS8PrivateKey(key)
		k.ID = randomID(8)
		k.PEM = string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
		k.Pairwise = make([]byte, 32)
		rand.Read(k.Pairwise)
		if err := s.st.put(ctx, "keys", "signing", "", k, time.Time{}); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	blk, _ := pem.Decode([]byte(k.PEM))
	if blk == nil {
		return errors.New("idp: bad signing key")
	}
	key, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return err
	}
	s.key, s.keyID, s.pairwise = key.(*rsa.PrivateKey), k.ID, k.Pairwise
	return nil
}

// pairwiseSubject is stable for a resident and client, differs between
// clients, and reveals nothing about the resident (never the My Number).
func (s *storage) pairwiseSubject(residentID, clientID string) string {
	m := hmac.New(sha256.New, s.pairwise)
	m.Write([]byte(clientID + "|" + residentID))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(m.Sum(nil))[:26])
}

// registerSubject records a resident's pairwise subject at a client, so
// that the subject resolves back to the resident (token exchange, every
// service): for every registered resident at every registered client, not
// only once they signed in — a principal who never signed in at this client
// is named by that subject all the same (a grant's principal, a proxy's
// requested_subject).
func (s *storage) registerSubject(ctx context.Context, residentID, clientID string) (string, error) {
	sub := s.pairwiseSubject(residentID, clientID)
	return sub, s.st.put(ctx, "subjects", sub, "", subject{ResidentID: residentID, ClientID: clientID}, time.Time{})
}

func (s *storage) CreateAuthRequest(ctx context.Context, r *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if r.State == "" {
		return nil, oidc.ErrInvalidRequest().WithDescription("state is required")
	}
	if slices.Contains(r.Scopes, oidc.ScopeOpenID) && r.Nonce == "" {
		return nil, oidc.ErrInvalidRequest().WithDescription("nonce is required")
	}
	if r.CodeChallenge == "" || r.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("PKCE with S256 is required")
	}
	if slices.Contains(r.Prompt, oidc.PromptNone) {
		// no provider session exists: every sign-in is a card login
		return nil, oidc.ErrLoginRequired().WithDescription("a card login is required")
	}
	var c clientRecord
	if err := s.st.get(ctx, "clients", r.ClientID, &c); err != nil {
		return nil, oidc.ErrInvalidClient()
	}
	for _, sc := range r.Scopes {
		if !slices.Contains(BasicScopes, sc) && !slices.Contains(c.AllowedScopes, sc) {
			return nil, oidc.ErrInvalidScope().WithDescription("scope %s is not allowed for this client", sc)
		}
	}
	a := &authRequest{
		ID: randomID(16), ClientID: r.ClientID, RedirectURI: r.RedirectURI, State: r.State, Nonce: r.Nonce,
		ResponseType: r.ResponseType, ResponseMode: r.ResponseMode, Scopes: r.Scopes,
		CodeChallenge: &oidc.CodeChallenge{Challenge: r.CodeChallenge, Method: r.CodeChallengeMethod},
		CreatedAt:     s.now(),
	}
	return a, s.st.put(ctx, "auth_requests", a.ID, "", a, s.now().Add(10*time.Minute))
}

func (s *storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	var a authRequest
	if err := s.st.get(ctx, "auth_requests", id, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// usedCodeTTL is how long a redeemed code is remembered, so that a replay
// revokes what was issued from it.
const usedCodeTTL = 24 * time.Hour

// AuthRequestByCode takes the code: it works once, also under concurrent
// token requests (an atomic take). A replayed code revokes every token
// issued from it (RFC 6749 §4.1.2).
func (s *storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	var a authRequest
	h := hashToken(code)
	err := s.st.takeRef(ctx, "auth_requests", h, "used:"+h, s.now().Add(usedCodeTTL), &a)
	if err == nil {
		return &a, nil
	}
	if gerr := s.st.getByRef(ctx, "auth_requests", "used:"+h, &a); gerr == nil {
		s.revokeFamily(ctx, codeFamily(a.ID))
		return nil, oidc.ErrInvalidGrant().WithDescription("authorization code already used: the tokens issued from it are revoked")
	}
	return nil, err
}

// codeFamily names the tokens issued from one authorization request.
func codeFamily(authRequestID string) string { return "ar-" + authRequestID }

func (s *storage) SaveAuthCode(ctx context.Context, id, code string) error {
	var a authRequest
	if err := s.st.get(ctx, "auth_requests", id, &a); err != nil {
		return err
	}
	return s.st.put(ctx, "auth_requests", id, hashToken(code), &a, s.now().Add(5*time.Minute))
}

// DeleteAuthRequest forgets a request, except one whose code was redeemed:
// that one stays (until usedCodeTTL) so a replay can be recognised.
func (s *storage) DeleteAuthRequest(ctx context.Context, id string) error {
	return s.st.delWhere(ctx, "auth_requests", "id=? AND (ref IS NULL OR ref NOT LIKE 'used:%')", id)
}

// completeLogin marks the request authenticated as the resident.
func (s *storage) completeLogin(ctx context.Context, id, residentID string) (*authRequest, error) {
	var a authRequest
	if err := s.st.get(ctx, "auth_requests", id, &a); err != nil {
		return nil, err
	}
	if a.IsDone {
		return nil, errors.New("authorization request already completed")
	}
	a.AuthTime = s.now()
	a.IsDone = true
	sub, err := s.registerSubject(ctx, residentID, a.ClientID)
	if err != nil {
		return nil, err
	}
	a.Subject = sub
	return &a, s.st.put(ctx, "auth_requests", a.ID, "", &a, s.now().Add(5*time.Minute))
}

func (s *storage) newAccessToken(ctx context.Context, clientID, subject string, scopes, aud []string, family string) (string, time.Time, error) {
	t := accessToken{ID: randomID(16), ClientID: clientID, Subject: subject, Scopes: scopes, Audience: aud,
		Expires: s.now().Add(s.accessTTL), Family: family}
	return t.ID, t.Expires, s.st.put(ctx, "access_tokens", t.ID, subject, t, t.Expires)
}

func requestFields(req op.TokenRequest) (clientID string, authTime time.Time) {
	switch r := req.(type) {
	case *authRequest:
		return r.ClientID, r.AuthTime
	case *refreshToken:
		return r.ClientID, r.AuthTime
	case interface{ GetClientID() string }:
		return r.GetClientID(), time.Time{}
	}
	return "", time.Time{}
}

func (s *storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	if te, ok := req.(op.TokenExchangeRequest); ok {
		return s.exchangedToken(ctx, te)
	}
	clientID, _ := requestFields(req)
	family := ""
	if a, ok := req.(*authRequest); ok {
		family = codeFamily(a.ID)
	}
	return s.newAccessToken(ctx, clientID, req.GetSubject(), req.GetScopes(), req.GetAudience(), family)
}

func (s *storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	clientID, authTime := requestFields(req)
	family := randomID(12)
	if a, ok := req.(*authRequest); ok {
		family = codeFamily(a.ID)
	}
	if current != "" { // rotation: the presented token becomes used
		var old refreshToken
		if err := s.st.get(ctx, "refresh_tokens", hashToken(current), &old); err != nil {
			return "", "", time.Time{}, op.ErrInvalidRefreshToken
		}
		old.Used = true
		if err := s.st.put(ctx, "refresh_tokens", old.ID, old.Family, &old, old.Expires); err != nil {
			return "", "", time.Time{}, err
		}
		family, authTime = old.Family, old.AuthTime
	}
	tok := randomID(32)
	exp := s.now().Add(s.refreshTTL)
	if end := authTime.Add(s.sessionTTL); s.sessionTTL > 0 && !authTime.IsZero() && end.Before(exp) {
		exp = end // the session's absolute end: a refresh never extends it
	}
	rt := refreshToken{ID: hashToken(tok), Family: family, ClientID: clientID, Subject: req.GetSubject(),
		Scopes: req.GetScopes(), Audience: req.GetAudience(), AuthTime: authTime, Expires: exp}
	if err := s.st.put(ctx, "refresh_tokens", rt.ID, rt.Family, &rt, rt.Expires); err != nil {
		return "", "", time.Time{}, err
	}
	id, exp, err := s.newAccessToken(ctx, clientID, rt.Subject, rt.Scopes, rt.Audience, family)
	return id, tok, exp, err
}

func (s *storage) TokenRequestByRefreshToken(ctx context.Context, token string) (op.RefreshTokenRequest, error) {
	var rt refreshToken
	if err := s.st.get(ctx, "refresh_tokens", hashToken(token), &rt); err != nil {
		return nil, op.ErrInvalidRefreshToken
	}
	if rt.Used { // replay of a rotated token: assume theft, revoke the family
		s.revokeFamily(ctx, rt.Family)
		return nil, op.ErrInvalidRefreshToken
	}
	if !s.now().Before(rt.Expires) || (s.sessionTTL > 0 && !s.now().Before(rt.AuthTime.Add(s.sessionTTL))) {
		return nil, op.ErrInvalidRefreshToken // the session's absolute lifetime is over: sign in with the card again
	}
	if s.suspended(ctx, rt.Subject) { // a card reported lost ends the sessions it opened
		s.revokeFamily(ctx, rt.Family)
		return nil, op.ErrInvalidRefreshToken
	}
	return &rt, nil
}

// suspended tells whether the card of the subject's resident is suspended.
func (s *storage) suspended(ctx context.Context, sub string) bool {
	var m subject
	if err := s.st.get(ctx, "subjects", sub, &m); err != nil {
		return false
	}
	return s.st.suspended(ctx, m.ResidentID)
}

func (s *storage) revokeFamily(ctx context.Context, family string) error {
	if err := s.st.delWhere(ctx, "refresh_tokens", "ref=?", family); err != nil {
		return err
	}
	return s.st.delWhere(ctx, "access_tokens", "json_extract(data,'$.family')=?", family)
}

func (s *storage) TerminateSession(ctx context.Context, userID, clientID string) error {
	if err := s.st.delWhere(ctx, "refresh_tokens", "json_extract(data,'$.subject')=? AND json_extract(data,'$.client_id')=?", userID, clientID); err != nil {
		return err
	}
	return s.st.delWhere(ctx, "access_tokens", "ref=? AND json_extract(data,'$.client_id')=?", userID, clientID)
}

func (s *storage) RevokeToken(ctx context.Context, tokenOrID, userID, clientID string) *oidc.Error {
	var at accessToken
	if err := s.st.get(ctx, "access_tokens", tokenOrID, &at); err == nil {
		if at.ClientID != clientID {
			return oidc.ErrInvalidClient().WithDescription("token was not issued to this client")
		}
		s.st.del(ctx, "access_tokens", at.ID)
		return nil
	}
	var rt refreshToken
	// the op passes the ID from GetRefreshTokenInfo (already the hash); a raw
	// token may come too
	err := s.st.get(ctx, "refresh_tokens", tokenOrID, &rt)
	if err != nil {
		err = s.st.get(ctx, "refresh_tokens", hashToken(tokenOrID), &rt)
	}
	if err == nil {
		if rt.ClientID != clientID {
			return oidc.ErrInvalidClient().WithDescription("token was not issued to this client")
		}
		s.revokeFamily(ctx, rt.Family)
	}
	return nil // RFC 7009: unknown tokens are not an error
}

func (s *storage) GetRefreshTokenInfo(ctx context.Context, clientID, token string) (string, string, error) {
	var rt refreshToken
	if err := s.st.get(ctx, "refresh_tokens", hashToken(token), &rt); err != nil || rt.ClientID != clientID {
		return "", "", op.ErrInvalidRefreshToken
	}
	return rt.Subject, rt.ID, nil
}

type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.id }

type publicKey struct{ signingKey }

func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.key.PublicKey }

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) {
	return signingKey{s.keyID, s.key}, nil
}

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{publicKey{signingKey{s.keyID, s.key}}}, nil
}

func (s *storage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	var c clientRecord
	if err := s.st.get(ctx, "clients", id, &c); err != nil {
		if errors.Is(err, errNotFound) {
			return nil, oidc.ErrInvalidClient().WithDescription("unknown client")
		}
		return nil, err
	}
	return &opClient{c: c, s: s}, nil
}

// AuthorizeClientIDSecret: there are no confidential clients. A token
// exchange by a registered public client names itself without a secret
// (zitadel asks here); its proof is the subject token.
func (s *storage) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	var c clientRecord
	if exchangeOf(ctx) != nil && secret == "" && s.st.get(ctx, "clients", id, &c) == nil && c.Native && c.TokenExchange {
		return nil
	}
	return errors.New("no confidential clients in the sandbox")
}

func (s *storage) resident(ctx context.Context, sub string) (Resident, error) {
	var m subject
	if err := s.st.get(ctx, "subjects", sub, &m); err != nil {
		return Resident{}, err
	}
	var r Resident
	return r, s.st.get(ctx, "residents", m.ResidentID, &r)
}

// fill sets the claims the scopes allow (Digital Agency names: name,
// address, birthdate, gender).
func (s *storage) fill(ctx context.Context, ui *oidc.UserInfo, sub string, scopes []string) error {
	ui.Subject = sub
	r, err := s.resident(ctx, sub)
	if err != nil {
		return err
	}
	for _, sc := range scopes {
		switch sc {
		case "name":
			ui.Name = r.Name
		case "address":
			ui.Address = &oidc.UserInfoAddress{Formatted: r.Address, Country: "JP"}
		case "birthdate":
			if len(r.BirthDate) == 8 {
				ui.Birthdate = r.BirthDate[:4] + "-" + r.BirthDate[4:6] + "-" + r.BirthDate[6:]
			}
		case "gender":
			ui.Gender = oidc.Gender(map[int]string{1: "male", 2: "female"}[r.Sex])
			if ui.Gender == "" {
				ui.Gender = "other"
			}
		}
	}
	return nil
}

func (s *storage) SetUserinfoFromScopes(ctx context.Context, ui *oidc.UserInfo, userID, _ string, scopes []string) error {
	return s.fill(ctx, ui, userID, scopes)
}

func (s *storage) SetUserinfoFromToken(ctx context.Context, ui *oidc.UserInfo, tokenID, subject, _ string) error {
	var at accessToken
	if err := s.st.get(ctx, "access_tokens", tokenID, &at); err != nil {
		return fmt.Errorf("token revoked or expired")
	}
	if at.Subject != subject {
		return errors.New("token subject mismatch")
	}
	return s.fill(ctx, ui, subject, at.Scopes)
}

func (s *storage) SetIntrospectionFromToken(ctx context.Context, ir *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	var at accessToken
	if err := s.st.get(ctx, "access_tokens", tokenID, &at); err != nil {
		return err
	}
	ir.Active = true
	ir.Subject = subject
	ir.ClientID = at.ClientID
	ir.Scope = at.Scopes
	ir.Audience = at.Audience
	return nil
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("JWT profile is not supported")
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("JWT profile is not supported")
}

func (s *storage) Health(ctx context.Context) error { return s.st.db.PingContext(ctx) }

// opClient adapts a client record to op.Client.
type opClient struct {
	c clientRecord
	s *storage
}

func (c *opClient) GetID() string                    { return c.c.ID }
func (c *opClient) RedirectURIs() []string           { return c.c.RedirectURIs }
func (c *opClient) PostLogoutRedirectURIs() []string { return c.c.PostLogoutRedirectURIs }
func (c *opClient) ApplicationType() op.ApplicationType {
	if c.c.Native {
		return op.ApplicationTypeNative
	}
	return op.ApplicationTypeWeb
}
func (c *opClient) AuthMethod() oidc.AuthMethod { return oidc.AuthMethodNone }
func (c *opClient) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *opClient) GrantTypes() []oidc.GrantType {
	if c.c.TokenExchange {
		return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken, oidc.GrantTypeTokenExchange}
	}
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
}
func (c *opClient) LoginURL(id string) string            { return c.s.loginURL(id) }
func (c *opClient) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeJWT }
func (c *opClient) IDTokenLifetime() time.Duration       { return c.s.idTTL }
func (c *opClient) DevMode() bool                        { return false }
func (c *opClient) ClockSkew() time.Duration             { return 0 }
func (c *opClient) IDTokenUserinfoClaimsAssertion() bool { return false }

// IsScopeAllowed keeps every known scope in the request; CreateAuthRequest
// then refuses (invalid_scope) those this client is not registered for,
// rather than granting less in silence.
func (c *opClient) IsScopeAllowed(scope string) bool { return slices.Contains(Scopes, scope) }
func (c *opClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *opClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
