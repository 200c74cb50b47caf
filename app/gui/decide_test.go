package gui

import (
	"testing"

	"madoguchi/auth/card"
	"madoguchi/auth/reader"
	"madoguchi/i18n"
	"madoguchi/protocol/proxy"
)

// What the window may offer for a grant is decided here, by the grant's
// rules, for every status and both sides.
func TestGrantActionsByStatus(t *testing.T) {
	tr := i18n.New("en")
	for _, c := range []struct {
		status                                                  string
		iAct                                                    bool
		canAct, awaits, canConfirm, canEnd, endDateStillMatters bool
	}{
		{proxy.StatusActive, true, true, false, false, true, true},
		{proxy.StatusActive, false, false, false, false, true, true},
		{proxy.StatusPending, false, false, false, false, true, true},
		{proxy.StatusNeedsConfirmation, true, false, true, false, true, true},
		{proxy.StatusNeedsConfirmation, false, false, false, true, true, true},
		{proxy.StatusSuspended, true, false, false, false, true, true},
		{proxy.StatusRevoked, true, false, false, false, false, false},
		{proxy.StatusExpired, false, false, false, false, false, false},
	} {
		v := viewGrant(tr, proxy.Grant{ID: "g", Status: c.status}, c.iAct)
		if v.CanAct != c.canAct || v.AwaitsConfirmation != c.awaits || v.CanConfirm != c.canConfirm || v.CanEnd != c.canEnd || v.Ends != c.endDateStillMatters {
			t.Errorf("%s (I act: %v): %+v", c.status, c.iAct, v)
		}
	}
}

// The card screen's decisions come from the state machine's states.
func TestCardViewFromTheStateMachine(t *testing.T) {
	for _, c := range []struct {
		state                   reader.State
		kind                    card.Kind
		identified, ready, busy bool
	}{
		{reader.StateNoReader, 0, false, false, false},
		{reader.StateEmpty, 0, false, false, false},
		{reader.StatePresent, 0, false, false, false},
		{reader.StateIdentified, card.KindMyNumberCard, true, true, false},
		{reader.StateIdentified, card.KindUnknown, true, false, false},
		{reader.StateBusy, card.KindMyNumberCard, false, false, true},
		{reader.StateError, 0, false, false, false},
	} {
		v := viewOf(reader.Event{State: c.state, Kind: c.kind})
		if v.Identified != c.identified || v.Ready != c.ready || v.Busy != c.busy {
			t.Errorf("%v %v: %+v", c.state, c.kind, v)
		}
	}
}
