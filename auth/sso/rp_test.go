package sso

import (
	"context"
	"errors"
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
	var code, redirect, verifier, nonce string
	cs, _ := cardOf(t, "nguyen-van-an", "")
	_, err := c.login(ctx, cs, loginHooks{code: func(cd, r, v, n string) bool { code, redirect, verifier, nonce = cd, r, v, n; return true }})
	if !errors.Is(err, errTakenOver) {
		t.Fatalf("login: %v", err)
	}
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
