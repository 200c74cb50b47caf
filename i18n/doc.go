// Package i18n owns the translation catalogues (embedded JSON, one file per
// language) and the helpers every user-facing string goes through: language
// detection, message lookup with template data, the failure-code catalogue
// (each failure code has a cause and an action in every language), and the
// one formatter for values people read — dates in JST with the Japanese era
// (令和), sex codes (ISO 5218), yen, and certificate fields in their order.
// It is built on github.com/nicksnyder/go-i18n/v2, which Fyne already uses.
package i18n
