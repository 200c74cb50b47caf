package card_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"madoguchi/auth/card"
	"madoguchi/i18n/failure"
	"madoguchi/protocol/mynacard"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/card/inproc"
)

// otherProgram is a second program on the same card: it selects the JPKI AP
// and the auth-PIN file, as a browser with OpenSC's PKCS#11 module would.
func otherProgram(t *testing.T, c *vcard.Card) {
	t.Helper()
	for _, apdu := range [][]byte{
		append([]byte{0x00, 0xA4, 0x04, 0x0C, byte(len(mynacard.AIDJPKI))}, mynacard.AIDJPKI...),
		{0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x18},
	} {
		r, err := c.Process(apdu)
		if err != nil || !bytes.Equal(r, []byte{0x90, 0x00}) {
			t.Fatalf("other program: % X %v", r, err)
		}
	}
}

// Seen: a selection cached from an earlier operation sent the input-support
// PIN to the JPKI auth-PIN file after another program changed the selection.
func TestSelectionNotTrustedAcrossOperations(t *testing.T) {
	ctx := t.Context()
	c, s, r := newCard(t, "yamada-taro")
	if _, err := s.TriesLeft(ctx, card.SecretInputPIN); err != nil {
		t.Fatal(err)
	}
	otherProgram(t, c)
	if _, err := s.ReadAttributes(ctx, card.PIN(r.InputPIN), false); err != nil {
		t.Fatalf("attributes after another program selected the auth PIN: %v", err)
	}
	if n := c.TriesLeft(string(card.SecretAuthPIN)); n != 3 {
		t.Fatalf("auth PIN counter %d: the input-support PIN went to the auth-PIN file", n)
	}
}

// The last-try guard reads the counter of the file the VERIFY goes to.
func TestLastTryGuardReadsTheVerifiedFile(t *testing.T) {
	ctx := t.Context()
	c, s, r := newCard(t, "yamada-taro")
	for range 2 {
		if err := s.Verify(ctx, card.SecretAuthPIN, card.PIN("0000"), false); failure.CodeOf(err) != card.CodeWrongPIN {
			t.Fatal(err)
		}
	}
	if _, err := s.TriesLeft(ctx, card.SecretInputPIN); err != nil {
		t.Fatal(err)
	}
	otherProgram(t, c) // auth PIN file (1 try left) selected behind our back
	if err := s.Verify(ctx, card.SecretInputPIN, card.PIN(r.InputPIN), false); err != nil {
		t.Fatalf("input-support PIN with 3 tries refused: %v", err)
	}
	if n := c.TriesLeft(string(card.SecretAuthPIN)); n != 1 {
		t.Fatalf("auth PIN counter moved to %d", n)
	}
}

// resetTransport is a PC/SC-like transport over the in-process card: it has
// transactions, and another program resets the card before chosen APDUs.
type resetTransport struct {
	*inproc.Transport
	c *vcard.Card

	mu         sync.Mutex
	n          int          // APDUs sent
	resetAt    map[int]bool // reset before these APDUs (1-based)
	pending    bool         // a reset not yet reported to us
	reconnects int
	inTx       bool
	sent       [][]byte // the buffers handed to Transmit (not copies)
}

func (t *resetTransport) Transmit(apdu []byte) ([]byte, error) {
	t.mu.Lock()
	t.n++
	if t.resetAt[t.n] {
		t.c.Reset() // selection and security status lost
		t.pending = true
	}
	if t.pending {
		t.mu.Unlock()
		return nil, &failure.Error{Code: card.CodeCardReset, Detail: "test reset"}
	}
	t.sent = append(t.sent, apdu)
	t.mu.Unlock()
	return t.Transport.Transmit(apdu)
}

func (t *resetTransport) Begin() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.pending {
		return &failure.Error{Code: card.CodeCardReset}
	}
	t.inTx = true
	return nil
}

func (t *resetTransport) End() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.inTx = false
	return nil
}

func (t *resetTransport) Reconnect() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.pending = false
	t.reconnects++
	return nil
}

// A reset by another program in the middle of an operation (after the
// VERIFY) reconnects and restarts the operation once, transparently.
func TestResetByAnotherProgramRestartsOnce(t *testing.T) {
	c, _, r := newCard(t, "yamada-taro")
	tr := &resetTransport{Transport: inproc.NewTransport(c), c: c, resetAt: map[int]bool{5: true}}
	s := card.NewSession(tr)
	pin := card.PIN(r.InputPIN)
	a, err := s.ReadAttributes(t.Context(), pin, false)
	if err != nil || a.Name != r.Name {
		t.Fatalf("attributes across a reset: %+v %v", a, err)
	}
	if tr.reconnects != 1 {
		t.Fatalf("%d reconnects", tr.reconnects)
	}
	if n := c.TriesLeft(string(card.SecretInputPIN)); n != 3 {
		t.Fatalf("counter %d after the restarted operation", n)
	}
	if !bytes.Equal(pin, make([]byte, len(pin))) {
		t.Fatal("PIN not wiped after the operation")
	}
	if tr.inTx {
		t.Fatal("transaction left open")
	}
}

// A second reset in the same operation is CARD-RESET (not CARD-REMOVED), and
// the PIN was not spent.
func TestSecondResetIsCardReset(t *testing.T) {
	c, _, r := newCard(t, "yamada-taro")
	tr := &resetTransport{Transport: inproc.NewTransport(c), c: c, resetAt: map[int]bool{2: true, 4: true}}
	s := card.NewSession(tr)
	_, err := s.ReadAttributes(t.Context(), card.PIN(r.InputPIN), false)
	if failure.CodeOf(err) != card.CodeCardReset {
		t.Fatalf("want CARD-RESET, got %v", err)
	}
	if n := c.TriesLeft(string(card.SecretInputPIN)); n != 3 {
		t.Fatalf("counter %d", n)
	}
	// the next operation works again
	if _, err := s.TriesLeft(t.Context(), card.SecretAuthPIN); err != nil {
		t.Fatal(err)
	}
}

// The buffer that carried the PIN to the transport is wiped after sending.
func TestPINBufferWipedAfterTransmit(t *testing.T) {
	c, _, r := newCard(t, "yamada-taro")
	tr := &resetTransport{Transport: inproc.NewTransport(c), c: c}
	s := card.NewSession(tr)
	if err := s.Verify(t.Context(), card.SecretAuthPIN, card.PIN(r.AuthPIN), false); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, b := range tr.sent {
		if len(b) == 5+4 { // only VERIFY with a 4-digit PIN has 9 bytes
			found = true
			if !bytes.Equal(b, make([]byte, len(b))) {
				t.Fatalf("VERIFY buffer still holds % X", b)
			}
		}
	}
	if !found {
		t.Fatal("no VERIFY with data seen")
	}
}

// A mute card gives CARD-TIMEOUT instead of a hang; the session is then
// unusable (its transport is released once the blocked call returns).
func TestMuteCardTimesOut(t *testing.T) {
	c, s, _ := newCard(t, "yamada-taro")
	s.Timeout = 200 * time.Millisecond
	c.Mute()
	errc := make(chan error, 1)
	go func() { _, err := s.ReadCertificate(context.Background(), card.CertAuth); errc <- err }()
	select {
	case err := <-errc:
		if failure.CodeOf(err) != card.CodeTimeout {
			t.Fatalf("want CARD-TIMEOUT, got %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("operation on a mute card hung")
	}
	if _, err := s.TriesLeft(t.Context(), card.SecretAuthPIN); failure.CodeOf(err) != card.CodeTimeout {
		t.Fatalf("session after timeout: %v", err)
	}
	c.Unmute()
	select {
	case <-s.Released():
	case <-time.After(30 * time.Second):
		t.Fatal("transport never released")
	}
}

// Cancelling (Ctrl-C, a closed dialog) ends a blocked operation with CANCELLED.
func TestCancelBlockedOperation(t *testing.T) {
	c, s, _ := newCard(t, "yamada-taro")
	c.Mute()
	defer c.Unmute()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := s.PINCounters(ctx); errc <- err }()
	cancel()
	select {
	case err := <-errc:
		if failure.CodeOf(err) != card.CodeCancelled || !errors.Is(err, context.Canceled) {
			t.Fatalf("want CANCELLED, got %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("cancel did not end the operation")
	}
}
