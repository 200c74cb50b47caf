package pcsc

import (
	"context"
	"errors"
	"sort"
	"sync"
	"time"

	"github.com/ebfe/scard"

	"madoguchi/auth/card"
	"madoguchi/i18n/failure"
)

// pnpReader is the pseudo-reader whose state changes when readers come and go.
const pnpReader = `\\?PnP?\Notification`

// mapErr turns PC/SC errors into typed card errors.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var se scard.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se {
	case scard.ErrRemovedCard, scard.ErrNoSmartcard, scard.ErrUnpoweredCard:
		return &failure.Error{Code: card.CodeCardRemoved, Detail: se.Error()}
	case scard.ErrResetCard, scard.ErrProtoMismatch:
		// another program reset the card (pcsclite may report it as a
		// protocol mismatch when the reset renegotiated the protocol): the
		// session reconnects and starts the operation again
		// (card.Session.run)
		return &failure.Error{Code: card.CodeCardReset, Detail: se.Error()}
	case scard.ErrUnresponsiveCard:
		return &failure.Error{Code: card.CodeTimeout, Detail: se.Error()}
	case scard.ErrReaderUnavailable, scard.ErrUnknownReader:
		return &failure.Error{Code: card.CodeReaderRemoved, Detail: se.Error()}
	case scard.ErrNoReadersAvailable:
		return &failure.Error{Code: card.CodeNoReader, Detail: se.Error()}
	case scard.ErrNoService, scard.ErrServiceStopped, scard.ErrInvalidHandle:
		return &failure.Error{Code: card.CodePCSCUnavailable, Detail: se.Error()}
	}
	return &failure.Error{Code: card.CodeProtocol, Detail: se.Error()}
}

// Transport is a connection to the card in one reader, in shared mode: other
// programs may use the card between our transactions (card.Transactor).
type Transport struct {
	mu     sync.Mutex // held for each PC/SC call on the handle
	c      *scard.Card
	reader string
	atrMu  sync.Mutex // apart from mu: ATR must not wait for a blocked call
	atr    []byte
}

// Transmit implements card.Transport. A card pulled out during the exchange
// is always CARD-REMOVED, whichever error pcsclite chose to report it with.
func (t *Transport) Transmit(apdu []byte) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.c == nil {
		return nil, card.ErrCardRemoved
	}
	r, err := t.c.Transmit(apdu)
	if err != nil {
		m := mapErr(err)
		switch failure.CodeOf(m) {
		case card.CodeCardReset, card.CodePCSCUnavailable, card.CodeReaderRemoved, card.CodeCardRemoved:
			return nil, m
		}
		// comm error, not transacted, …: ask the reader whether the card left
		if gone := t.goneLocked(); gone != nil {
			return nil, gone
		}
		return nil, m
	}
	if len(r) < 2 {
		// A card always answers with a status word. An empty answer comes from a
		// reader whose card left (or went mute) during the exchange: ask the
		// reader, and report the removal either way.
		if gone := t.goneLocked(); gone != nil && failure.CodeOf(gone) == card.CodeReaderRemoved {
			return nil, gone
		}
		return nil, &failure.Error{Code: card.CodeCardRemoved, Detail: "card did not answer"}
	}
	return r, nil
}

// goneLocked asks the reader about the card: a typed error when the card (or
// the reader) is gone, nil when it still seems to be there.
func (t *Transport) goneLocked() error {
	st, err := t.c.Status()
	if err != nil {
		m := mapErr(err)
		switch failure.CodeOf(m) {
		case card.CodeReaderRemoved:
			return m
		case card.CodeCardReset:
			return nil
		}
		return &failure.Error{Code: card.CodeCardRemoved, Detail: "status: " + err.Error()}
	}
	if st.State&scard.Present == 0 || st.State&scard.Absent != 0 {
		return &failure.Error{Code: card.CodeCardRemoved, Detail: "the reader reports no card"}
	}
	return nil
}

// Begin implements card.Transactor: SCardBeginTransaction. It waits while
// another program holds the card (the session's deadline bounds the wait).
func (t *Transport) Begin() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.c == nil {
		return card.ErrCardRemoved
	}
	if err := t.c.BeginTransaction(); err != nil {
		m := mapErr(err)
		if failure.CodeOf(m) == card.CodeProtocol {
			if gone := t.goneLocked(); gone != nil {
				return gone
			}
		}
		return m
	}
	return nil
}

// End implements card.Transactor: SCardEndTransaction, leaving the card as it is.
func (t *Transport) End() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.c == nil {
		return nil
	}
	return mapErr(t.c.EndTransaction(scard.LeaveCard))
}

// Reconnect implements card.Transactor: after another program reset the card.
func (t *Transport) Reconnect() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.c == nil {
		return card.ErrCardRemoved
	}
	if err := t.c.Reconnect(scard.ShareShared, scard.ProtocolAny, scard.LeaveCard); err != nil {
		return mapErr(err)
	}
	if st, err := t.c.Status(); err == nil {
		t.atrMu.Lock()
		t.atr = st.Atr
		t.atrMu.Unlock()
	}
	return nil
}

// ATR implements card.Transport.
func (t *Transport) ATR() []byte {
	t.atrMu.Lock()
	defer t.atrMu.Unlock()
	return t.atr
}

// Reader implements card.Transport.
func (t *Transport) Reader() string { return t.reader }

// Close disconnects, resetting the card so no security status outlives us.
func (t *Transport) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.c == nil {
		return nil
	}
	err := t.c.Disconnect(scard.ResetCard)
	t.c = nil
	return mapErr(err)
}

// Backend talks to the PC/SC service. It uses two PC/SC contexts: one for
// waiting on reader changes and one for card connections, because pcsclite
// locks a context for the whole of SCardGetStatusChange and card operations
// on the same context would stall behind the wait.
type Backend struct {
	ctx   *scard.Context // Readers, Status, Wait
	cards *scard.Context // Connect and everything on card handles

	mu       sync.Mutex
	closed   bool
	inflight sync.WaitGroup // Wait calls in progress
	// Poll bounds each GetStatusChange wait so ctx cancellation is noticed
	// even where SCardCancel is unreliable, and so reader hot-plug is seen
	// where the PnP pseudo-reader is not supported.
	Poll time.Duration
	// noPnP is set once the PnP pseudo-reader was refused.
	noPnP bool
}

// Open establishes the PC/SC contexts.
func Open() (*Backend, error) {
	ctx, err := scard.EstablishContext()
	if err != nil {
		return nil, mapErr(err)
	}
	cards, err := scard.EstablishContext()
	if err != nil {
		ctx.Release()
		return nil, mapErr(err)
	}
	return &Backend{ctx: ctx, cards: cards, Poll: 2 * time.Second}, nil
}

// Close cancels any wait in progress, waits for it to return (releasing a
// context another thread is blocked on is undefined in pcsclite), then
// releases both contexts.
func (b *Backend) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	b.mu.Unlock()
	_ = b.ctx.Cancel()
	b.inflight.Wait()
	err := b.ctx.Release()
	// The card context may still be held by a call an abandoned operation
	// left blocked (a mute card): pcsclite would make Release wait for it.
	// Release it when that call returns, without making the caller wait.
	released := make(chan error, 1)
	go func() { released <- b.cards.Release() }()
	select {
	case cerr := <-released:
		if err == nil {
			err = cerr
		}
	case <-time.After(closeWait):
	}
	return mapErr(err)
}

// closeWait is how long Backend.Close waits for the card context to be
// released before leaving it to a background goroutine.
const closeWait = time.Second

// enter registers a Wait; false once closed.
func (b *Backend) enter() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	b.inflight.Add(1)
	return true
}

// Readers lists reader names (empty, not an error, when there are none).
func (b *Backend) Readers() ([]string, error) {
	rs, err := b.ctx.ListReaders()
	if errors.Is(err, scard.ErrNoReadersAvailable) {
		return nil, nil
	}
	if err != nil {
		return nil, mapErr(err)
	}
	sort.Strings(rs)
	return rs, nil
}

// Status returns each reader with card presence.
func (b *Backend) Status() ([]card.ReaderStatus, error) {
	names, err := b.Readers()
	if err != nil || len(names) == 0 {
		return nil, err
	}
	states := make([]scard.ReaderState, len(names))
	for i, n := range names {
		states[i] = scard.ReaderState{Reader: n, CurrentState: scard.StateUnaware}
	}
	if err := b.ctx.GetStatusChange(states, 0); err != nil && !errors.Is(err, scard.ErrTimeout) {
		return nil, mapErr(err)
	}
	out := make([]card.ReaderStatus, len(names))
	for i, st := range states {
		out[i] = card.ReaderStatus{Name: names[i],
			CardPresent: st.EventState&scard.StatePresent != 0 && st.EventState&scard.StateMute == 0,
			Events:      int(uint32(st.EventState) >> 16)} // pcsclite's per-reader event counter
	}
	return out, nil
}

// Wait implements card.Backend: it blocks in SCardGetStatusChange on every
// reader plus the PnP pseudo-reader until something changes.
func (b *Backend) Wait(ctx context.Context, prev []card.ReaderStatus) ([]card.ReaderStatus, error) {
	if !b.enter() {
		return nil, &failure.Error{Code: card.CodePCSCUnavailable, Detail: "backend closed"}
	}
	defer b.inflight.Done()
	stop := context.AfterFunc(ctx, func() { _ = b.ctx.Cancel() })
	defer stop()
	for {
		cur, err := b.Status()
		if err != nil {
			return nil, err
		}
		if prev == nil || !card.SameReaders(cur, prev) {
			return cur, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var states []scard.ReaderState
		if !b.noPnP {
			states = append(states, scard.ReaderState{Reader: pnpReader, CurrentState: scard.StateUnaware})
		}
		for _, r := range cur {
			st := scard.StateEmpty
			if r.CardPresent {
				st = scard.StatePresent
			}
			st |= scard.StateFlag(uint32(r.Events) << 16)
			states = append(states, scard.ReaderState{Reader: r.Name, CurrentState: st})
		}
		if !b.noPnP {
			// Learn the PnP pseudo-reader's current state first, then wait on all.
			if perr := b.ctx.GetStatusChange(states[:1], 0); errors.Is(perr, scard.ErrUnknownReader) {
				b.noPnP = true // not supported here: poll for hot-plug instead
				states = states[1:]
			} else {
				states[0].CurrentState = states[0].EventState &^ scard.StateChanged
			}
		}
		if len(states) == 0 { // no readers and no PnP: wait a poll period
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(b.Poll):
			}
			continue
		}
		err = b.ctx.GetStatusChange(states, b.Poll)
		switch {
		case err == nil, errors.Is(err, scard.ErrTimeout), errors.Is(err, scard.ErrUnknownReader):
		case errors.Is(err, scard.ErrCancelled):
			if ctx.Err() == nil { // cancelled by Close
				return nil, &failure.Error{Code: card.CodePCSCUnavailable, Detail: "backend closed"}
			}
			return nil, ctx.Err()
		default:
			m := mapErr(err)
			if failure.CodeOf(m) == card.CodePCSCUnavailable {
				return nil, m
			}
			// a reader vanished mid-wait: re-list on the next round
		}
	}
}

// Connect implements card.Backend.
func (b *Backend) Connect(reader string) (card.Transport, error) {
	c, err := b.cards.Connect(reader, scard.ShareShared, scard.ProtocolAny)
	if err != nil {
		return nil, mapErr(err)
	}
	st, err := c.Status()
	if err != nil {
		_ = c.Disconnect(scard.LeaveCard)
		return nil, mapErr(err)
	}
	return &Transport{c: c, reader: reader, atr: st.Atr}, nil
}

// Lazy is a card.Backend that connects to the PC/SC service when first
// needed and again after it failed: a GUI started while the service is not
// running opens anyway, shows PCSC-UNAVAILABLE (the code doctor gives), and
// recovers by itself once the service is up.
type Lazy struct {
	mu sync.Mutex
	b  *Backend
}

func (l *Lazy) backend() (*Backend, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b != nil {
		return l.b, nil
	}
	b, err := Open()
	if err != nil {
		return nil, err
	}
	l.b = b
	return b, nil
}

// drop forgets a backend whose service went away, so the next call reopens.
func (l *Lazy) drop(b *Backend, err error) {
	if failure.CodeOf(err) != card.CodePCSCUnavailable {
		return
	}
	l.mu.Lock()
	if l.b == b {
		l.b = nil
	}
	l.mu.Unlock()
	go b.Close()
}

// Wait implements card.Backend.
func (l *Lazy) Wait(ctx context.Context, prev []card.ReaderStatus) ([]card.ReaderStatus, error) {
	b, err := l.backend()
	if err != nil {
		return nil, err
	}
	rs, err := b.Wait(ctx, prev)
	if err != nil {
		l.drop(b, err)
	}
	return rs, err
}

// Connect implements card.Backend.
func (l *Lazy) Connect(reader string) (card.Transport, error) {
	b, err := l.backend()
	if err != nil {
		return nil, err
	}
	t, err := b.Connect(reader)
	if err != nil {
		l.drop(b, err)
	}
	return t, err
}

// Close releases the backend, if one was opened.
func (l *Lazy) Close() error {
	l.mu.Lock()
	b := l.b
	l.b = nil
	l.mu.Unlock()
	if b == nil {
		return nil
	}
	return b.Close()
}
