package failure

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestSentinelsMatchByCode(t *testing.T) {
	sentinel := &Error{Code: "X-GONE"}
	err := fmt.Errorf("reading: %w", New("X-GONE", "the card left").With("Reader", "R1"))
	if !errors.Is(err, sentinel) {
		t.Fatal("a failure does not match its code's sentinel")
	}
	if errors.Is(err, &Error{Code: "X-OTHER"}) {
		t.Fatal("matched another code")
	}
	if errors.Is(New("X-GONE", ""), New("X-GONE", "with detail")) {
		t.Fatal("a target with detail is not a sentinel")
	}
	if CodeOf(err) != "X-GONE" || StringOf(err, "Reader") != "R1" || IntOf(err, "Reader") != 0 {
		t.Fatalf("accessors: %q %q", CodeOf(err), StringOf(err, "Reader"))
	}
	if CodeOf(errors.New("plain")) != "" || DataOf(nil, "k") != nil {
		t.Fatal("an uncoded error has a code")
	}
}

func TestFromClassifiesWhatABoundaryShows(t *testing.T) {
	if c := From(fmt.Errorf("op: %w", context.Canceled)).Code; c != Cancelled {
		t.Fatalf("cancelled context → %s", c)
	}
	plain := errors.New("plain")
	if f := From(plain); f.Code != Unknown || !errors.Is(f, plain) {
		t.Fatalf("uncoded error → %v", f)
	}
	inner := Wrap("X-IN", errors.New("cause"))
	if f := From(fmt.Errorf("outer: %w", inner)); f != inner {
		t.Fatalf("From lost the failure: %v", f)
	}
	if Wrap("X", nil) != nil {
		t.Fatal("Wrap(nil) is not nil")
	}
}

func TestMessageKeyAndText(t *testing.T) {
	e := New("X-A", "detail").With("B", 2).With("A", "one")
	if e.MessageKey() != "failure.X-A" {
		t.Fatal(e.MessageKey())
	}
	e.Key = "other.key"
	if e.MessageKey() != "other.key" {
		t.Fatal(e.MessageKey())
	}
	if got := (&Error{Code: "X-A", Data: map[string]any{"B": 2, "A": "one"}, Detail: "d", Err: errors.New("c")}).Error(); got != "X-A (A=one, B=2): d: c" {
		t.Fatalf("text %q", got)
	}
}

func TestRegistry(t *testing.T) {
	Register("pkg-a", "T-ONE", "T-TWO")
	Register("pkg-a", "T-ONE") // the same owner again is harmless
	if !IsRegistered("T-TWO") || IsRegistered("T-NONE") {
		t.Fatal("registry")
	}
	var n int
	for _, c := range Registered() {
		if strings.HasPrefix(string(c), "T-") {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("registered %d", n)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("a code owned twice did not panic")
		}
	}()
	Register("pkg-b", "T-ONE")
}
