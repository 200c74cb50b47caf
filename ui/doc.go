// Package ui owns the Fyne screens and widgets: the window shell with the
// demo banner and language switch, the card-status screen, the PIN dialog
// (tries left shown before asking, explicit last-try confirmation), failure
// display with codes, and the theme (bundled Noto Sans JP, large-text scale).
// It holds no business logic: everything it shows comes through the service
// interfaces in service.go, implemented by package app. Goroutines touch
// widgets only through fyne.Do. It does not import fyne.io/fyne/v2/app, so
// its tests run on Fyne's test driver.
package ui
