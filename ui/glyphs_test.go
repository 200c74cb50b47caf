package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/image/font/sfnt"

	"madoguchi/i18n"
	"madoguchi/procedures"
)

// Every character of every text the app shows, in every language — the
// messages and the catalogue's questions, procedures and items to bring —
// has a glyph in both bundled faces: Hangul, simplified hanzi and
// Vietnamese included (a missing glyph is a box in front of a resident).
func TestEveryTextHasItsGlyphs(t *testing.T) {
	texts := allTexts(t)
	for name, face := range map[string][]byte{"regular": fontRegular, "bold": fontBold} {
		f, err := sfnt.Parse(face)
		if err != nil {
			t.Fatal(err)
		}
		var buf sfnt.Buffer
		missing := map[rune][]string{}
		for where, s := range texts {
			for _, r := range s {
				if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == ' ' {
					continue
				}
				if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
					if len(missing[r]) < 2 {
						missing[r] = append(missing[r], where)
					}
				}
			}
		}
		if len(missing) > 0 {
			var list []string
			for r, w := range missing {
				list = append(list, string(r)+" U+"+hex(r)+" in "+strings.Join(w, ", "))
			}
			sort.Strings(list)
			if len(list) > 40 {
				list = append(list[:40], "…")
			}
			t.Errorf("%s face: %d characters without a glyph (scripts/font-subset.py):\n%s", name, len(missing), strings.Join(list, "\n"))
		}
	}
}

func hex(r rune) string {
	const digits = "0123456789ABCDEF"
	var b []byte
	for i := 12; i >= 0; i -= 4 {
		b = append(b, digits[(r>>uint(i))&0xF])
	}
	return string(b)
}

// allTexts are every message of every locale file and every catalogue
// text in every language, by where they are.
func allTexts(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	files, _ := filepath.Glob("../i18n/locales/*.json")
	if len(files) == 0 {
		t.Fatal("no locale files")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(f, err)
		}
		for k, v := range m {
			out[filepath.Base(f)+" "+k] = v
		}
	}
	cat, err := procedures.Bundled(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range cat.Events {
		for k, tx := range e.Texts() {
			for lang, s := range tx {
				out[e.ID+" "+k+" "+lang] = s
			}
		}
	}
	for _, l := range i18n.Languages() {
		out["endonym "+l] = i18n.Endonym(l)
	}
	return out
}
