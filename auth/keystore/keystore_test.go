package keystore

import (
	"errors"
	"strings"
	"testing"
)

// Without a reachable Secret Service the store says so with its code (the
// caller then keeps the session in memory and tells the person); it never
// falls back to a file.
func TestUnavailableKeyringIsReported(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/madoguchi-test-bus")
	err := Save("p", Entry{RefreshToken: "r", Subject: "s"})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeUnavailable {
		t.Fatalf("save without keyring: %v", err)
	}
	if _, err := Load("p"); !errors.As(err, &e) {
		t.Fatalf("load without keyring: %v", err)
	}
}

func TestEntryRoundTripAndSizeLimit(t *testing.T) {
	UseMemory()
	if _, err := Load("p"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty: %v", err)
	}
	if err := Save("p", Entry{RefreshToken: "r1", Subject: "s", Name: "山田 太郎"}); err != nil {
		t.Fatal(err)
	}
	e, err := Load("p")
	if err != nil || e.RefreshToken != "r1" || e.Name != "山田 太郎" {
		t.Fatalf("%+v %v", e, err)
	}
	if err := Save("p", Entry{RefreshToken: string(make([]byte, 3000)), Subject: "s"}); err == nil {
		t.Fatal("an entry over the Windows size limit was accepted")
	}
	// a second account at the same municipality has its own entry
	if err := Save("p", Entry{RefreshToken: "r2", Subject: "s2", Name: "佐藤 健二"}); err != nil {
		t.Fatal(err)
	}
	if e, _ := Load("p"); e.Subject != "s2" {
		t.Fatalf("current account %+v", e)
	}
	if old, err := get(accountKey("p", "s")); err != nil || !strings.Contains(old, "r1") {
		t.Fatalf("first account's entry: %q %v", old, err)
	}
	if err := Delete("p"); err != nil {
		t.Fatal(err)
	}
	if err := Delete("p"); err != nil {
		t.Fatal("deleting twice must be fine")
	}
	if _, err := Load("p"); !errors.Is(err, ErrNotFound) {
		t.Fatal("entry left after delete")
	}
}

func TestDataKeyIsCreatedOnceAndKept(t *testing.T) {
	UseMemory()
	k1, err := DataKey("wallet")
	if err != nil || len(k1) != 32 {
		t.Fatal(err)
	}
	k2, _ := DataKey("wallet")
	if string(k1) != string(k2) {
		t.Fatal("data key changed between calls")
	}
	if other, _ := DataKey("other"); string(other) == string(k1) {
		t.Fatal("two stores share a key")
	}
	DeleteDataKey("wallet")
	if k3, _ := DataKey("wallet"); string(k3) == string(k1) {
		t.Fatal("deleted key came back")
	}
}
