// Package ui owns the Fyne screens and widgets: the window shell with the
// demo banner and language switch, the card-status screen, the sign-in
// panel, "My certificates", the life events (one question per screen, the
// plan with its deadline timeline, filing and receipts), "Family and
// proxies", help, the PIN dialog (tries left shown before asking, explicit
// last-try confirmation), failure display with codes, and the theme
// (bundled Noto Sans JP, large-text scale). It holds no business logic:
// everything it shows comes through the service interfaces it declares
// (service.go, and ProxyService in proxies.go), implemented by app/gui.
// It imports nothing of the project but i18n. Goroutines touch
// widgets only through fyne.Do. It does not import fyne.io/fyne/v2/app, so
// its tests run on Fyne's test driver.
package ui
