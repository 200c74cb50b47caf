package account_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"madoguchi/account"
	"madoguchi/account/wallet"
	"madoguchi/auth/card"
	"madoguchi/auth/keystore"
	"madoguchi/auth/sso"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/procedures"
	"madoguchi/protocol/bundle"
	"madoguchi/protocol/proxy"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/card/inproc"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/idp"
	"madoguchi/sandbox/intake"
	"madoguchi/sandbox/issuer"
	"madoguchi/sandbox/registry"
)

// family is the sandbox with its proxy registry and three people signed in
// with their own cards: 佐藤ハナ (84, the principal), her son 佐藤健二 (the
// proxy) and 山田太郎 (a stranger).
type family struct {
	s                 *idp.Server
	reg               *registry.Registry
	c                 *sso.Client
	hana, kenji, taro *account.Account
}

func newFamily(t *testing.T) *family {
	t.Helper()
	f := &family{}
	s, err := idp.Start(idp.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Mount: []func(*idp.Server, *http.ServeMux) error{
		issuer.Mount, intake.Mount, registry.MountWith(func(r *registry.Registry) { f.reg = r })}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f.s, f.c = s, client(t, s)
	sign := func(id string) *account.Account {
		a, err := account.SignIn(context.Background(), f.c, cardLogin(t, id), account.Options{Keys: keystore.New(keystore.NewMemory())})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		return a
	}
	f.hana, f.kenji, f.taro = sign("sato-hana"), sign("sato-kenji"), sign("yamada-taro")
	return f
}

// grant has Hana invite Kenji with scopes and Kenji accept; it returns the
// grant and Kenji acting for Hana.
func (f *family) grant(t *testing.T, scopes ...string) (proxy.Grant, *account.Account) {
	t.Helper()
	ctx := context.Background()
	inv, err := f.hana.Invite(ctx, proxy.InviteRequest{Scopes: scopes, Note: "母の手続き"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := f.kenji.Accept(ctx, inv.Code)
	if err != nil || g.Status != proxy.StatusActive {
		t.Fatalf("accept: %+v %v", g, err)
	}
	as, err := f.kenji.ActAs(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	return g, as
}

func fetch(ctx context.Context, a *account.Account, kind string, require ...string) (map[string]any, error) {
	w, err := a.Wallet(ctx)
	if err != nil {
		return nil, err
	}
	tok, err := a.TokenFor(ctx, proxy.AudienceCertificates)
	if err != nil {
		return nil, err
	}
	_, v, err := w.Fetch(ctx, kind, wallet.FetchOptions{Require: require}, tok)
	if err != nil {
		return nil, err
	}
	return v.Claims, nil
}

// movingPlan is Hana's move to Osaka, answered by whoever prepares it.
func movingPlan(t *testing.T, ctx context.Context, a *account.Account) (*procedures.Plan, procedures.Facts) {
	t.Helper()
	facts, err := a.ResidenceFacts(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := procedures.Bundled(i18n.Languages())
	e, _ := cat.Event("moving")
	move := time.Now().AddDate(0, 0, 7).Format(time.DateOnly)
	answers := []byte("move_date: " + move + "\nsame_municipality: false\ncare_certified: false\nreceives_child_allowance: false\nnew_postal_code: '5300001'\nnew_address_line: 梅田一丁目1番1号\n" +
		"movers: [佐藤 ハナ]\nhealth_insurance: employer\nchild_mover: false\nschool_mover: false\nelderly_mover: false\nhas_card: true\nsign_cert: true\nforeign_mover: false\nregistered_seal: false\nhas_dog: false\n")
	if _, err := a.SaveAnswers(ctx, "moving", answers, map[string]string{"moving-out-notice.phone": "090-1234-5678"}); err != nil {
		t.Fatal(err)
	}
	parsed, err := e.ParseAnswers(answers)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := e.Plan(facts, parsed, procedures.NewCalendar(nil))
	if err != nil {
		t.Fatal(err)
	}
	return plan, facts
}

// fileRequest signs with the fixture resident's own card.
func fileRequest(t *testing.T, a *account.Account, plan *procedures.Plan, facts procedures.Facts, cardOf string) account.FileRequest {
	r, _ := fixtures.ByID(cardOf)
	vc, _ := vcard.New(r)
	in, err := a.Intake()
	if err != nil {
		t.Fatal(err)
	}
	return account.FileRequest{Plan: plan, Facts: facts, Card: card.Direct(card.NewSession(inproc.NewTransport(vc))), Intake: in,
		Prompt: func(context.Context, card.Secret, int) (card.PIN, bool, error) {
			return card.PIN(r.SignPassword), false, nil
		}}
}

// The whole relation, from the principal's invitation to the act refused
// after she revokes: both see it, the proxy acts with his own card within
// the grant, every act is in her trail.
func TestProxyActsWithinTheGrantUntilRevoked(t *testing.T) {
	ctx := context.Background()
	f := newFamily(t)
	g, as := f.grant(t, proxy.CertScope("residence"), proxy.FileScope("moving-out-notice"), proxy.ScopeStatus, proxy.ScopeProtected)
	if as.Subject() != f.hana.Subject() || as.Actor() != f.kenji.Subject() || as.Name() != f.hana.Name() || as.ID() == f.kenji.ID() {
		t.Fatalf("acting: sub %q actor %q name %q", as.Subject(), as.Actor(), as.Name())
	}
	if !as.Allows(proxy.CertScope("residence")) || as.Allows(proxy.CertScope("tax")) || !as.Allows(proxy.PrepareScope("moving-out-notice")) {
		t.Fatal("the grant's scopes are not what the app shows")
	}
	// both sides list it
	mine, _ := f.hana.Grants(ctx)
	theirs, _ := f.kenji.Grants(ctx)
	if len(mine.ActForMe) != 1 || mine.ActForMe[0].Proxy.Name != f.kenji.Name() || len(theirs.IActFor) != 1 || theirs.IActFor[0].Principal.Name != f.hana.Name() {
		t.Fatalf("lists: %+v / %+v", mine, theirs)
	}
	// the exchanged token: sub is Hana, act names Kenji, one audience
	tok, err := as.TokenFor(ctx, proxy.AudienceCertificates)
	if err != nil {
		t.Fatal(err)
	}
	claims := jwtClaims(t, tok)
	act, _ := claims["act"].(map[string]any)
	if claims["sub"] != f.hana.Subject() || act["sub"] != f.kenji.Subject() || claims["grant_id"] != g.ID {
		t.Fatalf("exchanged token claims %v", claims)
	}
	if aud, _ := claims["aud"].([]any); len(aud) != 1 || aud[0] != proxy.AudienceCertificates {
		t.Fatalf("audience %v", claims["aud"])
	}
	if exp := int64(claims["exp"].(float64)); time.Until(time.Unix(exp, 0)) > proxy.ExchangedTTL {
		t.Fatalf("exchanged token lives past %s", proxy.ExchangedTTL)
	}
	// prepare and file Hana's moving-out notice, signed with Kenji's card
	plan, facts := movingPlan(t, ctx, as)
	if !slices.Contains(plan.Online(), "moving-out-notice") {
		t.Fatalf("online: %v", plan.Online())
	}
	res, err := as.File(ctx, fileRequest(t, as, plan, facts, "sato-kenji"))
	if err != nil {
		t.Fatal(err)
	}
	in, _ := as.Intake()
	rs, _, err := as.Receipts(ctx, in)
	if err != nil || len(rs) != len(res.Receipts) {
		t.Fatalf("status as proxy: %+v %v", rs, err)
	}
	// Hana sees the receipts as her own, and every act in her trail
	own, _ := f.hana.Intake()
	hrs, _, _ := f.hana.Receipts(ctx, own)
	if len(hrs) != len(res.Receipts) || hrs[0].Number != res.Receipts[0].Number {
		t.Fatalf("the principal's receipts %+v", hrs)
	}
	trail, err := f.hana.ProxyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"accept", "exchange", proxy.CertScope("residence"), proxy.FileScope("moving-out-notice"), proxy.ScopeStatus} {
		if !slices.ContainsFunc(trail, func(e proxy.AuditEntry) bool {
			return e.Action == want && e.Allowed && (want == "accept" || e.Actor.Name == f.kenji.Name())
		}) {
			t.Errorf("the principal's trail lacks %s: %+v", want, trail)
		}
	}
	if _, err := f.kenji.ProxyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	// acting again soon after (a new window, renewed tokens) is not written
	// again: her trail shows acts, not token renewals
	again, _ := f.kenji.ActAs(ctx, g.ID)
	if _, err := again.TokenFor(ctx, proxy.AudienceCertificates); err != nil {
		t.Fatal(err)
	}
	after, _ := f.hana.ProxyAudit(ctx)
	count := func(es []proxy.AuditEntry) (n int) {
		for _, e := range es {
			if e.Action == "exchange" {
				n++
			}
		}
		return n
	}
	if count(after) != count(trail) || count(trail) != 2 { // one per service
		t.Fatalf("exchanges in her trail: %d then %d", count(trail), count(after))
	}
	w, _ := as.Wallet(ctx)
	if kept, _ := w.List(ctx); len(kept) == 0 {
		t.Fatal("nothing was kept while acting: the forgetting below proves nothing")
	}
	// Hana revokes: the next act is refused, with the token already in hand
	if _, err := f.hana.RevokeGrant(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := as.Receipts(ctx, in); failure.CodeOf(err) != proxy.CodeGrantRevoked {
		t.Fatalf("after revocation: %v", err)
	}
	if _, err := fetch(ctx, as, "residence"); failure.CodeOf(err) != proxy.CodeGrantRevoked {
		t.Fatalf("cert after revocation: %v", err)
	}
	if _, err := f.kenji.ActAs(ctx, g.ID); failure.CodeOf(err) != proxy.CodeGrantRevoked {
		t.Fatalf("acting after revocation: %v", err)
	}
	theirs, _ = f.kenji.Grants(ctx)
	if theirs.IActFor[0].Status != proxy.StatusRevoked || theirs.IActFor[0].Allows(proxy.CertScope("residence")) {
		t.Fatalf("the proxy's list after revocation: %+v", theirs.IActFor[0])
	}
	// once he knows it ended, his computer forgets what it kept for her
	if kept, _ := w.List(ctx); len(kept) != 0 {
		t.Fatalf("her certificates stay on his computer after the grant ended: %d", len(kept))
	}
	if d, found, _ := as.LoadDraft(ctx, "moving"); found || d.BundleID != "" {
		t.Fatal("her draft stays on his computer after the grant ended")
	}
}

func jwtClaims(t *testing.T, tok string) map[string]any {
	t.Helper()
	parts := strings.Split(tok, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	return m
}

// rawSubmit files a bundle for Hana as an independent client would: built
// and signed by hand (no app-side checks), with the exchanged token.
func rawSubmit(t *testing.T, f *family, as *account.Account, signer, procedure string) error {
	t.Helper()
	ctx := context.Background()
	r, _ := fixtures.ByID(signer)
	keys, _ := r.Keys()
	ca, _ := fixtures.LoadCA()
	cert, _ := x509.ParseCertificate(keys.SignCert)
	caCert, _ := x509.ParseCertificate(ca.SignCACert)
	b := &bundle.Bundle{Version: bundle.Version, ID: bundle.NewID(), Event: "moving", Municipality: f.s.Issuer,
		Subject: as.Subject(), Actor: as.Actor(), CreatedAt: time.Now().UTC().Truncate(time.Second),
		Applications: []bundle.Application{{Procedure: procedure, Fields: map[string]any{"name": "佐藤 ハナ"}}}}
	jws, err := bundle.Sign(b, []*x509.Certificate{cert, caCert}, func(d []byte) ([]byte, error) {
		return rsa.SignPKCS1v15(nil, keys.SignKey, 0, d) // d is the DigestInfo, as a card gets it
	})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := as.TokenFor(ctx, proxy.AudienceApplications)
	if err != nil {
		return err
	}
	in, _ := as.Intake()
	_, err = in.Submit(ctx, tok, jws, b.ID)
	return err
}

// newCard registers a renewed authentication certificate for a resident
// (the municipality's renewal or re-issue).
func newCard(t *testing.T, s *idp.Server, id string) {
	t.Helper()
	ca, _ := fixtures.LoadCA()
	caCert, _ := x509.ParseCertificate(ca.AuthCACert)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(5, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, ca.AuthCAKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RegisterCertificate(context.Background(), idp.ResidentID(id), der); err != nil {
		t.Fatal(err)
	}
}

// Every way acting can go wrong is refused by the municipality (with the
// code a person is shown), and — where the app would offer the action —
// the app hides it (the grant as listed does not allow it).
func TestProxyRefusals(t *testing.T) {
	ctx := context.Background()
	all := []string{proxy.CertScope("residence"), proxy.FileScope("moving-out-notice"), proxy.FileScope("pension-category-change"), proxy.ScopeStatus}
	for name, tc := range map[string]struct {
		scopes []string
		do     func(t *testing.T, f *family, g proxy.Grant, as *account.Account) error
		want   failure.Code
		hidden string // a scope the app must not offer afterwards
	}{
		"out-of-scope certificate": {scopes: all, want: proxy.CodeNotGranted, hidden: proxy.CertScope("tax"),
			do: func(t *testing.T, f *family, _ proxy.Grant, as *account.Account) error {
				_, err := fetch(ctx, as, "tax")
				return err
			}},
		"out-of-scope procedure": {scopes: all, want: proxy.CodeNotGranted, hidden: proxy.FileScope("nhi-loss"),
			do: func(t *testing.T, f *family, _ proxy.Grant, as *account.Account) error {
				return rawSubmit(t, f, as, "sato-kenji", "nhi-loss")
			}},
		"expired grant": {scopes: all, want: proxy.CodeGrantExpired,
			do: func(t *testing.T, f *family, _ proxy.Grant, as *account.Account) error {
				f.reg.SetClock(func() time.Time { return time.Now().Add(proxy.DefaultGrantValidity + time.Hour) })
				_, err := fetch(ctx, as, "residence")
				return err
			}},
		"revoked grant": {scopes: all, want: proxy.CodeGrantRevoked,
			do: func(t *testing.T, f *family, g proxy.Grant, as *account.Account) error {
				if _, err := as.TokenFor(ctx, proxy.AudienceApplications); err != nil { // a token in hand
					t.Fatal(err)
				}
				f.hana.RevokeGrant(ctx, g.ID)
				return rawSubmit(t, f, as, "sato-kenji", "moving-out-notice")
			}},
		"principal's card re-issued, not confirmed": {scopes: all, want: proxy.CodeReconfirm,
			do: func(t *testing.T, f *family, _ proxy.Grant, as *account.Account) error {
				newCard(t, f.s, "sato-hana")
				_, err := fetch(ctx, as, "residence")
				return err
			}},
		"proxy's card renewed, not confirmed": {scopes: all, want: proxy.CodeReconfirm,
			do: func(t *testing.T, f *family, _ proxy.Grant, as *account.Account) error {
				newCard(t, f.s, "sato-kenji")
				_, err := fetch(ctx, as, "residence")
				return err
			}},
		"principal's card suspended": {scopes: all, want: proxy.CodeCardSuspended,
			do: func(t *testing.T, f *family, _ proxy.Grant, as *account.Account) error {
				f.s.SuspendCard(ctx, idp.ResidentID("sato-hana"), true)
				_, err := fetch(ctx, as, "residence")
				return err
			}},
		"protection begun after the grant": {scopes: all, want: proxy.CodeReconfirm,
			do: func(t *testing.T, f *family, _ proxy.Grant, as *account.Account) error {
				f.s.SetProtected(ctx, idp.ResidentID("sato-hana"), true)
				_, err := fetch(ctx, as, "residence")
				return err
			}},
		"invitation redeemed twice": {scopes: all, want: proxy.CodeInvitationInvalid,
			do: func(t *testing.T, f *family, _ proxy.Grant, _ *account.Account) error {
				inv, _ := f.hana.Invite(ctx, proxy.InviteRequest{Scopes: all})
				if _, err := f.kenji.Accept(ctx, inv.Code); err != nil {
					t.Fatal(err)
				}
				_, err := f.taro.Accept(ctx, inv.Code)
				return err
			}},
		"wrong codes tried again and again": {scopes: all, want: proxy.CodeInvitationTries,
			do: func(t *testing.T, f *family, _ proxy.Grant, _ *account.Account) error {
				inv, _ := f.hana.Invite(ctx, proxy.InviteRequest{Scopes: all})
				for i := range registry.MaxWrongCodes {
					if _, err := f.taro.Accept(ctx, fmt.Sprintf("AAAA-BBBB-%04d", i)); failure.CodeOf(err) != proxy.CodeInvitationInvalid {
						t.Fatalf("wrong code %d: %v", i, err)
					}
				}
				_, err := f.taro.Accept(ctx, inv.Code) // even the right one, for a while
				return err
			}},
		"invitation redeemed by the principal": {scopes: all, want: proxy.CodeSelf,
			do: func(t *testing.T, f *family, _ proxy.Grant, _ *account.Account) error {
				inv, _ := f.hana.Invite(ctx, proxy.InviteRequest{Scopes: all})
				_, err := f.hana.Accept(ctx, inv.Code)
				return err
			}},
		"expired invitation": {scopes: all, want: proxy.CodeInvitationInvalid,
			do: func(t *testing.T, f *family, _ proxy.Grant, _ *account.Account) error {
				inv, _ := f.hana.Invite(ctx, proxy.InviteRequest{Scopes: all})
				f.reg.SetClock(func() time.Time { return time.Now().Add(proxy.InvitationValidity + time.Minute) })
				_, err := f.taro.Accept(ctx, strings.ToLower(inv.Code))
				return err
			}},
		"someone else's subject token": {scopes: all, want: proxy.CodeNoGrant,
			do: func(t *testing.T, f *family, _ proxy.Grant, _ *account.Account) error {
				own, _ := f.taro.AccessToken(ctx)
				_, err := f.c.Exchange(ctx, own, f.hana.Subject(), proxy.AudienceCertificates, nil)
				return err
			}},
		"forged act": {scopes: all, want: proxy.CodeNotGranted,
			do: func(t *testing.T, f *family, _ proxy.Grant, as *account.Account) error {
				// a token claiming to act for Hana, signed by someone other
				// than the provider, or by it but never issued: both refused
				own, _ := f.kenji.AccessToken(ctx)
				c := jwtClaims(t, own)
				c["sub"], c["act"], c["aud"] = f.hana.Subject(), map[string]any{"sub": f.kenji.Subject()}, []string{proxy.AudienceCertificates}
				forged, _ := f.s.ForgeToken(c)
				w, _ := as.Wallet(ctx)
				if _, _, err := w.Fetch(ctx, "residence", wallet.FetchOptions{}, forged); failure.CodeOf(err) != wallet.CodeFetch || !strings.Contains(err.Error(), "401") {
					t.Fatalf("a forged act was taken: %v", err)
				}
				// and the act claim of an issued token is the provider's: a
				// token for a narrower grant cannot be widened by the client
				_, err := fetch(ctx, as, "tax")
				return err
			}},
		"exchanged token at another service": {scopes: all, want: proxy.CodeAudience,
			do: func(t *testing.T, f *family, _ proxy.Grant, as *account.Account) error {
				tok, err := as.TokenFor(ctx, proxy.AudienceCertificates)
				if err != nil {
					t.Fatal(err)
				}
				in, _ := as.Intake()
				_, err = in.Receipts(ctx, tok)
				if failure.CodeOf(err) == bundle.CodeSubmit && strings.Contains(err.Error(), string(proxy.CodeAudience)) {
					return failure.New(proxy.CodeAudience, err.Error())
				}
				return err
			}},
		"proxy signs an own-signature procedure": {scopes: all, want: proxy.CodeOwnSignature,
			do: func(t *testing.T, f *family, _ proxy.Grant, as *account.Account) error {
				return rawSubmit(t, f, as, "sato-kenji", "pension-category-change")
			}},
		"protected field not allowed": {scopes: all, want: proxy.CodeProtectedField,
			do: func(t *testing.T, f *family, _ proxy.Grant, as *account.Account) error {
				// without asking, the record comes without them
				rec, err := fetch(ctx, as, "residence")
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range proxy.ProtectedFields {
					if _, ok := rec[p]; ok {
						t.Fatalf("protected %s given to a proxy: %v", p, rec)
					}
				}
				_, err = fetch(ctx, as, "residence", "name", "address")
				return err
			}},
		"grant chain": {scopes: all, want: proxy.CodeChain,
			do: func(t *testing.T, f *family, _ proxy.Grant, as *account.Account) error {
				tok, _ := as.TokenFor(ctx, proxy.AudienceCertificates)
				// nor can an acting token invite or accept at the registry
				req, _ := http.NewRequest(http.MethodPost, f.s.Issuer+proxy.InvitationsPath, strings.NewReader(`{"scopes":["status"]}`))
				req.Header.Set("Authorization", "Bearer "+tok)
				hc, _ := as.Profile().HTTPClient()
				resp, err := hc.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				var e proxy.Error
				json.NewDecoder(resp.Body).Decode(&e)
				resp.Body.Close()
				if resp.StatusCode != http.StatusForbidden || e.Code != string(proxy.CodeChain) {
					t.Fatalf("an acting token at the registry: %d %+v", resp.StatusCode, e)
				}
				_, err = f.c.Exchange(ctx, tok, f.taro.Subject(), proxy.AudienceCertificates, nil)
				return err
			}},
		"protection voids a pending invitation": {scopes: all, want: proxy.CodeInvitationInvalid,
			do: func(t *testing.T, f *family, _ proxy.Grant, _ *account.Account) error {
				inv, _ := f.hana.Invite(ctx, proxy.InviteRequest{Scopes: all})
				f.s.SetProtected(ctx, idp.ResidentID("sato-hana"), true)
				_, err := f.taro.Accept(ctx, inv.Code)
				return err
			}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFamily(t)
			g, as := f.grant(t, tc.scopes...)
			err := tc.do(t, f, g, as)
			if failure.CodeOf(err) != tc.want {
				t.Fatalf("got %v, want %s", err, tc.want)
			}
			// what the app shows now: the grant as listed (both sides)
			if tc.hidden != "" && as.Allows(tc.hidden) {
				t.Errorf("the app still offers %s", tc.hidden)
			}
			gs, err := f.kenji.Grants(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, lg := range gs.IActFor {
				if lg.ID != g.ID {
					continue
				}
				switch tc.want {
				case proxy.CodeGrantExpired, proxy.CodeGrantRevoked, proxy.CodeReconfirm, proxy.CodeCardSuspended:
					if lg.Allows(proxy.CertScope("residence")) || lg.Status == proxy.StatusActive {
						t.Errorf("listed as %s, still offering acts", lg.Status)
					}
				}
			}
		})
	}
}

// The principal confirms again after a renewal; the proxy is back. An own-
// signature procedure is refused by the app before any card or network
// (the plan says whose signature it needs).
func TestProxyReconfirmAndOwnSignature(t *testing.T) {
	ctx := context.Background()
	f := newFamily(t)
	g, as := f.grant(t, proxy.CertScope("residence"), proxy.ScopeProtected, proxy.FileScope("moving-out-notice"))
	newCard(t, f.s, "sato-hana")
	if _, err := f.kenji.ConfirmGrant(ctx, g.ID); failure.CodeOf(err) != proxy.CodeNotPrincipal {
		t.Fatalf("the proxy confirmed: %v", err)
	}
	if cg, err := f.hana.ConfirmGrant(ctx, g.ID); err != nil || cg.Status != proxy.StatusActive {
		t.Fatalf("confirm: %+v %v", cg, err)
	}
	if _, err := fetch(ctx, as, "residence"); err != nil {
		t.Fatalf("after confirmation: %v", err)
	}
	// a card that is not the signed-in person's is refused before the
	// password is asked
	plan, facts := movingPlan(t, ctx, as)
	req := fileRequest(t, as, plan, facts, "sato-hana")
	req.Prompt = func(context.Context, card.Secret, int) (card.PIN, bool, error) {
		t.Fatal("asked for the principal's password")
		return nil, false, nil
	}
	if _, err := as.File(ctx, req); failure.CodeOf(err) != account.CodeCardMismatch {
		t.Fatalf("the principal's card: %v", err)
	}
}

// Acting tokens belong to the proxy's session: when he signs out, the ones
// in hand stop working at once — and her signing out does not end his.
func TestActingEndsWithTheProxysSession(t *testing.T) {
	ctx := context.Background()
	f := newFamily(t)
	_, as := f.grant(t, proxy.CertScope("residence"), proxy.ScopeStatus)
	certTok, err := as.TokenFor(ctx, proxy.AudienceCertificates)
	if err != nil {
		t.Fatal(err)
	}
	appTok, _ := as.TokenFor(ctx, proxy.AudienceApplications)
	in, _ := as.Intake()
	if err := f.hana.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := in.Receipts(ctx, appTok); err != nil {
		t.Fatalf("her sign-out ended his acting: %v", err)
	}
	if err := f.kenji.SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	w, _ := f.taro.Wallet(ctx) // any wallet: the token is what is tested
	if _, _, err := w.Fetch(ctx, "residence", wallet.FetchOptions{}, certTok); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("an acting token outlived the proxy's session: %v", err)
	}
	if _, err := in.Receipts(ctx, appTok); err == nil {
		t.Fatal("an acting token outlived the proxy's session at the intake")
	}
}

// Before any card or password, the app knows what a grant does not let the
// proxy file: here the moving-out notice attaches her address and
// household, which she did not allow.
func TestMayFileBeforeAnyCard(t *testing.T) {
	ctx := context.Background()
	f := newFamily(t)
	_, as := f.grant(t, proxy.CertScope("residence"), proxy.FileScope("moving-out-notice"))
	plan, facts := movingPlan(t, ctx, as)
	if err := plan.MayFile(as.ActingAs()); failure.CodeOf(err) != proxy.CodeProtectedField {
		t.Fatalf("may file: %v", err)
	}
	req := fileRequest(t, as, plan, facts, "sato-kenji")
	req.Prompt = func(context.Context, card.Secret, int) (card.PIN, bool, error) {
		t.Fatal("a password was asked for a bundle the grant does not allow")
		return nil, false, nil
	}
	if _, err := as.File(ctx, req); failure.CodeOf(err) != proxy.CodeProtectedField {
		t.Fatalf("file: %v", err)
	}
	if err := plan.MayFile(f.hana.ActingAs()); err != nil {
		t.Fatalf("for herself: %v", err)
	}
}

// A card reported lost (suspended) ends the sessions it opened, not only
// new sign-ins: the next refresh is refused and the session forgotten.
func TestSuspendedCardEndsItsSessions(t *testing.T) {
	ctx := context.Background()
	f := newFamily(t)
	if err := f.hana.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	f.s.SuspendCard(ctx, idp.ResidentID("sato-hana"), true)
	if err := f.hana.Refresh(ctx); failure.CodeOf(err) != sso.CodeSessionExpired {
		t.Fatalf("refresh with the card suspended: %v", err)
	}
	if _, err := account.SignIn(ctx, f.c, cardLogin(t, "sato-hana"), account.Options{Keys: keystore.New(keystore.NewMemory())}); sso.ProviderCodeOf(err) != "AUTH-CERT-REVOKED" {
		t.Fatalf("sign-in with the card suspended: %v", err)
	}
	// others are not touched
	if err := f.kenji.Refresh(ctx); err != nil {
		t.Fatalf("another person's session: %v", err)
	}
}
