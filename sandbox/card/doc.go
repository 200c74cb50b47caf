// Package vcard owns the sandbox's virtual My Number card: an emulator of the
// JPKI AP, the input-support AP and the common AP that answers ISO 7816-4 APDUs
// like the real card (ATR, file system, per-application security status, PIN
// counters with lockout, CHANGE PIN, RSA-2048 signatures, status words, card
// removal). It plugs in two ways: in-process, through sandbox/card/inproc
// (a card.Transport and a card.Backend named "Madoguchi demo reader"), and as
// a virtual card connected to vsmartcard's vpcd over TCP, so the real pcscd +
// PC/SC path is exercised. It is built on protocol/mynacard and nothing of the
// card client (deps_test.go).
package vcard
