// Package wallet owns the resident's digital certificates on this computer:
// fetching SD-JWT VCs from the municipality with the signed-in session,
// verifying them offline (issuer signature against the municipality's
// cached keys, digests, expiry, holder binding), keeping them sealed in the
// local store per account, presenting only the fields a recipient needs
// (with a key-binding JWT from the holder key the wallet keeps sealed), and
// the audit log of every disclosure (what, to whom, when, acting as whom).
// Consent is the caller's: the UI shows exactly these fields and recipient
// before Present is called.
package wallet

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/certs"
	"madoguchi/protocol/sdjwt"
	"madoguchi/store"
)

// Record kinds in the store.
const (
	kindCert   = "certificate"
	kindHolder = "holder-key"
	kindJWKS   = "issuer-jwks"
)

// Failure codes of the wallet's own (it also passes on sdjwt's).
const (
	CodeFetch failure.Code = "VC-FETCH" // the municipality refuses or cannot be reached
	CodeKind  failure.Code = "VC-KIND"  // no such kind of certificate
)

// Codes lists the wallet's own failure codes.
var Codes = failure.Register("wallet", CodeFetch, CodeKind)

// Wallet is one account's certificates.
type Wallet struct {
	st      *store.Store
	account string
	issuer  string // the municipality's issuer URL
	// trusted are other issuers and the kinds they issue (an employer's
	// documents): kind → issuer URL
	trusted map[string]string
	http    *http.Client
	holder  *ecdsa.PrivateKey
	// Now is the clock (tests set it).
	Now func() time.Time
}

// Entry is a stored certificate.
type Entry struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	VCT        string    `json:"vct"`
	Credential string    `json:"credential"`
	FetchedAt  time.Time `json:"fetched_at"`
}

// Recipient is who a presentation is for.
type Recipient struct {
	Name     string `json:"name"`     // shown to the person and in the audit log
	Audience string `json:"audience"` // the verifier's identifier (KB-JWT aud)
	Purpose  string `json:"purpose"`  // why, in the person's words
	// URL is the base of the verifier's exchange (protocol/certs: nonce,
	// then the presentation); from the profile or the request.
	URL string `json:"url,omitempty"`
}

// AuditEntry records one disclosure.
type AuditEntry struct {
	At          time.Time `json:"at"`
	Certificate string    `json:"certificate"`
	VCT         string    `json:"vct"`
	Fields      []string  `json:"fields"`
	To          Recipient `json:"to"`
	ActingAs    string    `json:"acting_as"` // the account whose certificate it is (a proxy later)
}

// Open opens the account's wallet, creating its holder key on first use.
func Open(ctx context.Context, st *store.Store, account, issuer string, hc *http.Client) (*Wallet, error) {
	w := &Wallet{st: st, account: account, issuer: strings.TrimRight(issuer, "/"), http: hc, Now: time.Now}
	der, err := st.Get(ctx, account, kindHolder, "default")
	if errors.Is(err, store.ErrNotFound) {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		if der, err = x509.MarshalPKCS8PrivateKey(k); err != nil {
			return nil, err
		}
		if err := st.Put(ctx, account, kindHolder, "default", der); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	w.holder = k.(*ecdsa.PrivateKey)
	return w, nil
}

// Trust adds an issuer of the given kinds (the profile's employer service:
// withholding slips, employment certificates).
func (w *Wallet) Trust(url string, kinds []string) {
	if w.trusted == nil {
		w.trusted = map[string]string{}
	}
	for _, k := range kinds {
		w.trusted[k] = strings.TrimRight(url, "/")
	}
}

// issuerFor is the issuer of a kind of certificate.
func (w *Wallet) issuerFor(kind string) string {
	if u, ok := w.trusted[kind]; ok {
		return u
	}
	return w.issuer
}

// kindsOf are the kinds an issuer issues.
func (w *Wallet) kindsOf(issuer string) []string {
	var out []string
	for k := range certs.Kinds {
		if w.issuerFor(k) == issuer {
			out = append(out, k)
		}
	}
	return out
}

func (w *Wallet) doURL(ctx context.Context, method, url, token string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := w.http.Do(req)
	if err != nil {
		return &failure.Error{Code: CodeFetch, Detail: err.Error()}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		var e certs.Error
		json.Unmarshal(b, &e)
		if c := failure.Code(e.Error); strings.HasPrefix(e.Error, "PROXY-") && failure.IsRegistered(c) {
			// acting for someone: the grant's own refusal
			return failure.Newf(c, "HTTP %d: %s", resp.StatusCode, e.Description)
		}
		return &failure.Error{Code: CodeFetch, Detail: fmt.Sprintf("HTTP %d %s %s", resp.StatusCode, e.Error, e.Description)}
	}
	return json.Unmarshal(b, out)
}

// keys returns the issuer's keys: cached in the store (sealed), fetched when
// missing or when refresh is set (key rotation).
func (w *Wallet) keys(ctx context.Context, issuer string, refresh bool) (jose.JSONWebKeySet, error) {
	var set jose.JSONWebKeySet
	if !refresh {
		if b, err := w.st.Get(ctx, w.account, kindJWKS, issuer); err == nil {
			if json.Unmarshal(b, &set) == nil {
				return set, nil
			}
		}
	}
	var md certs.Metadata
	if err := w.doURL(ctx, http.MethodGet, issuer+certs.MetadataPath, "", nil, &md); err != nil {
		return set, err
	}
	if md.Issuer != issuer {
		return set, &failure.Error{Code: sdjwt.CodeIssuer, Detail: "metadata names another issuer"}
	}
	b, _ := json.Marshal(md.JWKS)
	if err := w.st.Put(ctx, w.account, kindJWKS, issuer, b); err != nil {
		return set, err
	}
	return md.JWKS, nil
}

// policy is what a credential of issuer must be: signed by its keys, one
// of the kinds it issues.
func (w *Wallet) policy(issuer string, set jose.JSONWebKeySet) sdjwt.Policy {
	var vcts []string
	for _, k := range w.kindsOf(issuer) {
		vcts = append(vcts, certs.Kinds[k])
	}
	return sdjwt.Policy{Issuer: issuer, Keys: set, Now: w.Now(), VCTs: vcts}
}

// verify checks a credential offline with the cached keys; an unknown key
// triggers one refresh of the issuer's keys (rotation), online.
func (w *Wallet) verify(ctx context.Context, cred string, allowRefresh bool) (*sdjwt.Verified, error) {
	// the credential names its issuer; only the municipality and the
	// issuers the profile trusts are asked for keys
	issuer := sdjwt.PeekIssuer(cred)
	if issuer != w.issuer && len(w.kindsOf(issuer)) == 0 {
		return nil, failure.Newf(sdjwt.CodeIssuer, "issuer %q is not trusted", issuer)
	}
	set, err := w.keys(ctx, issuer, false)
	if err != nil {
		return nil, err
	}
	v, _, err := sdjwt.Verify(cred, w.policy(issuer, set))
	if failure.CodeOf(err) == sdjwt.CodeSignature && allowRefresh {
		if set, rerr := w.keys(ctx, issuer, true); rerr == nil {
			v, _, err = sdjwt.Verify(cred, w.policy(issuer, set))
		}
	}
	if err != nil {
		return nil, err
	}
	if v.Holder == nil || !v.Holder.Key.(*ecdsa.PublicKey).Equal(&w.holder.PublicKey) {
		return nil, &failure.Error{Code: sdjwt.CodeKeyBinding, Detail: "the certificate is bound to another holder"}
	}
	return v, nil
}

// FetchOptions refine a request.
type FetchOptions struct {
	Year int // tax certificate: fiscal year (0: last year)
	// IncludeMyNumber asks for the My Number in a residence record: only when
	// a procedure legally needs it (the municipality also requires the
	// mynumber scope).
	IncludeMyNumber bool
	// Require names the fields needed (a proxy is refused protected ones
	// the principal did not allow, instead of getting a record without them).
	Require []string
}

// Fetch obtains a certificate (kind: residence, tax, attributes) with the
// session's access token, verifies it and stores it sealed.
func (w *Wallet) Fetch(ctx context.Context, kind string, opt FetchOptions, accessToken string) (Entry, *sdjwt.Verified, error) {
	vct, ok := certs.Kinds[kind]
	if !ok {
		return Entry{}, nil, failure.Newf(CodeKind, "no certificate kind %q", kind).With("Kind", kind)
	}
	var resp certs.IssueResponse
	req := certs.IssueRequest{HolderJWK: jose.JSONWebKey{Key: &w.holder.PublicKey, Algorithm: "ES256", Use: "sig"},
		Year: opt.Year, IncludeMyNumber: opt.IncludeMyNumber, Require: opt.Require}
	if err := w.doURL(ctx, http.MethodPost, w.issuerFor(kind)+certs.IssuePath+kind, accessToken, req, &resp); err != nil {
		return Entry{}, nil, err
	}
	v, err := w.verify(ctx, resp.Credential, true)
	if err != nil {
		return Entry{}, nil, err
	}
	h := sha256.Sum256([]byte(resp.Credential))
	e := Entry{ID: kind + "-" + hex.EncodeToString(h[:4]), Kind: kind, VCT: vct, Credential: resp.Credential, FetchedAt: w.Now()}
	b, _ := json.Marshal(e)
	if err := w.st.Put(ctx, w.account, kindCert, e.ID, b); err != nil {
		return Entry{}, nil, err
	}
	return e, v, nil
}

// List returns the stored certificates, oldest first.
func (w *Wallet) List(ctx context.Context) ([]Entry, error) {
	ids, err := w.st.List(ctx, w.account, kindCert)
	if err != nil {
		return nil, err
	}
	var out []Entry
	for _, id := range ids {
		e, err := w.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// Get returns one stored certificate.
func (w *Wallet) Get(ctx context.Context, id string) (Entry, error) {
	var e Entry
	b, err := w.st.Get(ctx, w.account, kindCert, id)
	if err != nil {
		return e, err
	}
	return e, json.Unmarshal(b, &e)
}

// Verify checks a stored certificate offline.
func (w *Wallet) Verify(ctx context.Context, id string) (*sdjwt.Verified, error) {
	e, err := w.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return w.verify(ctx, e.Credential, false)
}

// Delete removes a stored certificate.
func (w *Wallet) Delete(ctx context.Context, id string) error {
	return w.st.Delete(ctx, w.account, kindCert, id)
}

// Fields lists a certificate's selectively disclosable fields (what a
// consent screen offers).
func Fields(v *sdjwt.Verified) []string {
	f := append([]string(nil), v.Disclosed...)
	sort.Strings(f)
	return f
}

// Present builds a presentation disclosing only fields, for the recipient
// and its nonce, and records it in the audit log. Call it only after the
// person consented to exactly these fields going to this recipient.
func (w *Wallet) Present(ctx context.Context, id string, fields []string, to Recipient, nonce string) (string, error) {
	e, err := w.Get(ctx, id)
	if err != nil {
		return "", err
	}
	v, err := w.verify(ctx, e.Credential, false)
	if err != nil {
		return "", err
	}
	for _, f := range fields {
		if !slices.Contains(v.Disclosed, f) {
			return "", failure.Newf(sdjwt.CodeDisclosure, "the certificate has no field %q", f)
		}
	}
	p, err := sdjwt.Present(e.Credential, fields, w.holder, nonce, to.Audience, w.Now())
	if err != nil {
		return "", err
	}
	ae := AuditEntry{At: w.Now(), Certificate: id, VCT: e.VCT, Fields: append([]string(nil), fields...), To: to, ActingAs: w.account}
	b, _ := json.Marshal(ae)
	if err := w.st.Audit(ctx, w.account, b); err != nil {
		return "", err // no disclosure without its audit entry
	}
	return p, nil
}

// Audit returns the account's disclosures, oldest first.
func (w *Wallet) Audit(ctx context.Context) ([]AuditEntry, error) {
	raw, err := w.st.AuditLog(ctx, w.account)
	if err != nil {
		return nil, err
	}
	out := make([]AuditEntry, 0, len(raw))
	for _, b := range raw {
		var a AuditEntry
		if err := json.Unmarshal(b, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// NonceFrom asks a verifier (protocol/certs exchange at url) for a challenge.
func (w *Wallet) NonceFrom(ctx context.Context, url string) (certs.NonceResponse, error) {
	var n certs.NonceResponse
	return n, w.doURL(ctx, http.MethodGet, url+certs.NoncePath, "", nil, &n)
}

// Submit hands a presentation to a verifier.
func (w *Wallet) Submit(ctx context.Context, url, presentation string) (certs.PresentResponse, error) {
	var r certs.PresentResponse
	return r, w.doURL(ctx, http.MethodPost, url+certs.PresentPath, "", certs.PresentRequest{Presentation: presentation}, &r)
}

// PresentTo runs the whole exchange with the recipient's verifier (to.URL):
// its nonce, the presentation of exactly fields (audited), and its verdict;
// a refusal comes back as an error with the verifier's code. to.Audience is
// filled in from the verifier.
func (w *Wallet) PresentTo(ctx context.Context, id string, fields []string, to Recipient) (certs.PresentResponse, error) {
	if to.URL == "" {
		return certs.PresentResponse{}, &failure.Error{Code: CodeFetch, Detail: "no recipient address: choose a recipient listed by the municipality"}
	}
	n, err := w.NonceFrom(ctx, to.URL)
	if err != nil {
		return certs.PresentResponse{}, err
	}
	to.Audience = n.Audience
	p, err := w.Present(ctx, id, fields, to, n.Nonce)
	if err != nil {
		return certs.PresentResponse{}, err
	}
	res, err := w.Submit(ctx, to.URL, p)
	if err != nil {
		return res, err
	}
	if !res.Verified {
		return res, failure.New(failure.Code(res.Code), "refused by the verifier")
	}
	return res, nil
}
