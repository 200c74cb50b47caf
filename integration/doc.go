// Package integration holds the tests that run through the real parts: pcscd
// with the vsmartcard vpcd reader driver, the virtual card connected over TCP,
// github.com/ebfe/scard, OpenSC's own JPKI driver, gnome-keyring's Secret
// Service on a private session bus, the sandbox municipality over HTTPS, the
// built CLI, and the real window under Xvfb. The harness runs in private
// mount and network namespaces (docs/testing.md), starts each daemon as a
// child process and stops it by PID.
package integration
