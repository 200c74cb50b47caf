package reader_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"madoguchi/auth/card"
	"madoguchi/auth/reader"
	"madoguchi/i18n/failure"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/card/inproc"
)

func startMonitor(t *testing.T, r *inproc.Reader) (*reader.Monitor, <-chan reader.Event) {
	t.Helper()
	m := reader.NewMonitor(r, "")
	ev := m.Subscribe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return m, ev
}

func expect(t *testing.T, events <-chan reader.Event, want ...reader.State) reader.Event {
	t.Helper()
	var last reader.Event
	for _, w := range want {
		select {
		case last = <-events:
			if last.State != w {
				t.Fatalf("state %v (input %v), want %v", last.State, last.Input, w)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no event, want %v", w)
		}
	}
	return last
}

func vc(t *testing.T, id string) *vcard.Card {
	c, err := vcard.NewByID(id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMonitorFollowsTheCard(t *testing.T) {
	c := vc(t, "yamada-taro")
	rd := inproc.NewReader(c)
	m, events := startMonitor(t, rd)
	expect(t, events, reader.StateNoReader)
	ev := expect(t, events, reader.StateEmpty, reader.StatePresent, reader.StateIdentified)
	if ev.Kind != card.KindMyNumberCard || ev.Reader != inproc.DemoReaderName {
		t.Fatalf("%+v", ev)
	}
	// an operation marks the card busy, then identified again
	if err := m.Do(func(s *card.Session) error {
		_, err := s.TriesLeft(context.Background(), card.SecretAuthPIN)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if ev := expect(t, events, reader.StateBusy, reader.StateIdentified); ev.CountersChanged {
		t.Fatal("counters-changed after reading a counter")
	}
	// a wrong PIN is the person's to act on: the card stays identified
	err := m.Do(func(s *card.Session) error {
		return s.Verify(context.Background(), card.SecretAuthPIN, card.PIN("0000"), false)
	})
	if failure.CodeOf(err) != card.CodeWrongPIN {
		t.Fatal(err)
	}
	expect(t, events, reader.StateBusy, reader.StateIdentified)
	// a PIN went to the card: everyone showing counters is told to re-read
	if ev := expect(t, events, reader.StateIdentified); !ev.CountersChanged {
		t.Fatalf("no counters-changed event after a wrong PIN: %+v", ev)
	}

	c.Remove()
	expect(t, events, reader.StateEmpty)
	if err := m.Do(func(*card.Session) error { return nil }); !errors.Is(err, card.ErrNoCard) {
		t.Fatalf("Do without a card: %v", err)
	}
	c.Insert()
	expect(t, events, reader.StatePresent, reader.StateIdentified)

	// another resident's card replaces it
	rd.SetCard(vc(t, "sato-hana"))
	expect(t, events, reader.StateEmpty, reader.StatePresent, reader.StateIdentified)
}

func TestMonitorCardPulledDuringOperation(t *testing.T) {
	c := vc(t, "yamada-taro")
	m, events := startMonitor(t, inproc.NewReader(c))
	expect(t, events, reader.StateNoReader, reader.StateEmpty, reader.StatePresent, reader.StateIdentified)
	c.RemoveAfter(2)
	err := m.Do(func(s *card.Session) error {
		_, err := s.ReadCertificate(context.Background(), card.CertAuthCA)
		return err
	})
	if !errors.Is(err, card.ErrCardRemoved) {
		t.Fatalf("%v", err)
	}
	expect(t, events, reader.StateBusy, reader.StateEmpty)
	c.Insert()
	expect(t, events, reader.StatePresent, reader.StateIdentified)
}

// A card without the JPKI application is identified as unknown, not an error.
func TestMonitorUnknownCard(t *testing.T) {
	m := reader.NewMonitor(silentBackend{}, "")
	events := m.Subscribe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Run(ctx)
	ev := expect(t, events, reader.StateNoReader, reader.StateEmpty, reader.StatePresent, reader.StateIdentified)
	if ev.Kind != card.KindUnknown {
		t.Fatalf("kind %v", ev.Kind)
	}
}

// silentBackend has one reader with a card that knows no application.
type silentBackend struct{}

func (silentBackend) Wait(ctx context.Context, prev []card.ReaderStatus) ([]card.ReaderStatus, error) {
	if prev == nil {
		return []card.ReaderStatus{{Name: "other", CardPresent: true}}, nil
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

func (silentBackend) Connect(string) (card.Transport, error) { return silentCard{}, nil }

type silentCard struct{}

func (silentCard) Transmit([]byte) ([]byte, error) { return []byte{0x6A, 0x82}, nil }
func (silentCard) ATR() []byte                     { return []byte{0x3B, 0x00} }
func (silentCard) Reader() string                  { return "other" }

// A backend that fails (PC/SC service stopped) is reported with its code and
// retried; when it comes back, the card is found again.
func TestMonitorReportsAndRetriesAFailingBackend(t *testing.T) {
	c := vc(t, "yamada-taro")
	fb := &flakyBackend{Reader: inproc.NewReader(c), fail: 2}
	m := reader.NewMonitor(fb, "")
	m.RetryEvery = time.Millisecond
	events := m.Subscribe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Run(ctx)
	expect(t, events, reader.StateNoReader)
	ev := expect(t, events, reader.StateNoReader)
	if failure.CodeOf(ev.Err) != card.CodePCSCUnavailable {
		t.Fatalf("backend failure not reported: %+v", ev)
	}
	expect(t, events, reader.StateEmpty, reader.StatePresent, reader.StateIdentified)
}

type flakyBackend struct {
	*inproc.Reader
	fail int
}

func (f *flakyBackend) Wait(ctx context.Context, prev []card.ReaderStatus) ([]card.ReaderStatus, error) {
	if f.fail > 0 {
		f.fail--
		return nil, &failure.Error{Code: card.CodePCSCUnavailable}
	}
	return f.Reader.Wait(ctx, prev)
}

// Readers come and go (USB hot-plug): the monitor follows the preferred one,
// then the first with a card.
func TestMonitorReaderHotPlug(t *testing.T) {
	c := vc(t, "sato-kenji")
	hb := &hotplugBackend{Reader: inproc.NewReader(c), change: make(chan struct{}, 8)}
	m := reader.NewMonitor(hb, "")
	events := m.Subscribe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Run(ctx)
	expect(t, events, reader.StateNoReader) // nothing plugged in
	hb.set(true)
	ev := expect(t, events, reader.StateEmpty, reader.StatePresent, reader.StateIdentified)
	if ev.Reader != inproc.DemoReaderName {
		t.Fatalf("reader %q", ev.Reader)
	}
	hb.set(false) // unplugged with the card in it
	expect(t, events, reader.StateNoReader)
	if err := m.Do(func(*card.Session) error { return nil }); !errors.Is(err, card.ErrNoReader) {
		t.Fatalf("Do without a reader: %v", err)
	}
	hb.set(true)
	expect(t, events, reader.StateEmpty, reader.StatePresent, reader.StateIdentified)
}

// hotplugBackend shows or hides the demo reader.
type hotplugBackend struct {
	*inproc.Reader
	mu      sync.Mutex
	plugged bool
	change  chan struct{}
}

func (h *hotplugBackend) set(p bool) {
	h.mu.Lock()
	h.plugged = p
	h.mu.Unlock()
	h.change <- struct{}{}
}

func (h *hotplugBackend) Wait(ctx context.Context, prev []card.ReaderStatus) ([]card.ReaderStatus, error) {
	for {
		h.mu.Lock()
		p := h.plugged
		h.mu.Unlock()
		var cur []card.ReaderStatus
		if p {
			wctx, cancel := context.WithTimeout(ctx, time.Millisecond)
			cur, _ = h.Reader.Wait(wctx, nil)
			cancel()
		}
		if prev == nil || len(cur) != len(prev) {
			return cur, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-h.change:
		}
	}
}

// twoReaders is a backend with two demo readers (each may hold a card).
type twoReaders struct{ a, b *inproc.Reader }

func (r twoReaders) Wait(ctx context.Context, prev []card.ReaderStatus) ([]card.ReaderStatus, error) {
	for {
		sa, _ := r.a.Wait(ctx, nil)
		sb, _ := r.b.Wait(ctx, nil)
		if len(sb) > 0 {
			sb[0].Name += " 2"
		}
		cur := append(sa, sb...)
		if prev == nil || !card.SameReaders(cur, prev) {
			return cur, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func (r twoReaders) Connect(name string) (card.Transport, error) {
	if name == inproc.DemoReaderName+" 2" {
		return r.b.Connect(inproc.DemoReaderName)
	}
	return r.a.Connect(name)
}

// Cards in two readers: the monitor says so (the UI asks which to use) and
// follows the one chosen.
func TestMonitorAsksWhichCard(t *testing.T) {
	b := twoReaders{inproc.NewReader(vc(t, "yamada-taro")), inproc.NewReader(vc(t, "sato-hana"))}
	m2 := reader.NewMonitor(b, "")
	ch := m2.Subscribe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m2.Run(ctx)
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev := <-ch:
			if len(ev.CardReaders) == 2 {
				m2.Choose(inproc.DemoReaderName + " 2")
				for {
					select {
					case ev := <-ch:
						if ev.State == reader.StateIdentified && ev.Reader == inproc.DemoReaderName+" 2" {
							if len(ev.CardReaders) != 0 {
								t.Fatalf("still asking after the choice: %+v", ev)
							}
							return
						}
					case <-deadline:
						t.Fatal("the chosen reader was never followed")
					}
				}
			}
		case <-deadline:
			t.Fatal("never asked which card")
		}
	}
}
