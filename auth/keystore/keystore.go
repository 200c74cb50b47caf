// Package keystore owns what the app keeps in the OS keyring through
// github.com/zalando/go-keyring (Secret Service on Linux, Keychain on macOS,
// Credential Manager on Windows): one small entry per municipality profile
// holding the refresh token and the signed-in subject. Never a PIN, never a
// file: when no keyring is available the caller keeps the session in memory
// only and tells the person.
package keystore

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/zalando/go-keyring"
)

// Service is the keyring service name.
const Service = "jp.madoguchi.app"

// CodeUnavailable is the failure code when there is no usable keyring.
const CodeUnavailable = "KEYRING-UNAVAILABLE"

// maxEntry keeps entries under Windows Credential Manager's 2560-byte blob limit.
const maxEntry = 2048

// Entry is what is kept per profile.
type Entry struct {
	RefreshToken string `json:"rt"`
	Subject      string `json:"sub"`
	Name         string `json:"name,omitempty"`
}

// Error is a keyring failure.
type Error struct {
	Code string
	Err  error
}

func (e *Error) Error() string               { return e.Code + ": " + e.Err.Error() }
func (e *Error) Unwrap() error               { return e.Err }
func (e *Error) FailureCode() string         { return e.Code }
func (e *Error) FailureData() map[string]any { return nil }

// ErrNotFound means nothing is stored for the profile (signed out).
var ErrNotFound = errors.New("keystore: not signed in")

func unavailable(err error) error { return &Error{Code: CodeUnavailable, Err: err} }

// Entries are keyed "<profile>/<subject>" (one per municipality and
// account); "<profile>" itself names the account signed in last.

func accountKey(profile, subject string) string { return profile + "/" + subject }

// Save stores the account's entry and makes it the profile's current one.
func Save(profile string, e Entry) error {
	if e.Subject == "" {
		return errors.New("keystore: entry without subject")
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if len(b) > maxEntry {
		return fmt.Errorf("keystore: entry of %d bytes exceeds %d", len(b), maxEntry)
	}
	if err := keyring.Set(Service, accountKey(profile, e.Subject), string(b)); err != nil {
		return unavailable(err)
	}
	if err := keyring.Set(Service, profile, e.Subject); err != nil {
		return unavailable(err)
	}
	return nil
}

// Load returns the profile's current account entry, ErrNotFound when
// signed out.
func Load(profile string) (Entry, error) {
	var e Entry
	sub, err := get(profile)
	if err != nil {
		return e, err
	}
	s, err := get(accountKey(profile, sub))
	if err != nil {
		return e, err
	}
	if err := json.Unmarshal([]byte(s), &e); err != nil {
		return e, fmt.Errorf("keystore: corrupt entry: %w", err)
	}
	return e, nil
}

func get(user string) (string, error) {
	s, err := keyring.Get(Service, user)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", unavailable(err)
	}
	return s, nil
}

// Delete removes the profile's current account (sign-out); absent is fine.
func Delete(profile string) error {
	sub, err := get(profile)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, user := range []string{accountKey(profile, sub), profile} {
		if err := keyring.Delete(Service, user); err != nil && !errors.Is(err, keyring.ErrNotFound) {
			return unavailable(err)
		}
	}
	return nil
}

// UseMemory switches to an in-process store (tests without a keyring).
func UseMemory() { keyring.MockInit() }

// DataKey returns the 32-byte key that seals the local store, creating it
// in the keyring on first use. It never touches the disk.
func DataKey(name string) ([]byte, error) {
	user := "data-key/" + name
	s, err := get(user)
	if err == nil {
		k, derr := base64.StdEncoding.DecodeString(s)
		if derr != nil || len(k) != 32 {
			return nil, fmt.Errorf("keystore: data key %q is malformed", name)
		}
		return k, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := keyring.Set(Service, user, base64.StdEncoding.EncodeToString(k)); err != nil {
		return nil, unavailable(err)
	}
	return k, nil
}

// DeleteDataKey forgets the data key (kiosk reset: the store becomes unreadable).
func DeleteDataKey(name string) error {
	if err := keyring.Delete(Service, "data-key/"+name); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return unavailable(err)
	}
	return nil
}
