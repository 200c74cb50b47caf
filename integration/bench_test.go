package integration

import (
	"context"
	"testing"
	"time"

	"madoguchi/auth/card"
	"madoguchi/auth/pcsc"
)

// BenchmarkCardFlowPCSC measures, through pcscd + vpcd + the virtual card,
// the sign-in screen's flow (identify, auth certificate, the three PIN
// counters, the four attributes), split so the figures explain themselves:
//
//   - flow-open-session: the flow's APDUs on a connection that stays open
//     (what the GUI does: one connection per card insertion);
//   - connect-disconnect: SCardEstablishContext + SCardConnect +
//     SCardDisconnect(RESET) with no APDU (what each CLI command pays once);
//   - flow-fresh-connection: both together, as the old benchmark measured.
//
// It reports APDUs and bytes per flow and ms per APDU; ns/op is wall time.
func BenchmarkCardFlowPCSC(b *testing.B) {
	_, r := insert(b, "yamada-taro")
	flow := func(ctx context.Context, s *card.Session) error {
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
	}
	b.Run("flow-open-session", func(b *testing.B) {
		be, err := pcsc.Open()
		if err != nil {
			b.Fatal(err)
		}
		defer be.Close()
		tr, err := be.Connect(reader0)
		if err != nil {
			b.Fatal(err)
		}
		var apdus int
		var st card.Stats
		start := time.Now()
		for i := 0; i < b.N; i++ {
			s := card.NewSession(tr) // nothing cached, same connection
			if err := flow(b.Context(), s); err != nil {
				b.Fatal(err)
			}
			st = s.Stats()
			apdus += st.APDUs
		}
		el := time.Since(start)
		tr.(card.Closer).Close()
		b.ReportMetric(float64(st.APDUs), "APDUs/flow")
		b.ReportMetric(float64(st.BytesIn+st.BytesOut), "bytes/flow")
		b.ReportMetric(float64(el.Microseconds())/1000/float64(apdus), "ms/APDU")
	})
	open := func() (*pcsc.Backend, card.Transport) {
		be, err := pcsc.Open()
		if err != nil {
			b.Fatal(err)
		}
		tr, err := be.Connect(reader0)
		if err != nil {
			b.Fatal(err)
		}
		return be, tr
	}
	b.Run("connect-disconnect", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			be, tr := open()
			tr.(card.Closer).Close()
			be.Close()
		}
	})
	b.Run("flow-fresh-connection", func(b *testing.B) {
		var st card.Stats
		for i := 0; i < b.N; i++ {
			be, tr := open()
			s := card.NewSession(tr)
			if err := flow(b.Context(), s); err != nil {
				b.Fatal(err)
			}
			st = s.Stats()
			s.Close()
			be.Close()
		}
		b.ReportMetric(float64(st.APDUs), "APDUs/flow")
	})
}
