package intake_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"madoguchi/auth/card"
	"madoguchi/auth/sso"
	"madoguchi/protocol/bundle"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/card/inproc"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/idp"
	"madoguchi/sandbox/intake"
)

type municipality struct {
	srv  *idp.Server
	http *http.Client
	tok  *sso.Tokens
	// now is the intake's clock: the default bundle's dates are today's
	// in Japan by it
	now func() time.Time
}

func start(t *testing.T, scopes []string) *municipality {
	t.Helper()
	return startWith(t, scopes, intake.Options{})
}

// startWith starts the municipality with intake options (a fixed clock)
// and signs yamada-taro in.
func startWith(t *testing.T, scopes []string, o intake.Options) *municipality {
	t.Helper()
	s, err := idp.Start(idp.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Mount: []func(*idp.Server, *http.ServeMux) error{intake.MountWith(o)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	m := &municipality{srv: s, now: o.Now}
	if m.now == nil {
		m.now = time.Now
	}
	return m.as(t, scopes, "yamada-taro")
}

// as is the same municipality with another resident signed in.
func (m *municipality) as(t *testing.T, scopes []string, resident string) *municipality {
	t.Helper()
	s := m.srv
	p := sso.Profile{Issuer: s.Issuer, ClientID: idp.AppClientID, Scopes: scopes, CAFile: s.CAFile}
	c, err := sso.New(context.Background(), p)
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
	hc, _ := p.HTTPClient()
	return &municipality{srv: s, http: hc, tok: tok, now: m.now}
}

// day is today in Japan by the intake's clock, moved by n days.
func (m *municipality) day(n int) string {
	return m.now().In(time.FixedZone("JST", 9*60*60)).AddDate(0, 0, n).Format(time.DateOnly)
}

// signed is a bundle signed with a fixture resident's signature key, as the
// card would sign it: by default a moving-out notice and leaving National
// Health Insurance, moving out today.
func (m *municipality) signed(t *testing.T, signer string, mutate func(*bundle.Bundle)) (string, *bundle.Bundle) {
	t.Helper()
	r, _ := fixtures.ByID(signer)
	k, err := r.Keys()
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := fixtures.LoadCA()
	cert, _ := x509.ParseCertificate(k.SignCert)
	caCert, _ := x509.ParseCertificate(ca.SignCACert)
	b := &bundle.Bundle{Version: bundle.Version, ID: bundle.NewID(), Event: "moving", Municipality: m.srv.Issuer,
		Subject: m.tok.Claims.Subject, CreatedAt: time.Now().UTC().Truncate(time.Second),
		Applications: []bundle.Application{
			{Procedure: "moving-out-notice", Fields: map[string]any{"name": r.Name, "move_out_date": m.day(0), "new_postal_code": "1000013",
				"new_address_line": "霞が関二丁目1番2号"}, Sources: map[string]string{"name": "card"}},
			{Procedure: "nhi-loss", Fields: map[string]any{"name": r.Name, "move_out_date": m.day(0)}},
		}}
	if mutate != nil {
		mutate(b)
	}
	jws, err := bundle.Sign(b, []*x509.Certificate{cert, caCert}, func(di []byte) ([]byte, error) {
		return rsa.SignPKCS1v15(rand.Reader, k.SignKey, crypto.Hash(0), di)
	})
	if err != nil {
		t.Fatal(err)
	}
	return jws, b
}

func (m *municipality) post(t *testing.T, jws, key string) (int, bundle.SubmitResponse, bundle.Error) {
	t.Helper()
	req, _ := http.NewRequest("POST", m.srv.Issuer+bundle.ApplicationsPath, strings.NewReader(jws))
	req.Header.Set("Authorization", "Bearer "+m.tok.AccessToken)
	req.Header.Set("Content-Type", "application/jose")
	req.Header.Set(bundle.IdempotencyHeader, key)
	resp, err := m.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var ok bundle.SubmitResponse
	var e bundle.Error
	json.Unmarshal(body, &ok)
	json.Unmarshal(body, &e)
	return resp.StatusCode, ok, e
}

func (m *municipality) receipts(t *testing.T) []bundle.Receipt {
	req, _ := http.NewRequest("GET", m.srv.Issuer+bundle.ApplicationsPath, nil)
	req.Header.Set("Authorization", "Bearer "+m.tok.AccessToken)
	resp, err := m.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rs []bundle.Receipt
	json.NewDecoder(resp.Body).Decode(&rs)
	return rs
}

// One receipt per procedure; the same bundle again files nothing and gets
// the same receipts; the same id with other content is refused.
func TestFiledOnce(t *testing.T) {
	m := start(t, sso.DefaultScopes)
	jws, b := m.signed(t, "yamada-taro", nil)
	code, res, e := m.post(t, jws, b.ID)
	if code != http.StatusCreated || len(res.Receipts) != 2 || res.Repeated {
		t.Fatalf("%d %+v %+v", code, res, e)
	}
	for i := 0; i < 3; i++ {
		code2, again, _ := m.post(t, jws, b.ID)
		if code2 != http.StatusOK || !again.Repeated || again.Receipts[0].Number != res.Receipts[0].Number {
			t.Fatalf("retry %d: %d %+v", i, code2, again)
		}
	}
	if n := len(m.receipts(t)); n != 2 {
		t.Fatalf("%d receipts after retries", n)
	}
	other, _ := m.signed(t, "yamada-taro", func(x *bundle.Bundle) { x.ID = b.ID; x.Applications = x.Applications[:1] })
	if code, _, e := m.post(t, other, b.ID); code != http.StatusConflict || e.Code != string(bundle.CodeIdempotency) {
		t.Fatalf("same id, other content: %d %+v", code, e)
	}
	if code, _, e := m.post(t, jws, "another-key-0000000000000"); code != http.StatusBadRequest || e.Code != string(bundle.CodeMalformed) {
		t.Fatalf("key not the bundle id: %d %+v", code, e)
	}
}

// Refusals carry the code the app explains.
func TestRefusals(t *testing.T) {
	m := start(t, sso.DefaultScopes)
	for name, c := range map[string]struct {
		signer string
		mutate func(*bundle.Bundle)
		code   bundle.Error
	}{
		"a card reported lost (CRL)": {"kato-lost", nil, bundle.Error{Code: string(bundle.CodeCertRevoked)}},
		"another resident's bundle":  {"yamada-taro", func(b *bundle.Bundle) { b.Subject = "someone-else" }, bundle.Error{Code: string(bundle.CodeNotYours)}},
		"another municipality":       {"yamada-taro", func(b *bundle.Bundle) { b.Municipality = "https://other.example" }, bundle.Error{Code: string(bundle.CodeNotYours)}},
		"a counter-only procedure":   {"yamada-taro", func(b *bundle.Bundle) { b.Applications[0].Procedure = "moving-in-notice" }, bundle.Error{Code: string(bundle.CodeUnknownForm)}},
		"an attached certificate that does not verify": {"yamada-taro", func(b *bundle.Bundle) { b.Presentations = []string{"eyJhbGciOiJFUzI1NiJ9.e30.c2ln~"} },
			bundle.Error{Code: string(bundle.CodePresentations)}},
	} {
		jws, b := m.signed(t, c.signer, c.mutate)
		if code, _, e := m.post(t, jws, b.ID); e.Code != c.code.Code || code < 400 {
			t.Errorf("%s: %d %+v", name, code, e)
		}
	}
	if len(m.receipts(t)) != 0 {
		t.Fatal("a refused bundle was filed")
	}
	// a token without the applications scope
	m2 := start(t, []string{"openid", "name"})
	jws, b := m2.signed(t, "yamada-taro", nil)
	if code, _, e := m2.post(t, jws, b.ID); code != http.StatusForbidden || e.Code != "insufficient_scope" {
		t.Fatalf("without the scope: %d %+v", code, e)
	}
}

// Staff move a receipt on; the resident sees it; completing the move
// revokes the signature certificate, so the next bundle asks for its
// re-issue.
func TestStatusAndRevocationByMove(t *testing.T) {
	m := start(t, sso.DefaultScopes)
	jws, b := m.signed(t, "yamada-taro", nil)
	_, res, _ := m.post(t, jws, b.ID)
	admin, err := intake.Open(m.srv.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx := context.Background()
	number := res.Receipts[0].Number
	if err := admin.SetStatus(ctx, number, bundle.StatusNeedsInfo, "please add a phone number"); err != nil {
		t.Fatal(err)
	}
	if err := admin.SetStatus(ctx, number, "lost", ""); err == nil {
		t.Fatal("an unknown status was accepted")
	}
	rs := m.receipts(t)
	if i := slices.IndexFunc(rs, func(r bundle.Receipt) bool { return r.Number == number }); i < 0 || rs[i].Status != bundle.StatusNeedsInfo || rs[i].Note == "" {
		t.Fatalf("%+v", rs)
	}
	if err := admin.SetStatus(ctx, number, bundle.StatusCompleted, ""); err != nil {
		t.Fatal(err)
	}
	audit, _ := admin.Audit(ctx, number)
	if len(audit) != 3 || audit[0].Status != bundle.StatusReceived || audit[2].Status != bundle.StatusCompleted {
		t.Fatalf("audit %+v", audit)
	}
	jws2, b2 := m.signed(t, "yamada-taro", nil)
	if code, _, e := m.post(t, jws2, b2.ID); e.Code != string(bundle.CodeCertRevoked) || code != http.StatusForbidden {
		t.Fatalf("after the move: %d %+v", code, e)
	}
}
