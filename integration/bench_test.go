package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"madoguchi/app"
	appcli "madoguchi/app/cli"
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

// BenchmarkMovingJourney is the moving journey scripted end to end with
// the answers instant: the plan from the residence record, one bundle
// signed on the card through pcscd (signing password, certificate, chain,
// signature), the residence record attached, filed over HTTPS, receipts —
// each iteration a new draft. ns/op is the journey's wall time; it also
// reports the questions the person answers and the share of the forms'
// fields filled for them.
func BenchmarkMovingJourney(b *testing.B) {
	b.Setenv("XDG_DATA_HOME", b.TempDir())
	_, profile := startSandbox(b, "sandbox-bench")
	_, r := insert(b, "yamada-taro")
	if code, _, errs := cliB(b, r.AuthPIN+"\n", "login", "--profile", profile, "--pin-stdin", "--agree"); code != 0 {
		b.Fatalf("login: %s", errs)
	}
	answers := filepath.Join(b.TempDir(), "a.yaml")
	os.WriteFile(answers, []byte("move_date: "+time.Now().AddDate(0, 0, 10).Format(time.DateOnly)+
		"\nsame_municipality: false\ncare_certified: false\nreceives_child_allowance: false\nnew_postal_code: 530-0001\nnew_address_line: 梅田一丁目1番1号\nhealth_insurance: kokuho\n"+
		"registered_seal: false\nhas_dog: false\nmovers: [山田 太郎]\nchild_mover: false\nschool_mover: false\nelderly_mover: false\nhas_card: true\nsign_cert: true\nforeign_mover: false\n"), 0o600)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		b.Setenv("XDG_DATA_HOME", b.TempDir()) // a new draft, a new bundle
		b.StartTimer()
		code, out, errs := cliB(b, r.SignPassword+"\n", "procedure", "submit", "moving", "--answers", answers, "--profile", profile,
			"--pin-stdin", "--field", "moving-out-notice.phone=090-1234-5678", "--json")
		if code != 0 || !strings.Contains(out, `"receipts"`) {
			b.Fatalf("submit: %d %s %s", code, out, errs)
		}
	}
	b.StopTimer()
	code, out, _ := cliB(b, "", "procedure", "plan", "moving", "--answers", answers, "--profile", profile, "--json")
	var plan struct {
		Asked int `json:"questions_asked"`
	}
	if code == 0 && json.Unmarshal([]byte(out), &plan) == nil {
		b.ReportMetric(float64(plan.Asked), "questions")
	}
}

// cliB is cli for benchmarks.
func cliB(b *testing.B, stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := app.RunWith(append([]string{"--lang", "en"}, args...),
		&appcli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}
