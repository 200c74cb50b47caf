// Package store owns local persistence: one SQLite database (modernc.org/sqlite,
// pure Go) in the user's data folder, WAL, every write in a transaction, schema
// migrations by PRAGMA user_version, and sensitive payloads (certificates,
// drafts, receipts) sealed with AES-256-GCM under a data key that lives in the
// OS keyring, never on disk. Records belong to an account (the signed-in
// subject at a municipality) and are sealed with the account, kind and id as
// associated data, so a row moved to another account or kind fails to open.
// A database that does not pass SQLite's integrity check is moved aside
// (quarantined) and reported, never silently recreated over the user's data.
package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" driver

	"madoguchi/i18n/failure"
)

// Failure codes of the local store.
const (
	CodeCorrupt     failure.Code = "STORE-CORRUPT"     // integrity check failed: quarantined (data Path)
	CodeUnavailable failure.Code = "STORE-UNAVAILABLE" // cannot open or write
	CodeKeyMismatch failure.Code = "STORE-KEY"         // a sealed record does not open with this key
)

// Codes lists the store's failure codes.
var Codes = failure.Register("store", CodeCorrupt, CodeUnavailable, CodeKeyMismatch)

// DataPath is the data key of where a corrupt database was moved.
const DataPath = "Path"

// ErrNotFound is returned for a missing record.
var ErrNotFound = errors.New("store: not found")

// migrations, applied in order; index+1 is the schema version.
var migrations = []string{
	`CREATE TABLE records (
		account TEXT NOT NULL,
		kind    TEXT NOT NULL,
		id      TEXT NOT NULL,
		sealed  BLOB NOT NULL,
		created INTEGER NOT NULL,
		updated INTEGER NOT NULL,
		PRIMARY KEY (account, kind, id))`,
	`CREATE TABLE audit (
		seq     INTEGER PRIMARY KEY AUTOINCREMENT,
		account TEXT NOT NULL,
		at      INTEGER NOT NULL,
		sealed  BLOB NOT NULL)`,
}

// Store is an open database with its data key.
type Store struct {
	db   *sql.DB
	aead cipher.AEAD
	path string
}

// Open opens (creating if needed) the database at path with the 32-byte data
// key. A corrupt database is moved aside and reported with CodeCorrupt.
// path ":memory:" gives a session-only store (nothing on disk).
func Open(path string, key []byte) (*Store, error) {
	if len(key) != 32 {
		return nil, errors.New("store: data key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	dsn := "file::memory:?cache=private"
	if path != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, &failure.Error{Code: CodeUnavailable, Err: err}
		}
		dsn = "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(5000)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, &failure.Error{Code: CodeUnavailable, Err: err}
	}
	db.SetMaxOpenConns(1)
	s := &Store{db: db, aead: aead, path: path}
	if err := s.check(); err != nil {
		db.Close()
		if path == ":memory:" {
			return nil, err
		}
		return nil, quarantine(path, err)
	}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, &failure.Error{Code: CodeUnavailable, Err: err}
	}
	return s, nil
}

// check runs SQLite's integrity check (a file that is not a database fails
// here too).
func (s *Store) check() error {
	var res string
	if err := s.db.QueryRow(`PRAGMA quick_check`).Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return errors.New("integrity check: " + res)
	}
	return nil
}

// quarantine moves the damaged database (and its WAL files) aside.
func quarantine(path string, cause error) error {
	dest := fmt.Sprintf("%s.corrupt-%s", path, time.Now().Format("20060102-150405"))
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); err == nil {
			if err := os.Rename(path+suffix, dest+suffix); err != nil {
				return &failure.Error{Code: CodeUnavailable, Err: fmt.Errorf("corrupt database could not be moved aside: %w (cause: %v)", err, cause)}
			}
		}
	}
	return (&failure.Error{Code: CodeCorrupt, Err: cause}).With(DataPath, dest)
}

func (s *Store) migrate() error {
	var v int
	if err := s.db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if v > len(migrations) {
		return fmt.Errorf("database schema %d is newer than this app (%d): update the app", v, len(migrations))
	}
	for i := v; i < len(migrations); i++ {
		tx, err := s.db.Begin()
		if err != nil {
			return err
		}
		if _, err := tx.Exec(migrations[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, i+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file (":memory:" for session-only).
func (s *Store) Path() string { return s.path }

func aad(account, kind, id string) []byte { return []byte(account + "\x00" + kind + "\x00" + id) }

func (s *Store) seal(plain, ad []byte) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, plain, ad)
}

func (s *Store) open(sealed, ad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, &failure.Error{Code: CodeKeyMismatch, Err: errors.New("sealed record too short")}
	}
	p, err := s.aead.Open(nil, sealed[:n], sealed[n:], ad)
	if err != nil {
		return nil, &failure.Error{Code: CodeKeyMismatch, Err: err}
	}
	return p, nil
}

// Put seals and writes a record in one transaction.
func (s *Store) Put(ctx context.Context, account, kind, id string, plain []byte) error {
	now := time.Now().UnixMilli()
	_, err := s.db.ExecContext(ctx, `INSERT INTO records(account, kind, id, sealed, created, updated) VALUES(?,?,?,?,?,?)
		ON CONFLICT(account, kind, id) DO UPDATE SET sealed=excluded.sealed, updated=excluded.updated`,
		account, kind, id, s.seal(plain, aad(account, kind, id)), now, now)
	if err != nil {
		return &failure.Error{Code: CodeUnavailable, Err: err}
	}
	return nil
}

// Get reads and opens a record.
func (s *Store) Get(ctx context.Context, account, kind, id string) ([]byte, error) {
	var sealed []byte
	err := s.db.QueryRowContext(ctx, `SELECT sealed FROM records WHERE account=? AND kind=? AND id=?`, account, kind, id).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, &failure.Error{Code: CodeUnavailable, Err: err}
	}
	return s.open(sealed, aad(account, kind, id))
}

// List returns the ids of an account's records of a kind, oldest first.
func (s *Store) List(ctx context.Context, account, kind string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM records WHERE account=? AND kind=? ORDER BY created, id`, account, kind)
	if err != nil {
		return nil, &failure.Error{Code: CodeUnavailable, Err: err}
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Delete removes a record.
func (s *Store) Delete(ctx context.Context, account, kind, id string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM records WHERE account=? AND kind=? AND id=?`, account, kind, id)
	if err != nil {
		return &failure.Error{Code: CodeUnavailable, Err: err}
	}
	return nil
}

// Forget removes everything kept for an account: records and audit log
// (what a proxy kept for someone, once the grant has ended).
func (s *Store) Forget(ctx context.Context, account string) error {
	for _, q := range []string{`DELETE FROM records WHERE account=?`, `DELETE FROM audit WHERE account=?`} {
		if _, err := s.db.ExecContext(ctx, q, account); err != nil {
			return &failure.Error{Code: CodeUnavailable, Err: err}
		}
	}
	return nil
}

// Audit appends a sealed entry to the account's audit log.
func (s *Store) Audit(ctx context.Context, account string, entry []byte) error {
	at := time.Now().UnixMilli()
	_, err := s.db.ExecContext(ctx, `INSERT INTO audit(account, at, sealed) VALUES(?,?,?)`,
		account, at, s.seal(entry, aad(account, "audit", fmt.Sprint(at))))
	if err != nil {
		return &failure.Error{Code: CodeUnavailable, Err: err}
	}
	return nil
}

// AuditLog returns the account's audit entries, oldest first.
func (s *Store) AuditLog(ctx context.Context, account string) ([][]byte, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at, sealed FROM audit WHERE account=? ORDER BY seq`, account)
	if err != nil {
		return nil, &failure.Error{Code: CodeUnavailable, Err: err}
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var at int64
		var sealed []byte
		if err := rows.Scan(&at, &sealed); err != nil {
			return nil, err
		}
		p, err := s.open(sealed, aad(account, "audit", fmt.Sprint(at)))
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
