package sso

import (
	"context"
	"net/url"
	"testing"

	"github.com/zitadel/oidc/v3/pkg/client/rp"
	"github.com/zitadel/oidc/v3/pkg/oidc"

	"madoguchi/sandbox/idp"
)

// An independent check of the provider: zitadel's own relying-party package
// discovers it, exchanges a code obtained through the card login (with the
// PKCE verifier) and verifies the ID token with its own verifier.
func TestZitadelRelyingParty(t *testing.T) {
	s, c := setup(t)
	ctx := context.Background()
	cs, _ := cardOf(t, "nguyen-van-an", "")
	// the tests' transport keeps the code from our exchange and hands it on
	tp := tap(t, c)
	tp.token = func(url.Values) bool { return false }
	if _, err := c.Login(ctx, cs); ProviderCodeOf(err) != "invalid_grant" {
		t.Fatalf("login: %v", err)
	}
	code, redirect, verifier := tp.tokenForm.Get("code"), tp.tokenForm.Get("redirect_uri"), tp.tokenForm.Get("code_verifier")
	nonce := tp.authorizeQuery.Get("nonce")
	tp.token = nil
	party, err := rp.NewRelyingPartyOIDC(ctx, s.Issuer, idp.AppClientID, "", redirect, DefaultScopes, rp.WithHTTPClient(c.http),
		rp.WithVerifierOpts(rp.WithNonce(func(context.Context) string { return nonce })))
	if err != nil {
		t.Fatalf("zitadel rp discovery: %v", err)
	}
	tokens, err := rp.CodeExchange[*oidc.IDTokenClaims](ctx, code, party, rp.WithCodeVerifier(verifier))
	if err != nil {
		t.Fatalf("zitadel rp exchange: %v", err)
	}
	if tokens.IDTokenClaims == nil || tokens.IDTokenClaims.Subject == "" || tokens.IDTokenClaims.Issuer != s.Issuer ||
		tokens.IDTokenClaims.AuthenticationContextClassReference != idp.ACR || tokens.RefreshToken == "" {
		t.Fatalf("claims %+v", tokens.IDTokenClaims)
	}
	ui, err := rp.Userinfo[*oidc.UserInfo](ctx, tokens.AccessToken, tokens.TokenType, tokens.IDTokenClaims.Subject, party)
	if err != nil || ui.Name != "NGUYEN VAN AN" {
		t.Fatalf("userinfo %+v %v", ui, err)
	}
}
