package card_test

import (
	"context"
	"testing"

	"madoguchi/auth/card"
	"madoguchi/sandbox/card/inproc"
	"madoguchi/sandbox/fixtures"
)

// cardOps are the card operations measured by the benchmarks, each on a
// fresh session (a fresh insertion: nothing cached, nothing selected), with
// the fewest APDUs a well-known open-source reader of the card (OpenSC's
// JPKI driver, the jpki/myna reader) needs for the same, where there is one.
func cardOps(r fixtures.Resident) []struct {
	Name   string
	Target int // 0: no reference figure
	Run    func(ctx context.Context, s *card.Session) error
} {
	return []struct {
		Name   string
		Target int
		Run    func(ctx context.Context, s *card.Session) error
	}{
		{"identify", 3, func(ctx context.Context, s *card.Session) error { _, err := s.Identify(ctx); return err }},
		{"auth-cert", 0, func(ctx context.Context, s *card.Session) error {
			_, err := s.ReadCertificate(ctx, card.CertAuth)
			return err
		}},
		{"pin-counters", 8, func(ctx context.Context, s *card.Session) error { _, err := s.PINCounters(ctx); return err }},
		{"attributes", 6, func(ctx context.Context, s *card.Session) error {
			_, err := s.ReadAttributes(ctx, card.PIN(r.InputPIN), false)
			return err
		}},
		{"attributes+mynumber", 8, func(ctx context.Context, s *card.Session) error {
			_, _, err := s.ReadInputSupport(ctx, card.PIN(r.InputPIN), false, true)
			return err
		}},
		// the sign-in screen: identify, auth certificate, counters, attributes
		{"gui-flow", 0, func(ctx context.Context, s *card.Session) error {
			if _, err := s.Identify(ctx); err != nil {
				return err
			}
			if _, err := s.ReadCertificate(ctx, card.CertAuth); err != nil {
				return err
			}
			if _, err := s.PINCounters(ctx); err != nil {
				return err
			}
			_, err := s.ReadAttributes(ctx, card.PIN(r.InputPIN), false)
			return err
		}},
	}
}

// BenchmarkCardOpsInProcess reports APDUs and bytes per operation against
// the in-process virtual card, beside the reference figure ("target").
func BenchmarkCardOpsInProcess(b *testing.B) {
	c, _, r := newCard(b, "yamada-taro")
	for _, op := range cardOps(r) {
		b.Run(op.Name, func(b *testing.B) {
			var st card.Stats
			for i := 0; i < b.N; i++ {
				s := card.NewSession(inproc.NewTransport(c))
				if err := op.Run(b.Context(), s); err != nil {
					b.Fatal(err)
				}
				st = s.Stats()
			}
			b.ReportMetric(float64(st.APDUs), "APDUs/op")
			b.ReportMetric(float64(st.BytesIn+st.BytesOut), "bytes/op")
			if op.Target > 0 {
				b.ReportMetric(float64(op.Target), "target-APDUs")
			}
		})
	}
}

// The economy targets hold (the benchmark prints the figures; this test
// keeps them from creeping back).
func TestAPDUEconomy(t *testing.T) {
	c, _, r := newCard(t, "yamada-taro")
	for _, op := range cardOps(r) {
		if op.Target == 0 {
			continue
		}
		s := card.NewSession(inproc.NewTransport(c))
		if err := op.Run(t.Context(), s); err != nil {
			t.Fatal(op.Name, err)
		}
		if n := s.Stats().APDUs; n > op.Target {
			t.Errorf("%s: %d APDUs, target %d", op.Name, n, op.Target)
		}
	}
	// one VERIFY for attributes and My Number together
	before := c.CommandCount(0x20)
	s := card.NewSession(inproc.NewTransport(c))
	if _, _, err := s.ReadInputSupport(t.Context(), card.PIN(r.InputPIN), false, true); err != nil {
		t.Fatal(err)
	}
	if n := c.CommandCount(0x20) - before; n != 2 { // the counter read and one VERIFY
		t.Fatalf("%d VERIFY commands (counter + PIN), want 2", n)
	}
}
