package integration

import (
	"fmt"
	"image/color"
	"image/png"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"madoguchi/ui"
)

// TestGUIWindowUnderXvfb opens the real app (GLFW window, demo card) on an
// Xvfb display, takes screenshots of the X root window in Japanese and
// English, and checks that our window drew its content: the DEMO banner's
// amber must be on screen. The PNGs are kept in out/screenshots for people to
// look at.
func TestGUIWindowUnderXvfb(t *testing.T) {
	for _, tool := range []string{"Xvfb", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not installed (Debian: xvfb imagemagick)", tool)
		}
	}
	root := repoRoot(t)
	bin := madoguchiBinary(t)
	display := startXvfb(t)
	shots := filepath.Join(root, "out", "screenshots")
	os.MkdirAll(shots, 0o755)
	for _, c := range []struct {
		lang, resident, file string
		args                 []string
	}{
		{"ja_JP.UTF-8", "yamada-taro", "card-status-ja.png", []string{"--demo-show-attributes"}},
		{"en_US.UTF-8", "nguyen-van-an", "card-status-en.png", []string{"--demo-show-attributes"}},
		// the Vietnamese resident at ×2 text: the system's language, the
		// first question of moving
		{"vi_VN.UTF-8", "nguyen-van-an", "moving-x2-vi.png", []string{"--scale", "2", "--demo-life-event", "moving"}},
		{"ja_JP.UTF-8", "yamada-taro", "moving-x2-ja.png", []string{"--scale", "2", "--demo-life-event", "moving"}},
	} {
		t.Run(c.file, func(t *testing.T) {
			shot := startApp(t, bin, display, c.lang, nil, append([]string{"--demo", "--resident", c.resident, "--demo-sign-in"}, c.args...)...)
			out := filepath.Join(shots, c.file)
			n := shot(out, func(p string) int { return amberPixels(t, p) })
			t.Logf("screenshot %s (%d banner pixels)", out, n)
		})
	}
}

// A resident's first start: real readers by default, no municipality yet,
// and no PC/SC service running. The window opens anyway (welcome: demo or
// municipality) and says what is wrong, instead of exiting with a message
// on a terminal nobody sees.
func TestGUIFirstStartWithoutPCSC(t *testing.T) {
	bin := madoguchiBinary(t)
	display := startXvfb(t)
	shots := filepath.Join(repoRoot(t), "out", "screenshots")
	os.MkdirAll(shots, 0o755)
	// the client library finds no service
	shot := startApp(t, bin, display, "en_US.UTF-8", []string{"PCSCLITE_CSOCK_NAME=" + filepath.Join(t.TempDir(), "no-pcscd.comm")})
	test.NewTempApp(t) // the theme's colours need an app
	primary := ui.NewTheme(1).Color(theme.ColorNamePrimary, theme.VariantDark)
	out := filepath.Join(shots, "first-start-no-pcsc-en.png")
	// the "Choose your municipality" button's colour
	n := shot(out, func(p string) int { return colourPixels(p, primary) })
	t.Logf("screenshot %s (%d button pixels)", out, n)
}

// startApp starts the app on the display with a home of its own, stopped at
// the end of the test, and returns its screenshot-until function.
func startApp(t *testing.T, bin, display, lang string, env []string, args ...string) func(out string, count func(string) int) int {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(os.Environ(), "DISPLAY="+display, "HOME="+home, "XDG_CACHE_HOME="+home, "XDG_CONFIG_HOME="+home,
		"XDG_DATA_HOME="+filepath.Join(home, "data"), "LANG="+lang, "LC_ALL=", "WAYLAND_DISPLAY="), env...)
	logPath := filepath.Join(home, "app.log")
	logf, _ := os.Create(logPath)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited, werr := watchChild(cmd)
	t.Cleanup(func() { stopChild(cmd, exited); logf.Close() })
	return func(out string, count func(string) int) int {
		return screenshotUntil(t, display, out, exited, werr, logPath, count)
	}
}

// screenshotUntil takes screenshots of the display into out until count
// finds more than 2000 pixels of what it looks for (our window drew), and
// returns that count; it fails if the app exits or a minute passes.
func screenshotUntil(t *testing.T, display, out string, exited <-chan struct{}, werr *error, logPath string, count func(string) int) int {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-exited:
			b, _ := os.ReadFile(logPath)
			t.Fatalf("app exited: %v\n%s", *werr, b)
		default:
		}
		if err := exec.Command("import", "-display", display, "-window", "root", out).Run(); err == nil {
			if n := count(out); n > 2000 {
				return n
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the window never showed what was expected; last screenshot at %s", out)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// colourPixels counts pixels within a small distance of c.
func colourPixels(path string, c color.Color) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return 0
	}
	cr, cg, cb, _ := c.RGBA()
	near := func(a, b uint32) bool { return int(a>>8)-int(b>>8) < 12 && int(b>>8)-int(a>>8) < 12 }
	n := 0
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if near(r, cr) && near(g, cg) && near(b, cb) {
				n++
			}
		}
	}
	return n
}

// amberPixels counts pixels of the demo banner's colour (#FFC107).
func amberPixels(t *testing.T, path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return 0
	}
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 > 0xF0 && g>>8 > 0xB0 && g>>8 < 0xD0 && bl>>8 < 0x30 {
				n++
			}
		}
	}
	return n
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// madoguchiBinary builds the app once per test run.
func madoguchiBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "madoguchi-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "madoguchi")
		build := exec.Command("go", "build", "-o", binPath, ".")
		build.Dir = repoRoot(t)
		if out, err := build.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// startXvfb starts a private X server as our child and stops it by PID.
func startXvfb(t *testing.T) string {
	for n := 90; n < 110; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		sock := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		// a socket left by an Xvfb stopped before (its lock gone) would
		// look ready before this one listens: the app then found no display
		os.Remove(sock)
		cmd := exec.Command("Xvfb", display, "-screen", "0", "1280x900x24", "-nolisten", "tcp")
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited, _ := watchChild(cmd)
		t.Cleanup(func() { stopChild(cmd, exited) })
		for i := 0; i < 100; i++ {
			select {
			case <-exited:
				t.Fatalf("Xvfb %s exited", display)
			default:
			}
			// ready when it accepts a connection, not when the file exists
			if c, err := net.Dial("unix", sock); err == nil {
				c.Close()
				return display
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("Xvfb %s did not start", display)
	}
	t.Fatal("no free X display number")
	return ""
}

// stopChild stops a child we started by PID: SIGTERM, then SIGKILL after 5 s,
// and waits for it so no zombie is left (PID 1 here does not reap).
func stopChild(cmd *exec.Cmd, exited <-chan struct{}) {
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
}

// watchChild waits for cmd in the background; the channel closes when it
// has exited, after which *err holds Wait's result.
func watchChild(cmd *exec.Cmd) (<-chan struct{}, *error) {
	done := make(chan struct{})
	var err error
	go func() { err = cmd.Wait(); close(done) }()
	return done, &err
}
