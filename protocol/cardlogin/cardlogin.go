// Package cardlogin owns the wire format of the card login step shared by the
// sandbox provider and the app (and by any future provider speaking it):
//
//	GET  <login URL>                      Accept: application/json → Challenge
//	POST <login URL> (JSON Answer)        → Result, or Error
//
// The challenge is 32 random bytes (base64url, no padding) bound to one
// authorization request, valid for ExpiresIn seconds and usable once. The
// card signs the raw challenge bytes with the JPKI user-authentication key
// (RSASSA-PKCS1-v1_5 with SHA-256). The private key never leaves the card;
// the PIN goes only to the card.
package cardlogin

// Challenge is the provider's answer to GET.
type Challenge struct {
	AuthRequestID string `json:"auth_request_id"`
	Challenge     string `json:"challenge"`
	ExpiresIn     int    `json:"expires_in"`
}

// Answer is the body of POST.
type Answer struct {
	AuthRequestID string `json:"auth_request_id"`
	Challenge     string `json:"challenge"`
	Certificate   string `json:"certificate"` // base64 (standard) DER of the auth certificate
	Signature     string `json:"signature"`   // base64 (standard)
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

// Failure codes of the login step (the provider may also send the
// certificate checks' codes, AUTH-CERT-*).
const (
	CodeUnknownRequest   = "LOGIN-REQUEST-UNKNOWN"
	CodeChallengeInvalid = "LOGIN-CHALLENGE-INVALID" // unknown, expired, already used (replay) or for another request
	CodeNotRegistered    = "LOGIN-NOT-REGISTERED"
	CodeMalformed        = "LOGIN-MALFORMED"
)

// Codes lists the login step's failure codes.
var Codes = []string{CodeUnknownRequest, CodeChallengeInvalid, CodeNotRegistered, CodeMalformed}
