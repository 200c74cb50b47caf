// Package integration holds the tests that run through the real parts: pcscd
// with the vsmartcard vpcd reader driver, the virtual card connected over TCP,
// github.com/ebfe/scard, and OpenSC's own JPKI driver. The harness starts
// pcscd as a child process and stops it by PID.
package integration
