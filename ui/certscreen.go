package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"madoguchi/i18n"
	"madoguchi/i18n/failure"
)

// CertScreen is "My certificates": the list (type, issue date, expiry,
// verified badge), fetching with progress, a detail view of each field, the
// consent step before any field leaves the app, and the audit log.
type CertScreen struct {
	win     fyne.Window
	svc     WalletService
	tr      *i18n.Localizer
	list    *fyne.Container
	detail  *fyne.Container
	audit   *fyne.Container
	status  *Para
	busy    *widget.ProgressBarInfinite
	failure *FailureBox
	fetch   []*Button
	root    fyne.CanvasObject
	async   func(func())
}

// NewCertScreen builds the screen.
func NewCertScreen(win fyne.Window, svc WalletService, tr *i18n.Localizer) *CertScreen {
	s := &CertScreen{win: win, svc: svc, tr: tr, async: func(f func()) { go f() }}
	s.list = container.NewVBox()
	s.detail = container.NewVBox(widget.NewLabel(tr.T("certs.pick")))
	s.audit = container.NewVBox()
	s.status = wrapped("")
	s.failure = NewFailureBox(tr)
	s.busy = widget.NewProgressBarInfinite()
	s.busy.Stop()
	s.busy.Hide()
	var buttons []fyne.CanvasObject
	for _, kind := range svc.Kinds() {
		b := NewButton(tr.T("certs.fetch", map[string]any{"Kind": tr.T("certkind." + kind)}), func() { s.onFetch(kind) })
		s.fetch = append(s.fetch, b)
		buttons = append(buttons, b)
	}
	left := container.NewVBox(
		newCard(whose(tr, "certs.mine", svc.Owner()), tr.T("certs.mine_hint"), container.NewVBox(s.list)),
		newCard(tr.T("certs.get"), "", container.NewVBox(append(buttons, s.busy, s.status, s.failure.Object())...)),
	)
	right := container.NewVBox(
		newCard(tr.T("certs.detail"), "", s.detail),
		newCard(tr.T("audit.title"), tr.T("audit.hint"), s.audit),
	)
	s.root = container.NewVScroll(NewColumns(left, right))
	return s
}

// whose is key's text, or — acting for someone — key+"_of" with their name
// ("わたしの証明書" becomes "佐藤 ハナさんの証明書").
func whose(tr *i18n.Localizer, key, owner string) string {
	if owner == "" {
		return tr.T(key)
	}
	return tr.T(key+"_of", map[string]any{"Name": owner})
}

// Object is the screen's canvas object.
func (s *CertScreen) Object() fyne.CanvasObject { return s.root }

// Reload re-reads the list and the audit log. Main goroutine only.
func (s *CertScreen) Reload() {
	ready := s.svc.Ready()
	for _, b := range s.fetch {
		if ready {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	if !ready {
		s.list.Objects = []fyne.CanvasObject{widget.NewLabel(s.tr.T("certs.sign_in_first"))}
		s.list.Refresh()
		return
	}
	s.async(func() {
		certs, err := s.svc.List(context.Background())
		log, _ := s.svc.Audit(context.Background())
		fyne.Do(func() {
			if err != nil {
				s.failure.Show(err)
			}
			s.showList(certs)
			s.showAudit(log)
		})
	})
}

func (s *CertScreen) date(t time.Time) string { return s.tr.Date(t) }

func (s *CertScreen) showList(certs []WalletCert) {
	var rows []fyne.CanvasObject
	if len(certs) == 0 {
		rows = append(rows, widget.NewLabel(s.tr.T("certs.none")))
	}
	for _, c := range certs {
		badge := s.tr.T("certs.verified")
		if !c.Verified {
			code := failure.From(c.Err).Code
			badge = s.tr.T("certs.not_verified", map[string]any{"Code": code})
		}
		line := fmt.Sprintf("%s — %s", s.tr.T("certkind."+c.Kind), badge)
		sub := s.tr.T("certs.dates", map[string]any{"Issued": s.date(c.IssuedAt), "Expires": s.date(c.Expires)})
		open := NewButton(s.tr.T("certs.open"), func() { s.showDetail(c) })
		title := widget.NewLabelWithStyle(line, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		if !c.Verified {
			title.Importance = widget.DangerImportance
		}
		rows = append(rows, container.NewBorder(nil, nil, nil, open, container.NewVBox(title, widget.NewLabel(sub))))
	}
	s.list.Objects = rows
	s.list.Refresh()
}

// orderFields puts fields in the order a person reads them (name first).
func orderFields(fs []Field) []Field {
	names := make([]string, len(fs))
	byName := map[string]Field{}
	for i, f := range fs {
		names[i], byName[f.Name] = f.Name, f
	}
	out := make([]Field, 0, len(fs))
	for _, n := range i18n.OrderFields(names) {
		out = append(out, byName[n])
	}
	return out
}

// fieldLabel names a field for people; nested paths read
// "Address (parts) › Prefecture", array elements "Household members 2".
func (s *CertScreen) fieldLabel(path string) string {
	var parts []string
	for _, seg := range strings.Split(path, ".") {
		name, idx, _ := strings.Cut(seg, "[")
		label := name
		if s.tr.Has("field." + name) {
			label = s.tr.T("field." + name)
		}
		for idx != "" {
			n, rest, _ := strings.Cut(idx, "]")
			if i, err := strconv.Atoi(n); err == nil {
				label += " " + strconv.Itoa(i+1)
			}
			idx = strings.TrimPrefix(rest, "[")
		}
		parts = append(parts, label)
	}
	return strings.Join(parts, " › ")
}

func (s *CertScreen) showDetail(c WalletCert) {
	rows := []fyne.CanvasObject{widget.NewLabelWithStyle(s.tr.T("certkind."+c.Kind), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	for _, f := range orderFields(c.Fields) {
		v := wrapped(s.tr.FieldValue(f.Name, f.Value))
		rows = append(rows, container.NewVBox(widget.NewLabelWithStyle(s.fieldLabel(f.Name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), v))
	}
	if c.Verified && s.svc.CanPresent() {
		rows = append(rows, NewButton(s.tr.T("consent.start"), func() { s.consent(c) }))
	}
	s.detail.Objects = rows
	s.detail.Refresh()
}

// ConsentForm lists exactly which fields go to whom and why; nothing is
// sent until the person ticks the fields and presses Agree.
type ConsentForm struct {
	Checks  map[string]*widget.Check
	Agree   *Button
	Cancel  *Button
	Content fyne.CanvasObject
}

// NewConsentForm builds the consent content for a certificate.
func NewConsentForm(tr *i18n.Localizer, c WalletCert, recipient, purpose string, label func(string) string,
	onAgree func(fields []string), onCancel func()) *ConsentForm {
	f := &ConsentForm{Checks: map[string]*widget.Check{}}
	head := wrapped(tr.T("consent.head", map[string]any{"Recipient": recipient, "Purpose": purpose, "Kind": tr.T("certkind." + c.Kind)}))
	items := []fyne.CanvasObject{head}
	f.Agree = NewButton(tr.T("consent.agree"), nil)
	f.Agree.Importance = widget.HighImportance
	f.Agree.Disable()
	update := func(bool) {
		any := false
		for _, ch := range f.Checks {
			any = any || ch.Checked
		}
		if any {
			f.Agree.Enable()
		} else {
			f.Agree.Disable()
		}
	}
	for _, fl := range orderFields(c.Fields) {
		ch := widget.NewCheck(label(fl.Name)+"："+tr.FieldValue(fl.Name, fl.Value), update)
		f.Checks[fl.Name] = ch
		items = append(items, ch)
	}
	note := wrapped(tr.T("consent.note"))
	f.Agree.OnTapped = func() {
		var fields []string
		for _, fl := range c.Fields {
			if f.Checks[fl.Name].Checked {
				fields = append(fields, fl.Name)
			}
		}
		onAgree(fields)
	}
	f.Cancel = NewButton(tr.T("common.cancel"), onCancel)
	items = append(items, note, container.NewHBox(f.Cancel, f.Agree))
	f.Content = container.NewVBox(items...)
	return f
}

// label translates an id ("recipient.x", "purpose.y") or shows it as is.
func (s *CertScreen) label(prefix, id string) string {
	if s.tr.Has(prefix + id) {
		return s.tr.T(prefix + id)
	}
	return id
}

func (s *CertScreen) consent(c WalletCert) {
	rid, pid := s.svc.Recipient()
	name, purpose := s.label("recipient.", rid), s.label("purpose.", pid)
	var d dialog.Dialog
	form := NewConsentForm(s.tr, c, name, purpose, s.fieldLabel, func(fields []string) {
		d.Hide()
		s.status.SetText(s.tr.T("consent.sending"))
		s.async(func() {
			err := s.svc.Present(context.Background(), c.ID, fields)
			fyne.Do(func() {
				if err != nil {
					s.status.SetText("")
					s.failure.Show(err)
					return
				}
				s.status.SetText(s.tr.T("consent.sent", map[string]any{"Recipient": name, "Fields": s.joinLabels(fields)}))
				s.Reload()
			})
		})
	}, func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(s.tr.T("consent.title"), container.NewVScroll(form.Content), s.win)
	showDialog(s.win, d, nil)
	d.Resize(fyne.NewSize(560, 520))
}

func (s *CertScreen) joinLabels(fields []string) string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = s.fieldLabel(f)
	}
	return strings.Join(out, s.tr.T("list.separator"))
}

func (s *CertScreen) showAudit(rows []AuditRow) {
	var items []fyne.CanvasObject
	if len(rows) == 0 {
		items = append(items, widget.NewLabel(s.tr.T("audit.empty")))
	}
	for i := len(rows) - 1; i >= 0; i-- { // newest first
		r := rows[i]
		l := wrapped(s.tr.T("audit.row", map[string]any{
			"At": s.tr.DateTime(r.At), "Kind": s.tr.T("certkind." + r.Kind), "To": s.label("recipient.", r.To),
			"Purpose": s.label("purpose.", r.Purpose),
			"Fields":  s.joinLabels(r.Fields)}))
		items = append(items, l)
	}
	s.audit.Objects = items
	s.audit.Refresh()
}

func (s *CertScreen) onFetch(kind string) {
	for _, b := range s.fetch {
		b.Disable()
	}
	s.failure.Hide()
	s.status.SetText(s.tr.T("certs.fetching", map[string]any{"Kind": s.tr.T("certkind." + kind)}))
	s.busy.Show()
	s.busy.Start()
	s.async(func() {
		c, err := s.svc.Fetch(context.Background(), kind)
		fyne.Do(func() {
			s.busy.Stop()
			s.busy.Hide()
			for _, b := range s.fetch {
				b.Enable()
			}
			if err != nil {
				s.status.SetText("")
				s.failure.Show(err)
				return
			}
			s.status.SetText(s.tr.T("certs.fetched", map[string]any{"Kind": s.tr.T("certkind." + kind)}))
			s.showDetail(c)
			s.Reload()
		})
	})
}
