package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/zalando/go-keyring"
)

// startSecretService starts a private session bus and gnome-keyring's Secret
// Service on it (children of the test process, stopped by PID), unlocked with
// a throwaway password, and points this process at it.
func startSecretService() (stop func(), err error) {
	for _, tool := range []string{"dbus-daemon", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%s not installed (Debian: dbus gnome-keyring)", tool)
		}
	}
	dir, err := os.MkdirTemp("", "madoguchi-keyring-")
	if err != nil {
		return nil, err
	}
	var stops []func()
	stop = func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
		os.RemoveAll(dir)
	}
	start := func(cmd *exec.Cmd) error {
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL} // dies with us if we are killed
		if err := cmd.Start(); err != nil {
			return err
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		stops = append(stops, func() {
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-done
			}
		})
		return nil
	}
	sock := filepath.Join(dir, "bus")
	addr := "unix:path=" + sock
	if err := start(exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile", "--address="+addr)); err != nil {
		stop()
		return nil, err
	}
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	os.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	run := filepath.Join(dir, "run")
	os.MkdirAll(run, 0o700)
	gk := exec.Command("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets")
	gk.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+filepath.Join(dir, "data"), "XDG_RUNTIME_DIR="+run,
		"DBUS_SESSION_BUS_ADDRESS="+addr)
	gk.Stdin = strings.NewReader("sandbox-keyring-password")
	gk.Stdout, gk.Stderr = nil, nil
	if err := start(gk); err != nil {
		stop()
		return nil, err
	}
	// gnome-keyring creates and unlocks the "login" collection from the
	// password on stdin; asking before it exists makes the default alias
	// point at a locked collection for good. Wait for its file first.
	loginKeyring := filepath.Join(dir, "data", "keyrings", "login.keyring")
	for i := 0; i < 200; i++ {
		if _, err := os.Stat(loginKeyring); err == nil {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	// ready when a secret round-trips
	var last error
	for i := 0; i < 100; i++ {
		if last = keyring.Set("madoguchi-harness", "probe", "x"); last == nil {
			keyring.Delete("madoguchi-harness", "probe")
			return stop, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	return nil, fmt.Errorf("secret service not ready: %v", last)
}
