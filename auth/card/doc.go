// Package card owns the My Number card protocol as seen from the host: the ISO
// 7816-4 APDUs for the JPKI application, the card-info input-support
// application and the common application (wire format: protocol/mynacard);
// status words as failures with stable codes (i18n/failure); PIN rules, the
// last-try guard and the PIN-first pattern; a crypto.Signer backed by the
// card; a per-insertion cache of what is safe to cache; and the Backend
// interface through which readers are reached. Following readers and the
// state machine are auth/reader's.
//
// It speaks to a card only through Transport, so the same code runs over PC/SC
// (package pcsc) and over the virtual card in an in-process reader
// (sandbox/card/inproc).
// A PIN or password passed to this package is sent only to the card, never
// logged or stored, and wiped by the caller-facing helpers after use.
package card
