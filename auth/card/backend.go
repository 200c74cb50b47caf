package card

import (
	"context"
)

// ReaderStatus is a backend's view of one reader.
type ReaderStatus struct {
	Name        string
	CardPresent bool
	// Events counts card insertions and removals where the backend knows it
	// (PC/SC's event counter), so a quick out-and-in is not missed.
	Events int
}

// SameReaders reports whether two snapshots are equal (backends use it to
// decide when Wait returns).
func SameReaders(a, b []ReaderStatus) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Backend is a family of readers: PC/SC (package pcsc) or the in-process
// virtual reader (sandbox/card).
type Backend interface {
	// Wait returns the readers once they differ from prev (or at once if prev
	// is nil), or ctx's error.
	Wait(ctx context.Context, prev []ReaderStatus) ([]ReaderStatus, error)
	// Connect opens the card in the reader.
	Connect(reader string) (Transport, error)
}

// Closer is implemented by transports that hold a connection.
type Closer interface{ Close() error }
