package procedures

import (
	"testing"
	"time"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/proxy"
)

// What a proxy may do is decided from the grant handed over once: for
// every event and household, every online procedure, and a grant to file
// it, to prepare it, or neither — a procedure the law leaves to the
// principal's signature is never the proxy's to file; otherwise filing
// needs file:, prepare: alone is preparing; the plan may be filed exactly
// when no procedure is held back and the attachments are covered; oneself
// is never held back.
func TestProxyLimitsEveryProcedure(t *testing.T) {
	today := day(t, "2026-06-01")
	all := []string{proxy.CertScope("residence"), proxy.CertScope("tax"), proxy.CertScope("attributes"), proxy.ScopeProtected}
	eachCase(t, households(t, today), day(t, "2026-06-20"), func(id string, e *Event, f Facts, yes bool, _ Answers, p *Plan) {
		if err := p.MayFile(Acting{}); err != nil || p.Limit(Acting{}, "x") != LimitNone {
			t.Fatalf("%s/%s: oneself held back: %v", e.ID, id, err)
		}
		online := p.Online()
		for _, kind := range []string{"file", "prepare", "none"} {
			scopes := append([]string(nil), all...)
			for _, pid := range online {
				switch kind {
				case "file":
					scopes = append(scopes, proxy.FileScope(pid))
				case "prepare":
					scopes = append(scopes, proxy.PrepareScope(pid))
				}
			}
			g := proxy.Grant{Status: proxy.StatusActive, Scopes: scopes, Expires: time.Now().AddDate(1, 0, 0)}
			w := Acting{Principal: "佐藤 ハナ", Grant: &g}
			held := false
			for _, pid := range online {
				want := map[string]string{"file": LimitNone, "prepare": LimitPrepareOnly, "none": LimitNotGranted}[kind]
				if p.OwnSignature(pid) {
					want = LimitOwnSignature
				}
				if got := p.Limit(w, pid); got != want {
					t.Errorf("%s/%s/%s: %s limit %q, want %q", e.ID, id, kind, pid, got, want)
				}
				held = held || want != LimitNone
			}
			err := p.MayFile(w)
			if (err != nil) != held {
				t.Errorf("%s/%s/%s: may file %v, held back %v", e.ID, id, kind, err, held)
			}
			if err != nil && failure.CodeOf(err) != proxy.CodeOwnSignature && failure.CodeOf(err) != proxy.CodeNotGranted {
				t.Errorf("%s/%s/%s: %v", e.ID, id, kind, err)
			}
		}
	})
}
