package reader

import (
	"context"
	"errors"
	"sync"
	"time"

	"madoguchi/auth/card"
	"madoguchi/i18n/failure"
)

// Monitor follows one active reader (the preferred one, else the first with a
// card, else the first), drives the state machine, identifies inserted cards
// and publishes events. Operations run through Do, which marks the card busy.
type Monitor struct {
	b         card.Backend
	preferred string
	runCtx    context.Context

	mu      sync.Mutex
	state   State
	reader  string
	kind    card.Kind
	session *card.Session
	lastErr error
	subs    []chan Event
	events  int // the Events count of the identified card's insertion
	kick    context.CancelFunc
	// backendErr is set while the backend itself fails (e.g. the PC/SC
	// service stopped); events then carry it so people see why.
	backendErr error
	// RetryEvery is how long Run waits before asking a failing backend again.
	RetryEvery time.Duration
	// choices are the readers with a card when several hold one and no
	// reader was preferred (the UI asks; Choose answers).
	choices []string
	// rescan: re-read the readers from scratch before the next wait
	rescan bool
}

// Choose makes the monitor follow reader (the person's answer when several
// readers hold a card).
func (m *Monitor) Choose(reader string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.preferred = reader
	m.choices = nil
	m.resyncLocked()
}

// NewMonitor creates a monitor; preferred may name a reader to follow.
func NewMonitor(b card.Backend, preferred string) *Monitor {
	return &Monitor{b: b, preferred: preferred, state: StateNoReader, RetryEvery: time.Second, runCtx: context.Background()}
}

// Subscribe returns a channel of events, starting with the current state.
// The channel is buffered; a slow subscriber misses intermediate events but
// always gets the latest state eventually.
func (m *Monitor) Subscribe() <-chan Event {
	ch, _ := m.SubscribeCancel()
	return ch
}

// SubscribeCancel is Subscribe with a function that ends the subscription
// (the channel is then closed).
func (m *Monitor) SubscribeCancel() (<-chan Event, func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ch := make(chan Event, 32)
	ch <- m.eventLocked(InIdle)
	m.subs = append(m.subs, ch)
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			m.mu.Lock()
			defer m.mu.Unlock()
			for i, c := range m.subs {
				if c == ch {
					m.subs = append(m.subs[:i], m.subs[i+1:]...)
					close(ch)
					return
				}
			}
		})
	}
}

// Current returns the current event snapshot.
func (m *Monitor) Current() Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.eventLocked(InIdle)
}

func (m *Monitor) eventLocked(in Input) Event {
	ev := Event{State: m.state, Input: in, Reader: m.reader, Kind: m.kind, CardReaders: m.choices}
	switch {
	case m.state == StateError:
		ev.Err = m.lastErr
	case m.state == StateNoReader && m.backendErr != nil:
		ev.Err = m.backendErr
	}
	return ev
}

func (m *Monitor) apply(in Input, err error) {
	next, ok := Next(m.state, in)
	if !ok {
		return
	}
	m.state = next
	if in == InFailed {
		m.lastErr = err
	}
	m.publishLocked(m.eventLocked(in))
}

func (m *Monitor) publishLocked(ev Event) {
	for _, ch := range m.subs {
		select {
		case ch <- ev:
		default: // drop the oldest so the newest state always arrives
			select {
			case <-ch:
			default:
			}
			select {
			case ch <- ev:
			default:
			}
		}
	}
}

// Run follows the backend until ctx ends.
func (m *Monitor) Run(ctx context.Context) error {
	m.mu.Lock()
	m.runCtx = ctx
	m.mu.Unlock()
	var prev []card.ReaderStatus
	for {
		wctx, cancel := context.WithCancel(ctx)
		m.mu.Lock()
		m.kick = cancel
		if m.rescan { // asked while we were not waiting
			m.rescan, prev = false, nil
		}
		m.mu.Unlock()
		cur, err := m.b.Wait(wctx, prev)
		kicked := wctx.Err() != nil
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				m.closeSession()
				return nil
			}
			if kicked { // re-read the readers from scratch
				prev = nil
				continue
			}
			m.backendFailed(err)
			select {
			case <-ctx.Done():
				m.closeSession()
				return nil
			case <-time.After(m.RetryEvery):
			}
			prev = nil
			continue
		}
		m.mu.Lock()
		recovered := m.backendErr != nil
		m.backendErr = nil
		m.mu.Unlock()
		if recovered {
			prev = nil
		}
		m.update(cur)
		prev = cur
	}
}

// backendFailed reports a failing backend as "no reader" with the cause.
func (m *Monitor) backendFailed(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	first := m.backendErr == nil
	m.backendErr = err
	m.dropSessionLocked()
	m.reader, m.kind = "", card.KindUnknown
	if m.state != StateNoReader {
		m.apply(InReaderDetached, nil)
	} else if first {
		m.publishLocked(m.eventLocked(InReaderDetached))
	}
}

// resyncLocked makes Run re-read the readers, after an operation found the
// card gone: the backend may not have seen the change yet.
func (m *Monitor) resyncLocked() {
	m.rescan = true
	if m.kick != nil {
		m.kick()
	}
}

func (m *Monitor) pick(rs []card.ReaderStatus) (card.ReaderStatus, bool) {
	if len(rs) == 0 {
		return card.ReaderStatus{}, false
	}
	for _, r := range rs {
		if r.Name == m.preferred {
			return r, true
		}
	}
	for _, r := range rs {
		if r.CardPresent {
			return r, true
		}
	}
	return rs[0], true
}

func (m *Monitor) update(rs []card.ReaderStatus) {
	m.mu.Lock()
	var withCard []string
	preferredHasCard := false
	for _, r := range rs {
		if r.CardPresent {
			withCard = append(withCard, r.Name)
			preferredHasCard = preferredHasCard || r.Name == m.preferred
		}
	}
	prevChoices := len(m.choices)
	m.choices = nil
	if len(withCard) > 1 && !preferredHasCard {
		m.choices = withCard
	}
	if len(m.choices) != prevChoices {
		m.publishLocked(m.eventLocked(InIdle))
	}
	m.mu.Unlock()
	r, any := m.pick(rs)
	m.mu.Lock()
	switch {
	case !any:
		if m.state != StateNoReader {
			m.dropSessionLocked()
			m.reader, m.kind = "", card.KindUnknown
			m.apply(InReaderDetached, nil)
		}
		m.mu.Unlock()
		return
	case m.state == StateNoReader || r.Name != m.reader:
		if m.state != StateNoReader {
			m.dropSessionLocked()
			m.kind = card.KindUnknown
			m.apply(InReaderDetached, nil)
		}
		m.reader = r.Name
		m.apply(InReaderAttached, nil)
	}
	present := m.state != StateNoReader && m.state != StateEmpty
	if present && r.CardPresent && r.Events != m.events {
		// removed and re-inserted between two looks: a new card session
		m.dropSessionLocked()
		m.kind = card.KindUnknown
		m.apply(InCardRemoved, nil)
		present = false
	}
	switch {
	case present && !r.CardPresent:
		m.dropSessionLocked()
		m.kind = card.KindUnknown
		m.apply(InCardRemoved, nil)
		m.mu.Unlock()
	case !present && r.CardPresent:
		m.events = r.Events
		m.apply(InCardInserted, nil)
		m.mu.Unlock()
		m.identify(r.Name)
	default:
		m.mu.Unlock()
	}
}

func (m *Monitor) identify(reader string) {
	m.mu.Lock()
	ctx := m.runCtx
	m.mu.Unlock()
	t, err := m.b.Connect(reader)
	var s *card.Session
	var kind card.Kind
	if err == nil {
		s = card.NewSession(t)
		kind, err = s.Identify(ctx)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.reader != reader || m.state != StatePresent {
		if s != nil {
			_ = s.Close()
		}
		return
	}
	if err != nil {
		if s != nil {
			_ = s.Close()
		}
		m.apply(InFailed, err)
		return
	}
	m.session, m.kind = s, kind
	m.apply(InIdentified, nil)
}

// dropSessionLocked closes the session; it never blocks on a transport an
// abandoned operation still holds (card.Session.Close).
func (m *Monitor) dropSessionLocked() {
	if m.session != nil {
		_ = m.session.Close()
		m.session = nil
	}
}

func (m *Monitor) closeSession() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.dropSessionLocked()
}

// Do runs op with the identified card's session, marking the card busy. A
// failure moves to the error state (with its code) until the next success or
// the card is removed; typed PIN errors leave the card identified since they
// are the person's to act on, not a card fault.
func (m *Monitor) Do(op func(*card.Session) error) error {
	m.mu.Lock()
	if m.session == nil || (m.state != StateIdentified && m.state != StateError) {
		st := m.state
		m.mu.Unlock()
		switch st {
		case StateNoReader:
			return card.ErrNoReader
		case StateEmpty:
			return card.ErrNoCard
		case StateBusy:
			return &failure.Error{Code: card.CodeProtocol, Detail: "the card is busy with another operation"}
		}
		if m.lastErr != nil {
			return m.lastErr
		}
		return card.ErrNoCard
	}
	s := m.session
	m.apply(InBusy, nil)
	m.mu.Unlock()

	verifies := s.Verifies()
	err := op(s)
	countersChanged := s.Verifies() != verifies

	m.mu.Lock()
	defer m.mu.Unlock()
	if countersChanged {
		defer func() {
			ev := m.eventLocked(InIdle)
			ev.CountersChanged = true
			m.publishLocked(ev)
		}()
	}
	if m.session != s { // removed meanwhile
		if err == nil {
			err = card.ErrCardRemoved
		}
		return err
	}
	switch {
	case err == nil || isPersonError(err):
		m.apply(InIdle, nil)
	case errors.Is(err, card.ErrCardRemoved) || errors.Is(err, card.ErrReaderRemoved):
		m.dropSessionLocked()
		m.kind = card.KindUnknown
		m.apply(InCardRemoved, nil)
		m.resyncLocked()
	case failure.CodeOf(err) == card.CodeTimeout || failure.CodeOf(err) == card.CodeCancelled:
		// the session was abandoned with its transport still blocked: drop
		// it and connect to the card afresh (a mute card then fails
		// identification with CARD-TIMEOUT and shows the error state)
		m.dropSessionLocked()
		m.kind = card.KindUnknown
		m.apply(InReconnect, nil)
		go m.identify(m.reader)
	default:
		m.apply(InFailed, err)
	}
	return err
}

func isPersonError(err error) bool {
	switch failure.CodeOf(err) {
	case card.CodeWrongPIN, card.CodePINBlocked, card.CodeLastTryUnconfirmed, card.CodePINFormat, card.CodeNoSignCert, card.CodeCardReset:
		return true
	}
	var ce *failure.Error
	return !errors.As(err, &ce) // a prompt cancelled by the person, etc.
}
