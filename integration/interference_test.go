package integration

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ebfe/scard"

	"madoguchi/auth/card"
	"madoguchi/i18n/failure"
	"madoguchi/protocol/mynacard"
)

// other is a second program on the reader (a browser with OpenSC's PKCS#11
// module, the JPKI client): its own PC/SC context and shared connection.
type other struct {
	t   testing.TB
	ctx *scard.Context
	c   *scard.Card
}

func secondProgram(t testing.TB) *other {
	t.Helper()
	ctx, err := scard.EstablishContext()
	if err != nil {
		t.Fatal(err)
	}
	c, err := ctx.Connect(reader0, scard.ShareShared, scard.ProtocolAny)
	if err != nil {
		ctx.Release()
		t.Fatal(err)
	}
	o := &other{t: t, ctx: ctx, c: c}
	t.Cleanup(func() { o.c.Disconnect(scard.LeaveCard); o.ctx.Release() })
	return o
}

// selectAuthPIN selects the JPKI AP and its auth-PIN file.
func (o *other) selectAuthPIN() error {
	for _, apdu := range [][]byte{
		append([]byte{0x00, 0xA4, 0x04, 0x0C, byte(len(mynacard.AIDJPKI))}, mynacard.AIDJPKI...),
		{0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18},
	} {
		r, err := o.c.Transmit(apdu)
		if errors.Is(err, scard.ErrResetCard) || errors.Is(err, scard.ErrProtoMismatch) {
			if err := o.c.Reconnect(scard.ShareShared, scard.ProtocolAny, scard.LeaveCard); err != nil {
				return err
			}
			r, err = o.c.Transmit(apdu)
		}
		if err != nil {
			return err
		}
		if !bytes.Equal(r, []byte{0x90, 0x00}) {
			return &swErr{r}
		}
	}
	return nil
}

// swErr is a status word other than 9000 answered to the second program.
type swErr struct{ r []byte }

func (e *swErr) Error() string { return fmt.Sprintf("second program: SW % X", e.r) }

// Seen: with another program on the reader, the input-support PIN went to the
// JPKI auth-PIN file (shared mode, no transaction, a selection cached from an
// earlier operation): the auth counter dropped and the resident was told
// their input-support PIN was wrong.
func TestSecondProgramBetweenOperations(t *testing.T) {
	vc, r := insert(t, "yamada-taro")
	s := connect(t)
	ctx := t.Context()
	if _, err := s.TriesLeft(ctx, card.SecretInputPIN); err != nil {
		t.Fatal(err)
	}
	o := secondProgram(t)
	if err := o.selectAuthPIN(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadAttributes(ctx, card.PIN(r.InputPIN), false); err != nil {
		t.Fatalf("attributes: %v", err)
	}
	if n := vc.TriesLeft(string(card.SecretAuthPIN)); n != 3 {
		t.Fatalf("auth counter %d: a VERIFY went to the wrong file", n)
	}
	// the guard reads the counter of the file it guards
	for range 2 {
		if err := s.Verify(ctx, card.SecretAuthPIN, card.PIN("0000"), false); failure.CodeOf(err) != card.CodeWrongPIN {
			t.Fatal(err)
		}
	}
	if _, err := s.TriesLeft(ctx, card.SecretInputPIN); err != nil {
		t.Fatal(err)
	}
	if err := o.selectAuthPIN(); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(ctx, card.SecretInputPIN, card.PIN(r.InputPIN), false); err != nil {
		t.Fatalf("input-support PIN refused (guard read the auth counter?): %v", err)
	}
	if n := vc.TriesLeft(string(card.SecretAuthPIN)); n != 1 {
		t.Fatalf("auth counter %d", n)
	}
}

// A second program hammering the card while we work never gets between the
// APDUs of one of our operations (PC/SC transactions).
func TestSecondProgramConcurrently(t *testing.T) {
	vc, r := insert(t, "suzuki-hanako")
	s := connect(t)
	o := secondProgram(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var rounds atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			// this program holds no transaction: our operations may come
			// between its SELECTs (its SELECT EF then fails, its problem);
			// ours must never be disturbed by it
			var se *swErr
			if err := o.selectAuthPIN(); err != nil && !errors.As(err, &se) {
				t.Errorf("second program: %v", err)
				return
			}
			rounds.Add(1)
		}
	}()
	for i := range 25 {
		a, err := s.ReadAttributes(t.Context(), card.PIN(r.InputPIN), false)
		if err != nil || a.Name != r.Name {
			close(stop)
			wg.Wait()
			t.Fatalf("round %d: %+v %v", i, a, err)
		}
	}
	close(stop)
	wg.Wait()
	if rounds.Load() == 0 {
		t.Fatal("the second program never ran")
	}
	if n := vc.TriesLeft(string(card.SecretAuthPIN)); n != 3 {
		t.Fatalf("auth counter %d after %d interleaved rounds", n, rounds.Load())
	}
	if n := vc.TriesLeft(string(card.SecretInputPIN)); n != 3 {
		t.Fatalf("input counter %d", n)
	}
}

// Another program resets the card between our operations: the next
// operation reconnects and runs, transparently.
func TestResetByAnotherProgram(t *testing.T) {
	_, r := insert(t, "yamada-taro")
	s := connect(t)
	ctx := t.Context()
	if _, err := s.ReadCertificate(ctx, card.CertAuth); err != nil {
		t.Fatal(err)
	}
	o := secondProgram(t)
	if err := o.c.Reconnect(scard.ShareShared, scard.ProtocolAny, scard.ResetCard); err != nil {
		t.Fatal(err)
	}
	a, err := s.ReadAttributes(ctx, card.PIN(r.InputPIN), false)
	if err != nil || a.Name != r.Name {
		t.Fatalf("after a reset by another program: %+v %v", a, err)
	}
}

// A card pulled out at any APDU of an operation gives CARD-REMOVED — never
// CARD-PROTOCOL — and nothing hangs.
func TestPulledAtEveryAPDU(t *testing.T) {
	vc, r := insert(t, "sato-kenji")
	for k := 1; k <= 8; k++ { // attributes + My Number: 8 APDUs
		s := connect(t)
		before := readerEvents(t)
		vc.RemoveAfter(k)
		errc := make(chan error, 1)
		go func() {
			_, _, err := s.ReadInputSupport(context.Background(), card.PIN(r.InputPIN), false, true)
			errc <- err
		}()
		select {
		case err := <-errc:
			if failure.CodeOf(err) != card.CodeCardRemoved {
				t.Fatalf("pulled at APDU %d: %v", k, err)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("pulled at APDU %d: hung", k)
		}
		waitReaderEvents(t, before)
		vc.Insert()
		waitPresence(t, true)
	}
	if n := vc.TriesLeft(string(card.SecretInputPIN)); n != 3 {
		t.Fatalf("counter %d", n)
	}
}

// A mute card through pcscd: CARD-TIMEOUT, not a hang.
func TestMuteCardThroughPCSC(t *testing.T) {
	vc, _ := insert(t, "yamada-taro")
	s := connect(t)
	s.Timeout = 2 * time.Second
	vc.Mute()
	errc := make(chan error, 1)
	go func() { _, err := s.PINCounters(context.Background()); errc <- err }()
	select {
	case err := <-errc:
		if failure.CodeOf(err) != card.CodeTimeout {
			t.Fatalf("want CARD-TIMEOUT, got %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("hung on a mute card")
	}
	vc.Unmute()
	select {
	case <-s.Released():
	case <-time.After(60 * time.Second):
		t.Fatal("the abandoned transport was never released")
	}
	// a new connection works again
	s2 := connect(t)
	if _, err := s2.PINCounters(t.Context()); err != nil {
		t.Fatal(err)
	}
}
