package account

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"madoguchi/auth/card"
	"madoguchi/i18n/failure"
	"madoguchi/procedures"
	"madoguchi/protocol/proxy"
)

// Registered proxies, seen from the app: the registry (invite, accept,
// list, revoke, confirm, the principal's audit trail) is called with the
// person's own sign-in; acting for a principal is an Account like any
// other — Subject is the principal, Actor the person — whose tokens are
// exchanged per service (RFC 8693), so the certificate and procedure flows
// are the same code for oneself and for a principal.

// Failure codes of acting for someone.
const (
	// CodeRegistry: the proxy registry could not be reached or answered
	// something unexpected.
	CodeRegistry failure.Code = "PROXY-REGISTRY"
	// CodeCardMismatch: the card in the reader is not the card of the
	// person signed in (a proxy signs with their own card, never the
	// principal's).
	CodeCardMismatch failure.Code = "CARD-NOT-SIGNED-IN"
	// CodeAmbiguous: several people the person acts for have that name.
	CodeAmbiguous failure.Code = "PROXY-AMBIGUOUS"
)

var _ = failure.Register("account/proxies", CodeRegistry, CodeCardMismatch, CodeAmbiguous)

// acting is what an Account acting for a principal adds.
type acting struct {
	grant  proxy.Grant
	parent *Account // the person's own account
	mu     sync.Mutex
	tokens map[string]cachedToken // per audience
}

type cachedToken struct {
	token  string
	expiry time.Time
}

// Acting is the grant this account acts under (nil: the person themselves).
func (a *Account) Acting() *proxy.Grant {
	if a.act == nil {
		return nil
	}
	g := a.act.grant
	return &g
}

// Allows tells whether the account may do scope (a grant scope such as
// cert:residence or file:moving-out-notice): always for oneself, as the
// grant says for a principal. The app shows only what this allows; the
// municipality checks again on every request.
func (a *Account) Allows(scope string) bool {
	return a.act == nil || a.act.grant.Allows(scope)
}

// Own is the person's own account (itself when not acting).
func (a *Account) Own() *Account {
	if a.act != nil {
		return a.act.parent
	}
	return a
}

// TokenFor returns an access token for a service audience
// (proxy.AudienceCertificates, proxy.AudienceApplications): the person's
// own token, or — acting for a principal — one exchanged for that service
// alone, kept until shortly before it ends.
func (a *Account) TokenFor(ctx context.Context, audience string) (string, error) {
	if a.act == nil {
		return a.AccessToken(ctx)
	}
	x := a.act
	x.mu.Lock()
	defer x.mu.Unlock()
	if t, ok := x.tokens[audience]; ok && time.Until(t.expiry) > 30*time.Second {
		return t.token, nil
	}
	own, err := x.parent.AccessToken(ctx)
	if err != nil {
		return "", err
	}
	var scopes []string
	for _, s := range x.grant.Scopes {
		if proxy.ForAudience(audience, s) {
			scopes = append(scopes, s)
		}
	}
	t, err := a.client.Exchange(ctx, own, x.grant.Principal.Subject, audience, scopes)
	if err != nil {
		return "", err
	}
	x.tokens[audience] = cachedToken{t.AccessToken, t.Expiry}
	return t.AccessToken, nil
}

// ActAs returns the person acting for a principal they are a proxy of:
// who names the grant (its id), the principal's subject, or their name.
// The grant must be active now (PROXY-GRANT-* otherwise).
func (a *Account) ActAs(ctx context.Context, who string) (*Account, error) {
	own := a.Own()
	gs, err := own.Grants(ctx)
	if err != nil {
		return nil, err
	}
	var found *proxy.Grant
	named := map[string]bool{} // principals matched by name alone
	for i, g := range gs.IActFor {
		if g.ID == who || g.Principal.Subject == who || g.Principal.Name == who {
			if g.ID != who && g.Principal.Subject != who {
				named[g.Principal.Subject] = true
			}
			if found == nil || g.Status == proxy.StatusActive {
				found = &gs.IActFor[i]
			}
		}
	}
	if len(named) > 1 {
		return nil, failure.Newf(CodeAmbiguous, "%d people named %s", len(named), who).With("Principal", who)
	}
	if found == nil {
		return nil, failure.New(proxy.CodeNoGrant, "no grant of yours names "+who).With("Principal", who)
	}
	if found.Status != proxy.StatusActive {
		return nil, failure.Newf(proxy.StatusCode(found.Status), "grant %s is %s", found.ID, found.Status).With("Principal", found.Principal.Name)
	}
	return own.actingFor(*found), nil
}

// actingFor is the account acting under g (checked by the caller).
func (a *Account) actingFor(g proxy.Grant) *Account {
	return &Account{opts: a.opts, client: a.client, sess: a.sess, name: g.Principal.Name, kept: a.kept, card: a.card,
		act: &acting{grant: g, parent: a, tokens: map[string]cachedToken{}}}
}

// ActingAs is who this account acts as, as data for the plan
// (procedures.Plan.MayFile, Limit): oneself, or the principal and their
// grant.
func (a *Account) ActingAs() procedures.Acting {
	if a.act == nil {
		return procedures.Acting{}
	}
	g := a.act.grant
	return procedures.Acting{Principal: a.Name(), Grant: &g}
}

// registryURL is the proxy registry (the profile's "proxy" service, else
// the issuer).
func (a *Account) registryURL() string {
	p := a.Profile()
	if u := p.Services["proxy"]; u != "" {
		return strings.TrimRight(u, "/")
	}
	return strings.TrimRight(p.Issuer, "/")
}

// registry calls the proxy registry with the person's own sign-in.
func (a *Account) registry(ctx context.Context, method, path string, in, out any) error {
	own := a.Own()
	at, err := own.AccessToken(ctx)
	if err != nil {
		return err
	}
	hc, err := own.Profile().HTTPClient()
	if err != nil {
		return err
	}
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, own.registryURL()+path, body)
	if err != nil {
		return &failure.Error{Code: CodeRegistry, Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+at)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return &failure.Error{Code: CodeRegistry, Err: err}
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		var e proxy.Error
		_ = json.Unmarshal(b, &e)
		if c := failure.Code(e.Code); strings.HasPrefix(e.Code, "PROXY-") && failure.IsRegistered(c) {
			return failure.Newf(c, "registry: HTTP %d: %s", resp.StatusCode, e.Description)
		}
		return failure.Newf(CodeRegistry, "registry: HTTP %d %s: %s", resp.StatusCode, e.Code, e.Description)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return &failure.Error{Code: CodeRegistry, Err: err}
	}
	return nil
}

// Invite creates a grant for someone to act for this person, bound when
// they redeem the returned one-time code with their own card.
func (a *Account) Invite(ctx context.Context, r proxy.InviteRequest) (proxy.Invitation, error) {
	var inv proxy.Invitation
	return inv, a.registry(ctx, http.MethodPost, proxy.InvitationsPath, r, &inv)
}

// Accept redeems an invitation code: this person becomes the proxy.
func (a *Account) Accept(ctx context.Context, code string) (proxy.Grant, error) {
	var g proxy.Grant
	return g, a.registry(ctx, http.MethodPost, proxy.RedeemPath, proxy.RedeemRequest{Code: code}, &g)
}

// Grants lists this person's relations both ways. What the person kept
// while acting for someone whose grant has ended (revoked, expired) is
// forgotten here: their certificates, drafts and disclosure log.
func (a *Account) Grants(ctx context.Context) (proxy.Grants, error) {
	var gs proxy.Grants
	if err := a.registry(ctx, http.MethodGet, proxy.GrantsPath, nil, &gs); err != nil {
		return gs, err
	}
	own := a.Own()
	for _, g := range gs.IActFor {
		if g.Status == proxy.StatusRevoked || g.Status == proxy.StatusExpired {
			st, err := own.sealed()
			if err != nil {
				return gs, err
			}
			if err := st.Forget(ctx, actingID(own.Profile().ID, g.Principal.Subject, own.Subject())); err != nil {
				return gs, err
			}
		}
	}
	return gs, nil
}

// RevokeGrant ends a grant at once.
func (a *Account) RevokeGrant(ctx context.Context, id string) (proxy.Grant, error) {
	var g proxy.Grant
	return g, a.registry(ctx, http.MethodPost, proxy.GrantsPath+"/"+id+"/revoke", struct{}{}, &g)
}

// ConfirmGrant confirms a grant again (after a card renewal or protection).
func (a *Account) ConfirmGrant(ctx context.Context, id string) (proxy.Grant, error) {
	var g proxy.Grant
	return g, a.registry(ctx, http.MethodPost, proxy.GrantsPath+"/"+id+"/confirm", struct{}{}, &g)
}

// ProxyAudit is everything done on this person's behalf, newest first.
func (a *Account) ProxyAudit(ctx context.Context) ([]proxy.AuditEntry, error) {
	var es []proxy.AuditEntry
	return es, a.registry(ctx, http.MethodGet, proxy.AuditPath, nil, &es)
}

// CardID names a card by its authentication certificate (DER): the same
// card, the same name; read without a PIN.
func CardID(der []byte) string {
	h := sha256.Sum256(der)
	return hex.EncodeToString(h[:])
}

// checkCard: the card in the reader must be the one the person signed in
// with (when known) — a proxy signs with their own card, never the
// principal's. The certificate is read without a PIN, before any is asked.
func (a *Account) checkCard(ctx context.Context, run card.Runner) error {
	if a.card == "" {
		return nil
	}
	var cert *x509.Certificate
	if err := run(func(s *card.Session) error {
		var err error
		cert, err = s.ReadCertificate(ctx, card.CertAuth)
		return err
	}); err != nil {
		return err
	}
	if CardID(cert.Raw) != a.card {
		return failure.New(CodeCardMismatch, fmt.Sprintf("card %s… is not the signed-in person's", CardID(cert.Raw)[:8])).With("Name", a.Own().Name())
	}
	return nil
}
