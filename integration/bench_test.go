package integration

import (
	"context"
	"testing"

	"madoguchi/auth/card"
)

// BenchmarkCardFlowPCSC measures, through pcscd + vpcd + the virtual card, the
// flow a sign-in screen needs: identify the card, read the auth certificate,
// read the four attributes (input-support PIN) and the three PIN counters.
// It reports APDUs and bytes per flow; wall time is ns/op.
func BenchmarkCardFlowPCSC(b *testing.B) {
	_, r := insert(b, "yamada-taro")
	var last card.Stats
	for i := 0; i < b.N; i++ {
		s := connect(b) // a fresh session: no cache carried over
		if _, err := s.Identify(context.Background()); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ReadCertificate(context.Background(), card.CertAuth); err != nil {
			b.Fatal(err)
		}
		for _, sec := range card.Secrets {
			if _, err := s.TriesLeft(context.Background(), sec); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := s.ReadAttributes(context.Background(), card.PIN(r.InputPIN), false); err != nil {
			b.Fatal(err)
		}
		last = s.Stats()
	}
	b.ReportMetric(float64(last.APDUs), "APDUs/flow")
	b.ReportMetric(float64(last.BytesOut+last.BytesIn), "bytes/flow")
}
