package store

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"madoguchi/i18n/failure"
)

func key(t testing.TB) []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

func TestSealedRecordsPerAccount(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.sqlite")
	k := key(t)
	s, err := Open(path, k)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "alice", "cert", "c1", []byte("住民票の写し")); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get(ctx, "alice", "cert", "c1"); err != nil || string(got) != "住民票の写し" {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := s.Get(ctx, "bob", "cert", "c1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another account sees it: %v", err)
	}
	// the payload is not readable on disk
	s.Close()
	raw, _ := os.ReadFile(path)
	wal, _ := os.ReadFile(path + "-wal")
	if strings.Contains(string(raw)+string(wal), "住民票") {
		t.Fatal("plaintext on disk")
	}
	// a row moved to another account does not open
	db, _ := sql.Open("sqlite", "file:"+path)
	db.Exec(`UPDATE records SET account='bob'`)
	db.Close()
	s, _ = Open(path, k)
	if _, err := s.Get(ctx, "bob", "cert", "c1"); codeOf(err) != CodeKeyMismatch {
		t.Fatalf("moved row: %v", err)
	}
	s.Close()
	// the wrong key opens nothing
	s, _ = Open(path, key(t))
	defer s.Close()
	if _, err := s.Get(ctx, "bob", "cert", "c1"); codeOf(err) != CodeKeyMismatch {
		t.Fatalf("wrong key: %v", err)
	}
	if err := s.Audit(ctx, "alice", []byte(`{"to":"employer"}`)); err != nil {
		t.Fatal(err)
	}
	log, err := s.AuditLog(ctx, "alice")
	if err != nil || len(log) != 1 || string(log[0]) != `{"to":"employer"}` {
		t.Fatalf("%q %v", log, err)
	}
}

func codeOf(err error) failure.Code { return failure.CodeOf(err) }

func TestCorruptDatabaseIsQuarantinedNotRecreated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.sqlite")
	s, err := Open(path, key(t))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		s.Put(context.Background(), "a", "k", fmt.Sprint(i), make([]byte, 2000))
	}
	s.Close()
	b, _ := os.ReadFile(path)
	for i := 4096; i < len(b) && i < 4096*3; i++ { // scribble over pages after the header
		b[i] ^= 0x5A
	}
	os.WriteFile(path, b, 0o600)
	os.Remove(path + "-wal")
	_, err = Open(path, key(t))
	moved := failure.StringOf(err, DataPath)
	if failure.CodeOf(err) != CodeCorrupt || moved == "" {
		t.Fatalf("corrupt database: %v", err)
	}
	if _, err := os.Stat(moved); err != nil {
		t.Fatalf("quarantined file missing: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("the damaged file is still in place")
	}
	// not a database at all
	os.WriteFile(path, []byte("this is not sqlite, but someone's data"), 0o600)
	if _, err := Open(path, key(t)); codeOf(err) != CodeCorrupt {
		t.Fatalf("garbage file: %v", err)
	}
}

func TestMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.sqlite")
	db, _ := sql.Open("sqlite", "file:"+path)
	db.Exec(migrations[0])
	db.Exec(`PRAGMA user_version = 1`)
	db.Close()
	s, err := Open(path, key(t))
	if err != nil {
		t.Fatal(err)
	}
	var v int
	s.db.QueryRow(`PRAGMA user_version`).Scan(&v)
	if v != len(migrations) {
		t.Fatalf("schema %d", v)
	}
	if err := s.Audit(context.Background(), "a", []byte("x")); err != nil {
		t.Fatal("migrated table missing:", err)
	}
	s.db.Exec(`PRAGMA user_version = 99`)
	s.Close()
	if _, err := Open(path, key(t)); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("newer schema: %v", err)
	}
}

// The crash child: reads the key from stdin, writes records forever,
// printing each id after its transaction committed.
func TestMain(m *testing.M) {
	if path := os.Getenv("MADOGUCHI_STORE_CRASH_CHILD"); path != "" {
		line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
		k, _ := hex.DecodeString(strings.TrimSpace(line))
		s, err := Open(path, k)
		if err != nil {
			fmt.Println("ERR", err)
			os.Exit(3)
		}
		start, _ := s.List(context.Background(), "acct", "draft")
		for i := len(start); ; i++ {
			id := fmt.Sprintf("d%06d", i)
			if err := s.Put(context.Background(), "acct", "draft", id, []byte("draft "+id)); err != nil {
				fmt.Println("ERR", err)
				os.Exit(4)
			}
			fmt.Println(id) // committed
		}
	}
	os.Exit(m.Run())
}

// SIGKILL during writes, 60 times: the store always reopens consistent and
// every record reported committed is there and opens.
func TestCrashDuringWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "crash.sqlite")
	k := key(t)
	committed := map[string]bool{}
	for round := 0; round < 60; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "MADOGUCHI_STORE_CRASH_CHILD="+path)
		stdin, _ := cmd.StdinPipe()
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		io.WriteString(stdin, hex.EncodeToString(k)+"\n") // the key goes by pipe, not argv/env
		stdin.Close()
		lines := make(chan string, 1024)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// the kill comes a random 0–30 ms after the child's first commit, so
		// it always lands in the middle of writes however slow start-up is
		n, _ := rand.Int(rand.Reader, big.NewInt(30))
		var kill <-chan time.Time
		started := false
		stuck := time.After(60 * time.Second)
	read:
		for {
			select {
			case <-stuck:
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("round %d: the writer never reported a commit", round)
			case l, ok := <-lines:
				if !ok {
					break read
				}
				if strings.HasPrefix(l, "ERR") {
					t.Fatalf("round %d: child: %s", round, l)
				}
				committed[l] = true
				if !started {
					started = true
					kill = time.After(time.Duration(n.Int64()) * time.Millisecond)
				}
			case <-kill:
				cmd.Process.Signal(syscall.SIGKILL)
				kill = nil
			}
		}
		cmd.Wait()
		s, err := Open(path, k)
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
		}
		ids, _ := s.List(context.Background(), "acct", "draft")
		have := map[string]bool{}
		for _, id := range ids {
			have[id] = true
		}
		for id := range committed {
			if !have[id] {
				t.Fatalf("round %d: committed record %s lost", round, id)
			}
			if b, err := s.Get(context.Background(), "acct", "draft", id); err != nil || string(b) != "draft "+id {
				t.Fatalf("round %d: %s: %q %v", round, id, b, err)
			}
		}
		s.Close()
	}
	if len(committed) < 60 {
		t.Fatalf("only %d records committed in 60 rounds: the test did not exercise writes", len(committed))
	}
	t.Logf("%d records committed across 60 SIGKILLs", len(committed))
}
