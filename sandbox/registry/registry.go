// Package registry owns the sandbox municipality's proxy registry: a
// principal, signed in with their own card, grants a proxy scopes (which
// certificates, which procedures to prepare or file, status) until an end
// date; the proxy binds the grant by redeeming a one-time invitation code
// while signed in with their own card; both list the relation; the
// principal revokes alone, at once. The provider asks it (idp.Delegations)
// before a token exchange, and every service re-checks the grant on every
// request: a revoked or expired grant, a card renewed or re-issued since
// the principal last confirmed, a suspended card, or protection (支援措置)
// begun since then all stop the proxy until the principal acts. Every act,
// allowed or refused, goes to the principal's audit trail.
package registry

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver

	"madoguchi/i18n/failure"
	"madoguchi/protocol/proxy"
	"madoguchi/sandbox/idp"
)

// Audience is the registry's own: only a person's own sign-in reaches it
// (a token acting for someone is meant for another service, so it is
// refused: a proxy cannot pass acting on).
const Audience = "urn:madoguchi:service:proxy"

// MaxWrongCodes is how many wrong invitation codes a person may try in an
// hour.
const MaxWrongCodes = 10

// Registry is the proxy registry's database and handlers.
type Registry struct {
	db  *sql.DB
	srv *idp.Server
	now func() time.Time
}

// grant is the registry's record; residents, never subjects.
type grant struct {
	ID            string    `json:"id"`
	Principal     string    `json:"principal"`
	Proxy         string    `json:"proxy,omitempty"`
	Scopes        []string  `json:"scopes"`
	Note          string    `json:"note,omitempty"`
	Created       time.Time `json:"created"`
	Expires       time.Time `json:"expires"`
	Accepted      bool      `json:"accepted"`
	Revoked       bool      `json:"revoked"`
	PrincipalCard string    `json:"principal_card"`
	ProxyCard     string    `json:"proxy_card,omitempty"`
	Confirmed     time.Time `json:"confirmed"`
}

// Mount opens the registry beside the provider and serves it
// (idp.Config.Mount).
func Mount(s *idp.Server, mux *http.ServeMux) error { return MountWith(nil)(s, mux) }

// MountWith is Mount handing the registry to got (tests: its clock).
func MountWith(got func(*Registry)) func(*idp.Server, *http.ServeMux) error {
	return func(s *idp.Server, mux *http.ServeMux) error { return mount(s, mux, got) }
}

func mount(s *idp.Server, mux *http.ServeMux, got func(*Registry)) error {
	r, err := Open(s)
	if err != nil {
		return err
	}
	if got != nil {
		got(r)
	}
	go func() { <-s.Done(); r.db.Close() }()
	s.SetDelegations(r)
	mux.HandleFunc("POST "+proxy.InvitationsPath, r.invite)
	mux.HandleFunc("POST "+proxy.RedeemPath, r.redeem)
	mux.HandleFunc("GET "+proxy.GrantsPath, r.list)
	mux.HandleFunc("POST "+proxy.GrantsPath+"/{id}/revoke", r.revoke)
	mux.HandleFunc("POST "+proxy.GrantsPath+"/{id}/confirm", r.confirm)
	mux.HandleFunc("GET "+proxy.AuditPath, r.audit)
	return nil
}

// Open opens (or creates) the registry database in the provider's data folder.
func Open(s *idp.Server) (*Registry, error) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(s.DataDir, "proxy.db")+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS grants (id TEXT PRIMARY KEY, principal TEXT NOT NULL, proxy TEXT NOT NULL DEFAULT '', data BLOB NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS invitations (code TEXT PRIMARY KEY, grant_id TEXT NOT NULL, expires INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0)`,
		`CREATE TABLE IF NOT EXISTS attempts (resident TEXT NOT NULL, at INTEGER NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, principal TEXT NOT NULL, grant_id TEXT NOT NULL,
			actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL, allowed INTEGER NOT NULL, code TEXT NOT NULL, at INTEGER NOT NULL)`,
	} {
		if _, err := db.Exec(q); err != nil {
			db.Close()
			return nil, fmt.Errorf("registry: schema: %w", err)
		}
	}
	return &Registry{db: db, srv: s, now: time.Now}, nil
}

// SetClock sets the registry's clock (tests: expiry).
func (r *Registry) SetClock(now func() time.Time) { r.now = now }

func (r *Registry) get(ctx context.Context, id string) (*grant, error) {
	var b []byte
	if err := r.db.QueryRowContext(ctx, `SELECT data FROM grants WHERE id=?`, id).Scan(&b); err != nil {
		return nil, failure.New(proxy.CodeNoGrant, "no grant "+id)
	}
	var g grant
	return &g, json.Unmarshal(b, &g)
}

func (r *Registry) put(ctx context.Context, g *grant) error {
	b, _ := json.Marshal(g)
	_, err := r.db.ExecContext(ctx, `INSERT INTO grants(id, principal, proxy, data) VALUES(?,?,?,?)
		ON CONFLICT(id) DO UPDATE SET proxy=excluded.proxy, data=excluded.data`, g.ID, g.Principal, g.Proxy, b)
	return err
}

// status is the grant's status now, from its record and both residents'
// standing.
func (r *Registry) status(ctx context.Context, g *grant) string {
	switch {
	case g.Revoked:
		return proxy.StatusRevoked
	case !r.now().Before(g.Expires):
		return proxy.StatusExpired
	case !g.Accepted:
		return proxy.StatusPending
	}
	p, perr := r.srv.StandingOf(ctx, g.Principal)
	q, qerr := r.srv.StandingOf(ctx, g.Proxy)
	switch {
	case perr != nil || qerr != nil:
		return proxy.StatusSuspended
	case p.Suspended || q.Suspended:
		return proxy.StatusSuspended
	case p.Card != g.PrincipalCard || q.Card != g.ProxyCard:
		return proxy.StatusNeedsConfirmation
	case p.Protected && p.Changed.After(g.Confirmed):
		// protection began after the principal last confirmed: a proxy
		// may be the person they are protected from
		return proxy.StatusNeedsConfirmation
	}
	return proxy.StatusActive
}

// Delegate implements idp.Delegations: the newest active grant between the
// two; refused, the newest grant between them that refuses (the refusal
// goes to the principal's trail under it).
func (r *Registry) Delegate(ctx context.Context, principal, proxyResident string) (string, []string, time.Time, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT id FROM grants WHERE principal=? AND proxy=? ORDER BY rowid DESC`, principal, proxyResident)
	if err != nil {
		return "", nil, time.Time{}, err
	}
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	var first error
	var refusing string
	for _, id := range ids {
		g, err := r.get(ctx, id)
		if err != nil {
			continue
		}
		if st := r.status(ctx, g); st == proxy.StatusActive {
			return g.ID, g.Scopes, g.Expires, nil
		} else if first == nil {
			first, refusing = failure.Newf(proxy.StatusCode(st), "grant %s is %s", g.ID, st), g.ID
		}
	}
	if first == nil {
		first = failure.New(proxy.CodeNoGrant, "no grant between these two people")
	}
	return refusing, nil, time.Time{}, first
}

// Check implements idp.Delegations.
func (r *Registry) Check(ctx context.Context, id string) error {
	g, err := r.get(ctx, id)
	if err != nil {
		return err
	}
	if st := r.status(ctx, g); st != proxy.StatusActive {
		return failure.Newf(proxy.StatusCode(st), "grant %s is %s", id, st)
	}
	return nil
}

// Record implements idp.Delegations.
// What happens to tokens rather than acts — acting began ("exchange"), or a
// token refused ("exchange", "use") — is written once an hour per actor,
// grant, scopes and answer: the app renews its 5-minute tokens and polls
// the status, and a long session (or a window still acting after the grant
// ended) would bury the acts in repeats. Every act itself, allowed or
// refused, is written, and so is the first of each token refusal.
func (r *Registry) Record(ctx context.Context, principal, actor, grantID, action, detail string, err error) {
	allowed := 0
	if err == nil {
		allowed = 1
	}
	code := string(failure.CodeOf(err))
	if action == "exchange" || action == "use" {
		var n int
		r.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit WHERE principal=? AND actor=? AND grant_id=? AND action=? AND detail=? AND allowed=? AND code=? AND at > ?`,
			principal, actor, grantID, action, detail, allowed, code, r.now().Add(-time.Hour).Unix()).Scan(&n)
		if n > 0 {
			return
		}
	}
	_, _ = r.db.ExecContext(ctx, `INSERT INTO audit(principal, grant_id, actor, action, detail, allowed, code, at) VALUES(?,?,?,?,?,?,?,?)`,
		principal, grantID, actor, action, detail, allowed, code, r.now().Unix())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func refuse(w http.ResponseWriter, status int, code failure.Code, desc string) {
	writeJSON(w, status, proxy.Error{Code: string(code), Description: desc})
}

// person checks the bearer token: a person's own sign-in with the proxy
// scope (a token acting for someone is not for this service).
func (r *Registry) person(w http.ResponseWriter, req *http.Request) (*idp.TokenInfo, bool) {
	raw, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="proxy"`)
		refuse(w, http.StatusUnauthorized, "invalid_token", "bearer token required")
		return nil, false
	}
	ti, err := r.srv.CheckAccessToken(req.Context(), raw, Audience)
	if c := failure.CodeOf(err); c != "" {
		if c == proxy.CodeAudience {
			c = proxy.CodeChain // acting for someone, at the registry
		}
		refuse(w, http.StatusForbidden, c, err.Error())
		return nil, false
	}
	if err != nil {
		refuse(w, http.StatusUnauthorized, "invalid_token", err.Error())
		return nil, false
	}
	if !slices.Contains(ti.Scopes, proxy.Scope) {
		refuse(w, http.StatusForbidden, "insufficient_scope", "the proxy scope is required")
		return nil, false
	}
	return ti, true
}

// hashCode keys an invitation by its code as a person may type it: any
// case, with or without dashes and spaces, 0/1/8 read as O/I/B (base32 has
// no such digits).
func hashCode(code string) string {
	norm := strings.NewReplacer("-", "", " ", "", "　", "", "0", "O", "1", "I", "8", "B").Replace(strings.ToUpper(code))
	h := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(h[:])
}

// newCode is a one-time code people can read out and type: 12 letters and
// digits of base32 (60 bits), in groups of four.
func newCode() string {
	b := make([]byte, 8)
	rand.Read(b)
	s := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)[:12]
	return s[:4] + "-" + s[4:8] + "-" + s[8:]
}

func (r *Registry) invite(w http.ResponseWriter, req *http.Request) {
	ti, ok := r.person(w, req)
	if !ok {
		return
	}
	var in proxy.InviteRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, req.Body, 16<<10)).Decode(&in); err != nil {
		refuse(w, http.StatusBadRequest, proxy.CodeBadScope, "a JSON invitation request is required")
		return
	}
	if len(in.Scopes) == 0 {
		refuse(w, http.StatusBadRequest, proxy.CodeBadScope, "a grant needs at least one scope")
		return
	}
	for _, s := range in.Scopes {
		if !proxy.ValidScope(s) {
			refuse(w, http.StatusBadRequest, proxy.CodeBadScope, "unknown scope "+s)
			return
		}
	}
	now := r.now()
	if in.Expires.IsZero() {
		in.Expires = now.Add(proxy.DefaultGrantValidity)
	}
	if !in.Expires.After(now) || in.Expires.After(now.Add(proxy.MaxGrantValidity)) {
		refuse(w, http.StatusBadRequest, proxy.CodeBadScope, "the end must be in the future and within three years")
		return
	}
	if len([]rune(in.Note)) > 200 {
		refuse(w, http.StatusBadRequest, proxy.CodeBadScope, "the note is limited to 200 characters")
		return
	}
	st, err := r.srv.StandingOf(req.Context(), ti.ResidentID)
	if err != nil {
		refuse(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	g := &grant{ID: "G-" + strings.ToLower(newCode()), Principal: ti.ResidentID, Scopes: slices.Compact(slices.Sorted(slices.Values(in.Scopes))),
		Note: in.Note, Created: now, Expires: in.Expires.UTC().Truncate(time.Second), PrincipalCard: st.Card, Confirmed: now}
	code := newCode()
	exp := now.Add(proxy.InvitationValidity)
	if err := r.put(req.Context(), g); err != nil {
		refuse(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	if _, err := r.db.ExecContext(req.Context(), `INSERT INTO invitations(code, grant_id, expires) VALUES(?,?,?)`, hashCode(code), g.ID, exp.Unix()); err != nil {
		refuse(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	r.Record(req.Context(), g.Principal, g.Principal, g.ID, "invite", strings.Join(g.Scopes, " "), nil)
	writeJSON(w, http.StatusCreated, proxy.Invitation{Code: code, Expires: exp, Grant: r.wire(req.Context(), g, ti.ClientID)})
}

// redeem binds the grant to the proxy: once, before the invitation ends,
// never by the principal. Unknown, used and expired codes get one answer.
func (r *Registry) redeem(w http.ResponseWriter, req *http.Request) {
	ti, ok := r.person(w, req)
	if !ok {
		return
	}
	var in proxy.RedeemRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, req.Body, 4<<10)).Decode(&in); err != nil || in.Code == "" {
		refuse(w, http.StatusBadRequest, proxy.CodeInvitationInvalid, "an invitation code is required")
		return
	}
	ctx := req.Context()
	// codes are 60 bits and live 72 hours; a person gets MaxWrongCodes
	// wrong ones an hour all the same
	var wrong int
	r.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM attempts WHERE resident=? AND at > ?`, ti.ResidentID, r.now().Add(-time.Hour).Unix()).Scan(&wrong)
	if wrong >= MaxWrongCodes {
		refuse(w, http.StatusTooManyRequests, proxy.CodeInvitationTries, "too many wrong codes in the last hour")
		return
	}
	invalid := func() {
		_, _ = r.db.ExecContext(ctx, `INSERT INTO attempts(resident, at) VALUES(?,?)`, ti.ResidentID, r.now().Unix())
		refuse(w, http.StatusNotFound, proxy.CodeInvitationInvalid, "unknown, expired or already used")
	}
	var gid string
	var exp int64
	var used int
	if err := r.db.QueryRowContext(ctx, `SELECT grant_id, expires, used FROM invitations WHERE code=?`, hashCode(in.Code)).Scan(&gid, &exp, &used); err != nil {
		invalid()
		return
	}
	g, err := r.get(ctx, gid)
	if err != nil || used != 0 || r.now().Unix() >= exp || g.Revoked {
		invalid()
		return
	}
	// protection begun after the invitation voids it: whoever holds the
	// code learns nothing (the same answer as an unknown code)
	if st, err := r.srv.StandingOf(ctx, g.Principal); err != nil || (st.Protected && st.Changed.After(g.Created)) {
		invalid()
		return
	}
	if g.Principal == ti.ResidentID {
		refuse(w, http.StatusBadRequest, proxy.CodeSelf, "you cannot be your own proxy; give the code to the person who will act for you")
		return
	}
	res, err := r.db.ExecContext(ctx, `UPDATE invitations SET used=1 WHERE code=? AND used=0`, hashCode(in.Code))
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		invalid()
		return
	}
	st, err := r.srv.StandingOf(ctx, ti.ResidentID)
	if err != nil {
		refuse(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	g.Proxy, g.ProxyCard, g.Accepted = ti.ResidentID, st.Card, true
	if err := r.put(ctx, g); err != nil {
		refuse(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	r.Record(ctx, g.Principal, g.Proxy, g.ID, "accept", "", nil)
	writeJSON(w, http.StatusOK, r.wire(ctx, g, ti.ClientID))
}

// wire is the grant as a party sees it: subjects at their client, names.
func (r *Registry) wire(ctx context.Context, g *grant, clientID string) proxy.Grant {
	party := func(res string) proxy.Party {
		if res == "" {
			return proxy.Party{}
		}
		p := proxy.Party{Subject: r.srv.SubjectOf(res, clientID)}
		if rr, err := r.srv.Resident(ctx, res); err == nil {
			p.Name = rr.Name
		}
		return p
	}
	return proxy.Grant{ID: g.ID, Principal: party(g.Principal), Proxy: party(g.Proxy), Scopes: g.Scopes, Note: g.Note,
		Created: g.Created, Expires: g.Expires, Status: r.status(ctx, g)}
}

func (r *Registry) grantsWhere(ctx context.Context, where, resident, clientID string) ([]proxy.Grant, error) {
	rows, err := r.db.QueryContext(ctx, `SELECT data FROM grants WHERE `+where+` ORDER BY rowid`, resident)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []proxy.Grant{}
	var gs []*grant
	for rows.Next() {
		var b []byte
		var g grant
		if err := rows.Scan(&b); err != nil || json.Unmarshal(b, &g) != nil {
			continue
		}
		gs = append(gs, &g)
	}
	rows.Close()
	for _, g := range gs {
		out = append(out, r.wire(ctx, g, clientID))
	}
	return out, nil
}

func (r *Registry) list(w http.ResponseWriter, req *http.Request) {
	ti, ok := r.person(w, req)
	if !ok {
		return
	}
	ctx := req.Context()
	mine, err := r.grantsWhere(ctx, "principal=?", ti.ResidentID, ti.ClientID)
	if err != nil {
		refuse(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	// a proxy sees only the grants they accepted
	theirs, err := r.grantsWhere(ctx, "proxy=?", ti.ResidentID, ti.ClientID)
	if err != nil {
		refuse(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	writeJSON(w, http.StatusOK, proxy.Grants{ActForMe: mine, IActFor: theirs})
}

// partyTo is the grant the path names, when the person is one of its two
// sides (anyone else is told there is none).
func (r *Registry) partyTo(w http.ResponseWriter, req *http.Request, ti *idp.TokenInfo) (*grant, bool) {
	g, err := r.get(req.Context(), req.PathValue("id"))
	if err != nil || (g.Principal != ti.ResidentID && g.Proxy != ti.ResidentID) {
		refuse(w, http.StatusNotFound, proxy.CodeNoGrant, "no such grant of yours")
		return nil, false
	}
	return g, true
}

// revoke ends a grant at once: the principal alone decides (the proxy may
// also give it up); tokens already exchanged under it are refused from the
// next request on.
func (r *Registry) revoke(w http.ResponseWriter, req *http.Request) {
	ti, ok := r.person(w, req)
	if !ok {
		return
	}
	ctx := req.Context()
	g, ok := r.partyTo(w, req, ti)
	if !ok {
		return
	}
	if !g.Revoked {
		g.Revoked = true
		if err := r.put(ctx, g); err != nil {
			refuse(w, http.StatusInternalServerError, "server_error", "")
			return
		}
		_, _ = r.db.ExecContext(ctx, `UPDATE invitations SET used=1 WHERE grant_id=?`, g.ID)
		// tokens already exchanged under it stay on record only so that
		// the services can say why they refuse them: every request checks
		// the grant
		r.Record(ctx, g.Principal, ti.ResidentID, g.ID, "revoke", "", nil)
	}
	writeJSON(w, http.StatusOK, r.wire(ctx, g, ti.ClientID))
}

// confirm: the principal confirms a grant again after a card renewal or
// re-issue (of either side) or after protection began; it binds the cards
// in use now. A suspended card cannot be confirmed away.
func (r *Registry) confirm(w http.ResponseWriter, req *http.Request) {
	ti, ok := r.person(w, req)
	if !ok {
		return
	}
	ctx := req.Context()
	g, ok := r.partyTo(w, req, ti)
	if !ok {
		return
	}
	if g.Principal != ti.ResidentID {
		refuse(w, http.StatusForbidden, proxy.CodeNotPrincipal, "only the person who granted it can confirm it")
		return
	}
	if st := r.status(ctx, g); st != proxy.StatusNeedsConfirmation && st != proxy.StatusActive {
		refuse(w, http.StatusConflict, proxy.StatusCode(st), "this grant is "+st)
		return
	}
	if err := r.bindCards(ctx, g); err != nil {
		refuse(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	if err := r.put(ctx, g); err != nil {
		refuse(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	r.Record(ctx, g.Principal, g.Principal, g.ID, "confirm", "", nil)
	writeJSON(w, http.StatusOK, r.wire(ctx, g, ti.ClientID))
}

// bindCards binds the grant to both sides' cards in use now: the principal
// confirms it as it stands.
func (r *Registry) bindCards(ctx context.Context, g *grant) error {
	p, err1 := r.srv.StandingOf(ctx, g.Principal)
	q, err2 := r.srv.StandingOf(ctx, g.Proxy)
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	g.PrincipalCard, g.ProxyCard, g.Confirmed = p.Card, q.Card, r.now()
	return nil
}

// audit is the principal's trail: every act on their behalf, allowed or
// refused, newest first.
func (r *Registry) audit(w http.ResponseWriter, req *http.Request) {
	ti, ok := r.person(w, req)
	if !ok {
		return
	}
	ctx := req.Context()
	rows, err := r.db.QueryContext(ctx, `SELECT grant_id, actor, action, detail, allowed, code, at FROM audit WHERE principal=? ORDER BY seq DESC LIMIT 500`, ti.ResidentID)
	if err != nil {
		refuse(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	type row struct {
		e     proxy.AuditEntry
		actor string
	}
	var rs []row
	for rows.Next() {
		var x row
		var at int64
		var allowed int
		if err := rows.Scan(&x.e.Grant, &x.actor, &x.e.Action, &x.e.Detail, &allowed, &x.e.Code, &at); err != nil {
			continue
		}
		x.e.Allowed, x.e.At = allowed == 1, time.Unix(at, 0)
		rs = append(rs, x)
	}
	rows.Close()
	out := []proxy.AuditEntry{}
	for _, x := range rs {
		x.e.Actor = proxy.Party{Subject: r.srv.SubjectOf(x.actor, ti.ClientID)}
		if rr, err := r.srv.Resident(ctx, x.actor); err == nil {
			x.e.Actor.Name = rr.Name
		}
		out = append(out, x.e)
	}
	writeJSON(w, http.StatusOK, out)
}

// Seed registers an accepted grant from principal to proxy (residents)
// bound to their cards now, unless one between them exists: the demo's
// family (佐藤ハナ and her son) starts registered.
func (r *Registry) Seed(ctx context.Context, principal, proxyResident string, scopes []string, note string) error {
	var n int
	if err := r.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM grants WHERE principal=? AND proxy=?`, principal, proxyResident).Scan(&n); err != nil || n > 0 {
		return err
	}
	now := r.now()
	g := &grant{ID: "G-" + strings.ToLower(newCode()), Principal: principal, Proxy: proxyResident, Scopes: scopes, Note: note,
		Created: now, Expires: now.Add(proxy.DefaultGrantValidity).UTC().Truncate(time.Second), Accepted: true}
	if err := r.bindCards(ctx, g); err != nil {
		return err
	}
	return r.put(ctx, g)
}
