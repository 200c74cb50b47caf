// Package idp owns the sandbox municipality's OpenID Provider: an OP built on
// github.com/zitadel/oidc/v3/pkg/op (discovery, JWKS, authorization code with
// PKCE S256 required for the public native client, refresh tokens with
// rotation, revocation, userinfo, end-session) whose user authentication is a
// JPKI card login: a fresh challenge bound to the authorization request, signed
// by the card's user-authentication key, verified by sandbox/jpki. Subjects are
// pairwise per client and stable across certificate renewal (never the My
// Number). A registered proxy acts for a principal by OAuth 2.0 Token
// Exchange (RFC 8693), allowed by the proxy registry (Delegations) and
// re-checked on every request; a resident's standing (card in use,
// suspended, under protection) is kept for it. State lives in SQLite
// (modernc.org/sqlite) under the data folder, served over HTTPS with a
// development CA created at first start.
package idp
