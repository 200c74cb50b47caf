// Package inproc puts the virtual card (sandbox/card) in an in-process
// reader for the card client (auth/card): a card.Transport and a
// card.Backend without pcscd, for the zero-setup demo and fast unit tests.
// It is the only place where the emulator meets the client's types.
package inproc

import (
	"context"
	"errors"
	"sync"

	"madoguchi/auth/card"
	vcard "madoguchi/sandbox/card"
)

// DemoReaderName is the reader the in-process card sits in.
const DemoReaderName = "Madoguchi demo reader"

// Transport connects the host to the emulator in-process.
type Transport struct {
	c      *vcard.Card
	reader string
}

// NewTransport returns an in-process transport to c.
func NewTransport(c *vcard.Card) *Transport { return &Transport{c: c, reader: DemoReaderName} }

// Transmit implements card.Transport.
func (t *Transport) Transmit(apdu []byte) ([]byte, error) {
	r, err := t.c.Process(apdu)
	if errors.Is(err, vcard.ErrRemoved) {
		return nil, card.ErrCardRemoved
	}
	return r, err
}

// ATR implements card.Transport.
func (t *Transport) ATR() []byte { return t.c.ATR() }

// Reader implements card.Transport.
func (t *Transport) Reader() string { return t.reader }

// Close implements card.Closer: the card is reset as on disconnect.
func (t *Transport) Close() error { return nil }

// Reader is an in-process card.Backend with one reader holding the card
// (which can be swapped, removed and inserted).
type Reader struct {
	mu   sync.Mutex
	card *vcard.Card
	// swapped is closed when SetCard changes the card
	swapped chan struct{}
	// generation counts SetCard calls, so a swap shows in the event counter
	generation int
}

// NewReader returns a demo reader holding c (nil for an empty reader).
func NewReader(c *vcard.Card) *Reader { return &Reader{card: c, swapped: make(chan struct{})} }

// SetCard puts another card in the reader (nil: empty).
func (r *Reader) SetCard(c *vcard.Card) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.card = c
	r.generation++
	close(r.swapped)
	r.swapped = make(chan struct{})
}

// Card returns the card in the reader.
func (r *Reader) Card() *vcard.Card {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.card
}

func (r *Reader) snapshot() ([]card.ReaderStatus, <-chan struct{}, <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := card.ReaderStatus{Name: DemoReaderName}
	var changed <-chan struct{}
	if r.card != nil {
		changed = r.card.Changed()
		st.CardPresent = r.card.Present()
		// like PC/SC's per-reader event counter: changes on every swap or re-insertion
		st.Events = r.generation<<16 | r.card.Insertions()
	}
	return []card.ReaderStatus{st}, changed, r.swapped
}

// Wait implements card.Backend.
func (r *Reader) Wait(ctx context.Context, prev []card.ReaderStatus) ([]card.ReaderStatus, error) {
	for {
		cur, changed, swapped := r.snapshot()
		if prev == nil || !card.SameReaders(cur, prev) {
			return cur, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-changed:
		case <-swapped:
		}
	}
}

// Connect implements card.Backend.
func (r *Reader) Connect(name string) (card.Transport, error) {
	c := r.Card()
	if name != DemoReaderName {
		return nil, card.ErrNoReader
	}
	if c == nil || !c.Present() {
		return nil, card.ErrNoCard
	}
	c.Reset()
	return NewTransport(c), nil
}
