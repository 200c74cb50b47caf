package checklist

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"madoguchi/i18n"
	"madoguchi/procedures"
)

// The letter of authorisation (委任状): what a registered proxy carries to
// the counter for what they may not file online for the principal. It is a
// Japanese form for the municipality's staff, so it is in Japanese whatever
// the app's language. It has no field for the Individual Number (My
// Number) or any PIN, and never will: the letter is handed over the
// counter and kept in the municipality's files.

// Person is someone named on the letter. Empty fields print as blank
// lines to fill in by hand.
type Person struct {
	Name    string
	Address string
	// BirthDate is "YYYY-MM-DD" (printed in the Japanese era), or "".
	BirthDate string
}

// Letter is one 委任状: the principal (委任者) delegates Procedures to the
// proxy (代理人) at the office Municipality addresses.
type Letter struct {
	// Municipality is the addressee as written ("千代田区長 様"); "" leaves
	// a line to fill in before 長 様.
	Municipality string
	// Principal is the person who delegates (委任者, 本人); Proxy the one
	// who goes to the counter (代理人).
	Principal, Proxy Person
	// Procedures are the delegated procedures' Japanese names, one line
	// each (long ones wrap).
	Procedures []string
	// Date is the day it is made (zero: a blank date to fill in).
	Date time.Time
}

const (
	rowH   = 26.0            // a row to write on by hand
	labelX = margin + 14     // where row labels start
	valueX = margin + 86     // where row values start
	rightX = pageW - margin  // the right edge of rows and boxes
	textW  = rightX - valueX // the width of a row's value
)

// LetterPDF renders the letters as one A4 PDF, each letter from a new
// page. A text the font cannot draw fails with CodeGlyphs.
func LetterPDF(letters ...Letter) ([]byte, error) {
	if len(letters) == 0 {
		return nil, errors.New("checklist: no letter to render")
	}
	made := letters[0].Date
	if made.IsZero() {
		made = time.Now()
	}
	w, err := newDocument("委任状", made)
	if err != nil {
		return nil, err
	}
	for i, l := range letters {
		if i > 0 {
			w.header = ""
			w.page()
		}
		w.letter(l)
	}
	if w.err != nil {
		return nil, w.err
	}
	return w.pdf.GetBytesPdfReturnErr()
}

func (w *writer) letter(l Letter) {
	w.header = "委任状（つづき）"
	w.centered("委　任　状", 22)
	w.y += 6
	date := "令和　　年　　月　　日"
	if !l.Date.IsZero() {
		date = i18n.Wareki(l.Date)
	}
	w.right(date, 11)
	w.y += 10
	if l.Municipality != "" {
		w.line("（あて先）"+l.Municipality, margin, 13)
	} else {
		w.text("（あて先）", margin, 13)
		w.rule(margin+70, margin+250)
		w.text("長　様", margin+256, 13)
		w.y += 13 * 1.5
	}
	w.y += 10
	w.line("私は、次の者を代理人と定め、下記の事項を委任します。", margin, 12)
	w.y += 8

	w.heading("代理人")
	w.person(l.Proxy, false)
	w.y += 10

	w.need(13*1.5 + 2*12*1.6)
	w.centered("記", 12)
	w.heading("委任する事項")
	if len(l.Procedures) == 0 {
		for range 3 {
			w.field("", "")
		}
	}
	for i, p := range l.Procedures {
		w.need(12 * 1.6)
		w.text(fmt.Sprintf("%d.", i+1), labelX, 12)
		w.wrapped(p, labelX+22, 12, 1.6)
	}
	w.y += 12

	// the principal's part, the signature box and the notes stay together
	w.need(13*1.5 + 4*rowH + 100)
	w.heading("委任者（本人）")
	w.person(l.Principal, true)
	w.y += 4
	w.signatureBox()
	w.y += 8
	for _, n := range []string{
		"※ 氏名欄とは別に、上の枠に委任者本人が自署してください。",
		"※ 代理人は、窓口で代理人本人の本人確認書類（運転免許証など）を提示してください。",
		"※ 暗証番号や個人番号（マイナンバー）は、この委任状に書かないでください。",
		"※ 手続きによっては、窓口の決められた様式や、ほかの書類を求められることがあります。",
	} {
		w.line(n, margin, 8.5)
	}
}

// heading is a section's title.
func (w *writer) heading(s string) {
	w.need(13*1.5 + rowH)
	w.line("【"+s+"】", margin, 13)
	w.y += 2
}

// person writes a person's rows: address, name, birth date (and a phone
// line for the principal).
func (w *writer) person(p Person, phone bool) {
	w.field("住所", p.Address)
	w.field("氏名", p.Name)
	born := "明・大・昭・平・令　　　年　　　月　　　日"
	if p.BirthDate != "" {
		born = p.BirthDate // as given when it is not a date
		if t, err := time.ParseInLocation(time.DateOnly, p.BirthDate, i18n.JST); err == nil {
			born = i18n.New("ja").DateWithEra(t)
		}
	}
	w.field("生年月日", born)
	if phone {
		w.field("電話番号", "")
	}
}

// field is a labelled row to write on: the value wrapped over as many
// ruled lines as it needs, or one blank ruled line.
func (w *writer) field(label, value string) {
	if !w.glyphs(label + value) {
		return
	}
	lines := []string{""}
	if value != "" {
		lines = w.split(value, textW, 11)
	}
	for i, l := range lines {
		w.need(rowH)
		if i == 0 && label != "" {
			w.text(label, labelX, 10)
		}
		w.text(l, valueX, 11)
		w.rule(valueX-4, rightX)
		w.y += rowH
	}
}

// signatureBox is the framed space the principal signs in by hand.
func (w *writer) signatureBox() {
	const h = 62.0
	w.need(h + 16)
	if w.err != nil {
		return
	}
	w.text("自署欄", labelX, 10)
	w.y += 6
	w.pdf.SetLineWidth(1.2)
	w.pdf.RectFromUpperLeftWithStyle(margin, w.y, rightX-margin, h, "D")
	w.y += 14
	w.text("委任者本人が自署してください", margin+8, 9)
	w.y += h - 14 + 12
}

// text writes s once at x on the current baseline (no wrap, no advance).
func (w *writer) text(s string, x, pt float64) {
	if w.err != nil || s == "" || !w.glyphs(s) {
		return
	}
	w.size(pt)
	w.pdf.SetXY(x, w.y)
	if w.err == nil {
		w.err = w.pdf.Text(s)
	}
}

// wrapped writes s from x to the right margin, the lines spaced by gap
// times the size, and advances.
func (w *writer) wrapped(s string, x, pt, gap float64) {
	if w.err != nil || !w.glyphs(s) {
		return
	}
	for _, l := range w.split(s, rightX-x, pt) {
		w.need(pt * gap)
		w.text(l, x, pt)
		w.y += pt * gap
	}
}

// split breaks s into lines of at most width at size pt (at spaces where
// it can, anywhere in Japanese text).
func (w *writer) split(s string, width, pt float64) []string {
	if w.err != nil {
		return nil
	}
	w.size(pt)
	lines, err := w.pdf.SplitTextWithWordWrap(s, width)
	if err != nil || len(lines) == 0 {
		return []string{s}
	}
	return lines
}

// centered writes s centred on the page and advances.
func (w *writer) centered(s string, pt float64) {
	w.aligned(s, pt, func(width float64) float64 { return (pageW - width) / 2 })
}

// right writes s against the right margin and advances.
func (w *writer) right(s string, pt float64) {
	w.aligned(s, pt, func(width float64) float64 { return rightX - width })
}

func (w *writer) aligned(s string, pt float64, x func(width float64) float64) {
	if w.err != nil || !w.glyphs(s) {
		return
	}
	w.size(pt)
	width, err := w.pdf.MeasureTextWidth(s)
	if err != nil || width > rightX-margin || strings.ContainsRune(s, '\n') {
		w.wrapped(s, margin, pt, 1.5)
		return
	}
	w.need(pt * 1.5)
	w.text(s, x(width), pt)
	w.y += pt * 1.5
}

// rule draws a writing line from x1 to x2 under the current baseline.
func (w *writer) rule(x1, x2 float64) {
	if w.err != nil {
		return
	}
	w.pdf.SetLineWidth(0.6)
	w.pdf.Line(x1, w.y+5, x2, w.y+5)
}

// Letters are the letters of authorisation for what the plan leaves the
// proxy to do at the counter (procedures.Plan.ForLetter), one per office:
// the current municipality's addressed to its head (city: its name), the
// new one's left to fill in.
func Letters(sel procedures.ForLetter, principal, proxy Person, city string, date time.Time) []Letter {
	var out []Letter
	for _, g := range sel.Letters {
		l := Letter{Principal: principal, Proxy: proxy, Date: date}
		if g.Here && city != "" {
			l.Municipality = city + "長 様"
		}
		for _, it := range g.Items {
			// done at the counter: an online procedure's name without its "(online)"
			l.Procedures = append(l.Procedures, strings.TrimSuffix(it.Procedure.Name.In("ja"), "（オンライン）"))
		}
		out = append(out, l)
	}
	return out
}

// PersonOf is the person a residence record's facts describe (blank where
// it says nothing).
func PersonOf(f procedures.Facts) Person {
	p := Person{Name: f.Me.Name}
	if !f.Me.BirthDate.IsZero() {
		p.BirthDate = f.Me.BirthDate.In(i18n.JST).Format(time.DateOnly)
	}
	if s, ok := f.Attributes["address"].Value.(string); ok {
		p.Address = strings.TrimSpace(s)
	}
	return p
}
