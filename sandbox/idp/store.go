package idp

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// store keeps the provider's records as JSON documents in SQLite tables
// (one table per kind), each write in its own transaction.
type store struct{ db *sql.DB }

var errNotFound = errors.New("not found")

// notFound satisfies op.StorageNotFoundError.
type notFound struct{ what string }

func (e notFound) Error() string { return e.what + " not found" }
func (notFound) IsNotFound()     {}
func (notFound) Unwrap() error   { return errNotFound }

var kinds = []string{"clients", "residents", "certs", "auth_requests", "access_tokens", "refresh_tokens", "subjects", "keys", "challenges", "standing"}

func openStore(path string) (*store, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one writer; SQLite serialises anyway
	for _, k := range kinds {
		// ref: a secondary lookup (auth code → request, cert serial → resident…)
		q := fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (id TEXT PRIMARY KEY, ref TEXT, data BLOB NOT NULL, expires INTEGER)`, k)
		if _, err := db.Exec(q); err != nil {
			db.Close()
			return nil, fmt.Errorf("idp: schema: %w", err)
		}
		if _, err := db.Exec(fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s_ref ON %s(ref)`, k, k)); err != nil {
			db.Close()
			return nil, err
		}
	}
	return &store{db: db}, nil
}

func (s *store) close() error { return s.db.Close() }

func (s *store) put(ctx context.Context, kind, id, ref string, v any, expires time.Time) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var exp any
	if !expires.IsZero() {
		exp = expires.Unix()
	}
	_, err = s.db.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %s(id, ref, data, expires) VALUES(?,?,?,?)
		ON CONFLICT(id) DO UPDATE SET ref=excluded.ref, data=excluded.data, expires=excluded.expires`, kind), id, ref, b, exp)
	return err
}

func (s *store) get(ctx context.Context, kind, id string, v any) error {
	return s.scan(ctx, kind, fmt.Sprintf(`SELECT data FROM %s WHERE id=? AND (expires IS NULL OR expires > ?)`, kind), v, id, time.Now().Unix())
}

func (s *store) getByRef(ctx context.Context, kind, ref string, v any) error {
	return s.scan(ctx, kind, fmt.Sprintf(`SELECT data FROM %s WHERE ref=? AND (expires IS NULL OR expires > ?)`, kind), v, ref, time.Now().Unix())
}

func (s *store) scan(ctx context.Context, kind, q string, v any, args ...any) error {
	var b []byte
	err := s.db.QueryRowContext(ctx, q, args...).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound{kind}
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// take reads and deletes a record in one transaction (single use).
func (s *store) take(ctx context.Context, kind, id string, v any) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var b []byte
	err = tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT data FROM %s WHERE id=? AND (expires IS NULL OR expires > ?)`, kind), id, time.Now().Unix()).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound{kind}
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %s WHERE id=?`, kind), id); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// takeRef atomically moves a record's ref from ref to newRef (and its expiry
// to expires) and returns the record: of concurrent callers with the same
// ref, exactly one succeeds.
func (s *store) takeRef(ctx context.Context, kind, ref, newRef string, expires time.Time, v any) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var id string
	var b []byte
	err = tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT id, data FROM %s WHERE ref=? AND (expires IS NULL OR expires > ?)`, kind), ref, time.Now().Unix()).Scan(&id, &b)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound{kind}
	}
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %s SET ref=?, expires=? WHERE id=? AND ref=?`, kind), newRef, expires.Unix(), id, ref)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return notFound{kind}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func (s *store) del(ctx context.Context, kind, id string) error {
	_, err := s.db.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %s WHERE id=?`, kind), id)
	return err
}

func (s *store) delWhere(ctx context.Context, kind, where string, args ...any) error {
	_, err := s.db.ExecContext(ctx, fmt.Sprintf(`DELETE FROM %s WHERE %s`, kind, where), args...)
	return err
}
