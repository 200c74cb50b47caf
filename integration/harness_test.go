package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"madoguchi/auth/card"
	"madoguchi/auth/pcsc"
	vcard "madoguchi/sandbox/card"
	"madoguchi/sandbox/fixtures"
)

const (
	reader0 = "Virtual PCD 00 00"
	reader1 = "Virtual PCD 00 01"
	// The harness's own vpcd channel (reader.conf CHANNELID 0x9C7B): reader 0
	// takes cards on TCP 40059, reader 1 on 40060. Distinct from the packaged
	// vpcd's 35963, and inside the harness's private network namespace anyway.
	vpcdAddr0 = "127.0.0.1:40059"
	vpcdAddr1 = "127.0.0.1:40060"
	pcscdDir  = "/run/pcscd"
)

var pcscdLog string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if _, err := exec.LookPath("pcscd"); err != nil {
		fmt.Fprintln(os.Stderr, "integration: pcscd is not installed; run `make deps` (Debian: pcscd vsmartcard-vpcd opensc)")
		return 1
	}
	if !insideHarnessNamespaces() {
		// Re-run this test binary in private mount and network namespaces:
		// its own pcscd, its own vpcd ports, reachable from nowhere else.
		return runIsolated()
	}
	dir, err := os.MkdirTemp("", "madoguchi-pcscd-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	conf, err := privatePCSC(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration: private pcscd:", err)
		return 1
	}
	pcscdLog = filepath.Join(dir, "pcscd.log")
	logf, err := os.Create(pcscdLog)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// -f foreground (a child we can stop by PID), -d debug, -c our own
	// reader.conf. Not -a: APDU logging would put PIN bytes (fictional, still)
	// into test output.
	cmd := exec.Command("pcscd", "-f", "-d", "-c", conf)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL} // dies with us if we are killed
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "integration: start pcscd:", err)
		return 1
	}
	stopped := make(chan error, 1)
	go func() { stopped <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-stopped
		}
		logf.Close()
	}()
	if err := waitReaders(stopped); err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		b, _ := os.ReadFile(pcscdLog)
		os.Stderr.Write(tail(b, 3000))
		return 1
	}
	stopKeyring, err := startSecretService()
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 1
	}
	defer stopKeyring()
	code := m.Run()
	if code != 0 {
		b, _ := os.ReadFile(pcscdLog)
		if keep := os.Getenv("MADOGUCHI_KEEP_PCSCD_LOG"); keep != "" {
			_ = os.WriteFile(keep, b, 0o600)
		}
		fmt.Fprintln(os.Stderr, "---- pcscd log (tail) ----")
		os.Stderr.Write(tail(b, 4000))
	}
	return code
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// waitReaders waits until pcscd answers and lists the vpcd readers.
func waitReaders(stopped <-chan error) error {
	deadline := time.Now().Add(20 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		select {
		case err := <-stopped:
			return fmt.Errorf("pcscd exited: %v", err)
		default:
		}
		if b, err := pcsc.Open(); err == nil {
			rs, lerr := b.Readers()
			b.Close()
			if lerr != nil {
				last = lerr
				time.Sleep(100 * time.Millisecond)
				continue
			}
			for _, r := range rs {
				if r == reader0 {
					return nil
				}
			}
			last = fmt.Errorf("readers %v, want %q (is vsmartcard-vpcd installed?)", rs, reader0)
		} else {
			last = err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("pcscd not ready: %v", last)
}

// insert connects a fixture resident's virtual card to vpcd reader 0 and
// returns it; the card is pulled out at the end of the test.
func insert(t testing.TB, id string) (*vcard.Card, fixtures.Resident) {
	t.Helper()
	return insertIn(t, id, 0)
}

// insertIn is insert for reader 0 or 1.
func insertIn(t testing.TB, id string, idx int) (*vcard.Card, fixtures.Resident) {
	t.Helper()
	addr, name := vpcdAddr0, reader0
	if idx == 1 {
		addr, name = vpcdAddr1, reader1
	}
	r, err := fixtures.ByID(id)
	if err != nil {
		t.Fatal(err)
	}
	c, err := vcard.New(r)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = vcard.ServeVPCD(ctx, addr, c); close(done) }()
	t.Cleanup(func() {
		c.Unmute()
		cancel()
		<-done
		waitPresenceIn(t, name, false)
	})
	waitPresenceIn(t, name, true)
	return c, r
}

func waitPresence(t testing.TB, present bool) {
	t.Helper()
	waitPresenceIn(t, reader0, present)
}

func waitPresenceIn(t testing.TB, reader string, present bool) {
	t.Helper()
	b, err := pcsc.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		rs, err := b.Status()
		if err == nil {
			for _, r := range rs {
				if r.Name == reader && r.CardPresent == present {
					return
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("reader %q never became present=%v", reader, present)
}

// connect opens a PC/SC session to the card in reader 0.
func connect(t testing.TB) *card.Session {
	t.Helper()
	b, err := pcsc.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	tr, err := b.Connect(reader0)
	if err != nil {
		t.Fatal(err)
	}
	s := card.NewSession(tr)
	t.Cleanup(func() { s.Close() })
	return s
}
