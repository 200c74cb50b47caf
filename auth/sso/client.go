package sso

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/cardlogin"
	"madoguchi/protocol/proxy"
)

// CardLogin is the card side of the login step (protocol/cardlogin v2).
type CardLogin interface {
	// AuthCertificate reads the user-authentication certificate (DER),
	// freely readable: no PIN.
	AuthCertificate(ctx context.Context) ([]byte, error)
	// SignStatement has the card sign msg with the JPKI user-authentication
	// key, asking the person for the PIN (with tries left).
	SignStatement(ctx context.Context, msg []byte) ([]byte, error)
}

// Consenter is implemented by a CardLogin that asks the person, in plain
// language and before the card step, to agree to scopes that reveal more
// than the basics (certificates, applications, proxy, mynumber). An error
// ends the sign-in before anything is sent to the card.
type Consenter interface {
	Consent(ctx context.Context, scopes []string) error
}

// BasicScopes are granted without a consent question (the four attributes,
// OpenID and the refresh token).
var BasicScopes = []string{"openid", "offline_access", "name", "address", "birthdate", "gender"}

// SensitiveScopes returns the scopes of the list that need the person's
// consent before the card step.
func SensitiveScopes(scopes []string) []string {
	var out []string
	for _, s := range scopes {
		if !slices.Contains(BasicScopes, s) {
			out = append(out, s)
		}
	}
	return out
}

// Client signs in against one municipality's provider.
type Client struct {
	p        Profile
	http     *http.Client
	provider *oidc.Provider
	verifier *oidc.IDTokenVerifier
	// Now is the clock for ID-token checks (tests may set it).
	Now func() time.Time
	// revocation endpoint from discovery
	revocationURL string
}

// Tokens are the result of sign-in or refresh. Access and ID tokens stay in
// memory; the refresh token is what the keystore keeps.
type Tokens struct {
	AccessToken  string
	RefreshToken string
	IDToken      string
	Expiry       time.Time
	Claims       IDClaims
}

// IDClaims are the verified ID-token claims the app uses.
type IDClaims struct {
	Subject  string    `json:"sub"`
	Name     string    `json:"name,omitempty"`
	ACR      string    `json:"acr,omitempty"`
	AMR      []string  `json:"amr,omitempty"`
	AuthTime int64     `json:"auth_time,omitempty"`
	Expiry   time.Time `json:"-"`
}

// New discovers the provider.
func New(ctx context.Context, p Profile) (*Client, error) {
	hc, err := p.HTTPClient()
	if err != nil {
		return nil, err
	}
	c := &Client{p: p, http: hc, Now: time.Now}
	prov, err := oidc.NewProvider(oidc.ClientContext(ctx, hc), p.Issuer)
	if err != nil {
		return nil, &failure.Error{Code: CodeUnreachable, Detail: p.Issuer, Err: err}
	}
	c.provider = prov
	var extra struct {
		Revocation string `json:"revocation_endpoint"`
	}
	_ = prov.Claims(&extra)
	c.revocationURL = extra.Revocation
	c.verifier = prov.Verifier(&oidc.Config{ClientID: p.ClientID, Now: func() time.Time { return c.Now() }})
	return c, nil
}

// Profile returns the client's municipality profile.
func (c *Client) Profile() Profile { return c.p }

func (c *Client) oauth(redirect string) *oauth2.Config {
	return &oauth2.Config{ClientID: c.p.ClientID, Endpoint: c.provider.Endpoint(), RedirectURL: redirect, Scopes: c.p.Scopes}
}

func (c *Client) ctx(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, c.http)
}

func random() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// callback is what the loopback listener received.
type callback struct {
	query url.Values
}

// Login runs the authorization code flow with PKCE, acting as the user agent
// itself (ADR 0006): authorize → the provider's card login page → challenge
// signed on the card → the provider's callback → our loopback redirect.
func (c *Client) Login(ctx context.Context, cardLogin CardLogin) (*Tokens, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	redirect := fmt.Sprintf("http://%s/callback", ln.Addr())
	got := make(chan callback, 1)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			http.NotFound(w, r)
			return
		}
		select {
		case got <- callback{query: r.URL.Query()}:
		default:
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "Madoguchi: sign-in received. You can close this window.\n")
	})}
	go srv.Serve(ln)
	defer srv.Close()

	state, nonce, verifier := random(), random(), oauth2.GenerateVerifier()
	conf := c.oauth(redirect)
	authURL := conf.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))

	// The user agent: follows the provider's redirects but never leaves the
	// provider's origin, except for our own loopback redirect.
	ua := *c.http
	ua.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	loginURL, err := c.redirectFrom(ctx, &ua, authURL)
	if err != nil {
		return nil, err
	}
	if !c.sameOrigin(loginURL) {
		if strings.HasPrefix(loginURL, redirect) { // an error sent straight back
			if err := c.deliver(ctx, loginURL, got, state); err != nil {
				return nil, err
			}
			return nil, fail(CodeAuthError, "the provider answered without a login step")
		}
		return nil, fail(CodeForeignURL, "login page outside the provider: %s", loginURL)
	}
	lu, _ := url.Parse(loginURL)
	reqID := lu.Query().Get("authRequestID")
	if reqID == "" {
		return nil, fail(CodeLoginRefused, "login page without an authorization request")
	}
	// consent for what reveals more than the basics, before the card
	if sens := SensitiveScopes(c.p.Scopes); len(sens) > 0 {
		if cs, ok := cardLogin.(Consenter); ok {
			if err := cs.Consent(ctx, sens); err != nil {
				return nil, err
			}
		}
	}
	// the certificate first: an expired card is refused here, and a revoked
	// or unregistered one by the provider, before any PIN is asked
	certDER, err := cardLogin.AuthCertificate(ctx)
	if err != nil {
		return nil, err // typed card errors pass through
	}
	if cert, perr := x509.ParseCertificate(certDER); perr == nil && c.Now().After(cert.NotAfter) {
		return nil, refused(CodeLoginRefused, cardlogin.CodeCertExpired, "checked on this computer: expired "+cert.NotAfter.Format(time.RFC3339), nil)
	}
	var ch cardlogin.Challenge
	offer := cardlogin.Offer{Version: cardlogin.Version, AuthRequestID: reqID, Certificate: base64.StdEncoding.EncodeToString(certDER)}
	if err := c.doJSON(ctx, &ua, http.MethodPost, loginURL, offer, &ch); err != nil {
		return nil, err
	}
	// sign only a statement for this provider, this client and this request
	switch {
	case ch.Version != cardlogin.Version:
		return nil, refused(CodeLoginRefused, cardlogin.CodeVersion, "provider speaks "+ch.Version, nil)
	case ch.Issuer != c.p.Issuer || ch.ClientID != c.p.ClientID || ch.AuthRequestID != reqID:
		return nil, refused(CodeLoginRefused, cardlogin.CodeStatementMismatch, "the challenge names another provider, client or request", nil)
	}
	if raw, err := base64.RawURLEncoding.DecodeString(ch.Challenge); err != nil || len(raw) < 16 {
		return nil, fail(CodeLoginRefused, "malformed challenge")
	}
	sig, err := cardLogin.SignStatement(ctx, ch.Statement().Bytes())
	if err != nil {
		return nil, err // typed card errors (PIN-WRONG, CARD-REMOVED, …) pass through
	}
	var res cardlogin.Result
	ans := cardlogin.Answer{Version: cardlogin.Version, AuthRequestID: reqID, Statement: ch.Statement(),
		Signature: base64.StdEncoding.EncodeToString(sig)}
	if err := c.doJSON(ctx, &ua, http.MethodPost, loginURL, ans, &res); err != nil {
		return nil, err
	}
	if !c.sameOrigin(res.Redirect) {
		return nil, fail(CodeForeignURL, "callback outside the provider")
	}
	final, err := c.redirectFrom(ctx, &ua, res.Redirect)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(final, redirect+"?") {
		return nil, fail(CodeForeignURL, "the provider redirected elsewhere than our loopback address")
	}
	if err := c.deliver(ctx, final, got, state); err != nil {
		return nil, err
	}
	cb := <-got
	tok, err := conf.Exchange(c.ctx(ctx), cb.query.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, tokenErr(err)
	}
	return c.tokens(ctx, tok, nonce)
}

// deliver hands the final redirect to our loopback listener (as a browser
// would) and checks what arrived: error, state, iss (RFC 9207).
func (c *Client) deliver(ctx context.Context, final string, got chan callback, state string) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, final, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	var cb callback
	select {
	case cb = <-got:
	case <-ctx.Done():
		return ctx.Err()
	}
	q := cb.query
	if e := q.Get("error"); e != "" {
		return refused(CodeAuthError, e, q.Get("error_description"), nil)
	}
	if q.Get("state") != state {
		return fail(CodeStateMismatch, "state in the response does not match the request")
	}
	if iss := q.Get("iss"); iss != "" && iss != c.p.Issuer {
		return fail(CodeIssuerMismatch, "iss %q in the response, want %q", iss, c.p.Issuer)
	}
	got <- cb // for Login to pick up
	return nil
}

func (c *Client) sameOrigin(u string) bool {
	pu, err1 := url.Parse(u)
	pi, err2 := url.Parse(c.p.Issuer)
	return err1 == nil && err2 == nil && pu.Scheme == pi.Scheme && pu.Host == pi.Host
}

// redirectFrom GETs u and returns the Location of its redirect.
func (c *Client) redirectFrom(ctx context.Context, ua *http.Client, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	resp, err := ua.Do(req)
	if err != nil {
		return "", &failure.Error{Code: CodeUnreachable, Err: err}
	}
	defer resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode/100 != 3 || loc == "" {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return "", refused(CodeAuthError, oauthErrorOf(b), fmt.Sprintf("HTTP %d without redirect", resp.StatusCode), nil)
	}
	base, _ := url.Parse(u)
	l, err := base.Parse(loc)
	if err != nil {
		return "", err
	}
	return l.String(), nil
}

func oauthErrorOf(b []byte) string {
	var e struct {
		Error string `json:"error"`
		Code  string `json:"failure_code"`
	}
	if json.Unmarshal(b, &e) == nil {
		if e.Code != "" {
			return e.Code
		}
		return e.Error
	}
	return strings.TrimSpace(string(b))
}

func (c *Client) doJSON(ctx context.Context, ua *http.Client, method, u string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := ua.Do(req)
	if err != nil {
		return &failure.Error{Code: CodeUnreachable, Err: err}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		var e cardlogin.Error
		json.Unmarshal(b, &e)
		return refused(CodeLoginRefused, e.Code, e.Description, nil)
	}
	return json.Unmarshal(b, out)
}

func tokenErr(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return refused(CodeTokenError, re.ErrorCode, re.ErrorDescription, nil)
	}
	return &failure.Error{Code: CodeUnreachable, Err: err}
}

// tokens verifies the ID token (issuer, audience, expiry, signature via JWKS
// by go-oidc; the nonce here) and packs the result.
func (c *Client) tokens(ctx context.Context, tok *oauth2.Token, nonce string) (*Tokens, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, fail(CodeIDToken, "no id_token in the token response")
	}
	idt, err := c.VerifyIDToken(ctx, raw, nonce)
	if err != nil {
		return nil, err
	}
	var cl IDClaims
	if err := idt.Claims(&cl); err != nil {
		return nil, &failure.Error{Code: CodeIDToken, Err: err}
	}
	cl.Expiry = idt.Expiry
	return &Tokens{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, IDToken: raw, Expiry: tok.Expiry, Claims: cl}, nil
}

// VerifyIDToken checks an ID token; nonce "" skips the nonce check (refresh
// responses carry none).
func (c *Client) VerifyIDToken(ctx context.Context, raw, nonce string) (*oidc.IDToken, error) {
	idt, err := c.verifier.Verify(oidc.ClientContext(ctx, c.http), raw)
	if err != nil {
		return nil, &failure.Error{Code: CodeIDToken, Err: err}
	}
	if nonce != "" && idt.Nonce != nonce {
		return nil, fail(CodeNonceMismatch, "nonce in the ID token does not match the request")
	}
	return idt, nil
}

// Refresh exchanges a refresh token for new tokens (rotation: the old one is
// spent).
func (c *Client) Refresh(ctx context.Context, refreshToken string) (*Tokens, error) {
	ts := c.oauth("").TokenSource(c.ctx(ctx), &oauth2.Token{RefreshToken: refreshToken, Expiry: time.Unix(1, 0)})
	tok, err := ts.Token()
	if err != nil {
		e := tokenErr(err)
		if ProviderCodeOf(e) == "invalid_grant" {
			return nil, refused(CodeSessionExpired, "invalid_grant", "", err)
		}
		return nil, e
	}
	if raw, _ := tok.Extra("id_token").(string); raw == "" {
		return &Tokens{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry}, nil
	}
	return c.tokens(ctx, tok, "")
}

// Revoke revokes a token at the provider (RFC 7009).
func (c *Client) Revoke(ctx context.Context, token, hint string) error {
	if c.revocationURL == "" {
		return fail(CodeProfile, "the provider has no revocation endpoint")
	}
	form := url.Values{"token": {token}, "token_type_hint": {hint}, "client_id": {c.p.ClientID}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.revocationURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.http.Do(req)
	if err != nil {
		return &failure.Error{Code: CodeUnreachable, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return refused(CodeTokenError, oauthErrorOf(b), fmt.Sprintf("revocation: HTTP %d", resp.StatusCode), nil)
	}
	return nil
}

// UserInfo fetches the userinfo claims with an access token.
func (c *Client) UserInfo(ctx context.Context, accessToken string) (map[string]any, error) {
	ui, err := c.provider.UserInfo(oidc.ClientContext(ctx, c.http), oauth2.StaticTokenSource(&oauth2.Token{AccessToken: accessToken, TokenType: "Bearer"}))
	if err != nil {
		return nil, &failure.Error{Code: CodeTokenError, Err: err}
	}
	var m map[string]any
	return m, ui.Claims(&m)
}

// Exchange asks the provider for a token acting for a principal (OAuth 2.0
// Token Exchange, RFC 8693): the subject token is the person's own access
// token, the principal is named by their subject, the audience is one
// service, and scopes are what is asked (the provider cuts them down to the
// grant). A refusal carries the provider's protocol/proxy code when it
// gives one (PROXY-GRANT-REVOKED, PROXY-NOT-GRANTED…).
func (c *Client) Exchange(ctx context.Context, ownAccessToken, principal, audience string, scopes []string) (*Tokens, error) {
	form := url.Values{
		"grant_type":           {proxy.GrantTypeTokenExchange},
		"subject_token":        {ownAccessToken},
		"subject_token_type":   {proxy.TokenTypeAccessToken},
		"requested_token_type": {proxy.TokenTypeAccessToken},
		proxy.RequestedSubject: {principal},
		"audience":             {audience},
	}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.provider.Endpoint().TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, &failure.Error{Code: CodeUnreachable, Err: err}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(c.p.ClientID), "") // a public client names itself
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &failure.Error{Code: CodeUnreachable, Err: err}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal(b, &e)
		if code, _, ok := strings.Cut(e.Description, ":"); ok && strings.HasPrefix(code, "PROXY-") && failure.IsRegistered(failure.Code(code)) {
			return nil, failure.Newf(failure.Code(code), "token exchange: %s", e.Description)
		}
		return nil, refused(CodeTokenError, e.Error, fmt.Sprintf("token exchange: HTTP %d %s", resp.StatusCode, e.Description), nil)
	}
	var t struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		Scope       string `json:"scope"`
	}
	if err := json.Unmarshal(b, &t); err != nil || t.AccessToken == "" {
		return nil, fail(CodeTokenError, "token exchange: no access token in the answer")
	}
	return &Tokens{AccessToken: t.AccessToken, Expiry: c.Now().Add(time.Duration(t.ExpiresIn) * time.Second)}, nil
}
