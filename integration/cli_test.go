package integration

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ebfe/scard"

	"madoguchi/app"
	appcli "madoguchi/app/cli"
)

func cli(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := app.RunWith(append([]string{"--lang", "en"}, args...),
		&appcli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

// The CLI against the real PC/SC stack.
func TestCLIThroughPCSC(t *testing.T) {
	_, r := insert(t, "suzuki-hanako")
	code, out, errs := cli(t, "", "card", "readers", "--json")
	if code != 0 || !strings.Contains(out, `"name": "`+reader0+`"`) || !strings.Contains(out, `"card_present": true`) {
		t.Fatalf("readers: %d %s %s", code, out, errs)
	}
	code, out, errs = cli(t, "", "card", "pin-status", "--json")
	var cs []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &cs) != nil || len(cs) != 3 || cs[1]["tries_left"] != float64(5) {
		t.Fatalf("pin-status: %d %s %s", code, out, errs)
	}
	code, out, errs = cli(t, r.InputPIN+"\n", "card", "info", "--pin-stdin", "--json")
	if code != 0 || !strings.Contains(out, r.Address) || strings.Contains(out, r.InputPIN+"\"") {
		t.Fatalf("info: %d %s %s", code, out, errs)
	}
	code, out, _ = cli(t, "", "doctor")
	if code != 0 || !strings.Contains(out, "✓ PC/SC service") || !strings.Contains(out, reader0) {
		t.Fatalf("doctor: %d %s", code, out)
	}
}

func TestDoctorWithoutCard(t *testing.T) {
	code, out, _ := cli(t, "", "doctor", "--json")
	if code != 1 || !strings.Contains(out, `"code": "CARD-MISSING"`) {
		t.Fatalf("doctor without a card: %d %s", code, out)
	}
}

// Two readers with cards: the CLI refuses to guess and lists them; an
// unknown --reader says so and lists the readers; --json failures are JSON
// on stdout with the code.
func TestCLIReaderChoice(t *testing.T) {
	_, r := insertIn(t, "yamada-taro", 0)
	insertIn(t, "sato-hana", 1)
	code, out, errs := cli(t, r.InputPIN+"\n", "card", "info", "--pin-stdin")
	if code != 1 || !strings.Contains(errs, "[READER-CHOICE]") || !strings.Contains(errs, reader0) || !strings.Contains(errs, reader1) {
		t.Fatalf("two cards: %d %q %q", code, out, errs)
	}
	code, out, errs = cli(t, r.InputPIN+"\n", "card", "info", "--pin-stdin", "--reader", reader0, "--json")
	if code != 0 || !strings.Contains(out, r.Name) {
		t.Fatalf("--reader: %d %s %s", code, out, errs)
	}
	code, out, _ = cli(t, "", "card", "pin-status", "--reader", "Nonexistent Reader", "--json")
	var f struct {
		Error struct{ Code, Cause string }
	}
	if code != 1 || json.Unmarshal([]byte(out), &f) != nil || f.Error.Code != "READER-UNKNOWN" ||
		!strings.Contains(f.Error.Cause, "Nonexistent Reader") || !strings.Contains(f.Error.Cause, reader1) {
		t.Fatalf("unknown reader: %d %s", code, out)
	}
}

// A card pulled during `card certs` fails the command (non-zero, the code),
// instead of printing a partial list and exiting 0.
func TestCLICertsPulledExitsNonZero(t *testing.T) {
	vc, _ := insert(t, "yamada-taro")
	vc.RemoveAfter(4)
	code, out, errs := cli(t, "", "card", "certs", "--json")
	if code != 1 || !strings.Contains(out, `"code": "CARD-REMOVED"`) {
		t.Fatalf("pulled during certs: %d %s %s", code, out, errs)
	}
}

// Ctrl-C during an operation blocked on the card ends it: the CLI exits 130
// with CANCELLED and the card is free for other programs.
func TestCLICtrlCReleasesCard(t *testing.T) {
	bin := madoguchiBinary(t)
	vc, _ := insert(t, "yamada-taro")
	vc.Mute()
	cmd := exec.Command(bin, "--lang", "en", "card", "pin-status", "--json")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited, _ := watchChild(cmd)
	defer stopChild(cmd, exited)
	deadline := time.Now().Add(30 * time.Second)
	for vc.Held() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the command never reached the card: %s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatal("Ctrl-C did not end the blocked command")
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 || !strings.Contains(out.String(), `"code": "CANCELLED"`) {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	vc.Unmute()
	// the card is free: another program gets a transaction and an answer.
	// pcscd resets the card of a client that went away; a well-behaved
	// program reconnects when told so (reset, or a protocol to renegotiate).
	o := secondProgram(t)
	done := make(chan error, 1)
	go func() {
		var err error
		for range 50 {
			if err = o.c.BeginTransaction(); err == nil {
				err = o.selectAuthPIN()
				o.c.EndTransaction(scard.LeaveCard)
			}
			if !errors.Is(err, scard.ErrResetCard) && !errors.Is(err, scard.ErrProtoMismatch) {
				break
			}
			o.c.Reconnect(scard.ShareShared, scard.ProtocolAny, scard.LeaveCard)
			time.Sleep(100 * time.Millisecond)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the card stayed held after the CLI exited")
	}
}
