package reader

import (
	"fmt"

	"madoguchi/auth/card"
)

// State is the reader/card state shown to people and consumed by the CLI.
// Transitions are explicit: see Next.
type State int

const (
	StateNoReader   State = iota // no reader connected
	StateEmpty                   // a reader, no card
	StatePresent                 // a card is in the reader, not yet identified
	StateIdentified              // the card is known (see card.Kind)
	StateBusy                    // an operation is talking to the card
	StateError                   // the last operation or identification failed
)

func (s State) String() string {
	switch s {
	case StateNoReader:
		return "no-reader"
	case StateEmpty:
		return "reader-empty"
	case StatePresent:
		return "card-present"
	case StateIdentified:
		return "card-identified"
	case StateBusy:
		return "busy"
	case StateError:
		return "error"
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// Input is what happened: reader or card changes and operation progress.
type Input int

const (
	InReaderAttached Input = iota
	InReaderDetached
	InCardInserted
	InCardRemoved
	InIdentified
	InBusy
	InIdle
	InFailed
	// InReconnect: the card is still there but its connection was given up
	// (an operation timed out or was cancelled mid-APDU): connect afresh.
	InReconnect
)

func (i Input) String() string {
	return [...]string{"reader-attached", "reader-detached", "card-inserted", "card-removed",
		"identified", "busy", "idle", "failed", "reconnect"}[i]
}

// Next is the transition function. ok is false for an input that makes no
// sense in the state (the machine then stays where it is). Reader and card
// removal are accepted in every state: hardware does not ask permission.
func Next(s State, in Input) (State, bool) {
	switch in {
	case InReaderDetached:
		return StateNoReader, true
	case InReaderAttached:
		if s == StateNoReader {
			return StateEmpty, true
		}
		return s, true // another reader: nothing changes for the active one
	case InCardRemoved:
		if s == StateNoReader {
			return s, false
		}
		return StateEmpty, true
	case InCardInserted:
		if s == StateEmpty {
			return StatePresent, true
		}
		return s, false
	case InIdentified:
		if s == StatePresent || s == StateBusy || s == StateError {
			return StateIdentified, true
		}
		return s, false
	case InBusy:
		if s == StateIdentified || s == StateError {
			return StateBusy, true
		}
		return s, false
	case InIdle:
		if s == StateBusy {
			return StateIdentified, true
		}
		return s, false
	case InFailed:
		if s == StatePresent || s == StateBusy || s == StateIdentified {
			return StateError, true
		}
		return s, false
	case InReconnect:
		if s == StateBusy || s == StateIdentified || s == StateError {
			return StatePresent, true
		}
		return s, false
	}
	return s, false
}

// Event is published on every state change.
type Event struct {
	State  State
	Input  Input
	Reader string
	Kind   card.Kind
	// Err is set in StateError: the failure with its code.
	Err error
	// CountersChanged is set on the event after an operation that sent a
	// PIN to the card (right or wrong): retry counters shown anywhere must
	// be read again.
	CountersChanged bool
	// CardReaders lists the readers holding a card when there is more than
	// one and none was chosen: the UI asks which card to use (Choose).
	CardReaders []string
}
