package checklist

import (
	"bytes"
	"image"
	"image/png"
	"net/url"
	"time"

	"github.com/signintech/gopdf"
	qrcode "github.com/skip2/go-qrcode"

	"madoguchi/i18n"
	"madoguchi/procedures"
)

// Filed is one procedure filed in a kiosk session: its receipt number and
// its name as the screen said it (with the Japanese beside it).
type Filed struct {
	Number, Procedure string
}

// TakeHome is what a resident takes home from the community-centre
// counter: what was filed (receipt numbers), the plans of the events they
// worked on (what remains: counter visits, where, hours, what to bring, by
// when), and a QR code that opens the same status elsewhere. It never holds
// the My Number or a secret: nothing in it comes from the card but the
// plans' dates.
type TakeHome struct {
	Filed []Filed
	Plans []*procedures.Plan
	// Status is what the QR code holds (StatusURI).
	Status string
}

// StatusURI is what the take-home QR code holds: the municipality and the
// receipt numbers, nothing else — `madoguchi` on the resident's own PC (or
// the municipality's status page on a phone) shows their status after
// signing in there.
func StatusURI(municipality string, receipts []string) string {
	return "madoguchi:status?" + url.Values{"municipality": {municipality}, "receipt": receipts}.Encode()
}

// QRPNG is the QR code of text as a PNG of about size pixels.
func QRPNG(text string, size int) ([]byte, error) {
	return qrcode.Encode(text, qrcode.Medium, size)
}

// TakeHomePDF renders the take-home summary in the resident's language.
func TakeHomePDF(t TakeHome, tr *i18n.Localizer, o procedures.Overrides, now time.Time) ([]byte, error) {
	w, err := newDocument(tr.T("takehome.title"), now)
	if err != nil {
		return nil, err
	}
	w.line(tr.T("takehome.title"), margin, 18)
	w.line(tr.T("checklist.made", map[string]any{"Date": tr.DateWithEra(now)}), margin, 9)
	w.y += 8
	w.line(tr.T("takehome.filed", map[string]any{"Count": len(t.Filed)}), margin, 13)
	for _, f := range t.Filed {
		w.line("・"+tr.T("takehome.receipt", map[string]any{"Number": f.Number, "Procedure": f.Procedure}), margin+10, 10)
	}
	if len(t.Filed) == 0 {
		w.line(tr.T("takehome.none_filed"), margin+10, 10)
	}
	for _, p := range t.Plans {
		w.y += 12
		w.line(tr.T("checklist.title", map[string]any{"Event": p.Event.Name.In(tr.Lang())}), margin, 14)
		w.plan(p, tr, o)
	}
	if t.Status != "" && w.err == nil {
		png, err := QRPNG(t.Status, 256)
		if err != nil {
			return nil, err
		}
		img, err := decodePNG(png)
		if err != nil {
			return nil, err
		}
		const side = 110.0
		w.y += 12
		w.need(side + 40)
		w.line(tr.T("takehome.qr"), margin, 10)
		if w.err == nil {
			w.err = w.pdf.ImageFrom(img, margin, w.y, &gopdf.Rect{W: side, H: side})
		}
		w.y += side
	}
	w.y += 10
	w.line(tr.T("takehome.footer"), margin, 8)
	if w.err != nil {
		return nil, w.err
	}
	return w.pdf.GetBytesPdfReturnErr()
}

func decodePNG(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }
