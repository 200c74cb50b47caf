// Package reader owns the reader side of the card path: the monitor that
// follows one reader (the chosen one, else the first with a card),
// identifies inserted cards, runs operations one at a time through Do, and
// publishes events; and its explicit state machine (State, Input, Next).
// The card protocol itself is auth/card's; readers are reached through a
// card.Backend (PC/SC in auth/pcsc, or the demo's in-process reader).
package reader
