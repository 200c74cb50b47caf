package sso

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"madoguchi/auth/card"
	"madoguchi/i18n/failure"
	"madoguchi/protocol/cardlogin"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/card/inproc"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/idp"
)

func setup(t *testing.T) (*idp.Server, *Client) {
	t.Helper()
	s, err := idp.Start(idp.Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c, err := New(context.Background(), Profile{Issuer: s.Issuer, ClientID: idp.AppClientID, Scopes: DefaultScopes, CAFile: s.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func cardOf(t *testing.T, id, pin string) (CardSigner, *vcard.Card) {
	t.Helper()
	vc, err := vcard.NewByID(id)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := fixtures.ByID(id)
	if pin == "" {
		pin = r.AuthPIN
	}
	return CardSigner{Session: card.NewSession(inproc.NewTransport(vc)),
		Prompt: func(context.Context, card.Secret, int) (card.PIN, bool, error) { return card.PIN(pin), false, nil }}, vc
}

// TestNegatives: every way sign-in must fail, each with its exact error.
func TestNegatives(t *testing.T) {
	s, c := setup(t)
	ctx := context.Background()
	good, _ := cardOf(t, "yamada-taro", "")
	tok, err := c.Login(ctx, good)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	valid := map[string]any{"iss": s.Issuer, "aud": idp.AppClientID, "sub": "x", "iat": now, "exp": now + 300, "nonce": "n"}
	forge := func(change map[string]any) string {
		cl := map[string]any{}
		for k, v := range valid {
			cl[k] = v
		}
		for k, v := range change {
			cl[k] = v
		}
		tk, err := s.ForgeToken(cl)
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	parts := strings.Split(tok.IDToken, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(bytes.Replace(payload, []byte(`"sub":"`), []byte(`"sub":"X`), 1)) + "." + parts[2]
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."

	idTokenCases := []struct {
		name, token, nonce string
		code               failure.Code
		detail             string
	}{
		{"control: a forged-but-valid token passes", forge(nil), "n", "", ""},
		{"wrong nonce", tok.IDToken, "another-nonce", CodeNonceMismatch, "nonce"},
		{"wrong audience", forge(map[string]any{"aud": "someone-else"}), "n", CodeIDToken, "audience"},
		{"wrong issuer", forge(map[string]any{"iss": "https://evil.example"}), "n", CodeIDToken, "different provider"},
		{"expired ID token", forge(map[string]any{"exp": now - 3600, "iat": now - 7200}), "n", CodeIDToken, "expired"},
		{"bad signature", tampered, "", CodeIDToken, "signature"},
		{"alg none", none, "", CodeIDToken, "none"},
	}
	for _, tc := range idTokenCases {
		_, err := c.VerifyIDToken(ctx, tc.token, tc.nonce)
		if tc.code == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if failure.CodeOf(err) != tc.code || !strings.Contains(strings.ToLower(err.Error()), tc.detail) {
			t.Errorf("%s: %v, want %s mentioning %q", tc.name, err, tc.code, tc.detail)
		}
	}

	// a man in the middle (the tests' transport) changes what crosses
	tp := tap(t, c)

	// wrong PKCE verifier at the token exchange
	cs, _ := cardOf(t, "yamada-taro", "")
	tp.token = func(f url.Values) bool { f.Set("code_verifier", oauth2.GenerateVerifier()); return true }
	_, err = c.Login(ctx, cs)
	if failure.CodeOf(err) != CodeTokenError || ProviderCodeOf(err) != "invalid_grant" {
		t.Errorf("wrong PKCE verifier: %v", err)
	}
	tp.token = nil

	// state mismatch in the redirect
	cs, _ = cardOf(t, "yamada-taro", "")
	tp.final = func(u string) string { return replaceParam(u, "state", "forged") }
	_, err = c.Login(ctx, cs)
	if failure.CodeOf(err) != CodeStateMismatch {
		t.Errorf("state mismatch: %v", err)
	}

	// iss (RFC 9207) of another provider in the redirect
	cs, _ = cardOf(t, "yamada-taro", "")
	tp.final = func(u string) string { return replaceParam(u, "iss", "https://evil.example") }
	_, err = c.Login(ctx, cs)
	if failure.CodeOf(err) != CodeIssuerMismatch {
		t.Errorf("iss mismatch: %v", err)
	}
	tp.final = nil

	// code replay: the code works once
	cs, _ = cardOf(t, "yamada-taro", "")
	if _, err := c.Login(ctx, cs); err != nil {
		t.Fatal(err)
	}
	code, redirect, verifier := tp.tokenForm.Get("code"), tp.tokenForm.Get("redirect_uri"), tp.tokenForm.Get("code_verifier")
	_, err = c.oauth(redirect).Exchange(c.ctx(ctx), code, oauth2.VerifierOption(verifier))
	if e := tokenErr(err); ProviderCodeOf(e) != "invalid_grant" {
		t.Errorf("code replay: %v", err)
	}

	// challenge (login nonce) replay: the same signed answer is refused
	cs, _ = cardOf(t, "yamada-taro", "")
	tp.loginBodies = nil
	if _, err := c.Login(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if len(tp.loginBodies) != 2 {
		t.Fatalf("login step bodies: %v", tp.loginBodies)
	}
	var answer map[string]any
	json.Unmarshal([]byte(tp.loginBodies[1]), &answer)
	if code := postAnswer(t, c, tp.loginURL, answer); code != cardlogin.CodeChallengeInvalid {
		t.Errorf("challenge replay: %q", code)
	}

	// missing PKCE, and a redirect to a non-loopback host
	q := url.Values{"client_id": {idp.AppClientID}, "response_type": {"code"}, "scope": {"openid"},
		"redirect_uri": {"http://127.0.0.1:5555/callback"}, "state": {"s"}, "nonce": {"n"}}
	if loc := authorize(t, c, q); !strings.Contains(loc, "error=invalid_request") || !strings.Contains(loc, "PKCE") {
		t.Errorf("missing PKCE: redirected to %q", loc)
	}
	q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier()))
	q.Set("code_challenge_method", "S256")
	q.Set("redirect_uri", "http://evil.example/callback")
	if loc := authorize(t, c, q); loc != "" {
		t.Errorf("non-loopback redirect accepted: %q", loc)
	}
	q.Set("redirect_uri", "http://127.0.0.1:5555/callback")
	q.Del("nonce")
	if loc := authorize(t, c, q); !strings.Contains(loc, "error=invalid_request") || !strings.Contains(loc, "nonce") {
		t.Errorf("missing nonce: %q", loc)
	}

	// certificate and card cases
	// an expired or revoked card is refused before any PIN is asked
	for _, tc := range []struct {
		id, pin, provider string
	}{{"tanaka-ichiro", "", "AUTH-CERT-EXPIRED"}, {"kato-lost", "", "AUTH-CERT-REVOKED"}} {
		cs, vc := cardOf(t, tc.id, tc.pin)
		asked := false
		cs.Prompt = func(context.Context, card.Secret, int) (card.PIN, bool, error) {
			asked = true
			return nil, false, errors.New("no")
		}
		_, err := c.Login(ctx, cs)
		if failure.CodeOf(err) != CodeLoginRefused || ProviderCodeOf(err) != tc.provider || asked || vc.CommandCount(0x20) != 0 {
			t.Errorf("%s: %v (PIN asked %v, VERIFY sent %d)", tc.id, err, asked, vc.CommandCount(0x20))
		}
	}
	cs, _ = cardOf(t, "sato-hana", "9999")
	_, err = c.Login(ctx, cs)
	if failure.CodeOf(err) != card.CodeWrongPIN || card.TriesLeftOf(err) != 2 {
		t.Errorf("wrong auth PIN: %v", err)
	}
	cs, vc := cardOf(t, "sato-hana", "")
	vc.RemoveAfter(2)
	if _, err := c.Login(ctx, cs); !errors.Is(err, card.ErrCardRemoved) {
		t.Errorf("card removed: %v", err)
	}
}

func replaceParam(u, k, v string) string {
	p, _ := url.Parse(u)
	q := p.Query()
	q.Set(k, v)
	p.RawQuery = q.Encode()
	return p.String()
}

func postAnswer(t *testing.T, c *Client, u string, a any) string {
	b, _ := json.Marshal(a)
	resp, err := c.http.Post(u, "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e cardlogin.Error
	json.NewDecoder(resp.Body).Decode(&e)
	return e.Code
}

// authorize sends a raw authorization request and returns where the
// provider redirects ("" when it refuses to redirect at all).
func authorize(t *testing.T, c *Client, q url.Values) string {
	ua := *c.http
	ua.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := ua.Get(c.provider.Endpoint().AuthURL + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 3 {
		return ""
	}
	return resp.Header.Get("Location")
}

// RP-initiated logout at the provider's end-session endpoint ends the
// session: the refresh token dies with it.
func TestEndSession(t *testing.T) {
	_, c := setup(t)
	ctx := context.Background()
	cs, _ := cardOf(t, "sato-kenji", "")
	tok, err := c.Login(ctx, cs)
	if err != nil {
		t.Fatal(err)
	}
	var disc struct {
		EndSession string `json:"end_session_endpoint"`
	}
	c.provider.Claims(&disc)
	q := url.Values{"id_token_hint": {tok.IDToken}, "client_id": {idp.AppClientID},
		"post_logout_redirect_uri": {"http://127.0.0.1/signed-out"}, "state": {"bye"}}
	ua := *c.http
	ua.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := ua.Get(disc.EndSession + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "http://127.0.0.1/signed-out") {
		t.Fatalf("end session: %d → %q", resp.StatusCode, loc)
	}
	if _, err := c.Refresh(ctx, tok.RefreshToken); failure.CodeOf(err) != CodeSessionExpired {
		t.Fatalf("refresh after end session: %v", err)
	}
}
