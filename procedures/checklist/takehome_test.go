package checklist

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"madoguchi/i18n"
	"madoguchi/procedures"
)

// The take-home summary renders in every language (every glyph in the
// font, or it fails), says each receipt filed, carries a QR code, and holds
// no My Number: the plan it prints comes from answers and the record's
// names and dates only.
func TestTakeHomePDFInEveryLanguage(t *testing.T) {
	p := movingPlan(t)
	receipts := []string{"R-2026-000123", "R-2026-000124"}
	status := StatusURI("sandbox-city", receipts)
	u, err := url.Parse(status)
	if err != nil || u.Scheme != "madoguchi" {
		t.Fatalf("status %q: %v", status, err)
	}
	q := u.Query()
	if strings.Join(q["receipt"], ",") != strings.Join(receipts, ",") || len(q) != 2 {
		t.Fatalf("the QR code holds %v", q)
	}
	for _, lang := range i18n.Languages() {
		tr := i18n.New(lang)
		th := TakeHome{Plans: []*procedures.Plan{p}, Status: status}
		for _, r := range receipts {
			th.Filed = append(th.Filed, Filed{Number: r, Procedure: "転出届"})
		}
		out, err := TakeHomePDF(th, tr, procedures.Overrides{}, time.Now())
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if !bytes.HasPrefix(out, []byte("%PDF-")) || !bytes.Contains(out, []byte("/Subtype /Image")) {
			t.Fatalf("%s: not a PDF with the QR picture", lang)
		}
		d := readPDF(t, out)
		for _, r := range receipts {
			if !d.has(t, r) {
				t.Errorf("%s: receipt %s not in the summary", lang, r)
			}
		}
		if n := d.longestDigitRun(t); n >= 12 {
			t.Errorf("%s: a run of %d digits (a My Number?) in the summary", lang, n)
		}
		if dir := os.Getenv("MADOGUCHI_PDF"); dir != "" {
			os.WriteFile(filepath.Join(dir, "takehome-"+lang+".pdf"), out, 0o644)
		}
	}
}
