package common

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The window and the terminal stand side by side on this package: neither
// imports the other (the window once stood on the whole command line).
func TestWindowAndTerminalSideBySide(t *testing.T) {
	for dir, banned := range map[string]string{"../gui": "madoguchi/app/cli", "../cli": "madoguchi/app/gui"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		if len(files) == 0 {
			t.Fatalf("no files in %s", dir)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range ast.Imports {
				if p, _ := strconv.Unquote(imp.Path.Value); p == banned {
					t.Errorf("%s imports %s", f, banned)
				}
			}
		}
	}
}
