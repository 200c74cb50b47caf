// Package intake owns the sandbox municipality's application intake: it
// takes application bundles (protocol/bundle) from signed-in residents
// (access token with the "applications" scope), verifies the JWS, the
// signature certificate chain to the sandbox JPKI signature CA, its
// validity and revocation (the CA's CRL, and the certificates the sandbox
// revoked because an address changed), files each procedure once — the
// bundle id is the idempotency key — and issues one receipt per procedure.
// It enforces on its own when each procedure is taken online and what a
// field can plausibly hold (rules.go). A correction or withdrawal refers to
// an earlier receipt of the same resident and procedure, which it
// supersedes or withdraws in the same step as it is filed.
// Receipts move through statuses (received → in review → needs information
// → completed / rejected; superseded and withdrawn only by a later
// application), each change audited; staff are simulated by
// `madoguchi sandbox admin set-status`, and in the demo by a timer.
package intake

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver

	"madoguchi/i18n/failure"
	"madoguchi/protocol/bundle"
	"madoguchi/protocol/proxy"
	"madoguchi/protocol/sdjwt"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/idp"
	"madoguchi/sandbox/issuer"
)

// Online lists the procedures this municipality takes online, in a bundle.
var Online = []string{"moving-out-notice", "nhi-loss", "child-allowance-end", "nhi-enrol", "pension-category-change",
	"child-allowance-claim", "daycare-application"}

// OwnSignature lists the procedures the law has the person sign themselves
// (a claim of their own entitlement): a registered proxy may prepare them,
// but a bundle for them signed by the proxy is refused.
var OwnSignature = []string{"child-allowance-claim", "pension-category-change"}

// Options tune the intake.
type Options struct {
	// Advance, when set, moves each receipt on by itself (the demo): to in
	// review after Advance, completed Complete after that (Advance when
	// Complete is unset). A correction is accepted until completion, so the
	// demo keeps Complete long enough for a person to make one.
	Advance  time.Duration
	Complete time.Duration
	// Now is the clock (tests).
	Now func() time.Time
}

// Mount is the intake with default options (idp.Config.Mount).
func Mount(s *idp.Server, mux *http.ServeMux) error { return MountWith(Options{})(s, mux) }

// MountWith returns a mount function with options.
func MountWith(o Options) func(*idp.Server, *http.ServeMux) error {
	return func(s *idp.Server, mux *http.ServeMux) error {
		in, err := Open(s.DataDir)
		if err != nil {
			return err
		}
		if o.Now != nil {
			in.now = o.Now
		}
		ca, err := fixtures.LoadCA()
		if err != nil {
			return err
		}
		if in.signCA, err = x509.ParseCertificate(ca.SignCACert); err != nil {
			return err
		}
		if in.crl, err = x509.ParseRevocationList(ca.SignCRL); err != nil {
			return err
		}
		in.srv = s
		if in.signers, err = fixtureSigners(); err != nil {
			return err
		}
		go func() { <-s.Done(); in.Close() }()
		mux.HandleFunc("POST "+bundle.ApplicationsPath, in.submit)
		mux.HandleFunc("GET "+bundle.ApplicationsPath, in.list)
		if o.Advance > 0 {
			complete := o.Complete
			if complete <= 0 {
				complete = o.Advance
			}
			go in.advance(o.Advance, complete, s)
		}
		return nil
	}
}

// Intake is the intake's database.
type Intake struct {
	db     *sql.DB
	srv    *idp.Server
	signCA *x509.Certificate
	crl    *x509.RevocationList
	now    func() time.Time
	// signers maps a signature certificate's serial to its resident
	signers map[string]string
	mu      sync.Mutex // one submission at a time: the idempotency check and the filing are one step
}

// Open opens (or creates) the intake database in the sandbox data folder —
// also for `sandbox admin`, beside a running sandbox.
func Open(dataDir string) (*Intake, error) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dataDir, "intake.db")+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)")
	if err != nil {
		return nil, err
	}
	for _, q := range []string{
		`CREATE TABLE IF NOT EXISTS bundles (id TEXT PRIMARY KEY, subject TEXT NOT NULL, sha256 TEXT NOT NULL, signer_serial TEXT NOT NULL, received INTEGER NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS receipts (number TEXT PRIMARY KEY, bundle TEXT NOT NULL, subject TEXT NOT NULL, procedure TEXT NOT NULL,
			status TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', fields TEXT NOT NULL, updated INTEGER NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, receipt TEXT NOT NULL, status TEXT NOT NULL, note TEXT NOT NULL, at INTEGER NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS revoked (serial TEXT PRIMARY KEY, reason TEXT NOT NULL, at INTEGER NOT NULL)`,
	} {
		if _, err := db.Exec(q); err != nil {
			db.Close()
			return nil, fmt.Errorf("intake: schema: %w", err)
		}
	}
	// columns added since the first version: an older intake.db gets them
	// (empty) when it is opened
	for _, c := range [][2]string{{"kind", "TEXT NOT NULL DEFAULT ''"}, {"corrects", "TEXT NOT NULL DEFAULT ''"}, {"corrected_by", "TEXT NOT NULL DEFAULT ''"}} {
		if err := addColumn(db, "receipts", c[0], c[1]); err != nil {
			db.Close()
			return nil, fmt.Errorf("intake: schema: %w", err)
		}
	}
	return &Intake{db: db, now: time.Now}, nil
}

// addColumn adds a column to a table that lacks it (also when another
// process, e.g. `sandbox admin` beside the sandbox, added it meanwhile).
func addColumn(db *sql.DB, table, column, decl string) error {
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM pragma_table_info(?) WHERE name=?`, table, column).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	_, err := db.Exec(`ALTER TABLE ` + table + ` ADD COLUMN ` + column + ` ` + decl)
	if err != nil && strings.Contains(err.Error(), "duplicate column name") {
		return nil
	}
	return err
}

// Close closes the database.
func (in *Intake) Close() error { return in.db.Close() }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func refuse(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, bundle.Error{Code: code, Description: desc})
}

// token checks the bearer token: a person's own with the applications
// scope, or one acting for them under a grant meant for this service (the
// grant is checked again now; each act is checked against it).
func (in *Intake) token(w http.ResponseWriter, r *http.Request) (*idp.TokenInfo, bool) {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="applications"`)
		refuse(w, http.StatusUnauthorized, "invalid_token", "bearer token required")
		return nil, false
	}
	ti, err := in.srv.CheckAccessToken(r.Context(), raw, proxy.AudienceApplications)
	if c := failure.CodeOf(err); c != "" {
		refuse(w, http.StatusForbidden, string(c), err.Error())
		return nil, false
	}
	if err != nil {
		refuse(w, http.StatusUnauthorized, "invalid_token", err.Error())
		return nil, false
	}
	if !ti.Acting() && !slices.Contains(ti.Scopes, bundle.Scope) {
		refuse(w, http.StatusForbidden, "insufficient_scope", "the applications scope is required")
		return nil, false
	}
	return ti, true
}

// fixtureSigners maps the sandbox residents' signature certificates to them.
func fixtureSigners() (map[string]string, error) {
	rs, err := fixtures.Residents()
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, r := range rs {
		k, err := r.Keys()
		if err != nil {
			return nil, err
		}
		if k.SignCert == nil {
			continue
		}
		c, err := x509.ParseCertificate(k.SignCert)
		if err != nil {
			return nil, err
		}
		m[c.SerialNumber.Text(16)] = idp.ResidentID(r.ID)
	}
	return m, nil
}

// checkActor checks who signed and for whom: a person's own bundle is
// signed by them; a proxy's names the proxy, is signed by the proxy (or the
// principal), is within the grant's procedures, and leaves the procedures
// the law has the principal sign to the principal.
func (in *Intake) checkActor(ctx context.Context, ti *idp.TokenInfo, s *bundle.Signed) (int, string, string) {
	signer, known := in.signers[s.Chain[0].SerialNumber.Text(16)]
	b := s.Bundle
	if !ti.Acting() {
		if b.Actor != "" || (known && signer != ti.ResidentID) {
			return http.StatusForbidden, string(bundle.CodeNotYours), "signed by someone else"
		}
		return 0, "", ""
	}
	if b.Actor != ti.Actor || (known && signer != ti.ActorResident && signer != ti.ResidentID) || !known {
		err := failure.New(bundle.CodeNotYours, "the bundle must name and be signed by the proxy acting")
		in.srv.Refuse(ctx, ti, "file", b.ID, err)
		return http.StatusForbidden, string(bundle.CodeNotYours), err.Detail
	}
	for _, a := range b.Applications {
		if signer != ti.ResidentID && slices.Contains(OwnSignature, a.Procedure) {
			err := failure.New(proxy.CodeOwnSignature, a.Procedure+" needs the principal's own signature")
			in.srv.Refuse(ctx, ti, proxy.FileScope(a.Procedure), b.ID, err)
			return http.StatusForbidden, string(proxy.CodeOwnSignature), err.Detail
		}
		if !slices.Contains(ti.Scopes, proxy.FileScope(a.Procedure)) {
			err := failure.New(proxy.CodeNotGranted, "the grant does not cover filing "+a.Procedure)
			in.srv.Refuse(ctx, ti, proxy.FileScope(a.Procedure), b.ID, err)
			return http.StatusForbidden, string(proxy.CodeNotGranted), err.Detail
		}
	}
	return 0, "", ""
}

func (in *Intake) submit(w http.ResponseWriter, r *http.Request) {
	ti, ok := in.token(w, r)
	if !ok {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4<<20))
	if err != nil {
		refuse(w, http.StatusRequestEntityTooLarge, string(bundle.CodeMalformed), "bundle over 4 MiB")
		return
	}
	signed, err := bundle.Parse(strings.TrimSpace(string(body)))
	if err != nil {
		refuse(w, http.StatusBadRequest, codeOf(err, bundle.CodeMalformed), err.Error())
		return
	}
	b := signed.Bundle
	if r.Header.Get(bundle.IdempotencyHeader) != b.ID {
		refuse(w, http.StatusBadRequest, string(bundle.CodeMalformed), "the Idempotency-Key header must be the bundle id")
		return
	}
	if b.Subject != ti.Subject || b.Municipality != in.srv.Issuer {
		refuse(w, http.StatusForbidden, string(bundle.CodeNotYours), "signed for another resident or municipality")
		return
	}
	if code, desc := in.checkSigner(r.Context(), signed.Chain); code != "" {
		refuse(w, http.StatusForbidden, code, desc)
		return
	}
	if status, code, desc := in.checkActor(r.Context(), ti, signed); code != "" {
		refuse(w, status, code, desc)
		return
	}
	for _, a := range b.Applications {
		if !slices.Contains(Online, a.Procedure) {
			refuse(w, http.StatusUnprocessableEntity, string(bundle.CodeUnknownForm), a.Procedure+" is not taken online")
			return
		}
	}
	if !in.seen(r.Context(), signed) {
		// attached certificates: issued by this municipality, bound to
		// this bundle (nonce: its id; audience: this municipality)
		keys, err := issuer.Keys(in.srv)
		if err != nil {
			refuse(w, http.StatusInternalServerError, "server_error", "")
			return
		}
		for _, p := range b.Presentations {
			if _, err := sdjwt.VerifyPresentation(p, sdjwt.Policy{Issuer: in.srv.Issuer, Keys: keys, Now: in.now()},
				b.ID, in.srv.Issuer, 24*time.Hour, nil); err != nil {
				refuse(w, http.StatusUnprocessableEntity, string(bundle.CodePresentations), err.Error())
				return
			}
		}
	}
	res, status, err := in.file(r.Context(), signed)
	if err != nil {
		refuse(w, status, codeOf(err, bundle.CodeSubmit), describe(err))
		return
	}
	for _, a := range b.Applications {
		in.srv.Act(r.Context(), ti, proxy.FileScope(a.Procedure), a.Procedure)
	}
	writeJSON(w, status, res)
}

// checkSigner checks the signing certificate: issued by the sandbox's JPKI
// signature CA, valid now, not revoked (CRL, or revoked here because the
// resident's address changed).
func (in *Intake) checkSigner(ctx context.Context, chain []*x509.Certificate) (code, desc string) {
	cert := chain[0]
	roots := x509.NewCertPool()
	roots.AddCert(in.signCA)
	now := in.now()
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		var inv x509.CertificateInvalidError
		if errors.As(err, &inv) && inv.Reason == x509.Expired {
			return string(bundle.CodeCertExpired), "the signature certificate has expired"
		}
		return string(bundle.CodeSignature), "the signature certificate does not chain to the JPKI signature CA: " + err.Error()
	}
	for _, e := range in.crl.RevokedCertificateEntries {
		if e.SerialNumber.Cmp(cert.SerialNumber) == 0 {
			return string(bundle.CodeCertRevoked), "the signature certificate is revoked (CRL)"
		}
	}
	var reason string
	if err := in.db.QueryRowContext(ctx, `SELECT reason FROM revoked WHERE serial=?`, cert.SerialNumber.Text(16)).Scan(&reason); err == nil {
		return string(bundle.CodeCertRevoked), "the signature certificate is revoked: " + reason
	}
	return "", ""
}

// seen tells whether this very bundle was filed before (its answer is then
// the first receipts, whatever time has passed since).
func (in *Intake) seen(ctx context.Context, s *bundle.Signed) bool {
	sum := sha256.Sum256(s.Payload)
	var n int
	in.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM bundles WHERE id=? AND sha256=?`, s.Bundle.ID, hex.EncodeToString(sum[:])).Scan(&n)
	return n > 0
}

// file records the bundle and its receipts once: a repeated bundle gets
// its first receipts back (200, Repeated); the same id with other content
// is refused (409). A new bundle must keep the rules (its procedures'
// windows and plausible fields, 422), and its corrections and withdrawals
// must refer to receipts they can replace (409/422); the receipts they
// replace are superseded or withdrawn in the same transaction.
func (in *Intake) file(ctx context.Context, s *bundle.Signed) (*bundle.SubmitResponse, int, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	sum := sha256.Sum256(s.Payload)
	hash := hex.EncodeToString(sum[:])
	tx, err := in.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, http.StatusInternalServerError, err
	}
	defer tx.Rollback()
	var prev string
	switch err := tx.QueryRowContext(ctx, `SELECT sha256 FROM bundles WHERE id=?`, s.Bundle.ID).Scan(&prev); {
	case err == nil && prev == hash:
		rs, err := receiptsWhere(ctx, tx, `bundle=?`, s.Bundle.ID)
		if err != nil {
			return nil, http.StatusInternalServerError, err
		}
		return &bundle.SubmitResponse{Bundle: s.Bundle.ID, Receipts: rs, Repeated: true}, http.StatusOK, nil
	case err == nil:
		return nil, http.StatusConflict, failure.New(bundle.CodeIdempotency, "bundle "+s.Bundle.ID+" was received with other content")
	case !errors.Is(err, sql.ErrNoRows):
		return nil, http.StatusInternalServerError, err
	}
	now := in.now()
	if err := checkRules(&s.Bundle, today(now)); err != nil {
		if err.Code == bundle.CodeMalformed {
			return nil, http.StatusBadRequest, err
		}
		return nil, http.StatusUnprocessableEntity, err
	}
	if status, err := checkCorrections(ctx, tx, &s.Bundle); err != nil {
		return nil, status, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO bundles(id, subject, sha256, signer_serial, received) VALUES(?,?,?,?,?)`,
		s.Bundle.ID, s.Bundle.Subject, hash, s.Chain[0].SerialNumber.Text(16), now.Unix()); err != nil {
		return nil, http.StatusInternalServerError, err
	}
	var n int
	tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM receipts`).Scan(&n)
	res := &bundle.SubmitResponse{Bundle: s.Bundle.ID}
	for _, a := range s.Bundle.Applications {
		n++
		number := fmt.Sprintf("SBX-%s-%06d", now.Format("20060102"), n)
		fields, _ := json.Marshal(a.Fields)
		if _, err := tx.ExecContext(ctx, `INSERT INTO receipts(number, bundle, subject, procedure, status, fields, updated, kind, corrects) VALUES(?,?,?,?,?,?,?,?,?)`,
			number, s.Bundle.ID, s.Bundle.Subject, a.Procedure, bundle.StatusReceived, string(fields), now.Unix(), a.Kind, a.Corrects); err != nil {
			return nil, http.StatusInternalServerError, err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit(receipt, status, note, at) VALUES(?,?,?,?)`, number, bundle.StatusReceived, "", now.Unix()); err != nil {
			return nil, http.StatusInternalServerError, err
		}
		if a.Kind != "" {
			if err := replace(ctx, tx, a, number, now); err != nil {
				return nil, http.StatusInternalServerError, err
			}
		}
		res.Receipts = append(res.Receipts, bundle.Receipt{Procedure: a.Procedure, Number: number, Status: bundle.StatusReceived, Updated: now,
			Kind: a.Kind, Corrects: a.Corrects})
	}
	if err := tx.Commit(); err != nil {
		return nil, http.StatusInternalServerError, err
	}
	return res, http.StatusCreated, nil
}

func (in *Intake) list(w http.ResponseWriter, r *http.Request) {
	ti, ok := in.token(w, r)
	if !ok {
		return
	}
	if err := in.srv.Act(r.Context(), ti, proxy.ScopeStatus, ""); err != nil {
		refuse(w, http.StatusForbidden, string(failure.CodeOf(err)), err.Error())
		return
	}
	rs, err := receiptsWhere(r.Context(), in.db, `subject=?`, ti.Subject)
	if err != nil {
		refuse(w, http.StatusInternalServerError, "server_error", "")
		return
	}
	writeJSON(w, http.StatusOK, rs)
}

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func receiptsWhere(ctx context.Context, db querier, where string, args ...any) ([]bundle.Receipt, error) {
	rows, err := db.QueryContext(ctx, `SELECT procedure, number, status, note, updated, kind, corrects, corrected_by FROM receipts WHERE `+where+` ORDER BY number`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []bundle.Receipt{}
	for rows.Next() {
		var rc bundle.Receipt
		var at int64
		if err := rows.Scan(&rc.Procedure, &rc.Number, &rc.Status, &rc.Note, &at, &rc.Kind, &rc.Corrects, &rc.CorrectedBy); err != nil {
			return nil, err
		}
		rc.Updated = time.Unix(at, 0)
		out = append(out, rc)
	}
	return out, rows.Err()
}

// SetStatus moves a receipt on, as municipal staff would, with an audit
// entry. Completing an address change (moving-out or moving-in) revokes
// the signature certificate that signed it, as the JPKI does on a move.
// Superseded and withdrawn are set only by a later correction or
// withdrawal, and a receipt so replaced moves no more.
func (in *Intake) SetStatus(ctx context.Context, number, status, note string) error {
	if replaced(status) {
		return fmt.Errorf("intake: %s is set by the resident's correction or withdrawal, not by staff", status)
	}
	if !slices.Contains(bundle.Statuses, status) {
		return fmt.Errorf("intake: unknown status %q (one of %v)", status, bundle.Statuses)
	}
	now := in.now()
	tx, err := in.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var procedure, serial, current, by string
	err = tx.QueryRowContext(ctx, `SELECT r.procedure, b.signer_serial, r.status, r.corrected_by FROM receipts r JOIN bundles b ON b.id = r.bundle WHERE r.number=?`,
		number).Scan(&procedure, &serial, &current, &by)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("intake: no receipt %s", number)
	}
	if err != nil {
		return err
	}
	if replaced(current) {
		return fmt.Errorf("intake: receipt %s is %s (by %s): it moves no more", number, current, by)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE receipts SET status=?, note=?, updated=? WHERE number=?`, status, note, now.Unix(), number); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit(receipt, status, note, at) VALUES(?,?,?,?)`, number, status, note, now.Unix()); err != nil {
		return err
	}
	if status == bundle.StatusCompleted && procedure == "moving-out-notice" {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO revoked(serial, reason, at) VALUES(?,?,?)`, serial, "the address changed", now.Unix()); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Bundles counts the bundles filed (tests: exactly once).
func (in *Intake) Bundles(ctx context.Context) (int, error) {
	var n int
	err := in.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM bundles`).Scan(&n)
	return n, err
}

// Audit lists a receipt's status changes, oldest first.
func (in *Intake) Audit(ctx context.Context, number string) ([]bundle.Receipt, error) {
	rows, err := in.db.QueryContext(ctx, `SELECT status, note, at FROM audit WHERE receipt=? ORDER BY seq`, number)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []bundle.Receipt
	for rows.Next() {
		rc := bundle.Receipt{Number: number}
		var at int64
		if err := rows.Scan(&rc.Status, &rc.Note, &at); err != nil {
			return nil, err
		}
		rc.Updated = time.Unix(at, 0)
		out = append(out, rc)
	}
	return out, rows.Err()
}

// advance moves receipts on by themselves (the demo's staff).
func (in *Intake) advance(every, complete time.Duration, s *idp.Server) {
	t := time.NewTicker(every / 2)
	defer t.Stop()
	for {
		select {
		case <-s.Done():
			return
		case <-t.C:
		}
		ctx := context.Background()
		now := in.now()
		for _, step := range []struct {
			from, to string
			after    time.Duration
		}{{bundle.StatusInReview, bundle.StatusCompleted, complete}, {bundle.StatusReceived, bundle.StatusInReview, every}} {
			rows, err := in.db.QueryContext(ctx, `SELECT number FROM receipts WHERE status=? AND updated <= ?`, step.from, now.Add(-step.after).Unix())
			if err != nil {
				return
			}
			var due []string
			for rows.Next() {
				var n string
				rows.Scan(&n)
				due = append(due, n)
			}
			rows.Close()
			for _, n := range due {
				in.SetStatus(ctx, n, step.to, "")
			}
		}
	}
}

// describe is a refusal's description: a failure's own words (its code
// goes beside it), else the error.
func describe(err error) string {
	if e, ok := failure.As(err); ok && e.Detail != "" && e.Err == nil {
		return e.Detail
	}
	return err.Error()
}

// codeOf is the wire code of err: its failure code, else fallback.
func codeOf(err error, fallback failure.Code) string {
	if c := failure.CodeOf(err); c != "" {
		return string(c)
	}
	return string(fallback)
}
