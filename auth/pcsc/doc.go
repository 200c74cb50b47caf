// Package pcsc owns the PC/SC transport to real readers through
// github.com/ebfe/scard (pcsclite on Linux, winscard on Windows, the PC/SC
// framework on macOS): a card.Transport per connected card and a card.Backend
// that lists readers and waits for insertion, removal and reader hot-plug with
// SCardGetStatusChange (including the \\?PnP?\Notification pseudo-reader).
// It maps PC/SC errors to the card package's typed errors.
package pcsc
