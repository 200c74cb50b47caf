package account

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"madoguchi/account/wallet"
	"madoguchi/auth/card"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/procedures"
	"madoguchi/protocol/bundle"
	"madoguchi/protocol/proxy"
	"madoguchi/store"
)

// Draft is a life event in progress, kept sealed in the account's store:
// every answer is saved as it is given, so closing the app, a crash or a
// pulled card loses nothing. Once signed, the exact signed bundle is kept
// until the municipality has receipted it, so a retry after any failure
// sends the same bundle and files nothing twice. What was receipted is
// kept (Filings): answers changed after filing send only what changed, as
// corrections and withdrawals of the earlier receipts.
type Draft struct {
	Event    string            `json:"event"`
	Answers  []byte            `json:"answers"` // the answers-file format (procedures.EncodeAnswers)
	Typed    map[string]string `json:"typed,omitempty"`
	BundleID string            `json:"bundle_id,omitempty"`
	Signed   string            `json:"signed,omitempty"`
	// Sending are the changes the signed bundle carries (kept with it:
	// when its receipts come, they say what the record becomes).
	Sending []procedures.Change `json:"sending,omitempty"`
	// Filings are the applications filed and standing, one per procedure.
	Filings []procedures.Filed `json:"filings,omitempty"`
	// Earlier are the filings of an earlier event of the same kind (a
	// previous move): they stay filed, a new plan is not compared with
	// them.
	Earlier []procedures.Filed `json:"earlier,omitempty"`
	// Receipts are every receipt the event's bundles got, oldest first.
	Receipts []bundle.Receipt `json:"receipts,omitempty"`
	Updated  time.Time        `json:"updated"`
}

// Filed tells whether the municipality has receipted applications of the
// draft that stand (filed, not withdrawn).
func (d *Draft) Filed() bool { return len(d.Filings) > 0 }

// Pending tells whether a signed bundle waits for the intake's receipt.
func (d *Draft) Pending() bool { return d.Signed != "" }

// Standing are the receipts of the applications that stand.
func (d *Draft) Standing() []bundle.Receipt {
	var out []bundle.Receipt
	for _, f := range d.Filings {
		rc := bundle.Receipt{Procedure: f.Procedure, Number: f.Receipt, Status: bundle.StatusReceived}
		for _, r := range d.Receipts {
			if r.Number == f.Receipt {
				rc = r
			}
		}
		out = append(out, rc)
	}
	return out
}

const (
	kindDraft   = "draft"
	kindReceipt = "receipt"
)

// LoadDraft returns the event's draft (found false when there is none).
func (a *Account) LoadDraft(ctx context.Context, event string) (Draft, bool, error) {
	st, err := a.sealed()
	if err != nil {
		return Draft{}, false, err
	}
	b, err := st.Get(ctx, a.ID(), kindDraft, event)
	if errors.Is(err, store.ErrNotFound) {
		return Draft{Event: event}, false, nil
	}
	if err != nil {
		return Draft{}, false, err
	}
	var d Draft
	if err := json.Unmarshal(b, &d); err != nil {
		return Draft{}, false, failure.Wrap(store.CodeCorrupt, err)
	}
	return d, true, nil
}

// SaveAnswers keeps the answers given so far. Changing an answer after
// signing drops the signature (the bundle must be signed again); changing
// one after filing is kept too: the next filing sends the corrections.
func (a *Account) SaveAnswers(ctx context.Context, event string, answers []byte, typed map[string]string) (Draft, error) {
	d, _, err := a.LoadDraft(ctx, event)
	if err != nil {
		return d, err
	}
	return a.keepAnswers(ctx, d, answers, typed)
}

func (a *Account) keepAnswers(ctx context.Context, d Draft, answers []byte, typed map[string]string) (Draft, error) {
	if string(d.Answers) != string(answers) || !maps.Equal(d.Typed, typed) {
		d.Signed = "" // what was signed is no longer what will be sent
		d.BundleID = ""
		d.Sending = nil
	}
	d.Answers, d.Typed = answers, typed
	d.Updated = time.Now()
	return d, a.saveDraft(ctx, d)
}

// LoadAnswers implements procedures.Drafts: the event's answers so far.
func (a *Account) LoadAnswers(ctx context.Context, event string) ([]byte, time.Time, error) {
	d, _, err := a.LoadDraft(ctx, event)
	return d.Answers, d.Updated, err
}

// KeepAnswers implements procedures.Drafts: the answers are sealed in the
// draft (the fields typed for the forms stay).
func (a *Account) KeepAnswers(ctx context.Context, event string, answers []byte) (time.Time, error) {
	d, _, err := a.LoadDraft(ctx, event)
	if err != nil {
		return time.Time{}, err
	}
	d, err = a.keepAnswers(ctx, d, answers, d.Typed)
	return d.Updated, err
}

var _ procedures.Drafts = (*Account)(nil)

func (a *Account) saveDraft(ctx context.Context, d Draft) error {
	st, err := a.sealed()
	if err != nil {
		return err
	}
	d.Updated = time.Now()
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return st.Put(ctx, a.ID(), kindDraft, d.Event, b)
}

// DeleteDraft forgets an event's draft (its receipts stay).
func (a *Account) DeleteDraft(ctx context.Context, event string) error {
	st, err := a.sealed()
	if err != nil {
		return err
	}
	return st.Delete(ctx, a.ID(), kindDraft, event)
}

// FileRequest is what filing an event's bundle needs.
type FileRequest struct {
	Plan  *procedures.Plan
	Facts procedures.Facts
	// Card runs card operations (card.Direct or the monitor's Do); Prompt
	// asks for the signing password with the tries left.
	Card   card.Runner
	Prompt card.PINPrompt
	Intake *procedures.Intake
}

// File signs what the plan changes against what was filed — new
// applications, corrections and withdrawals of earlier receipts
// (procedures.Plan.Changes) — as one bundle on the card (the signing
// password, PIN first) and files it; with nothing changed nothing is sent
// and the standing receipts are returned (Repeated). It is safe to call
// again after any failure — a crash, a pulled card, a timeout: a signed
// bundle kept in the draft is sent again as it was, and the intake files a
// bundle id once.
func (a *Account) File(ctx context.Context, r FileRequest) (*bundle.SubmitResponse, error) {
	event := r.Plan.Event.ID
	d, _, err := a.LoadDraft(ctx, event)
	if err != nil {
		return nil, err
	}
	if d.Signed == "" {
		apps, pf := r.Plan.Applications(r.Facts, d.Typed)
		if len(apps) == 0 && !d.Filed() {
			return nil, failure.New(bundle.CodeUnknownForm, "nothing in this plan is filed online")
		}
		if d.Filed() {
			d.Filings = a.withStatuses(ctx, d.Filings, r.Intake) // completed ones change at the counter
		}
		changes, newEvent := r.Plan.Changes(apps, d.Filings)
		if newEvent {
			// another event of the same kind: the earlier filings stand as
			// they are, this one is filed anew
			d.Earlier, d.Filings = append(d.Earlier, d.Filings...), nil
		}
		var send []bundle.Application
		for _, c := range changes {
			if c.Sends() {
				send = append(send, *c.Application)
			}
		}
		if len(send) == 0 {
			if names := atCounter(r.Plan, changes); len(names) > 0 {
				// what changed can no longer be filed online (completed
				// meanwhile, or its window closed): said, never shown as
				// filed
				return nil, failure.Newf(procedures.CodeAtCounter, "changes made at the counter: %d", len(names)).
					With("Procedures", names).With("Count", len(names))
			}
			return &bundle.SubmitResponse{Bundle: d.BundleID, Receipts: d.Standing(), Repeated: true}, nil
		}
		if err := r.Plan.MayFile(a.ActingAs()); err != nil { // what the grant does not allow, before what to type
			return nil, err
		}
		if id, opens, ok := r.Plan.NotOpen(); ok { // before its window: nothing signed, nothing sent
			name := procedures.Text{}
			if pr, found := r.Plan.Event.Procedure(id); found {
				name = pr.Name
			}
			return nil, failure.Newf(procedures.CodeNotOpenYet, "%s opens %s", id, opens.Format(time.DateOnly)).
				With("Procedure", name).With("Opens", i18n.Day(opens))
		}
		if missing := sentMissing(pf.Missing, changes); len(missing) > 0 {
			proc, field, _ := strings.Cut(missing[0], ".")
			name := procedures.Text{}
			if pr, found := r.Plan.Event.Procedure(proc); found {
				name = pr.Name
			}
			return nil, failure.Newf(procedures.CodeFieldToType, "fields to type: %v", missing).
				With("ID", missing[0]).With("Procedure", name).With("Field", i18n.Key("field."+field))
		}
		if bad := sentMissing(pf.Invalid, changes); len(bad) > 0 {
			proc, field, _ := strings.Cut(bad[0], ".")
			name := procedures.Text{}
			if pr, found := r.Plan.Event.Procedure(proc); found {
				name = pr.Name
			}
			return nil, failure.Newf(procedures.CodeFieldInvalid, "%v", pf.Why[bad[0]]).
				With("ID", bad[0]).With("Procedure", name).With("Field", i18n.Key("field."+field)).
				With("Expected", i18n.Key("answer.expect."+field))
		}
		if d.BundleID == "" {
			// the id is kept before anything is signed or sent: every
			// later attempt carries the same one
			d.BundleID = bundle.NewID()
			if err := a.saveDraft(ctx, d); err != nil {
				return nil, err
			}
		}
		// the card in the reader is the signed-in person's own, before
		// anything is fetched or a password asked
		if err := a.checkCard(ctx, r.Card); err != nil {
			return nil, err
		}
		b := &bundle.Bundle{Version: bundle.Version, ID: d.BundleID, Event: event, Municipality: a.Profile().Issuer,
			Subject: a.Subject(), Actor: a.Actor(), CreatedAt: time.Now().UTC().Truncate(time.Second), Applications: send}
		if b.Presentations, err = a.attach(ctx, r.Plan, send, b); err != nil {
			return nil, err
		}
		if d.Signed, err = signBundle(ctx, r, b); err != nil {
			return nil, err
		}
		d.Sending = changes
		if err := a.saveDraft(ctx, d); err != nil {
			return nil, err
		}
	}
	at, err := a.TokenFor(ctx, proxy.AudienceApplications)
	if err != nil {
		return nil, err
	}
	res, err := r.Intake.Submit(ctx, at, d.Signed, d.BundleID)
	if err != nil {
		if c := failure.CodeOf(err); c == bundle.CodeCertRevoked || c == bundle.CodeCertExpired || c == bundle.CodeSignature {
			// this signature will never be accepted: sign again next time
			// (after the re-issue), under the same id
			d.Signed = ""
			_ = a.saveDraft(ctx, d)
		}
		return nil, err
	}
	// receipted: the record is what stands now, and the next change is
	// another bundle with another id
	d.Filings = procedures.Filings(d.Filings, d.Sending, res.Receipts, r.Plan.EventDate())
	d.Receipts = mergeReceipts(d.Receipts, res.Receipts)
	d.Signed, d.BundleID, d.Sending = "", "", nil
	if err := a.saveDraft(ctx, d); err != nil {
		return res, err
	}
	return res, a.keepReceipts(ctx, res.Receipts)
}

// atCounter names the procedures whose change is made at the counter (a
// changed field or a procedure that no longer applies, of a filing the
// municipality completed or whose online window has closed).
func atCounter(p *procedures.Plan, changes []procedures.Change) procedures.Texts {
	var out procedures.Texts
	for _, c := range changes {
		if c.Change != procedures.ChangeAtCounter {
			continue
		}
		if pr, ok := p.Event.Procedure(c.Procedure); ok {
			out = append(out, pr.Name)
		} else {
			out = append(out, procedures.Text{"ja": c.Procedure})
		}
	}
	return out
}

// sentMissing are the fields still to type of the applications a bundle
// sends (an unchanged filed one needs nothing typed again).
func sentMissing(missing []string, changes []procedures.Change) []string {
	var out []string
	for _, m := range missing {
		for _, c := range changes {
			if c.Sends() && c.Change != procedures.ChangeWithdrawn && strings.HasPrefix(m, c.Procedure+".") {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// mergeReceipts adds the new receipts to the event's list (a repeated
// answer brings the same numbers: kept once).
func mergeReceipts(have, got []bundle.Receipt) []bundle.Receipt {
	for _, rc := range got {
		if i := slices.IndexFunc(have, func(h bundle.Receipt) bool { return h.Number == rc.Number }); i >= 0 {
			have[i] = rc
			continue
		}
		have = append(have, rc)
	}
	return have
}

// attach presents the certificates the plan's online procedures need —
// only the fields they need — to the municipality's intake, bound to this
// bundle (audience: the municipality; nonce: the bundle id). A certificate
// not kept yet is fetched first. Each disclosure is in the audit log; the
// person saw the list before signing (the plan's review).
func (a *Account) attach(ctx context.Context, p *procedures.Plan, send []bundle.Application, b *bundle.Bundle) ([]string, error) {
	ats := p.AttachmentsFor(send)
	if len(ats) == 0 {
		return nil, nil
	}
	w, err := a.Wallet(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, at := range ats {
		id, err := a.newestCert(ctx, w, at.Certificate, at.Fields)
		if err != nil {
			return nil, err
		}
		pres, err := w.Present(ctx, id, at.Fields, wallet.Recipient{Name: "municipality", Audience: b.Municipality,
			Purpose: "application:" + b.Event}, b.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, pres)
	}
	return out, nil
}

// Intake is the municipality's application intake (the profile's
// "applications" service, else its issuer).
func (a *Account) Intake() (*procedures.Intake, error) {
	p := a.Profile()
	hc, err := p.HTTPClient()
	if err != nil {
		return nil, err
	}
	url := p.Services["applications"]
	if url == "" {
		url = p.Issuer
	}
	return &procedures.Intake{URL: url, HTTP: hc}, nil
}

// signBundle signs b on the card: the signature CA certificate (readable
// without a PIN), then the signing password, PIN first, and in one card
// transaction the signature certificate and the signature.
func signBundle(ctx context.Context, r FileRequest, b *bundle.Bundle) (string, error) {
	var ca *x509.Certificate
	if err := r.Card(func(s *card.Session) error {
		certs, errs := s.ReadCertificates(ctx, card.CertSignCA)
		ca = certs[0]
		return errs[0]
	}); err != nil {
		return "", err
	}
	var jws string
	err := card.PINFirst(ctx, r.Card, card.SecretSignPassword, r.Prompt, func(s *card.Session, pin card.PIN, yes bool) error {
		return s.SignWithin(ctx, card.KeySign, pin, yes, true, func(cert *x509.Certificate, sign func([]byte) ([]byte, error)) error {
			var err error
			jws, err = bundle.Sign(b, []*x509.Certificate{cert, ca}, sign)
			return err
		})
	})
	return jws, err
}

// keepReceipts keeps the receipts that changed since this account last
// kept them (the window asks every 30 s: unchanged ones are not written).
func (a *Account) keepReceipts(ctx context.Context, rs []bundle.Receipt) error {
	st, err := a.sealed()
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.keptReceipts == nil {
		a.keptReceipts = map[string]bundle.Receipt{}
	}
	for _, rc := range rs {
		if prev, ok := a.keptReceipts[rc.Number]; ok && prev.Status == rc.Status && prev.Note == rc.Note && prev.Updated.Equal(rc.Updated) {
			continue
		}
		b, _ := json.Marshal(rc)
		if err := st.Put(ctx, a.ID(), kindReceipt, rc.Number, b); err != nil {
			return err
		}
		a.keptReceipts[rc.Number] = rc
	}
	return nil
}

// Receipts are the account's receipts: as the intake reports them now
// (kept here), or as last kept when the intake cannot be reached (stale
// true, with the error).
func (a *Account) Receipts(ctx context.Context, in *procedures.Intake) (rs []bundle.Receipt, stale bool, err error) {
	if at, terr := a.TokenFor(ctx, proxy.AudienceApplications); terr == nil {
		fresh, ferr := in.Receipts(ctx, at)
		if ferr == nil {
			return fresh, false, a.keepReceipts(ctx, fresh)
		}
		err = ferr
	} else {
		err = terr
	}
	rs, serr := a.keptReceiptList(ctx)
	if serr != nil {
		return nil, true, serr
	}
	return rs, true, err
}

// keptReceiptList are the receipts as last kept here (no network).
func (a *Account) keptReceiptList(ctx context.Context) ([]bundle.Receipt, error) {
	st, err := a.sealed()
	if err != nil {
		return nil, err
	}
	ids, err := st.List(ctx, a.ID(), kindReceipt)
	if err != nil {
		return nil, err
	}
	var rs []bundle.Receipt
	for _, id := range ids {
		b, gerr := st.Get(ctx, a.ID(), kindReceipt, id)
		if gerr != nil {
			continue
		}
		var rc bundle.Receipt
		if json.Unmarshal(b, &rc) == nil {
			rs = append(rs, rc)
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Number < rs[j].Number })
	return rs, nil
}

// withStatuses are the filings with their receipts' statuses: as the
// intake says now when it is given and reachable, else as last kept.
func (a *Account) withStatuses(ctx context.Context, filed []procedures.Filed, in *procedures.Intake) []procedures.Filed {
	var rs []bundle.Receipt
	if in != nil {
		rs, _, _ = a.Receipts(ctx, in)
	} else {
		rs, _ = a.keptReceiptList(ctx)
	}
	out := slices.Clone(filed)
	for i := range out {
		for _, rc := range rs {
			if rc.Number == out[i].Receipt {
				out[i].Status = rc.Status
			}
		}
	}
	return out
}

// ResidenceFacts is what the newest kept residence record says about the
// person and their household (procedures.FactsFromRecord); with fetch, a
// residence record is fetched first when none is kept. Without one, only
// today is known and the questions ask.
func (a *Account) ResidenceFacts(ctx context.Context, fetch bool) (procedures.Facts, error) {
	now := time.Now()
	w, err := a.Wallet(ctx)
	if err != nil {
		return procedures.Facts{}, err
	}
	list, err := w.List(ctx)
	if err != nil {
		return procedures.Facts{}, err
	}
	newest := newestOf(list, "residence")
	if newest == nil {
		if !fetch {
			return procedures.Facts{Today: now}, nil
		}
		at, err := a.TokenFor(ctx, proxy.AudienceCertificates)
		if err != nil {
			return procedures.Facts{}, err
		}
		_, v, err := w.Fetch(ctx, "residence", wallet.FetchOptions{}, at)
		if err != nil {
			return procedures.Facts{}, err
		}
		return procedures.FactsFromRecord(v.Claims, true, now), nil
	}
	v, err := w.Verify(ctx, newest.ID)
	if err != nil {
		return procedures.Facts{}, err
	}
	f := procedures.FactsFromRecord(v.Claims, true, now)
	employerFacts(ctx, w, list, &f)
	return f, nil
}

// employerFacts adds what the newest kept employment certificate says (the
// employer, the weekly hours), for forms that ask for them (a daycare
// application): typed once by the employer, never by the person.
func employerFacts(ctx context.Context, w *wallet.Wallet, list []wallet.Entry, f *procedures.Facts) {
	newest := newestOf(list, "employment")
	if newest == nil {
		return
	}
	v, err := w.Verify(ctx, newest.ID)
	if err != nil {
		return
	}
	if f.Attributes == nil {
		f.Attributes = map[string]procedures.Sourced{}
	}
	if n, ok := v.Claims["employer_name"]; ok {
		f.Attributes["employer"] = procedures.Sourced{Value: n, Source: "employer"}
	}
	if h, ok := v.Claims["weekly_hours"]; ok {
		f.Attributes["working_hours"] = procedures.Sourced{Value: h, Source: "employer"}
	}
}

// Handoff gives a certificate to a recipient the profile lists (a new
// employer), disclosing only fields: fetched first when none is kept, the
// disclosure in the audit log. Call it after the person agreed to exactly
// this.
func (a *Account) Handoff(ctx context.Context, h procedures.Handoff) error {
	to, ok := a.Profile().RecipientByID(h.To)
	if !ok {
		return failure.Newf(wallet.CodeFetch, "the municipality profile lists no recipient %q", h.To)
	}
	w, err := a.Wallet(ctx)
	if err != nil {
		return err
	}
	id, err := a.newestCert(ctx, w, h.Certificate, h.Fields)
	if err != nil {
		return err
	}
	_, err = w.PresentTo(ctx, id, h.Fields, wallet.Recipient{Name: to.ID, Purpose: to.Purpose, URL: to.URL})
	return err
}

// newestCert is the newest kept certificate of a kind that has the fields
// needed, fetched (asking for those fields) when there is none.
func (a *Account) newestCert(ctx context.Context, w *wallet.Wallet, kind string, fields []string) (string, error) {
	list, err := w.List(ctx)
	if err != nil {
		return "", err
	}
	if e := newestOf(list, kind); e != nil {
		if v, err := w.Verify(ctx, e.ID); err == nil && hasAll(wallet.Fields(v), fields) {
			return e.ID, nil
		}
	}
	tok, err := a.TokenFor(ctx, proxy.AudienceCertificates)
	if err != nil {
		return "", err
	}
	e, _, err := w.Fetch(ctx, kind, wallet.FetchOptions{Require: fields}, tok)
	return e.ID, err
}

func hasAll(have, want []string) bool {
	for _, f := range want {
		if !slices.Contains(have, f) {
			return false
		}
	}
	return true
}

// newestOf is the newest kept certificate of a kind (nil: none).
func newestOf(list []wallet.Entry, kind string) *wallet.Entry {
	var newest *wallet.Entry
	for i := range list {
		if list[i].Kind == kind && (newest == nil || list[i].FetchedAt.After(newest.FetchedAt)) {
			newest = &list[i]
		}
	}
	return newest
}

// Changes is what filing the plan now would do against what was filed for
// its event (nil when nothing stands filed): per procedure, filed and
// unchanged, corrected, withdrawn, new; newEvent when the plan is another
// event of the same kind (then everything is new).
func (a *Account) Changes(ctx context.Context, p *procedures.Plan, f procedures.Facts) (changes []procedures.Change, newEvent bool, err error) {
	d, _, err := a.LoadDraft(ctx, p.Event.ID)
	if err != nil || !d.Filed() {
		return nil, false, err
	}
	apps, _ := p.Applications(f, d.Typed)
	changes, newEvent = p.Changes(apps, a.withStatuses(ctx, d.Filings, nil))
	return changes, newEvent, nil
}
