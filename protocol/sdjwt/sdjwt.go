// Package sdjwt owns the SD-JWT VC wire format shared by the sandbox
// certificate issuer and the app's wallet (IETF SD-JWT, RFC 9901, and
// SD-JWT VC): an issuer-signed JWT (ES256, via go-jose) whose selectively
// disclosable claims appear only as salted SHA-256 digests in "_sd", the
// disclosures appended after "~", holder binding through "cnf.jwk", and a
// key-binding JWT (typ kb+jwt: nonce, aud, iat, sd_hash) when presenting.
// Only top-level claims are selectively disclosable here. Every refusal has
// a stable code.
package sdjwt

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// Media types (typ header values).
const (
	TypVC = "dc+sd-jwt"
	TypKB = "kb+jwt"
)

// Failure codes.
const (
	CodeMalformed  = "VC-MALFORMED"
	CodeSignature  = "VC-SIGNATURE"  // issuer signature invalid or by an untrusted key
	CodeDisclosure = "VC-DISCLOSURE" // a disclosure is not among the signed digests (tampered or foreign)
	CodeExpired    = "VC-EXPIRED"
	CodeType       = "VC-TYPE" // unknown vct or wrong typ
	CodeIssuer     = "VC-ISSUER"
	CodeKeyBinding = "VC-KEY-BINDING" // missing/invalid key-binding JWT, wrong nonce, audience, key or sd_hash
	CodeReplay     = "VC-REPLAY"
)

// Error is a refused credential or presentation.
type Error struct {
	Code   string
	Detail string
}

func (e *Error) Error() string               { return e.Code + ": " + e.Detail }
func (e *Error) FailureCode() string         { return e.Code }
func (e *Error) FailureData() map[string]any { return nil }

// CodeOf returns the code of err, or "".
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func fail(code, format string, a ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, a...)}
}

var b64 = base64.RawURLEncoding

// Disclosure is one disclosed claim.
type Disclosure struct {
	Raw   string // as transmitted (base64url of the JSON array)
	Salt  string
	Name  string
	Value any
}

// Digest is the disclosure's digest as listed in "_sd".
func (d Disclosure) Digest() string {
	h := sha256.Sum256([]byte(d.Raw))
	return b64.EncodeToString(h[:])
}

// NewDisclosure makes a disclosure with a fresh 128-bit salt.
func NewDisclosure(name string, value any) (Disclosure, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return Disclosure{}, err
	}
	d := Disclosure{Salt: b64.EncodeToString(salt), Name: name, Value: value}
	j, err := json.Marshal([]any{d.Salt, name, value})
	if err != nil {
		return Disclosure{}, err
	}
	d.Raw = b64.EncodeToString(j)
	return d, nil
}

// ParseDisclosure decodes one disclosure.
func ParseDisclosure(raw string) (Disclosure, error) {
	j, err := b64.DecodeString(raw)
	if err != nil {
		return Disclosure{}, fail(CodeMalformed, "disclosure is not base64url")
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(j, &arr); err != nil || len(arr) != 3 {
		return Disclosure{}, fail(CodeMalformed, "disclosure is not [salt, name, value]")
	}
	d := Disclosure{Raw: raw}
	if json.Unmarshal(arr[0], &d.Salt) != nil || json.Unmarshal(arr[1], &d.Name) != nil || d.Salt == "" || d.Name == "" {
		return Disclosure{}, fail(CodeMalformed, "disclosure salt or name is not a string")
	}
	if d.Name == "_sd" || d.Name == "..." {
		return Disclosure{}, fail(CodeMalformed, "reserved claim name in a disclosure")
	}
	if err := json.Unmarshal(arr[2], &d.Value); err != nil {
		return Disclosure{}, fail(CodeMalformed, "disclosure value")
	}
	return d, nil
}

// Token is a parsed (not yet verified) SD-JWT, possibly with a KB-JWT.
type Token struct {
	JWT         string
	Disclosures []Disclosure
	KBJWT       string // "" when absent
}

// Parse splits the compact form <JWT>~<D1>~…~<KB-JWT or empty>.
func Parse(s string) (*Token, error) {
	parts := strings.Split(s, "~")
	if len(parts) < 2 {
		return nil, fail(CodeMalformed, "no '~' separator")
	}
	t := &Token{JWT: parts[0], KBJWT: parts[len(parts)-1]}
	if strings.Count(t.JWT, ".") != 2 {
		return nil, fail(CodeMalformed, "issuer-signed part is not a compact JWS")
	}
	seen := map[string]bool{}
	for _, raw := range parts[1 : len(parts)-1] {
		d, err := ParseDisclosure(raw)
		if err != nil {
			return nil, err
		}
		if seen[raw] {
			return nil, fail(CodeDisclosure, "the same disclosure twice")
		}
		seen[raw] = true
		t.Disclosures = append(t.Disclosures, d)
	}
	if t.KBJWT != "" && strings.Count(t.KBJWT, ".") != 2 {
		return nil, fail(CodeMalformed, "key-binding part is not a compact JWS")
	}
	return t, nil
}

// withoutKB is the presentation up to and including the last '~' (what
// sd_hash covers).
func (t *Token) withoutKB() string {
	var b strings.Builder
	b.WriteString(t.JWT)
	b.WriteString("~")
	for _, d := range t.Disclosures {
		b.WriteString(d.Raw)
		b.WriteString("~")
	}
	return b.String()
}

// String is the compact serialisation.
func (t *Token) String() string { return t.withoutKB() + t.KBJWT }

// Issuer signs credentials.
type Issuer struct {
	ID  string        // iss
	Key crypto.Signer // ES256 (P-256) key
	KID string        // key id published in the issuer's JWKS
}

// Issue creates an SD-JWT VC: plain claims always visible, sd claims each
// selectively disclosable, bound to the holder's public key.
func (is Issuer) Issue(vct string, plain, sd map[string]any, holder *jose.JSONWebKey, iat, exp time.Time) (string, error) {
	payload := map[string]any{"iss": is.ID, "vct": vct, "iat": iat.Unix(), "exp": exp.Unix(), "_sd_alg": "sha-256"}
	for k, v := range plain {
		payload[k] = v
	}
	if holder != nil {
		payload["cnf"] = map[string]any{"jwk": holder}
	}
	var digests []string
	var discs []Disclosure
	names := make([]string, 0, len(sd))
	for k := range sd {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		d, err := NewDisclosure(k, sd[k])
		if err != nil {
			return "", err
		}
		discs = append(discs, d)
		digests = append(digests, d.Digest())
	}
	slices.Sort(digests) // order reveals nothing
	payload["_sd"] = digests
	jwt, err := sign(is.Key, is.KID, TypVC, payload)
	if err != nil {
		return "", err
	}
	t := &Token{JWT: jwt, Disclosures: discs}
	return t.String(), nil
}

func sign(key crypto.Signer, kid, typ string, payload any) (string, error) {
	opts := (&jose.SignerOptions{}).WithType(jose.ContentType(typ))
	if kid != "" {
		opts = opts.WithHeader("kid", kid)
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: key}, opts)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return "", err
	}
	obj, err := s.Sign(b)
	if err != nil {
		return "", err
	}
	return obj.CompactSerialize()
}

// Verified is what a verifier learns.
type Verified struct {
	Issuer   string
	VCT      string
	IssuedAt time.Time
	Expires  time.Time
	// Claims are the always-visible claims plus the disclosed ones.
	Claims map[string]any
	// Disclosed names the selectively disclosed claims present.
	Disclosed []string
	Holder    *jose.JSONWebKey
}

// Policy is what the verifier accepts.
type Policy struct {
	Issuer string
	// Keys are the issuer's trusted public keys (its JWKS).
	Keys jose.JSONWebKeySet
	// VCTs are the credential types accepted (nil: any).
	VCTs []string
	Now  time.Time
}

func verifyJWS(compact string, keys jose.JSONWebKeySet, typ string) (map[string]any, map[string]any, error) {
	obj, err := jose.ParseSigned(compact, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		return nil, nil, fail(CodeMalformed, "%v", err)
	}
	h := obj.Signatures[0].Protected
	if t, _ := h.ExtraHeaders[jose.HeaderType].(string); t != typ {
		return nil, nil, fail(CodeType, "typ %q, want %q", t, typ)
	}
	var candidates []jose.JSONWebKey
	if h.KeyID != "" {
		candidates = keys.Key(h.KeyID)
	} else {
		candidates = keys.Keys
	}
	for _, k := range candidates {
		if payload, err := obj.Verify(k.Key); err == nil {
			var claims map[string]any
			if err := json.Unmarshal(payload, &claims); err != nil {
				return nil, nil, fail(CodeMalformed, "payload is not a JSON object")
			}
			return claims, nil, nil
		}
	}
	return nil, nil, fail(CodeSignature, "no trusted key verifies the signature")
}

func num(m map[string]any, k string) (time.Time, bool) {
	f, ok := m[k].(float64)
	return time.Unix(int64(f), 0), ok
}

// Verify checks an SD-JWT (issuer signature, typ, iss, vct, expiry, every
// disclosure's digest) and returns the visible claims.
func Verify(s string, p Policy) (*Verified, *Token, error) {
	t, err := Parse(s)
	if err != nil {
		return nil, nil, err
	}
	payload, _, err := verifyJWS(t.JWT, p.Keys, TypVC)
	if err != nil {
		return nil, nil, err
	}
	v := &Verified{Claims: map[string]any{}}
	v.Issuer, _ = payload["iss"].(string)
	if v.Issuer != p.Issuer {
		return nil, nil, fail(CodeIssuer, "iss %q, want %q", v.Issuer, p.Issuer)
	}
	v.VCT, _ = payload["vct"].(string)
	if v.VCT == "" || (p.VCTs != nil && !slices.Contains(p.VCTs, v.VCT)) {
		return nil, nil, fail(CodeType, "unknown credential type %q", v.VCT)
	}
	var ok bool
	if v.Expires, ok = num(payload, "exp"); !ok || !p.Now.Before(v.Expires) {
		return nil, nil, fail(CodeExpired, "expired at %s", v.Expires.Format(time.RFC3339))
	}
	v.IssuedAt, _ = num(payload, "iat")
	if alg, _ := payload["_sd_alg"].(string); alg != "sha-256" {
		return nil, nil, fail(CodeMalformed, "_sd_alg %q", alg)
	}
	digests := map[string]bool{}
	if list, ok := payload["_sd"].([]any); ok {
		for _, d := range list {
			if s, ok := d.(string); ok {
				digests[s] = true
			}
		}
	}
	for k, val := range payload {
		switch k {
		case "_sd", "_sd_alg", "cnf":
		default:
			v.Claims[k] = val
		}
	}
	for _, d := range t.Disclosures {
		if !digests[d.Digest()] {
			return nil, nil, fail(CodeDisclosure, "disclosure of %q is not in the signed digests", d.Name)
		}
		if _, clash := v.Claims[d.Name]; clash {
			return nil, nil, fail(CodeDisclosure, "disclosure of %q overrides a signed claim", d.Name)
		}
		v.Claims[d.Name] = d.Value
		v.Disclosed = append(v.Disclosed, d.Name)
	}
	if cnf, ok := payload["cnf"].(map[string]any); ok {
		if j, err := json.Marshal(cnf["jwk"]); err == nil {
			var k jose.JSONWebKey
			if k.UnmarshalJSON(j) == nil {
				v.Holder = &k
			}
		}
	}
	return v, t, nil
}

// Present keeps only the named disclosures and appends a key-binding JWT
// signed by the holder key for this verifier (aud) and nonce.
func Present(s string, names []string, holder crypto.Signer, nonce, aud string, now time.Time) (string, error) {
	t, err := Parse(s)
	if err != nil {
		return "", err
	}
	var keep []Disclosure
	for _, d := range t.Disclosures {
		if slices.Contains(names, d.Name) {
			keep = append(keep, d)
		}
	}
	t.Disclosures, t.KBJWT = keep, ""
	h := sha256.Sum256([]byte(t.withoutKB()))
	kb, err := sign(holder, "", TypKB, map[string]any{"iat": now.Unix(), "aud": aud, "nonce": nonce, "sd_hash": b64.EncodeToString(h[:])})
	if err != nil {
		return "", err
	}
	t.KBJWT = kb
	return t.String(), nil
}

// VerifyPresentation verifies the credential and its key binding: signed by
// the key in cnf, for this aud and nonce, over exactly these disclosures,
// recent (MaxAge), and not seen before (seen records nonces; nil: no check).
func VerifyPresentation(s string, p Policy, nonce, aud string, maxAge time.Duration, seen func(nonce string) bool) (*Verified, error) {
	v, t, err := Verify(s, p)
	if err != nil {
		return nil, err
	}
	if t.KBJWT == "" {
		return nil, fail(CodeKeyBinding, "no key-binding JWT")
	}
	if v.Holder == nil {
		return nil, fail(CodeKeyBinding, "credential has no holder key (cnf)")
	}
	kb, _, err := verifyJWS(t.KBJWT, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{*v.Holder}}, TypKB)
	if err != nil {
		return nil, fail(CodeKeyBinding, "key-binding JWT: %s", err.(*Error).Detail)
	}
	if got, _ := kb["nonce"].(string); got != nonce {
		return nil, fail(CodeKeyBinding, "wrong nonce")
	}
	if got, _ := kb["aud"].(string); got != aud {
		return nil, fail(CodeKeyBinding, "wrong audience %q", got)
	}
	h := sha256.Sum256([]byte(t.withoutKB()))
	if got, _ := kb["sd_hash"].(string); got != b64.EncodeToString(h[:]) {
		return nil, fail(CodeKeyBinding, "sd_hash does not cover this presentation")
	}
	iat, ok := num(kb, "iat")
	if !ok || p.Now.Sub(iat) > maxAge || iat.Sub(p.Now) > time.Minute {
		return nil, fail(CodeKeyBinding, "key-binding JWT is not recent")
	}
	if seen != nil && seen(nonce) {
		return nil, fail(CodeReplay, "this presentation was already used")
	}
	return v, nil
}
