// Package issuer owns the sandbox municipality's certificate service: it
// issues SD-JWT VCs (residence record, tax certificate, the four attributes)
// to the signed-in resident (access token with the "certificates" scope),
// each field selectively disclosable and bound to the app's holder key;
// publishes its keys as SD-JWT VC issuer metadata; and runs a sandbox
// verifier (nonce, presentation check, replay refusal) standing in for a
// recipient such as an employer. The My Number goes into a residence record
// only when explicitly requested and the session holds the mynumber scope.
package issuer

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/certs"
	"madoguchi/protocol/proxy"
	"madoguchi/protocol/sdjwt"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/idp"
)

// Validity of issued credentials.
const Validity = 90 * 24 * time.Hour

type service struct {
	srv    *idp.Server
	kinds  []string   // what this issuer issues
	others []*service // the other issuers the sandbox verifier trusts
	is     sdjwt.Issuer
	jwks   jose.JSONWebKeySet
	mu     sync.Mutex
	nonces map[string]time.Time // verifier nonces outstanding
	now    func() time.Time
}

// key is the sandbox issuer's signing key (made once, kept by the
// provider) with its key id.
func key(s *idp.Server, name string) (*ecdsa.PrivateKey, string, error) {
	der, err := s.Secret(context.Background(), name, func() ([]byte, error) {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		return x509.MarshalPKCS8PrivateKey(k)
	})
	if err != nil {
		return nil, "", err
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, "", err
	}
	h := sha256.Sum256(der)
	return k.(*ecdsa.PrivateKey), base64.RawURLEncoding.EncodeToString(h[:8]), nil
}

// Keys is the issuer's public key set: what the sandbox's other services
// (the intake) trust certificates with.
func Keys(s *idp.Server) (jose.JSONWebKeySet, error) { return keySet(s, "vc-issuer-key") }

func keySet(s *idp.Server, name string) (jose.JSONWebKeySet, error) {
	k, kid, err := key(s, name)
	if err != nil {
		return jose.JSONWebKeySet{}, err
	}
	return jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &k.PublicKey, KeyID: kid, Algorithm: "ES256", Use: "sig"}}}, nil
}

func newService(s *idp.Server, prefix, keyName string, kinds []string) (*service, error) {
	k, kid, err := key(s, keyName)
	if err != nil {
		return nil, err
	}
	set, _ := keySet(s, keyName)
	return &service{srv: s, kinds: kinds, is: sdjwt.Issuer{ID: s.Issuer + prefix, Key: k, KID: kid},
		nonces: map[string]time.Time{}, now: time.Now, jwks: set}, nil
}

// Mount adds the certificate service to the sandbox server (idp.Config.Mount).
func Mount(s *idp.Server, mux *http.ServeMux) error {
	sv, err := newService(s, "", "vc-issuer-key", []string{"residence", "tax", "attributes"})
	if err != nil {
		return err
	}
	// the sandbox also plays the employer: its own issuer, key and
	// documents (the withholding slip, the employment certificate); the
	// person signs in to its portal with the municipality's sign-in
	emp, err := newService(s, certs.EmployerPrefix, "employer-vc-key", certs.EmployerKinds)
	if err != nil {
		return err
	}
	sv.others = []*service{emp}
	mux.HandleFunc("GET "+certs.EmployerPrefix+certs.MetadataPath, emp.metadata)
	mux.HandleFunc("POST "+certs.EmployerPrefix+certs.IssuePath+"{kind}", emp.issue)
	mux.HandleFunc("GET "+certs.MetadataPath, sv.metadata)
	mux.HandleFunc("POST "+certs.IssuePath+"{kind}", sv.issue)
	mux.HandleFunc("GET "+certs.NoncePath, sv.nonce)
	mux.HandleFunc("POST "+certs.PresentPath, sv.present)
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (sv *service) metadata(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, certs.Metadata{Issuer: sv.is.ID, JWKS: sv.jwks})
}

func (sv *service) issue(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="certificates"`)
		writeJSON(w, http.StatusUnauthorized, certs.Error{Error: "invalid_token", Description: "bearer token required"})
		return
	}
	ti, err := sv.srv.CheckAccessToken(ctx, raw, proxy.AudienceCertificates)
	if c := failure.CodeOf(err); c != "" {
		writeJSON(w, http.StatusForbidden, certs.Error{Error: string(c), Description: err.Error()})
		return
	}
	if err != nil {
		writeJSON(w, http.StatusUnauthorized, certs.Error{Error: "invalid_token", Description: err.Error()})
		return
	}
	kind := r.PathValue("kind")
	vct, ok := certs.Kinds[kind]
	if !ok || !slices.Contains(sv.kinds, kind) {
		writeJSON(w, http.StatusNotFound, certs.Error{Error: "invalid_request", Description: "unknown certificate type"})
		return
	}
	if !ti.Acting() && !slices.Contains(ti.Scopes, certs.Scope) {
		writeJSON(w, http.StatusForbidden, certs.Error{Error: "insufficient_scope", Description: "the certificates scope is required"})
		return
	}
	var req certs.IssueRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10)).Decode(&req); err != nil || !req.HolderJWK.Valid() || !req.HolderJWK.IsPublic() {
		writeJSON(w, http.StatusBadRequest, certs.Error{Error: "invalid_request", Description: "holder_jwk (a public key) is required"})
		return
	}
	// acting for a principal: the grant's certificates only, the
	// protected fields only where the principal allowed them, never the
	// My Number; each act in the principal's trail
	withhold := ti.Acting() && !slices.Contains(ti.Scopes, proxy.ScopeProtected)
	if ti.Acting() {
		var err error
		switch {
		case !slices.Contains(ti.Scopes, proxy.CertScope(kind)):
			err = failure.Newf(proxy.CodeNotGranted, "the grant has no %s", proxy.CertScope(kind))
		case req.IncludeMyNumber:
			err = failure.New(proxy.CodeNotGranted, "the My Number is never issued to a proxy")
		case withhold && slices.ContainsFunc(req.Require, func(f string) bool { return slices.Contains(proxy.ProtectedFields, f) }):
			err = failure.Newf(proxy.CodeProtectedField, "asked for %v: protected fields the principal did not allow", req.Require)
		}
		if err != nil {
			sv.srv.Refuse(ctx, ti, proxy.CertScope(kind), strings.Join(req.Require, ","), err)
			writeJSON(w, http.StatusForbidden, certs.Error{Error: string(failure.CodeOf(err)), Description: err.Error()})
			return
		}
		sv.srv.Act(ctx, ti, proxy.CertScope(kind), kind)
	}
	if req.IncludeMyNumber && (vct != certs.VCTResidenceRecord || !slices.Contains(ti.Scopes, certs.MyNumberScope)) {
		writeJSON(w, http.StatusForbidden, certs.Error{Error: "insufficient_scope",
			Description: "the My Number is issued only in a residence record, with the mynumber scope"})
		return
	}
	res, err := sv.srv.Resident(ctx, ti.ResidentID)
	if err != nil {
		writeJSON(w, http.StatusNotFound, certs.Error{Error: "invalid_request", Description: "no resident record"})
		return
	}
	plain, sd := sv.claims(ctx, vct, res, req.Year)
	if withhold {
		for _, f := range proxy.ProtectedFields {
			delete(sd, f)
		}
	}
	if req.IncludeMyNumber {
		if f, err := fixtures.ByID(strings.TrimPrefix(res.ID, "res-")); err == nil {
			sd["my_number"] = f.MyNumber // selectively disclosable like every field
		}
	}
	now := sv.now()
	cred, err := sv.is.Issue(vct, plain, sd, &req.HolderJWK, now, now.Add(Validity))
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, certs.Error{Error: "server_error"})
		return
	}
	writeJSON(w, http.StatusOK, certs.IssueResponse{Credential: cred})
}

func isoDate(yyyymmdd string) string {
	if len(yyyymmdd) != 8 {
		return yyyymmdd
	}
	return yyyymmdd[:4] + "-" + yyyymmdd[4:6] + "-" + yyyymmdd[6:]
}

// claims builds the certificate's fields: plain ones (always visible) and
// selectively disclosable ones.
func (sv *service) claims(ctx context.Context, vct string, r idp.Resident, year int) (map[string]any, map[string]any) {
	number := strconv.FormatInt(sv.now().UnixNano()%1e9, 10)
	plain := map[string]any{"certificate_number": number, "municipality": "架空のサンドボックス市"}
	switch vct {
	case certs.VCTResidenceRecord:
		head, members := household(ctx, sv.srv, r)
		// each household member, and each part of the address, can be shown
		// alone (nested disclosures)
		sd := map[string]any{"name": r.Name, "birth_date": isoDate(r.BirthDate), "sex": r.Sex, "address": r.Address,
			"address_parts": addressParts(r.Address),
			"moved_in":      "2020-04-01", "household_head": head.Name, "relationship": relationship(r, head),
			"household_members": members}
		// the reading of the name, and a foreign resident's registered
		// alternative name, as a residence record shows them
		if r.NameKana != "" {
			sd["name_kana"] = r.NameKana
		}
		if r.AltName != "" {
			sd["alt_name"] = r.AltName
		}
		return plain, sd
	case certs.VCTTaxCertificate:
		if year == 0 {
			year = sv.now().Year() - 1
		}
		plain["fiscal_year"] = year
		income := amount(r.ID, year)
		if age(r.BirthDate, sv.now()) < 18 {
			income = 0
		}
		taxable := max(income-1_200_000, 0) // deductions, simplified and fictional
		return plain, map[string]any{"name": r.Name, "address": r.Address, "income": income, "taxable_income": taxable,
			"municipal_tax": taxable * 6 / 100, "prefectural_tax": taxable * 4 / 100}
	}
	if vct == certs.VCTWithholding || vct == certs.VCTEmployment {
		return employerClaims(vct, r, year, sv.now())
	}
	return plain, map[string]any{"name": r.Name, "address": r.Address, "birth_date": isoDate(r.BirthDate), "sex": r.Sex}
}

// employerClaims are the fictional employer's documents for a resident.
func employerClaims(vct string, r idp.Resident, year int, now time.Time) (map[string]any, map[string]any) {
	plain := map[string]any{"employer_name": "架空商事株式会社", "employer_address": "東京都千代田区丸の内一丁目1番1号"}
	if vct == certs.VCTWithholding {
		if year == 0 {
			year = now.Year()
		}
		plain["year"] = year
		paid := amount(r.ID, year)
		return plain, map[string]any{"name": r.Name, "address": r.Address, "payment": paid,
			"tax_withheld": paid / 25, "social_insurance": paid * 15 / 100}
	}
	h := sha256.Sum256([]byte("employment" + r.ID))
	return plain, map[string]any{"name": r.Name, "birth_date": isoDate(r.BirthDate),
		"started_on": "2018-04-01", "weekly_hours": 40,
		"employment_insurance_number": fmt.Sprintf("%04d-%06d-%d", binary.BigEndian.Uint16(h[:2])%10000, binary.BigEndian.Uint32(h[2:6])%1000000, h[6]%10)}
}

// household: fixture residents sharing an address form one; the oldest is
// the head.
func household(ctx context.Context, s *idp.Server, r idp.Resident) (idp.Resident, []any) {
	head := r
	var members []any
	all, _ := fixtures.Residents()
	for _, f := range all {
		m, err := s.Resident(ctx, idp.ResidentID(f.ID))
		if err != nil || m.Address != r.Address {
			continue
		}
		if m.BirthDate < head.BirthDate {
			head = m
		}
		members = append(members, sdjwt.SD{Value: map[string]any{"name": m.Name, "birth_date": isoDate(m.BirthDate)}})
	}
	return head, members
}

// addressParts splits a Japanese address into prefecture, municipality (市区町村,
// with a designated city's ward) and the rest, each selectively disclosable.
func addressParts(addr string) map[string]any {
	rs := []rune(addr)
	cut := func(from int, marks string, max int) int {
		for i := from; i < len(rs) && i < from+max; i++ {
			if strings.ContainsRune(marks, rs[i]) {
				return i + 1
			}
		}
		return from
	}
	p := cut(0, "都道府県", 4)
	m := cut(p, "市区町村郡", 8)
	if m > p && rs[m-1] == '市' { // a designated city: its ward belongs to the municipality
		m = cut(m, "区", 5)
	}
	parts := map[string]any{}
	for k, v := range map[string]string{"prefecture": string(rs[:p]), "municipality": string(rs[p:m]), "street": strings.TrimSpace(string(rs[m:]))} {
		if v != "" {
			parts[k] = sdjwt.SD{Value: v}
		}
	}
	return parts
}

func relationship(r, head idp.Resident) string {
	if r.ID == head.ID {
		return "世帯主"
	}
	return "子"
}

func age(birth string, now time.Time) int {
	t, err := time.Parse("20060102", birth)
	if err != nil {
		return 0
	}
	a := now.Year() - t.Year()
	if now.YearDay() < t.YearDay() {
		a--
	}
	return a
}

// amount is a fictional, stable income for a resident and year.
func amount(id string, year int) int {
	h := sha256.Sum256([]byte(id + strconv.Itoa(year)))
	return 2_000_000 + int(binary.BigEndian.Uint32(h[:4])%6_000)*1_000
}

func (sv *service) nonce(w http.ResponseWriter, _ *http.Request) {
	b := make([]byte, 16)
	rand.Read(b)
	n := base64.RawURLEncoding.EncodeToString(b)
	sv.mu.Lock()
	sv.nonces[n] = sv.now().Add(5 * time.Minute)
	sv.mu.Unlock()
	writeJSON(w, http.StatusOK, certs.NonceResponse{Nonce: n, Audience: sv.is.ID + "/verifier"})
}

// present verifies a presentation for the sandbox verifier: the nonce must
// be one it handed out and not used yet.
func (sv *service) present(w http.ResponseWriter, r *http.Request) {
	var req certs.PresentRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, certs.PresentResponse{Code: string(sdjwt.CodeMalformed)})
		return
	}
	seen := func(n string) bool {
		sv.mu.Lock()
		defer sv.mu.Unlock()
		exp, ok := sv.nonces[n]
		delete(sv.nonces, n)
		return !ok || sv.now().After(exp)
	}
	// the nonce is inside the KB-JWT; read it to check it against ours
	nonce := kbNonce(req.Presentation)
	// the issuers it trusts: the municipality, and the employer it plays;
	// the credential names its issuer, whose policy then decides
	is := sv
	for _, o := range sv.others {
		if sdjwt.PeekIssuer(req.Presentation) == o.is.ID {
			is = o
		}
	}
	var vcts []string
	for _, k := range is.kinds {
		vcts = append(vcts, certs.Kinds[k])
	}
	v, err := sdjwt.VerifyPresentation(req.Presentation, sdjwt.Policy{Issuer: is.is.ID, Keys: is.jwks, Now: sv.now(), VCTs: vcts},
		nonce, sv.is.ID+"/verifier", 5*time.Minute, seen)
	if err != nil {
		writeJSON(w, http.StatusOK, certs.PresentResponse{Verified: false, Code: string(failure.CodeOf(err))})
		return
	}
	writeJSON(w, http.StatusOK, certs.PresentResponse{Verified: true, Claims: v.Claims})
}

func kbNonce(p string) string {
	i := strings.LastIndex(p, "~")
	if i < 0 {
		return ""
	}
	parts := strings.Split(p[i+1:], ".")
	if len(parts) != 3 {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var c struct {
		Nonce string `json:"nonce"`
	}
	json.Unmarshal(b, &c)
	return c.Nonce
}
