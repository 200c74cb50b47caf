package checklist

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"madoguchi/i18n"
	"madoguchi/procedures"
)

// Every text a checklist may print, in every shipped language, has glyphs
// in the PDF font (a missing one would vanish silently from the page).
func TestGlyphsForEveryShippedText(t *testing.T) {
	c, err := procedures.Bundled(i18n.Languages())
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Languages() {
		tr := i18n.New(lang)
		texts := Texts(c, lang)
		for _, k := range []string{"checklist.title", "checklist.made", "checklist.where", "checklist.by", "checklist.bring",
			"checklist.none", "checklist.others", "checklist.footer", "plan.moved", "closed.weekend", "closed.holiday",
			"closed.year-end", "closed.local"} {
			texts = append(texts, tr.T(k, map[string]any{"Event": "x", "Date": tr.DateWithEra(time.Now()), "Where": "x", "Days": 3,
				"Legal": "x", "Reason": "x", "Name": "x"}))
		}
		for _, o := range []string{"old-municipality", "new-municipality", "municipality", "pension-office", "hello-work",
			"old-employer", "new-employer", "insurer", "school", "tax-office", "police", "others"} {
			texts = append(texts, tr.T("office."+o))
		}
		for _, s := range texts {
			if miss, err := Missing(s); err != nil || len(miss) > 0 {
				t.Errorf("%s: no glyph for %q in %q (%v)", lang, string(miss), s, err)
			}
		}
	}
	if miss, _ := Missing("山田 太郎 佐藤 髙橋 𠮷田 﨑 德"); len(miss) != 0 {
		t.Errorf("names: %q", string(miss))
	}
	if miss, _ := Missing("\U0001F600"); len(miss) != 1 {
		t.Error("an emoji has a glyph?")
	}
}

// The moving checklist: a PDF with its counter visits, in Japanese and in
// English.
// movingPlan is the plan of docs/examples/moving.yaml for the 佐藤
// household.
func movingPlan(t *testing.T) *procedures.Plan {
	t.Helper()
	c, _ := procedures.Bundled(i18n.Languages())
	e, _ := c.Event("moving")
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "examples", "moving.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.ParseAnswers(data)
	if err != nil {
		t.Fatal(err)
	}
	me := procedures.Person{Name: "佐藤 健二", BirthDate: time.Date(1982, 7, 1, 0, 0, 0, 0, i18n.JST), HasCard: true, HasSignCert: true}
	hana := procedures.Person{Name: "佐藤 ハナ", BirthDate: time.Date(1984, 2, 2, 0, 0, 0, 0, i18n.JST)}
	yui := procedures.Person{Name: "佐藤 ユイ", BirthDate: time.Date(2018, 5, 5, 0, 0, 0, 0, i18n.JST)}
	p, err := e.Plan(procedures.Facts{Me: me, Household: []procedures.Person{me, hana, yui}, Today: time.Now()}, a, procedures.NewCalendar(nil))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestMovingChecklistPDF(t *testing.T) {
	p := movingPlan(t)
	// every line the checklist prints has its glyphs in the bundled font
	for _, it := range p.Items {
		lines := append(it.Who(i18n.New("ja"), ""), it.DeadlineNotes(i18n.New("ja"))...)
		for _, l := range lines {
			if miss, _ := Missing(l); len(miss) != 0 {
				t.Errorf("%s: no glyph for %q in %q", it.Procedure.ID, string(miss), l)
			}
		}
	}
	for _, lang := range []string{"ja", "en"} {
		out, err := PDF(p, i18n.New(lang), procedures.Overrides{
			OfficeHours:     map[string]procedures.Text{"new-municipality": {"ja": "平日 8:30〜17:15", "en": "weekdays 8:30–17:15"}},
			OfficeAddresses: map[string]procedures.Text{"new-municipality": {"ja": "市役所1階 市民課", "en": "City Hall, 1st floor"}}}, time.Now())
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if !bytes.HasPrefix(out, []byte("%PDF-")) || len(out) < 2000 || !bytes.Contains(out, []byte("FontFile2")) {
			t.Fatalf("%s: not a PDF with an embedded TrueType font (%d bytes)", lang, len(out))
		}
		if dir := os.Getenv("MADOGUCHI_PDF"); dir != "" { // a look (dev): pdftoppm -png
			os.WriteFile(filepath.Join(dir, "moving-"+lang+".pdf"), out, 0o644)
		}
	}
}
