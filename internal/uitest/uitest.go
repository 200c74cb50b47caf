// Package uitest owns the app the window's tests run in: Fyne's test app,
// with text measuring serialised. Fyne's test driver runs fyne.Do on the
// calling goroutine, so a test's goroutine and a screen's background work
// lay out at the same time, and go-text's shaper (harfbuzz) is not safe
// for concurrent use: it panicked now and then (index out of range in
// harfbuzz.(*Buffer).cur). The real driver runs every fyne.Do on the main
// goroutine, where this cannot happen.
package uitest

import (
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// NewApp is test.NewTempApp whose driver measures one text at a time.
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
	mu sync.Mutex
}

func (d *driver) RenderedTextSize(text string, size float32, style fyne.TextStyle, source fyne.Resource) (fyne.Size, float32) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.Driver.RenderedTextSize(text, size, style, source)
}
