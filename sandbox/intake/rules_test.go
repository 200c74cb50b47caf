package intake_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"madoguchi/auth/sso"
	"madoguchi/protocol/bundle"
	"madoguchi/sandbox/intake"
)

// clock is the intake's clock in a test: fixed, moved by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// atMidnightJST is 00:30 on 1 April 2026 in Japan, still 31 March in UTC:
// a day counted in UTC would be one off.
func atMidnightJST() *clock { return &clock{t: time.Date(2026, 3, 31, 15, 30, 0, 0, time.UTC)} }

func apps(a ...bundle.Application) func(*bundle.Bundle) {
	return func(b *bundle.Bundle) { b.Applications = a }
}

func moveOut(date string) bundle.Application {
	return bundle.Application{Procedure: "moving-out-notice", Fields: map[string]any{"name": "山田 太郎", "move_out_date": date,
		"new_postal_code": "1000013", "new_address_line": "霞が関二丁目1番2号", "movers": []any{"山田 太郎", "山田 結衣"}}}
}

// The moving-out notice is taken online from 30 days before the move to
// 10 days after it, counted in days in Japan: every day around the edges.
func TestMovingOutWindow(t *testing.T) {
	t.Parallel()
	c := atMidnightJST()
	m := startWith(t, sso.DefaultScopes, intake.Options{Now: c.Now})
	if m.day(0) != "2026-04-01" {
		t.Fatalf("today in Japan is %s", m.day(0))
	}
	accepted := 0
	for k := -20; k <= 40; k++ {
		date := m.day(k)
		jws, b := m.signed(t, "yamada-taro", apps(moveOut(date)))
		code, res, e := m.post(t, jws, b.ID)
		switch {
		case k >= -10 && k <= 30:
			if code != http.StatusCreated || len(res.Receipts) != 1 {
				t.Errorf("moving out on %s (today%+d): %d %+v", date, k, code, e)
			}
			accepted++
		case k < -10:
			if code != http.StatusUnprocessableEntity || e.Code != string(bundle.CodeClosed) || !strings.Contains(e.Description, "counter") {
				t.Errorf("moving out on %s (today%+d), late: %d %+v", date, k, code, e)
			}
		default:
			first := m.day(k - 30)
			if code != http.StatusUnprocessableEntity || e.Code != string(bundle.CodeNotOpen) || !strings.Contains(e.Description, first) {
				t.Errorf("moving out on %s (today%+d), early: %d %+v (opens %s)", date, k, code, e, first)
			}
		}
	}
	if n := len(m.receipts(t)); n != accepted || n != 41 {
		t.Fatalf("%d receipts, %d accepted", n, accepted)
	}
}

// The other windows: opening days only (late filings taken), a claim for
// a child not yet born, a daycare start in the past.
func TestOtherWindows(t *testing.T) {
	t.Parallel()
	c := atMidnightJST()
	m := startWith(t, sso.DefaultScopes, intake.Options{Now: c.Now})
	app := func(procedure string, fields ...string) bundle.Application {
		a := bundle.Application{Procedure: procedure, Fields: map[string]any{"name": "山田 太郎"}}
		for i := 0; i+1 < len(fields); i += 2 {
			a.Fields[fields[i]] = fields[i+1]
		}
		return a
	}
	for _, c := range []struct {
		app  bundle.Application
		code string // "" : filed
		says string
	}{
		{app("nhi-loss", "move_out_date", m.day(30)), "", ""},
		{app("nhi-loss", "move_out_date", m.day(31)), string(bundle.CodeNotOpen), m.day(1)},
		{app("nhi-loss", "move_out_date", m.day(-300)), "", ""},
		{app("child-allowance-end", "move_out_date", m.day(31)), string(bundle.CodeNotOpen), m.day(1)},
		{app("child-allowance-end", "move_out_date", m.day(-100)), "", ""},
		{app("child-allowance-claim", "child_birth_date", m.day(1)), string(bundle.CodeNotOpen), "the claim can be filed from the day of the birth"},
		{app("child-allowance-claim", "child_birth_date", m.day(0)), "", ""},
		{app("child-allowance-claim"), string(bundle.CodeImplausible), "child_birth_date"},
		{app("nhi-enrol", "coverage_lost_on", m.day(1)), string(bundle.CodeNotOpen), m.day(1)},
		{app("nhi-enrol", "coverage_lost_on", m.day(0)), "", ""},
		{app("nhi-enrol", "lost_coverage_on", m.day(0)), string(bundle.CodeImplausible), "coverage_lost_on"},
		{app("pension-category-change", "category_changed_on", m.day(2)), string(bundle.CodeNotOpen), m.day(2)},
		{app("pension-category-change", "category_changed_on", m.day(-2)), "", ""},
		{app("daycare-application", "child_birth_date", m.day(1), "wanted_from", m.day(60)), string(bundle.CodeNotOpen), "birth"},
		{app("daycare-application", "child_birth_date", m.day(-10), "wanted_from", m.day(-1)), string(bundle.CodeImplausible), "wanted_from"},
		{app("daycare-application", "child_birth_date", m.day(-10), "wanted_from", m.day(0)), "", ""},
	} {
		jws, b := m.signed(t, "yamada-taro", apps(c.app))
		code, _, e := m.post(t, jws, b.ID)
		if c.code == "" && code != http.StatusCreated || c.code != "" && (code != http.StatusUnprocessableEntity || e.Code != c.code || !strings.Contains(e.Description, c.says)) {
			t.Errorf("%s %v: %d %+v, want %q saying %q", c.app.Procedure, c.app.Fields, code, e, c.code, c.says)
		}
	}
}

// Fields that cannot be right are refused, naming the procedure and the
// field; nothing of the bundle is filed.
func TestImplausible(t *testing.T) {
	t.Parallel()
	c := atMidnightJST()
	m := startWith(t, sso.DefaultScopes, intake.Options{Now: c.Now})
	with := func(k string, v any) bundle.Application {
		a := moveOut(m.day(0))
		if v == nil {
			delete(a.Fields, k)
		} else {
			a.Fields[k] = v
		}
		return a
	}
	many := func(n int, s string) []any {
		l := make([]any, n)
		for i := range l {
			l[i] = s
		}
		return l
	}
	big := moveOut(m.day(0))
	for i := range 100 {
		big.Fields[fmt.Sprintf("note_%d", i)] = strings.Repeat("あ", 190)
	}
	for name, a := range map[string]bundle.Application{
		"move_out_date":    with("move_out_date", nil),
		"move_date only":   with("move_out_date", nil),
		"30 February":      with("move_out_date", "2026-02-30"),
		"a timestamp":      with("move_out_date", "2026-04-01T00:00:00Z"),
		"not zero-padded":  with("move_out_date", "2026-4-1"),
		"not a string":     with("move_out_date", 20260401),
		"before 1900":      with("birth_date", "1899-12-31"),
		"over a year on":   with("birth_date", m.day(366)),
		"an empty date":    with("wanted_from", ""),
		"a 300-rune line":  with("new_address_line", strings.Repeat("霞", 300)),
		"one letter":       with("new_address_line", " 霞　"),
		"blank":            with("new_address_line", "   "),
		"a hyphen":         with("new_postal_code", "100-0013"),
		"six digits":       with("new_postal_code", "100001"),
		"full-width":       with("new_postal_code", "１０００００１"),
		"a number":         with("new_postal_code", 1000013),
		"21 movers":        with("movers", many(21, "山田 太郎")),
		"a long mover":     with("movers", many(2, strings.Repeat("山", 101))),
		"a long phone":     with("phone", strings.Repeat("0", 201)),
		"a long nested":    with("household", map[string]any{"head": strings.Repeat("山", 201)}),
		"16 KiB of fields": big,
	} {
		if name == "move_date only" {
			a.Fields["move_date"] = m.day(0)
		}
		jws, b := m.signed(t, "yamada-taro", apps(a, bundle.Application{Procedure: "nhi-loss", Fields: map[string]any{"move_out_date": m.day(0)}}))
		code, _, e := m.post(t, jws, b.ID)
		if code != http.StatusUnprocessableEntity || e.Code != string(bundle.CodeImplausible) || !strings.Contains(e.Description, "moving-out-notice") {
			t.Errorf("%s: %d %+v", name, code, e)
		}
	}
	// the limits themselves are fine
	ok := moveOut(m.day(0))
	ok.Fields["new_address_line"], ok.Fields["phone"] = "霞が", strings.Repeat("0", 200)
	ok.Fields["movers"], ok.Fields["birth_date"] = many(20, strings.Repeat("山", 100)), "1900-01-01"
	ok.Fields["wanted_from"] = m.day(365)
	jws, b := m.signed(t, "yamada-taro", apps(ok))
	if code, _, e := m.post(t, jws, b.ID); code != http.StatusCreated {
		t.Fatalf("at the limits: %d %+v", code, e)
	}
	if n := len(m.receipts(t)); n != 1 {
		t.Fatalf("%d receipts", n)
	}
}

// A correction replaces the earlier receipt (superseded, corrected_by, an
// audit entry) in the step that files it; a retry of it files nothing
// more; a receipt replaced cannot be corrected again nor moved by staff.
func TestCorrection(t *testing.T) {
	t.Parallel()
	c := atMidnightJST()
	m := startWith(t, sso.DefaultScopes, intake.Options{Now: c.Now})
	jws, b := m.signed(t, "yamada-taro", nil)
	_, first, _ := m.post(t, jws, b.ID)
	if len(first.Receipts) != 2 {
		t.Fatalf("%+v", first)
	}
	earlier := first.Receipts[0].Number
	fix := moveOut(m.day(3))
	fix.Kind, fix.Corrects = bundle.KindCorrection, earlier
	cjws, cb := m.signed(t, "yamada-taro", apps(fix))
	code, res, e := m.post(t, cjws, cb.ID)
	if code != http.StatusCreated || len(res.Receipts) != 1 || res.Receipts[0].Kind != bundle.KindCorrection || res.Receipts[0].Corrects != earlier {
		t.Fatalf("correction: %d %+v %+v", code, res, e)
	}
	later := res.Receipts[0].Number
	for range 2 {
		code, again, _ := m.post(t, cjws, cb.ID)
		if code != http.StatusOK || !again.Repeated || len(again.Receipts) != 1 || again.Receipts[0].Number != later || again.Receipts[0].Corrects != earlier {
			t.Fatalf("retry of the correction: %d %+v", code, again)
		}
	}
	rs := m.receipts(t)
	if len(rs) != 3 {
		t.Fatalf("%d receipts: %+v", len(rs), rs)
	}
	byNumber := func(n string) bundle.Receipt {
		i := slices.IndexFunc(rs, func(r bundle.Receipt) bool { return r.Number == n })
		if i < 0 {
			t.Fatalf("no receipt %s in %+v", n, rs)
		}
		return rs[i]
	}
	if r := byNumber(earlier); r.Status != bundle.StatusSuperseded || r.CorrectedBy != later {
		t.Fatalf("the earlier receipt: %+v", r)
	}
	if r := byNumber(later); r.Status != bundle.StatusReceived || r.Kind != bundle.KindCorrection || r.Corrects != earlier || r.CorrectedBy != "" {
		t.Fatalf("the correction's receipt: %+v", r)
	}
	if r := byNumber(first.Receipts[1].Number); r.Status != bundle.StatusReceived || r.CorrectedBy != "" {
		t.Fatalf("the other receipt of the first bundle: %+v", r)
	}

	// what cannot be corrected
	other := moveOut(m.day(4))
	for name, c := range map[string]struct {
		kind, corrects, procedure string
		status                    int
	}{
		"the superseded receipt again":  {bundle.KindCorrection, earlier, "moving-out-notice", http.StatusConflict},
		"withdrawing the superseded":    {bundle.KindWithdrawal, earlier, "moving-out-notice", http.StatusConflict},
		"a receipt that does not exist": {bundle.KindCorrection, "SBX-20260401-999999", "moving-out-notice", http.StatusUnprocessableEntity},
		"another procedure's receipt":   {bundle.KindCorrection, first.Receipts[1].Number, "moving-out-notice", http.StatusUnprocessableEntity},
		"a correction naming nothing":   {bundle.KindCorrection, "", "moving-out-notice", http.StatusUnprocessableEntity},
		"corrects without a kind":       {"", later, "moving-out-notice", http.StatusUnprocessableEntity},
	} {
		a := other
		a.Kind, a.Corrects = c.kind, c.corrects
		jws, b := m.signed(t, "yamada-taro", apps(a))
		if code, _, e := m.post(t, jws, b.ID); code != c.status || e.Code != string(bundle.CodeCorrection) {
			t.Errorf("%s: %d %+v", name, code, e)
		}
	}
	// a decided receipt is not corrected online: a rejected one is filed
	// anew (a completed one is changed at the counter — the same rule; not
	// tried here, since completing a move revokes the signing certificate)
	admin, err := intake.Open(m.srv.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	for _, status := range []string{bundle.StatusRejected} {
		jws, b := m.signed(t, "yamada-taro", apps(moveOut(m.day(6))))
		_, res, _ := m.post(t, jws, b.ID)
		if err := admin.SetStatus(context.Background(), res.Receipts[0].Number, status, ""); err != nil {
			t.Fatal(err)
		}
		a := moveOut(m.day(7))
		a.Kind, a.Corrects = bundle.KindCorrection, res.Receipts[0].Number
		jws, b = m.signed(t, "yamada-taro", apps(a))
		if code, _, e := m.post(t, jws, b.ID); code != http.StatusConflict || e.Code != string(bundle.CodeCorrection) {
			t.Errorf("correcting a %s receipt: %d %+v", status, code, e)
		}
	}
	// two corrections of one receipt in one bundle
	a1, a2 := other, moveOut(m.day(5))
	a1.Kind, a1.Corrects, a2.Kind, a2.Corrects = bundle.KindCorrection, later, bundle.KindCorrection, later
	jws2, b2 := m.signed(t, "yamada-taro", apps(a1, a2))
	if code, _, e := m.post(t, jws2, b2.ID); code < 400 || e.Code != string(bundle.CodeCorrection) {
		t.Errorf("two corrections of one receipt: %d %+v", code, e)
	}
	// an unknown kind
	a1.Kind = "amendment"
	jws3, b3 := m.signed(t, "yamada-taro", apps(a1))
	if code, _, e := m.post(t, jws3, b3.ID); code != http.StatusBadRequest || e.Code != string(bundle.CodeMalformed) {
		t.Errorf("an unknown kind: %d %+v", code, e)
	}
	if n := len(m.receipts(t)); n != 4 { // the first bundle's two, the correction, the rejected one
		t.Fatalf("%d receipts after refusals", n)
	}

	// staff
	admin, err = intake.Open(m.srv.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	ctx := context.Background()
	if err := admin.SetStatus(ctx, earlier, bundle.StatusInReview, ""); err == nil {
		t.Fatal("staff moved a superseded receipt")
	}
	for _, s := range []string{bundle.StatusSuperseded, bundle.StatusWithdrawn} {
		if err := admin.SetStatus(ctx, later, s, ""); err == nil {
			t.Fatalf("staff set %s", s)
		}
	}
	if err := admin.SetStatus(ctx, later, bundle.StatusInReview, ""); err != nil {
		t.Fatal(err)
	}
	audit, _ := admin.Audit(ctx, earlier)
	if len(audit) != 2 || audit[0].Status != bundle.StatusReceived || audit[1].Status != bundle.StatusSuperseded || !strings.Contains(audit[1].Note, later) {
		t.Fatalf("the earlier receipt's audit: %+v", audit)
	}
}

// Another resident's receipt is no receipt to correct (and stays as it
// was).
func TestCorrectionOfAnotherResident(t *testing.T) {
	t.Parallel()
	c := atMidnightJST()
	m := startWith(t, sso.DefaultScopes, intake.Options{Now: c.Now})
	her := m.as(t, sso.DefaultScopes, "nguyen-van-an")
	jws, b := her.signed(t, "nguyen-van-an", nil)
	code, hers, e := her.post(t, jws, b.ID)
	if code != http.StatusCreated {
		t.Fatalf("%d %+v", code, e)
	}
	for _, kind := range []string{bundle.KindCorrection, bundle.KindWithdrawal} {
		a := moveOut(m.day(0))
		a.Kind, a.Corrects = kind, hers.Receipts[0].Number
		jws, b := m.signed(t, "yamada-taro", apps(a))
		if code, _, e := m.post(t, jws, b.ID); code != http.StatusUnprocessableEntity || e.Code != string(bundle.CodeCorrection) || strings.Contains(e.Description, "nguyen") {
			t.Errorf("%s of her receipt: %d %+v", kind, code, e)
		}
	}
	if rs := her.receipts(t); len(rs) != 2 || rs[0].Status != bundle.StatusReceived || rs[0].CorrectedBy != "" {
		t.Fatalf("her receipts: %+v", rs)
	}
	if rs := m.receipts(t); len(rs) != 0 {
		t.Fatalf("his receipts: %+v", rs)
	}
}

// A withdrawal is taken whatever the window (a correction is not); a new
// application for a procedure already filed in an earlier bundle (a second
// move) is filed beside it.
func TestWithdrawalAndWindows(t *testing.T) {
	t.Parallel()
	c := atMidnightJST()
	m := startWith(t, sso.DefaultScopes, intake.Options{Now: c.Now})
	moveDay := m.day(0)
	firstJWS, firstBundle := m.signed(t, "yamada-taro", apps(moveOut(moveDay)))
	_, first, _ := m.post(t, firstJWS, firstBundle.ID)
	earlier := first.Receipts[0].Number
	c.Add(20 * 24 * time.Hour) // ten days past the window's end
	// a retry of what was filed in time gets its receipts, window or not
	if code, again, e := m.post(t, firstJWS, firstBundle.ID); code != http.StatusOK || !again.Repeated || again.Receipts[0].Number != earlier {
		t.Fatalf("a retry after the window: %d %+v %+v", code, again, e)
	}

	fix := moveOut(moveDay)
	fix.Kind, fix.Corrects = bundle.KindCorrection, earlier
	jws, b := m.signed(t, "yamada-taro", apps(fix))
	if code, _, e := m.post(t, jws, b.ID); code != http.StatusUnprocessableEntity || e.Code != string(bundle.CodeClosed) {
		t.Fatalf("a correction after the window: %d %+v", code, e)
	}
	back := bundle.Application{Procedure: "moving-out-notice", Kind: bundle.KindWithdrawal, Corrects: earlier,
		Fields: map[string]any{"reason": "the move was called off"}}
	jws, b = m.signed(t, "yamada-taro", apps(back))
	code, res, e := m.post(t, jws, b.ID)
	if code != http.StatusCreated || res.Receipts[0].Kind != bundle.KindWithdrawal {
		t.Fatalf("a withdrawal after the window: %d %+v %+v", code, res, e)
	}
	rs := m.receipts(t)
	if len(rs) != 2 || rs[0].Number != earlier || rs[0].Status != bundle.StatusWithdrawn || rs[0].CorrectedBy != res.Receipts[0].Number {
		t.Fatalf("%+v", rs)
	}
	// a withdrawal's fields are still checked
	back.Corrects, back.Fields = res.Receipts[0].Number, map[string]any{"reason": strings.Repeat("x", 201)}
	jws, b = m.signed(t, "yamada-taro", apps(back))
	if code, _, e := m.post(t, jws, b.ID); code != http.StatusUnprocessableEntity || e.Code != string(bundle.CodeImplausible) {
		t.Fatalf("a withdrawal with a 201-letter reason: %d %+v", code, e)
	}

	// a later move: new applications beside the earlier ones (one of them live)
	for range 2 {
		jws, b = m.signed(t, "yamada-taro", nil)
		if code, res, e := m.post(t, jws, b.ID); code != http.StatusCreated || len(res.Receipts) != 2 {
			t.Fatalf("a new move: %d %+v", code, e)
		}
	}
	if n := len(m.receipts(t)); n != 6 {
		t.Fatalf("%d receipts", n)
	}
}

// An intake.db made before corrections existed opens, gains the new
// columns, and its receipts move on as before.
func TestOlderDatabase(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`CREATE TABLE bundles (id TEXT PRIMARY KEY, subject TEXT NOT NULL, sha256 TEXT NOT NULL, signer_serial TEXT NOT NULL, received INTEGER NOT NULL)`,
		`CREATE TABLE receipts (number TEXT PRIMARY KEY, bundle TEXT NOT NULL, subject TEXT NOT NULL, procedure TEXT NOT NULL,
			status TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', fields TEXT NOT NULL, updated INTEGER NOT NULL)`,
		`CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, receipt TEXT NOT NULL, status TEXT NOT NULL, note TEXT NOT NULL, at INTEGER NOT NULL)`,
		`CREATE TABLE revoked (serial TEXT PRIMARY KEY, reason TEXT NOT NULL, at INTEGER NOT NULL)`,
		`INSERT INTO bundles VALUES ('b1', 'sub', 'x', '01', 0)`,
		`INSERT INTO receipts(number, bundle, subject, procedure, status, fields, updated) VALUES ('SBX-20251201-000001', 'b1', 'sub', 'nhi-loss', 'received', '{}', 0)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	for range 2 {
		in, err := intake.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		in.Close()
	}
	in, err := intake.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if err := in.SetStatus(context.Background(), "SBX-20251201-000001", bundle.StatusInReview, ""); err != nil {
		t.Fatal(err)
	}
}

// The demo's staff: a receipt goes to review after Advance and is
// completed only Complete after that, so a correction stays possible for
// as long as Complete (the intake takes one until completion).
func TestAdvanceKeepsReviewUntilComplete(t *testing.T) {
	t.Parallel()
	c := atMidnightJST()
	m := startWith(t, sso.DefaultScopes, intake.Options{Now: c.Now, Advance: 20 * time.Millisecond, Complete: time.Hour})
	status := func(number string) string {
		for _, r := range m.receipts(t) {
			if r.Number == number {
				return r.Status
			}
		}
		return ""
	}
	waitFor := func(number, want string) {
		t.Helper()
		for i := 0; status(number) != want; i++ {
			if i > 2000 {
				t.Fatalf("%s never became %s (%s)", number, want, status(number))
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	jws, b := m.signed(t, "yamada-taro", apps(moveOut(m.day(0))))
	_, first, _ := m.post(t, jws, b.ID)
	c.Add(time.Minute)
	waitFor(first.Receipts[0].Number, bundle.StatusInReview)
	// a second filing moved to review proves a whole pass ran after the
	// clock moved again: the first one must still be in review then
	jws2, b2 := m.signed(t, "yamada-taro", apps(bundle.Application{Procedure: "nhi-loss", Fields: map[string]any{"name": "山田 太郎", "move_out_date": m.day(0)}}))
	_, second, e := m.post(t, jws2, b2.ID)
	if len(second.Receipts) == 0 {
		t.Fatalf("second filing: %+v", e)
	}
	c.Add(time.Minute)
	waitFor(second.Receipts[0].Number, bundle.StatusInReview)
	if s := status(first.Receipts[0].Number); s != bundle.StatusInReview {
		t.Fatalf("completed before Complete had passed: %s", s)
	}
	c.Add(time.Hour)
	waitFor(first.Receipts[0].Number, bundle.StatusCompleted)
}
