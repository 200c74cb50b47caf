package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"madoguchi/auth/card"
	"madoguchi/i18n"
	"madoguchi/i18n/failure"
)

// check is one line of `madoguchi doctor`.
type check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
	Code   string `json:"code,omitempty"`
	// Warn marks a passing check that deserves attention (e.g. one try left).
	Warn bool  `json:"warn,omitempty"`
	err  error // the failure of a failed check
	// text is Detail for people, in their language ("" : Detail as is).
	text string
}

// diagnose runs the checks in order, stopping where later ones cannot run.
func diagnose(ctx context.Context, src *cardSource, loc *i18n.Localizer, now time.Time) []check {
	tr := loc.T
	var out []check
	fail := func(name string, err error) {
		out = append(out, check{Name: name, Code: string(failure.From(err).Code), Detail: err.Error(), err: err})
	}
	b, closeB, err := src.backend()
	if err != nil {
		fail("pcsc", err)
		return out
	}
	defer closeB()
	out = append(out, check{Name: "pcsc", OK: true})
	rs, err := b.Wait(ctx, nil)
	if err != nil {
		fail("readers", err)
		return out
	}
	if len(rs) == 0 {
		fail("readers", card.ErrNoReader)
		return out
	}
	var names []string
	for _, r := range rs {
		names = append(names, r.Name)
	}
	out = append(out, check{Name: "readers", OK: true, Detail: strings.Join(names, ", ")})
	s, done, err := src.openIdentified(ctx)
	if err != nil {
		fail("card", err)
		return out
	}
	defer done()
	out = append(out, check{Name: "card", OK: true, Detail: s.Transport().Reader() + ": " + card.KindMyNumberCard.String()})
	counters, err := s.PINCounters(ctx)
	if err != nil {
		fail("counters", err)
		return out
	}
	for _, pc := range counters {
		name := "counter." + string(pc.Secret)
		switch {
		case pc.Err != nil && failure.CodeOf(pc.Err) == card.CodeNoSignCert:
			out = append(out, check{Name: name, OK: true, Detail: "none on this card", text: tr("pins.none")})
		case pc.Err != nil:
			fail(name, pc.Err)
		case pc.TriesLeft == 0:
			fail(name, failure.New(card.CodePINBlocked, "").With(card.DataSecret, string(pc.Secret)))
		default:
			max := pc.Secret.MaxTries()
			out = append(out, check{Name: name, OK: true, Warn: pc.TriesLeft == 1,
				Detail: fmt.Sprintf("%d/%d", pc.TriesLeft, max),
				text:   tr("pins.tries", map[string]any{"TriesLeft": pc.TriesLeft, "Max": max})})
		}
	}
	certs, errs := s.ReadCertificates(ctx, card.PublicCerts...)
	for i, which := range card.PublicCerts {
		name := "cert." + which.String()
		switch cert, err := certs[i], errs[i]; {
		case err != nil && failure.CodeOf(err) == card.CodeNoSignCert:
			out = append(out, check{Name: name, OK: true, Detail: "none on this card", text: tr("cert.none")})
		case err != nil:
			fail(name, err)
		case now.After(cert.NotAfter):
			fail(name, failure.New(CodeCertExpired, "expired "+cert.NotAfter.In(i18n.JST).Format(time.DateOnly)).
				With("Cert", tr("cert."+which.String())).With("Date", loc.Date(cert.NotAfter)))
		default:
			out = append(out, check{Name: name, OK: true, Detail: "valid until " + cert.NotAfter.In(i18n.JST).Format(time.DateOnly),
				text: tr("cert.valid_until", map[string]any{"Date": loc.Date(cert.NotAfter)}),
				Warn: cert.NotAfter.Sub(now) < 90*24*time.Hour})
		}
	}
	return out
}

func (r *runner) doctorCommand() *cobra.Command {
	var src cardSource
	c := &cobra.Command{Use: "doctor", Short: "check the card service, reader, card, PIN counters and certificates", Args: r.noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return r.doctor(cmd.Context(), &src) }}
	src.flags(c.Flags())
	r.jsonFlag(c)
	return c
}

func (r *runner) doctor(ctx context.Context, src *cardSource) error {
	env := r.env
	checks := diagnose(ctx, src, env.Tr, time.Now())
	failed := 0
	for _, c := range checks {
		if !c.OK {
			failed++
		}
	}
	if r.json {
		if err := writeJSON(env.Stdout, map[string]any{"ok": failed == 0, "checks": checks}); err != nil {
			return err
		}
	} else {
		tr := env.Tr
		fmt.Fprintln(env.Stdout, tr.T("doctor.title"))
		for _, c := range checks {
			label := doctorLabel(tr.T, c.Name)
			switch {
			case c.OK && c.Warn:
				fmt.Fprintf(env.Stdout, "! %s: %s\n", label, c.human())
			case c.OK:
				d := c.human()
				if d == "" {
					d = tr.T("doctor.ok")
				}
				fmt.Fprintf(env.Stdout, "✓ %s: %s\n", label, d)
			default:
				f := tr.Explain(c.err)
				fmt.Fprintf(env.Stdout, "✗ %s: %s [%s]\n    %s\n    %s\n", label, f.Title, c.Code, f.Cause, f.Action)
			}
		}
		if failed == 0 {
			fmt.Fprintln(env.Stdout, tr.T("doctor.summary_ok"))
		} else {
			fmt.Fprintln(env.Stdout, tr.T("doctor.summary_fail", map[string]any{"Count": failed}))
		}
	}
	if failed > 0 {
		return errSilent
	}
	return nil
}

func doctorLabel(t func(string, ...map[string]any) string, name string) string {
	switch {
	case name == "pcsc":
		return t("doctor.pcsc")
	case name == "readers":
		return t("doctor.readers")
	case name == "card":
		return t("doctor.card")
	case strings.HasPrefix(name, "counter."):
		return t("secret." + strings.TrimPrefix(name, "counter."))
	case strings.HasPrefix(name, "cert."):
		return t(name)
	}
	return name
}

// human is the detail for people.
func (c check) human() string {
	if c.text != "" {
		return c.text
	}
	return c.Detail
}
