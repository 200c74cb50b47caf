// Package card owns the My Number card protocol as seen from the host: the ISO
// 7816-4 APDUs for the JPKI application, the card-info input-support
// application and the common application; typed errors for status words with
// stable failure codes; PIN rules and the last-try guard; a crypto.Signer backed
// by the card; a session cache of what is safe to cache; and the explicit reader
// and card state machine that the UI and the CLI consume as events.
//
// It speaks to a card only through Transport, so the same code runs over PC/SC
// (package pcsc) and over the in-process virtual card (sandbox/card).
// A PIN or password passed to this package is sent only to the card, never
// logged or stored, and wiped by the caller-facing helpers after use.
package card
