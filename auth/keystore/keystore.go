// Package keystore owns what the app keeps as secrets: one small entry per
// municipality profile and account holding the refresh token and the
// signed-in subject, and the data key that seals the local store. Never a
// PIN, never a file. Where the secrets live is injected (Backend): the OS
// keyring through github.com/zalando/go-keyring (Secret Service on Linux,
// Keychain on macOS, Credential Manager on Windows), or memory for kiosk mode
// and tests.
package keystore

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"

	"madoguchi/i18n/failure"
)

// Service is the keyring service name.
const Service = "jp.madoguchi.app"

// CodeUnavailable is the failure code when there is no usable keyring.
const CodeUnavailable failure.Code = "KEYRING-UNAVAILABLE"

// Codes lists the keystore's failure codes.
var Codes = failure.Register("auth/keystore", CodeUnavailable)

// maxEntry keeps entries under Windows Credential Manager's 2560-byte blob limit.
const maxEntry = 2048

// Entry is what is kept per profile.
type Entry struct {
	RefreshToken string `json:"rt"`
	Subject      string `json:"sub"`
	Name         string `json:"name,omitempty"`
	// AccessToken and its Expiry spare the next process a refresh (and a
	// rotation) while the token is valid; left out when they do not fit.
	AccessToken string    `json:"at,omitempty"`
	Expiry      time.Time `json:"exp,omitzero"`
	// Card names the card the person signed in with (SHA-256 of its
	// user-authentication certificate: public, not a secret): a proxy signs
	// only with their own card.
	Card string `json:"card,omitempty"`
}

// ErrNotFound means nothing is stored for the profile (signed out).
var ErrNotFound = errors.New("keystore: not signed in")

func unavailable(err error) error { return &failure.Error{Code: CodeUnavailable, Err: err} }

// Entries are keyed "<profile>/<subject>" (one per municipality and
// account); "<profile>" itself names the account signed in last.

func accountKey(profile, subject string) string { return profile + "/" + subject }

// Backend holds secrets by service and user.
type Backend interface {
	Get(service, user string) (string, error) // ErrNotFound when absent
	Set(service, user, value string) error
	Delete(service, user string) error // absent is not an error
}

// OS is the operating system's keyring (go-keyring).
type OS struct{}

func (OS) Get(service, user string) (string, error) {
	s, err := keyring.Get(service, user)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", ErrNotFound
	}
	return s, err
}

func (OS) Set(service, user, value string) error { return keyring.Set(service, user, value) }

func (OS) Delete(service, user string) error {
	if err := keyring.Delete(service, user); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return err
	}
	return nil
}

// Memory keeps secrets in this process only (kiosk mode: nothing is left
// behind; tests).
type Memory struct {
	mu sync.Mutex
	m  map[string]string
}

// NewMemory returns an empty in-memory backend.
func NewMemory() *Memory { return &Memory{m: map[string]string{}} }

func (m *Memory) Get(service, user string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.m[service+"\x00"+user]
	if !ok {
		return "", ErrNotFound
	}
	return s, nil
}

func (m *Memory) Set(service, user, value string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.m[service+"\x00"+user] = value
	return nil
}

func (m *Memory) Delete(service, user string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, service+"\x00"+user)
	return nil
}

// Store is the app's secrets over a backend.
type Store struct{ b Backend }

// New returns a store over b (nil: the OS keyring).
func New(b Backend) *Store {
	if b == nil {
		b = OS{}
	}
	return &Store{b: b}
}

// Save stores the account's entry and makes it the profile's current one.
func (k *Store) Save(profile string, e Entry) error {
	if e.Subject == "" {
		return errors.New("keystore: entry without subject")
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if len(b) > maxEntry && e.AccessToken != "" {
		e.AccessToken, e.Expiry = "", time.Time{} // the access token is only a saving
		b, _ = json.Marshal(e)
	}
	if len(b) > maxEntry {
		return failure.Newf(CodeUnavailable, "an entry of %d bytes exceeds the keyring's %d", len(b), maxEntry)
	}
	if err := k.b.Set(Service, accountKey(profile, e.Subject), string(b)); err != nil {
		return unavailable(err)
	}
	if err := k.b.Set(Service, profile, e.Subject); err != nil {
		return unavailable(err)
	}
	return nil
}

// Load returns the profile's current account entry, ErrNotFound when
// signed out.
func (k *Store) Load(profile string) (Entry, error) {
	var e Entry
	sub, err := k.get(profile)
	if err != nil {
		return e, err
	}
	s, err := k.get(accountKey(profile, sub))
	if err != nil {
		return e, err
	}
	if err := json.Unmarshal([]byte(s), &e); err != nil {
		return e, fmt.Errorf("keystore: corrupt entry: %w", err)
	}
	return e, nil
}

func (k *Store) get(user string) (string, error) {
	s, err := k.b.Get(Service, user)
	if errors.Is(err, ErrNotFound) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", unavailable(err)
	}
	return s, nil
}

// Delete removes the profile's current account (sign-out); absent is fine.
func (k *Store) Delete(profile string) error {
	sub, err := k.get(profile)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, user := range []string{accountKey(profile, sub), profile} {
		if err := k.b.Delete(Service, user); err != nil {
			return unavailable(err)
		}
	}
	return nil
}

// DataKey returns the 32-byte key that seals the local store, creating it
// in the keyring on first use. It never touches the disk.
func (k *Store) DataKey(name string) ([]byte, error) {
	user := "data-key/" + name
	s, err := k.get(user)
	if err == nil {
		key, derr := base64.StdEncoding.DecodeString(s)
		if derr != nil || len(key) != 32 {
			return nil, fmt.Errorf("keystore: data key %q is malformed", name)
		}
		return key, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := k.b.Set(Service, user, base64.StdEncoding.EncodeToString(key)); err != nil {
		return nil, unavailable(err)
	}
	return key, nil
}

// DeleteDataKey forgets the data key (kiosk reset: the store becomes unreadable).
func (k *Store) DeleteDataKey(name string) error {
	if err := k.b.Delete(Service, "data-key/"+name); err != nil {
		return unavailable(err)
	}
	return nil
}

// ForgetAll removes every entry of the app from the keyring (sign-ins of
// every profile, the store's data key): "forget me on this PC".
func (k *Store) ForgetAll() error {
	if f, ok := k.b.(interface{ DeleteAll(service string) error }); ok {
		if err := f.DeleteAll(Service); err != nil {
			return unavailable(err)
		}
		return nil
	}
	return errors.New("keystore: this backend cannot forget everything")
}

// DeleteAll removes every entry of service.
func (OS) DeleteAll(service string) error { return keyring.DeleteAll(service) }

// DeleteAll removes every entry of service.
func (m *Memory) DeleteAll(service string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for k := range m.m {
		if strings.HasPrefix(k, service+"\x00") {
			delete(m.m, k)
		}
	}
	return nil
}

// Len is the number of entries (tests).
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.m)
}
