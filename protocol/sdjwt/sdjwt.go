// Package sdjwt owns the SD-JWT VC wire format shared by the sandbox
// certificate issuer and the app's wallet (IETF SD-JWT, RFC 9901, and
// SD-JWT VC): an issuer-signed JWT (ES256, via go-jose) whose selectively
// disclosable claims appear only as salted SHA-256 digests in "_sd", the
// disclosures appended after "~", holder binding through "cnf.jwk", and a
// key-binding JWT (typ kb+jwt: nonce, aud, iat, sd_hash) when presenting.
// Claims are selectively disclosable at any depth: object members (listed in
// that object's "_sd") and array elements ({"...": digest}); each "_sd" and
// each array with disclosable elements carries decoy digests so that their
// count says nothing about the content (PadDigests). Every refusal has a
// stable code.
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

	"madoguchi/i18n/failure"
)

// Media types (typ header values).
const (
	TypVC = "dc+sd-jwt"
	TypKB = "kb+jwt"
)

// Failure codes of refused credentials and presentations.
const (
	CodeMalformed  failure.Code = "VC-MALFORMED"
	CodeSignature  failure.Code = "VC-SIGNATURE"  // issuer signature invalid or by an untrusted key
	CodeDisclosure failure.Code = "VC-DISCLOSURE" // a disclosure is not among the signed digests (tampered or foreign)
	CodeExpired    failure.Code = "VC-EXPIRED"
	CodeType       failure.Code = "VC-TYPE" // unknown vct or wrong typ
	CodeIssuer     failure.Code = "VC-ISSUER"
	CodeKeyBinding failure.Code = "VC-KEY-BINDING" // missing/invalid key-binding JWT, wrong nonce, audience, key or sd_hash
	CodeReplay     failure.Code = "VC-REPLAY"
)

// Codes lists the SD-JWT failure codes.
var Codes = failure.Register("protocol/sdjwt", CodeMalformed, CodeSignature, CodeDisclosure, CodeExpired, CodeType,
	CodeIssuer, CodeKeyBinding, CodeReplay)

func fail(code failure.Code, format string, a ...any) *failure.Error {
	return failure.Newf(code, format, a...)
}

var b64 = base64.RawURLEncoding

// Disclosure is one disclosed claim: an object member [salt, name, value]
// or an array element [salt, value] (Element, Name "").
type Disclosure struct {
	Raw     string // as transmitted (base64url of the JSON array)
	Salt    string
	Name    string
	Value   any
	Element bool
}

// Digest is the disclosure's digest as listed in "_sd".
func (d Disclosure) Digest() string {
	h := sha256.Sum256([]byte(d.Raw))
	return b64.EncodeToString(h[:])
}

func newSalt() (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	return b64.EncodeToString(salt), nil
}

// NewDisclosure makes an object-member disclosure with a fresh 128-bit salt.
func NewDisclosure(name string, value any) (Disclosure, error) {
	salt, err := newSalt()
	if err != nil {
		return Disclosure{}, err
	}
	d := Disclosure{Salt: salt, Name: name, Value: value}
	j, err := json.Marshal([]any{d.Salt, name, value})
	if err != nil {
		return Disclosure{}, err
	}
	d.Raw = b64.EncodeToString(j)
	return d, nil
}

// NewElementDisclosure makes an array-element disclosure.
func NewElementDisclosure(value any) (Disclosure, error) {
	salt, err := newSalt()
	if err != nil {
		return Disclosure{}, err
	}
	d := Disclosure{Salt: salt, Value: value, Element: true}
	j, err := json.Marshal([]any{d.Salt, value})
	if err != nil {
		return Disclosure{}, err
	}
	d.Raw = b64.EncodeToString(j)
	return d, nil
}

// decoy is a digest over random bytes: indistinguishable from a real one.
func decoy() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return b64.EncodeToString(h[:]), nil
}

// PadDigests is how many entries an "_sd" list (or an array with disclosable
// elements) of n real digests carries: at least 2 decoys, rounded up to a
// multiple of 8. A residence record with or without the My Number, a
// household of one or of five, look the same.
func PadDigests(n int) int { return (n + 2 + 7) / 8 * 8 }

// ParseDisclosure decodes one disclosure.
func ParseDisclosure(raw string) (Disclosure, error) {
	j, err := b64.DecodeString(raw)
	if err != nil {
		return Disclosure{}, fail(CodeMalformed, "disclosure is not base64url")
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(j, &arr); err != nil || (len(arr) != 3 && len(arr) != 2) {
		return Disclosure{}, fail(CodeMalformed, "disclosure is not [salt, name, value] or [salt, value]")
	}
	d := Disclosure{Raw: raw, Element: len(arr) == 2}
	if json.Unmarshal(arr[0], &d.Salt) != nil || d.Salt == "" {
		return Disclosure{}, fail(CodeMalformed, "disclosure salt is not a string")
	}
	if !d.Element {
		if json.Unmarshal(arr[1], &d.Name) != nil || d.Name == "" {
			return Disclosure{}, fail(CodeMalformed, "disclosure name is not a string")
		}
		if d.Name == "_sd" || d.Name == "..." {
			return Disclosure{}, fail(CodeMalformed, "reserved claim name in a disclosure")
		}
	}
	if err := json.Unmarshal(arr[len(arr)-1], &d.Value); err != nil {
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

// SD marks a claim value or an array element as selectively disclosable
// (IssueClaims); its Value may hold further SD values (nested disclosures).
type SD struct{ Value any }

// Issue creates an SD-JWT VC: plain claims always visible, sd claims each
// selectively disclosable (their values may contain SD for nested object
// members and array elements), bound to the holder's public key.
func (is Issuer) Issue(vct string, plain, sd map[string]any, holder *jose.JSONWebKey, iat, exp time.Time) (string, error) {
	claims := map[string]any{}
	for k, v := range plain {
		claims[k] = v
	}
	for k, v := range sd {
		claims[k] = SD{v}
	}
	return is.IssueClaims(vct, claims, holder, iat, exp)
}

// IssueClaims creates an SD-JWT VC from claims in which SD marks what is
// selectively disclosable, at any depth. A zero exp issues a credential
// without expiry.
func (is Issuer) IssueClaims(vct string, claims map[string]any, holder *jose.JSONWebKey, iat, exp time.Time) (string, error) {
	var discs []Disclosure
	enc, err := encode(claims, &discs, true)
	if err != nil {
		return "", err
	}
	payload := enc.(map[string]any)
	payload["iss"], payload["vct"], payload["iat"], payload["_sd_alg"] = is.ID, vct, iat.Unix(), "sha-256"
	if !exp.IsZero() {
		payload["exp"] = exp.Unix()
	}
	if holder != nil {
		payload["cnf"] = map[string]any{"jwk": holder}
	}
	jwt, err := sign(is.Key, is.KID, TypVC, payload)
	if err != nil {
		return "", err
	}
	t := &Token{JWT: jwt, Disclosures: discs}
	return t.String(), nil
}

// encode replaces SD values by digests (with decoys), collecting the
// disclosures; top makes sure the top-level object has "_sd".
func encode(v any, discs *[]Disclosure, top bool) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		var digests []string
		names := make([]string, 0, len(x))
		for k := range x {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			if k == "_sd" || k == "..." {
				return nil, fmt.Errorf("sdjwt: reserved claim name %q", k)
			}
			if sdv, ok := x[k].(SD); ok {
				inner, err := encode(sdv.Value, discs, false)
				if err != nil {
					return nil, err
				}
				d, err := NewDisclosure(k, inner)
				if err != nil {
					return nil, err
				}
				*discs = append(*discs, d)
				digests = append(digests, d.Digest())
				continue
			}
			inner, err := encode(x[k], discs, false)
			if err != nil {
				return nil, err
			}
			out[k] = inner
		}
		if len(digests) > 0 || top {
			for target := PadDigests(len(digests)); len(digests) < target; {
				dg, err := decoy()
				if err != nil {
					return nil, err
				}
				digests = append(digests, dg)
			}
			slices.Sort(digests) // order reveals nothing
			out["_sd"] = digests
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(x))
		real := 0
		for _, e := range x {
			if sdv, ok := e.(SD); ok {
				inner, err := encode(sdv.Value, discs, false)
				if err != nil {
					return nil, err
				}
				d, err := NewElementDisclosure(inner)
				if err != nil {
					return nil, err
				}
				*discs = append(*discs, d)
				out = append(out, map[string]any{"...": d.Digest()})
				real++
				continue
			}
			inner, err := encode(e, discs, false)
			if err != nil {
				return nil, err
			}
			out = append(out, inner)
		}
		if real > 0 { // decoy elements after the real ones: the length says nothing
			for n := len(out); n < PadDigests(len(x)); n++ {
				dg, err := decoy()
				if err != nil {
					return nil, err
				}
				out = append(out, map[string]any{"...": dg})
			}
		}
		return out, nil
	case SD:
		return nil, errors.New("sdjwt: SD outside an object member or array element")
	}
	return v, nil
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
// PeekIssuer reads a credential's (or presentation's) iss claim WITHOUT
// verifying anything: only to choose which issuer's policy to verify it
// with. "" when it cannot be read.
func PeekIssuer(s string) string {
	t, err := Parse(s)
	if err != nil {
		return ""
	}
	parts := strings.Split(t.JWT, ".")
	if len(parts) != 3 {
		return ""
	}
	b, err := b64.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var c struct {
		Iss string `json:"iss"`
	}
	if json.Unmarshal(b, &c) != nil {
		return ""
	}
	return c.Iss
}

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
	// no exp: the credential does not expire (SD-JWT VC: exp is optional)
	if exp, ok := num(payload, "exp"); ok {
		v.Expires = exp
		if !p.Now.Before(v.Expires) {
			return nil, nil, fail(CodeExpired, "expired at %s", v.Expires.Format(time.RFC3339))
		}
	} else if _, present := payload["exp"]; present {
		return nil, nil, fail(CodeMalformed, "exp is not a number")
	}
	v.IssuedAt, _ = num(payload, "iat")
	// a missing _sd_alg means sha-256 (RFC 9901 §4.1.1); anything else we
	// cannot check
	if alg, present := payload["_sd_alg"]; present && alg != "sha-256" {
		return nil, nil, fail(CodeMalformed, "_sd_alg %v", alg)
	}
	byDigest := map[string]Disclosure{}
	for _, d := range t.Disclosures {
		if _, dup := byDigest[d.Digest()]; dup {
			return nil, nil, fail(CodeDisclosure, "the same disclosure twice")
		}
		byDigest[d.Digest()] = d
	}
	u := unfolder{byDigest: byDigest, seen: map[string]bool{}, used: map[string]bool{}}
	claims, err := u.unfold(payload, "")
	if err != nil {
		return nil, nil, err
	}
	for _, d := range t.Disclosures {
		if !u.used[d.Digest()] {
			return nil, nil, fail(CodeDisclosure, "disclosure of %q is not in the signed digests", d.Name)
		}
	}
	for k, val := range claims.(map[string]any) {
		switch k {
		case "_sd_alg", "cnf":
		default:
			v.Claims[k] = val
		}
	}
	v.Disclosed = u.paths
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

// Present keeps only the disclosures of the named claims (paths, see Paths:
// a named claim goes whole, with the claims it sits in) and appends a
// key-binding JWT signed by the holder key for this verifier (aud) and nonce.
func Present(s string, names []string, holder crypto.Signer, nonce, aud string, now time.Time) (string, error) {
	t, u, err := holderView(s)
	if err != nil {
		return "", err
	}
	need := map[string]bool{}
	for _, d := range t.Disclosures {
		dg := d.Digest()
		if !selected(u.pathOf[dg], names) {
			continue
		}
		for p := dg; p != "" && !need[p]; p = u.parent[p] {
			need[p] = true // the claim and every claim it sits in
		}
	}
	var keep []Disclosure
	for _, d := range t.Disclosures {
		if need[d.Digest()] {
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
		return nil, fail(CodeKeyBinding, "key-binding JWT: %s", err.(*failure.Error).Detail)
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

// unfolder replaces digests by the disclosed values (RFC 9901 §7.1): each
// digest may appear once in the whole payload, each disclosure must be
// referenced exactly once and be of the right kind (member or element), a
// disclosed member may not override a visible one, and undisclosed array
// elements are removed.
type unfolder struct {
	byDigest map[string]Disclosure
	seen     map[string]bool // digests met in the payload
	used     map[string]bool // disclosures referenced
	paths    []string        // paths of the disclosed claims, in payload order
	// parent records, per disclosure digest, the digest of the disclosure it
	// sits in ("" at the top) — for Present's selection.
	parent map[string]string
	pathOf map[string]string
	inside string
}

func (u *unfolder) digest(v any) (string, error) {
	s, ok := v.(string)
	if !ok || s == "" {
		return "", fail(CodeMalformed, "a digest is not a string")
	}
	if u.seen[s] {
		return "", fail(CodeDisclosure, "the same digest twice in the credential")
	}
	u.seen[s] = true
	return s, nil
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (u *unfolder) enter(dg, path string) (restore func()) {
	if u.parent != nil {
		u.parent[dg], u.pathOf[dg] = u.inside, path
	}
	prev := u.inside
	u.inside = dg
	return func() { u.inside = prev }
}

// disclose records a disclosure as used at path and unfolds its value.
func (u *unfolder) disclose(dg string, d Disclosure, path string) (any, error) {
	u.used[dg] = true
	u.paths = append(u.paths, path)
	restore := u.enter(dg, path)
	defer restore()
	return u.unfold(d.Value, path)
}

func (u *unfolder) unfold(v any, path string) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			if k == "_sd" {
				continue
			}
			inner, err := u.unfold(val, join(path, k))
			if err != nil {
				return nil, err
			}
			out[k] = inner
		}
		if raw, present := x["_sd"]; present {
			list, ok := raw.([]any)
			if !ok {
				return nil, fail(CodeMalformed, "_sd is not an array")
			}
			for _, e := range list {
				dg, err := u.digest(e)
				if err != nil {
					return nil, err
				}
				d, ok := u.byDigest[dg]
				if !ok {
					continue // a decoy or an undisclosed claim
				}
				if d.Element {
					return nil, fail(CodeDisclosure, "an array-element disclosure listed as an object member")
				}
				if _, clash := out[d.Name]; clash {
					return nil, fail(CodeDisclosure, "disclosure of %q overrides a signed claim", d.Name)
				}
				inner, err := u.disclose(dg, d, join(path, d.Name))
				if err != nil {
					return nil, err
				}
				out[d.Name] = inner
			}
		}
		return out, nil
	case []any:
		out := make([]any, 0, len(x))
		for i, e := range x {
			p := fmt.Sprintf("%s[%d]", path, i)
			if m, ok := e.(map[string]any); ok && len(m) == 1 {
				if raw, ok := m["..."]; ok {
					dg, err := u.digest(raw)
					if err != nil {
						return nil, err
					}
					d, ok := u.byDigest[dg]
					if !ok {
						continue // undisclosed element or decoy: removed
					}
					if !d.Element {
						return nil, fail(CodeDisclosure, "an object-member disclosure used as an array element")
					}
					inner, err := u.disclose(dg, d, p)
					if err != nil {
						return nil, err
					}
					out = append(out, inner)
					continue
				}
			}
			inner, err := u.unfold(e, p)
			if err != nil {
				return nil, err
			}
			out = append(out, inner)
		}
		return out, nil
	}
	return v, nil
}

// Paths lists the selectively disclosable claims of a credential the holder
// has (all its disclosures), as paths: "name", "address.city",
// "household_members[0]". It does not verify the issuer's signature.
func Paths(s string) ([]string, error) {
	_, u, err := holderView(s)
	if err != nil {
		return nil, err
	}
	return u.paths, nil
}

// holderView unfolds the holder's own credential (no signature check),
// recording each disclosure's path and parent.
func holderView(s string) (*Token, *unfolder, error) {
	t, err := Parse(s)
	if err != nil {
		return nil, nil, err
	}
	parts := strings.Split(t.JWT, ".")
	raw, err := b64.DecodeString(parts[1])
	if err != nil {
		return nil, nil, fail(CodeMalformed, "payload is not base64url")
	}
	var payload map[string]any
	if err := json.Unmarshal(raw, &payload); err != nil {
		return nil, nil, fail(CodeMalformed, "payload is not a JSON object")
	}
	u := &unfolder{byDigest: map[string]Disclosure{}, seen: map[string]bool{}, used: map[string]bool{},
		parent: map[string]string{}, pathOf: map[string]string{}}
	for _, d := range t.Disclosures {
		u.byDigest[d.Digest()] = d
	}
	if _, err := u.unfold(payload, ""); err != nil {
		return nil, nil, err
	}
	return t, u, nil
}

// selected reports whether a disclosure at path is chosen by names: named
// itself, or inside a named claim (the whole of "household_members[0]" or
// "address" goes with it).
func selected(path string, names []string) bool {
	for _, n := range names {
		if path == n || strings.HasPrefix(path, n+".") || strings.HasPrefix(path, n+"[") {
			return true
		}
	}
	return false
}

// Lookup finds the value at a path ("address_parts.city",
// "household_members[1]") in verified claims. Array indices are those of the
// issued array, which holds decoys only after its real elements, so in the
// holder's full view they match the paths.
func Lookup(claims map[string]any, path string) (any, bool) {
	var cur any = claims
	for _, seg := range strings.Split(path, ".") {
		name, rest, _ := strings.Cut(seg, "[")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[name]; !ok {
			return nil, false
		}
		for rest != "" {
			idx, after, ok := strings.Cut(rest, "]")
			if !ok {
				return nil, false
			}
			var i int
			if _, err := fmt.Sscanf(idx, "%d", &i); err != nil {
				return nil, false
			}
			l, ok := cur.([]any)
			if !ok || i < 0 || i >= len(l) {
				return nil, false
			}
			cur = l[i]
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return cur, true
}
