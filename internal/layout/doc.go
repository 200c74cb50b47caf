// Package layout has no code of its own: its test checks the module's
// layout — which top-level folder's code may import which (the rule is
// written out in layout_test.go) — and that every package has a package
// doc comment.
//
// It lives in a package of its own, not in package main at the repository
// root, because the check only parses: a test in package main would first
// compile the whole app (Fyne and its cgo parts) and would not run at all
// while any package fails to build, which is when a misplaced import is
// most likely. Under internal/, nothing can import it; it imports nothing
// of the module.
package layout
