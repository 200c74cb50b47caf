package reader

import "testing"

func TestTransitions(t *testing.T) {
	type tr struct {
		from State
		in   Input
		to   State
		ok   bool
	}
	for _, c := range []tr{
		{StateNoReader, InReaderAttached, StateEmpty, true},
		{StateNoReader, InCardInserted, StateNoReader, false},
		{StateNoReader, InCardRemoved, StateNoReader, false},
		{StateEmpty, InCardInserted, StatePresent, true},
		{StateEmpty, InIdentified, StateEmpty, false},
		{StatePresent, InIdentified, StateIdentified, true},
		{StatePresent, InFailed, StateError, true},
		{StatePresent, InBusy, StatePresent, false},
		{StateIdentified, InBusy, StateBusy, true},
		{StateBusy, InIdle, StateIdentified, true},
		{StateBusy, InFailed, StateError, true},
		{StateBusy, InBusy, StateBusy, false},
		{StateError, InBusy, StateBusy, true},
		{StateError, InIdentified, StateIdentified, true},
		{StateIdentified, InCardRemoved, StateEmpty, true},
		{StateBusy, InCardRemoved, StateEmpty, true},
		{StateError, InCardRemoved, StateEmpty, true},
		{StateBusy, InReaderDetached, StateNoReader, true},
		{StateIdentified, InReaderAttached, StateIdentified, true},
		{StateIdentified, InCardInserted, StateIdentified, false},
	} {
		to, ok := Next(c.from, c.in)
		if to != c.to || ok != c.ok {
			t.Errorf("%v --%v--> %v,%v; want %v,%v", c.from, c.in, to, ok, c.to, c.ok)
		}
	}
}
