package wallet

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"madoguchi/auth/card"
	"madoguchi/auth/sso"
	"madoguchi/i18n/failure"
	"madoguchi/protocol/certs"
	"madoguchi/protocol/sdjwt"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/card/inproc"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/idp"
	"madoguchi/sandbox/issuer"
	"madoguchi/store"
)

func signIn(t *testing.T, resident string, scopes []string) (*idp.Server, *sso.Client, *sso.Tokens) {
	t.Helper()
	s, err := idp.Start(idp.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Mount: []func(*idp.Server, *http.ServeMux) error{issuer.Mount}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	client := idp.AppClientID
	if slices.Contains(scopes, certs.MyNumberScope) {
		client = idp.IntakeClientID // the only sandbox client registered for the My Number
	}
	c, err := sso.New(context.Background(), sso.Profile{Issuer: s.Issuer, ClientID: client, Scopes: scopes, CAFile: s.CAFile})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := fixtures.ByID(resident)
	vc, _ := vcard.New(r)
	tok, err := c.Login(context.Background(), sso.CardSigner{Session: card.NewSession(inproc.NewTransport(vc)),
		Prompt: func(context.Context, card.Secret, int) (card.PIN, bool, error) {
			return card.PIN(r.AuthPIN), false, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	return s, c, tok
}

func httpClient(t *testing.T, s *idp.Server) *http.Client {
	hc, err := sso.Profile{CAFile: s.CAFile}.HTTPClient()
	if err != nil {
		t.Fatal(err)
	}
	return hc
}

func TestFetchVerifyStoreReopenPresent(t *testing.T) {
	ctx := context.Background()
	s, _, tok := signIn(t, "yamada-taro", sso.DefaultScopes)
	key := make([]byte, 32)
	rand.Read(key)
	path := filepath.Join(t.TempDir(), "wallet.sqlite")
	st, err := store.Open(path, key)
	if err != nil {
		t.Fatal(err)
	}
	w, err := Open(ctx, st, "sandbox/"+tok.Claims.Subject, s.Issuer, httpClient(t, s))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, kind := range []string{"residence", "tax", "attributes"} {
		e, v, err := w.Fetch(ctx, kind, FetchOptions{}, tok.AccessToken)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if v.Claims["name"] != "山田 太郎" || e.VCT != certs.Kinds[kind] {
			t.Fatalf("%s: %+v", kind, v.Claims)
		}
		if _, leak := v.Claims["my_number"]; leak {
			t.Fatal("the My Number was issued")
		}
		ids = append(ids, e.ID)
	}
	v, _ := w.Verify(ctx, ids[0])
	if members, _ := v.Claims["household_members"].([]any); len(members) != 2 || v.Claims["household_head"] != "山田 太郎" {
		t.Fatalf("household: %v", v.Claims)
	}
	st.Close()

	// restart: the store reopens from disk with the same key; verification is offline
	st, err = store.Open(path, key)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w, err = Open(ctx, st, "sandbox/"+tok.Claims.Subject, s.Issuer, httpClient(t, s))
	if err != nil {
		t.Fatal(err)
	}
	list, _ := w.List(ctx)
	if len(list) != 3 {
		t.Fatalf("%d certificates after reopen", len(list))
	}
	s.Close() // the municipality is offline now: verification must not need it
	for _, id := range ids {
		if _, err := w.Verify(ctx, id); err != nil {
			t.Fatalf("offline verify %s: %v", id, err)
		}
	}
}

func TestPresentToVerifier(t *testing.T) {
	ctx := context.Background()
	s, _, tok := signIn(t, "sato-kenji", sso.DefaultScopes)
	key := make([]byte, 32)
	rand.Read(key)
	st, _ := store.Open(":memory:", key)
	defer st.Close()
	w, err := Open(ctx, st, "sandbox/"+tok.Claims.Subject, s.Issuer, httpClient(t, s))
	if err != nil {
		t.Fatal(err)
	}
	e, v, err := w.Fetch(ctx, "tax", FetchOptions{Year: 2025}, tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if v.Claims["fiscal_year"] != float64(2025) || !slices.Contains(Fields(v), "income") {
		t.Fatalf("%v", v.Claims)
	}
	n, err := w.NonceFrom(ctx, s.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	to := Recipient{Name: "新しい勤務先（架空）", Audience: n.Audience, Purpose: "年末調整"}
	p, err := w.Present(ctx, e.ID, []string{"name", "income"}, to, n.Nonce)
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.Submit(ctx, s.Issuer, p)
	if err != nil || !res.Verified {
		t.Fatalf("%+v %v", res, err)
	}
	if _, leaked := res.Claims["taxable_income"]; leaked || res.Claims["name"] != "佐藤 健二" {
		t.Fatalf("verifier saw %v", res.Claims)
	}
	again, _ := w.Submit(ctx, s.Issuer, p)
	if again.Verified || again.Code != string(sdjwt.CodeReplay) {
		t.Fatalf("replayed presentation: %+v", again)
	}
	log, _ := w.Audit(ctx)
	if len(log) != 1 || log[0].To.Name != to.Name || !slices.Equal(log[0].Fields, []string{"name", "income"}) {
		t.Fatalf("audit %+v", log)
	}
	if _, err := w.Present(ctx, e.ID, []string{"my_number"}, to, "x"); err == nil {
		t.Fatal("presented a field the certificate does not have")
	}
}

func TestFetchRefusals(t *testing.T) {
	ctx := context.Background()
	// a session without the certificates scope
	s, _, tok := signIn(t, "yamada-taro", []string{"openid", "name"})
	key := make([]byte, 32)
	rand.Read(key)
	st, _ := store.Open(":memory:", key)
	defer st.Close()
	w, _ := Open(ctx, st, "a", s.Issuer, httpClient(t, s))
	var we *failure.Error
	if _, _, err := w.Fetch(ctx, "residence", FetchOptions{}, tok.AccessToken); !errors.As(err, &we) || !strings.Contains(we.Detail, "insufficient_scope") {
		t.Fatalf("without scope: %v", err)
	}
	if _, _, err := w.Fetch(ctx, "residence", FetchOptions{}, "forged.token.value"); !errors.As(err, &we) || !strings.Contains(we.Detail, "invalid_token") {
		t.Fatalf("forged token: %v", err)
	}
}

// The My Number: refused unless explicitly requested with the mynumber
// scope; then selectively disclosable like any field.
func TestMyNumberOnlyWhenAllowed(t *testing.T) {
	ctx := context.Background()
	key := make([]byte, 32)
	rand.Read(key)
	s, _, tok := signIn(t, "sato-hana", sso.DefaultScopes)
	st, _ := store.Open(":memory:", key)
	defer st.Close()
	w, _ := Open(ctx, st, "a", s.Issuer, httpClient(t, s))
	if _, v, err := w.Fetch(ctx, "residence", FetchOptions{}, tok.AccessToken); err != nil || v.Claims["my_number"] != nil {
		t.Fatalf("default residence record: %v %v", err, v)
	}
	var we *failure.Error
	if _, _, err := w.Fetch(ctx, "residence", FetchOptions{IncludeMyNumber: true}, tok.AccessToken); !errors.As(err, &we) || !strings.Contains(we.Detail, "insufficient_scope") {
		t.Fatalf("without the mynumber scope: %v", err)
	}
	s2, _, tok2 := signIn(t, "sato-hana", append(slices.Clone(sso.DefaultScopes), certs.MyNumberScope))
	st2, _ := store.Open(":memory:", key)
	defer st2.Close()
	w2, _ := Open(ctx, st2, "a", s2.Issuer, httpClient(t, s2))
	r, _ := fixtures.ByID("sato-hana")
	_, v, err := w2.Fetch(ctx, "residence", FetchOptions{IncludeMyNumber: true}, tok2.AccessToken)
	if err != nil || v.Claims["my_number"] != r.MyNumber || !slices.Contains(Fields(v), "my_number") {
		t.Fatalf("with the scope: %v %v", err, v)
	}
}

// A residence record shows the name as written, its reading, and a foreign
// resident's registered alternative name, each disclosable alone.
func TestResidenceRecordNames(t *testing.T) {
	ctx := context.Background()
	key := make([]byte, 32)
	rand.Read(key)
	for _, c := range []struct{ id, field, want string }{
		{"sato-hana", "name_kana", "サトウ ハナ"},
		{"nguyen-van-an", "alt_name", "グエン ヴァン アン"},
	} {
		s, _, tok := signIn(t, c.id, sso.DefaultScopes)
		st, _ := store.Open(":memory:", key)
		defer st.Close()
		w, _ := Open(ctx, st, "a", s.Issuer, httpClient(t, s))
		_, v, err := w.Fetch(ctx, "residence", FetchOptions{}, tok.AccessToken)
		if err != nil || v.Claims[c.field] != c.want || !slices.Contains(Fields(v), c.field) {
			t.Fatalf("%s: %s = %v (%v)", c.id, c.field, v.Claims[c.field], err)
		}
	}
}

// Via the person: the old employer's documents come to the person's wallet
// (a second issuer, trusted because the profile names it) and go to the new
// employer with only the fields chosen; a wallet that does not trust the
// employer refuses its credentials.
func TestEmployerDocumentsViaThePerson(t *testing.T) {
	ctx := context.Background()
	key := make([]byte, 32)
	rand.Read(key)
	s, _, tok := signIn(t, "sato-kenji", sso.DefaultScopes)
	st, _ := store.Open(":memory:", key)
	defer st.Close()
	w, _ := Open(ctx, st, "a", s.Issuer, httpClient(t, s))
	if _, _, err := w.Fetch(ctx, "withholding", FetchOptions{}, tok.AccessToken); failure.CodeOf(err) != CodeFetch {
		t.Fatalf("without the employer: %v", err) // the municipality does not issue it
	}
	if _, _, err := w.Fetch(ctx, "payslip", FetchOptions{}, tok.AccessToken); failure.CodeOf(err) != CodeKind {
		t.Fatalf("unknown kind: %v", err)
	}
	w.Trust(s.Issuer+certs.EmployerPrefix, certs.EmployerKinds)
	slip, v, err := w.Fetch(ctx, "withholding", FetchOptions{}, tok.AccessToken)
	if err != nil || v.Issuer != s.Issuer+certs.EmployerPrefix || v.Claims["payment"] == nil {
		t.Fatalf("withholding: %v %+v", err, v)
	}
	if _, v, err := w.Fetch(ctx, "employment", FetchOptions{}, tok.AccessToken); err != nil || v.Claims["started_on"] == nil {
		t.Fatalf("employment: %v", err)
	}
	res, err := w.PresentTo(ctx, slip.ID, []string{"name", "payment", "tax_withheld"},
		Recipient{Name: "new-employer", Purpose: "onboarding", URL: s.Issuer})
	if err != nil || !res.Verified || res.Claims["social_insurance"] != nil || res.Claims["payment"] == nil {
		t.Fatalf("to the new employer: %+v %v", res, err)
	}
	// a wallet that does not trust the employer refuses its credential
	st2, _ := store.Open(":memory:", key)
	defer st2.Close()
	w2, _ := Open(ctx, st2, "a", s.Issuer, httpClient(t, s))
	e, _ := w.Get(ctx, slip.ID)
	if _, err := w2.verify(ctx, e.Credential, true); failure.CodeOf(err) != sdjwt.CodeIssuer {
		t.Fatalf("an untrusted issuer: %v", err)
	}
}
