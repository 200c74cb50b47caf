package keystore

import (
	"errors"
	"strings"
	"testing"
	"time"

	"madoguchi/i18n/failure"
)

// Without a reachable Secret Service the store says so with its code (the
// caller then keeps the session in memory and tells the person); it never
// falls back to a file.
func TestUnavailableKeyringIsReported(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/madoguchi-test-bus")
	k := New(OS{})
	err := k.Save("p", Entry{RefreshToken: "r", Subject: "s"})
	if failure.CodeOf(err) != CodeUnavailable {
		t.Fatalf("save without keyring: %v", err)
	}
	if _, err := k.Load("p"); failure.CodeOf(err) != CodeUnavailable {
		t.Fatalf("load without keyring: %v", err)
	}
}

func TestEntryRoundTripAndSizeLimit(t *testing.T) {
	k := New(NewMemory())
	if _, err := k.Load("p"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty: %v", err)
	}
	if err := k.Save("p", Entry{RefreshToken: "r1", Subject: "s", Name: "山田 太郎"}); err != nil {
		t.Fatal(err)
	}
	e, err := k.Load("p")
	if err != nil || e.RefreshToken != "r1" || e.Name != "山田 太郎" {
		t.Fatalf("%+v %v", e, err)
	}
	if err := k.Save("p", Entry{RefreshToken: string(make([]byte, 3000)), Subject: "s"}); failure.CodeOf(err) != CodeUnavailable {
		t.Fatalf("an entry over the Windows size limit: %v", err)
	}
	// an access token too large to keep is left out (it is only a saving)
	exp := time.Now().Add(time.Minute).Truncate(time.Second)
	if err := k.Save("p", Entry{RefreshToken: "r1", Subject: "s", AccessToken: strings.Repeat("a", 2500), Expiry: exp}); err != nil {
		t.Fatal(err)
	}
	if e, _ := k.Load("p"); e.RefreshToken != "r1" || e.AccessToken != "" {
		t.Fatalf("oversized access token: %+v", e)
	}
	if err := k.Save("p", Entry{RefreshToken: "r1", Subject: "s", AccessToken: "at", Expiry: exp}); err != nil {
		t.Fatal(err)
	}
	if e, _ := k.Load("p"); e.AccessToken != "at" || !e.Expiry.Equal(exp) {
		t.Fatalf("access token kept: %+v", e)
	}
	// a second account at the same municipality has its own entry
	if err := k.Save("p", Entry{RefreshToken: "r2", Subject: "s2", Name: "佐藤 健二"}); err != nil {
		t.Fatal(err)
	}
	if e, _ := k.Load("p"); e.Subject != "s2" {
		t.Fatalf("current account %+v", e)
	}
	if old, err := k.get(accountKey("p", "s")); err != nil || !strings.Contains(old, "r1") {
		t.Fatalf("first account's entry: %q %v", old, err)
	}
	if err := k.Delete("p"); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete("p"); err != nil {
		t.Fatal("deleting twice must be fine")
	}
	if _, err := k.Load("p"); !errors.Is(err, ErrNotFound) {
		t.Fatal("entry left after delete")
	}
}

func TestDataKeyIsCreatedOnceAndKept(t *testing.T) {
	k := New(NewMemory())
	k1, err := k.DataKey("wallet")
	if err != nil || len(k1) != 32 {
		t.Fatal(err)
	}
	k2, _ := k.DataKey("wallet")
	if string(k1) != string(k2) {
		t.Fatal("data key changed between calls")
	}
	if other, _ := k.DataKey("other"); string(other) == string(k1) {
		t.Fatal("two stores share a key")
	}
	k.DeleteDataKey("wallet")
	if k3, _ := k.DataKey("wallet"); string(k3) == string(k1) {
		t.Fatal("deleted key came back")
	}
}
