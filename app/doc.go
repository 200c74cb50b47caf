// Package app is the composition root: it parses the command line, chooses
// the card backend (PC/SC or the in-process virtual card of the demo), wires
// services into the UI, and implements the CLI commands (card, doctor,
// sandbox). Business rules live in auth/ (and later procedures/, store/);
// this package only connects them.
package app
