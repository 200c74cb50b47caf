package account_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"madoguchi/account"
	"madoguchi/account/wallet"
	"madoguchi/auth/card"
	"madoguchi/auth/keystore"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/procedures"
	"madoguchi/protocol/bundle"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/card/inproc"
	"madoguchi/sandbox/fixtures"
	"madoguchi/sandbox/intake"
)

// A moving bundle from answers to receipts: the draft keeps the answers,
// the bundle id before signing, the signed bundle before sending; sending
// fails, the app "crashes" after signing and again after the intake
// received it — and the municipality files it exactly once.
func TestFileExactlyOnce(t *testing.T) {
	ctx := context.Background()
	s, c := sandbox(t)
	r, _ := fixtures.ByID("sato-kenji")
	a, err := account.SignIn(ctx, c, cardLogin(t, r.ID), account.Options{Keys: keystore.New(keystore.NewMemory()), Keep: true, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	w, _ := a.Wallet(ctx)
	at, _ := a.AccessToken(ctx)
	_, rec, err := w.Fetch(ctx, "residence", wallet.FetchOptions{}, at)
	if err != nil {
		t.Fatal(err)
	}
	facts := procedures.FactsFromRecord(rec.Claims, true, time.Now())
	cat, _ := procedures.Bundled(i18n.Languages())
	e, _ := cat.Event("moving")
	move := time.Now().AddDate(0, 0, 7).Format(time.DateOnly)
	answers := []byte("move_date: " + move + "\nsame_municipality: false\ncare_certified: false\nnew_postal_code: '5300001'\nnew_address_line: 梅田一丁目1番1号\n" +
		"movers: ['" + facts.Me.Name + "']\nchild_mover: true\nreceives_child_allowance: true\nallowance_claimant: me\nschool_mover: false\nelderly_mover: false\n" +
		"health_insurance: kokuho\nregistered_seal: false\nhas_card: true\nsign_cert: true\nforeign_mover: false\nhas_dog: false\n")
	if _, err := a.SaveAnswers(ctx, "moving", answers, map[string]string{"moving-out-notice.phone": "090-1234-5678"}); err != nil {
		t.Fatal(err)
	}
	d, found, _ := a.LoadDraft(ctx, "moving")
	parsed, err := e.ParseAnswers(d.Answers)
	if !found || err != nil {
		t.Fatalf("draft: %v %v", found, err)
	}
	plan, err := e.Plan(facts, parsed, procedures.NewCalendar(nil))
	if err != nil {
		t.Fatal(err)
	}
	vc, _ := vcard.New(r)
	sess := card.NewSession(inproc.NewTransport(vc))
	var asked []int
	req := account.FileRequest{Plan: plan, Facts: facts, Card: card.Direct(sess),
		Prompt: func(_ context.Context, sec card.Secret, tries int) (card.PIN, bool, error) {
			if sec != card.SecretSignPassword {
				t.Errorf("asked for %s", sec)
			}
			asked = append(asked, tries)
			return card.PIN(r.SignPassword), false, nil
		}}
	// the municipality is unreachable: signed, kept, not filed
	req.Intake = &procedures.Intake{URL: "https://127.0.0.1:1", HTTP: &http.Client{Timeout: time.Second}, Retries: 1, Wait: time.Millisecond}
	if _, err := a.File(ctx, req); failure.CodeOf(err) != bundle.CodeSubmit {
		t.Fatalf("unreachable: %v", err)
	}
	d, _, _ = a.LoadDraft(ctx, "moving")
	if d.Signed == "" || d.BundleID == "" || d.Filed() {
		t.Fatalf("after a failed send: %+v", d)
	}
	id, signed, sending := d.BundleID, d.Signed, d.Sending
	// the residence record went with it — only the fields the moving-out
	// notice needs, bound to this bundle — and the disclosure is logged
	log, _ := w.Audit(ctx)
	if len(log) != 1 || log[0].To.Name != "municipality" || strings.Join(log[0].Fields, ",") != "name,birth_date,address,household_members" {
		t.Fatalf("audit %+v", log)
	}
	// the app starts again: the same signed bundle goes out, no new PIN
	req.Intake, _ = a.Intake()
	res, err := a.File(ctx, req)
	if err != nil || len(res.Receipts) != len(plan.Online()) || res.Bundle != id || len(asked) != 1 {
		t.Fatalf("filed: %+v %v (asked %v)", res, err, asked)
	}
	// a crash after the intake answered, before the receipts were kept:
	// the same bundle again is recognised, nothing is filed twice
	d, _, _ = a.LoadDraft(ctx, "moving")
	if d.Signed != "" || d.BundleID != "" || len(d.Filings) != len(res.Receipts) {
		t.Fatalf("after the receipts: %+v", d)
	}
	d.Receipts, d.Filings, d.Signed, d.BundleID, d.Sending = nil, nil, signed, id, sending
	forceDraft(t, a, d)
	again, err := a.File(ctx, req)
	if err != nil || !again.Repeated || again.Receipts[0].Number != res.Receipts[0].Number {
		t.Fatalf("resent: %+v %v", again, err)
	}
	if d, _, _ = a.LoadDraft(ctx, "moving"); len(d.Filings) != len(res.Receipts) || d.Signed != "" {
		t.Fatalf("the record after the resent bundle: %+v", d)
	}
	rs, stale, err := a.Receipts(ctx, req.Intake)
	if err != nil || stale || len(rs) != len(res.Receipts) {
		t.Fatalf("receipts %+v %v %v", rs, stale, err)
	}
	// staff complete the moving-out notice; the resident sees it
	in, _ := intake.Open(s.DataDir)
	defer in.Close()
	in.SetStatus(ctx, res.Receipts[0].Number, bundle.StatusCompleted, "")
	rs, _, _ = a.Receipts(ctx, req.Intake)
	if rs[0].Status != bundle.StatusCompleted {
		t.Fatalf("status %+v", rs)
	}
}

// forceDraft writes a draft as a crash would have left it.
func forceDraft(t *testing.T, a *account.Account, d account.Draft) {
	t.Helper()
	if err := account.SaveDraftForTest(context.Background(), a, d); err != nil {
		t.Fatal(err)
	}
}

// Every answer is kept as it is given: a new process (after a crash, a
// closed window) resumes the draft where it stopped; changing an answer
// after signing drops the signature, and a filed draft is not changed.
func TestDraftSurvivesARestart(t *testing.T) {
	ctx := context.Background()
	_, c := sandbox(t)
	keys := keystore.New(keystore.NewMemory())
	o := account.Options{Keys: keys, Keep: true, RequireKept: true, DataDir: t.TempDir()}
	a, err := account.SignIn(ctx, c, cardLogin(t, "yamada-taro"), o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.SaveAnswers(ctx, "moving", []byte("move_date: 2027-03-28\n"), nil); err != nil {
		t.Fatal(err)
	}
	d, _, _ := a.LoadDraft(ctx, "moving")
	d.Signed, d.BundleID = "signed-bundle", "bundle-id-0000000000000"
	forceDraft(t, a, d)
	a.Close() // the window closes (or the process dies: each answer is its own committed write)

	b, err := account.Resume(c, o)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	d, found, err := b.LoadDraft(ctx, "moving")
	if err != nil || !found || string(d.Answers) != "move_date: 2027-03-28\n" || d.Signed != "signed-bundle" {
		t.Fatalf("after a restart: %+v %v %v", d, found, err)
	}
	d, _ = b.SaveAnswers(ctx, "moving", []byte("move_date: 2027-03-29\n"), nil)
	if d.Signed != "" || d.BundleID != "" {
		t.Fatalf("a changed answer kept the signature: %+v", d)
	}
}

// After filing, a changed answer files only what changed: a correction
// naming the earlier receipt (which the intake then shows superseded), a
// withdrawal of what no longer applies; the same answers again send
// nothing and ask no password; a move half a year or more from the filed
// one is a new event, filed anew.
func TestCorrectionsAfterFiling(t *testing.T) {
	ctx := context.Background()
	s, c := sandbox(t)
	r, _ := fixtures.ByID("sato-kenji")
	a, err := account.SignIn(ctx, c, cardLogin(t, r.ID), account.Options{Keys: keystore.New(keystore.NewMemory()), Keep: true, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	w, _ := a.Wallet(ctx)
	at, _ := a.AccessToken(ctx)
	_, rec, err := w.Fetch(ctx, "residence", wallet.FetchOptions{}, at)
	if err != nil {
		t.Fatal(err)
	}
	facts := procedures.FactsFromRecord(rec.Claims, true, time.Now())
	cat, _ := procedures.Bundled(i18n.Languages())
	e, _ := cat.Event("moving")
	vc, _ := vcard.New(r)
	sess := card.NewSession(inproc.NewTransport(vc))
	asked := 0
	in, _ := a.Intake()
	answers := func(move time.Time, allowance bool) []byte {
		return []byte(fmt.Sprintf("move_date: %s\nsame_municipality: false\ncare_certified: false\nnew_postal_code: '5300001'\nnew_address_line: 梅田一丁目1番1号\n"+
			"movers: ['%s']\nchild_mover: true\nreceives_child_allowance: %v\n%sschool_mover: false\nelderly_mover: false\n"+
			"health_insurance: kokuho\nregistered_seal: false\nhas_card: true\nsign_cert: true\nforeign_mover: false\nhas_dog: false\n",
			move.Format(time.DateOnly), facts.Me.Name, allowance, map[bool]string{true: "allowance_claimant: me\n"}[allowance]))
	}
	planOf := func(ans []byte) *procedures.Plan {
		t.Helper()
		parsed, err := e.ParseAnswers(ans)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := e.Plan(facts, parsed, procedures.NewCalendar(nil))
		if err != nil {
			t.Fatal(err)
		}
		return plan
	}
	file := func(ans []byte) (*bundle.SubmitResponse, error) {
		t.Helper()
		if _, err := a.SaveAnswers(ctx, "moving", ans, map[string]string{"moving-out-notice.phone": "090-1234-5678"}); err != nil {
			t.Fatal(err)
		}
		plan := planOf(ans)
		return a.File(ctx, account.FileRequest{Plan: plan, Facts: facts, Card: card.Direct(sess), Intake: in,
			Prompt: func(context.Context, card.Secret, int) (card.PIN, bool, error) {
				asked++
				return card.PIN(r.SignPassword), false, nil
			}})
	}
	byProc := func(rs []bundle.Receipt) map[string]bundle.Receipt {
		m := map[string]bundle.Receipt{}
		for _, rc := range rs {
			m[rc.Procedure] = rc
		}
		return m
	}
	move := time.Now().AddDate(0, 0, 7)
	first, err := file(answers(move, true))
	if err != nil {
		t.Fatal(err)
	}
	filed := byProc(first.Receipts)
	if _, ok := filed["moving-out-notice"]; !ok || len(first.Receipts) < 2 {
		t.Fatalf("first filing: %+v", first.Receipts)
	}
	// the same answers: nothing is sent, no password asked
	before := asked
	same, err := file(answers(move, true))
	if err != nil || !same.Repeated || len(same.Receipts) != len(first.Receipts) || asked != before {
		t.Fatalf("the same answers again: %+v %v (asked %d→%d)", same, err, before, asked)
	}
	// the moving date corrected by two days: every form that carries it is
	// a correction of its receipt; a form without it is not sent again
	corrected, err := file(answers(move.AddDate(0, 0, 2), true))
	if err != nil || corrected.Repeated {
		t.Fatalf("the corrected date: %+v %v", corrected, err)
	}
	for _, rc := range corrected.Receipts {
		was, ok := filed[rc.Procedure]
		if !ok || rc.Kind != bundle.KindCorrection || rc.Corrects != was.Number {
			t.Errorf("correction %+v of %+v", rc, was)
		}
	}
	if byProc(corrected.Receipts)["moving-out-notice"].Number == "" {
		t.Errorf("the moving-out notice carries the date and was not corrected: %+v", corrected.Receipts)
	}
	rs, _, err := a.Receipts(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, rc := range rs {
		if c, ok := byProc(corrected.Receipts)[rc.Procedure]; ok && rc.Number == filed[rc.Procedure].Number &&
			(rc.Status != bundle.StatusSuperseded || rc.CorrectedBy != c.Number) {
			t.Errorf("the corrected receipt at the intake: %+v", rc)
		}
	}
	// the child allowance no longer applies: its filing is withdrawn
	d, _, _ := a.LoadDraft(ctx, "moving")
	var allowance string
	for _, f := range d.Filings {
		if strings.Contains(f.Procedure, "allowance") {
			allowance = f.Procedure
		}
	}
	if allowance == "" {
		t.Fatalf("no child-allowance filing to withdraw: %+v", d.Filings)
	}
	back, err := file(answers(move.AddDate(0, 0, 2), false))
	if err != nil {
		t.Fatal(err)
	}
	if w := byProc(back.Receipts)[allowance]; w.Kind != bundle.KindWithdrawal || len(back.Receipts) != 1 {
		t.Fatalf("withdrawal: %+v", back.Receipts)
	}
	if d, _, _ = a.LoadDraft(ctx, "moving"); slices.ContainsFunc(d.Filings, func(f procedures.Filed) bool { return f.Procedure == allowance }) {
		t.Fatalf("a withdrawn filing stands: %+v", d.Filings)
	}
	// a move filed half a year ago is another move: this one is new
	for i := range d.Filings {
		d.Filings[i].EventDate = move.AddDate(0, 0, -procedures.NewEventDays).Format(time.DateOnly)
	}
	forceDraft(t, a, d)
	again, err := file(answers(move.AddDate(0, 0, 2), false))
	if err != nil || again.Repeated || len(again.Receipts) == 0 {
		t.Fatalf("a second move: %+v %v", again, err)
	}
	for _, rc := range again.Receipts {
		if rc.Kind != "" || rc.Corrects != "" {
			t.Errorf("a second move's filing refers to the first: %+v", rc)
		}
	}
	if d, _, _ = a.LoadDraft(ctx, "moving"); len(d.Earlier) == 0 {
		t.Errorf("the first move's filings are not kept: %+v", d)
	}
	// the municipality completes the moving-out notice: a later change to
	// it is for the counter, never sent as a correction (the intake would
	// refuse it)
	out := byProc(again.Receipts)["moving-out-notice"]
	staff, err := intake.Open(s.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer staff.Close()
	if err := staff.SetStatus(ctx, out.Number, bundle.StatusCompleted, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Receipts(ctx, in); err != nil {
		t.Fatal(err)
	}
	later := answers(move.AddDate(0, 0, 3), false)
	a.SaveAnswers(ctx, "moving", later, map[string]string{"moving-out-notice.phone": "090-1234-5678"})
	changes, _, err := a.Changes(ctx, planOf(later), facts)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(changes, func(c procedures.Change) bool { return c.Procedure == "moving-out-notice" })
	if i < 0 || changes[i].Change != procedures.ChangeAtCounter || changes[i].Sends() || len(changes[i].Fields) == 0 {
		t.Fatalf("a completed filing changed: %+v", changes)
	}
	// every filing completed while the person looked at a plan offering
	// corrections: filing then sends nothing and says the change is for
	// the counter — never "filed" with the old receipts
	for _, rc := range again.Receipts {
		if err := staff.SetStatus(ctx, rc.Number, bundle.StatusCompleted, ""); err != nil {
			t.Fatal(err)
		}
	}
	held, _, _ := a.Receipts(ctx, in)
	refused, err := file(answers(move.AddDate(0, 0, 4), false))
	if failure.CodeOf(err) != procedures.CodeAtCounter || refused != nil {
		t.Fatalf("a change of completed filings: %+v %v", refused, err)
	}
	if f, _ := failure.As(err); f == nil || f.Data["Procedures"] == nil {
		t.Fatalf("the refusal does not name the procedures: %v", err)
	}
	if now, _, _ := a.Receipts(ctx, in); len(now) != len(held) {
		t.Fatalf("something was filed: %d receipts, %d before", len(now), len(held))
	}
	// and the same answers again send nothing, saying so (Repeated)
	same, err2 := file(answers(move.AddDate(0, 0, 2), false))
	if err2 != nil || !same.Repeated {
		t.Fatalf("nothing changed: %+v %v", same, err2)
	}
}

// A phone number typed in a form it cannot have is refused before
// anything is signed (FORM-FIELD-INVALID, naming the field); typed as
// people write it (full-width, with brackets), it goes in the bundle as
// its digits.
func TestTypedPhoneCheckedBeforeSigning(t *testing.T) {
	ctx := context.Background()
	a, r, facts, e := signedInForMoving(t, "sato-kenji")
	move := time.Now().AddDate(0, 0, 7).Format(time.DateOnly)
	answers := []byte("move_date: " + move + "\nsame_municipality: false\ncare_certified: false\nnew_postal_code: '5300001'\nnew_address_line: 梅田一丁目1番1号\n" +
		"movers: ['" + facts.Me.Name + "']\nchild_mover: false\nreceives_child_allowance: false\nschool_mover: false\nelderly_mover: false\n" +
		"health_insurance: kokuho\nregistered_seal: false\nhas_card: true\nsign_cert: true\nforeign_mover: false\nhas_dog: false\n")
	vc, _ := vcard.New(r)
	in, _ := a.Intake()
	for _, c := range []struct{ typed, code string }{
		{"090-12", string(procedures.CodeFieldInvalid)},
		{"03-1234-5678 内線2", string(procedures.CodeFieldInvalid)},
		{"０９０（１２３４）５６７８", ""},
	} {
		if _, err := a.SaveAnswers(ctx, "moving", answers, map[string]string{"moving-out-notice.phone": c.typed}); err != nil {
			t.Fatal(err)
		}
		d, _, _ := a.LoadDraft(ctx, "moving")
		parsed, err := e.ParseAnswers(d.Answers)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := e.Plan(facts, parsed, procedures.NewCalendar(nil))
		if err != nil {
			t.Fatal(err)
		}
		asked := 0
		req := account.FileRequest{Plan: plan, Facts: facts, Card: card.Direct(card.NewSession(inproc.NewTransport(vc))),
			Intake: in,
			Prompt: func(context.Context, card.Secret, int) (card.PIN, bool, error) {
				asked++
				return card.PIN(r.SignPassword), false, nil
			}}
		_, err = a.File(ctx, req)
		if c.code != "" {
			if string(failure.CodeOf(err)) != c.code || asked != 0 {
				t.Fatalf("phone %q: %v (asked %d times)", c.typed, err, asked)
			}
			continue
		}
		if err != nil {
			t.Fatalf("phone %q: %v", c.typed, err)
		}
	}
}

// signedInForMoving signs resident in (kept, in-memory keys), fetches the
// residence record and returns the account, the resident, the facts the
// record gives and the bundled moving event.
func signedInForMoving(t *testing.T, resident string) (*account.Account, fixtures.Resident, procedures.Facts, *procedures.Event) {
	t.Helper()
	ctx := context.Background()
	_, c := sandbox(t)
	r, _ := fixtures.ByID(resident)
	a, err := account.SignIn(ctx, c, cardLogin(t, r.ID), account.Options{Keys: keystore.New(keystore.NewMemory()), Keep: true, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	w, _ := a.Wallet(ctx)
	at, _ := a.AccessToken(ctx)
	_, rec, err := w.Fetch(ctx, "residence", wallet.FetchOptions{}, at)
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := procedures.Bundled(i18n.Languages())
	e, _ := cat.Event("moving")
	return a, r, procedures.FactsFromRecord(rec.Claims, true, time.Now()), e
}
