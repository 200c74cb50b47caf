// Package kiosk owns a community-centre session on a shared PC: when it
// ends (the volunteer's "Finish and forget", the card taken out and not put
// back within a grace, nobody touching the screen), what the end wipes, and
// the centre's own record — counts of sessions and procedures filed a day,
// no names, no numbers.
//
// The session is a clock-driven state machine with no UI: the window asks
// Check once a second and shows the countdown it returns; tests drive it
// with a clock of their own.
package kiosk

import (
	"sync"
	"time"
)

// Reason says why a session ended.
type Reason string

const (
	ReasonFinish Reason = "finish"       // "Finish and forget"
	ReasonCard   Reason = "card-removed" // the card taken out and not put back
	ReasonIdle   Reason = "idle"         // nobody touched the screen
)

// Reasons are every way a session ends.
var Reasons = []Reason{ReasonFinish, ReasonCard, ReasonIdle}

// Phase is where a session is.
type Phase int

const (
	// Waiting: at the first screen, nothing personal held (no countdown).
	Waiting Phase = iota
	// Active: someone is being helped.
	Active
	// IdleWarning: nobody has touched the screen for a while; the session
	// ends when Left reaches zero unless someone does.
	IdleWarning
	// CardGrace: the card was taken out; the session ends when Left reaches
	// zero unless it is put back.
	CardGrace
)

// Timers are the session's limits (zero fields take the defaults).
type Timers struct {
	// Idle: nobody touching the screen this long ends the session.
	Idle time.Duration
	// Warn: how long before the idle end the warning shows.
	Warn time.Duration
	// Grace: how long a taken-out card may stay out.
	Grace time.Duration
}

// Defaults: 5 minutes idle with a minute's warning; 30 seconds for the card.
var Defaults = Timers{Idle: 5 * time.Minute, Warn: time.Minute, Grace: 30 * time.Second}

func (t Timers) withDefaults() Timers {
	if t.Idle <= 0 {
		t.Idle = Defaults.Idle
	}
	if t.Warn <= 0 {
		t.Warn = Defaults.Warn
	}
	if t.Warn >= t.Idle {
		t.Warn = t.Idle / 2
	}
	if t.Grace <= 0 {
		t.Grace = Defaults.Grace
	}
	return t
}

// Status is what the window shows: the phase and, in a countdown, the time
// left (rounded up to the second the person sees).
type Status struct {
	Phase Phase
	Left  time.Duration
}

// Session is one person's visit to the counter, from the first step to its
// end. Safe for concurrent use.
type Session struct {
	t   Timers
	now func() time.Time

	mu        sync.Mutex
	begun     bool
	lastInput time.Time
	cardOut   time.Time // zero: the card is in (or was never in)
	hadCard   bool
	filed     int // procedures filed in this session
	wipers    []func()
	record    *Record
}

// New starts at the first screen; now is the clock (nil: time.Now).
// record, when not nil, is told of each session's end.
func New(t Timers, now func() time.Time, record *Record) *Session {
	if now == nil {
		now = time.Now
	}
	return &Session{t: t.withDefaults(), now: now, record: record}
}

// Timers are the limits in force.
func (s *Session) Timers() Timers { return s.t }

// OnEnd registers what the end wipes (the sign-in, the store, the
// interview, the screens), run in order at every end.
func (s *Session) OnEnd(wipe func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wipers = append(s.wipers, wipe)
}

// Begin marks the first step past the first screen (a language chosen, a
// card put in): from then on the session can time out.
func (s *Session) Begin() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.begun {
		s.begun, s.lastInput = true, s.now()
	}
}

// Begun tells whether a session is under way.
func (s *Session) Begun() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.begun
}

// Touch records input from the people at the screen: a key, a tap, a move.
func (s *Session) Touch() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastInput = s.now()
}

// Card tells the session whether a card is in the reader now. Taking it
// out starts the grace; putting one back ends the grace only when it is
// the session's own card (same: the app compared it) — another person's
// card ends the session at once, so that they never see the one before.
func (s *Session) Card(in, same bool) (endNow bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !in:
		if s.hadCard && s.cardOut.IsZero() {
			s.cardOut = s.now()
		}
	case !s.cardOut.IsZero() && !same:
		s.cardOut = time.Time{}
		return s.begun
	default:
		s.cardOut = time.Time{}
		s.hadCard = true
		s.lastInput = s.now()
	}
	return false
}

// Filed counts procedures filed in this session (for the centre's record).
func (s *Session) Filed(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.filed += n
}

// Check is the session now; when a limit has passed, ended is the reason
// to end it (End is then to be called; Check does not end it itself so the
// window ends it on its own goroutine).
func (s *Session) Check() (st Status, ended Reason) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.begun {
		return Status{Phase: Waiting}, ""
	}
	now := s.now()
	if !s.cardOut.IsZero() {
		left := s.t.Grace - now.Sub(s.cardOut)
		if left <= 0 {
			return Status{Phase: CardGrace}, ReasonCard
		}
		return Status{Phase: CardGrace, Left: roundUp(left)}, ""
	}
	idle := now.Sub(s.lastInput)
	switch {
	case idle >= s.t.Idle:
		return Status{Phase: IdleWarning}, ReasonIdle
	case idle >= s.t.Idle-s.t.Warn:
		return Status{Phase: IdleWarning, Left: roundUp(s.t.Idle - idle)}, ""
	}
	return Status{Phase: Active}, ""
}

func roundUp(d time.Duration) time.Duration {
	return (d + time.Second - 1).Truncate(time.Second)
}

// End ends the session for reason: every wiper runs (a failing one does not
// stop the others), the centre's record counts it, and the session is back
// at the first screen. Ending a session not begun only wipes.
func (s *Session) End(reason Reason) error {
	s.mu.Lock()
	wipers := append([]func(){}, s.wipers...)
	begun, filed := s.begun, s.filed
	s.begun, s.hadCard, s.cardOut, s.filed = false, false, time.Time{}, 0
	now := s.now()
	s.mu.Unlock()
	for _, w := range wipers {
		func() {
			defer func() { _ = recover() }() // the others still run
			w()
		}()
	}
	if begun && s.record != nil {
		return s.record.Add(now, reason, filed)
	}
	return nil
}
