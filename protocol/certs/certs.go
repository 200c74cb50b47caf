// Package certs owns the wire format of the municipality's certificate
// service shared by the sandbox issuer and the app's wallet: credential types
// (vct), the issue request/response, the issuer metadata location, and the
// sandbox verifier's nonce/presentation exchange.
package certs

import jose "github.com/go-jose/go-jose/v4"

// Credential types.
const (
	VCTResidenceRecord = "urn:madoguchi:vct:residence-record" // 住民票の写し
	VCTTaxCertificate  = "urn:madoguchi:vct:tax-certificate"  // 課税・所得証明書
	VCTAttributes      = "urn:madoguchi:vct:attributes"       // 基本4情報
	// An employer's documents, issued to the employee: they travel "via the
	// person" from the old employer to the new one.
	VCTWithholding = "urn:madoguchi:vct:withholding-slip"       // 源泉徴収票
	VCTEmployment  = "urn:madoguchi:vct:employment-certificate" // 就労証明書（在職・離職）
)

// Kinds maps the short names used in URLs and the CLI to vct.
var Kinds = map[string]string{
	"residence":   VCTResidenceRecord,
	"tax":         VCTTaxCertificate,
	"attributes":  VCTAttributes,
	"withholding": VCTWithholding,
	"employment":  VCTEmployment,
}

// EmployerKinds are the kinds an employer issues (the profile's "employer"
// service); the others come from the municipality.
var EmployerKinds = []string{"withholding", "employment"}

// EmployerPrefix is where the sandbox serves its employer, beside the
// municipality (a real employer has its own address).
const EmployerPrefix = "/employer"

// Paths on the municipality's server.
const (
	MetadataPath = "/.well-known/jwt-vc-issuer"
	IssuePath    = "/certificates/" // + kind
	NoncePath    = "/verifier/nonce"
	PresentPath  = "/verifier/present"
	Scope        = "certificates"
)

// Metadata is the issuer's published metadata (SD-JWT VC issuer metadata).
type Metadata struct {
	Issuer string             `json:"issuer"`
	JWKS   jose.JSONWebKeySet `json:"jwks"`
}

// IssueRequest asks for a credential bound to the holder's key.
type IssueRequest struct {
	HolderJWK jose.JSONWebKey `json:"holder_jwk"`
	Year      int             `json:"year,omitempty"` // tax certificate: fiscal year
	// IncludeMyNumber asks for the My Number in a residence record; the
	// issuer allows it only with the MyNumberScope.
	IncludeMyNumber bool `json:"include_my_number,omitempty"`
	// Require names fields the requester needs in the credential: a proxy
	// asking for a protected one (protocol/proxy.ProtectedFields) the
	// principal did not allow is refused, and the attempt is in the
	// principal's trail; without it, such fields are simply left out.
	Require []string `json:"require,omitempty"`
}

// MyNumberScope must be granted for a residence record with the My Number.
const MyNumberScope = "mynumber"

// IssueResponse carries the SD-JWT VC.
type IssueResponse struct {
	Credential string `json:"credential"`
}

// NonceResponse is the verifier's challenge.
type NonceResponse struct {
	Nonce    string `json:"nonce"`
	Audience string `json:"audience"`
}

// PresentRequest submits a presentation to the verifier.
type PresentRequest struct {
	Presentation string `json:"presentation"`
}

// PresentResponse is the verifier's verdict.
type PresentResponse struct {
	Verified bool           `json:"verified"`
	Claims   map[string]any `json:"claims,omitempty"`
	Code     string         `json:"failure_code,omitempty"`
}

// Error is a refusal.
type Error struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}
