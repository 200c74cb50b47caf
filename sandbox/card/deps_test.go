package vcard

import (
	"go/build"
	"strings"
	"testing"
)

// The virtual card is built on the card's wire format (protocol/mynacard)
// only, never on the client it tests: an encoding mistake in auth/card must
// not be mirrored here.
func TestEmulatorDoesNotImportTheClient(t *testing.T) {
	seen := map[string]bool{}
	var walk func(path, dir string)
	walk = func(path, dir string) {
		if seen[path] {
			return
		}
		seen[path] = true
		p, err := build.Default.Import(path, dir, 0)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, "madoguchi/") {
				if strings.HasPrefix(imp, "madoguchi/auth/") || strings.HasPrefix(imp, "madoguchi/app") || strings.HasPrefix(imp, "madoguchi/ui") {
					t.Errorf("%s imports %s", path, imp)
				}
				walk(imp, p.Dir)
			}
		}
	}
	walk("madoguchi/sandbox/card", ".")
	if !seen["madoguchi/protocol/mynacard"] {
		t.Error("the emulator does not use protocol/mynacard")
	}
}
