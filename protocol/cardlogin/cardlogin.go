// Package cardlogin owns the wire format of the card login step shared by the
// sandbox provider and the app (and by any future provider speaking it).
// Version 2 (ADR 0009):
//
//	POST <login URL> Offer  (the auth certificate; no PIN yet) → Challenge, or Error
//	POST <login URL> Answer (the card's signature over the Statement) → Result, or Error
//
// The provider checks the certificate (chain, validity, CRL, registration)
// when it is offered, so an expired or revoked card is refused before the
// person is asked for a PIN. The challenge is 32 random bytes bound to one
// authorization request and to the offered certificate, valid for ExpiresIn
// seconds and usable once. The card does not sign bare random bytes: it
// signs a Statement — a fixed context string, the provider (issuer), the
// client, the authorization request, the challenge and the issue time —
// encoded by Statement.Bytes, with the JPKI user-authentication key
// (RSASSA-PKCS1-v1_5 with SHA-256). A signature made for another provider,
// client or request does not verify. The private key never leaves the card;
// the PIN goes only to the card.
package cardlogin

import (
	"encoding/binary"
	"strconv"

	"madoguchi/i18n/failure"
)

// Version names this wire format; both sides send it and refuse others.
const Version = "madoguchi-cardlogin/2"

// Context is the domain-separation prefix of every signed statement: a
// signature over it can never be mistaken for one over anything else the
// auth key signs (TLS client auth, another protocol's challenge).
const Context = "madoguchi card login statement v2"

// Offer is the first POST: the auth certificate, read without a PIN.
type Offer struct {
	Version       string `json:"version"`
	AuthRequestID string `json:"auth_request_id"`
	Certificate   string `json:"certificate"` // base64 (standard) DER of the auth certificate
}

// Challenge is the provider's answer to an Offer: what the card must sign.
type Challenge struct {
	Version       string `json:"version"`
	Issuer        string `json:"issuer"`
	ClientID      string `json:"client_id"`
	AuthRequestID string `json:"auth_request_id"`
	Challenge     string `json:"challenge"` // 32 random bytes, base64url without padding
	IssuedAt      int64  `json:"issued_at"` // Unix seconds
	ExpiresIn     int    `json:"expires_in"`
}

// Statement is what the card signs.
type Statement struct {
	Issuer        string `json:"issuer"`
	ClientID      string `json:"client_id"`
	AuthRequestID string `json:"auth_request_id"`
	Challenge     string `json:"challenge"`
	IssuedAt      int64  `json:"issued_at"`
}

// Statement of a challenge.
func (c Challenge) Statement() Statement {
	return Statement{Issuer: c.Issuer, ClientID: c.ClientID, AuthRequestID: c.AuthRequestID, Challenge: c.Challenge, IssuedAt: c.IssuedAt}
}

// Bytes is the exact message the card signs: Context, a zero byte, then each
// field as a 2-byte big-endian length and its bytes, in this order: issuer,
// client_id, auth_request_id, challenge, issued_at (decimal). Lengths make
// the encoding unambiguous whatever the fields contain.
func (s Statement) Bytes() []byte {
	b := append([]byte(Context), 0)
	for _, f := range []string{s.Issuer, s.ClientID, s.AuthRequestID, s.Challenge, strconv.FormatInt(s.IssuedAt, 10)} {
		b = binary.BigEndian.AppendUint16(b, uint16(len(f)))
		b = append(b, f...)
	}
	return b
}

// Answer is the second POST: the statement the card signed and the signature.
type Answer struct {
	Version       string    `json:"version"`
	AuthRequestID string    `json:"auth_request_id"`
	Statement     Statement `json:"statement"`
	Signature     string    `json:"signature"` // base64 (standard)
}

// Result tells the user agent where to continue (the provider's
// authorization callback, which redirects to the client with the code).
type Result struct {
	Redirect string `json:"redirect"`
}

// Error is an OAuth-style refusal with a stable failure code.
type Error struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	Code        string `json:"failure_code"`
}

// Failure codes the provider sends (Error.Code): those of the login step,
// and those of its checks of the card's certificate and signature. The app
// explains each one in place of its own SSO-LOGIN-REFUSED.
const (
	CodeUnknownRequest    = "LOGIN-REQUEST-UNKNOWN"
	CodeChallengeInvalid  = "LOGIN-CHALLENGE-INVALID" // unknown, expired, already used (replay) or for another request
	CodeNotRegistered     = "LOGIN-NOT-REGISTERED"
	CodeMalformed         = "LOGIN-MALFORMED"
	CodeVersion           = "LOGIN-VERSION"            // another version of this wire format
	CodeStatementMismatch = "LOGIN-STATEMENT-MISMATCH" // the signed statement names another provider, client, request or time
)

// Codes of the provider's checks of the card's authentication certificate
// and signature (JPKI relying-party checks).
const (
	CodeCertMalformed    = "AUTH-CERT-MALFORMED"
	CodeCertUntrusted    = "AUTH-CERT-UNTRUSTED"
	CodeCertExpired      = "AUTH-CERT-EXPIRED"
	CodeCertNotYetValid  = "AUTH-CERT-NOT-YET-VALID"
	CodeCertRevoked      = "AUTH-CERT-REVOKED"
	CodeCertUsage        = "AUTH-CERT-USAGE"
	CodeSignatureInvalid = "AUTH-SIGNATURE-INVALID"
	CodeCRLUnavailable   = "AUTH-CRL-UNAVAILABLE"
)

// Codes lists every code a provider may send.
var Codes = failure.Register("protocol/cardlogin", CodeUnknownRequest, CodeChallengeInvalid, CodeNotRegistered,
	CodeMalformed, CodeVersion, CodeStatementMismatch, CodeCertMalformed, CodeCertUntrusted, CodeCertExpired,
	CodeCertNotYetValid, CodeCertRevoked, CodeCertUsage, CodeSignatureInvalid, CodeCRLUnavailable)
