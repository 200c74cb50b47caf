package integration

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// The integration suite never touches the machine's own PC/SC service and
// never exposes its virtual card to the network (docs/testing.md):
//
//   - The test binary re-runs itself in a private mount namespace and a
//     private network namespace (only a loopback interface). Everything it
//     starts — pcscd, the virtual cards, OpenSC, the app — lives there.
//   - In the mount namespace, a temporary directory is bind-mounted over
//     /run/pcscd, so the harness's pcscd creates its socket there and every
//     client in the namespace (ebfe/scard, opensc-tool) reaches it at the
//     default path, while the system pcscd keeps its own socket untouched.
//     (Debian 12's pcscd ignores PCSCLITE_CSOCK_NAME for its own socket.)
//   - The USB driver bundles are hidden (an empty directory over
//     /usr/lib/pcsc/drivers), so the harness's pcscd never claims a real
//     reader the system pcscd or a browser is using.
//   - vpcd listens on all interfaces, but inside the private network
//     namespace "all" is just loopback: no other machine, and no process
//     outside the namespace on this machine, can present a card to it.

const nsMarker = "MADOGUCHI_INTEGRATION_NS"

func insideHarnessNamespaces() bool { return os.Getenv(nsMarker) == "1" }

// runIsolated runs this test binary again, with the same arguments, in new
// mount and network namespaces, and returns its exit code. As root the
// namespaces are made directly; otherwise inside a user namespace that maps
// the caller to root (where the distribution allows unprivileged ones).
func runIsolated() int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 1
	}
	cmd := exec.Command(exe, os.Args[1:]...)
	cmd.Env = append(os.Environ(), nsMarker+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if os.Geteuid() == 0 {
		// Unshareflags with CLONE_NEWNS also makes / private (no mount leaks out).
		attr.Unshareflags = syscall.CLONE_NEWNS | syscall.CLONE_NEWNET
	} else {
		attr.Cloneflags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWNET
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
	}
	cmd.SysProcAttr = attr
	// Ctrl-C reaches the child through the terminal's process group; keep
	// this parent alive until the child has cleaned up.
	signal.Ignore(os.Interrupt, syscall.SIGTERM)
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if ee.ExitCode() >= 0 {
				return ee.ExitCode()
			}
			fmt.Fprintln(os.Stderr, "integration: isolated run ended:", err)
			return 1
		}
		fmt.Fprintln(os.Stderr, "integration: cannot create private namespaces for the PC/SC harness ("+err.Error()+
			"). Run the suite as root, or allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1).")
		return 1
	}
	return 0
}

// privatePCSC prepares the namespace for the harness's pcscd: loopback up,
// a private /run/pcscd, no USB drivers, and a reader.conf for two vpcd
// readers on the harness's own ports. It returns the reader.conf path.
func privatePCSC(dir string) (string, error) {
	if os.Geteuid() != 0 {
		return "", errors.New("not root inside the namespace")
	}
	// A mount namespace made by clone (rootless path) shares propagation with
	// the parent until told otherwise.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return "", fmt.Errorf("make mounts private: %w", err)
	}
	if err := loopbackUp(); err != nil {
		return "", fmt.Errorf("loopback: %w", err)
	}
	run := filepath.Join(dir, "run")
	if err := os.MkdirAll(run, 0o755); err != nil {
		return "", err
	}
	if err := os.MkdirAll(pcscdDir, 0o755); err != nil {
		return "", err
	}
	if err := unix.Mount(run, pcscdDir, "", unix.MS_BIND, ""); err != nil {
		return "", fmt.Errorf("bind %s: %w", pcscdDir, err)
	}
	const drivers = "/usr/lib/pcsc/drivers"
	lib := filepath.Join(drivers, "serial", "libifdvpcd.so")
	ownLib := filepath.Join(dir, "libifdvpcd.so")
	if err := copyFile(lib, ownLib); err != nil {
		return "", fmt.Errorf("vpcd driver (is vsmartcard-vpcd installed?): %w", err)
	}
	empty := filepath.Join(dir, "no-usb-drivers")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		return "", err
	}
	if err := unix.Mount(empty, drivers, "", unix.MS_BIND, ""); err != nil {
		return "", fmt.Errorf("hide USB drivers: %w", err)
	}
	conf := filepath.Join(dir, "reader.conf")
	body := "FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME /dev/null:0x9C7B\nLIBPATH " + ownLib + "\nCHANNELID 0x9C7B\n"
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		return "", err
	}
	return conf, nil
}

// loopbackUp brings up lo in the new network namespace (it starts down).
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP | unix.IFF_RUNNING)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// The harness runs in its own network and mount namespaces: the vpcd ports
// are not reachable from the machine's network, and the pcscd socket the
// tests use is not the system one.
func TestHarnessIsolatedFromSystemPCSC(t *testing.T) {
	if !insideHarnessNamespaces() {
		t.Fatal("integration tests run outside the harness namespaces")
	}
	for _, ns := range []string{"net", "mnt"} {
		self, err1 := os.Readlink("/proc/self/ns/" + ns)
		outer, err2 := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", os.Getppid(), ns))
		if err1 != nil || err2 != nil {
			t.Fatalf("%s namespace: %v %v", ns, err1, err2)
		}
		if self == outer {
			t.Fatalf("%s namespace shared with the outer test process (%s)", ns, self)
		}
	}
	ours, err := os.Stat(filepath.Join(pcscdDir, "pcscd.comm"))
	if err != nil {
		t.Fatal(err)
	}
	if host, err := os.Stat(fmt.Sprintf("/proc/%d/root%s", os.Getppid(), pcscdDir) + "/pcscd.comm"); err == nil && os.SameFile(ours, host) {
		t.Fatal("the harness talks to the system pcscd's socket")
	}
	ifaces, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range ifaces {
		if i.Flags&net.FlagLoopback == 0 {
			t.Fatalf("interface %s in the harness namespace: vpcd would be reachable through it", i.Name)
		}
	}
}
