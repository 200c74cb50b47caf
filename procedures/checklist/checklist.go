// Package checklist owns the printable checklist of a plan's counter
// visits: where to go (and its hours), by when, what to bring — an A4 PDF
// with Japanese text; and the letter of authorisation (委任状) a proxy
// carries there for the principal (letter.go). The PDF libraries embed
// TrueType only, so the app's Noto Sans JP is carried here as TrueType
// (converted by scripts/font-ttf.py, same font and licence); every text is
// checked against the font's glyphs, since a missing glyph would silently
// vanish.
package checklist

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/sfnt"

	"madoguchi/i18n"
	"madoguchi/i18n/failure"
	"madoguchi/procedures"
)

//go:embed NotoSansJP-Regular.ttf.gz
var fontGz []byte

var (
	fontOnce sync.Once
	fontTTF  []byte
	fontSfnt *sfnt.Font
	fontErr  error
)

func loadFont() ([]byte, *sfnt.Font, error) {
	fontOnce.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(fontGz))
		if err != nil {
			fontErr = err
			return
		}
		if fontTTF, fontErr = io.ReadAll(zr); fontErr != nil {
			return
		}
		fontSfnt, fontErr = sfnt.Parse(fontTTF)
	})
	return fontTTF, fontSfnt, fontErr
}

// CodeGlyphs: a text has characters the PDF font cannot draw.
const CodeGlyphs failure.Code = "CHECKLIST-GLYPHS"

// CodeNoLetter: asked for a letter of authorisation where nothing in the
// plan needs one.
const CodeNoLetter failure.Code = "LETTER-NOT-NEEDED"

// Codes lists the checklist's failure codes.
var Codes = failure.Register("procedures/checklist", CodeGlyphs, CodeNoLetter)

// Missing lists the characters of s the font has no glyph for.
func Missing(s string) ([]rune, error) {
	_, f, err := loadFont()
	if err != nil {
		return nil, err
	}
	var buf sfnt.Buffer
	var out []rune
	for _, r := range s {
		if r == '\n' || r == '\t' {
			continue
		}
		if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
			out = append(out, r)
		}
	}
	return out, nil
}

const (
	pageW, pageH = 595.28, 841.89 // A4 in points
	margin       = 48.0
)

type writer struct {
	pdf *gopdf.GoPdf
	y   float64
	err error
	// header, when set, is printed small at the top of every page a
	// break adds ("委任状（つづき）").
	header string
}

// newDocument starts an A4 document with the Japanese font and its first
// page (the metadata carries only the title, never a person's data).
func newDocument(title string, made time.Time) (*writer, error) {
	ttf, _, err := loadFont()
	if err != nil {
		return nil, err
	}
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
	pdf.SetInfo(gopdf.PdfInfo{Title: title, Creator: "Madoguchi", CreationDate: made})
	if err := pdf.AddTTFFontData("jp", ttf); err != nil {
		return nil, err
	}
	pdf.AddPage()
	return &writer{pdf: pdf, y: margin + 10}, nil
}

// page starts a new page (with the header, if any).
func (w *writer) page() {
	w.pdf.AddPage()
	w.y = margin
	if w.header != "" && w.err == nil {
		w.size(8)
		w.pdf.SetXY(margin, w.y)
		w.err = w.pdf.Text(w.header)
		w.y += 20
	}
}

// need starts a new page unless h points fit above the bottom margin.
func (w *writer) need(h float64) {
	if w.y+h > pageH-margin {
		w.page()
	}
}

// glyphs fails the document (CodeGlyphs) when the font cannot draw text.
func (w *writer) glyphs(text string) bool {
	if w.err != nil {
		return false
	}
	if miss, err := Missing(text); err != nil || len(miss) > 0 {
		w.err = failure.Newf(CodeGlyphs, "no glyph for %q", string(miss))
		return false
	}
	return true
}

func (w *writer) size(pt float64) {
	if w.err == nil {
		w.err = w.pdf.SetFont("jp", "", pt)
	}
}

// line writes text wrapped to the page width at x, with line height lh.
func (w *writer) line(text string, x, pt float64) {
	if w.err != nil || text == "" || !w.glyphs(text) {
		return
	}
	w.size(pt)
	lines, err := w.pdf.SplitTextWithWordWrap(text, pageW-margin-x)
	if err != nil {
		lines = []string{text}
	}
	for _, l := range lines {
		w.need(pt * 1.5)
		w.pdf.SetXY(x, w.y)
		if w.err = w.pdf.Text(l); w.err != nil {
			return
		}
		w.y += pt * 1.5
	}
}

// box draws an empty checkbox at the current line.
func (w *writer) box(x float64) {
	w.pdf.SetLineWidth(0.8)
	w.pdf.RectFromUpperLeftWithStyle(x, w.y-9, 9, 9, "D")
}

// PDF renders the plan's checklist in the person's language: each counter
// visit with where (and the office's hours when the municipality gives
// them), by when, and what to bring; then what others do or is for
// information.
func PDF(p *procedures.Plan, tr *i18n.Localizer, o procedures.Overrides, now time.Time) ([]byte, error) {
	lang := tr.Lang()
	w, err := newDocument(p.Event.Name.In(lang), now)
	if err != nil {
		return nil, err
	}
	w.line(tr.T("checklist.title", map[string]any{"Event": p.Event.Name.In(lang)}), margin, 18)
	w.line(tr.T("checklist.made", map[string]any{"Date": tr.DateWithEra(now)}), margin, 9)
	w.y += 8
	w.plan(p, tr, o)
	w.y += 10
	w.line(tr.T("checklist.footer"), margin, 8)
	if w.err != nil {
		return nil, w.err
	}
	return w.pdf.GetBytesPdfReturnErr()
}

// plan writes a plan's counter visits, then what others do.
func (w *writer) plan(p *procedures.Plan, tr *i18n.Localizer, o procedures.Overrides) {
	lang := tr.Lang()
	n := 0
	for _, it := range p.Items {
		pr := it.Procedure
		if it.Channel != procedures.ChannelCounter {
			continue
		}
		n++
		w.y += 6
		w.box(margin)
		w.line(fmt.Sprintf("%d. %s", n, pr.Name.Counter(lang)), margin+16, 13)
		where := tr.T("office." + pr.Office)
		if a := o.OfficeAddresses[pr.Office].In(lang); a != "" {
			where += " — " + a
		}
		if h := o.OfficeHours[pr.Office].In(lang); h != "" {
			where += "（" + h + "）"
		}
		w.line(tr.T("checklist.where", map[string]any{"Where": where}), margin+16, 10)
		if d := it.Deadline; d != nil {
			w.line(tr.T("checklist.by", map[string]any{"Date": tr.DateWithEra(d.Effective), "Days": it.DaysLeft}), margin+16, 10)
			for _, n := range it.DeadlineNotes(tr) {
				w.line(n, margin+16, 9)
			}
		}
		for _, who := range it.Who(tr, "") {
			w.line(who, margin+16, 9)
		}
		var bring []string
		for _, doc := range it.Documents {
			if b := doc.Bring.In(lang); b != "" {
				bring = append(bring, b)
			}
		}
		if len(bring) > 0 {
			w.line(tr.T("checklist.bring"), margin+16, 10)
			for _, b := range bring {
				w.box(margin + 28)
				w.line(b, margin+42, 10)
			}
		}
		w.line(pr.Why.In(lang), margin+16, 9)
	}
	if n == 0 {
		w.line(tr.T("checklist.none"), margin, 11)
	}
	var others []string
	for _, it := range p.Items {
		if it.Channel == procedures.ChannelOther || it.Channel == procedures.ChannelOnline {
			others = append(others, it.Procedure.Name.In(lang)+" — "+tr.T("office."+it.Procedure.Office))
		}
	}
	if len(others) > 0 {
		w.y += 10
		w.line(tr.T("checklist.others"), margin, 12)
		for _, o := range others {
			w.line("・"+o, margin+10, 10)
		}
	}
}

// Texts are every text a checklist of p may print, for the glyph check.
func Texts(c *procedures.Catalog, lang string) []string {
	var out []string
	for _, e := range c.Events {
		out = append(out, e.Name.In(lang))
		for _, p := range e.Procedures {
			out = append(out, p.Name.In(lang), p.Why.In(lang))
			for _, d := range p.Documents {
				out = append(out, d.Bring.In(lang))
			}
		}
	}
	return slicesCompact(out)
}

func slicesCompact(in []string) []string {
	var out []string
	for _, s := range in {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}
