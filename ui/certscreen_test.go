package ui

import (
	"context"
	"madoguchi/internal/uitest"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"madoguchi/i18n"
)

type fakeWallet struct {
	ready     bool
	certs     []WalletCert
	presented [][]string
	audit     []AuditRow
}

func (f *fakeWallet) Ready() bool                                { return f.ready }
func (f *fakeWallet) Kinds() []string                            { return []string{"residence", "tax", "attributes"} }
func (f *fakeWallet) List(context.Context) ([]WalletCert, error) { return f.certs, nil }
func (f *fakeWallet) Audit(context.Context) ([]AuditRow, error)  { return f.audit, nil }
func (f *fakeWallet) Recipient() (string, string)                { return "sandbox-verifier", "demo" }
func (f *fakeWallet) CanPresent() bool                           { return true }
func (f *fakeWallet) Owner() string                              { return "" }
func (f *fakeWallet) Fetch(_ context.Context, kind string) (WalletCert, error) {
	c := WalletCert{ID: kind + "-1", Kind: kind, Verified: true, IssuedAt: time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC),
		Expires: time.Date(2027, 2, 20, 0, 0, 0, 0, time.UTC),
		Fields:  []Field{{"address", "東京都千代田区"}, {"birth_date", "1985-04-12"}, {"name", "山田 太郎"}}}
	f.certs = append(f.certs, c)
	return c, nil
}
func (f *fakeWallet) Present(_ context.Context, id string, fields []string) error {
	f.presented = append(f.presented, fields)
	f.audit = append(f.audit, AuditRow{At: time.Now(), Certificate: id, Kind: "residence", Fields: fields, To: "sandbox-verifier", Purpose: "demo"})
	return nil
}

func TestCertScreen(t *testing.T) {
	uitest.NewApp(t)
	tr := i18n.New("ja")
	svc := &fakeWallet{}
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1000, 800))
	s := NewCertScreen(w, svc, tr)
	s.async = func(f func()) { f() }
	w.SetContent(s.Object())
	s.Reload()
	if !s.fetch[0].Disabled() || !strings.Contains(labelTexts(t, s.Object()), tr.T("certs.sign_in_first")) {
		t.Fatal("fetch offered before sign-in")
	}
	svc.ready = true
	s.Reload()
	test.Tap(s.fetch[0]) // residence
	all := labelTexts(t, s.Object())
	for _, want := range []string{"住民票の写し — 確認済み", "発行 2026年11月22日 ／ 有効期限 2027年2月20日", "山田 太郎", tr.T("field.birth_date"), tr.T("audit.empty")} {
		if !strings.Contains(all, want) {
			t.Fatalf("missing %q in:\n%s", want, all)
		}
	}
	// consent: nothing goes until fields are ticked and Agree pressed
	var got []string
	form := NewConsentForm(tr, svc.certs[0], "確認先", "練習", s.fieldLabel, func(f []string) { got = f }, func() {})
	test.NewTempWindow(t, form.Content)
	if !form.Agree.Disabled() {
		t.Fatal("Agree enabled with nothing ticked")
	}
	if !strings.Contains(labelTexts(t, form.Content), "「確認先」") || !strings.Contains(labelTexts(t, form.Content), "練習") {
		t.Fatal("consent does not name the recipient and purpose")
	}
	test.Tap(form.Checks["name"])
	test.Tap(form.Checks["address"])
	test.Tap(form.Agree)
	if !slices.Equal(got, []string{"address", "name"}) {
		t.Fatalf("consented fields %v", got)
	}
	// through the screen: the disclosure appears in the audit log
	svc.Present(context.Background(), "residence-1", []string{"name"})
	s.Reload()
	if all := labelTexts(t, s.Object()); !strings.Contains(all, "サンドボックスの確認先（架空の勤務先）") || !strings.Contains(all, "デモ：提出の練習") {
		t.Fatalf("audit row:\n%s", all)
	}
}
