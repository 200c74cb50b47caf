// Package uitest owns the app the window's tests run in: Fyne's test app,
// with the UI work serialised as the real driver does. Fyne's test driver
// runs fyne.Do on the calling goroutine, so a test's goroutine and a
// screen's background work changed widgets at the same time — the focus
// manager, the canvas, and go-text's shaper (harfbuzz), which panicked now
// and then (index out of range in harfbuzz.(*Buffer).cur). Here one
// goroutine at a time runs UI work (fyne.Do and fyne.DoAndWait, and text
// measuring); a goroutine already running it goes on (nested calls).
package uitest

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// NewApp is test.NewTempApp whose driver runs UI work one goroutine at a
// time.
func NewApp(t testing.TB) fyne.App {
	a := test.NewTempApp(t)
	w := &app{App: a, d: &driver{Driver: a.Driver()}}
	fyne.SetCurrentApp(w)
	return w
}

type app struct {
	fyne.App
	d *driver
}

func (a *app) Driver() fyne.Driver { return a.d }

type driver struct {
	fyne.Driver
	ui ownedMutex
}

func (d *driver) DoFromGoroutine(f func(), wait bool) {
	d.ui.do(func() { d.Driver.DoFromGoroutine(f, wait) })
}

func (d *driver) RenderedTextSize(text string, size float32, style fyne.TextStyle, source fyne.Resource) (fyne.Size, float32) {
	var s fyne.Size
	var b float32
	d.ui.do(func() { s, b = d.Driver.RenderedTextSize(text, size, style, source) })
	return s, b
}

// ownedMutex is a mutex its holder may take again (a fyne.Do inside a
// fyne.Do, a measure inside a layout).
type ownedMutex struct {
	mu    sync.Mutex
	guard sync.Mutex
	owner uint64
	depth int
}

func (m *ownedMutex) do(f func()) {
	id := goid()
	m.guard.Lock()
	mine := m.owner == id && m.depth > 0
	if mine {
		m.depth++
	}
	m.guard.Unlock()
	if !mine {
		m.mu.Lock()
		m.guard.Lock()
		m.owner, m.depth = id, 1
		m.guard.Unlock()
	}
	defer func() {
		m.guard.Lock()
		m.depth--
		last := m.depth == 0
		if last {
			m.owner = 0
		}
		m.guard.Unlock()
		if last {
			m.mu.Unlock()
		}
	}()
	f()
}

// goid is the calling goroutine's id (tests only: from its stack header,
// "goroutine 123 [...]").
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	n, _ := strconv.ParseUint(string(b), 10, 64)
	return n
}
