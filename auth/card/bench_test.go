package card_test

import (
	"testing"

	"madoguchi/auth/card"
	vcard "madoguchi/sandbox/card"
)

// BenchmarkCardFlowInProcess is the sign-in screen's card flow against the
// in-process virtual card: identify, auth certificate, three PIN counters,
// four attributes. It reports APDUs and bytes per flow, with and without the
// certificate cache (a second session on the same card).
func BenchmarkCardFlowInProcess(b *testing.B) {
	c, _, r := newCard(b, "yamada-taro")
	for _, cached := range []bool{false, true} {
		name := "cold"
		if cached {
			name = "cached"
		}
		b.Run(name, func(b *testing.B) {
			cache := card.NewCache()
			if cached {
				s := card.NewSession(vcard.NewTransport(c), cache)
				s.Identify()
				s.ReadCertificate(card.CertAuth)
			}
			var st card.Stats
			for i := 0; i < b.N; i++ {
				if !cached {
					cache = card.NewCache()
				}
				s := card.NewSession(vcard.NewTransport(c), cache)
				if _, err := s.Identify(); err != nil {
					b.Fatal(err)
				}
				if _, err := s.ReadCertificate(card.CertAuth); err != nil {
					b.Fatal(err)
				}
				for _, sec := range card.Secrets {
					if _, err := s.TriesLeft(sec); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := s.ReadAttributes(card.PIN(r.InputPIN), false); err != nil {
					b.Fatal(err)
				}
				st = s.Stats()
			}
			b.ReportMetric(float64(st.APDUs), "APDUs/flow")
			b.ReportMetric(float64(st.BytesIn+st.BytesOut), "bytes/flow")
		})
	}
}
