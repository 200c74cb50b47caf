// Package sso owns the app's sign-in: municipality profiles, OpenID Connect
// discovery and ID-token verification (github.com/coreos/go-oidc/v3, plus the
// nonce check go-oidc leaves to callers), the authorization code flow with
// PKCE S256 (golang.org/x/oauth2) for a native app per RFC 8252 (loopback
// redirect on 127.0.0.1, state and RFC 9207 iss checked), the card login step
// completed by the app itself (the provider's challenge signed on the card),
// a session that refreshes silently, revocation, and OAuth 2.0 Token
// Exchange (RFC 8693) for a registered proxy acting for a principal. Every
// failure has a stable code.
package sso
