// Package bundle is the wire format of an application bundle: the online
// procedures of one life event, filed together as ONE JWS signed on the My
// Number card with the signature key. The payload is RFC 8785 canonical
// JSON; the protected header carries the signature certificate chain
// (x5c); the bundle's id is the idempotency key, so a retry after a
// timeout files nothing twice. Also the intake's answers: one receipt per
// procedure and its statuses, corrections and withdrawals referring to an
// earlier receipt, and the refusal codes. Shared by the app (which signs and
// submits) and the sandbox intake (which verifies and issues receipts).
package bundle

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/gowebpki/jcs"

	"madoguchi/i18n/failure"
)

// Version is this wire format's version.
const Version = "madoguchi-bundle/1"

// Type is the JWS typ of a bundle.
const Type = "madoguchi-bundle+jws"

// ApplicationsPath is where bundles are submitted (POST, the compact JWS as
// the body, application/jose) and receipts listed (GET), relative to the
// municipality's issuer URL.
const ApplicationsPath = "/applications"

// IdempotencyHeader carries the bundle's id on submission.
const IdempotencyHeader = "Idempotency-Key"

// Scope is the OAuth scope for filing applications.
const Scope = "applications"

// Bundle is what the resident signs.
type Bundle struct {
	Version string `json:"v"`
	// ID is random, made once per bundle and kept with the draft: the
	// idempotency key of every submission of it.
	ID           string `json:"id"`
	Event        string `json:"event"`
	Municipality string `json:"municipality"` // the intake's issuer URL
	Subject      string `json:"sub"`          // the resident it is for
	// Actor is the registered proxy filing it for Subject ("" : the
	// resident themselves), as the token's act claim names them.
	Actor        string        `json:"act,omitempty"`
	CreatedAt    time.Time     `json:"created_at"`
	Applications []Application `json:"applications"`
	// Presentations are SD-JWT presentations (key-bound to the intake)
	// the resident agreed to attach.
	Presentations []string `json:"presentations,omitempty"`
}

// Application is one procedure's form.
type Application struct {
	Procedure string         `json:"procedure"`
	Fields    map[string]any `json:"fields"`
	// Sources says where each field's value came from (card,
	// residence-record, answer, typed…), for the clerk and the resident.
	Sources map[string]string `json:"sources,omitempty"`
	// Kind is "" for a new application, KindCorrection for one that
	// replaces an earlier application of the same procedure, KindWithdrawal
	// for one that takes an earlier application back (the procedure no
	// longer applies: Fields then carry only the reason).
	Kind string `json:"kind,omitempty"`
	// Corrects is the receipt number of the earlier application a
	// correction or withdrawal refers to (the intake's own receipt, of the
	// same resident and procedure, not already corrected or withdrawn).
	Corrects string `json:"corrects,omitempty"`
}

// Kinds of an application.
const (
	KindCorrection = "correction"
	KindWithdrawal = "withdrawal"
)

// Receipt is the intake's answer for one application.
type Receipt struct {
	Procedure string    `json:"procedure"`
	Number    string    `json:"receipt"`
	Status    string    `json:"status"`
	Note      string    `json:"note,omitempty"`
	Updated   time.Time `json:"updated"`
	// Kind and Corrects are the application's (a correction or a
	// withdrawal, and the receipt it refers to).
	Kind     string `json:"kind,omitempty"`
	Corrects string `json:"corrects,omitempty"`
	// CorrectedBy is the receipt of the later correction or withdrawal
	// that replaced this one (its status is then superseded or withdrawn).
	CorrectedBy string `json:"corrected_by,omitempty"`
}

// Statuses of a receipt, in the order they usually come.
const (
	StatusReceived  = "received"
	StatusInReview  = "in-review"
	StatusNeedsInfo = "needs-information"
	StatusCompleted = "completed"
	StatusRejected  = "rejected"
	// StatusSuperseded: a later correction replaced this application.
	StatusSuperseded = "superseded"
	// StatusWithdrawn: a later withdrawal took this application back.
	StatusWithdrawn = "withdrawn"
)

// Statuses lists every status staff can set.
var Statuses = []string{StatusReceived, StatusInReview, StatusNeedsInfo, StatusCompleted, StatusRejected}

// SubmitResponse is the intake's answer to a submission (the same for a
// repeated submission of the same bundle).
type SubmitResponse struct {
	Bundle   string    `json:"bundle"`
	Receipts []Receipt `json:"receipts"`
	// Repeated is set when this bundle had been received before: nothing
	// was filed again.
	Repeated bool `json:"repeated,omitempty"`
}

// Error is the intake's refusal.
type Error struct {
	Code        string `json:"code"`
	Description string `json:"description"`
}

// Failure codes of bundles (the intake sends them; the app explains them).
const (
	CodeMalformed     failure.Code = "BUNDLE-MALFORMED"     // not a bundle of this version
	CodeSignature     failure.Code = "BUNDLE-SIGNATURE"     // the signature or its certificate chain does not verify
	CodeCertRevoked   failure.Code = "BUNDLE-CERT-REVOKED"  // the signature certificate is revoked (e.g. by a move): re-issue it at the counter
	CodeCertExpired   failure.Code = "BUNDLE-CERT-EXPIRED"  // the signature certificate has expired
	CodeNotYours      failure.Code = "BUNDLE-SUBJECT"       // signed for another resident or municipality
	CodeIdempotency   failure.Code = "BUNDLE-KEY-MISMATCH"  // the same id was used for a different bundle
	CodeUnknownForm   failure.Code = "BUNDLE-PROCEDURE"     // a procedure the municipality does not take online
	CodePresentations failure.Code = "BUNDLE-PRESENTATION"  // an attached certificate does not verify
	CodeSubmit        failure.Code = "BUNDLE-SUBMIT-FAILED" // the intake could not be reached or failed; nothing was filed twice
	CodeNotOpen       failure.Code = "BUNDLE-NOT-OPEN"      // filed before the procedure's online window opens
	CodeClosed        failure.Code = "BUNDLE-CLOSED"        // filed after the procedure's online window closed: the counter takes it
	CodeImplausible   failure.Code = "BUNDLE-IMPLAUSIBLE"   // a field cannot be right (a child not yet born, a move years ahead, an address of one letter)
	CodeCorrection    failure.Code = "BUNDLE-CORRECTION"    // a correction or withdrawal refers to no receipt of this resident and procedure, or to one already replaced
)

// Codes lists the bundle failure codes.
var Codes = failure.Register("protocol/bundle", CodeMalformed, CodeSignature, CodeCertRevoked, CodeCertExpired,
	CodeNotYours, CodeIdempotency, CodeUnknownForm, CodePresentations, CodeSubmit, CodeNotOpen, CodeClosed, CodeImplausible, CodeCorrection)

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{22,64}$`)

// NewID returns a fresh bundle id (128 random bits): made once per bundle
// and kept with the draft, so every retry carries the same one.
func NewID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Canonical is the bundle's payload: RFC 8785 canonical JSON.
func (b *Bundle) Canonical() ([]byte, error) {
	raw, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	return jcs.Transform(raw)
}

// SignFunc signs a PKCS#1 v1.5 DigestInfo with the card's signature key.
type SignFunc func(digestInfo []byte) ([]byte, error)

// Sign makes the compact JWS of b, signed by sign with the certificate
// chain (signing certificate first). It is meant to run inside the card's
// one transaction (card.Session.SignWithin).
func Sign(b *Bundle, chain []*x509.Certificate, sign SignFunc) (string, error) {
	if len(chain) == 0 {
		return "", failure.New(CodeSignature, "no signing certificate")
	}
	pub, ok := chain[0].PublicKey.(*rsa.PublicKey)
	if !ok {
		return "", failure.New(CodeSignature, "the signing certificate's key is not RSA")
	}
	payload, err := b.Canonical()
	if err != nil {
		return "", &failure.Error{Code: CodeMalformed, Err: err}
	}
	x5c := make([]string, len(chain))
	for i, c := range chain {
		x5c[i] = base64.StdEncoding.EncodeToString(c.Raw)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: cardSigner{pub: pub, chain: chain, sign: sign}},
		(&jose.SignerOptions{}).WithType(Type).WithHeader("x5c", x5c))
	if err != nil {
		return "", &failure.Error{Code: CodeSignature, Err: err}
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// cardSigner is go-jose's opaque signer over the card.
type cardSigner struct {
	pub   *rsa.PublicKey
	chain []*x509.Certificate
	sign  SignFunc
}

func (c cardSigner) Public() *jose.JSONWebKey {
	return &jose.JSONWebKey{Key: c.pub, Algorithm: string(jose.RS256), Certificates: c.chain}
}

func (c cardSigner) Algs() []jose.SignatureAlgorithm { return []jose.SignatureAlgorithm{jose.RS256} }

func (c cardSigner) SignPayload(payload []byte, alg jose.SignatureAlgorithm) ([]byte, error) {
	if alg != jose.RS256 {
		return nil, fmt.Errorf("bundle: %s is not RS256", alg)
	}
	h := sha256.Sum256(payload)
	return c.sign(digestInfo(h[:]))
}

// digestInfo is the DER DigestInfo of a SHA-256 digest (PKCS#1 v1.5).
func digestInfo(h []byte) []byte {
	prefix := []byte{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20}
	return append(prefix, h...)
}

// Signed is a parsed, signature-checked bundle: the chain it names is
// returned for the verifier to check against its trust anchors and
// revocation lists.
type Signed struct {
	Bundle Bundle
	Chain  []*x509.Certificate
	// Payload is the exact canonical payload that was signed.
	Payload []byte
}

// Parse checks a compact JWS bundle: RS256 only, its typ, the signature by
// the first x5c certificate's key, a canonical payload of this version with
// a well-formed id. Trust in the chain (anchors, validity, revocation) is
// the verifier's.
func Parse(compact string) (*Signed, error) {
	if len(compact) > 4<<20 {
		return nil, failure.New(CodeMalformed, "bundle over 4 MiB")
	}
	jws, err := jose.ParseSigned(compact, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return nil, &failure.Error{Code: CodeMalformed, Err: err}
	}
	if len(jws.Signatures) != 1 {
		return nil, failure.New(CodeMalformed, "one signature expected")
	}
	var hdr struct {
		Typ string   `json:"typ"`
		X5c []string `json:"x5c"`
	}
	head, _, _ := strings.Cut(compact, ".")
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil || json.Unmarshal(raw, &hdr) != nil {
		return nil, failure.New(CodeMalformed, "protected header")
	}
	if hdr.Typ != Type {
		return nil, failure.Newf(CodeMalformed, "typ %q", hdr.Typ)
	}
	if len(hdr.X5c) == 0 || len(hdr.X5c) > 4 {
		return nil, failure.New(CodeSignature, "x5c: one to four certificates expected")
	}
	var chain []*x509.Certificate
	for _, c := range hdr.X5c {
		der, err := base64.StdEncoding.DecodeString(c)
		if err != nil {
			return nil, failure.New(CodeSignature, "x5c is not base64")
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, &failure.Error{Code: CodeSignature, Detail: "x5c", Err: err}
		}
		chain = append(chain, cert)
	}
	pub, ok := chain[0].PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, failure.New(CodeSignature, "the signing certificate's key is not RSA")
	}
	payload, err := jws.Verify(pub)
	if err != nil {
		return nil, &failure.Error{Code: CodeSignature, Err: err}
	}
	canon, err := jcs.Transform(payload)
	if err != nil || !bytes.Equal(canon, payload) {
		return nil, failure.New(CodeMalformed, "the payload is not canonical JSON (RFC 8785)")
	}
	var b Bundle
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, &failure.Error{Code: CodeMalformed, Err: err}
	}
	if b.Version != Version || !idPattern.MatchString(b.ID) || b.Event == "" || b.Subject == "" || len(b.Applications) == 0 {
		return nil, failure.New(CodeMalformed, "version, id, event, subject or applications")
	}
	return &Signed{Bundle: b, Chain: chain, Payload: payload}, nil
}
